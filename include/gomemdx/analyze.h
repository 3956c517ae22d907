/* Analyses: from models to findings. They never see file formats. */
#ifndef GOMEMDX_ANALYZE_H
#define GOMEMDX_ANALYZE_H

#include <stdbool.h>

#include "gomemdx/findings.h"
#include "gomemdx/gbuckets.h"
#include "gomemdx/goroutine.h"
#include "gomemdx/signatures.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One goroutine snapshot of a process: its buckets and what surrounded the
 * dump (a panic, a fatal error). */
typedef struct gmx_gsnapshot {
    const char *name;
    gmx_gbuckets *buckets;
    gmx_dump_info info;
    struct gmx_input *input;  /* what info's views point into, when owned */
    char *owned_name;         /* name's storage, when owned */
} gmx_gsnapshot;

typedef struct gmx_goroutine_options {
    bool include_healthy;   /* also report healthy and unremarkable buckets */
    const gmx_signatures *signatures; /* the catalogue to use; NULL: the built-in one */
} gmx_goroutine_options;

/* Classifies and ranks the goroutine buckets of snaps[n-1]; earlier
 * snapshots (oldest first) give growth, and buckets that were large before
 * and have drained are reported as surges, not leaks. opts may be NULL.
 * The findings borrow the snapshots' buckets and names: keep the snapshots
 * until the findings are freed. */
gmx_code gmx_analyze_goroutines(const gmx_gsnapshot *snaps, size_t n,
                                const gmx_goroutine_options *opts, gmx_findings *out,
                                gmx_error *err);

/* When snap is a panic or a fatal error, sets out's head (gmx_findings_head)
 * to its message and the site of the goroutine that raised it; true then.
 * gmx_analyze_goroutines does this for its last snapshot. */
bool gmx_analyze_crash(const gmx_gsnapshot *snap, gmx_findings *out);

#ifdef __cplusplus
}
#endif

#endif
