#include "util/fmt.h"

#include <stdio.h>

gmx_count_text gmx_fmt_count_text(uint64_t v)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    gmx_count_text t;
    size_t k = 0;
    for (int i = n - 1; i >= 0; i--) {
        t.s[k++] = digits[i];
        if (i && i % 3 == 0)
            t.s[k++] = ',';
    }
    t.s[k] = '\0';
    return t;
}

void gmx_fmt_count(gmx_buf *b, uint64_t v)
{
    gmx_buf_puts(b, gmx_fmt_count_text(v).s);
}

void gmx_fmt_delta(gmx_buf *b, int64_t v)
{
    if (v > 0)
        gmx_buf_putc(b, '+');
    else if (v < 0)
        gmx_buf_putc(b, '-');
    gmx_fmt_count(b, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v);
}

gmx_bytes_text gmx_fmt_bytes_text(uint64_t v)
{
    static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
    gmx_bytes_text t;
    if (v < 1024) {
        snprintf(t.s, sizeof(t.s), "%llu B", (unsigned long long)v);
        return t;
    }
    double x = (double)v;
    int u = -1;
    while (x >= 1024 && u < 5) {
        x /= 1024;
        u++;
    }
    snprintf(t.s, sizeof(t.s), "%.1f %s", x, units[u]);
    return t;
}

void gmx_fmt_bytes(gmx_buf *b, uint64_t v)
{
    gmx_buf_puts(b, gmx_fmt_bytes_text(v).s);
}

void gmx_fmt_duration(gmx_buf *b, double seconds, bool zh)
{
    if (seconds < 60)
        gmx_buf_printf(b, "%.0f s", seconds);
    else if (seconds < 7200)
        gmx_buf_printf(b, "%.0f min", seconds / 60);
    else if (seconds < 172800)
        gmx_buf_printf(b, "%.1f h", seconds / 3600);
    else
        gmx_buf_printf(b, zh ? "%.1f 天" : "%.1f days", seconds / 86400);
}
