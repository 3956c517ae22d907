/* The mark: a breadth-first walk from the roots with an explicit queue
 * (the order array is the queue: depth is the input's, never the C
 * stack's), a mark bit per object slot, and for each object the position
 * of the one that reached it first, or the root that did. Breadth-first
 * from all roots at once, so the path to each object is a shortest one.
 * Roots (globals, then stacks, then finalizers) are read from the core;
 * objects' pointers from the edges
 * (heap_edges.c), read beforehand in address order.
 *
 * Memory: 12 bytes per marked object here (20 more in the retention) and,
 * while it runs, 8 per pointer between objects and 4 per object slot of
 * the spans with pointers (heap_edges.c), capped so that each stays
 * within a quarter of the core's size plus 64 MiB; past the cap the mark
 * stops and says so (capped). */
#include "core/heap_mark.h"
#include "util/alloc.h"

#include <string.h>

enum { ENTRY_BYTES = 32 };

typedef struct marker {
    gmx_core *c;
    const heap_layout *l;
    const scan_layout *s;
    const heap_index *ix;
    heap_mark *m;
    uint32_t parent;           /* the position scanned, while scanning objects */
    const root_region *region; /* the root scanned, while scanning roots */
    bool region_named;
    uint32_t region_root;
    uint64_t max_entries;      /* order, span and parent hold as many */
    heap_edges edges;
    bool nomem;
} marker;

static bool new_root(marker *k)
{
    heap_mark *m = k->m;
    if (m->nroots >= ROOT_BIT - 1 ||
        gmx_array_reserve((void **)&m->roots, &m->roots_cap, m->nroots, sizeof(*m->roots)) != 0)
        return false;
    const root_region *r = k->region;
    char *name = gmx_arena_strndup(&m->names, r->name.p, r->name.n);
    if (!name)
        return false;
    m->roots[m->nroots] = (mark_root){ r->kind, name, r->goid, r->lo, r->hi };
    k->region_root = (uint32_t)m->nroots++;
    k->region_named = true;
    return true;
}

/* Queues slot id of span i, reached from the root or object scanned. */
static void push(marker *k, uint64_t id, uint32_t i)
{
    heap_mark *m = k->m;
    if (m->n >= k->max_entries) {
        m->capped = true;
        return;
    }
    if (k->region && !k->region_named && !new_root(k)) {
        k->nomem = true;
        return;
    }
    m->marked[id / 8] |= (uint8_t)(1u << (id % 8));
    m->order[m->n] = (uint32_t)id;
    m->span[m->n] = i;
    m->parent[m->n] = k->region ? ROOT_BIT | k->region_root : k->parent;
    m->n++;
    m->marked_bytes += k->ix->keys[i].elem;
}

/* A root's word. */
static void reach(void *ctx, uint64_t at, uint64_t value)
{
    marker *k = ctx;
    uint64_t id;
    const heap_span *sp;
    (void)at;
    if (!k->m->capped && !k->nomem && gmx_heap_index_find(k->ix, value, &id, &sp) &&
        !heap_bit(k->m->marked, id))
        push(k, id, (uint32_t)(sp - k->ix->spans));
}

static bool scan_root(void *ctx, const root_region *r)
{
    marker *k = ctx;
    k->region = r;
    k->region_named = false;
    gmx_heap_region_pointers(k->c, r, reach, k); /* reach ignores words once capped */
    k->region = NULL;
    return !k->nomem && !k->m->capped;
}

static void drain(marker *k, size_t *at);

gmx_code gmx_heap_mark_run(gmx_core *c, const heap_layout *l, const scan_layout *s,
                           const heap_index *ix, heap_mark *m, gmx_error *err)
{
    memset(m, 0, sizeof(*m));
    gmx_arena_init(&m->names, 64u << 20);
    m->marked = gmx_calloc((size_t)(ix->nobjects / 8 + 1), 1);
    if (!m->marked)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    marker k = { 0 };
    k.c = c;
    k.l = l;
    k.s = s;
    k.ix = ix;
    k.m = m;
    m->cap_bytes = c->core.len / 4 + (64u << 20);
    k.max_entries = m->cap_bytes / ENTRY_BYTES;
    if (k.max_entries > ROOT_BIT - 1)
        k.max_entries = ROOT_BIT - 1;
    if (k.max_entries > ix->allocated_objects) /* each is marked once */
        k.max_entries = ix->allocated_objects;
    size_t cap = (size_t)k.max_entries ? (size_t)k.max_entries : 1;
    m->order = gmx_mallocarray(cap, sizeof(*m->order));
    m->span = gmx_mallocarray(cap, sizeof(*m->span));
    m->parent = gmx_mallocarray(cap, sizeof(*m->parent));
    if (!m->order || !m->span || !m->parent) {
        gmx_heap_mark_release(m);
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    }
    gmx_code rc = gmx_heap_edges_build(c, l, s, ix, m->cap_bytes, &k.edges, err);
    if (rc == GMX_OK)
        rc = gmx_heap_roots(c, s, false, scan_root, &k, err);
    size_t pos = 0;
    if (rc == GMX_OK)
        drain(&k, &pos);
    if (rc == GMX_OK)
        rc = gmx_heap_roots(c, s, true, scan_root, &k, err);
    if (rc == GMX_OK)
        drain(&k, &pos);
    /* last: they claim only what nothing else reaches */
    if (rc == GMX_OK)
        rc = gmx_heap_finalizer_roots(c, l, s, ix, scan_root, &k, err);
    if (rc == GMX_OK)
        drain(&k, &pos);
    if (rc == GMX_OK && k.nomem)
        rc = gmx_error_set(err, GMX_ENOMEM, "out of memory");
    if (k.edges.capped)
        m->capped = true;
    gmx_heap_edges_release(&k.edges);
    /* done with the core's pages (roots, a Go 1.19 arena's bitmap): out of the
     * resident set before the retention takes 20 bytes an object */
    gmx_core_release(c, 0, UINT64_MAX);
    if (rc != GMX_OK)
        gmx_heap_mark_release(m);
    return rc;
}

/* The edges of queue position pos: its rank. false for an object without
 * pointers. */
static inline bool ranked(const marker *k, size_t pos, uint64_t *rank)
{
    uint64_t base = k->edges.rank_base[k->m->span[pos]];
    *rank = base + k->m->order[pos] - (1ull << 32);
    return base != 0;
}

/* Scans the queue from *pos to its end, which grows as it goes: each
 * object's edges, in the order its words hold them. The queue's objects
 * lie anywhere in the edges, so what each needs is fetched ahead in three
 * steps: its span's rank base AHEAD places ahead, its edges' start half as
 * far, its edges a quarter. */
static void drain(marker *k, size_t *at)
{
    enum { AHEAD = 64 };
    heap_mark *m = k->m;
    const heap_edges *e = &k->edges;
    size_t pos = *at;
    uint64_t rank;
    for (; pos < m->n && !k->nomem && !m->capped; pos++) {
        if (pos + AHEAD < m->n)
            __builtin_prefetch(&e->rank_base[m->span[pos + AHEAD]]);
        if (pos + AHEAD / 2 < m->n && ranked(k, pos + AHEAD / 2, &rank))
            __builtin_prefetch(&e->at[rank]);
        if (pos + AHEAD / 4 < m->n && ranked(k, pos + AHEAD / 4, &rank))
            __builtin_prefetch(&e->to[e->at[rank]]);
        if (!ranked(k, pos, &rank))
            continue;
        m->exact_objects += heap_bit(e->how, 2 * rank);
        m->conservative_objects += heap_bit(e->how, 2 * rank + 1);
        k->parent = (uint32_t)pos;
        for (uint32_t x = e->at[rank]; x < e->at[rank + 1] && !m->capped; x++) {
            uint32_t id = e->to[x].id;
            if (!heap_bit(m->marked, id))
                push(k, id, e->to[x].span);
        }
    }
    *at = pos;
}

void gmx_heap_mark_release(heap_mark *m)
{
    if (!m)
        return;
    gmx_free(m->order);
    gmx_free(m->span);
    gmx_free(m->parent);
    gmx_free(m->marked);
    gmx_free(m->roots);
    gmx_arena_release(&m->names);
    memset(m, 0, sizeof(*m));
}
