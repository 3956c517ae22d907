/* The words of a goroutine bucket's finding: its title, in English and in
 * Chinese, saying what the goroutines do and where, and its state's numbers
 * (count, wait reason, minutes blocked). */
#ifndef GMX_ANALYZE_GFINDING_WORDS_H
#define GMX_ANALYZE_GFINDING_WORDS_H

#include "analyze/frames.h"
#include "analyze/gclassify.h"
#include "gomemdx/findings.h"

/* The title of b's finding, in English or (zh) Chinese: what its goroutines
 * do (with the cause when judged a leak) and at the site; the function they
 * were started on when no creator is recorded and it is another. */
gmx_str gmx_gfinding_title(gmx_findings *out, bool zh, gmx_category cat, const gmx_gbucket *b,
                           const gmx_goroot *root, const gmx_frame *site, bool has_site,
                           const gmx_gverdict *v, bool leak);

/* The bucket's count, wait reason and minutes blocked as fd's evidence. */
void gmx_gfinding_state(gmx_finding *fd, const gmx_gbucket *b);

#endif
