/* MemStats against the heap profile: when the process's own account of its
 * heap climbs while the profile's sites stay flat, the profile is not
 * where to look, and saying so is a finding of its own. */
#ifndef GMX_ANALYZE_MEMGAP_H
#define GMX_ANALYZE_MEMGAP_H

#include "gomemdx/diagnose.h"
#include "gomemdx/findings.h"

/* Adds a finding to out when memstats (MemStats HeapInuse per snapshot)
 * rose by half again and at least 32 MiB from its first point to its last
 * while heap (the profile's in-use total) rose by a tenth or less: a heap
 * profile is as of the last completed GC and sampled, MemStats is of the
 * moment. No finding with fewer than two points in either. GMX_ENOMEM when
 * the finding cannot be added. */
gmx_code gmx_memstats_vs_profile(const gmx_series *memstats, const gmx_series *heap,
                                 gmx_findings *out);

#endif
