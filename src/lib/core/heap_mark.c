/* The mark: a breadth-first walk from the roots with an explicit queue
 * (the order array is the queue: depth is the input's, never the C
 * stack's), a mark bit per object slot, and for each object the position
 * of the one that reached it first, or the root that did. Breadth-first
 * from all roots at once, so the path to each object is a shortest one.
 *
 * Memory: 12 bytes per marked object here (20 more in the retention),
 * capped so that the whole stays within a quarter of the core's size plus
 * 64 MiB; past the cap the mark stops and says so (capped). */
#include "core/heap_mark.h"
#include "util/alloc.h"

#include <string.h>

enum { CHUNK_WORDS = 4096, ENTRY_BYTES = 32 };

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
    size_t order_cap, span_cap, parent_cap;
    uint64_t max_entries;
    uint64_t scan_budget;      /* object bytes still to scan: 4 x the core's size + 64 MiB */
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

static void reach(void *ctx, uint64_t at, uint64_t value)
{
    marker *k = ctx;
    heap_mark *m = k->m;
    uint64_t id;
    const heap_span *sp;
    (void)at;
    if (m->capped || k->nomem || !gmx_heap_index_find(k->ix, value, &id, &sp) ||
        heap_bit(m->marked, id))
        return;
    if (m->n >= k->max_entries) {
        m->capped = true;
        return;
    }
    if (k->region && !k->region_named && !new_root(k)) {
        k->nomem = true;
        return;
    }
    if (gmx_array_reserve((void **)&m->order, &k->order_cap, m->n, sizeof(*m->order)) != 0 ||
        gmx_array_reserve((void **)&m->span, &k->span_cap, m->n, sizeof(*m->span)) != 0 ||
        gmx_array_reserve((void **)&m->parent, &k->parent_cap, m->n, sizeof(*m->parent)) != 0) {
        k->nomem = true;
        return;
    }
    m->marked[id / 8] |= (uint8_t)(1u << (id % 8));
    m->order[m->n] = (uint32_t)id;
    m->span[m->n] = (uint32_t)(sp - k->ix->spans);
    m->parent[m->n] = k->region ? ROOT_BIT | k->region_root : k->parent;
    m->n++;
    m->marked_bytes += sp->elem;
}

static bool scan_root(void *ctx, const root_region *r)
{
    marker *k = ctx;
    uint64_t words[CHUNK_WORDS];
    k->region = r;
    k->region_named = false;
    for (uint64_t at = r->lo; at + 8 <= r->hi && !k->nomem && !k->m->capped;) {
        uint64_t n = (r->hi - at) / 8;
        if (n > CHUNK_WORDS)
            n = CHUNK_WORDS;
        if (gmx_core_read(k->c, at, words, (size_t)n * 8))
            gmx_heap_scan_words(words, (size_t)n, at, r->mask, r->mask_from + (at - r->lo) / 8,
                                reach, k);
        at += n * 8;
    }
    k->region = NULL;
    return !k->nomem && !k->m->capped;
}

static gmx_code drain(marker *k, size_t *at);

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
    k.scan_budget = 4 * (uint64_t)c->core.len + (64u << 20);
    if (k.max_entries > ROOT_BIT - 1)
        k.max_entries = ROOT_BIT - 1;
    gmx_code rc = gmx_heap_roots(c, s, false, scan_root, &k, err);
    size_t pos = 0;
    if (rc == GMX_OK)
        rc = drain(&k, &pos);
    if (rc == GMX_OK)
        rc = gmx_heap_roots(c, s, true, scan_root, &k, err);
    if (rc == GMX_OK)
        rc = drain(&k, &pos);
    if (rc == GMX_OK && k.nomem)
        rc = gmx_error_set(err, GMX_ENOMEM, "out of memory");
    if (rc != GMX_OK)
        gmx_heap_mark_release(m);
    return rc;
}

/* Scans the queue from *pos to its end, which grows as it goes. */
static gmx_code drain(marker *k, size_t *at)
{
    heap_mark *m = k->m;
    size_t pos = *at;
    for (; pos < m->n && !k->nomem && !m->capped; pos++) {
        uint64_t id = m->order[pos];
        const heap_span *sp = &k->ix->spans[m->span[pos]];
        k->parent = (uint32_t)pos;
        if (!(sp->spanclass & 1)) {
            if (sp->elem > k->scan_budget) { /* spans claiming more than the core holds */
                m->capped = true;
                break;
            }
            k->scan_budget -= sp->elem;
        }
        switch (gmx_heap_object_pointers(k->c, k->l, k->s, sp, sp->start + (id - sp->first) * sp->elem,
                                         reach, k)) {
        case PTRS_EXACT:
            m->exact_objects++;
            break;
        case PTRS_CONSERVATIVE:
            m->conservative_objects++;
            break;
        case PTRS_NONE:
            break;
        }
    }
    *at = pos;
    return GMX_OK;
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
