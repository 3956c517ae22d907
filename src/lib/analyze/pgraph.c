/* The function-granularity graph of pprof's internal/graph (see pgraph.h).
 *
 * Node identity follows pprof's NodeInfo after `-granularity=functions`
 * aggregation: a line with a named function is the node of that name; a
 * line whose function has no name, or a location without lines, is the node
 * of its mapping's file (and the function's start line). */
#include "analyze/pgraph.h"
#include "util/alloc.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

void pg_graph_init(pg_graph *g)
{
    memset(g, 0, sizeof(*g));
    gmx_hindex_init(&g->node_index);
    gmx_hindex_init(&g->edge_index);
    gmx_arena_init(&g->arena, 0);
}

void pg_graph_release(pg_graph *g)
{
    gmx_free(g->nodes);
    gmx_free(g->edges);
    gmx_hindex_release(&g->node_index);
    gmx_hindex_release(&g->edge_index);
    gmx_arena_release(&g->arena);
    memset(g, 0, sizeof(*g));
}

void pg_locmap_release(pg_locmap *m)
{
    gmx_free(m->first);
    gmx_free(m->nodes);
    gmx_free(m->filter);
    gmx_free(m->name_nodes);
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

static uint32_t find_node(const pg_graph *g, gmx_str key, uint64_t h)
{
    for (size_t slot = gmx_hindex_first(&g->node_index, h); slot != GMX_HINDEX_NONE;
         slot = gmx_hindex_next(&g->node_index, h, slot))
        if (gmx_str_eq(g->nodes[g->node_index.values[slot]].key, key))
            return g->node_index.values[slot];
    return PG_NONE;
}

/* The node for a (named) key; name is what it prints as. */
static uint32_t node_for(pg_graph *g, gmx_str key, gmx_str name, gmx_str objfile,
                         int64_t start_line)
{
    uint64_t h = gmx_hash_bytes(key.p, key.n, 0);
    uint32_t n = find_node(g, key, h);
    if (n != PG_NONE)
        return n;
    if (g->nnodes >= PG_NONE - 1 ||
        gmx_array_reserve((void **)&g->nodes, &g->nodes_cap, g->nnodes, sizeof(*g->nodes)) < 0 ||
        gmx_hindex_insert(&g->node_index, h, (uint32_t)g->nnodes) < 0)
        return PG_NONE;
    pg_node *node = &g->nodes[g->nnodes];
    memset(node, 0, sizeof(*node));
    node->key = key;
    node->name = name;
    node->objfile = objfile;
    node->start_line = start_line;
    return (uint32_t)g->nnodes++;
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
    uint32_t id = node_for(g, k, name, objfile, start_line);
    return id;
}

/* Names are hashed once per distinct name (the profile numbers them), not
 * once per line. */
static uint32_t line_node(pg_graph *g, pg_locmap *m, const gmx_plocation *l,
                          const gmx_pline *line)
{
    const gmx_profile *p = m->profile;
    gmx_str objfile = { "", 0 };
    if (l->mapping != GMX_PNONE)
        objfile = gmx_profile_mapping(p, l->mapping)->filename;
    if (!line)
        return nameless_node(g, objfile, 0);
    const gmx_pfunction *f = gmx_profile_function(p, line->function);
    if (f->name.n == 0)
        return nameless_node(g, objfile, f->start_line);
    uint32_t *slot = &m->name_nodes[f->name_id];
    if (*slot == PG_NONE)
        *slot = node_for(g, f->name, f->name, (gmx_str){ "", 0 }, 0);
    return *slot;
}

int pg_locmap_build(pg_graph *g, const gmx_profile *p, pg_locmap *m)
{
    memset(m, 0, sizeof(*m));
    m->profile = p;
    size_t nloc = gmx_profile_location_count(p), total = 0;
    m->first = gmx_mallocarray(nloc + 1, sizeof(*m->first));
    if (!m->first)
        return -1;
    for (size_t i = 0; i < nloc; i++) {
        m->first[i] = (uint32_t)total;
        uint32_t n = gmx_profile_location(p, i)->nlines;
        total += n ? n : 1;
    }
    m->first[nloc] = (uint32_t)total;
    size_t nnames = gmx_profile_name_count(p);
    m->nodes = gmx_mallocarray(total + 1, sizeof(*m->nodes));
    m->name_nodes = gmx_mallocarray(nnames + 1, sizeof(*m->name_nodes));
    if (!m->nodes || !m->name_nodes)
        return -1;
    memset(m->name_nodes, 0xff, (nnames + 1) * sizeof(*m->name_nodes));
    for (size_t i = 0; i < nloc; i++) {
        const gmx_plocation *l = gmx_profile_location(p, i);
        uint32_t *out = m->nodes + m->first[i];
        if (l->nlines == 0 && (out[0] = line_node(g, m, l, NULL)) == PG_NONE)
            return -1;
        for (uint32_t k = 0; k < l->nlines; k++)
            if ((out[k] = line_node(g, m, l, &l->lines[k])) == PG_NONE)
                return -1;
    }
    return 0;
}

bool pg_sample_selected(const pg_locmap *m, const gmx_psample *s)
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

void pg_add_values(pg_graph *g, const pg_locmap *m, const gmx_psample *s, int64_t w)
{
    uint64_t stamp = ++g->stamp;
    uint32_t leaf = PG_NONE;
    for (uint32_t i = s->nlocations; i-- > 0;) {
        uint32_t loc = s->locations[i];
        for (uint32_t k = m->first[loc + 1]; k-- > m->first[loc];) {
            pg_node *n = &g->nodes[m->nodes[k]];
            if (n->stamp != stamp) {
                n->stamp = stamp;
                n->cum += w;
            }
            leaf = m->nodes[k];
        }
    }
    if (leaf != PG_NONE)
        g->nodes[leaf].flat += w;
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

int pg_add_edges(pg_graph *g, const pg_locmap *m, const gmx_psample *s, int64_t w)
{
    uint64_t stamp = ++g->stamp;
    uint32_t parent = PG_NONE;
    for (uint32_t i = s->nlocations; i-- > 0;) {
        uint32_t loc = s->locations[i];
        uint32_t outermost = m->first[loc + 1] - 1;
        for (uint32_t k = m->first[loc + 1]; k-- > m->first[loc];) {
            uint32_t n = m->nodes[k];
            if (!g->nodes[n].kept)
                continue;
            if (parent != PG_NONE && n != parent) {
                pg_edge *e = edge_for(g, parent, n);
                if (!e)
                    return -1;
                if (e->stamp != stamp) {
                    e->stamp = stamp;
                    e->weight += w;
                    e->is_inline &= k != outermost;
                }
            }
            parent = n;
        }
    }
    return 0;
}
