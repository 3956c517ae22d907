/* A Go executable on its own: its .gopclntab (and go:func.*, for inlined
 * calls), to name the pcs that other formats leave raw. core.c opens a
 * core's binary's table with the same function. */
#include "core/core_impl.h"
#include "gomemdx/core.h"
#include "util/alloc.h"
#include "util/str.h"

#include <elf.h>
#include <string.h>

struct gmx_binary {
    elf_file elf;
    gmx_pclntab *pcln;
    /* read at open: libelf caches what it reads, so threads naming pcs
     * side by side must not call it */
    gmx_str go_id, gnu_id;
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
    if (rc == GMX_OK) {
        gmx_elf_file_build_id(&b->elf, "Go", 4, &b->go_id);
        gmx_elf_file_build_id(&b->elf, "GNU", 3, &b->gnu_id);
    }
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
    return pc ? gmx_binary_frames_at(b, pc - 1, out, max) : 0;
}

size_t gmx_binary_frames_at(const gmx_binary *b, uint64_t addr, gmx_pcframe *out, size_t max)
{
    gmx_pcfunc f;
    if (!b || !gmx_pclntab_find(b->pcln, addr, &f))
        return 0;
    return gmx_pclntab_frames(b->pcln, &f, addr, out, max);
}

/* x86-64 call instructions, by the bytes that end at the return address:
 * CALL rel32 (E8 +4), and CALL r/m64 (FF /2, with a REX prefix or not) to
 * a register or through [reg], [reg+disp8] or [reg+disp32]. */
static bool ends_a_call(const uint8_t *text, size_t before)
{
    if (before >= 5 && text[-5] == 0xE8)
        return true;
    /* FF modrm [sib] [disp]: the opcode at -len, reg field 2 */
    static const struct { uint8_t len, mod; } forms[] = {
        { 2, 3 }, { 2, 0 }, { 3, 1 }, { 4, 1 }, { 6, 2 }, { 7, 2 }
    };
    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        size_t n = forms[i].len;
        if (before < n || text[-(ptrdiff_t)n] != 0xFF)
            continue;
        uint8_t modrm = text[-(ptrdiff_t)n + 1];
        if ((modrm >> 6) == forms[i].mod && ((modrm >> 3) & 7) == 2)
            return true;
    }
    return false;
}

bool gmx_binary_call_site(const gmx_binary *b, uint64_t addr)
{
    /* up to 8 bytes before the return address, all in one segment */
    for (size_t before = 8; before >= 2; before--) {
        size_t avail;
        const uint8_t *from = addr + 1 >= before
                                  ? gmx_elf_file_span(&b->elf, addr + 1 - before, &avail)
                                  : NULL;
        if (from && avail >= before)
            return ends_a_call(from + before, before);
    }
    return false;
}

/* build_id as profiles write it: pprof and runtime/pprof the GNU note in
 * hex, some producers Go's own ID as text. */
bool gmx_binary_has_build_id(const gmx_binary *b, gmx_str build_id)
{
    gmx_str id = b->gnu_id;
    if (b->go_id.n && gmx_str_eq(b->go_id, build_id))
        return true;
    if (!id.n || build_id.n != 2 * id.n)
        return false;
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < id.n; i++) {
        uint8_t v = (uint8_t)id.p[i];
        char hi = build_id.p[2 * i] | 0x20, lo = build_id.p[2 * i + 1] | 0x20; /* lower case */
        if (hi != hex[v >> 4] || lo != hex[v & 15])
            return false;
    }
    return true;
}
