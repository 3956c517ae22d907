/* Suspects in one pasted `go tool pprof -top` table, when it is all there
 * is: no second profile, so no site can be seen to grow. */
#ifndef GMX_ANALYZE_PTOP_SUSPECTS_H
#define GMX_ANALYZE_PTOP_SUSPECTS_H

#include "gomemdx/findings.h"
#include "gomemdx/ptoptext.h"

/* Adds to out the table's largest sites outside the runtime, ranked by
 * what they reach (cum), each with a severity one snapshot can bear: a
 * share of the in-use heap or of the goroutines is a suspect worth a
 * warning, never proof of growth; allocations since start (alloc_space)
 * are churn, a warning only at a published leak mechanism (timers).
 * GMX_ENOMEM when a finding cannot be added. */
gmx_code gmx_ptop_suspects(const gmx_ptop_info *t, gmx_findings *out);

#endif
