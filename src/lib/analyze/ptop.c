/* `top` of a pprof profile: pprof's report.newTrimmedGraph + TextItems.
 *
 * Pass 1 reads every sample once: the total (before focus, as pprof
 * computes it), and flat/cum of every node. Nodes whose |cum| is below the
 * node cutoff are dropped, the rest sorted (flat or cum, then name, then the
 * other value, then pprof's NodeInfo string), and cut to node_count. Pass 2
 * rebuilds only the edges between the kept nodes, whose weights and inline
 * flags give the "(inline)" marks. When nothing is trimmed (peek), the
 * edges come in pass 1 and there is no pass 2. */
#include "analyze/pgraph.h"
#include "analyze/ptop_internal.h"
#include "gomemdx/ptop.h"
#include "util/alloc.h"
#include "util/num.h"
#include "util/regex.h"
#include "util/str.h"

#include <pthread.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

void gmx_ptop_options_init(gmx_ptop_options *o)
{
    memset(o, 0, sizeof(*o));
    o->node_fraction = -1;
    o->edge_fraction = -1;
}

void gmx_ptop_free(gmx_ptop *t)
{
    if (!t)
        return;
    gmx_free((void *)(uintptr_t)t->rows);
    gmx_free((void *)(uintptr_t)t->edges);
    gmx_free(t);
}

/* One profile's samples through pass 1 (sign -1 for a base); with edges,
 * their call edges too (see one_pass). */
static gmx_code add_profile(pg_graph *g, const pg_locmap *m, int index, int64_t sign,
                            bool edges, int64_t *total, gmx_error *err)
{
    gmx_psample_reader r;
    gmx_psample_reader_init(&r, m->profile);
    gmx_code rc = GMX_OK;
    size_t n = gmx_profile_sample_count(m->profile);
    for (size_t i = 0; i < n; i++) {
        gmx_psample s;
        if ((rc = gmx_psample_read(&r, i, &s, err)) != GMX_OK)
            break;
        int64_t w = gmx_i64_mul_wrap(s.values[index], sign);
        *total = gmx_i64_add_wrap(*total, gmx_i64_abs_wrap(w));
        if (w == 0 || !gmx_pg_sample_selected(m, &s))
            continue;
        gmx_pg_add_values(g, m, &s, w);
        if (edges && gmx_pg_add_edges(g, m, &s, w) < 0) {
            rc = gmx_error_set(err, GMX_ENOMEM, "out of memory building the call graph");
            break;
        }
    }
    gmx_psample_reader_release(&r);
    return rc;
}

static gmx_code add_profile_edges(pg_graph *g, const pg_locmap *m, int index, int64_t sign,
                                  gmx_error *err)
{
    gmx_psample_reader r;
    gmx_psample_reader_init(&r, m->profile);
    gmx_code rc = GMX_OK;
    size_t n = gmx_profile_sample_count(m->profile);
    for (size_t i = 0; rc == GMX_OK && i < n; i++) {
        gmx_psample s;
        if ((rc = gmx_psample_read(&r, i, &s, err)) != GMX_OK)
            break;
        int64_t w = gmx_i64_mul_wrap(s.values[index], sign);
        if (w != 0 && gmx_pg_sample_selected(m, &s) && gmx_pg_add_edges(g, m, &s, w) < 0)
            rc = gmx_error_set(err, GMX_ENOMEM, "out of memory building the call graph");
    }
    gmx_psample_reader_release(&r);
    return rc;
}

/* pprof's total with a base (gmx_ptop_merged_total) reads both profiles and
 * nothing of the graph: it runs on a thread of its own while the graph is
 * built and filled. */
typedef struct merged_job {
    const gmx_profile *p, *base;
    int index;
    int64_t total;
    gmx_error err;
    gmx_code rc;
    pthread_t thread;
    bool started, threaded;
} merged_job;

static void *merged_run(void *arg)
{
    merged_job *j = arg;
    j->rc = gmx_ptop_merged_total(j->p, j->base, j->index, &j->total, &j->err);
    return NULL;
}

static void merged_start(merged_job *j, const gmx_profile *p, const gmx_profile *base, int index)
{
    memset(j, 0, sizeof(*j));
    j->p = p;
    j->base = base;
    j->index = index;
    j->started = true;
    j->threaded = pthread_create(&j->thread, NULL, merged_run, j) == 0;
}

/* The total, or the job's error in err; runs it here if no thread could. */
static gmx_code merged_finish(merged_job *j, int64_t *total, gmx_error *err)
{
    if (!j->started)
        return GMX_OK;
    if (j->threaded)
        pthread_join(j->thread, NULL);
    else
        merged_run(j);
    j->started = false;
    if (j->rc != GMX_OK) {
        if (err)
            *err = j->err;
        return j->rc;
    }
    *total = j->total;
    return GMX_OK;
}

/* The run of one analysis: the graph, the profiles mapped onto it. */
typedef struct run {
    const gmx_ptop_options *opts;
    pg_graph g;
    pg_locmap maps[2];
    size_t nmaps;
    ptop_selection sel;
    merged_job merged;
} run;

gmx_code gmx_ptop_compile_regex(const char *re, regex_t *out, bool *has, const char *what,
                            gmx_error *err)
{
    if (!re || !*re)
        return GMX_OK;
    char msg[128];
    if (gmx_regex_compile(out, re, msg, sizeof(msg)) != 0)
        return gmx_error_set(err, GMX_EUSAGE, "parsing %s regexp %s: %s", what, re, msg);
    *has = true;
    return GMX_OK;
}

gmx_code gmx_ptop_check_base(const gmx_profile *p, const gmx_profile *b, gmx_error *err)
{
    const gmx_profile_info *pi = gmx_profile_get_info(p), *bi = gmx_profile_get_info(b);
    bool same = pi->nsample_types == bi->nsample_types &&
                gmx_str_eq(pi->period_type.type, bi->period_type.type) &&
                gmx_str_eq(pi->period_type.unit, bi->period_type.unit);
    for (size_t i = 0; same && i < pi->nsample_types; i++)
        same = gmx_str_eq(pi->sample_types[i].type, bi->sample_types[i].type) &&
               gmx_str_eq(pi->sample_types[i].unit, bi->sample_types[i].unit);
    if (!same)
        return gmx_error_set(err, GMX_EUSAGE, "%s and base %s have different sample types",
                             gmx_profile_name(p), gmx_profile_name(b));
    return GMX_OK;
}

static gmx_code setup(run *r, const gmx_profile *p, gmx_error *err)
{
    const gmx_ptop_options *o = r->opts;
    gmx_code rc = gmx_ptop_selection_init(&r->sel, p, o->sample_index, o->base, o->focus, o->ignore,
                                      err);
    if (rc != GMX_OK)
        return rc;
    if (o->base)
        merged_start(&r->merged, p, o->base, r->sel.index);
    const gmx_profile *profiles[2] = { p, o->base };
    for (size_t i = 0; rc == GMX_OK && i < 2 && profiles[i]; i++, r->nmaps++) {
        if (gmx_pg_locmap_build(&r->g, profiles[i], &r->maps[i]) < 0)
            return gmx_error_set(err, GMX_ENOMEM, "out of memory building the call graph");
        rc = gmx_ptop_selection_filter(&r->sel, &r->maps[i], err);
    }
    return rc;
}

static void teardown(run *r)
{
    int64_t unused;
    merged_finish(&r->merged, &unused, NULL);
    for (size_t i = 0; i < r->nmaps; i++)
        gmx_pg_locmap_release(&r->maps[i]);
    gmx_pg_graph_release(&r->g);
    gmx_ptop_selection_release(&r->sel);
}

typedef struct sort_ctx {
    const pg_node *nodes;
    bool cum;
} sort_ctx;

/* pprof's FlatNameOrder / CumNameOrder. pprof never gets past the name for
 * two distinct nodes (its tie on equal printable names is left to an
 * unstable sort); the key keeps ours deterministic. */
static int node_order(const void *a, const void *b, void *ctx)
{
    const sort_ctx *c = ctx;
    const pg_node *l = &c->nodes[*(const uint32_t *)a], *r = &c->nodes[*(const uint32_t *)b];
    int64_t lv = gmx_i64_abs_wrap(c->cum ? l->cum : l->flat);
    int64_t rv = gmx_i64_abs_wrap(c->cum ? r->cum : r->flat);
    if (lv != rv)
        return lv > rv ? -1 : 1;
    int d = gmx_str_cmp(l->name, r->name);
    return d ? d : gmx_str_cmp(l->key, r->key);
}

/* Kept nodes (|cum| >= cutoff, then the first node_count), sorted, in *out.
 * pprof rebuilds its graph from the kept nodes only when that drops some;
 * otherwise edges through zero-valued nodes stay, so all nodes are kept
 * for the edges (pass 2). */
static gmx_code select_nodes(run *r, gmx_ptop *t, int64_t cutoff, uint32_t **out, size_t *n,
                             gmx_error *err)
{
    pg_graph *g = &r->g;
    uint32_t *kept = gmx_mallocarray(g->nnodes + 1, sizeof(*kept));
    if (!kept)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    size_t nkept = 0, nonzero = 0;
    for (size_t i = 0; i < g->nnodes; i++) {
        pg_node *nd = &g->nodes[i];
        if (nd->flat == 0 && nd->cum == 0)
            continue;
        nonzero++;
        if (cutoff > 0 && gmx_i64_abs_wrap(nd->cum) < cutoff)
            continue;
        kept[nkept++] = (uint32_t)i;
    }
    t->dropped_nodes = nonzero - nkept;
    t->orig_count = nkept;
    sort_ctx c = { g->nodes, r->opts->cum_sort };
    qsort_r(kept, nkept, sizeof(*kept), node_order, &c);
    bool rebuilt = t->dropped_nodes > 0;
    if (r->opts->node_count && r->opts->node_count < nkept) {
        nkept = r->opts->node_count;
        rebuilt = true;
    }
    for (size_t i = 0; i < g->nnodes; i++)
        g->nodes[i].kept = !rebuilt;
    for (size_t i = 0; i < nkept; i++)
        g->nodes[kept[i]].kept = true;
    *out = kept;
    *n = nkept;
    return GMX_OK;
}

/* pprof's cutoffs come from the sum of flat values of the graph (the total
 * only differs from it with a base or with samples without locations). */
static int64_t flat_sum(const pg_graph *g)
{
    int64_t sum = 0;
    for (size_t i = 0; i < g->nnodes; i++)
        sum = gmx_i64_add_wrap(sum, g->nodes[i].flat);
    return sum;
}

/* "(inline)" when every caller edge that survives the edge cutoff is an
 * inlined call, "(partial-inline)" when some are. */
static void mark_inline(pg_graph *g, int64_t edge_cutoff)
{
    for (size_t i = 0; i < g->nedges; i++) {
        const pg_edge *e = &g->edges[i];
        if (gmx_i64_abs_wrap(e->weight) < edge_cutoff)
            continue;
        g->nodes[e->dst].has_inline |= e->is_inline;
        g->nodes[e->dst].has_call |= !e->is_inline;
    }
}

static gmx_code make_rows(const pg_graph *g, const uint32_t *kept, size_t n, gmx_ptop *t,
                          gmx_error *err)
{
    gmx_ptop_row *rows = gmx_mallocarray(n + 1, sizeof(*rows));
    if (!rows)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const pg_node *nd = &g->nodes[kept[i]];
        rows[i].name = nd->name;
        rows[i].flat = nd->flat;
        rows[i].cum = nd->cum;
        rows[i].mark = !nd->has_inline ? GMX_INLINE_NONE
                       : nd->has_call  ? GMX_INLINE_PARTIAL
                                       : GMX_INLINE_FULL;
        t->shown = gmx_i64_add_wrap(t->shown, nd->flat);
    }
    t->rows = rows;
    t->nrows = n;
    return GMX_OK;
}

static double fraction(double f, double dflt)
{
    return f < 0 ? dflt : f;
}

static gmx_code compute(run *r, gmx_ptop *t, gmx_error *err)
{
    const gmx_ptop_options *o = r->opts;
    int64_t total = 0, base_total = 0;
    /* When nothing is trimmed (peek), every node is kept from the start, so
     * the edges come in the same pass over the samples as the values. */
    bool one_pass = o->with_edges && o->node_fraction == 0 && o->node_count == 0;
    gmx_code rc = GMX_OK;
    if (one_pass) {
        for (size_t i = 0; i < r->g.nnodes; i++)
            r->g.nodes[i].kept = true;
        if (o->edges_of)
            rc = gmx_ptop_mark_edge_ends(&r->g, o->edges_of, err);
    }
    if (rc == GMX_OK)
        rc = add_profile(&r->g, &r->maps[0], r->sel.index, 1, one_pass, &total, err);
    if (rc == GMX_OK && o->base)
        rc = add_profile(&r->g, &r->maps[1], r->sel.index, -1, one_pass, &base_total, err);
    if (rc == GMX_OK && o->base)
        rc = merged_finish(&r->merged, &total, err);
    if (rc != GMX_OK)
        return rc;
    t->total = total;
    double nf = fraction(o->node_fraction, 0.005), ef = fraction(o->edge_fraction, 0.001);
    t->node_cutoff = gmx_i64_abs_wrap((int64_t)((double)total * nf));
    int64_t graph_total = flat_sum(&r->g);
    int64_t node_cutoff = gmx_i64_abs_wrap((int64_t)((double)graph_total * nf));
    int64_t edge_cutoff = gmx_i64_abs_wrap((int64_t)((double)graph_total * ef));
    uint32_t *kept = NULL;
    size_t nkept = 0;
    rc = select_nodes(r, t, node_cutoff, &kept, &nkept, err);
    if (rc == GMX_OK && !one_pass && o->with_edges && o->edges_of)
        rc = gmx_ptop_mark_edge_ends(&r->g, o->edges_of, err);
    for (size_t i = 0; rc == GMX_OK && !one_pass && i < r->nmaps; i++)
        rc = add_profile_edges(&r->g, &r->maps[i], r->sel.index, i ? -1 : 1, err);
    if (rc == GMX_OK) {
        mark_inline(&r->g, edge_cutoff);
        rc = make_rows(&r->g, kept, nkept, t, err);
    }
    if (rc == GMX_OK && o->with_edges)
        rc = gmx_ptop_collect_edges(&r->g, kept, nkept, t, err);
    gmx_free(kept);
    return rc;
}

/* Row names point into the graph's arena for nameless nodes: copy those
 * into the result's own allocation, after the rows. */
static gmx_code own_names(gmx_ptop *t, gmx_error *err);

gmx_code gmx_ptop_compute(const gmx_profile *p, const gmx_ptop_options *opts, gmx_ptop **out,
                          gmx_error *err)
{
    *out = NULL;
    gmx_ptop_options defaults;
    if (!opts) {
        gmx_ptop_options_init(&defaults);
        opts = &defaults;
    }
    gmx_ptop *t = gmx_calloc(1, sizeof(*t));
    if (!t)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    run r;
    memset(&r, 0, sizeof(r));
    r.opts = opts;
    gmx_pg_graph_init(&r.g);
    t->profile = p;
    t->node_count = opts->node_count;
    t->focus = opts->focus && *opts->focus ? opts->focus : NULL;
    t->ignore = opts->ignore && *opts->ignore ? opts->ignore : NULL;
    t->has_base = opts->base != NULL;
    gmx_ptop_merged_header(p, opts->base, &t->time_nanos, &t->duration_nanos);
    gmx_code rc = setup(&r, p, err);
    if (rc == GMX_OK) {
        t->sample_index = r.sel.index;
        t->sample_type = gmx_profile_get_info(p)->sample_types[r.sel.index];
        rc = compute(&r, t, err);
    }
    if (rc == GMX_OK)
        rc = own_names(t, err);
    teardown(&r);
    if (rc != GMX_OK) {
        gmx_ptop_free(t);
        return rc;
    }
    *out = t;
    return GMX_OK;
}

static gmx_code own_names(gmx_ptop *t, gmx_error *err)
{
    size_t bytes = 0;
    for (size_t i = 0; i < t->nrows; i++)
        bytes += t->rows[i].name.n;
    size_t head = (t->nrows + 1) * sizeof(gmx_ptop_row);
    char *block = gmx_malloc(head + bytes + 1);
    if (!block)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    gmx_ptop_row *rows = (gmx_ptop_row *)(void *)block;
    memcpy(rows, t->rows, t->nrows * sizeof(*rows));
    char *s = block + head;
    for (size_t i = 0; i < t->nrows; i++) {
        memcpy(s, rows[i].name.p, rows[i].name.n);
        rows[i].name.p = s;
        s += rows[i].name.n;
    }
    gmx_free((void *)(uintptr_t)t->rows);
    t->rows = rows;
    return GMX_OK;
}
