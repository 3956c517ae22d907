/* Matching goroutine buckets against the signature catalogue. */
#ifndef GMX_ANALYZE_SIGMATCH_H
#define GMX_ANALYZE_SIGMATCH_H

#include "gomemdx/gbuckets.h"
#include "gomemdx/signatures.h"

/* The first entry of s that matches bucket b whose wait reason is status
 * (empty when unknown), or NULL. A leak entry applies only from its min
 * goroutines on, or from its min_reported when a leak checker reported b or
 * picked says b was pasted on its own out of its capture as the suspect.
 * s may be NULL. */
const gmx_signature *gmx_signatures_match(const gmx_signatures *s, const gmx_gbucket *b,
                                          gmx_str status, bool picked);
/* The innermost frame of b whose function the function field of sig (an
 * entry gmx_signatures_match returned) matches, or -1 when none does (a match
 * made on the creator alone). */
int64_t gmx_signatures_frame(const gmx_signature *sig, const gmx_gbucket *b);

#endif
