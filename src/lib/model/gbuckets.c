/* Goroutine buckets. A stack is identified by a hash over the bytes of its
 * frames' function, file and line plus its creator; candidates with the same
 * hash are compared frame by frame, so two stacks are never merged by a
 * collision. Strings are interned into the set's arena. */
#include "gomemdx/gbuckets.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/hash.h"
#include "util/intern.h"

#include <stdlib.h>

enum { MAX_DISTINCT_MINUTES = 4096 };

typedef struct minute_count {
    uint32_t minutes;
    uint64_t count;
} minute_count;

typedef struct bucket {
    gmx_gbucket pub;
    uint64_t hash;
    gmx_gstate *states;
    uint32_t states_cap;
    gmx_glabel *labels;
    minute_count *minutes;  /* sorted by minutes */
    uint32_t nminutes, minutes_cap;
} bucket;

struct gmx_gbuckets {
    gmx_arena arena;
    gmx_interner strings;
    gmx_hindex index;
    bucket *buckets;
    size_t count, cap;
    uint64_t total, overflow;
    uint64_t max_buckets;
};

gmx_gbuckets *gmx_gbuckets_new(const gmx_gbuckets_limits *limits)
{
    gmx_gbuckets *set = gmx_calloc(1, sizeof(*set));
    if (!set)
        return NULL;
    uint64_t max_bytes = limits && limits->max_bytes ? limits->max_bytes : (uint64_t)1 << 30;
    gmx_arena_init(&set->arena, (size_t)max_bytes);
    gmx_interner_init(&set->strings, &set->arena);
    gmx_hindex_init(&set->index);
    set->max_buckets = limits && limits->max_buckets ? limits->max_buckets
                                                     : GMX_DEFAULT_MAX_BUCKETS;
    return set;
}

void gmx_gbuckets_free(gmx_gbuckets *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->count; i++) {
        gmx_free(set->buckets[i].states);
        gmx_free(set->buckets[i].labels);
        gmx_free(set->buckets[i].minutes);
    }
    gmx_free(set->buckets);
    gmx_hindex_release(&set->index);
    gmx_interner_release(&set->strings);
    gmx_arena_release(&set->arena);
    gmx_free(set);
}

/* File and line pick out a frame almost always (a closure on the same line
 * as its parent is the exception); candidates are compared in full anyway,
 * so the function name is left out of the hash to halve the hashing. */
static uint64_t hash_frame(uint64_t h, const gmx_frame *f)
{
    return gmx_hash_mix(h, gmx_hash_bytes(f->file.p, f->file.n, f->line));
}

static uint64_t hash_stack(const gmx_frame *frames, uint32_t n, bool has_creator,
                           const gmx_frame *creator)
{
    uint64_t h = n;
    for (uint32_t i = 0; i < n; i++)
        h = hash_frame(h, &frames[i]);
    return has_creator ? hash_frame(h, creator) : gmx_hash_mix(h, 0x5eed);
}

static bool frame_eq(const gmx_frame *a, const gmx_frame *b)
{
    /* Views may be {NULL, 0} (a frame without a file line): never hand
     * memcmp a NULL, even for zero bytes. */
    return a->line == b->line && a->func.n == b->func.n && a->file.n == b->file.n &&
           (!a->func.n || memcmp(a->func.p, b->func.p, a->func.n) == 0) &&
           (!a->file.n || memcmp(a->file.p, b->file.p, a->file.n) == 0);
}

static bool stack_eq(const gmx_gbucket *b, const gmx_frame *frames, uint32_t n,
                     bool has_creator, const gmx_frame *creator)
{
    if (b->nframes != n || b->has_creator != has_creator)
        return false;
    if (has_creator && !frame_eq(&b->creator, creator))
        return false;
    for (uint32_t i = 0; i < n; i++)
        if (!frame_eq(&b->frames[i], &frames[i]))
            return false;
    return true;
}

static bucket *find(const gmx_gbuckets *set, uint64_t h, const gmx_frame *frames, uint32_t n,
                    bool has_creator, const gmx_frame *creator)
{
    for (size_t slot = gmx_hindex_first(&set->index, h); slot != GMX_HINDEX_NONE;
         slot = gmx_hindex_next(&set->index, h, slot)) {
        bucket *b = &set->buckets[set->index.values[slot]];
        if (stack_eq(&b->pub, frames, n, has_creator, creator))
            return b;
    }
    return NULL;
}

static bool intern_frame(gmx_gbuckets *set, gmx_frame *dst, const gmx_frame *src)
{
    dst->func = gmx_intern(&set->strings, src->func);
    dst->file = gmx_intern(&set->strings, src->file);
    dst->line = src->line;
    return dst->func.p && dst->file.p;
}

/* A new, empty bucket for the stack; NULL when out of memory. */
static bucket *create(gmx_gbuckets *set, uint64_t h, const gmx_frame *frames, uint32_t n,
                      bool has_creator, const gmx_frame *creator)
{
    if (set->count == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 64;
        bucket *grown = gmx_reallocarray(set->buckets, cap, sizeof(*grown));
        if (!grown)
            return NULL;
        set->buckets = grown;
        set->cap = cap;
    }
    gmx_frame *copy = gmx_arena_calloc(&set->arena, n ? n : 1, sizeof(*copy));
    if (!copy)
        return NULL;
    for (uint32_t i = 0; i < n; i++)
        if (!intern_frame(set, &copy[i], &frames[i]))
            return NULL;
    bucket *b = &set->buckets[set->count];
    memset(b, 0, sizeof(*b));
    b->hash = h;
    b->pub.frames = copy;
    b->pub.nframes = n;
    b->pub.has_creator = has_creator;
    if (has_creator && !intern_frame(set, &b->pub.creator, creator))
        return NULL;
    b->pub.first_id = UINT64_MAX;
    if (gmx_hindex_insert(&set->index, h, (uint32_t)set->count) < 0)
        return NULL;
    set->count++;
    return b;
}

static int add_state(gmx_gbuckets *set, bucket *b, gmx_str status, uint64_t count)
{
    for (uint32_t i = 0; i < b->pub.nstates; i++) {
        if (gmx_str_eq(b->states[i].status, status)) {
            b->states[i].count += count;
            return 0;
        }
    }
    if (b->pub.nstates == b->states_cap) {
        uint32_t cap = b->states_cap ? b->states_cap * 2 : 2;
        gmx_gstate *grown = gmx_reallocarray(b->states, cap, sizeof(*grown));
        if (!grown)
            return GMX_ENOMEM;
        b->states = grown;
        b->states_cap = cap;
    }
    gmx_str s = gmx_intern(&set->strings, status);
    if (!s.p)
        return GMX_ENOMEM;
    b->states[b->pub.nstates++] = (gmx_gstate){ s, count };
    return 0;
}

static int add_label(gmx_gbuckets *set, bucket *b, gmx_str labels, uint64_t count)
{
    for (uint32_t i = 0; i < b->pub.nlabels; i++) {
        if (gmx_str_eq(b->labels[i].labels, labels)) {
            b->labels[i].count += count;
            return 0;
        }
    }
    if (b->pub.nlabels >= GMX_BUCKET_MAX_LABELS)
        return 0; /* a bounded sample of label sets is what a report can show */
    if (!b->labels) {
        b->labels = gmx_calloc(GMX_BUCKET_MAX_LABELS, sizeof(*b->labels));
        if (!b->labels)
            return GMX_ENOMEM;
    }
    gmx_str s = gmx_intern(&set->strings, labels);
    if (!s.p)
        return GMX_ENOMEM;
    b->labels[b->pub.nlabels++] = (gmx_glabel){ s, count };
    return 0;
}

static int add_minutes(bucket *b, uint32_t minutes, uint64_t count)
{
    uint32_t lo = 0, hi = b->nminutes;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (b->minutes[mid].minutes < minutes)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < b->nminutes && b->minutes[lo].minutes == minutes) {
        b->minutes[lo].count += count;
        return 0;
    }
    if (b->nminutes >= MAX_DISTINCT_MINUTES) {
        /* Fold into the nearest kept value: medians stay close enough. */
        b->minutes[lo < b->nminutes ? lo : b->nminutes - 1].count += count;
        return 0;
    }
    if (b->nminutes == b->minutes_cap) {
        uint32_t cap = b->minutes_cap ? b->minutes_cap * 2 : 4;
        minute_count *grown = gmx_reallocarray(b->minutes, cap, sizeof(*grown));
        if (!grown)
            return GMX_ENOMEM;
        b->minutes = grown;
        b->minutes_cap = cap;
    }
    memmove(&b->minutes[lo + 1], &b->minutes[lo], (b->nminutes - lo) * sizeof(*b->minutes));
    b->minutes[lo] = (minute_count){ minutes, count };
    b->nminutes++;
    return 0;
}

int gmx_gbuckets_add(void *ctx, const gmx_goroutine *g)
{
    gmx_gbuckets *set = ctx;
    uint64_t h = hash_stack(g->frames, g->nframes, g->has_creator, &g->creator);
    bucket *b = find(set, h, g->frames, g->nframes, g->has_creator, &g->creator);
    uint64_t n = g->count ? g->count : 1;
    set->total += n;
    if (!b) {
        if (set->count >= set->max_buckets) {
            set->overflow += n;
            return 0;
        }
        b = create(set, h, g->frames, g->nframes, g->has_creator, &g->creator);
        if (!b)
            return GMX_ENOMEM;
    }
    b->pub.count += n;
    b->pub.flags |= g->flags;
    if (g->flags & GMX_G_LEAKED)
        b->pub.leaked += n;
    if (g->flags & GMX_G_LOCKED)
        b->pub.locked += n;
    if (g->id < b->pub.first_id)
        b->pub.first_id = g->id;
    int rc = add_state(set, b, g->status, n);
    if (!rc && g->labels.n)
        rc = add_label(set, b, g->labels, n);
    if (!rc)
        rc = add_minutes(b, g->wait_minutes, n);
    return rc;
}

gmx_code gmx_gbuckets_merge(gmx_gbuckets *dst, const gmx_gbuckets *src)
{
    dst->total += src->total;
    dst->overflow += src->overflow;
    for (size_t i = 0; i < src->count; i++) {
        const bucket *s = &src->buckets[i];
        const gmx_gbucket *p = &s->pub;
        bucket *b = find(dst, s->hash, p->frames, p->nframes, p->has_creator, &p->creator);
        if (!b) {
            if (dst->count >= dst->max_buckets) {
                dst->overflow += p->count;
                continue;
            }
            b = create(dst, s->hash, p->frames, p->nframes, p->has_creator, &p->creator);
            if (!b)
                return GMX_ENOMEM;
        }
        b->pub.count += p->count;
        b->pub.flags |= p->flags;
        b->pub.leaked += p->leaked;
        b->pub.locked += p->locked;
        if (p->first_id < b->pub.first_id)
            b->pub.first_id = p->first_id;
        for (uint32_t k = 0; k < p->nstates; k++)
            if (add_state(dst, b, s->states[k].status, s->states[k].count))
                return GMX_ENOMEM;
        for (uint32_t k = 0; k < p->nlabels; k++)
            if (add_label(dst, b, s->labels[k].labels, s->labels[k].count))
                return GMX_ENOMEM;
        for (uint32_t k = 0; k < s->nminutes; k++)
            if (add_minutes(b, s->minutes[k].minutes, s->minutes[k].count))
                return GMX_ENOMEM;
    }
    return GMX_OK;
}

static int by_count_then_status(const void *a, const void *b)
{
    const gmx_gstate *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return gmx_str_cmp(x->status, y->status);
}

static int by_count_then_labels(const void *a, const void *b)
{
    const gmx_glabel *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return gmx_str_cmp(x->labels, y->labels);
}

gmx_code gmx_gbuckets_finish(gmx_gbuckets *set)
{
    for (size_t i = 0; i < set->count; i++) {
        bucket *b = &set->buckets[i];
        qsort(b->states, b->pub.nstates, sizeof(*b->states), by_count_then_status);
        if (b->pub.nlabels)
            qsort(b->labels, b->pub.nlabels, sizeof(*b->labels), by_count_then_labels);
        b->pub.states = b->states;
        b->pub.labels = b->labels;
        if (b->nminutes) {
            b->pub.wait_min = b->minutes[0].minutes;
            b->pub.wait_max = b->minutes[b->nminutes - 1].minutes;
            uint64_t half = (b->pub.count + 1) / 2, seen = 0;
            for (uint32_t k = 0; k < b->nminutes; k++) {
                seen += b->minutes[k].count;
                if (seen >= half) {
                    b->pub.wait_median = b->minutes[k].minutes;
                    break;
                }
            }
        }
    }
    return GMX_OK;
}

size_t gmx_gbuckets_count(const gmx_gbuckets *set) { return set->count; }
uint64_t gmx_gbuckets_total(const gmx_gbuckets *set) { return set->total; }
uint64_t gmx_gbuckets_overflow(const gmx_gbuckets *set) { return set->overflow; }

const gmx_gbucket *gmx_gbuckets_at(const gmx_gbuckets *set, size_t i)
{
    return i < set->count ? &set->buckets[i].pub : NULL;
}

const gmx_gbucket *gmx_gbuckets_find(const gmx_gbuckets *set, const gmx_gbucket *b)
{
    uint64_t h = hash_stack(b->frames, b->nframes, b->has_creator, &b->creator);
    const bucket *found = find(set, h, b->frames, b->nframes, b->has_creator, &b->creator);
    return found ? &found->pub : NULL;
}
