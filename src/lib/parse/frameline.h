/* The "#" frame lines that Go's debug=1 profile texts (goroutine, heap,
 * block, mutex) print under each record, columns aligned with tabs:
 *
 *   #	0x6b0ad9	main.(*quoteService).lookup+0x99	/go/src/quotes/main.go:60 */
#ifndef GMX_PARSE_FRAMELINE_H
#define GMX_PARSE_FRAMELINE_H

#include <stdbool.h>

#include "gomemdx/goroutine.h"

/* Fills *f with views into line: the function without its "+0x.." offset,
 * the file and the line number (0 when absent). False when the line holds
 * only a pc (an unsymbolised frame). line must start with '#'. */
bool gmx_parse_frame_line(gmx_str line, gmx_frame *f);

#endif
