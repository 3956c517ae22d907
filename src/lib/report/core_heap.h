/* A core's heap (gomemdx/core.h) as the core report and the diagnose
 * report both show it. */
#ifndef GMX_REPORT_CORE_HEAP_H
#define GMX_REPORT_CORE_HEAP_H

#include <stdbool.h>

#include "gomemdx/core.h"
#include "util/buf.h"
#include "util/json.h"

/* The totals, the runtime's own counters beside them and the first rows
 * (most bytes first), each line after lead ("  " in text, "" in
 * Markdown, whose rows are a table). No heading. */
void gmx_core_heap_text(gmx_buf *b, const gmx_core_heap *h, unsigned rows, bool md, bool zh);
/* The heap as one JSON object value: totals, "runtime" and "by_type". */
void gmx_core_heap_json(gmx_json *j, const gmx_core_heap *h);

#endif
