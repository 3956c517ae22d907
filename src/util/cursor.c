#include "util/cursor.h"

#include <string.h>

void gmx_cursor_init(gmx_cursor *c, const void *data, size_t len)
{
    memset(c, 0, sizeof(*c));
    c->data = data;
    c->len = data ? len : 0;
}

static size_t line_at(const gmx_cursor *c, size_t pos, gmx_str *line)
{
    const char *start = c->data + pos;
    size_t left = c->len - pos;
    const char *nl = memchr(start, '\n', left);
    size_t n = nl ? (size_t)(nl - start) : left;
    size_t next = pos + n + (nl ? 1 : 0);
    if (n && start[n - 1] == '\r')
        n--;
    *line = gmx_str_make(start, n);
    return next;
}

bool gmx_cursor_next(gmx_cursor *c, gmx_str *line)
{
    if (c->pos >= c->len)
        return false;
    c->line_start = c->pos;
    c->pos = line_at(c, c->pos, line);
    c->line++;
    return true;
}

bool gmx_cursor_peek(const gmx_cursor *c, gmx_str *line)
{
    if (c->pos >= c->len)
        return false;
    line_at(c, c->pos, line);
    return true;
}
