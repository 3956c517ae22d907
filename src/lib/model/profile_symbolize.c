/* Naming the locations of a profile written without function names: each
 * location with an address and no lines gets the lines the symbolizer
 * gives for its address (inlined calls first, as pprof's symbolizer writes
 * them), their functions added once per (name, file). Strings and lines
 * live in the profile's symbols arena. */
#include "model/profile_impl.h"
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

gmx_code gmx_profile_symbolize(gmx_profile *p, const gmx_symbolizer *sym, gmx_symbolized *out,
                               gmx_error *err)
{
    out->unnamed = out->named = 0;
    namer n = { .p = p };
    gmx_hindex_init(&n.by_name_file);
    for (size_t i = 0; i < p->nfunctions; i++)
        n.next_id = p->functions[i].id >= n.next_id ? p->functions[i].id + 1 : n.next_id;
    size_t before = p->nfunctions;
    bool ok = true;
    for (size_t i = 0; ok && i < p->nlocations; i++) {
        gmx_plocation *l = &p->locations[i];
        if (l->nlines || !l->address)
            continue;
        out->unnamed++;
        bool named = false;
        ok = !sym || name_location(&n, l, sym, &named);
        out->named += named;
    }
    gmx_hindex_release(&n.by_name_file);
    if (!ok)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory naming the addresses of %s",
                             p->name);
    return p->nfunctions != before ? gmx_profile_number_names(p, err) : GMX_OK;
}
