/* Heap snapshots: values per distinct allocation stack (model/stacks).
 * A snapshot read from a profile owns its stacks; a snapshot of a series
 * shares one table of sites with the others (gmx_hsnapshot_share), so a
 * stack seen in every one of hundreds of profiles is kept once, and
 * comparing snapshots is a lookup by site id instead of by content. */
#include "model/hsnapshot_impl.h"
#include "util/alloc.h"
#include "util/num.h"

#include <string.h>

#define DEFAULT_MAX_SITES 200000

gmx_hsnapshot *gmx_hsnapshot_new(uint64_t max_sites)
{
    gmx_hsnapshot *h = gmx_calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    gmx_stacks_init(&h->stacks, (size_t)1 << 30);
    h->max_sites = max_sites ? max_sites : DEFAULT_MAX_SITES;
    return h;
}

gmx_hsnapshot *gmx_hsnapshot_new_borrowing(uint64_t max_sites)
{
    gmx_hsnapshot *h = gmx_hsnapshot_new(max_sites);
    if (h)
        h->stacks.borrow_strings = true;
    return h;
}

void gmx_hsnapshot_free(gmx_hsnapshot *h)
{
    if (!h)
        return;
    gmx_free(h->sites);
    gmx_free(h->order);
    gmx_stacks_release(&h->stacks);
    gmx_free(h);
}

void gmx_hsite_add_values(gmx_hsite *s, int64_t io, int64_t ib, int64_t ao, int64_t ab)
{
    s->inuse_objects = gmx_i64_add_sat(s->inuse_objects, io);
    s->inuse_bytes = gmx_i64_add_sat(s->inuse_bytes, ib);
    s->alloc_objects = gmx_i64_add_sat(s->alloc_objects, ao);
    s->alloc_bytes = gmx_i64_add_sat(s->alloc_bytes, ab);
}

/* The site of the stack, added when new; NULL past max_sites (the values
 * go to the overflow) or when out of memory (*rc says). */
static gmx_hsite *site_of(gmx_hsnapshot *h, const gmx_frame *frames, uint32_t nframes,
                          gmx_code *rc)
{
    *rc = GMX_OK;
    if (h->table) {
        *rc = GMX_EUSAGE; /* a shared snapshot is a finished copy */
        return NULL;
    }
    uint64_t hash = gmx_stacks_hash(frames, nframes, NULL);
    size_t i = gmx_stacks_find_hashed(&h->stacks, hash, frames, nframes, NULL);
    if (i != SIZE_MAX)
        return &h->sites[i];
    if (h->stacks.count >= h->max_sites)
        return NULL;
    if (h->stacks.count == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 64;
        gmx_hsite *grown = gmx_reallocarray(h->sites, cap, sizeof(*grown));
        if (!grown) {
            *rc = GMX_ENOMEM;
            return NULL;
        }
        h->sites = grown;
        h->cap = cap;
    }
    i = gmx_stacks_add_hashed(&h->stacks, hash, frames, nframes, NULL);
    if (i == SIZE_MAX) {
        *rc = GMX_ENOMEM;
        return NULL;
    }
    gmx_hsite *s = &h->sites[i];
    memset(s, 0, sizeof(*s));
    s->frames = h->stacks.items[i].frames;
    s->nframes = nframes;
    s->id = (uint32_t)i;
    return s;
}

gmx_code gmx_hsnapshot_add_sized(gmx_hsnapshot *h, const gmx_frame *frames, uint32_t nframes,
                                 int64_t inuse_objects, int64_t inuse_bytes,
                                 int64_t alloc_objects, int64_t alloc_bytes, int64_t object_bytes)
{
    gmx_code rc;
    gmx_hsite *s = site_of(h, frames, nframes, &rc);
    if (!s) {
        if (rc == GMX_OK)
            gmx_hsite_add_values(&h->overflow, inuse_objects, inuse_bytes, alloc_objects,
                                 alloc_bytes);
        return rc;
    }
    gmx_hsite_add_values(s, inuse_objects, inuse_bytes, alloc_objects, alloc_bytes);
    if (inuse_objects > 0 && object_bytes > s->max_object_bytes)
        s->max_object_bytes = object_bytes;
    return GMX_OK;
}

gmx_code gmx_hsnapshot_add(gmx_hsnapshot *h, const gmx_frame *frames, uint32_t nframes,
                           int64_t inuse_objects, int64_t inuse_bytes, int64_t alloc_objects,
                           int64_t alloc_bytes)
{
    return gmx_hsnapshot_add_sized(h, frames, nframes, inuse_objects, inuse_bytes, alloc_objects,
                                   alloc_bytes, 0);
}

void gmx_hsnapshot_note_object_size(gmx_hsnapshot *h, const gmx_frame *frames, uint32_t nframes,
                                    int64_t object_bytes)
{
    size_t i = h->table ? SIZE_MAX : gmx_stacks_find(&h->stacks, frames, nframes, NULL);
    if (i != SIZE_MAX && object_bytes > h->sites[i].max_object_bytes)
        h->sites[i].max_object_bytes = object_bytes;
}

gmx_hsnapshot_info *gmx_hsnapshot_info_of(gmx_hsnapshot *h) { return &h->info; }
const gmx_hsnapshot_info *gmx_hsnapshot_get_info(const gmx_hsnapshot *h) { return &h->info; }
int64_t gmx_hsnapshot_overflow_bytes(const gmx_hsnapshot *h) { return h->overflow.inuse_bytes; }

size_t gmx_hsnapshot_count(const gmx_hsnapshot *h)
{
    return h->table ? h->norder : h->stacks.count;
}

const gmx_hsite *gmx_hsnapshot_at(const gmx_hsnapshot *h, size_t i)
{
    if (i >= gmx_hsnapshot_count(h))
        return NULL;
    return &h->sites[h->table ? h->order[i] : i];
}

/* The number of entries of h->sites indexed by id. */
static size_t ids(const gmx_hsnapshot *h)
{
    return h->table ? h->cap : h->stacks.count;
}

const gmx_hsite *gmx_hsnapshot_find(const gmx_hsnapshot *h, const gmx_hsite *s)
{
    /* The same interned frames at the same id: the same site of one table. */
    if (s->id < ids(h) && h->sites[s->id].frames == s->frames && s->frames)
        return &h->sites[s->id];
    const gmx_stacks *stacks = h->table ? &h->table->stacks : &h->stacks;
    size_t i = gmx_stacks_find(stacks, s->frames, s->nframes, NULL);
    return i < ids(h) && h->sites[i].frames ? &h->sites[i] : NULL;
}

gmx_hsite gmx_hsnapshot_total(const gmx_hsnapshot *h)
{
    gmx_hsite t = h->overflow;
    t.frames = NULL;
    t.nframes = 0;
    for (size_t i = 0; i < gmx_hsnapshot_count(h); i++) {
        const gmx_hsite *s = gmx_hsnapshot_at(h, i);
        gmx_hsite_add_values(&t, s->inuse_objects, s->inuse_bytes, s->alloc_objects,
                             s->alloc_bytes);
    }
    return t;
}

gmx_hsite_table *gmx_hsite_table_new(uint64_t max_sites)
{
    gmx_hsite_table *t = gmx_calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    gmx_stacks_init(&t->stacks, (size_t)1 << 30);
    t->max_sites = max_sites ? max_sites : DEFAULT_MAX_SITES;
    return t;
}

void gmx_hsite_table_free(gmx_hsite_table *t)
{
    if (!t)
        return;
    gmx_stacks_release(&t->stacks);
    gmx_free(t);
}

size_t gmx_hsite_table_count(const gmx_hsite_table *t) { return t->stacks.count; }

/* Interns h's sites into t: order[k] is the id of h's k-th site, or
 * UINT32_MAX past t's maximum. */
static gmx_code intern_sites(gmx_hsite_table *t, const gmx_hsnapshot *h, uint32_t *order)
{
    for (size_t k = 0; k < gmx_hsnapshot_count(h); k++) {
        /* h owns its stacks (site k is stack k): their hashes serve t. */
        const gmx_stack *s = &h->stacks.items[k];
        size_t id;
        if (t->stacks.count < t->max_sites) {
            bool added;
            if ((id = gmx_stacks_intern_stack(&t->stacks, s, &added)) == SIZE_MAX)
                return GMX_ENOMEM;
        } else {
            id = gmx_stacks_find_stack(&t->stacks, s);
        }
        order[k] = id == SIZE_MAX ? UINT32_MAX : (uint32_t)id;
    }
    return GMX_OK;
}

gmx_code gmx_hsnapshot_share(gmx_hsite_table *t, const gmx_hsnapshot *h, gmx_hsnapshot **out)
{
    *out = NULL;
    if (h->table)
        return GMX_EUSAGE; /* already a copy */
    gmx_hsnapshot *c = gmx_calloc(1, sizeof(*c));
    size_t n = gmx_hsnapshot_count(h);
    if (!c || !(c->order = gmx_mallocarray(n ? n : 1, sizeof(*c->order))) ||
        intern_sites(t, h, c->order) != GMX_OK) {
        gmx_hsnapshot_free(c);
        return GMX_ENOMEM;
    }
    c->table = t;
    c->max_sites = t->max_sites;
    c->info = h->info;
    c->overflow = h->overflow;
    c->cap = t->stacks.count;
    if (!(c->sites = gmx_calloc(c->cap ? c->cap : 1, sizeof(*c->sites)))) {
        gmx_hsnapshot_free(c);
        return GMX_ENOMEM;
    }
    for (size_t k = 0; k < n; k++) {
        const gmx_hsite *s = gmx_hsnapshot_at(h, k);
        uint32_t id = c->order[k];
        if (id == UINT32_MAX) {
            gmx_hsite_add_values(&c->overflow, s->inuse_objects, s->inuse_bytes, s->alloc_objects,
                       s->alloc_bytes);
            continue;
        }
        gmx_hsite *d = &c->sites[id];
        *d = *s;
        d->frames = t->stacks.items[id].frames;
        d->id = id;
        c->order[c->norder++] = id;
    }
    *out = c;
    return GMX_OK;
}
