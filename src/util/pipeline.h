/* An ordered pipeline: items worked on several threads, their results
 * merged on the calling thread in item order, so the merged result is the
 * same whatever the threads' timing and however many there are. */
#ifndef GMX_UTIL_PIPELINE_H
#define GMX_UTIL_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct gmx_pipeline {
    size_t n;                           /* items 0 .. n-1 */
    unsigned threads;                   /* workers; 0 = the online CPUs; 1 = no thread */
    size_t window;                      /* items worked ahead of the merge; 0 = 2 per thread */
    void (*work)(void *ctx, size_t i);  /* on a worker: must touch only item i */
    bool (*merge)(void *ctx, size_t i); /* on the caller, i in order; false stops the run */
    void *ctx;
    /* Instead of work when set: also told which worker (0 .. workers-1,
     * see gmx_pipeline_workers) runs the item, so that each worker can
     * reuse buffers of its own from one item to the next. */
    void (*work_on)(void *ctx, size_t i, unsigned worker);
} gmx_pipeline;

/* How many workers gmx_pipeline_run uses (at least 1; 1 = the caller). */
unsigned gmx_pipeline_workers(const gmx_pipeline *p);

/* Runs the pipeline. Returns false when a merge stopped it: items after
 * that one may have been worked (their results are the caller's to free)
 * but are never merged. When threads cannot be started, works every item
 * on the calling thread. */
bool gmx_pipeline_run(const gmx_pipeline *p);

/* The online CPUs (at least 1). */
unsigned gmx_cpu_count(void);

#endif
