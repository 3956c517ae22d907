/* Classifying one goroutine bucket by the runbook's causes, from its wait
 * reason and its frames, across Go versions. */
#ifndef GMX_ANALYZE_GCLASSIFY_H
#define GMX_ANALYZE_GCLASSIFY_H

#include "analyze/frames.h"
#include "gomemdx/findings.h"
#include "gomemdx/signatures.h"

typedef struct gmx_gverdict {
    gmx_category category;  /* GMX_CAT_NONE when not a suspect */
    const char *healthy;    /* the healthy pattern recognised, or NULL */
    const char *healthy_zh; /* the same in Chinese */
    bool active;            /* working, not blocked (running, sleeping, I/O): a surge candidate */
    bool unknown_wait;      /* parked in user code; the format did not record why */
    const gmx_signature *signature; /* the catalogue entry that decided, or NULL */
} gmx_gverdict;

/* The bucket's dominant status, or the one its frames imply when the format
 * does not record it (debug=1, protobuf); empty when neither tells. */
gmx_str gmx_gstatus(const gmx_gbucket *b);

/* The runtime's own wait reasons are judged here in code; stacks whose
 * meaning is published (leak mechanisms, long-lived goroutines by design)
 * come from the signature catalogue sigs (may be NULL). picked: b was pasted
 * on its own out of its capture as the suspect (gmx_signatures_match). */
gmx_gverdict gmx_gclassify(const gmx_gbucket *b, const gmx_goroot *root, const gmx_signatures *sigs,
                           bool picked);

/* The frame to fix in the bucket's stack (gmx_frames_site). */
bool gmx_gsite(const gmx_gbucket *b, const gmx_goroot *root, gmx_frame *site, bool *mechanism);

#endif
