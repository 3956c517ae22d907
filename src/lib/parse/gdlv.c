#include "parse/gdlv.h"
#include "util/num.h"

#include <string.h>

static gmx_str skip_current_mark(gmx_str s)
{
    if (gmx_str_starts(s, "* "))
        s = gmx_str_sub(s, 2, s.n);
    while (s.n && s.p[0] == ' ')
        s = gmx_str_sub(s, 1, s.n);
    return s;
}

/* "Goroutine N - Label: " at the start of s: the id, and where the
 * location starts (SIZE_MAX when s is no entry). */
static size_t entry_head(gmx_str s, uint64_t *id, gmx_str *label)
{
    if (!gmx_str_starts(s, "Goroutine "))
        return SIZE_MAX;
    size_t i = 10, d = i;
    while (i < s.n && s.p[i] >= '0' && s.p[i] <= '9')
        i++;
    if (i == d || !gmx_parse_u64(gmx_str_sub(s, d, i), id) ||
        !gmx_str_starts(gmx_str_sub(s, i, s.n), " - "))
        return SIZE_MAX;
    size_t l = i + 3, colon = l;
    while (colon < s.n && ((s.p[colon] >= 'A' && s.p[colon] <= 'Z') ||
                           (s.p[colon] >= 'a' && s.p[colon] <= 'z')))
        colon++;
    if (colon == l || colon + 1 >= s.n || s.p[colon] != ':' || s.p[colon + 1] != ' ')
        return SIZE_MAX;
    *label = gmx_str_sub(s, l, colon);
    return colon + 2;
}

bool gmx_gdlv_like(gmx_str s)
{
    uint64_t id;
    gmx_str label;
    return entry_head(skip_current_mark(s), &id, &label) != SIZE_MAX;
}

/* Where the location's " (0x" pc starts after `from`, or SIZE_MAX. */
static size_t pc_at(gmx_str s, size_t from)
{
    size_t at = gmx_str_find(gmx_str_sub(s, from, s.n), " (0x");
    return at == SIZE_MAX ? SIZE_MAX : from + at;
}

bool gmx_gdlv_complete(gmx_str s)
{
    s = skip_current_mark(s);
    uint64_t id;
    gmx_str label;
    size_t loc = entry_head(s, &id, &label);
    if (loc == SIZE_MAX)
        return true;
    size_t pc = pc_at(s, loc);
    if (pc == SIZE_MAX || !memchr(s.p + pc + 1, ')', s.n - pc - 1))
        return false;
    const char *open = memchr(s.p + pc, '[', s.n - pc);
    return !open || memchr(open, ']', (size_t)(s.p + s.n - open));
}

bool gmx_gdlv_parse(gmx_str s, gmx_gdlv *out)
{
    memset(out, 0, sizeof(*out));
    s = skip_current_mark(s);
    gmx_str label;
    size_t loc = entry_head(s, &out->id, &label);
    size_t pc = loc == SIZE_MAX ? SIZE_MAX : pc_at(s, loc);
    if (pc == SIZE_MAX)
        return false;
    /* "file:line func": the function is the last word, the file the rest. */
    gmx_str where = gmx_str_sub(s, loc, pc);
    size_t sp = gmx_str_rfind_char(where, ' ');
    if (sp == SIZE_MAX || sp + 1 >= where.n)
        return false;
    out->file = gmx_str_sub(where, 0, sp);
    out->func = gmx_str_sub(where, sp + 1, where.n);
    out->creator = gmx_str_eq_cstr(label, "Go");
    const char *open = memchr(s.p + pc, '[', s.n - pc);
    const char *close = open ? memchr(open, ']', (size_t)(s.p + s.n - open)) : NULL;
    if (close) {
        gmx_str st = gmx_str_make(open + 1, (size_t)(close - open - 1));
        /* The runtime's waitsince after the reason: a clock reading. */
        size_t last = gmx_str_rfind_char(st, ' ');
        uint64_t since;
        if (last != SIZE_MAX && gmx_parse_u64(gmx_str_sub(st, last + 1, st.n), &since))
            st = gmx_str_sub(st, 0, last);
        out->state = st;
    }
    return true;
}
