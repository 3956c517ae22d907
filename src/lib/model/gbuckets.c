/* Goroutine buckets: one per distinct stack (model/stacks), with the
 * states, labels and wait times of the goroutines in it. */
#include "gomemdx/gbuckets.h"
#include "model/stacks.h"
#include "util/alloc.h"

#include <stdlib.h>

/* Wait minutes are counted exactly below EXACT_MINUTES and in buckets of
 * 1/64 of an octave above, so a bucket holds at most ~6,000 distinct values
 * whatever the input, and the result does not depend on input order. The
 * minimum and maximum are kept exactly. */
enum { EXACT_MINUTES = 4096 };

typedef struct minute_count {
    uint32_t minutes;
    uint64_t count;
} minute_count;

typedef struct bucket {
    gmx_gbucket pub;
    gmx_gstate *states;
    uint32_t states_cap;
    gmx_glabel *labels;
    minute_count *minutes;  /* sorted by (quantised) minutes */
    uint32_t nminutes, minutes_cap;
    uint32_t min_minutes, max_minutes;
} bucket;

struct gmx_gbuckets {
    gmx_stacks stacks;      /* bucket i has stack i */
    bucket *buckets;
    size_t cap;
    uint64_t total, overflow;
    uint64_t max_buckets;
};

gmx_gbuckets *gmx_gbuckets_new(const gmx_gbuckets_limits *limits)
{
    gmx_gbuckets *set = gmx_calloc(1, sizeof(*set));
    if (!set)
        return NULL;
    uint64_t max_bytes = limits && limits->max_bytes ? limits->max_bytes : (uint64_t)1 << 30;
    gmx_stacks_init(&set->stacks, (size_t)max_bytes);
    set->max_buckets = limits && limits->max_buckets ? limits->max_buckets
                                                     : GMX_DEFAULT_MAX_BUCKETS;
    return set;
}

void gmx_gbuckets_free(gmx_gbuckets *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->stacks.count; i++) {
        gmx_free(set->buckets[i].states);
        gmx_free(set->buckets[i].labels);
        gmx_free(set->buckets[i].minutes);
    }
    gmx_free(set->buckets);
    gmx_stacks_release(&set->stacks);
    gmx_free(set);
}

/* Goroutines known by their state alone (a uniq -c of states, headers
 * pasted without their stacks) are one bucket per state: with no frame to
 * tell them apart, the state is what a reader groups them by. Their stack,
 * empty, is keyed by a hash of the state, so a stack table lookup of the
 * empty stack never meets them. */
static bool keyed_by_state(uint32_t n, const gmx_frame *creator, gmx_str status)
{
    return n == 0 && !creator && status.n;
}

static uint64_t state_hash(gmx_str status)
{
    return gmx_hash_mix(gmx_stacks_hash(NULL, 0, NULL), gmx_hash_bytes(status.p, status.n, 11));
}

/* The state a bucket of no frame and no creator is keyed by (states: its
 * states, sorted or not), or an empty string. */
static gmx_str state_key(const gmx_gbucket *b, const gmx_gstate *states)
{
    gmx_str none = { NULL, 0 };
    if (b->nframes || b->has_creator || b->nstates != 1)
        return none;
    return states[0].status;
}

/* The index of the bucket keyed by the stack (and by status when
 * keyed_by_state), or SIZE_MAX; *h the hash to add it with. Two states
 * whose hashes collide share the empty stack's own bucket. */
static size_t find_bucket(const gmx_gbuckets *set, const gmx_frame *frames, uint32_t n,
                          const gmx_frame *creator, gmx_str status, uint64_t *h)
{
    if (keyed_by_state(n, creator, status)) {
        *h = state_hash(status);
        size_t i = gmx_stacks_find_hashed(&set->stacks, *h, frames, 0, NULL);
        if (i == SIZE_MAX)
            return i;
        const bucket *b = &set->buckets[i];
        if (b->pub.nstates && gmx_str_eq(b->states[0].status, status))
            return i;
    }
    *h = gmx_stacks_hash(frames, n, creator);
    return gmx_stacks_find_hashed(&set->stacks, *h, frames, n, creator);
}

/* The bucket for the stack, created when new; NULL when out of memory, or
 * (with *full set) when the set holds max_buckets already. */
static bucket *bucket_for(gmx_gbuckets *set, const gmx_frame *frames, uint32_t n,
                          const gmx_frame *creator, gmx_str status, bool *full)
{
    *full = false;
    uint64_t h;
    size_t i = find_bucket(set, frames, n, creator, status, &h);
    if (i != SIZE_MAX)
        return &set->buckets[i];
    if (set->stacks.count >= set->max_buckets) {
        *full = true;
        return NULL;
    }
    if (set->stacks.count == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 64;
        bucket *grown = gmx_reallocarray(set->buckets, cap, sizeof(*grown));
        if (!grown)
            return NULL;
        set->buckets = grown;
        set->cap = cap;
    }
    i = gmx_stacks_add_hashed(&set->stacks, h, frames, n, creator);
    if (i == SIZE_MAX)
        return NULL;
    bucket *b = &set->buckets[i];
    memset(b, 0, sizeof(*b));
    const gmx_stack *st = &set->stacks.items[i];
    b->pub.frames = st->frames;
    b->pub.nframes = st->nframes;
    b->pub.has_creator = st->has_creator;
    b->pub.creator = st->creator;
    b->pub.first_id = UINT64_MAX;
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
    gmx_str s = gmx_stacks_intern_str(&set->stacks, status);
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
    gmx_str s = gmx_stacks_intern_str(&set->stacks, labels);
    if (!s.p)
        return GMX_ENOMEM;
    b->labels[b->pub.nlabels++] = (gmx_glabel){ s, count };
    return 0;
}

static int add_quantised(bucket *b, uint32_t minutes, uint64_t count);
static void note_extremes(bucket *b, uint32_t lo, uint32_t hi);

static uint32_t quantise(uint32_t minutes)
{
    if (minutes < EXACT_MINUTES)
        return minutes;
    int top = 31 - __builtin_clz(minutes);
    int shift = top - 6;
    return minutes >> shift << shift;
}

static void note_extremes(bucket *b, uint32_t lo, uint32_t hi)
{
    if (!b->nminutes || lo < b->min_minutes)
        b->min_minutes = lo;
    if (!b->nminutes || hi > b->max_minutes)
        b->max_minutes = hi;
}

/* Counts an already quantised value. */
static int add_quantised(bucket *b, uint32_t minutes, uint64_t count)
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

static int add_minutes(bucket *b, uint32_t exact, uint64_t count)
{
    note_extremes(b, exact, exact);
    return add_quantised(b, quantise(exact), count);
}

int gmx_gbuckets_add(void *ctx, const gmx_goroutine *g)
{
    gmx_gbuckets *set = ctx;
    uint64_t n = g->count ? g->count : 1;
    bool full;
    bucket *b = bucket_for(set, g->frames, g->nframes, g->has_creator ? &g->creator : NULL,
                           g->status, &full);
    set->total += n;
    if (!b) {
        if (!full)
            return GMX_ENOMEM;
        set->overflow += n;
        return 0;
    }
    b->pub.count += n;
    b->pub.flags |= g->flags;
    if (g->flags & GMX_G_LEAKED)
        b->pub.leaked += n;
    if (g->flags & GMX_G_LOCKED)
        b->pub.locked += n;
    if (g->id < b->pub.first_id)
        b->pub.first_id = g->id;
    uint64_t last = g->last_id > g->id ? g->last_id : g->id;
    if (last > b->pub.last_id)
        b->pub.last_id = last;
    b->pub.stack_bytes += g->stack_bytes;
    b->pub.heap_bytes += g->heap_bytes;
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
    for (size_t i = 0; i < src->stacks.count; i++) {
        const bucket *s = &src->buckets[i];
        const gmx_gbucket *p = &s->pub;
        bool full;
        bucket *b = bucket_for(dst, p->frames, p->nframes, p->has_creator ? &p->creator : NULL,
                               state_key(p, s->states), &full);
        if (!b) {
            if (!full)
                return GMX_ENOMEM;
            dst->overflow += p->count;
            continue;
        }
        b->pub.count += p->count;
        b->pub.flags |= p->flags;
        b->pub.leaked += p->leaked;
        b->pub.locked += p->locked;
        if (p->first_id < b->pub.first_id)
            b->pub.first_id = p->first_id;
        if (p->last_id > b->pub.last_id)
            b->pub.last_id = p->last_id;
        b->pub.stack_bytes += p->stack_bytes;
        b->pub.heap_bytes += p->heap_bytes;
        for (uint32_t k = 0; k < p->nstates; k++)
            if (add_state(dst, b, s->states[k].status, s->states[k].count))
                return GMX_ENOMEM;
        for (uint32_t k = 0; k < p->nlabels; k++)
            if (add_label(dst, b, s->labels[k].labels, s->labels[k].count))
                return GMX_ENOMEM;
        if (s->nminutes)
            note_extremes(b, s->min_minutes, s->max_minutes);
        for (uint32_t k = 0; k < s->nminutes; k++)
            if (add_quantised(b, s->minutes[k].minutes, s->minutes[k].count))
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
    for (size_t i = 0; i < set->stacks.count; i++) {
        bucket *b = &set->buckets[i];
        qsort(b->states, b->pub.nstates, sizeof(*b->states), by_count_then_status);
        if (b->pub.nlabels)
            qsort(b->labels, b->pub.nlabels, sizeof(*b->labels), by_count_then_labels);
        b->pub.states = b->states;
        b->pub.labels = b->labels;
        if (b->nminutes) {
            b->pub.wait_min = b->min_minutes;
            b->pub.wait_max = b->max_minutes;
            uint64_t half = (b->pub.count + 1) / 2, seen = 0;
            for (uint32_t k = 0; k < b->nminutes; k++) {
                seen += b->minutes[k].count;
                if (seen >= half) {
                    /* A quantised value can fall below the exact minimum. */
                    uint32_t m = b->minutes[k].minutes;
                    b->pub.wait_median = m < b->min_minutes ? b->min_minutes : m;
                    break;
                }
            }
        }
    }
    return GMX_OK;
}

size_t gmx_gbuckets_count(const gmx_gbuckets *set) { return set->stacks.count; }
uint64_t gmx_gbuckets_total(const gmx_gbuckets *set) { return set->total; }
uint64_t gmx_gbuckets_overflow(const gmx_gbuckets *set) { return set->overflow; }

const gmx_gbucket *gmx_gbuckets_at(const gmx_gbuckets *set, size_t i)
{
    return i < set->stacks.count ? &set->buckets[i].pub : NULL;
}

const gmx_gbucket *gmx_gbuckets_find(const gmx_gbuckets *set, const gmx_gbucket *b)
{
    uint64_t h;
    size_t i = find_bucket(set, b->frames, b->nframes, b->has_creator ? &b->creator : NULL,
                           gmx_gbucket_state_key(b), &h);
    return i == SIZE_MAX ? NULL : &set->buckets[i].pub;
}

gmx_str gmx_gbucket_state_key(const gmx_gbucket *b)
{
    return state_key(b, b->states);
}
