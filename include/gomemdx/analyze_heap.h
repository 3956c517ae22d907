/* Heap analyses: from heap snapshots over time to findings. */
#ifndef GOMEMDX_ANALYZE_HEAP_H
#define GOMEMDX_ANALYZE_HEAP_H

#include "gomemdx/findings.h"
#include "gomemdx/heap.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Reports the allocation sites of snaps[n-1] whose in-use memory grows
 * steadily across snaps (oldest first; two or more), with their rate and
 * share of the growth, classified as timer-leak, alloc-spike, map-growth,
 * slice-retention or heap-growth; and sites doing a burst of allocation.
 * With fewer than two snapshots there is nothing to compare: no finding.
 * The findings borrow the snapshots' frames: keep them until freed. */
gmx_code gmx_analyze_heap(const gmx_hsnapshot *const *snaps, size_t n, gmx_findings *out,
                          gmx_error *err);
/* The same, told the MemStats fetched with each snapshot (a debug=1
 * profile's, or a /debug/vars one of the same GC; NULL or not present when
 * unknown), whose exact heap says whether a site's sampled rise is real
 * when the profile's samples are few. With stats NULL, the snapshots' own
 * MemStats are used. */
gmx_code gmx_analyze_heap_exact(const gmx_hsnapshot *const *snaps, size_t n,
                                const gmx_memstats *const *stats, gmx_findings *out,
                                gmx_error *err);

#ifdef __cplusplus
}
#endif

#endif
