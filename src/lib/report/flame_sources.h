/* Flame graphs built from the models the commands hold: goroutine buckets,
 * heap snapshots, pprof profiles. Each makes a new flame (gmx_flame_free);
 * the first two return NULL when out of memory. */
#ifndef GMX_REPORT_FLAME_SOURCES_H
#define GMX_REPORT_FLAME_SOURCES_H

#include "gomemdx/findings.h"
#include "gomemdx/gbuckets.h"
#include "gomemdx/heap.h"
#include "gomemdx/profile.h"
#include "report/flame.h"

/* The buckets of one snapshot, the ones f's findings name marked. f may be
 * NULL. */
gmx_flame *gmx_flame_of_goroutines(const gmx_gbuckets *set, const gmx_findings *f);

/* In-use bytes per allocation stack of last; with first, what each stack
 * grew by since first (stacks that shrank are left out). */
gmx_flame *gmx_flame_of_heap(const gmx_hsnapshot *first, const gmx_hsnapshot *last);

/* The sample values of p at sample_index, minus base's when given (pprof
 * -base), into *out; stacks whose sum is not positive are left out.
 * GMX_EUSAGE for a sample index p does not have, GMX_ENOMEM. */
gmx_code gmx_flame_of_profile(const gmx_profile *p, const gmx_profile *base, int sample_index,
                              gmx_flame **out, gmx_error *err);

#endif
