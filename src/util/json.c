#include "util/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

void gmx_json_init(gmx_json *j, gmx_buf *out)
{
    memset(j, 0, sizeof(*j));
    j->out = out;
}

static void indent(gmx_json *j)
{
    gmx_buf_putc(j->out, '\n');
    for (int i = 0; i < j->depth; i++)
        gmx_buf_append(j->out, "  ", 2);
}

/* Every value and key starts here: the comma and newline before it. */
static void before_value(gmx_json *j)
{
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    if (j->depth > 0) {
        if (j->need_comma[j->depth - 1])
            gmx_buf_putc(j->out, ',');
        j->need_comma[j->depth - 1] = true;
        indent(j);
    }
}

static void json_open(gmx_json *j, char c)
{
    before_value(j);
    gmx_buf_putc(j->out, c);
    if (j->depth >= GMX_JSON_MAX_DEPTH) {
        j->out->failed = 1;
        return;
    }
    j->need_comma[j->depth++] = false;
}

static void json_close(gmx_json *j, char c)
{
    if (j->depth <= 0) {
        j->out->failed = 1;
        return;
    }
    bool had_items = j->need_comma[--j->depth];
    if (had_items)
        indent(j);
    gmx_buf_putc(j->out, c);
    if (j->depth == 0)
        gmx_buf_putc(j->out, '\n');
}

void gmx_json_object_begin(gmx_json *j) { json_open(j, '{'); }
void gmx_json_object_end(gmx_json *j) { json_close(j, '}'); }
void gmx_json_array_begin(gmx_json *j) { json_open(j, '['); }
void gmx_json_array_end(gmx_json *j) { json_close(j, ']'); }

void gmx_json_key(gmx_json *j, const char *key)
{
    gmx_json_key_str(j, gmx_str_cstr(key));
}

void gmx_json_key_str(gmx_json *j, gmx_str key)
{
    before_value(j);
    gmx_json_quote(j->out, key);
    gmx_buf_append(j->out, ": ", 2);
    j->after_key = true;
}

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if invalid. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
    unsigned c = p[0];
    size_t len;
    unsigned min;
    if (c < 0x80)
        return 1;
    if ((c & 0xe0) == 0xc0) { len = 2; min = 0x80; c &= 0x1f; }
    else if ((c & 0xf0) == 0xe0) { len = 3; min = 0x800; c &= 0x0f; }
    else if ((c & 0xf8) == 0xf0) { len = 4; min = 0x10000; c &= 0x07; }
    else return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        c = c << 6 | (p[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    return len;
}

void gmx_json_quote(gmx_buf *out, gmx_str s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s.p;
    gmx_buf_putc(out, '"');
    size_t i = 0;
    while (i < s.n) {
        /* Copy the longest run that needs no escaping in one append. */
        size_t run = i;
        while (run < s.n && p[run] >= 0x20 && p[run] < 0x80 && p[run] != '"' && p[run] != '\\')
            run++;
        if (run > i) {
            gmx_buf_append(out, p + i, run - i);
            i = run;
            continue;
        }
        unsigned char c = p[i];
        if (c == '"' || c == '\\') {
            char e[2] = { '\\', (char)c };
            gmx_buf_append(out, e, 2);
            i++;
        } else if (c == '\n') {
            gmx_buf_append(out, "\\n", 2);
            i++;
        } else if (c == '\t') {
            gmx_buf_append(out, "\\t", 2);
            i++;
        } else if (c == '\r') {
            gmx_buf_append(out, "\\r", 2);
            i++;
        } else if (c < 0x20) {
            char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
            gmx_buf_append(out, e, 6);
            i++;
        } else {
            size_t len = utf8_len(p + i, s.n - i);
            if (len) {
                gmx_buf_append(out, p + i, len);
                i += len;
            } else {
                gmx_buf_append(out, "\xef\xbf\xbd", 3);
                i++;
            }
        }
    }
    gmx_buf_putc(out, '"');
}

void gmx_json_string(gmx_json *j, gmx_str s)
{
    before_value(j);
    gmx_json_quote(j->out, s);
}

void gmx_json_cstring(gmx_json *j, const char *s)
{
    if (!s) {
        gmx_json_null(j);
        return;
    }
    gmx_json_string(j, gmx_str_cstr(s));
}

void gmx_json_int(gmx_json *j, int64_t v)
{
    before_value(j);
    gmx_buf_printf(j->out, "%lld", (long long)v);
}

void gmx_json_uint(gmx_json *j, uint64_t v)
{
    before_value(j);
    gmx_buf_printf(j->out, "%llu", (unsigned long long)v);
}

void gmx_json_double(gmx_json *j, double v)
{
    before_value(j);
    if (!isfinite(v)) {
        gmx_buf_append(j->out, "null", 4);
        return;
    }
    /* An integer value prints as one (a byte count beside a byte count must
     * read the same); any other prints in the shortest form that reads
     * back to the same double. */
    if (v == trunc(v) && fabs(v) < 9007199254740992.0) {
        gmx_buf_printf(j->out, "%.0f", v);
        return;
    }
    char tmp[40];
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(tmp, sizeof(tmp), "%.*g", digits, v);
        if (digits == 17 || strtod(tmp, NULL) == v)
            break;
    }
    gmx_buf_puts(j->out, tmp);
}

void gmx_json_bool(gmx_json *j, bool v)
{
    before_value(j);
    gmx_buf_puts(j->out, v ? "true" : "false");
}

void gmx_json_null(gmx_json *j)
{
    before_value(j);
    gmx_buf_append(j->out, "null", 4);
}
