/* Which of the objects a holder keeps are in use by goroutines: a frame
 * (or a stack above its last frame) points to them as well. The mark counts
 * an object under the root that reached it first, globals before stacks, so
 * a connection its serve goroutine holds is counted under any global that
 * reaches it too (net/http's Server.activeConn, through the server found in
 * a request's context that a client call in flight keeps): the holder is
 * then the goroutines' heap, kept because they are alive. One scan of the
 * stacks for all the holders; each object keeps the first goroutine seen. */
#include "core/heap_mark.h"
#include "util/alloc.h"

#include <stdlib.h>

/* A holder keeping more is no table of live goroutines' objects: skipped
 * (16 bytes each while this runs). */
enum { MAX_KEPT = 1 << 20 };

typedef struct kept {
    uint32_t id;             /* the object's slot */
    uint32_t holder;         /* the index of the holder keeping it */
    uint64_t goid;           /* the first goroutine whose frame points to it; 0 none */
} kept;

typedef struct framing {
    gmx_core *c;
    const heap_index *ix;
    kept *k;
    size_t n;
    uint64_t goid;           /* of the region scanned */
} framing;

static int by_id(const void *a, const void *b)
{
    const kept *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

static int by_holder_goid(const void *a, const void *b)
{
    const kept *x = a, *y = b;
    if (x->holder != y->holder)
        return x->holder < y->holder ? -1 : 1;
    return x->goid < y->goid ? -1 : x->goid > y->goid;
}

static void frame_word(void *ctx, uint64_t at, uint64_t value)
{
    framing *f = ctx;
    uint64_t id;
    const heap_span *sp;
    (void)at;
    if (!gmx_heap_index_find(f->ix, value, &id, &sp))
        return;
    kept key = { .id = (uint32_t)id };
    kept *k = bsearch(&key, f->k, f->n, sizeof(*k), by_id);
    if (k && !k->goid)
        k->goid = f->goid;
}

static bool frame_region(void *ctx, const root_region *r)
{
    framing *f = ctx;
    f->goid = r->goid ? r->goid : UINT64_MAX; /* any goroutine counts, goid 0 too */
    gmx_heap_region_pointers(f->c, r, frame_word, f);
    return true;
}

/* The holder among pos[0..n) at mark position p, or n. */
static size_t holder_at(const uint32_t *pos, size_t n, uint32_t p)
{
    size_t i = 0;
    while (i < n && pos[i] != p)
        i++;
    return i;
}

gmx_code gmx_heap_framed(gmx_core *c, const scan_layout *s, const heap_index *ix, const heap_mark *m,
                         const uint32_t *pos, size_t nholders, gmx_core_holder *holders,
                         gmx_error *err)
{
    if (!nholders)
        return GMX_OK;
    /* each holder's children: the objects whose parent it is */
    uint64_t *count = gmx_calloc(nholders, sizeof(*count));
    if (!count)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    for (size_t q = 0; q < m->n; q++) {
        uint32_t p = m->parent[q];
        size_t h = (p & ROOT_BIT) ? nholders : holder_at(pos, nholders, p);
        if (h < nholders)
            count[h]++;
    }
    size_t total = 0;
    for (size_t i = 0; i < nholders; i++)
        total += count[i] <= MAX_KEPT ? (size_t)count[i] : 0;
    framing f = { c, ix, NULL, 0, 0 };
    f.k = total ? gmx_mallocarray(total, sizeof(*f.k)) : NULL;
    if (total && !f.k) {
        gmx_free(count);
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    }
    for (size_t q = 0; q < m->n && total; q++) {
        uint32_t p = m->parent[q];
        size_t h = (p & ROOT_BIT) ? nholders : holder_at(pos, nholders, p);
        if (h < nholders && count[h] <= MAX_KEPT)
            f.k[f.n++] = (kept){ m->order[q], (uint32_t)h, 0 };
    }
    gmx_free(count);
    gmx_code rc = GMX_OK;
    if (f.n) {
        qsort(f.k, f.n, sizeof(*f.k), by_id);
        rc = gmx_heap_roots(c, s, true, frame_region, &f, err);
    }
    if (rc == GMX_OK && f.n) {
        qsort(f.k, f.n, sizeof(*f.k), by_holder_goid);
        for (size_t i = 0; i < f.n; i++) {
            if (!f.k[i].goid)
                continue;
            gmx_core_holder *h = &holders[f.k[i].holder];
            h->framed++;
            if (i == 0 || f.k[i - 1].holder != f.k[i].holder || f.k[i - 1].goid != f.k[i].goid)
                h->framed_goroutines++;
        }
    }
    gmx_free(f.k);
    return rc;
}
