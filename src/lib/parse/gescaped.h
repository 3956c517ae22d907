/* A dump held in one line as a quoted string (gescaped.c). */
#ifndef GMX_PARSE_GESCAPED_H
#define GMX_PARSE_GESCAPED_H

#include <stdbool.h>
#include <stddef.h>

#include "util/str.h"

/* True when line holds stack text with its line ends escaped ("…]:\n…",
 * "…)\n\t/…"): a dump a structured logger wrote as one JSON string. */
bool gmx_gescaped_line(gmx_str line);
/* line with its escapes decoded (\n, \t, \", \\, \/, \uXXXX, \xHH; \r
 * dropped; any other kept as written) into out, which has room for
 * line.n bytes (decoding never lengthens). Returns the decoded length. */
size_t gmx_gescaped_decode(gmx_str line, char *out);

#endif
