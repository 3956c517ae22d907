/* Heap snapshots: values per distinct allocation stack (model/stacks). */
#include "gomemdx/heap.h"
#include "model/stacks.h"
#include "util/alloc.h"
#include "util/num.h"

#include <string.h>

#define DEFAULT_MAX_SITES 200000

struct gmx_hsnapshot {
    gmx_stacks stacks;      /* site i has stack i */
    gmx_hsite *sites;
    size_t cap;
    uint64_t max_sites;
    gmx_hsite overflow;     /* values of stacks past max_sites */
    gmx_hsnapshot_info info;
};

gmx_hsnapshot *gmx_hsnapshot_new(uint64_t max_sites)
{
    gmx_hsnapshot *h = gmx_calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    gmx_stacks_init(&h->stacks, (size_t)1 << 30);
    h->max_sites = max_sites ? max_sites : DEFAULT_MAX_SITES;
    return h;
}

void gmx_hsnapshot_free(gmx_hsnapshot *h)
{
    if (!h)
        return;
    gmx_free(h->sites);
    gmx_stacks_release(&h->stacks);
    gmx_free(h);
}

static void add_values(gmx_hsite *s, int64_t io, int64_t ib, int64_t ao, int64_t ab)
{
    s->inuse_objects = gmx_i64_add_sat(s->inuse_objects, io);
    s->inuse_bytes = gmx_i64_add_sat(s->inuse_bytes, ib);
    s->alloc_objects = gmx_i64_add_sat(s->alloc_objects, ao);
    s->alloc_bytes = gmx_i64_add_sat(s->alloc_bytes, ab);
}

gmx_code gmx_hsnapshot_add(gmx_hsnapshot *h, const gmx_frame *frames, uint32_t nframes,
                           int64_t inuse_objects, int64_t inuse_bytes, int64_t alloc_objects,
                           int64_t alloc_bytes)
{
    size_t i = gmx_stacks_find(&h->stacks, frames, nframes, NULL);
    if (i == SIZE_MAX) {
        if (h->stacks.count >= h->max_sites) {
            add_values(&h->overflow, inuse_objects, inuse_bytes, alloc_objects, alloc_bytes);
            return GMX_OK;
        }
        if (h->stacks.count == h->cap) {
            size_t cap = h->cap ? h->cap * 2 : 64;
            gmx_hsite *grown = gmx_reallocarray(h->sites, cap, sizeof(*grown));
            if (!grown)
                return GMX_ENOMEM;
            h->sites = grown;
            h->cap = cap;
        }
        bool added;
        i = gmx_stacks_intern(&h->stacks, frames, nframes, NULL, &added);
        if (i == SIZE_MAX)
            return GMX_ENOMEM;
        memset(&h->sites[i], 0, sizeof(h->sites[i]));
        h->sites[i].frames = h->stacks.items[i].frames;
        h->sites[i].nframes = nframes;
    }
    add_values(&h->sites[i], inuse_objects, inuse_bytes, alloc_objects, alloc_bytes);
    return GMX_OK;
}

void gmx_hsnapshot_note_object_size(gmx_hsnapshot *h, const gmx_frame *frames, uint32_t nframes,
                                    int64_t object_bytes)
{
    size_t i = gmx_stacks_find(&h->stacks, frames, nframes, NULL);
    if (i != SIZE_MAX && object_bytes > h->sites[i].max_object_bytes)
        h->sites[i].max_object_bytes = object_bytes;
}

gmx_hsnapshot_info *gmx_hsnapshot_info_of(gmx_hsnapshot *h) { return &h->info; }
const gmx_hsnapshot_info *gmx_hsnapshot_get_info(const gmx_hsnapshot *h) { return &h->info; }
size_t gmx_hsnapshot_count(const gmx_hsnapshot *h) { return h->stacks.count; }
int64_t gmx_hsnapshot_overflow_bytes(const gmx_hsnapshot *h) { return h->overflow.inuse_bytes; }

const gmx_hsite *gmx_hsnapshot_at(const gmx_hsnapshot *h, size_t i)
{
    return i < h->stacks.count ? &h->sites[i] : NULL;
}

const gmx_hsite *gmx_hsnapshot_find(const gmx_hsnapshot *h, const gmx_hsite *s)
{
    size_t i = gmx_stacks_find(&h->stacks, s->frames, s->nframes, NULL);
    return i == SIZE_MAX ? NULL : &h->sites[i];
}

gmx_hsite gmx_hsnapshot_total(const gmx_hsnapshot *h)
{
    gmx_hsite t = h->overflow;
    t.frames = NULL;
    t.nframes = 0;
    for (size_t i = 0; i < h->stacks.count; i++)
        add_values(&t, h->sites[i].inuse_objects, h->sites[i].inuse_bytes,
                   h->sites[i].alloc_objects, h->sites[i].alloc_bytes);
    return t;
}
