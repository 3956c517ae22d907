/* `list` of a pprof profile: pprof's printSource over a graph at line
 * granularity (see gomemdx/plist.h).
 *
 * A node is pprof's NodeInfo with -granularity=lines and object names:
 * function name, source file (trimmed and cleaned as pprof's newGraph
 * does), line, the function's start line and the mapping's file. Only the
 * lines of functions whose name matches the regex get nodes; one pass over
 * the samples accumulates their flat and cum. */
#include "analyze/ptop_internal.h"
#include "gomemdx/plist.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/hash.h"
#include "util/num.h"
#include "util/regex.h"
#include "util/str.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

typedef struct lnode {
    gmx_str name, file, objfile;
    int64_t line, start_line;
    int64_t flat, cum;
    uint64_t stamp;
} lnode;

/* One profile's locations mapped to line nodes (PG_NONE: not listed). */
typedef struct lmap {
    pg_locmap filter;     /* only its focus/ignore filter is used */
    uint32_t *first;      /* nlocations + 1 offsets into nodes */
    uint32_t *nodes;
} lmap;

typedef struct run {
    const gmx_plist_options *o;
    ptop_selection sel;
    regex_t re;           /* the functions to list */
    bool has_re;
    lnode *nodes;
    size_t nnodes, nodes_cap;
    gmx_hindex node_index;
    lmap maps[2];
    size_t nmaps;
    uint64_t stamp;
    gmx_buf tmp;
} run;

typedef struct plist_impl {
    gmx_plist pub;
    gmx_arena arena;      /* everything the result points to */
} plist_impl;

static uint64_t node_hash(const lnode *n)
{
    uint64_t h = gmx_hash_bytes(n->name.p, n->name.n, 0);
    h = gmx_hash_bytes(n->file.p, n->file.n, h);
    h = gmx_hash_bytes(n->objfile.p, n->objfile.n, h);
    return gmx_hash_mix(gmx_hash_mix(h, (uint64_t)n->line), (uint64_t)n->start_line);
}

static bool node_eq(const lnode *a, const lnode *b)
{
    return a->line == b->line && a->start_line == b->start_line && gmx_str_eq(a->name, b->name) &&
           gmx_str_eq(a->file, b->file) && gmx_str_eq(a->objfile, b->objfile);
}

/* The node of key (whose strings the node keeps: they must outlive it). */
static uint32_t node_for(run *r, const lnode *key)
{
    uint64_t h = node_hash(key);
    for (size_t slot = gmx_hindex_first(&r->node_index, h); slot != GMX_HINDEX_NONE;
         slot = gmx_hindex_next(&r->node_index, h, slot))
        if (node_eq(&r->nodes[r->node_index.values[slot]], key))
            return r->node_index.values[slot];
    if (r->nnodes >= PG_NONE - 1 ||
        gmx_array_reserve((void **)&r->nodes, &r->nodes_cap, r->nnodes, sizeof(*r->nodes)) < 0 ||
        gmx_hindex_insert(&r->node_index, h, (uint32_t)r->nnodes) < 0)
        return PG_NONE;
    r->nodes[r->nnodes] = *key;
    return (uint32_t)r->nnodes++;
}

/* pprof's nodeInfo for one line of l: the file trimmed (newGraph) and
 * cleaned; no line = a node of the mapping alone. */
static uint32_t line_node(run *r, gmx_arena *a, const gmx_profile *p, const gmx_plocation *l,
                          const gmx_pline *line)
{
    lnode key;
    memset(&key, 0, sizeof(key));
    key.name = key.file = key.objfile = (gmx_str){ "", 0 };
    if (l->mapping != GMX_PNONE)
        key.objfile = gmx_profile_mapping(p, l->mapping)->filename;
    if (line) {
        const gmx_pfunction *f = gmx_profile_function(p, line->function);
        key.name = f->name;
        key.line = line->line;
        key.start_line = f->start_line;
        if (f->filename.n) {
            gmx_str trimmed = gmx_source_trim(f->filename, &r->o->source);
            char *buf = gmx_arena_alloc(a, trimmed.n + 2);
            if (!buf)
                return PG_NONE;
            key.file = gmx_source_clean(trimmed, buf);
        }
    }
    return node_for(r, &key);
}

/* Maps p's locations; lines of functions whose name does not match get no
 * node. 0, or -1 when out of memory (m then holds nothing). */
static int lmap_build(run *r, gmx_arena *a, const gmx_profile *p, lmap *m)
{
    size_t nloc = gmx_profile_location_count(p), nf = gmx_profile_function_count(p), total = 0;
    uint8_t *match = gmx_calloc(nf + 1, 1);
    m->first = gmx_mallocarray(nloc + 1, sizeof(*m->first));
    if (!match || !m->first) {
        gmx_free(match);
        gmx_free(m->first);
        m->first = NULL;
        return -1;
    }
    for (size_t i = 0; i < nf; i++)
        match[i] = gmx_regex_match(&r->re, gmx_profile_function(p, i)->name, &r->tmp);
    bool nameless = gmx_regex_match(&r->re, (gmx_str){ "", 0 }, &r->tmp);
    for (size_t i = 0; i < nloc; i++) {
        m->first[i] = (uint32_t)total;
        uint32_t n = gmx_profile_location(p, i)->nlines;
        total += n ? n : 1;
    }
    m->first[nloc] = (uint32_t)total;
    m->nodes = gmx_mallocarray(total + 1, sizeof(*m->nodes));
    int rc = m->nodes ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < nloc; i++) {
        const gmx_plocation *l = gmx_profile_location(p, i);
        uint32_t *out = m->nodes + m->first[i];
        if (l->nlines == 0) {
            out[0] = nameless ? line_node(r, a, p, l, NULL) : PG_NONE;
            rc = nameless && out[0] == PG_NONE ? -1 : 0;
        }
        for (uint32_t k = 0; rc == 0 && k < l->nlines; k++) {
            bool listed = match[l->lines[k].function];
            out[k] = listed ? line_node(r, a, p, l, &l->lines[k]) : PG_NONE;
            rc = listed && out[k] == PG_NONE ? -1 : 0;
        }
    }
    gmx_free(match);
    if (rc != 0) {
        gmx_free(m->first);
        gmx_free(m->nodes);
        m->first = NULL;
        m->nodes = NULL;
    }
    return rc;
}

static void lmap_release(lmap *m)
{
    gmx_pg_locmap_release(&m->filter);
    gmx_free(m->first);
    gmx_free(m->nodes);
}

static void add_sample(run *r, const lmap *m, const gmx_psample *s, int64_t w)
{
    uint64_t stamp = ++r->stamp;
    for (uint32_t i = 0; i < s->nlocations; i++) {
        uint32_t loc = s->locations[i];
        for (uint32_t k = m->first[loc]; k < m->first[loc + 1]; k++) {
            uint32_t id = m->nodes[k];
            if (id != PG_NONE && r->nodes[id].stamp != stamp) {
                r->nodes[id].stamp = stamp;
                r->nodes[id].cum = gmx_i64_add_wrap(r->nodes[id].cum, w);
            }
        }
    }
    if (s->nlocations > 0) {
        uint32_t leaf = m->nodes[m->first[s->locations[0]]];
        if (leaf != PG_NONE)
            r->nodes[leaf].flat = gmx_i64_add_wrap(r->nodes[leaf].flat, w);
    }
}

static gmx_code add_profile(run *r, const lmap *m, int64_t sign, int64_t *total, gmx_error *err)
{
    gmx_psample_reader rd;
    gmx_psample_reader_init(&rd, m->filter.profile);
    gmx_code rc = GMX_OK;
    size_t n = gmx_profile_sample_count(m->filter.profile);
    for (size_t i = 0; i < n; i++) {
        gmx_psample s;
        if ((rc = gmx_psample_read(&rd, i, &s, err)) != GMX_OK)
            break;
        int64_t w = gmx_i64_mul_wrap(s.values[r->sel.index], sign);
        *total = gmx_i64_add_wrap(*total, gmx_i64_abs_wrap(w));
        if (w != 0 && gmx_pg_sample_selected(&m->filter, &s))
            add_sample(r, m, &s, w);
    }
    gmx_psample_reader_release(&rd);
    return rc;
}

static gmx_code setup(run *r, gmx_arena *a, const gmx_profile *p, gmx_error *err)
{
    const gmx_plist_options *o = r->o;
    gmx_code rc = gmx_ptop_selection_init(&r->sel, p, o->sample_index, o->base, o->focus, o->ignore,
                                      err);
    if (rc == GMX_OK)
        rc = gmx_ptop_compile_regex(o->regex ? o->regex : "", &r->re, &r->has_re, "argument", err);
    if (rc == GMX_OK && !r->has_re)
        rc = gmx_error_set(err, GMX_EUSAGE, "list needs a regexp of function names");
    const gmx_profile *profiles[2] = { p, o->base };
    for (size_t i = 0; rc == GMX_OK && i < 2 && profiles[i]; i++, r->nmaps++) {
        lmap *m = &r->maps[i];
        m->filter.profile = profiles[i];
        if (lmap_build(r, a, profiles[i], m) < 0)
            return gmx_error_set(err, GMX_ENOMEM, "out of memory mapping source lines");
        rc = gmx_ptop_selection_filter(&r->sel, &m->filter, err);
    }
    return rc;
}

static void teardown(run *r)
{
    for (size_t i = 0; i < r->nmaps; i++)
        lmap_release(&r->maps[i]);
    gmx_free(r->nodes);
    gmx_hindex_release(&r->node_index);
    gmx_buf_release(&r->tmp);
    if (r->has_re)
        regfree(&r->re);
    gmx_ptop_selection_release(&r->sel);
}

/* Nodes in listing order: by name, then file, then line. */
static int listing_order(const void *a, const void *b, void *ctx)
{
    const lnode *nodes = ctx;
    const lnode *l = &nodes[*(const uint32_t *)a], *r = &nodes[*(const uint32_t *)b];
    int d = gmx_str_cmp(l->name, r->name);
    if (!d)
        d = gmx_str_cmp(l->file, r->file);
    if (!d && l->line != r->line)
        d = l->line < r->line ? -1 : 1;
    return d;
}

/* The lines of one function's file: nodes [from, to) of order, sorted by
 * line; lines with several nodes (other start lines or mappings) sum. */
static gmx_code make_file(const run *r, gmx_arena *a, const uint32_t *order, size_t from,
                          size_t to, gmx_plist_file *f, gmx_error *err)
{
    const lnode *first = &r->nodes[order[from]];
    gmx_plist_line *lines = gmx_arena_calloc(a, to - from, sizeof(*lines));
    if (!lines)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    memset(f, 0, sizeof(*f));
    f->file = first->file;
    f->first = first->start_line ? first->start_line : first->line - 5;
    f->last = first->line;
    size_t n = 0;
    for (size_t i = from; i < to; i++) {
        const lnode *nd = &r->nodes[order[i]];
        int64_t start = nd->start_line ? nd->start_line : nd->line - 5;
        if (start < f->first)
            f->first = start;
        if (nd->line > f->last)
            f->last = nd->line;
        f->flat = gmx_i64_add_wrap(f->flat, nd->flat);
        f->cum = gmx_i64_add_wrap(f->cum, nd->cum);
        if (n == 0 || lines[n - 1].line != nd->line)
            lines[n++].line = nd->line;
        lines[n - 1].flat = gmx_i64_add_wrap(lines[n - 1].flat, nd->flat);
        lines[n - 1].cum = gmx_i64_add_wrap(lines[n - 1].cum, nd->cum);
    }
    f->last += 5;
    if (f->first < 1)
        f->first = 1;
    f->lines = lines;
    f->nlines = n;
    return GMX_OK;
}

/* Groups the nonzero nodes into functions and files. */
static gmx_code make_listing(run *r, plist_impl *l, gmx_error *err)
{
    gmx_arena *a = &l->arena;
    uint32_t *order = gmx_mallocarray(r->nnodes + 1, sizeof(*order));
    if (!order)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    size_t n = 0, nfunctions = 0;
    for (size_t i = 0; i < r->nnodes; i++)
        if (r->nodes[i].flat != 0 || r->nodes[i].cum != 0)
            order[n++] = (uint32_t)i;
    qsort_r(order, n, sizeof(*order), listing_order, r->nodes);
    for (size_t i = 0; i < n; i++)
        nfunctions += i == 0 || !gmx_str_eq(r->nodes[order[i]].name, r->nodes[order[i - 1]].name);
    gmx_plist_function *fns = gmx_arena_calloc(a, nfunctions + 1, sizeof(*fns));
    gmx_plist_file *files = gmx_arena_calloc(a, n + 1, sizeof(*files));
    gmx_code rc = fns && files ? GMX_OK : gmx_error_set(err, GMX_ENOMEM, "out of memory");
    size_t nf = 0, nfiles = 0;
    for (size_t i = 0; rc == GMX_OK && i < n;) {
        gmx_str name = r->nodes[order[i]].name;
        gmx_plist_function *fn = &fns[nf++];
        fn->name = name;
        fn->files = &files[nfiles];
        while (rc == GMX_OK && i < n && gmx_str_eq(r->nodes[order[i]].name, name)) {
            gmx_str file = r->nodes[order[i]].file;
            size_t j = i;
            while (j < n && gmx_str_eq(r->nodes[order[j]].name, name) &&
                   gmx_str_eq(r->nodes[order[j]].file, file))
                j++;
            /* A node without a file has no source to list (pprof skips it). */
            if (file.n)
                rc = make_file(r, a, order, i, j, &files[nfiles++], err), fn->nfiles++;
            i = j;
        }
    }
    gmx_free(order);
    l->pub.functions = fns;
    l->pub.nfunctions = nf;
    return rc;
}

/* Copies the function names the result shows into its arena, out of the
 * profile's reach (file names are there already: cleaning wrote them). */
static gmx_code own_strings(plist_impl *l, gmx_error *err)
{
    gmx_plist_function *fns = (gmx_plist_function *)(uintptr_t)l->pub.functions;
    for (size_t i = 0; i < l->pub.nfunctions; i++) {
        char *s = gmx_arena_strndup(&l->arena, fns[i].name.p, fns[i].name.n);
        if (!s)
            return gmx_error_set(err, GMX_ENOMEM, "out of memory");
        fns[i].name.p = s;
    }
    return GMX_OK;
}

gmx_code gmx_plist_compute(const gmx_profile *p, const gmx_plist_options *opts, gmx_plist **out,
                           gmx_error *err)
{
    *out = NULL;
    plist_impl *l = gmx_calloc(1, sizeof(*l));
    if (!l)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    gmx_arena_init(&l->arena, 0);
    l->pub.profile = p;
    l->pub.source = opts->source;
    run r;
    memset(&r, 0, sizeof(r));
    r.o = opts;
    gmx_hindex_init(&r.node_index);
    gmx_buf_init(&r.tmp, 0);
    gmx_code rc = setup(&r, &l->arena, p, err);
    int64_t total = 0, base_total = 0;
    if (rc == GMX_OK) {
        l->pub.sample_type = gmx_profile_get_info(p)->sample_types[r.sel.index];
        rc = add_profile(&r, &r.maps[0], 1, &total, err);
    }
    if (rc == GMX_OK && opts->base)
        rc = add_profile(&r, &r.maps[1], -1, &base_total, err);
    if (rc == GMX_OK && opts->base)
        rc = gmx_ptop_merged_total(p, opts->base, r.sel.index, &total, err);
    l->pub.total = total;
    if (rc == GMX_OK)
        rc = make_listing(&r, l, err);
    if (rc == GMX_OK && l->pub.nfunctions == 0)
        rc = gmx_error_set(err, GMX_EUSAGE, "%s: no function matches regexp %s",
                           gmx_profile_name(p), opts->regex);
    if (rc == GMX_OK)
        rc = own_strings(l, err);
    teardown(&r);
    if (rc != GMX_OK) {
        gmx_plist_free(&l->pub);
        return rc;
    }
    *out = &l->pub;
    return GMX_OK;
}

void gmx_plist_free(gmx_plist *pl)
{
    if (!pl)
        return;
    plist_impl *l = (plist_impl *)(void *)pl;
    gmx_arena_release(&l->arena);
    gmx_free(l);
}
