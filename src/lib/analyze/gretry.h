/* A retry loop's goroutines caught in an attempt. A goroutine that retries
 * until its call succeeds (`for { if err := try(); err == nil { return };
 * time.Sleep(pause) }`) spends its life asleep between attempts: a dump
 * finds most of them at the loop's time.Sleep and a few in an attempt, in
 * a call the same function makes at another line (a request in flight).
 * They are the same goroutines, of the same go statement: when the pile
 * asleep is a surge (goroutines created faster than they finish), its
 * count takes the goroutines its go statement started whose stacks pass
 * through its function at another line, and their own findings fold into
 * it. */
#ifndef GMX_ANALYZE_GRETRY_H
#define GMX_ANALYZE_GRETRY_H

#include "gomemdx/findings.h"
#include "gomemdx/gbuckets.h"

/* Folds into each surge finding (of surges) asleep in time.Sleep at its
 * site the buckets of last in an attempt of its loop; their findings are
 * listed in folded (at most max, from nfolded on) for the caller to drop.
 * The new count of folded. */
size_t gmx_retry_fold(gmx_findings *out, const gmx_gbuckets *last, gmx_finding *const *surges,
                      size_t nsurges, const gmx_finding **folded, size_t nfolded, size_t max);

#endif
