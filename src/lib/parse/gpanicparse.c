#include "parse/gpanicparse.h"
#include "util/num.h"

#include <string.h>

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static size_t digits_at(gmx_str s, size_t i)
{
    size_t j = i;
    while (j < s.n && is_digit(s.p[j]))
        j++;
    return j - i;
}

/* A wait reason as the runtime words it: "chan receive (nil chan)",
 * "IO wait", "sync.Mutex.Lock", "GC worker (idle)". */
static bool state_like(gmx_str s)
{
    if (!s.n || s.n > 48 || !is_letter(s.p[0]) || s.p[s.n - 1] == ' ')
        return false;
    for (size_t i = 0; i < s.n; i++) {
        char c = s.p[i];
        if (!is_letter(c) && c != ' ' && c != '(' && c != ')' && c != '.' && c != '-')
            return false;
    }
    return true;
}

/* "1615 minutes" or "3~1615 minutes" (the least and the most a bucket's
 * goroutines slept): the least. */
static bool sleep_annotation(gmx_str s, uint64_t *minutes)
{
    if (!gmx_str_ends(s, " minutes"))
        return false;
    s = gmx_str_sub(s, 0, s.n - strlen(" minutes"));
    size_t d = digits_at(s, 0);
    if (!d || !gmx_parse_u64(gmx_str_sub(s, 0, d), minutes))
        return false;
    if (d == s.n)
        return true;
    return s.p[d] == '~' && digits_at(s, d + 1) == s.n - d - 1 && s.n > d + 1;
}

/* "Created by pkgdir.func @ file:line". */
static bool creator_annotation(gmx_str s, gmx_gpp_header *out)
{
    static const char by[] = "Created by ";
    if (!gmx_str_starts(s, by))
        return false;
    s = gmx_str_sub(s, sizeof(by) - 1, s.n);
    size_t at = gmx_str_find(s, " @ ");
    if (at == SIZE_MAX || !at)
        return false;
    out->creator = gmx_str_sub(s, 0, at);
    out->creator_at = gmx_str_sub(s, at + 3, s.n);
    /* "pkgdir.func in goroutine N", as the runtime words it since Go 1.21. */
    static const char in[] = " in goroutine ";
    size_t g = gmx_str_find(out->creator, in);
    if (g != SIZE_MAX) {
        size_t d = digits_at(out->creator, g + sizeof(in) - 1);
        if (!d || g + sizeof(in) - 1 + d != out->creator.n)
            return false;
        out->creator_in = gmx_str_sub(out->creator, g, out->creator.n);
        out->creator = gmx_str_sub(out->creator, 0, g);
    }
    return out->creator.n && !memchr(out->creator.p, ' ', out->creator.n) && out->creator_at.n > 0;
}

bool gmx_gpp_parse_header(gmx_str s, gmx_gpp_header *out)
{
    memset(out, 0, sizeof(*out));
    size_t d = digits_at(s, 0);
    if (!d || !gmx_parse_u64(gmx_str_sub(s, 0, d), &out->count) || !out->count ||
        !gmx_str_starts(gmx_str_sub(s, d, s.n), ": "))
        return false;
    gmx_str rest = gmx_str_sub(s, d + 2, s.n);
    size_t open = gmx_str_find(rest, " [");
    out->state = open == SIZE_MAX ? rest : gmx_str_sub(rest, 0, open);
    if (!state_like(out->state))
        return false;
    /* Only panicparse's own annotations may follow, each in brackets. */
    while (open != SIZE_MAX) {
        rest = gmx_str_sub(rest, open + 2, rest.n);
        const char *close = memchr(rest.p, ']', rest.n);
        if (!close)
            return false;
        gmx_str a = gmx_str_make(rest.p, (size_t)(close - rest.p));
        if (gmx_str_eq_cstr(a, "locked"))
            out->locked = true;
        else if (!sleep_annotation(a, &out->minutes) && !creator_annotation(a, out))
            return false;
        rest = gmx_str_sub(rest, a.n + 1, rest.n);
        if (!rest.n)
            break;
        open = gmx_str_starts(rest, " [") ? 0 : SIZE_MAX;
        if (open == SIZE_MAX)
            return false;
    }
    return true;
}

/* The next column of s from i: a run of non-spaces, then the spaces after
 * it skipped. */
static gmx_str column(gmx_str s, size_t *i)
{
    size_t a = *i, b = a;
    while (b < s.n && s.p[b] != ' ')
        b++;
    size_t c = b;
    while (c < s.n && s.p[c] == ' ')
        c++;
    *i = c;
    return gmx_str_sub(s, a, b);
}

/* "file.go:123" (or a path to it, with -full-path or -rel-path). */
static bool location_like(gmx_str s)
{
    size_t colon = gmx_str_rfind_char(s, ':');
    return colon != SIZE_MAX && colon > 0 && colon + 1 < s.n &&
           digits_at(s, colon + 1) == s.n - colon - 1;
}

bool gmx_gpp_parse_call(gmx_str s, gmx_gpp_call *out)
{
    memset(out, 0, sizeof(*out));
    size_t i = 0;
    out->pkg = column(s, &i);
    if (!out->pkg.n || i == out->pkg.n || memchr(out->pkg.p, '(', out->pkg.n) ||
        memchr(out->pkg.p, ':', out->pkg.n))
        return false;
    out->at = column(s, &i);
    if (!location_like(out->at) || i >= s.n)
        return false;
    gmx_str call = gmx_str_trim(gmx_str_sub(s, i, s.n));
    if (call.n < 3 || call.p[call.n - 1] != ')')
        return false;
    /* The arguments are the last parenthesized group: walk back to its
     * opening, past nested ones ("func(0x1f4)", "Pointer(0x0)"). */
    int depth = 0;
    size_t k = call.n;
    while (k-- > 0) {
        if (call.p[k] == ')')
            depth++;
        else if (call.p[k] == '(' && --depth == 0)
            break;
    }
    if (depth != 0 || k == 0 || k == SIZE_MAX)
        return false;
    out->func = gmx_str_sub(call, 0, k);
    return !memchr(out->func.p, ' ', out->func.n);
}

bool gmx_gpp_elided(gmx_str s)
{
    return gmx_str_eq_cstr(s, "(...)");
}
