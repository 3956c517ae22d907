#include "util/num.h"

#include <stdlib.h>
#include <string.h>

size_t gmx_scan_u64(gmx_str s, uint64_t *out)
{
    uint64_t v = 0;
    size_t i = 0;
    for (; i < s.n && s.p[i] >= '0' && s.p[i] <= '9'; i++) {
        unsigned d = (unsigned)(s.p[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return 0;
        v = v * 10 + d;
    }
    if (i)
        *out = v;
    return i;
}

bool gmx_parse_u64(gmx_str s, uint64_t *out)
{
    uint64_t v;
    if (s.n == 0 || gmx_scan_u64(s, &v) != s.n)
        return false;
    *out = v;
    return true;
}

bool gmx_parse_hex_u64(gmx_str s, uint64_t *out)
{
    if (s.n < 3 || s.p[0] != '0' || (s.p[1] != 'x' && s.p[1] != 'X') || s.n > 18)
        return false;
    uint64_t v = 0;
    for (size_t i = 2; i < s.n; i++) {
        char c = s.p[i];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else
            return false;
        v = v << 4 | d;
    }
    *out = v;
    return true;
}

bool gmx_parse_i64(gmx_str s, int64_t *out)
{
    bool neg = s.n && s.p[0] == '-';
    if (s.n && (s.p[0] == '-' || s.p[0] == '+'))
        s = gmx_str_sub(s, 1, s.n);
    uint64_t v;
    if (!gmx_parse_u64(s, &v) || v > (uint64_t)INT64_MAX + (neg ? 1 : 0))
        return false;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

/* Length of the run of decimal digits at s[i..]. */
static size_t digits_at(gmx_str s, size_t i)
{
    size_t n = 0;
    while (i + n < s.n && s.p[i + n] >= '0' && s.p[i + n] <= '9')
        n++;
    return n;
}

/* Checks the grammar first, so strtod sees only what we accept. */
static bool is_decimal_float(gmx_str s)
{
    size_t i = 0;
    if (i < s.n && (s.p[i] == '+' || s.p[i] == '-'))
        i++;
    size_t whole = digits_at(s, i), frac = 0;
    i += whole;
    if (i < s.n && s.p[i] == '.') {
        frac = digits_at(s, i + 1);
        i += 1 + frac;
    }
    if (whole + frac == 0)
        return false;
    if (i < s.n && (s.p[i] == 'e' || s.p[i] == 'E')) {
        i++;
        if (i < s.n && (s.p[i] == '+' || s.p[i] == '-'))
            i++;
        size_t exp = digits_at(s, i);
        if (!exp)
            return false;
        i += exp;
    }
    return i == s.n;
}

bool gmx_parse_f64(gmx_str s, double *out)
{
    char tmp[64];
    if (s.n == 0 || s.n >= sizeof(tmp) || !is_decimal_float(s))
        return false;
    memcpy(tmp, s.p, s.n);
    tmp[s.n] = '\0';
    *out = strtod(tmp, NULL);
    return true;
}
