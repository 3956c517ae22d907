/* The function-granularity graph of pprof's internal/graph (see pgraph.h).
 *
 * Node identity follows pprof's NodeInfo after `-granularity=functions`
 * aggregation: a line with a named function is the node of that name; a
 * line whose function has no name, or a location without lines, is the node
 * of its mapping's file (and the function's start line). */
#include "analyze/pgraph.h"
#include "util/alloc.h"
#include "util/num.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

void gmx_pg_graph_init(pg_graph *g)
{
    memset(g, 0, sizeof(*g));
    gmx_hindex_init(&g->node_index);
    gmx_hindex_init(&g->nameless_index);
    gmx_hindex_init(&g->edge_index);
    gmx_arena_init(&g->arena, 0);
}

void gmx_pg_graph_release(pg_graph *g)
{
    gmx_free(g->nodes);
    gmx_free(g->stamps);
    gmx_free(g->edges);
    gmx_hindex_release(&g->node_index);
    gmx_hindex_release(&g->nameless_index);
    gmx_hindex_release(&g->edge_index);
    gmx_arena_release(&g->arena);
    memset(g, 0, sizeof(*g));
}

void gmx_pg_locmap_release(pg_locmap *m)
{
    gmx_free(m->fn_nodes);
    gmx_free(m->nameless_keys);
    gmx_free(m->nameless_nodes);
    gmx_hindex_release(&m->nameless);
    gmx_free(m->filter);
    memset(m, 0, sizeof(*m));
}

/* filepath.Base, as "[base]" */
static gmx_str bracketed_base(gmx_arena *a, gmx_str path)
{
    while (path.n > 1 && path.p[path.n - 1] == '/')
        path.n--;
    size_t slash = gmx_str_rfind_char(path, '/');
    gmx_str base = path;
    if (slash != SIZE_MAX && path.n > 1)
        base = gmx_str_sub(path, slash + 1, path.n);
    char *s = gmx_arena_alloc(a, base.n + 3);
    if (!s)
        return (gmx_str){ NULL, 0 };
    s[0] = '[';
    memcpy(s + 1, base.p, base.n);
    s[base.n + 1] = ']';
    s[base.n + 2] = '\0';
    return (gmx_str){ s, base.n + 2 };
}

static uint32_t find_in(const pg_graph *g, const gmx_hindex *ix, gmx_str key, uint64_t h)
{
    for (size_t slot = gmx_hindex_first(ix, h); slot != GMX_HINDEX_NONE;
         slot = gmx_hindex_next(ix, h, slot))
        if (gmx_str_eq(g->nodes[ix->values[slot]].key, key))
            return ix->values[slot];
    return PG_NONE;
}

static uint64_t key_hash(gmx_str key)
{
    return gmx_hash_bytes(key.p, key.n, 0);
}

/* From the second profile on, every node is found by its key. */
static int index_all(pg_graph *g)
{
    for (; g->nindexed < g->nnodes; g->nindexed++)
        if (gmx_hindex_insert(&g->node_index, key_hash(g->nodes[g->nindexed].key),
                              (uint32_t)g->nindexed) < 0)
            return -1;
    gmx_hindex_release(&g->nameless_index);
    gmx_hindex_init(&g->nameless_index);
    return 0;
}

/* Room for n more nodes, in one step: growing by doubling through the
 * small-block heap would leave freed copies resident. */
static int reserve_nodes(pg_graph *g, size_t n)
{
    if (g->nnodes + n <= g->nodes_cap)
        return 0;
    size_t cap = g->nnodes + n;
    pg_node *nodes = gmx_reallocarray(g->nodes, cap, sizeof(*nodes));
    if (!nodes)
        return -1;
    g->nodes = nodes;
    uint32_t *st = gmx_reallocarray(g->stamps, cap, sizeof(*st));
    if (!st)
        return -1;
    g->stamps = st;
    g->nodes_cap = cap;
    return 0;
}

static uint32_t new_node(pg_graph *g, gmx_str key, gmx_str name)
{
    if (g->nnodes >= PG_NONE - 1)
        return PG_NONE;
    if (g->nnodes >= g->nodes_cap && reserve_nodes(g, g->nnodes < 64 ? 64 : g->nnodes) < 0)
        return PG_NONE;
    pg_node *node = &g->nodes[g->nnodes];
    memset(node, 0, sizeof(*node));
    node->key = key;
    node->name = name;
    g->stamps[g->nnodes] = 0;
    return (uint32_t)g->nnodes++;
}

/* The node for key (named or not); name is what it prints as. In the
 * first profile, named nodes are unique by name id already (the caller
 * caches them) and nameless ones have an index of their own. */
static uint32_t node_for(pg_graph *g, gmx_str key, gmx_str name, bool named)
{
    if (g->nmaps == 0 && named)
        return new_node(g, key, name);
    gmx_hindex *ix = g->nmaps == 0 ? &g->nameless_index : &g->node_index;
    uint64_t h = key_hash(key);
    uint32_t n = find_in(g, ix, key, h);
    if (n != PG_NONE)
        return n;
    if ((n = new_node(g, key, name)) == PG_NONE || gmx_hindex_insert(ix, h, n) < 0)
        return PG_NONE;
    if (ix == &g->node_index)
        g->nindexed = g->nnodes;
    return n;
}

/* A nameless frame: keyed by "\1objfile\1start_line", printed "[base]". */
static uint32_t nameless_node(pg_graph *g, gmx_str objfile, int64_t start_line)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof(tmp), "\001%lld", (long long)start_line);
    char *key = gmx_arena_alloc(&g->arena, objfile.n + (size_t)n + 2);
    if (!key)
        return PG_NONE;
    key[0] = '\001';
    memcpy(key + 1, objfile.p, objfile.n);
    memcpy(key + 1 + objfile.n, tmp, (size_t)n + 1);
    gmx_str k = { key, objfile.n + 1 + (size_t)n };
    gmx_str name = objfile.n ? bracketed_base(&g->arena, objfile) : GMX_STR_LIT("<unknown>");
    if (!name.p)
        return PG_NONE;
    return node_for(g, k, name, false);
}

/* The node of a nameless line (function fn) or of a location without
 * lines (fn PG_NONE) in mapping `mapping`, made once per pair. */
static uint32_t nameless_pair(pg_graph *g, pg_locmap *m, uint32_t mapping, uint32_t fn)
{
    uint64_t key = (uint64_t)mapping << 32 | fn, h = gmx_hash_mix(0x6e616d65, key);
    for (size_t slot = gmx_hindex_first(&m->nameless, h); slot != GMX_HINDEX_NONE;
         slot = gmx_hindex_next(&m->nameless, h, slot))
        if (m->nameless_keys[m->nameless.values[slot]] == key)
            return m->nameless_nodes[m->nameless.values[slot]];
    const gmx_profile *p = m->profile;
    gmx_str objfile = { "", 0 };
    if (mapping != GMX_PNONE)
        objfile = gmx_profile_mapping(p, mapping)->filename;
    int64_t start_line = fn == PG_NONE ? 0 : gmx_profile_function(p, fn)->start_line;
    uint32_t node = nameless_node(g, objfile, start_line);
    if (node == PG_NONE || m->nnameless >= UINT32_MAX - 1)
        return PG_NONE;
    if (m->nnameless >= m->nameless_cap) {
        size_t cap = m->nameless_cap;
        if (gmx_array_reserve((void **)&m->nameless_keys, &cap, m->nnameless,
                              sizeof(*m->nameless_keys)) < 0)
            return PG_NONE;
        uint32_t *nodes = gmx_reallocarray(m->nameless_nodes, cap, sizeof(*nodes));
        if (!nodes)
            return PG_NONE;
        m->nameless_nodes = nodes;
        m->nameless_cap = cap;
    }
    if (gmx_hindex_insert(&m->nameless, h, (uint32_t)m->nnameless) < 0)
        return PG_NONE;
    m->nameless_keys[m->nnameless] = key;
    m->nameless_nodes[m->nnameless++] = node;
    return node;
}

/* The node of line k of l (k == l->nlines - 1 is the physical function;
 * a location without lines has one node, k == 0). Inline: every sample's
 * every frame goes through it. */
static inline uint32_t frame_node(const pg_locmap *m, const gmx_plocation *l, uint32_t k)
{
    uint32_t fn = l->nlines ? l->lines[k].function : PG_NONE;
    uint32_t n = fn != PG_NONE ? m->fn_nodes[fn] : PG_NONE;
    if (n != PG_NONE)
        return n;
    /* nameless: found when the map was built, so never made here */
    uint64_t key = (uint64_t)l->mapping << 32 | fn, h = gmx_hash_mix(0x6e616d65, key);
    for (size_t slot = gmx_hindex_first(&m->nameless, h); slot != GMX_HINDEX_NONE;
         slot = gmx_hindex_next(&m->nameless, h, slot))
        if (m->nameless_keys[m->nameless.values[slot]] == key)
            return m->nameless_nodes[m->nameless.values[slot]];
    return PG_NONE;
}

/* Named functions get their node by name id (names are hashed once per
 * distinct name, and not at all in the first profile); nameless frames
 * once per (mapping, function). */
int gmx_pg_locmap_build(pg_graph *g, const gmx_profile *p, pg_locmap *m)
{
    memset(m, 0, sizeof(*m));
    m->profile = p;
    gmx_hindex_init(&m->nameless);
    size_t nfn = gmx_profile_function_count(p), nnames = gmx_profile_name_count(p);
    if ((g->nmaps > 0 && index_all(g) < 0) || reserve_nodes(g, nnames + 16) < 0) {
        gmx_pg_locmap_release(m);
        return -1;
    }
    m->fn_nodes = gmx_mallocarray(nfn + 1, sizeof(*m->fn_nodes));
    uint32_t *name_nodes = gmx_mallocarray(nnames + 1, sizeof(*name_nodes));
    int rc = m->fn_nodes && name_nodes ? 0 : -1;
    if (rc == 0)
        memset(name_nodes, 0xff, (nnames + 1) * sizeof(*name_nodes));
    for (size_t i = 0; rc == 0 && i < nfn; i++) {
        const gmx_pfunction *f = gmx_profile_function(p, i);
        m->fn_nodes[i] = PG_NONE;
        if (f->name.n == 0)
            continue;
        uint32_t *slot = &name_nodes[f->name_id];
        if (*slot == PG_NONE && (*slot = node_for(g, f->name, f->name, true)) == PG_NONE)
            rc = -1;
        m->fn_nodes[i] = *slot;
    }
    gmx_free(name_nodes);
    size_t nloc = gmx_profile_location_count(p);
    for (size_t i = 0; rc == 0 && i < nloc; i++) {
        const gmx_plocation *l = gmx_profile_location(p, i);
        if (l->nlines == 0 && nameless_pair(g, m, l->mapping, PG_NONE) == PG_NONE)
            rc = -1;
        for (uint32_t k = 0; rc == 0 && k < l->nlines; k++) {
            uint32_t fn = l->lines[k].function;
            if (m->fn_nodes[fn] == PG_NONE && nameless_pair(g, m, l->mapping, fn) == PG_NONE)
                rc = -1;
        }
    }
    if (rc < 0) {
        gmx_pg_locmap_release(m); /* the caller keeps only maps that were built */
        return -1;
    }
    g->nmaps++;
    return 0;
}

bool gmx_pg_sample_selected(const pg_locmap *m, const gmx_psample *s)
{
    if (!m->filter)
        return true;
    bool focused = false;
    for (uint32_t i = 0; i < s->nlocations; i++) {
        int8_t f = m->filter[s->locations[i]];
        if (f < 0)
            return false;
        focused |= f > 0;
    }
    return focused;
}

static uint32_t next_stamp(pg_graph *g)
{
    if ((uint32_t)++g->stamp == 0) { /* node stamps wrapped: start them over */
        memset(g->stamps, 0, g->nnodes * sizeof(*g->stamps));
        ++g->stamp;
    }
    return (uint32_t)g->stamp;
}

void gmx_pg_add_values(pg_graph *g, const pg_locmap *m, const gmx_psample *s, int64_t w)
{
    uint32_t stamp = next_stamp(g);
    uint32_t leaf = PG_NONE;
    const gmx_profile *p = m->profile;
    for (uint32_t i = s->nlocations; i-- > 0;) {
        const gmx_plocation *l = gmx_profile_location(p, s->locations[i]);
        for (uint32_t k = l->nlines ? l->nlines : 1; k-- > 0;) {
            uint32_t n = frame_node(m, l, k);
            if (g->stamps[n] != stamp) {
                g->stamps[n] = stamp;
                g->nodes[n].cum = gmx_i64_add_wrap(g->nodes[n].cum, w);
            }
            leaf = n;
        }
    }
    if (leaf != PG_NONE)
        g->nodes[leaf].flat = gmx_i64_add_wrap(g->nodes[leaf].flat, w);
}

static pg_edge *edge_for(pg_graph *g, uint32_t src, uint32_t dst)
{
    uint64_t h = gmx_hash_mix(src, dst);
    for (size_t slot = gmx_hindex_first(&g->edge_index, h); slot != GMX_HINDEX_NONE;
         slot = gmx_hindex_next(&g->edge_index, h, slot)) {
        pg_edge *e = &g->edges[g->edge_index.values[slot]];
        if (e->src == src && e->dst == dst)
            return e;
    }
    if (g->nedges >= PG_NONE - 1 ||
        gmx_array_reserve((void **)&g->edges, &g->edges_cap, g->nedges, sizeof(*g->edges)) < 0 ||
        gmx_hindex_insert(&g->edge_index, h, (uint32_t)g->nedges) < 0)
        return NULL;
    pg_edge *e = &g->edges[g->nedges++];
    *e = (pg_edge){ .src = src, .dst = dst, .is_inline = true };
    return e;
}

int gmx_pg_add_edges(pg_graph *g, const pg_locmap *m, const gmx_psample *s, int64_t w)
{
    uint64_t stamp = next_stamp(g);
    uint32_t parent = PG_NONE;
    const gmx_profile *p = m->profile;
    for (uint32_t i = s->nlocations; i-- > 0;) {
        const gmx_plocation *l = gmx_profile_location(p, s->locations[i]);
        uint32_t outermost = l->nlines ? l->nlines - 1u : 0;
        for (uint32_t k = outermost + 1; k-- > 0;) {
            uint32_t n = frame_node(m, l, k);
            if (!g->nodes[n].kept)
                continue;
            if (parent != PG_NONE && n != parent &&
                (!g->edge_ends_only || g->nodes[parent].edge_end || g->nodes[n].edge_end)) {
                pg_edge *e = edge_for(g, parent, n);
                if (!e)
                    return -1;
                if (e->stamp != stamp) {
                    e->stamp = stamp;
                    e->weight = gmx_i64_add_wrap(e->weight, w);
                    e->is_inline &= k != outermost;
                }
            }
            parent = n;
        }
    }
    return 0;
}
