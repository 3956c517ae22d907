/* Wrapping text by display width, for terminal reports in English or
 * Chinese. UTF-8 in, no locale: East Asian wide characters (CJK, fullwidth
 * forms) take two columns, everything else one. */
#ifndef GMX_UTIL_WRAP_H
#define GMX_UTIL_WRAP_H

#include <stddef.h>

#include "util/buf.h"

/* The display width of n bytes of UTF-8 (a malformed byte counts one). */
size_t gmx_wrap_width(const char *s, size_t n);

/* Appends the NUL-terminated text to b, wrapped at width columns: the first
 * line goes on from column col, the next ones start with indent spaces.
 * Lines break at spaces (which are dropped there) and between two
 * characters when either is wide, never inside a run of narrow characters
 * (an ASCII word, a number, a code span); a line does not start with
 * closing punctuation (，。）…) nor end with opening punctuation (（“…).
 * A piece wider than a whole line overflows it. No final newline. */
void gmx_wrap(gmx_buf *b, const char *text, size_t col, size_t indent, size_t width);

#endif
