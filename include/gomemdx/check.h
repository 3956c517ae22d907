/* The CI gate: compare two goroutine snapshots of one process and list the
 * buckets that appeared or grew, like goleak but for whole programs. */
#ifndef GOMEMDX_CHECK_H
#define GOMEMDX_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "gomemdx/analyze.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gmx_check_options {
    const char *const *ignore; /* extended regexes; a bucket any of whose functions
                                * (frames or creator) matches one is ignored */
    size_t nignore;
    uint64_t min_growth;       /* smallest rise reported; 0 = 1 */
    const gmx_signatures *signatures; /* NULL: the built-in catalogue */
} gmx_check_options;

/* Fills out with one finding per bucket of after that is new or larger than
 * in before, by at least min_growth goroutines, and is not a healthy
 * pattern (runtime workers, listeners, idle connections) or ignored. Each
 * finding's series is {before, after}. Returns GMX_EUSAGE for a bad regex. */
gmx_code gmx_check_goroutines(const gmx_gsnapshot *before, const gmx_gsnapshot *after,
                              const gmx_check_options *opts, gmx_findings *out,
                              gmx_error *err);

#ifdef __cplusplus
}
#endif

#endif
