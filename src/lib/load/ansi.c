/* Terminal colours left in a text, removed when it is opened.
 *
 * A log saved with its colours (a CI job's raw log, `script`, `tmux
 * capture-pane -e`, a log viewer's "copy with formatting") puts escape
 * sequences around and inside the lines of a dump: "\e[2mgoroutine 1
 * [running]:\e[0m". No reader knows them, and a line that begins with one
 * is no header. A text input that shows them is copied without them (the
 * lines stay the lines they were); binary inputs are left alone. */
#include "gomemdx/input.h"
#include "load/replace.h"
#include "util/alloc.h"

#include <string.h>

enum { SNIFF = 64 << 10, ESC = 0x1b, BEL = 0x07 };

/* Text with at least one control sequence ("\e[" or "\e]") in its first
 * 64 KiB: no NUL there (profiles, cores, gzip have them) and no gzip. */
static bool coloured_text(const unsigned char *p, size_t len)
{
    size_t n = len < SNIFF ? len : SNIFF;
    if (gmx_is_gzip(p, len) || memchr(p, '\0', n))
        return false;
    for (const unsigned char *e = p; (e = memchr(e, ESC, n - (size_t)(e - p))); e++)
        if (e + 1 < p + n && (e[1] == '[' || e[1] == ']'))
            return true;
    return false;
}

/* The length of the control sequence at p (p[0] is ESC), 1 for a lone
 * ESC: CSI "\e[" parameters, intermediates, one final byte; OSC "\e]"
 * up to BEL or "\e\\" (a hyperlink, a window title); "\e(B" and other
 * two- or three-byte escapes. */
static size_t sequence_len(const unsigned char *p, size_t left)
{
    if (left < 2)
        return 1;
    size_t i = 2;
    if (p[1] == '[') {
        while (i < left && p[i] >= 0x20 && p[i] <= 0x3f)
            i++;
        return i < left && p[i] >= 0x40 && p[i] <= 0x7e ? i + 1 : i;
    }
    if (p[1] == ']') {
        for (; i < left && p[i] != '\n'; i++) {
            if (p[i] == BEL)
                return i + 1;
            if (p[i] == ESC && i + 1 < left && p[i + 1] == '\\')
                return i + 2;
        }
        return i;
    }
    if (p[1] == '(' || p[1] == ')')
        return left >= 3 ? 3 : left;
    return p[1] >= 0x40 && p[1] <= 0x5f ? 2 : 1;
}

gmx_code gmx_input_strip_ansi(gmx_input **in, gmx_error *err)
{
    const unsigned char *p = gmx_input_data(*in);
    size_t len = gmx_input_size(*in);
    if (!coloured_text(p, len))
        return GMX_OK;
    unsigned char *out = gmx_malloc(len ? len : 1);
    if (!out)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory reading %s", gmx_input_name(*in));
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        const unsigned char *e = memchr(p + i, ESC, len - i);
        size_t plain = e ? (size_t)(e - (p + i)) : len - i;
        memcpy(out + n, p + i, plain);
        n += plain;
        i += plain;
        if (e)
            i += sequence_len(p + i, len - i);
    }
    return gmx_input_replace_heap(in, out, n, err);
}
