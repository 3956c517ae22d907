/* The heap's pointers, read once in address order (heap_mark.h: heap_edges).
 * A breadth-first mark visits objects all over the core, a cache miss and
 * often a page fault each, and leaves every page it touched resident; this
 * pass reads the spans front to back and releases the pages behind it, so
 * that the mark runs on 8 bytes a pointer held in memory. */
#include "core/heap_mark.h"
#include "util/alloc.h"

#include <string.h>

enum { RELEASE_BYTES = 32u << 20 };

typedef struct builder {
    const heap_index *ix;
    heap_edges *e;
    uint64_t max_to;
    bool nomem;
} builder;

static void collect(void *ctx, uint64_t at, uint64_t value)
{
    builder *b = ctx;
    heap_edges *e = b->e;
    uint64_t id;
    const heap_span *sp;
    (void)at;
    if (e->capped || b->nomem || !gmx_heap_index_find(b->ix, value, &id, &sp))
        return;
    if (e->nto >= b->max_to) {
        e->capped = true;
        return;
    }
    if (gmx_array_reserve((void **)&e->to, &e->to_cap, e->nto, sizeof(*e->to)) != 0) {
        b->nomem = true;
        return;
    }
    e->to[e->nto++] = (struct heap_edge){ (uint32_t)id, (uint32_t)(sp - b->ix->spans) };
}

/* Ranks for the slots of spans with pointers; their total. */
static uint64_t rank_spans(const heap_index *ix, uint64_t *rank_base)
{
    uint64_t nranks = 0;
    for (size_t i = 0; i < ix->n; i++) {
        rank_base[i] = 0;
        if (!(ix->spans[i].spanclass & 1)) {
            rank_base[i] = (1ull << 32) + nranks - ix->spans[i].first;
            nranks += ix->spans[i].nelems;
        }
    }
    return nranks;
}

gmx_code gmx_heap_edges_build(gmx_core *c, const heap_layout *l, const scan_layout *s,
                              const heap_index *ix, uint64_t cap_bytes, heap_edges *e,
                              gmx_error *err)
{
    memset(e, 0, sizeof(*e));
    e->rank_base = gmx_mallocarray(ix->n ? ix->n : 1, sizeof(*e->rank_base));
    if (!e->rank_base)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    uint64_t nranks = rank_spans(ix, e->rank_base); /* < the slots: fits 32 bits */
    if (nranks >= cap_bytes / sizeof(*e->at)) { /* a corrupt core's spans: no object's edges */
        memset(e->rank_base, 0, (ix->n ? ix->n : 1) * sizeof(*e->rank_base));
        nranks = 0;
        e->capped = true;
    }
    e->at = gmx_mallocarray((size_t)nranks + 1, sizeof(*e->at));
    e->how = gmx_calloc((size_t)(nranks / 4 + 1), 1);
    if (!e->at || !e->how) {
        gmx_heap_edges_release(e);
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    }
    uint64_t max_to = (cap_bytes - nranks * sizeof(*e->at)) / sizeof(*e->to);
    builder b = { ix, e, max_to < UINT32_MAX ? max_to : UINT32_MAX, false };
    uint64_t budget = 4 * (uint64_t)c->core.len + (64u << 20), rank = 0;
    uint64_t released = ix->n ? ix->spans[0].start : 0; /* released below it */
    for (size_t i = 0; i < ix->n && !b.nomem; i++) {
        const heap_span *sp = &ix->spans[i];
        for (uint64_t k = 0; e->rank_base[i] && k < sp->nelems; k++, rank++) {
            e->at[rank] = (uint32_t)e->nto;
            if (e->capped || b.nomem || !heap_bit(ix->allocated, sp->first + k))
                continue;
            if (sp->elem > budget) { /* spans claiming more than the core holds */
                e->capped = true;
                continue;
            }
            budget -= sp->elem;
            ptr_scheme how = gmx_heap_object_pointers(c, l, s, sp, sp->start + k * sp->elem,
                                                      collect, &b);
            uint64_t bit = 2 * rank + (how == PTRS_CONSERVATIVE);
            if (how != PTRS_NONE)
                e->how[bit / 8] |= (uint8_t)(1u << (bit % 8));
        }
        if (sp->end - released >= RELEASE_BYTES || i + 1 == ix->n) {
            gmx_core_release(c, released, sp->end);
            released = sp->end;
        }
    }
    e->at[rank] = (uint32_t)e->nto;
    if (b.nomem) {
        gmx_heap_edges_release(e);
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    }
    return GMX_OK;
}

void gmx_heap_edges_release(heap_edges *e)
{
    gmx_free(e->rank_base);
    gmx_free(e->at);
    gmx_free(e->to);
    gmx_free(e->how);
    memset(e, 0, sizeof(*e));
}
