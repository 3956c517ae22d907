/* Goroutine buckets: goroutines with the same stack (function, file and
 * line of every frame, and the same creator) grouped together, ignoring ids,
 * argument words and pc offsets. A bucket set holds one snapshot of one
 * process; its memory grows with the number of distinct stacks, not with the
 * number of goroutines. */
#ifndef GOMEMDX_GBUCKETS_H
#define GOMEMDX_GBUCKETS_H

#include <stdbool.h>
#include <stdint.h>

#include "gomemdx/error.h"
#include "gomemdx/goroutine.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gmx_gstate {
    gmx_str status;          /* "chan receive", "sync.Mutex.Lock", "running", ... */
    uint64_t count;
} gmx_gstate;

typedef struct gmx_glabel {
    gmx_str labels;          /* raw label text as printed; empty = no labels */
    uint64_t count;
} gmx_glabel;

typedef struct gmx_gbucket {
    const gmx_frame *frames; /* innermost first; strings live in the set */
    uint32_t nframes;
    bool has_creator;
    gmx_frame creator;
    uint64_t count;
    const gmx_gstate *states;  /* most frequent first, ties by name */
    uint32_t nstates;
    const gmx_glabel *labels;  /* most frequent first; at most GMX_BUCKET_MAX_LABELS */
    uint32_t nlabels;
    uint32_t wait_min, wait_median, wait_max; /* minutes blocked ("N minutes") */
    uint64_t leaked;         /* goroutines marked " (leaked)" */
    uint64_t locked;         /* goroutines locked to a thread */
    uint32_t flags;          /* union of gmx_goroutine_flags of its goroutines */
    uint64_t first_id;       /* the lowest goroutine id in the bucket */
    uint64_t last_id;        /* the highest (ids tell goroutines started together) */
    uint64_t stack_bytes, heap_bytes; /* summed over its goroutines (a core's) */
} gmx_gbucket;

#define GMX_BUCKET_MAX_LABELS 16

typedef struct gmx_gbuckets gmx_gbuckets;

typedef struct gmx_gbuckets_limits {
    uint64_t max_buckets;    /* distinct stacks kept; 0 = GMX_DEFAULT_MAX_BUCKETS */
    uint64_t max_bytes;      /* memory for names and frames; 0 = 1 GiB */
} gmx_gbuckets_limits;

#define GMX_DEFAULT_MAX_BUCKETS 200000

/* limits may be NULL for the defaults. Returns NULL when out of memory. */
gmx_gbuckets *gmx_gbuckets_new(const gmx_gbuckets_limits *limits);
void gmx_gbuckets_free(gmx_gbuckets *set);

/* Adds one goroutine; has the gmx_goroutine_fn signature so it can be
 * passed straight to gmx_goroutine_dump_parse with the set as ctx. Returns
 * 0, or GMX_ENOMEM. Past max_buckets, goroutines of new stacks are counted
 * in gmx_gbuckets_overflow() instead of being grouped. */
int gmx_gbuckets_add(void *set, const gmx_goroutine *g);

/* Adds every bucket of src to dst (for parsing in parallel). */
gmx_code gmx_gbuckets_merge(gmx_gbuckets *dst, const gmx_gbuckets *src);

/* Sorts states and labels and computes wait statistics. Call once after the
 * last add or merge and before reading buckets. */
gmx_code gmx_gbuckets_finish(gmx_gbuckets *set);

size_t gmx_gbuckets_count(const gmx_gbuckets *set);
const gmx_gbucket *gmx_gbuckets_at(const gmx_gbuckets *set, size_t i);
uint64_t gmx_gbuckets_total(const gmx_gbuckets *set);
/* Goroutines not grouped because max_buckets was reached. */
uint64_t gmx_gbuckets_overflow(const gmx_gbuckets *set);

/* The bucket in set with the same stack and creator as b (from another set),
 * or NULL. */
const gmx_gbucket *gmx_gbuckets_find(const gmx_gbuckets *set, const gmx_gbucket *b);

/* Goroutines of no frame and no creator (a uniq -c of states, headers
 * pasted without stacks) are grouped by their state: the state a bucket of
 * them is keyed by, or an empty string for a bucket keyed by its stack. */
gmx_str gmx_gbucket_state_key(const gmx_gbucket *b);

#ifdef __cplusplus
}
#endif

#endif
