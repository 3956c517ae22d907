/* Pieces of the full-dump grammar shared by the dump parser and its sniffer. */
#ifndef GMX_PARSE_GDUMP_HEADER_H
#define GMX_PARSE_GDUMP_HEADER_H

#include <stdbool.h>

#include "gomemdx/goroutine.h"
#include "util/str.h"

/* Parses "goroutine N [...]:" (line already stripped of any prefix) into the
 * header fields of g: id, status, wait_minutes, flags, bubble, labels.
 * False when the line is not a goroutine header. */
bool gmx_gdump_parse_header(gmx_str line, gmx_goroutine *g);

/* The runtime's header or goleak's "[Goroutine N in state S, with F on top
 * of the stack:" (whose frames follow without a runtime header). */
bool gmx_gdump_parse_any_header(gmx_str line, gmx_goroutine *g);

/* Offset where a header starts in line (after a per-line prefix such as a
 * timestamp or syslog tag), or SIZE_MAX. */
size_t gmx_gdump_find_header(gmx_str line);

/* Reads what a header holds between its brackets ("chan receive, 5
 * minutes, locked to thread") into g's status, wait_minutes and flags. */
void gmx_gdump_parse_status(gmx_str content, gmx_goroutine *g);

/* Whether status is one the runtime prints in a header ("chan receive",
 * "select (no cases)", "GC worker (idle)"), without the minutes and flags
 * after it. */
bool gmx_gdump_known_status(gmx_str status);

#endif
