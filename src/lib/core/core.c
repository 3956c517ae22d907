/* Opening a core with its binary: both ELF files, the pairing check (build
 * IDs), the pclntab, and the runtime's layouts from DWARF. */
#include "core/core_impl.h"
#include "util/alloc.h"

#include <elf.h>
#include <string.h>

/* n bytes within one page: one segment holds them all, or none. */
static bool read_in_page(const gmx_core *c, uint64_t vaddr, void *out, size_t n)
{
    const uint8_t *p = gmx_elf_file_at(&c->core, vaddr, n);
    if (!p)
        p = gmx_elf_file_at(&c->bin, vaddr, n);
    if (p) {
        memcpy(out, p, n);
        return true;
    }
    if (gmx_elf_file_maps(&c->core, vaddr) && gmx_elf_file_maps(&c->core, vaddr + n - 1)) {
        memset(out, 0, n);
        return true;
    }
    return false;
}

bool gmx_core_read(const gmx_core *c, uint64_t vaddr, void *out, size_t n)
{
    if (n == 0 || vaddr + n < vaddr)
        return n == 0;
    /* a read across segments (a core whose zero pages were left out has
     * many) goes a page at a time */
    for (size_t done = 0; done < n;) {
        uint64_t at = vaddr + done;
        size_t chunk = (size_t)(4096 - (at & 4095));
        if (chunk > n - done)
            chunk = n - done;
        if (!read_in_page(c, at, (uint8_t *)out + done, chunk))
            return false;
        done += chunk;
    }
    return true;
}

bool gmx_core_read_u64(const gmx_core *c, uint64_t vaddr, uint64_t *v)
{
    return gmx_core_read(c, vaddr, v, sizeof(*v));
}

void gmx_core_release(const gmx_core *c, uint64_t lo, uint64_t hi)
{
    if (!c->release)
        return;
    for (size_t i = 0; i < c->core.nsegs; i++) {
        const elf_segment *sg = &c->core.segs[i];
        uint64_t a = sg->vaddr > lo ? sg->vaddr : lo, b = sg->vaddr + sg->filesz;
        if (b > hi)
            b = hi;
        if (a < b)
            c->release(c->release_ctx, (size_t)(sg->offset + (a - sg->vaddr)), (size_t)(b - a));
    }
}

void gmx_core_set_release(gmx_core *c, gmx_core_release_fn fn, void *ctx)
{
    c->release = fn;
    c->release_ctx = ctx;
}

/* The build ID note of the binary must read the same at its address in the
 * core (the first page of the text mapping, which kernel and gcore dump). */
static gmx_code check_pairing(gmx_core *c, gmx_error *err)
{
    static const struct { const char *section, *owner; uint32_t type; } notes[] = {
        { ".note.go.buildid", "Go", 4 }, { ".note.gnu.build-id", "GNU", NT_GNU_BUILD_ID }
    };
    for (size_t i = 0; i < sizeof(notes) / sizeof(notes[0]); i++) {
        uint64_t addr;
        gmx_str bytes, id;
        if (!gmx_elf_file_section(&c->bin, notes[i].section, &addr, &bytes) || !bytes.n ||
            !gmx_elf_file_build_id(&c->bin, notes[i].owner, notes[i].type, &id))
            continue;
        const uint8_t *in_core = gmx_elf_file_at(&c->core, addr, bytes.n);
        if (!in_core)
            continue;
        if (memcmp(in_core, bytes.p, bytes.n) != 0)
            return gmx_error_set(err, GMX_EFORMAT,
                                 "%s: the core was not produced by this binary (%s build ID %.*s "
                                 "not found in %s)",
                                 c->bin.name, notes[i].owner, (int)(id.n > 64 ? 64 : id.n), id.p,
                                 c->core.name);
        return GMX_OK;
    }
    /* no note mapped in the core: the text itself must agree */
    uint64_t addr;
    gmx_str bytes;
    if (gmx_elf_file_section(&c->bin, ".gopclntab", &addr, &bytes) && bytes.n >= 64) {
        const uint8_t *in_core = gmx_elf_file_at(&c->core, addr, 64);
        if (in_core && memcmp(in_core, bytes.p, 64) != 0)
            return gmx_error_set(err, GMX_EFORMAT,
                                 "%s: the core was not produced by this binary (.gopclntab differs "
                                 "in %s)", c->bin.name, c->core.name);
    }
    return GMX_OK;
}

static gmx_code open_pclntab(gmx_core *c, gmx_error *err)
{
    gmx_code rc = gmx_core_open_pclntab(&c->bin, &c->pcln, &c->inlining, err);
    if (rc != GMX_OK)
        return rc;
    gmx_pcfunc f;
    for (size_t i = 0; gmx_pclntab_func(c->pcln, i, &f); i++)
        if (f.funcid > c->wrapper_funcid)
            c->wrapper_funcid = f.funcid;
    return GMX_OK;
}

static gmx_code resolve_layout(gmx_core *c, gmx_error *err)
{
    static const struct { const char *path; size_t at; bool optional; } fields[] = {
        { "goid", offsetof(g_layout, goid), false },
        { "atomicstatus", offsetof(g_layout, status), false },
        { "waitreason", offsetof(g_layout, waitreason), false },
        { "waitsince", offsetof(g_layout, waitsince), false },
        { "sched.sp", offsetof(g_layout, sched_sp), false },
        { "sched.pc", offsetof(g_layout, sched_pc), false },
        { "syscallsp", offsetof(g_layout, syscallsp), false },
        { "syscallpc", offsetof(g_layout, syscallpc), false },
        { "stack.lo", offsetof(g_layout, stack_lo), false },
        { "stack.hi", offsetof(g_layout, stack_hi), false },
        { "gopc", offsetof(g_layout, gopc), false },
        { "startpc", offsetof(g_layout, startpc), false },
        { "parentGoid", offsetof(g_layout, parent_goid), true }, /* Go 1.21+ */
    };
    if (gmx_dwarf_layout_open(&c->bin, &c->dwarf, err) != GMX_OK) {
        /* degrade: the threads' stacks need only the pclntab */
        c->no_dwarf = true;
        if (err)
            memset(err, 0, sizeof(*err));
        return GMX_OK;
    }
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        int64_t off = gmx_dwarf_layout_offset(c->dwarf, "runtime.g", fields[i].path);
        if (off < 0 && !fields[i].optional)
            return gmx_error_set(err, GMX_EFORMAT, "%s: DWARF has no runtime.g field %s",
                                 c->bin.name, fields[i].path);
        memcpy((char *)&c->g + fields[i].at, &off, sizeof(off));
    }
    return GMX_OK;
}

static gmx_code find_symbols(gmx_core *c, gmx_error *err)
{
    uint64_t size;
    if (!gmx_elf_file_has_symtab(&c->bin))
        return gmx_error_set(err, GMX_EFORMAT,
                             "%s: the binary has no symbol table (built with -s or stripped): "
                             "runtime.allgs cannot be found", c->bin.name);
    if (!gmx_elf_file_symbol(&c->bin, "runtime.allgs", &c->allgs, &size))
        return gmx_error_set(err, GMX_EFORMAT, "%s: no symbol runtime.allgs (not a Go program?)",
                             c->bin.name);
    if (gmx_elf_file_symbol(&c->bin, "runtime.waitReasonStrings", &c->wait_reasons, &size))
        c->nwait_reasons = size / 16;
    return GMX_OK;
}

gmx_code gmx_core_open(const char *core_name, const void *core_data, size_t core_len,
                       const char *bin_name, const void *bin_data, size_t bin_len,
                       gmx_core **out, gmx_error *err)
{
    *out = NULL;
    gmx_core *c = gmx_calloc(1, sizeof(*c));
    if (!c)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    gmx_arena_init(&c->names, (size_t)64 << 20);
    gmx_interner_init(&c->printed, &c->names);
    gmx_code rc = gmx_elf_file_open(&c->core, core_name, core_data, core_len, false, err);
    if (rc == GMX_OK && c->core.type != ET_CORE)
        rc = gmx_error_set(err, GMX_EFORMAT, "%s: not a core file (ELF type %d)", core_name,
                           c->core.type);
    if (rc == GMX_OK && c->core.needed > core_len)
        rc = gmx_error_set(err, GMX_EFORMAT,
                           "%s: truncated core: its segments need %llu bytes, the file has %zu",
                           core_name, (unsigned long long)c->core.needed, core_len);
    if (rc == GMX_OK)
        rc = gmx_elf_file_open(&c->bin, bin_name, bin_data, bin_len, true, err);
    if (rc == GMX_OK)
        rc = open_pclntab(c, err);
    if (rc == GMX_OK && c->bin.type != ET_EXEC)
        rc = gmx_error_set(err, GMX_EFORMAT,
                           "%s: a position-independent Go executable (-buildmode=pie) is not "
                           "supported yet", bin_name);
    if (rc == GMX_OK)
        rc = find_symbols(c, err);
    if (rc == GMX_OK)
        rc = check_pairing(c, err);
    if (rc == GMX_OK)
        rc = resolve_layout(c, err);
    if (rc == GMX_OK)
        rc = gmx_elf_core_threads(&c->core, &c->threads, &c->nthreads, err);
    if (rc != GMX_OK) {
        gmx_core_free(c);
        return rc;
    }
    *out = c;
    return GMX_OK;
}

void gmx_core_free(gmx_core *c)
{
    if (!c)
        return;
    gmx_elf_file_release(&c->core);
    gmx_elf_file_release(&c->bin);
    gmx_pclntab_free(c->pcln);
    gmx_dwarf_layout_free(c->dwarf);
    gmx_free(c->threads);
    gmx_interner_release(&c->printed);
    gmx_arena_release(&c->names);
    gmx_free(c);
}
