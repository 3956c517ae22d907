/* Lock-order deadlocks and locks re-entered, said on the findings of the
 * lock waiters that show them (glockorder.h finds them). */
#ifndef GMX_ANALYZE_GLOCKNAME_H
#define GMX_ANALYZE_GLOCKNAME_H

#include <stdbool.h>

#include "analyze/glockorder.h"

/* Rewrites the findings of waiters (fds[i] is waiters[i]'s) that a
 * lock-order deadlock explains, by function and line or by types crossed
 * (critical in an excerpt or after a minute's wait), and says where a
 * lock waited for may be held below on the same stack. */
void gmx_lock_name(gmx_findings *out, const gmx_lock_waiter *waiters, gmx_finding *const *fds, size_t n,
                   bool excerpt);

#endif
