/* The goroutine report's one-line summary. */
#ifndef GMX_ANALYZE_GSUMMARY_H
#define GMX_ANALYZE_GSUMMARY_H

#include "gomemdx/analyze.h"

#include <stdbool.h>
#include <stddef.h>

/* Sets out's summary (zh: the Chinese one) for the n snapshots, oldest
 * first, after out's findings were added: a single snapshot's goroutines
 * and stacks, or the rise or fall over them and the finding that carried
 * most of it. */
void gmx_gsummarise(gmx_findings *out, bool zh, const gmx_gsnapshot *snaps, size_t n);

#endif
