/* The pprof label text of a goroutine, split into pairs:
 *
 *   {k: v, "tenant id": "a b"}      1.27 traceback: bare iff [A-Za-z0-9./_]
 *   {"k": "v"}                      1.26 traceback (labels:{...}, inside [ ])
 *   {"k":"v", "k2":"v2"}            debug=1 "# labels:" line (Go's %q)
 *
 * Each side is a bare word or a Go-quoted string; pairs are separated by a
 * comma and optional spaces. Anything else is not well formed. */
#include "gomemdx/goroutine.h"
#include "util/str.h"

#include <stdint.h>

typedef struct scan {
    const char *p, *end;
    char *out;             /* next free byte of scratch */
} scan;

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* n hex digits at s->p into *v; false when fewer are there. */
static bool hex_digits(scan *s, int n, uint32_t *v)
{
    if (s->end - s->p < n)
        return false;
    uint32_t x = 0;
    for (int i = 0; i < n; i++) {
        int h = hexval(s->p[i]);
        if (h < 0)
            return false;
        x = x << 4 | (uint32_t)h;
    }
    s->p += n;
    *v = x;
    return true;
}

/* UTF-8 of a code point; never longer than the 6 or 10 escape bytes it
 * replaces, so scratch of the text's size always suffices. */
static bool put_rune(scan *s, uint32_t r)
{
    if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff))
        return false;
    s->out += gmx_utf8_put(s->out, r);
    return true;
}

static bool escape(scan *s)
{
    if (s->p >= s->end)
        return false;
    char c = *s->p++;
    uint32_t v;
    switch (c) {
    case 'a': *s->out++ = '\a'; return true;
    case 'b': *s->out++ = '\b'; return true;
    case 'f': *s->out++ = '\f'; return true;
    case 'n': *s->out++ = '\n'; return true;
    case 'r': *s->out++ = '\r'; return true;
    case 't': *s->out++ = '\t'; return true;
    case 'v': *s->out++ = '\v'; return true;
    case '\\': case '"': case '\'': *s->out++ = c; return true;
    case 'x':
        if (!hex_digits(s, 2, &v))
            return false;
        *s->out++ = (char)v; /* a raw byte, as Go's \x is */
        return true;
    case 'u': return hex_digits(s, 4, &v) && put_rune(s, v);
    case 'U': return hex_digits(s, 8, &v) && put_rune(s, v);
    default: return false;
    }
}

/* A quoted string (at its opening quote) unescaped into scratch. */
static bool quoted(scan *s, gmx_str *out)
{
    s->p++;
    char *start = s->out;
    while (s->p < s->end) {
        char c = *s->p++;
        if (c == '"') {
            *out = (gmx_str){ start, (size_t)(s->out - start) };
            return true;
        }
        if (c == '\\') {
            if (!escape(s))
                return false;
        } else {
            *s->out++ = c;
        }
    }
    return false;
}

static bool bare_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '/' || c == '_' || c == '-';
}

static bool word(scan *s, gmx_str *out)
{
    if (s->p < s->end && *s->p == '"')
        return quoted(s, out);
    const char *start = s->p;
    while (s->p < s->end && bare_char(*s->p))
        s->p++;
    *out = (gmx_str){ start, (size_t)(s->p - start) };
    return s->p > start;
}

static void spaces(scan *s)
{
    while (s->p < s->end && *s->p == ' ')
        s->p++;
}

int gmx_goroutine_labels_split(gmx_str text, char *scratch, gmx_label_kv *pairs, size_t max)
{
    /* Surrounding spaces are not part of the braces. */
    while (text.n && text.p[0] == ' ')
        text.p++, text.n--;
    while (text.n && text.p[text.n - 1] == ' ')
        text.n--;
    if (text.n < 2 || text.p[0] != '{' || text.p[text.n - 1] != '}')
        return -1;
    scan s = { text.p + 1, text.p + text.n - 1, scratch };
    size_t n = 0;
    spaces(&s);
    while (s.p < s.end) {
        gmx_label_kv kv;
        if (n == max || !word(&s, &kv.key))
            return -1;
        spaces(&s);
        if (s.p == s.end || *s.p++ != ':')
            return -1;
        spaces(&s);
        if (!word(&s, &kv.value))
            return -1;
        pairs[n++] = kv;
        spaces(&s);
        if (s.p < s.end) {
            if (*s.p++ != ',')
                return -1;
            spaces(&s);
            if (s.p == s.end) /* a trailing comma */
                return -1;
        }
    }
    return (int)n;
}
