#include "util/buf.h"
#include "util/alloc.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

void gmx_buf_init(gmx_buf *b, size_t max)
{
    memset(b, 0, sizeof(*b));
    b->max = max;
}

static size_t buf_max(const gmx_buf *b)
{
    return b->max ? b->max : GMX_BUF_DEFAULT_MAX;
}

int gmx_buf_reserve(gmx_buf *b, size_t extra)
{
    if (b->failed)
        return -1;
    size_t max = buf_max(b);
    if (extra > max || b->len > max - extra) {
        b->failed = 1;
        return -1;
    }
    size_t need = b->len + extra + 1; /* room for the NUL */
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    if (cap > max + 1)
        cap = max + 1;
    char *p = gmx_realloc(b->data, cap);
    if (!p) {
        b->failed = 1;
        return -1;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

int gmx_buf_grow_append(gmx_buf *b, const void *data, size_t n)
{
    if (gmx_buf_reserve(b, n) < 0)
        return -1;
    if (n)
        memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

/* Length of the well-formed UTF-8 sequence at s (at most n bytes) that is
 * not a C1 control, or 0. */
static size_t utf8_printable(const unsigned char *s, size_t n)
{
    size_t len = s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
    if (!len || len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0) ||
        (s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90))
        return 0; /* overlong, surrogate or past U+10FFFF */
    if (s[0] == 0xC2 && s[1] < 0xA0)
        return 0; /* U+0080..U+009F: C1 controls (CSI among them) */
    return len;
}

int gmx_buf_put_visible(gmx_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, run = 0;
    while (i < n) {
        size_t k = p[i] < 0x80 ? (p[i] >= 0x20 && p[i] != 0x7F) || p[i] == '\t'
                               : utf8_printable(p + i, n - i);
        if (k) {
            i += k;
            continue;
        }
        if (gmx_buf_append(b, s + run, i - run) < 0)
            return -1;
        char esc[4] = { '\\', 'x', hex[p[i] >> 4], hex[p[i] & 15] };
        if (gmx_buf_append(b, esc, 4) < 0)
            return -1;
        run = ++i;
    }
    return gmx_buf_append(b, s + run, n - run);
}

int gmx_buf_puts(gmx_buf *b, const char *s)
{
    return gmx_buf_append(b, s, strlen(s));
}

int gmx_buf_vprintf(gmx_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    char small[256];
    int n = vsnprintf(small, sizeof(small), fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        b->failed = 1;
        return -1;
    }
    if ((size_t)n < sizeof(small))
        return gmx_buf_append(b, small, (size_t)n);
    if (gmx_buf_reserve(b, (size_t)n) < 0)
        return -1;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int gmx_buf_printf(gmx_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = gmx_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

void gmx_buf_clear(gmx_buf *b)
{
    b->len = 0;
    b->failed = 0;
    if (b->data)
        b->data[0] = '\0';
}

void gmx_buf_release(gmx_buf *b)
{
    gmx_free(b->data);
    size_t max = b->max;
    memset(b, 0, sizeof(*b));
    b->max = max;
}

char *gmx_buf_detach(gmx_buf *b, size_t *len)
{
    char *d = b->data;
    if (len)
        *len = b->len;
    size_t max = b->max;
    memset(b, 0, sizeof(*b));
    b->max = max;
    return d;
}
