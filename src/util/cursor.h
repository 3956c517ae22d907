/* The line scanner every text parser uses: walks (data, len) line by line
 * with memchr, never past the end, counting lines. A returned line excludes
 * its "\n" and a trailing "\r" (CRLF input). */
#ifndef GMX_UTIL_CURSOR_H
#define GMX_UTIL_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/str.h"

typedef struct gmx_cursor {
    const char *data;
    size_t len;
    size_t pos;        /* offset of the next unread byte */
    size_t line_start; /* offset of the line last returned */
    uint64_t line;     /* 1-based number of the line last returned; 0 before */
} gmx_cursor;

void gmx_cursor_init(gmx_cursor *c, const void *data, size_t len);
/* Next line into *line; false at the end of input. */
bool gmx_cursor_next(gmx_cursor *c, gmx_str *line);
/* The next line without consuming it. */
bool gmx_cursor_peek(const gmx_cursor *c, gmx_str *line);
static inline bool gmx_cursor_eof(const gmx_cursor *c)
{
    return c->pos >= c->len;
}

#endif
