/* .gopclntab, the layout of Go 1.18+ (runtime/symtab.go): a header of
 * offsets to the function name table, the compilation-unit file table, the
 * file names, the pc-value tables and the function table; the function
 * table is nfunc+1 (entry offset, record offset) pairs in address order.
 * Every offset read from the table is checked against the bytes held. */
#include "gomemdx/pclntab.h"
#include "util/alloc.h"

#include <string.h>

enum {
    MAGIC_118 = 0xfffffff0,
    MAGIC_120 = 0xfffffff1,
    PCDATA_INLTREEINDEX = 2,
    FUNCDATA_INLTREE = 3,
    MAX_VALUE_STEPS = 1 << 20 /* a pc-value table longer than any function */
};

typedef struct span {
    const uint8_t *p;
    size_t n;
} span;

struct gmx_pclntab {
    span all, funcnames, cutab, filetab, pctab, funcs;
    uint64_t text_start;
    uint64_t nfunc;
    int layout;           /* 118 or 120 */
    uint8_t min_lc;
    size_t func_size;     /* bytes of a _func record before its pcdata offsets */
    uint64_t gofunc_base; /* go:func.*, for inlining trees; 0 when not given */
    span gofunc;
};

static bool get32(span s, uint64_t off, uint32_t *v)
{
    if (off > s.n || s.n - off < 4)
        return false;
    memcpy(v, s.p + off, 4);
    return true;
}

static bool get64(span s, uint64_t off, uint64_t *v)
{
    if (off > s.n || s.n - off < 8)
        return false;
    memcpy(v, s.p + off, 8);
    return true;
}

static span sub(span s, uint64_t from, uint64_t to)
{
    if (from > to || to > s.n)
        return (span){ NULL, 0 };
    return (span){ s.p + from, (size_t)(to - from) };
}

/* A NUL-terminated string at off of s; empty when off is outside. */
static gmx_str cstr_at(span s, uint64_t off)
{
    if (off >= s.n)
        return (gmx_str){ "", 0 };
    const char *p = (const char *)s.p + off;
    const char *nul = memchr(p, '\0', s.n - (size_t)off);
    return (gmx_str){ p, nul ? (size_t)(nul - p) : s.n - (size_t)off };
}

gmx_code gmx_pclntab_open(const char *name, const void *data, size_t len, uint64_t text_start,
                          gmx_pclntab **out, gmx_error *err)
{
    *out = NULL;
    span all = { data, len };
    uint32_t magic = 0;
    if (!get32(all, 0, &magic) || len < 8 + 8 * 8)
        return gmx_error_set(err, GMX_EFORMAT, "%s: .gopclntab is truncated (%zu bytes)", name,
                             len);
    if (magic != MAGIC_118 && magic != MAGIC_120)
        return gmx_error_set(err, GMX_EFORMAT,
                             "%s: unsupported .gopclntab magic 0x%08x (Go 1.18 or later needed)",
                             name, magic);
    if (all.p[4] || all.p[5] || all.p[7] != 8 || (all.p[6] != 1 && all.p[6] != 4))
        return gmx_error_set(err, GMX_EFORMAT, "%s: .gopclntab header is not for a 64-bit target",
                             name);
    uint64_t h[8]; /* nfunc, nfiles, textStart, then five offsets */
    for (int i = 0; i < 8; i++)
        get64(all, 8 + 8 * (uint64_t)i, &h[i]);
    gmx_pclntab *t = gmx_calloc(1, sizeof(*t));
    if (!t)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    t->all = all;
    t->layout = magic == MAGIC_118 ? 118 : 120;
    t->min_lc = all.p[6];
    t->nfunc = h[0];
    t->text_start = text_start ? text_start : h[2];
    t->func_size = t->layout == 118 ? 40 : 44;
    /* each table ends where the next begins */
    t->funcnames = sub(all, h[3], h[4]);
    t->cutab = sub(all, h[4], h[5]);
    t->filetab = sub(all, h[5], h[6]);
    t->pctab = sub(all, h[6], h[7]);
    t->funcs = sub(all, h[7], len);
    if (!t->funcnames.p || !t->cutab.p || !t->filetab.p || !t->pctab.p || !t->funcs.p ||
        t->nfunc == 0 || t->nfunc > t->funcs.n / 8 - 1) {
        gmx_free(t);
        return gmx_error_set(err, GMX_EFORMAT, "%s: .gopclntab header offsets are out of range",
                             name);
    }
    *out = t;
    return GMX_OK;
}

void gmx_pclntab_free(gmx_pclntab *t)
{
    gmx_free(t);
}

int gmx_pclntab_layout(const gmx_pclntab *t)
{
    return t->layout;
}

void gmx_pclntab_set_gofunc(gmx_pclntab *t, uint64_t base, const void *data, size_t len)
{
    t->gofunc_base = base;
    t->gofunc = (span){ data, len };
}

size_t gmx_pclntab_count(const gmx_pclntab *t)
{
    return (size_t)t->nfunc;
}

static uint64_t entry_of(const gmx_pclntab *t, uint64_t i)
{
    uint32_t off = 0;
    get32(t->funcs, i * 8, &off);
    return t->text_start + off;
}

static bool fill_func(const gmx_pclntab *t, uint64_t i, gmx_pcfunc *f)
{
    uint32_t entryoff, funcoff, nameoff;
    if (!get32(t->funcs, i * 8, &entryoff) || !get32(t->funcs, i * 8 + 4, &funcoff) ||
        !get32(t->funcs, (uint64_t)funcoff + 4, &nameoff) || funcoff > t->funcs.n ||
        t->funcs.n - funcoff < t->func_size)
        return false;
    const uint8_t *rec = t->funcs.p + funcoff;
    f->entry = t->text_start + entryoff;
    f->name = cstr_at(t->funcnames, nameoff);
    f->funcid = rec[t->func_size - 4];
    f->flags = rec[t->func_size - 3];
    f->off = funcoff;
    return true;
}

bool gmx_pclntab_func(const gmx_pclntab *t, size_t i, gmx_pcfunc *f)
{
    return i < t->nfunc && fill_func(t, i, f);
}

bool gmx_pclntab_find(const gmx_pclntab *t, uint64_t pc, gmx_pcfunc *f)
{
    /* the entry after the last function is the end of text */
    if (pc < entry_of(t, 0) || pc >= entry_of(t, t->nfunc))
        return false;
    uint64_t lo = 0, hi = t->nfunc; /* entry(lo) <= pc < entry(hi) */
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (entry_of(t, mid) <= pc)
            lo = mid;
        else
            hi = mid;
    }
    return fill_func(t, lo, f);
}

static bool field32(const gmx_pclntab *t, const gmx_pcfunc *f, size_t at, uint32_t *v)
{
    return get32(t->funcs, (uint64_t)f->off + at, v);
}

static bool uvarint(span s, size_t *pos, uint32_t *v)
{
    uint32_t x = 0;
    for (unsigned shift = 0; shift < 35; shift += 7) {
        if (*pos >= s.n)
            return false;
        uint8_t b = s.p[(*pos)++];
        x |= (uint32_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return true;
        }
    }
    return false;
}

/* The value of the pc-value table at pctab offset off for pc in f:
 * (value delta zig-zagged, pc delta / minLC) varint pairs from entry. */
static bool pcvalue(const gmx_pclntab *t, const gmx_pcfunc *f, uint32_t off, uint64_t pc,
                    int32_t *out)
{
    if (off == 0 || off >= t->pctab.n)
        return false;
    span s = sub(t->pctab, off, t->pctab.n);
    size_t pos = 0;
    int64_t val = -1;
    uint64_t at = f->entry;
    for (int step = 0; step < MAX_VALUE_STEPS; step++) {
        uint32_t uv, pcd;
        if (!uvarint(s, &pos, &uv) || (uv == 0 && step > 0))
            return false;
        int32_t delta = (uv & 1) ? -(int32_t)(uv >> 1) - 1 : (int32_t)(uv >> 1);
        val += delta;
        if (!uvarint(s, &pos, &pcd))
            return false;
        at += (uint64_t)pcd * t->min_lc;
        if (pc < at) {
            if (val < INT32_MIN || val > INT32_MAX)
                return false;
            *out = (int32_t)val;
            return true;
        }
    }
    return false;
}

bool gmx_pclntab_spdelta(const gmx_pclntab *t, const gmx_pcfunc *f, uint64_t pc, int32_t *delta)
{
    uint32_t off;
    return field32(t, f, 16, &off) && pcvalue(t, f, off, pc, delta);
}

static gmx_str file_name(const gmx_pclntab *t, const gmx_pcfunc *f, int32_t fileno)
{
    uint32_t cu, off;
    if (fileno < 0 || !field32(t, f, 32, &cu) ||
        !get32(t->cutab, ((uint64_t)cu + (uint64_t)fileno) * 4, &off) || off == UINT32_MAX)
        return (gmx_str){ "?", 1 };
    return cstr_at(t->filetab, off);
}

bool gmx_pclntab_line(const gmx_pclntab *t, const gmx_pcfunc *f, uint64_t pc, gmx_str *file,
                      uint32_t *line)
{
    uint32_t fileoff, lnoff;
    int32_t fileno, ln;
    if (!field32(t, f, 20, &fileoff) || !field32(t, f, 24, &lnoff) ||
        !pcvalue(t, f, fileoff, pc, &fileno) || !pcvalue(t, f, lnoff, pc, &ln) || ln < 0)
        return false;
    *file = file_name(t, f, fileno);
    *line = (uint32_t)ln;
    return true;
}

/* The index into f's inlining tree at pc, or -1; and the tree itself. */
static int32_t inline_index(const gmx_pclntab *t, const gmx_pcfunc *f, uint64_t pc, span *tree)
{
    uint32_t npcdata, pcoff, dataoff;
    if (!t->gofunc.p || !field32(t, f, 28, &npcdata) || npcdata <= PCDATA_INLTREEINDEX)
        return -1;
    const uint8_t *rec = t->funcs.p + f->off;
    uint8_t nfuncdata = rec[t->func_size - 1];
    if (nfuncdata <= FUNCDATA_INLTREE ||
        !field32(t, f, t->func_size + 4 * PCDATA_INLTREEINDEX, &pcoff) ||
        !field32(t, f, t->func_size + 4 * ((size_t)npcdata + FUNCDATA_INLTREE), &dataoff) ||
        dataoff == UINT32_MAX || dataoff >= t->gofunc.n)
        return -1;
    int32_t ix;
    if (!pcvalue(t, f, pcoff, pc, &ix) || ix < 0)
        return -1;
    *tree = sub(t->gofunc, dataoff, t->gofunc.n);
    return ix;
}

size_t gmx_pclntab_frames(const gmx_pclntab *t, const gmx_pcfunc *f, uint64_t pc,
                          gmx_pcframe *out, size_t max)
{
    size_t n = 0;
    size_t entry_size = t->layout == 118 ? 20 : 16;
    span tree;
    /* each inlined call: its name, the position at pc; then pc moves to the
     * call site in the parent (parentPc), until pc is outside any inlining */
    for (int32_t ix; n < max && (ix = inline_index(t, f, pc, &tree)) >= 0;) {
        uint64_t at = (uint64_t)ix * entry_size;
        if (at > tree.n || tree.n - at < entry_size)
            break;
        const uint8_t *e = tree.p + at;
        int32_t nameoff, parent_pc;
        memcpy(&nameoff, e + (t->layout == 118 ? 12 : 4), 4);
        memcpy(&parent_pc, e + (t->layout == 118 ? 16 : 8), 4);
        gmx_pcframe *fr = &out[n];
        if (nameoff < 0 || !gmx_pclntab_line(t, f, pc, &fr->file, &fr->line))
            break;
        fr->func = cstr_at(t->funcnames, (uint64_t)nameoff);
        fr->funcid = e[t->layout == 118 ? 2 : 0];
        fr->inlined = true;
        n++;
        uint64_t next = f->entry + (uint64_t)(int64_t)parent_pc;
        if (parent_pc < 0 || next == pc)
            break;
        pc = next;
    }
    if (n < max && gmx_pclntab_line(t, f, pc, &out[n].file, &out[n].line)) {
        out[n].func = f->name;
        out[n].funcid = f->funcid;
        out[n].inlined = false;
        n++;
    }
    return n;
}
