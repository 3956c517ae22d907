/* A read lock taken twice by one goroutine, behind a writer. sync.RWMutex
 * blocks a new RLock while a Lock waits, and the Lock waits for the readers
 * holding the lock: a goroutine past a function's RLock (it holds the read
 * lock) that waits in RLock again, in a callee or later in the function,
 * waits for the writer, which waits for it. The documentation says so: "a
 * blocked Lock call excludes new readers from acquiring the lock ... This
 * prohibits recursive read-locking" (https://pkg.go.dev/sync#RWMutex).
 * Every later RLock of the lock queues for good behind them: the pile at
 * the function's RLock is that deadlock, and the goroutines holding the
 * lock belong to its count. A dump names no lock, so the same function is
 * the tie: the holders' stacks pass through the function the queue waits
 * in, at another line than its RLock. */
#ifndef GMX_ANALYZE_GRLOCK_H
#define GMX_ANALYZE_GRLOCK_H

#include "analyze/glockorder.h"
#include "gomemdx/findings.h"

typedef struct gmx_rlock_reentry {
    size_t queue;   /* the waiters (of those given) queued at a function's RLock */
    size_t holder;  /* one past it, waiting in RLock again */
    uint32_t held_at; /* the line of the queue's function the holder is at */
} gmx_rlock_reentry;

/* Whether a goroutine of set waits in sync.(*RWMutex).Lock: without a
 * writer waiting, an RLock does not block. */
bool gmx_rlock_writer_waits(const gmx_gbuckets *set);

/* The holders among the waiters (of one dump), each with its queue, at
 * most max; how many. None unless a writer waits (writer_waits). */
size_t gmx_rlock_reentries(const gmx_lock_waiter *w, size_t n, bool writer_waits,
                           gmx_rlock_reentry *out, size_t max);

/* Names each such deadlock in the findings: the queue's finding (of
 * waiter_finding, one per waiter) counts its holders, is critical and says
 * why; the holders' own findings, folded into it, are listed in folded (at
 * most max) for the caller to drop. How many. */
size_t gmx_rlock_name(gmx_findings *out, const gmx_gbuckets *last, const gmx_lock_waiter *waiters,
                      gmx_finding *const *waiter_finding, size_t nwaiters,
                      const gmx_finding **folded, size_t max);

#endif
