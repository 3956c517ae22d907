/* What `peek` adds to `top`: the call edges between the rows, as pprof's
 * printTree walks them (each node's In and Out edge maps). */
#include "analyze/ptop_internal.h"
#include "gomemdx/ptop.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/regex.h"

#include <stdlib.h>
#include <string.h>

void gmx_ptop_options_peek(gmx_ptop_options *o)
{
    gmx_ptop_options_init(o);
    o->node_fraction = 0;
    o->edge_fraction = 0;
    o->node_count = 0;
    o->with_edges = true;
}

gmx_code gmx_ptop_mark_edge_ends(pg_graph *g, const char *regex, gmx_error *err)
{
    regex_t re;
    bool has = false;
    gmx_code rc = gmx_ptop_compile_regex(regex, &re, &has, "argument", err);
    if (rc != GMX_OK || !has)
        return rc;
    gmx_buf name;
    gmx_buf_init(&name, 0);
    for (size_t i = 0; i < g->nnodes; i++)
        g->nodes[i].edge_end = gmx_regex_match(&re, g->nodes[i].name, &name);
    bool failed = name.failed;
    gmx_buf_release(&name);
    regfree(&re);
    if (failed)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory matching names");
    g->edge_ends_only = true;
    return GMX_OK;
}

static int edge_order(const void *a, const void *b)
{
    const gmx_ptop_edge *l = a, *r = b;
    if (l->src != r->src)
        return l->src < r->src ? -1 : 1;
    return l->dst < r->dst ? -1 : l->dst > r->dst;
}

gmx_code gmx_ptop_collect_edges(const pg_graph *g, const uint32_t *kept, size_t nkept, gmx_ptop *t,
                            gmx_error *err)
{
    uint32_t *row_of = gmx_mallocarray(g->nnodes + 1, sizeof(*row_of));
    gmx_ptop_edge *edges = gmx_mallocarray(g->nedges + 1, sizeof(*edges));
    if (!row_of || !edges) {
        gmx_free(row_of);
        gmx_free(edges);
        return gmx_error_set(err, GMX_ENOMEM, "out of memory collecting call edges");
    }
    memset(row_of, 0xff, (g->nnodes + 1) * sizeof(*row_of));
    for (size_t i = 0; i < nkept; i++)
        row_of[kept[i]] = (uint32_t)i;
    size_t n = 0;
    /* An edge to a node that is not a row (its values cancelled out against
     * a base) has nothing to print beside it. Nor has an edge whose weight
     * cancelled out: pprof subtracts the base sample by sample before it
     * builds its graph, so a stack equal in both never makes an edge. */
    for (size_t i = 0; i < g->nedges; i++) {
        const pg_edge *e = &g->edges[i];
        if (row_of[e->src] == PG_NONE || row_of[e->dst] == PG_NONE ||
            (t->has_base && e->weight == 0))
            continue;
        edges[n++] = (gmx_ptop_edge){ row_of[e->src], row_of[e->dst], e->weight, e->is_inline };
    }
    qsort(edges, n, sizeof(*edges), edge_order);
    gmx_free(row_of);
    t->edges = edges;
    t->nedges = n;
    return GMX_OK;
}
