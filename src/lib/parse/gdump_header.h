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

/* Offset of "goroutine " in line when what follows it parses as a header,
 * or SIZE_MAX. Used to find a per-line prefix (timestamps, syslog tags). */
size_t gmx_gdump_find_header(gmx_str line);

#endif
