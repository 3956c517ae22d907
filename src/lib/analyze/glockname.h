/* Lock-order deadlocks and locks re-entered, said on the findings of the
 * lock waiters that show them (glockorder.h finds them). */
#ifndef GMX_ANALYZE_GLOCKNAME_H
#define GMX_ANALYZE_GLOCKNAME_H

#include <stdbool.h>

#include "analyze/glockorder.h"

/* Rewrites the findings of waiters (fds[i] is waiters[i]'s) of the
 * snapshot whose buckets are last that a lock-order deadlock explains, by
 * function and line or by types crossed (critical in an excerpt or after a
 * minute's wait); says where a lock waited for may be held below on the
 * same stack (a warning in a whole capture where no other goroutine could
 * release it), and which goroutine runs a sync.Once's function that its
 * waiters queue behind. excerpt: a few bare pasted stacks (judge.h);
 * whole: the capture holds the goroutine that wrote it. */
void gmx_lock_name(gmx_findings *out, const gmx_gbuckets *last, const gmx_lock_waiter *waiters,
                   gmx_finding *const *fds, size_t n, bool excerpt, bool whole);

#endif
