/* Stack text a reflow flattened into paragraphs (greflow.c). */
#ifndef GMX_PARSE_GREFLOW_H
#define GMX_PARSE_GREFLOW_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/* Writes data to out with each reflowed paragraph cut back into the
 * runtime's lines, padded with blank lines to its own line count. True when
 * a paragraph was rebuilt (a goroutine header came out of it); false leaves
 * out unspecified. */
bool gmx_greflow_rebuild(const char *data, size_t len, gmx_buf *out);

#endif
