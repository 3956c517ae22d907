/* Greedy line filling over pieces that may not be split: a run of narrow
 * characters (a word, a number), one wide character, or either glued to
 * the punctuation that may not begin or end a line next to it. */
#include "util/wrap.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* One code point of UTF-8 from the avail bytes at p (a NUL ends them too);
 * a malformed or cut byte is itself. */
static size_t decode(const unsigned char *p, size_t avail, uint32_t *cp)
{
    size_t len = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc0 ? 2 : 1;
    if (len > avail) {
        *cp = p[0];
        return 1;
    }
    uint32_t v = len == 1 ? p[0] : p[0] & (0x3f >> (len - 1));
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            *cp = p[0];
            return 1;
        }
        v = v << 6 | (p[i] & 0x3f);
    }
    *cp = v;
    return len;
}

/* East Asian Wide and Fullwidth, the ranges a report can meet. */
static bool wide(uint32_t c)
{
    return (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf && c != 0x303f) ||
           (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
           (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
           (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x20000 && c <= 0x3fffd);
}

static bool in(uint32_t c, const uint32_t *set, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (set[i] == c)
            return true;
    return false;
}

/* May not begin a line: ，。、；：！？）」』】》〉”’ and their ASCII kin. */
static bool closing(uint32_t c)
{
    static const uint32_t set[] = { 0xff0c, 0x3002, 0x3001, 0xff1b, 0xff1a, 0xff01, 0xff1f,
                                    0xff09, 0x300d, 0x300f, 0x3011, 0x300b, 0x3009, 0x201d,
                                    0x2019, ')', ']', '}', ',', '.', ';', ':', '!', '?' };
    return in(c, set, sizeof(set) / sizeof(set[0]));
}

/* May not end a line: （「『【《〈“‘ and their ASCII kin. */
static bool opening(uint32_t c)
{
    static const uint32_t set[] = { 0xff08, 0x300c, 0x300e, 0x3010, 0x300a, 0x3008, 0x201c,
                                    0x2018, '(', '[', '{' };
    return in(c, set, sizeof(set) / sizeof(set[0]));
}

static bool can_break(uint32_t before, uint32_t after)
{
    return (wide(before) || wide(after)) && !closing(after) && !opening(before);
}

size_t gmx_wrap_width(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n;) {
        uint32_t c;
        size_t len = decode((const unsigned char *)s + i, n - i, &c);
        w += wide(c) ? 2 : 1;
        i += len;
    }
    return w;
}

void gmx_wrap(gmx_buf *b, const char *text, size_t col, size_t indent, size_t width)
{
    size_t line_start = col;
    bool space = false;
    const unsigned char *p = (const unsigned char *)text;
    while (*p) {
        if (*p == ' ') {
            space = true;
            p++;
            continue;
        }
        const unsigned char *piece = p;
        size_t w = 0;
        uint32_t prev = 0;
        while (*p && *p != ' ') {
            uint32_t c;
            size_t len = decode(p, 4, &c);
            if (p > piece && can_break(prev, c))
                break;
            w += wide(c) ? 2 : 1;
            prev = c;
            p += len;
        }
        bool gap = space && col > line_start;
        if (col > line_start && col + gap + w > width) {
            gmx_buf_putc(b, '\n');
            for (size_t i = 0; i < indent; i++)
                gmx_buf_putc(b, ' ');
            col = line_start = indent;
        } else if (gap) {
            gmx_buf_putc(b, ' ');
            col++;
        }
        gmx_buf_append(b, piece, (size_t)(p - piece));
        col += w;
        space = false;
    }
}
