/* Who started a bucket's goroutines, and whether it is still there waiting
 * for them: a fan-out that its callers wait on (scatter-gather, a
 * WaitGroup per request) holds at most what each call started, however
 * many goroutines are in flight at once. */
#ifndef GMX_ANALYZE_GSPAWNER_H
#define GMX_ANALYZE_GSPAWNER_H

#include "gomemdx/gbuckets.h"

/* The function whose go statement started b's goroutines: the creator a
 * full dump records; without one (debug=1 text, protobuf profiles), for a
 * function literal started with `go func() {...}()` (`pkg.F.func1`, a
 * closure's name is the function it is written in), that function. */
bool gmx_gspawner(const gmx_gbucket *b, gmx_str *fn);

/* What the goroutines of a set are doing, by function and by go statement:
 * built once, so that asking for every bucket of a dump stays linear in
 * its frames. */
typedef struct gmx_gspawner_index gmx_gspawner_index;

gmx_gspawner_index *gmx_gspawner_index_new(const gmx_gbuckets *set); /* NULL: out of memory */
void gmx_gspawner_index_free(gmx_gspawner_index *ix);

/* Goroutines of the indexed set outside b whose stack runs through fn:
 * calls of the spawner that have not returned. */
uint64_t gmx_gspawner_calls(const gmx_gspawner_index *ix, const gmx_gbucket *b, gmx_str fn);

/* A fan-out throttled by a semaphore (`for each link { go check() }` where
 * check takes a slot with `sem <- struct{}{}`, then `wg.Wait()`): the calls
 * of fn parked in a WaitGroup's Wait, waiting for b's goroutines, while
 * goroutines of the same go statement outside b are not where b's are (they
 * hold the slots and make progress). 0 when either is missing: goroutines
 * that all wait on one another are no queue. */
uint64_t gmx_gspawner_throttled(const gmx_gspawner_index *ix, const gmx_gbucket *b, gmx_str fn);

/* Goroutines of the indexed set whose stack runs through fn and waits in a
 * listener's Accept above it: fn is an accept loop still accepting
 * (`for { c, _ := ln.Accept(); go serve(c) }`), and what it started serves
 * the connections it accepted. */
uint64_t gmx_gspawner_accepting(const gmx_gspawner_index *ix, gmx_str fn);

/* Goroutines of set started on the function b's goroutines were started on
 * (the bottom frame that is not the runtime's), in any state and from any
 * stack: a pool's workers, busy or idle. 0 when b's stack does not tell. */
uint64_t gmx_gspawner_same_entry(const gmx_gbuckets *set, const gmx_gbucket *b);

#endif
