#include "util/str.h"

#include <stdint.h>

size_t gmx_str_find(gmx_str hay, const char *needle)
{
    size_t n = strlen(needle);
    if (n == 0)
        return 0;
    if (n > hay.n)
        return SIZE_MAX;
    const char *end = hay.p + hay.n - n + 1;
    for (const char *p = hay.p; p < end;) {
        p = memchr(p, needle[0], (size_t)(end - p));
        if (!p)
            break;
        if (memcmp(p, needle, n) == 0)
            return (size_t)(p - hay.p);
        p++;
    }
    return SIZE_MAX;
}

size_t gmx_str_rfind_char(gmx_str s, char c)
{
    const char *p = memrchr(s.p, c, s.n);
    return p ? (size_t)(p - s.p) : SIZE_MAX;
}

gmx_str gmx_str_trim(gmx_str s)
{
    while (s.n && (s.p[0] == ' ' || s.p[0] == '\t' || s.p[0] == '\r' || s.p[0] == '\n')) {
        s.p++;
        s.n--;
    }
    while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t' || s.p[s.n - 1] == '\r' ||
                   s.p[s.n - 1] == '\n'))
        s.n--;
    return s;
}

int gmx_str_cmp(gmx_str a, gmx_str b)
{
    size_t n = a.n < b.n ? a.n : b.n;
    int c = n ? memcmp(a.p, b.p, n) : 0;
    if (c)
        return c;
    return a.n < b.n ? -1 : a.n > b.n;
}
