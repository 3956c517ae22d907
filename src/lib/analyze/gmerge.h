/* One goroutine picture out of two kinds of snapshot of the same moment:
 * a debug=1 profile (or a protobuf one) counts goroutines per stack but
 * records no wait reason, creator or minutes blocked; a debug=2 dump taken
 * with it records all three. The same leak should read the same whatever
 * mix of artifacts a folder holds. */
#ifndef GMX_ANALYZE_GMERGE_H
#define GMX_ANALYZE_GMERGE_H

#include "gomemdx/gbuckets.h"

/* A new bucket set (the caller's to free) holding base's buckets with their
 * counts and frames, each told what other's bucket of the same stack knows
 * and base's does not: the creator, the wait reasons with their counts,
 * the minutes blocked (median and longest), the leak-checker and leak
 * flags. Stacks are the same when their frames outside the runtime are
 * (function and line), so a profile's runtime frames do not keep them
 * apart. With creator_only, only the creator is told (for snapshots taken
 * before other: what a goroutine waits for and since when is of its
 * moment, who created it is of its code). *out is the new set, NULL when
 * no bucket of base learned anything; *learned (may be NULL) is the number
 * of buckets that did. GMX_OK or GMX_ENOMEM. */
gmx_code gmx_gbuckets_enrich(const gmx_gbuckets *base, const gmx_gbuckets *other,
                             bool creator_only, gmx_gbuckets **out, size_t *learned);

/* One snapshot's buckets keyed as above, to follow a stack along a series
 * whose snapshots are of different kinds: a SIGQUIT or crash traceback
 * prints the runtime frames a debug=2 dump leaves out, so the same
 * goroutines bucket apart. */
typedef struct gmx_gindex gmx_gindex;

/* NULL when out of memory. The index borrows set. */
gmx_gindex *gmx_gindex_new(const gmx_gbuckets *set);
void gmx_gindex_free(gmx_gindex *ix);

/* The bucket of ix's set with b's stack: the same frames, else the same
 * frames outside the runtime (and the same creator where both record one).
 * NULL when none. */
const gmx_gbucket *gmx_gindex_find(const gmx_gindex *ix, const gmx_gbucket *b);

#endif
