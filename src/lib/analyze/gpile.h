/* One pile of goroutines cut over several stacks. Goroutines waiting at the
 * same place (their first frame outside the runtime), in the same frame of
 * code outside the standard library with the same frames from there down,
 * started by the same go statement, are one pile whatever path through the
 * standard library lies between: encoding/csv writing a row by WriteString
 * or by WriteRune reaches io.(*pipe).write by two stacks, and a dump
 * buckets them apart. Judged apart, the small pieces of a leak read as
 * benign waits and the leak's count falls short. */
#ifndef GMX_ANALYZE_GPILE_H
#define GMX_ANALYZE_GPILE_H

#include "analyze/frames.h"
#include "gomemdx/findings.h"
#include "gomemdx/gbuckets.h"

typedef struct gmx_gpile {
    gmx_gbucket merged;           /* the lead's stack and creator, every member's goroutines */
    const gmx_gbucket **members;  /* the buckets of the set it spans, the lead (the largest) first */
    uint32_t nmembers;
} gmx_gpile;

typedef struct gmx_gpiles gmx_gpiles;

/* The piles of set that span two buckets or more; their merged buckets and
 * member lists are allocated in out (the findings that will point at them),
 * the index itself is the caller's to free. NULL when out of memory. */
gmx_gpiles *gmx_gpiles_of(const gmx_gbuckets *set, const gmx_goroot *root, gmx_findings *out);
void gmx_gpiles_free(gmx_gpiles *piles);

/* The pile b leads, or NULL; *member_only true when b is in a pile another
 * bucket leads (its goroutines are counted there). */
const gmx_gpile *gmx_gpile_of(const gmx_gpiles *piles, const gmx_gbucket *b, bool *member_only);

#endif
