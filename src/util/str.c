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

gmx_str gmx_str_trim_right(gmx_str s)
{
    while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t' || s.p[s.n - 1] == '\r' ||
                   s.p[s.n - 1] == '\n'))
        s.n--;
    return s;
}

gmx_str gmx_str_trim(gmx_str s)
{
    while (s.n && (s.p[0] == ' ' || s.p[0] == '\t' || s.p[0] == '\r' || s.p[0] == '\n')) {
        s.p++;
        s.n--;
    }
    return gmx_str_trim_right(s);
}

int gmx_str_cmp(gmx_str a, gmx_str b)
{
    size_t n = a.n < b.n ? a.n : b.n;
    int c = n ? memcmp(a.p, b.p, n) : 0;
    if (c)
        return c;
    return a.n < b.n ? -1 : a.n > b.n;
}

gmx_str gmx_path_base(gmx_str path)
{
    size_t slash = gmx_str_rfind_char(path, '/');
    return slash == SIZE_MAX ? path : gmx_str_sub(path, slash + 1, path.n);
}

static gmx_str drop_dot_slash(gmx_str p)
{
    while (p.n >= 2 && p.p[0] == '.' && p.p[1] == '/')
        p = gmx_str_sub(p, 2, p.n);
    return p;
}

/* Whether tail is the end of path, right after a '/'. */
static bool path_tail(gmx_str path, gmx_str tail)
{
    return path.n > tail.n && path.p[path.n - tail.n - 1] == '/' &&
           memcmp(path.p + path.n - tail.n, tail.p, tail.n) == 0;
}

bool gmx_path_same(gmx_str a, gmx_str b)
{
    a = drop_dot_slash(a);
    b = drop_dot_slash(b);
    if (gmx_str_eq(a, b))
        return true;
    if (!a.n || !b.n)
        return false;
    return path_tail(a, b) || path_tail(b, a);
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Compares the digit runs at *pa and *pb as numbers and moves past them. */
static int number_cmp(const char **pa, const char **pb)
{
    const char *a = *pa, *b = *pb;
    while (*a == '0' && is_digit(a[1]))
        a++;
    while (*b == '0' && is_digit(b[1]))
        b++;
    size_t na = 0, nb = 0;
    while (is_digit(a[na]))
        na++;
    while (is_digit(b[nb]))
        nb++;
    int c = na != nb ? (na < nb ? -1 : 1) : memcmp(a, b, na);
    *pa = a + na;
    *pb = b + nb;
    return c;
}

int gmx_natural_cmp(const char *a, const char *b)
{
    const char *x = a, *y = b;
    while (*x && *y) {
        if (is_digit(*x) && is_digit(*y)) {
            int c = number_cmp(&x, &y);
            if (c)
                return c;
        } else if (*x != *y) {
            return (unsigned char)*x < (unsigned char)*y ? -1 : 1;
        } else {
            x++;
            y++;
        }
    }
    if (*x || *y)
        return *x ? 1 : -1;
    return strcmp(a, b);
}

size_t gmx_utf8_put(char *out, uint32_t c)
{
    unsigned char *o = (unsigned char *)out;
    if (c < 0x80) {
        o[0] = (unsigned char)c;
        return 1;
    }
    if (c < 0x800) {
        o[0] = (unsigned char)(0xc0 | c >> 6);
        o[1] = (unsigned char)(0x80 | (c & 0x3f));
        return 2;
    }
    if (c < 0x10000) {
        o[0] = (unsigned char)(0xe0 | c >> 12);
        o[1] = (unsigned char)(0x80 | (c >> 6 & 0x3f));
        o[2] = (unsigned char)(0x80 | (c & 0x3f));
        return 3;
    }
    o[0] = (unsigned char)(0xf0 | c >> 18);
    o[1] = (unsigned char)(0x80 | (c >> 12 & 0x3f));
    o[2] = (unsigned char)(0x80 | (c >> 6 & 0x3f));
    o[3] = (unsigned char)(0x80 | (c & 0x3f));
    return 4;
}
