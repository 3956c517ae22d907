/* pprof's call graph at function granularity (internal/graph), as the
 * profile analyses need it: one node per function name (per mapping for
 * frames without a name), each location mapped to the nodes of its lines,
 * flat and cum accumulated per sample, and the call edges between nodes
 * that are kept. Several profiles (a profile and its -base) share one node
 * table so that their values meet on the same nodes. */
#ifndef GMX_ANALYZE_PGRAPH_H
#define GMX_ANALYZE_PGRAPH_H

#include <stdbool.h>
#include <stdint.h>

#include "gomemdx/profile.h"
#include "util/arena.h"
#include "util/hash.h"

#define PG_NONE UINT32_MAX

/* 56 bytes: a large profile has hundreds of thousands of nodes. */
typedef struct pg_node {
    gmx_str key;          /* the name, or a key made of mapping file and start line */
    gmx_str name;         /* pprof's printable name */
    int64_t flat, cum;
    bool nonzero, kept, has_inline, has_call;
    bool edge_end;        /* with g->edge_ends_only: its edges are wanted */
} pg_node;

typedef struct pg_edge {
    uint32_t src, dst;
    int64_t weight;
    uint64_t stamp;
    bool is_inline;       /* every call that made the edge was an inlined one */
} pg_edge;

/* Each line of one profile's locations onto g's nodes: a named function's
 * node is the same wherever it appears (fn_nodes); a nameless frame's
 * depends on its location's mapping too (nameless, rare). */
typedef struct pg_locmap {
    const gmx_profile *profile;
    uint32_t *fn_nodes;   /* per function: its node, PG_NONE when nameless */
    gmx_hindex nameless;  /* hash of (mapping, function or PG_NONE) -> index in nameless_keys */
    uint64_t *nameless_keys;
    uint32_t *nameless_nodes;
    size_t nnameless, nameless_cap;
    int8_t *filter;       /* per location: 1 focused, -1 ignored, 0 neither; NULL = no filter */
} pg_locmap;

typedef struct pg_graph {
    pg_node *nodes;
    uint32_t *stamps;     /* per node: the last sample that counted its cum */
    size_t nnodes, nodes_cap;
    /* Nodes [0, nindexed) are in node_index. The first profile mapped needs
     * no index for its named nodes (its name ids tell them apart); the
     * index is built when a second profile must find the same names. */
    gmx_hindex node_index;
    size_t nindexed;
    gmx_hindex nameless_index; /* the first profile's nameless nodes */
    size_t nmaps;
    pg_edge *edges;
    size_t nedges, edges_cap;
    gmx_hindex edge_index;
    gmx_arena arena;      /* keys and names of nameless nodes */
    uint64_t stamp;
    bool edge_ends_only;  /* edges only into or out of nodes marked edge_end */
} pg_graph;

void gmx_pg_graph_init(pg_graph *g);
void gmx_pg_graph_release(pg_graph *g);
/* Maps p's locations onto g's nodes (adding nodes). 0, or -1 when out of
 * memory, with m released. */
int gmx_pg_locmap_build(pg_graph *g, const gmx_profile *p, pg_locmap *m);
void gmx_pg_locmap_release(pg_locmap *m);

/* Whether a sample passes the focus/ignore filter of m (pprof's
 * focusedAndNotIgnored); true when m has no filter. */
bool gmx_pg_sample_selected(const pg_locmap *m, const gmx_psample *s);
/* Adds w to the cum of each distinct node of s and to the flat of its leaf. */
void gmx_pg_add_values(pg_graph *g, const pg_locmap *m, const gmx_psample *s, int64_t w);
/* Adds w to the edges between kept nodes of s, skipping dropped nodes as
 * pprof's residual edges do (with g->edge_ends_only, only the edges with a
 * marked end). -1 when out of memory. */
int gmx_pg_add_edges(pg_graph *g, const pg_locmap *m, const gmx_psample *s, int64_t w);

#endif
