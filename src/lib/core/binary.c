/* A Go executable on its own: its .gopclntab (and go:func.*, for inlined
 * calls), to name the pcs that other formats leave raw. core.c opens a
 * core's binary's table with the same function. */
#include "core/core_impl.h"
#include "gomemdx/core.h"
#include "util/alloc.h"

#include <elf.h>
#include <string.h>

struct gmx_binary {
    elf_file elf;
    gmx_pclntab *pcln;
};

gmx_code gmx_core_open_pclntab(const elf_file *bin, gmx_pclntab **out, bool *inlining,
                               gmx_error *err)
{
    uint64_t addr, text, size;
    gmx_str tab, text_bytes;
    *inlining = false;
    if (!gmx_elf_file_section(bin, ".gopclntab", &addr, &tab))
        return gmx_error_set(err, GMX_EFORMAT, "%s: no .gopclntab section (not a Go binary?)",
                             bin->name);
    if (!gmx_elf_file_section(bin, ".text", &text, &text_bytes))
        return gmx_error_set(err, GMX_EFORMAT, "%s: no .text section", bin->name);
    gmx_code rc = gmx_pclntab_open(bin->name, tab.p, tab.n, text, out, err);
    if (rc != GMX_OK)
        return rc;
    /* inlining trees are in go:func.* (.rodata up to Go 1.26, beside the
     * pclntab since) */
    uint64_t gofunc;
    size_t avail;
    const uint8_t *bytes;
    if ((gmx_elf_file_symbol(bin, "go:func.*", &gofunc, &size) ||
         gmx_elf_file_symbol(bin, "go.func.*", &gofunc, &size)) &&
        (bytes = gmx_elf_file_span(bin, gofunc, &avail))) {
        gmx_pclntab_set_gofunc(*out, gofunc, bytes, avail);
        *inlining = true;
    }
    return GMX_OK;
}

gmx_code gmx_binary_open(const char *name, const void *data, size_t len, gmx_binary **out,
                         gmx_error *err)
{
    *out = NULL;
    gmx_binary *b = gmx_calloc(1, sizeof(*b));
    if (!b)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    bool inlining;
    gmx_code rc = gmx_elf_file_open(&b->elf, name, data, len, false, err);
    if (rc == GMX_OK && b->elf.type != ET_EXEC && b->elf.type != ET_DYN)
        rc = gmx_error_set(err, GMX_EFORMAT, "%s: not an executable (ELF type %d)", name,
                           b->elf.type);
    if (rc == GMX_OK)
        rc = gmx_core_open_pclntab(&b->elf, &b->pcln, &inlining, err);
    if (rc != GMX_OK) {
        gmx_binary_free(b);
        return rc;
    }
    *out = b;
    return GMX_OK;
}

void gmx_binary_free(gmx_binary *b)
{
    if (!b)
        return;
    gmx_pclntab_free(b->pcln);
    gmx_elf_file_release(&b->elf);
    gmx_free(b);
}

size_t gmx_binary_frames(const gmx_binary *b, uint64_t pc, gmx_pcframe *out, size_t max)
{
    gmx_pcfunc f;
    if (!b || !pc || !gmx_pclntab_find(b->pcln, pc - 1, &f))
        return 0;
    return gmx_pclntab_frames(b->pcln, &f, pc - 1, out, max);
}
