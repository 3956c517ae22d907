/* A goroutine dump a structured logger wrote as one string.
 *
 * A service that logs its own goroutines (a watchdog, a slow-request hook,
 * `zap.String("goroutines", buf.String())`) writes the dump into one JSON
 * string: its line ends become "\n", its tabs "\t", and the whole dump one
 * line of the log. Copied from a log viewer, it arrives so. Such a line is
 * decoded back into the dump's lines (the tolerant reader serves them with
 * the line's number); the text before and after the string (the record's
 * other fields) becomes a line of its own at each end, read as any prose. */
#include "parse/gescaped.h"

#include <stdint.h>
#include <string.h>

/* Two escaped line ends at least: a dump is lines. A record of Docker's
 * json-file log holds one line of output and ends it with one "\n": read
 * as a log prefix, as it is (gxpeel.c). */
bool gmx_gescaped_line(gmx_str line)
{
    if (line.n < 6 || !memchr(line.p, '\\', line.n))
        return false;
    size_t first = gmx_str_find(line, "\\n");
    if (first == SIZE_MAX || gmx_str_find(gmx_str_sub(line, first + 2, line.n), "\\n") == SIZE_MAX)
        return false;
    return gmx_str_find(line, "]:\\n") != SIZE_MAX || gmx_str_find(line, "\\n\\t") != SIZE_MAX;
}

static int hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* n hex digits at p (all present), or -1. */
static long hex_at(const char *p, int n)
{
    long v = 0;
    for (int i = 0; i < n; i++) {
        int d = hex_digit(p[i]);
        if (d < 0)
            return -1;
        v = v << 4 | d;
    }
    return v;
}

/* "\uXXXX" at p (left bytes from p), a surrogate pair taken whole: the
 * code point and the bytes it took, or 0 when p holds none. A lone
 * surrogate is U+FFFD. UTF-8 of it never takes more bytes than its
 * escape: 6 for at most 3, 12 for 4. */
static size_t unicode_at(const char *p, size_t left, unsigned long *c)
{
    long hi = left >= 6 && p[0] == '\\' && p[1] == 'u' ? hex_at(p + 2, 4) : -1;
    if (hi < 0)
        return 0;
    *c = (unsigned long)hi;
    if (hi >= 0xd800 && hi < 0xdc00) {
        long lo = left >= 12 && p[6] == '\\' && p[7] == 'u' ? hex_at(p + 8, 4) : -1;
        if (lo >= 0xdc00 && lo < 0xe000) {
            *c = 0x10000 + ((unsigned long)(hi - 0xd800) << 10) + (unsigned long)(lo - 0xdc00);
            return 12;
        }
    }
    if (*c >= 0xd800 && *c < 0xe000)
        *c = 0xfffd;
    return 6;
}

size_t gmx_gescaped_decode(gmx_str line, char *out)
{
    size_t n = 0;
    for (size_t i = 0; i < line.n;) {
        char c = line.p[i];
        if (c != '\\' || i + 1 == line.n) {
            out[n++] = c;
            i++;
            continue;
        }
        char e = line.p[i + 1];
        unsigned long u;
        size_t took;
        long byte;
        switch (e) {
        case 'n': out[n++] = '\n'; i += 2; break;
        case 't': out[n++] = '\t'; i += 2; break;
        case 'r': i += 2; break;
        case '"': case '\\': case '/': out[n++] = e; i += 2; break;
        case 'u':
            if ((took = unicode_at(line.p + i, line.n - i, &u))) {
                n += gmx_utf8_put(out + n, (uint32_t)u);
                i += took;
            } else {
                out[n++] = c;
                i++;
            }
            break;
        case 'x':
            if (i + 4 <= line.n && (byte = hex_at(line.p + i + 2, 2)) >= 0) {
                out[n++] = (char)byte;
                i += 4;
            } else {
                out[n++] = c;
                i++;
            }
            break;
        default: out[n++] = c; i++; break;
        }
    }
    return n;
}
