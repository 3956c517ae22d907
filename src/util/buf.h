/* A growable byte buffer with a hard maximum size, so that no input can make
 * it grow without bound. The contents are always NUL-terminated after a
 * successful append (the NUL is not counted in len). */
#ifndef GMX_UTIL_BUF_H
#define GMX_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

typedef struct gmx_buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max;  /* 0 = GMX_BUF_DEFAULT_MAX */
    int failed;  /* sticky: an append failed (out of memory or over max) */
} gmx_buf;

#define GMX_BUF_DEFAULT_MAX ((size_t)1 << 30)
#define GMX_BUF_INIT { NULL, 0, 0, 0, 0 }

void gmx_buf_init(gmx_buf *b, size_t max);
/* Each returns 0, or -1 and sets b->failed when out of memory or over max. */
int gmx_buf_reserve(gmx_buf *b, size_t extra);
/* gmx_buf_append when the bytes do not fit the memory held. */
int gmx_buf_grow_append(gmx_buf *b, const void *data, size_t n);
/* Inline while the bytes fit the memory held, as nearly all appends do (a
 * parser writes a line at a time); cap never exceeds max + 1, so what fits
 * is within max. */
static inline int gmx_buf_append(gmx_buf *b, const void *data, size_t n)
{
    if (!b->failed && n < b->cap - b->len) {
        if (n)
            memcpy(b->data + b->len, data, n);
        b->len += n;
        b->data[b->len] = '\0';
        return 0;
    }
    return gmx_buf_grow_append(b, data, n);
}
int gmx_buf_puts(gmx_buf *b, const char *s);
/* Appends n bytes of text from the input (a function name, a label, a
 * panic message) so that it cannot act on a terminal: control bytes other
 * than tab, DEL, C1 controls and bytes that are not UTF-8 are written as
 * \xNN. Every renderer puts input text through this. */
int gmx_buf_put_visible(gmx_buf *b, const char *s, size_t n);
static inline int gmx_buf_putc(gmx_buf *b, char c)
{
    return gmx_buf_append(b, &c, 1);
}
int gmx_buf_printf(gmx_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
int gmx_buf_vprintf(gmx_buf *b, const char *fmt, va_list ap)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 0)))
#endif
    ;
/* Forgets the contents, keeps the memory. */
void gmx_buf_clear(gmx_buf *b);
/* Frees the memory; the buffer can be reused after gmx_buf_init. */
void gmx_buf_release(gmx_buf *b);
/* Hands the data to the caller (to gmx_free) and resets the buffer. */
char *gmx_buf_detach(gmx_buf *b, size_t *len);

#endif
