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

typedef struct pg_node {
    gmx_str key;          /* the name, or a key made of mapping file and start line */
    gmx_str name;         /* pprof's printable name */
    gmx_str objfile;      /* for nameless nodes: the mapping's file (tie-breaks) */
    int64_t start_line;
    int64_t flat, cum;
    uint64_t stamp;       /* the last sample that counted this node's cum */
    bool nonzero, kept, has_inline, has_call;
} pg_node;

typedef struct pg_edge {
    uint32_t src, dst;
    int64_t weight;
    uint64_t stamp;
    bool is_inline;       /* every call that made the edge was an inlined one */
} pg_edge;

/* For each location of one profile, its nodes: outermost (the physical
 * function) last, like its lines. */
typedef struct pg_locmap {
    const gmx_profile *profile;
    uint32_t *first;      /* nlocations + 1 offsets into nodes */
    uint32_t *nodes;
    int8_t *filter;       /* per location: 1 focused, -1 ignored, 0 neither; NULL = no filter */
    uint32_t *name_nodes; /* per function name id: its node, PG_NONE until seen */
} pg_locmap;

typedef struct pg_graph {
    pg_node *nodes;
    size_t nnodes, nodes_cap;
    gmx_hindex node_index;
    pg_edge *edges;
    size_t nedges, edges_cap;
    gmx_hindex edge_index;
    gmx_arena arena;      /* keys and names of nameless nodes */
    uint64_t stamp;
} pg_graph;

void pg_graph_init(pg_graph *g);
void pg_graph_release(pg_graph *g);
/* Maps p's locations onto g's nodes (adding nodes). 0, or -1 when out of memory. */
int pg_locmap_build(pg_graph *g, const gmx_profile *p, pg_locmap *m);
void pg_locmap_release(pg_locmap *m);

/* Whether a sample passes the focus/ignore filter of m (pprof's
 * focusedAndNotIgnored); true when m has no filter. */
bool pg_sample_selected(const pg_locmap *m, const gmx_psample *s);
/* Adds w to the cum of each distinct node of s and to the flat of its leaf. */
void pg_add_values(pg_graph *g, const pg_locmap *m, const gmx_psample *s, int64_t w);
/* Adds w to the edges between kept nodes of s, skipping dropped nodes as
 * pprof's residual edges do. -1 when out of memory. */
int pg_add_edges(pg_graph *g, const pg_locmap *m, const gmx_psample *s, int64_t w);

#endif
