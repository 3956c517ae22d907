/* Message templates of the compiler's escape analysis (escape/solve.go,
 * escape/escape.go), for both log formats. */
#include "parse/escape_line.h"
#include "util/num.h"

#include <string.h>

/* Index of the last occurrence of needle in s, or SIZE_MAX: memrchr finds
 * the candidates (needles here start with a rare byte or a blank). */
static size_t rfind(gmx_str s, const char *needle)
{
    size_t n = strlen(needle);
    size_t end = s.n;
    while (n && end >= n) {
        const char *p = memrchr(s.p, needle[0], end - n + 1);
        if (!p)
            break;
        size_t i = (size_t)(p - s.p);
        if (memcmp(p, needle, n) == 0)
            return i;
        end = i + n - 1;
    }
    return SIZE_MAX;
}

static bool number_at(gmx_str s, size_t *i, uint32_t *out)
{
    uint64_t v;
    size_t n = gmx_scan_u64(gmx_str_sub(s, *i, s.n), &v);
    if (!n || v > UINT32_MAX)
        return false;
    *i += n;
    *out = (uint32_t)v;
    return true;
}

/* At the colon s.p[k]: ":LINE:COL: " or ":LINE: "; *end is the index of the
 * message. */
static bool pos_at(gmx_str s, size_t k, uint32_t *line, uint32_t *col, size_t *end)
{
    size_t i = k + 1;
    *col = 0;
    if (!number_at(s, &i, line))
        return false;
    if (i + 1 < s.n && s.p[i] == ':' && s.p[i + 1] >= '0' && s.p[i + 1] <= '9') {
        i++;
        if (!number_at(s, &i, col))
            return false;
    }
    if (i + 1 >= s.n || s.p[i] != ':' || s.p[i + 1] != ' ')
        return false;
    *end = i;
    return true;
}

bool gmx_esc_split_pos(gmx_str line, gmx_str *pos, gmx_str *file, uint32_t *lineno,
                       uint32_t *col, gmx_str *msg)
{
    size_t k = 0;
    while (k < line.n) {
        const char *c = memchr(line.p + k, ':', line.n - k);
        if (!c)
            return false;
        k = (size_t)(c - line.p);
        size_t end;
        if (k > 0 && pos_at(line, k, lineno, col, &end)) {
            *file = gmx_str_sub(line, 0, k);
            *pos = gmx_str_sub(line, 0, end);
            *msg = gmx_str_sub(line, end + 2, line.n);
            return true;
        }
        k++;
    }
    return false;
}

static bool after(gmx_str msg, const char *prefix, gmx_str *rest)
{
    if (!gmx_str_starts(msg, prefix))
        return false;
    *rest = gmx_str_sub(msg, strlen(prefix), msg.n);
    return rest->n > 0;
}

bool gmx_esc_site_message(gmx_str msg, gmx_esc_kind *kind, gmx_str *what, gmx_str *detail)
{
    *detail = gmx_str_make(msg.p, 0);
    if (after(msg, "moved to heap: ", what)) {
        *kind = GMX_ESC_MOVED;
    } else if (after(msg, "leaking param content: ", what)) {
        *kind = GMX_ESC_LEAK_CONTENT;
    } else if (after(msg, "leaking param: ", what)) {
        *kind = GMX_ESC_LEAK_PARAM;
        size_t sp = gmx_str_find(*what, " to ");
        if (sp != SIZE_MAX) {
            *detail = gmx_str_sub(*what, sp + 1, what->n);
            *what = gmx_str_sub(*what, 0, sp);
        }
    } else if (gmx_str_ends(msg, " escapes to heap") && msg.n > 16) {
        *kind = GMX_ESC_ESCAPES;
        *what = gmx_str_sub(msg, 0, msg.n - 16);
    } else if (gmx_str_ends(msg, " does not escape") && msg.n > 16) {
        *kind = GMX_ESC_NO_ESCAPE;
        *what = gmx_str_sub(msg, 0, msg.n - 16);
    } else {
        return false;
    }
    return true;
}

esc_header_kind gmx_esc_header(gmx_str msg, gmx_str *what, gmx_str *function)
{
    *function = gmx_str_make(msg.p, 0);
    if (!gmx_str_ends(msg, ":"))
        return ESC_HEADER_NONE;
    msg.n--;
    const char *hit = memmem(msg.p, msg.n, " escapes to heap", 16);
    size_t at = hit ? (size_t)(hit - msg.p) : SIZE_MAX;
    if (at != SIZE_MAX && at > 0) {
        gmx_str rest = gmx_str_sub(msg, at + 16, msg.n);
        if (rest.n && !after(rest, " in ", function))
            return ESC_HEADER_NONE;
        *what = gmx_str_sub(msg, 0, at);
        return ESC_HEADER_ESCAPES;
    }
    gmx_str rest;
    size_t leaks = gmx_str_find(msg, " leaks to ");
    size_t derefs = rfind(msg, " with derefs=");
    if (!after(msg, "parameter ", &rest) || leaks == SIZE_MAX || derefs == SIZE_MAX ||
        derefs < leaks)
        return ESC_HEADER_NONE;
    *what = gmx_str_sub(msg, 10, leaks);
    gmx_str dst = gmx_str_sub(msg, leaks + 10, derefs);
    size_t fr = rfind(dst, " for ");
    if (fr != SIZE_MAX)
        *function = gmx_str_sub(dst, fr + 5, dst.n);
    return ESC_HEADER_LEAK;
}

bool gmx_esc_is_step(gmx_str msg)
{
    size_t i = 0;
    while (i < msg.n && msg.p[i] == ' ')
        i++;
    gmx_str s = gmx_str_sub(msg, i, msg.n);
    return i && (gmx_str_starts(s, "flow: ") || gmx_str_starts(s, "from "));
}

bool gmx_esc_step_parse(gmx_str msg, gmx_esc_step *step)
{
    gmx_str s = gmx_str_trim(msg), rest;
    memset(step, 0, sizeof(*step));
    if (after(s, "flow: ", &rest)) {
        step->is_flow = true;
        step->text = gmx_str_ends(rest, ":") ? gmx_str_sub(rest, 0, rest.n - 1) : rest;
        return true;
    }
    if (!after(s, "from ", &rest))
        return false;
    size_t close = rfind(rest, ") at ");
    if (close != SIZE_MAX) {
        step->at = gmx_str_sub(rest, close + 5, rest.n);
    } else if (gmx_str_ends(rest, ")")) {
        close = rest.n - 1;
    } else {
        step->text = rest;
        return true;
    }
    gmx_str head = gmx_str_sub(rest, 0, close);
    size_t open = rfind(head, " (");
    if (open == SIZE_MAX) {
        step->text = head;
        return true;
    }
    step->text = gmx_str_sub(head, 0, open);
    step->why = gmx_str_sub(head, open + 2, head.n);
    return true;
}

bool gmx_esc_header_matches(esc_header_kind h, gmx_esc_kind k)
{
    if (h == ESC_HEADER_ESCAPES)
        return k == GMX_ESC_ESCAPES || k == GMX_ESC_MOVED;
    if (h == ESC_HEADER_LEAK)
        return k == GMX_ESC_LEAK_PARAM || k == GMX_ESC_LEAK_CONTENT;
    return false;
}

const char *gmx_esc_kind_name(gmx_esc_kind k)
{
    static const char *const names[GMX_ESC_KIND_COUNT] = {
        "escapes", "moved", "leaking param", "leaking param content", "does not escape"
    };
    return (unsigned)k < GMX_ESC_KIND_COUNT ? names[k] : "unknown";
}
