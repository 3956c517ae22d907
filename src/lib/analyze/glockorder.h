/* A lock-order deadlock read from one dump: two locks taken in opposite
 * orders, each held by a goroutine waiting for the other's. A dump names no
 * lock's holder, but a function's Lock calls show in its waiters' stacks:
 * goroutines waiting at a later Lock of a function, past an earlier one of
 * it where others wait, hold the lock of the earlier call when they have
 * waited the longest, a minute or more (a lock released between the two
 * calls would have let the queue at the earlier one through). Two or more
 * of them, in one function (`move(from, to)` locking from, then to) or in
 * several (A then B, B then A), wait for locks the others hold: a cycle,
 * with everything queued at the earlier Locks behind it. Wait minutes are
 * needed, so only debug=2 dumps and tracebacks tell. */
#ifndef GMX_ANALYZE_GLOCKORDER_H
#define GMX_ANALYZE_GLOCKORDER_H

#include "gomemdx/findings.h"
#include "gomemdx/gbuckets.h"

/* Goroutines waiting for a sync lock: a bucket judged mutex-held and the
 * Lock call in application code it waits at. */
typedef struct gmx_lock_waiter {
    const gmx_gbucket *bucket;
    gmx_site site;
} gmx_lock_waiter;

typedef struct gmx_lock_side {
    size_t waiter;         /* which of the waiters given */
    bool in_cycle;         /* waits at the later Lock, holding the earlier's lock */
    gmx_site other;        /* the function's other Lock: the later one for a queue,
                            * the earlier (the lock held) for the cycle */
    uint64_t other_count;  /* goroutines waiting there */
    uint32_t cycle_wait;   /* minutes the cycle's goroutines have waited, at most */
} gmx_lock_side;

/* The waiters (of one dump) a lock-order deadlock explains, into sides (at
 * most max); how many, 0 when they show none. */
size_t gmx_lock_order(const gmx_lock_waiter *w, size_t n, gmx_lock_side *sides, size_t max);

/* A lock-order inversion told by types: a goroutine waits for a lock in a
 * method of one type with a method of another below it on its stack (that
 * method holding its own object's lock as it called out), and another
 * waits in a method of the second type with one of the first below it.
 * Each holds, by type, what the other waits for: two objects locked in
 * opposite orders (fzf 019bfc4e: Terminal.exit, holding the terminal,
 * calls EventBox.Set; EventBox.Wait, holding the box, calls
 * Terminal.Input). Only pointer receivers ("pkg.(*T).m") name a type. */
typedef struct gmx_lock_cross {
    size_t waiter, other;   /* which of the waiters given, and its other side */
    gmx_str holder;         /* the function below waiter's site of other's type */
    gmx_str other_holder;   /* the function below other's site of waiter's type */
} gmx_lock_cross;

/* The crossings among the waiters, into out (at most max, each side once);
 * how many. */
size_t gmx_lock_crossings(const gmx_lock_waiter *w, size_t n, gmx_lock_cross *out, size_t max);

/* A lock re-entered by type: below waiter w's site, a method of *T waiting
 * in sync's Lock, a method of *T again, the outer call that may hold the
 * lock the inner one waits for (on the same object, a self-deadlock: sync's
 * locks are not reentrant). The outer frame's index in w's bucket, the
 * site's in *site_at; 0 when there is none. */
uint32_t gmx_lock_reentry(const gmx_lock_waiter *w, uint32_t *site_at);

#endif
