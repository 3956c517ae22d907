/* A heap profile's debug=1 text as people paste it (heaptext_paste.c). */
#ifndef GMX_PARSE_HEAPTEXT_PASTE_H
#define GMX_PARSE_HEAPTEXT_PASTE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/* True when a line of the first 64 KiB of (data, len), once cleaned of what
 * pasting adds, is a heap profile's header ("heap profile: N: N [N: N] @"). */
bool gmx_heaptext_pasted_sniff(const char *data, size_t len);
/* True when the first 64 KiB of (data, len) hold a tab glyph (a page drew
 * the tabs of "#" lines): the runtime's text is ASCII. */
bool gmx_heaptext_glyphs(const char *data, size_t len);
/* True when the first 64 KiB of (data, len) hold a frame line whose "#"
 * was cut ("0x6ccf18  main.newRing+0x118  /src/main.go:41"). */
bool gmx_heaptext_hashless(const char *data, size_t len);
/* The first heap profile of (data, len) as the runtime wrote it, into out:
 * from its header, each line cleaned (quote markers, indentation, HTML tags
 * and entities, tab glyphs; a frame line's cut "#" put back), lines that are none of the profile's (prose,
 * fences) left out, up to a second header. *skipped counts the lines left
 * out. False when no header is found or out of memory. */
bool gmx_heaptext_unpaste(const char *data, size_t len, gmx_buf *out, size_t *skipped);

#endif
