/* Text saved as UTF-16, decoded to UTF-8 when it is opened.
 *
 * Windows writes it where a user least expects: PowerShell 5's `>` and
 * Out-File save `curl .../debug/pprof/goroutine?debug=2 > dump.txt` as
 * UTF-16LE with a byte-order mark, and editors offer it. Every reader here
 * reads bytes as ASCII/UTF-8, so such a file would be refused as garbage;
 * decoded once at the door, it reads as the text it is. Recognised by its
 * byte-order mark, or without one by ASCII text with a NUL after (LE) or
 * before (BE) each of its first characters. */
#include "gomemdx/input.h"
#include "load/replace.h"
#include "util/alloc.h"
#include "util/str.h"

#include <stdint.h>
#include <string.h>

enum { SNIFF_UNITS = 256 };

typedef enum { UTF16_NONE, UTF16_LE, UTF16_BE } utf16_order;

static unsigned unit_at(const unsigned char *p, utf16_order order)
{
    return order == UTF16_LE ? (unsigned)p[0] | (unsigned)p[1] << 8
                             : (unsigned)p[0] << 8 | (unsigned)p[1];
}

/* Printable ASCII or the whitespace of text: what a dump, a profile or a
 * log is made of, and what no binary format shows for hundreds of bytes. */
static bool text_char(unsigned c)
{
    return (c >= 0x20 && c < 0x7f) || c == '\n' || c == '\r' || c == '\t';
}

static utf16_order byte_order(const unsigned char *p, size_t len, size_t *bom)
{
    *bom = 0;
    if (len >= 2 && p[0] == 0xff && p[1] == 0xfe) {
        *bom = 2;
        return UTF16_LE;
    }
    if (len >= 2 && p[0] == 0xfe && p[1] == 0xff) {
        *bom = 2;
        return UTF16_BE;
    }
    if (len < 2 * 8)
        return UTF16_NONE;
    utf16_order order = p[1] == 0 && p[0] ? UTF16_LE : p[0] == 0 && p[1] ? UTF16_BE : UTF16_NONE;
    size_t units = len / 2 < SNIFF_UNITS ? len / 2 : SNIFF_UNITS;
    for (size_t i = 0; order != UTF16_NONE && i < units; i++) {
        unsigned c = unit_at(p + 2 * i, order);
        if (!text_char(c))
            order = UTF16_NONE;
    }
    return order;
}

/* UTF-16 units (an odd last byte dropped) as UTF-8: at most 3 bytes a
 * unit (a surrogate pair, two units, makes 4). A surrogate without its
 * other half becomes U+FFFD, as any decoder shows it. */
static size_t decode(const unsigned char *p, size_t units, utf16_order order, unsigned char *out)
{
    size_t n = 0;
    for (size_t i = 0; i < units; i++) {
        uint32_t c = unit_at(p + 2 * i, order);
        if (c >= 0xd800 && c < 0xdc00 && i + 1 < units) {
            uint32_t low = unit_at(p + 2 * (i + 1), order);
            if (low >= 0xdc00 && low < 0xe000) {
                c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
                i++;
            }
        }
        if (c >= 0xd800 && c < 0xe000)
            c = 0xfffd;
        n += gmx_utf8_put((char *)out + n, c);
    }
    return n;
}

gmx_code gmx_input_utf8(gmx_input **in, gmx_error *err)
{
    const unsigned char *p = gmx_input_data(*in);
    size_t len = gmx_input_size(*in), bom;
    utf16_order order = byte_order(p, len, &bom);
    if (order == UTF16_NONE)
        return GMX_OK;
    size_t units = (len - bom) / 2;
    unsigned char *out = units > SIZE_MAX / 3 ? NULL : gmx_malloc(units * 3 + 1);
    if (!out)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory decoding %s from UTF-16",
                             gmx_input_name(*in));
    size_t n = decode(p + bom, units, order, out);
    return gmx_input_replace_heap(in, out, n, err);
}
