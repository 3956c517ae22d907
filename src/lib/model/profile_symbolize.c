/* Naming the locations of a profile written without function names: each
 * location with an address and no lines gets the lines the symbolizer
 * gives for its address (inlined calls first, as pprof's symbolizer writes
 * them), their functions added once per (name, file). Strings and lines
 * live in the profile's symbols arena.
 *
 * Addresses come in two styles. runtime/pprof's protobuf has one location
 * per physical frame: its address stands for the calls inlined there too.
 * runtime.Callers' pcs (runtime.MemProfile's, so the legacy text and what
 * pprof converts it to) have one per logical frame already: an inlined
 * call's pc, then its caller's inline mark, whose positions are the outer
 * ones of the first. Naming those with every inlined position would list
 * each caller twice; so when a stack shows that pattern, every named
 * location keeps its innermost position only, as runtime.CallersFrames
 * reads such pcs. */
#include "model/profile_impl.h"
#include "gomemdx/goroutine.h"
#include "gomemdx/symbolize.h"
#include "util/alloc.h"
#include "util/str.h"

/* Positions one address may stand for (its inlined calls and itself). */
enum { MAX_AT = 32 };

typedef struct namer {
    gmx_profile *p;
    gmx_hindex by_name_file;  /* hash of (name, file) -> function index */
    uint64_t next_id;         /* ids for the functions added */
} namer;

static uint64_t name_file_hash(gmx_str name, gmx_str file)
{
    return gmx_hash_bytes(file.p, file.n, gmx_hash_bytes(name.p, name.n, 0));
}

/* The index of the function (name, file), added when new; GMX_PNONE when
 * out of memory. */
static uint32_t function_of(namer *n, const gmx_frame *fr)
{
    gmx_profile *p = n->p;
    uint64_t h = name_file_hash(fr->func, fr->file);
    for (size_t s = gmx_hindex_first(&n->by_name_file, h); s != GMX_HINDEX_NONE;
         s = gmx_hindex_next(&n->by_name_file, h, s)) {
        const gmx_pfunction *f = &p->functions[n->by_name_file.values[s]];
        if (gmx_str_eq(f->name, fr->func) && gmx_str_eq(f->filename, fr->file))
            return n->by_name_file.values[s];
    }
    if (p->nfunctions >= UINT32_MAX - 1 ||
        gmx_array_reserve((void **)&p->functions, &p->functions_cap, p->nfunctions + 1,
                          sizeof(*p->functions)) != 0)
        return GMX_PNONE;
    char *name = gmx_arena_strndup(&p->symbols, fr->func.p, fr->func.n);
    char *file = gmx_arena_strndup(&p->symbols, fr->file.p, fr->file.n);
    uint32_t i = (uint32_t)p->nfunctions;
    if (!name || !file || gmx_hindex_insert(&n->by_name_file, h, i) < 0)
        return GMX_PNONE;
    p->functions[i] = (gmx_pfunction){ .id = n->next_id++,
                                       .name = { name, fr->func.n },
                                       .system_name = { name, fr->func.n },
                                       .filename = { file, fr->file.n } };
    p->nfunctions++;
    return i;
}

/* Names location l; false when out of memory. */
static bool name_location(namer *n, gmx_plocation *l, const gmx_symbolizer *sym, bool *named)
{
    gmx_frame at[MAX_AT];
    size_t k = sym->frames(sym->ctx, l->address, at, MAX_AT);
    *named = k > 0;
    if (!k)
        return true;
    gmx_pline *lines = gmx_arena_calloc(&n->p->symbols, k, sizeof(*lines));
    if (!lines)
        return false;
    for (size_t j = 0; j < k; j++) {
        uint32_t fn = function_of(n, &at[j]);
        if (fn == GMX_PNONE)
            return false;
        lines[j] = (gmx_pline){ .line = at[j].line, .function = fn };
    }
    l->lines = lines;
    l->nlines = (uint16_t)k;
    return true;
}

static bool same_lines(const gmx_pline *a, const gmx_pline *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i].function != b[i].function || a[i].line != b[i].line)
            return false;
    return true;
}

/* True when some stack holds a named location whose outer positions are
 * those of the named location after it (named: by location index). */
static bool per_logical_frame(const gmx_profile *p, const uint8_t *named, gmx_error *err,
                              gmx_code *rc)
{
    gmx_psample_reader r;
    gmx_psample_reader_init(&r, p);
    bool found = false;
    *rc = GMX_OK;
    for (size_t i = 0; !found && i < p->nsamples; i++) {
        gmx_psample s;
        if ((*rc = gmx_psample_read(&r, i, &s, err)) != GMX_OK)
            break;
        for (uint32_t k = 0; !found && k + 1 < s.nlocations; k++) {
            const gmx_plocation *a = &p->locations[s.locations[k]];
            const gmx_plocation *b = &p->locations[s.locations[k + 1]];
            found = named[s.locations[k]] && named[s.locations[k + 1]] &&
                    a->nlines > b->nlines &&
                    same_lines(a->lines + (a->nlines - b->nlines), b->lines, b->nlines);
        }
    }
    gmx_psample_reader_release(&r);
    return found;
}

static bool raw(const gmx_plocation *l)
{
    return !l->nlines && l->address;
}

gmx_code gmx_profile_symbolize(gmx_profile *p, const gmx_symbolizer *sym, gmx_symbolized *out,
                               gmx_error *err)
{
    out->unnamed = out->named = 0;
    for (size_t i = 0; i < p->nlocations; i++)
        out->unnamed += raw(&p->locations[i]);
    if (!sym || !out->unnamed) /* the usual case: nothing to name, nothing allocated */
        return GMX_OK;
    namer n = { .p = p };
    gmx_hindex_init(&n.by_name_file);
    for (size_t i = 0; i < p->nfunctions; i++)
        n.next_id = p->functions[i].id >= n.next_id ? p->functions[i].id + 1 : n.next_id;
    size_t before = p->nfunctions;
    uint8_t *named = gmx_calloc(p->nlocations + 1, 1);
    bool ok = named != NULL;
    for (size_t i = 0; ok && i < p->nlocations; i++) {
        gmx_plocation *l = &p->locations[i];
        bool this_named = false;
        ok = !raw(l) || name_location(&n, l, sym, &this_named);
        named[i] = this_named;
        out->named += this_named;
    }
    gmx_hindex_release(&n.by_name_file);
    if (!ok) {
        gmx_free(named);
        return gmx_error_set(err, GMX_ENOMEM, "out of memory naming the addresses of %s",
                             p->name);
    }
    gmx_code rc = GMX_OK;
    if (out->named && per_logical_frame(p, named, err, &rc))
        for (size_t i = 0; i < p->nlocations; i++)
            p->locations[i].nlines = named[i] ? 1 : p->locations[i].nlines;
    /* drop_frames (pprof writes its allocators' for the legacy heap text)
     * could match nothing while these had no names */
    if (rc == GMX_OK && out->named)
        rc = gmx_profile_prune_some(p, named, err);
    gmx_free(named);
    if (rc == GMX_OK && p->nfunctions != before)
        rc = gmx_profile_number_names(p, err);
    return rc;
}
