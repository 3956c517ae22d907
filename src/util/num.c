#include "util/num.h"

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
