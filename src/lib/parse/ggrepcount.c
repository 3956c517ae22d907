/* A count a shell pipeline took of a dump, pasted with its answer:
 * "grep runController stack.txt | wc -l" and, on the next line, "320".
 * Maintainers count goroutines so when a dump is too large to paste
 * (cilium/cilium#5902); the pattern is text of the stacks, most often a
 * function's name. gxpeel.c pairs the command with the number after it. */
#include "parse/gextract.h"
#include "util/num.h"

#include <string.h>

enum { PATTERN_MAX = 200 };

static bool space(char c)
{
    return c == ' ' || c == '\t';
}

/* The next shell word of s from *i, its quotes removed. */
static gmx_str word(gmx_str s, size_t *i)
{
    while (*i < s.n && space(s.p[*i]))
        (*i)++;
    if (*i >= s.n)
        return (gmx_str){ NULL, 0 };
    char q = s.p[*i];
    if (q == '\'' || q == '"') {
        size_t a = ++(*i);
        while (*i < s.n && s.p[*i] != q)
            (*i)++;
        gmx_str w = gmx_str_sub(s, a, *i);
        if (*i < s.n)
            (*i)++;
        return w;
    }
    size_t a = *i;
    while (*i < s.n && !space(s.p[*i]))
        (*i)++;
    return gmx_str_sub(s, a, *i);
}

/* Text a stack line can hold: a function's name or a part of it. */
static bool stack_text(gmx_str p)
{
    if (!p.n || p.n > PATTERN_MAX)
        return false;
    for (size_t i = 0; i < p.n; i++) {
        char c = p.p[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '/' || c == '_' || c == '(' || c == ')' || c == '*' || c == '-'))
            return false;
    }
    return true;
}

/* "grep" as a command: at the start, after a shell prompt ("$ ", "% ",
 * "# ") or after a pipe; the last such grep feeds the count. */
static size_t grep_at(gmx_str s)
{
    size_t at = SIZE_MAX;
    for (size_t i = 0; i + 5 <= s.n; i++) {
        if (memcmp(s.p + i, "grep ", 5) != 0)
            continue;
        size_t j = i;
        while (j && space(s.p[j - 1]))
            j--;
        if (j == 0 || s.p[j - 1] == '|' ||
            (j < i && (s.p[j - 1] == '$' || s.p[j - 1] == '%' || s.p[j - 1] == '#')))
            at = i;
    }
    return at;
}

bool gmx_gx_grep_count(gmx_str s, gmx_str *pattern)
{
    s = gmx_str_trim(s);
    if (s.n > GX_LINE_MAX)
        return false;
    bool wc = false;
    size_t bar = gmx_str_rfind_char(s, '|');
    if (bar != SIZE_MAX && gmx_str_eq_cstr(gmx_str_trim(gmx_str_sub(s, bar + 1, s.n)), "wc -l")) {
        wc = true;
        s = gmx_str_sub(s, 0, bar);
    }
    size_t at = grep_at(s);
    if (at == SIZE_MAX)
        return false;
    size_t i = at + 5;
    bool counting = wc, flags = true;
    gmx_str p = { NULL, 0 };
    while (flags) {
        gmx_str w = word(s, &i);
        if (!w.n)
            return false;
        bool quoted = w.p > s.p && (w.p[-1] == '\'' || w.p[-1] == '"');
        if (w.p[0] != '-' || quoted) {
            p = w;
            flags = false;
        } else if (gmx_str_eq_cstr(w, "-e")) {
            p = word(s, &i);
            flags = false;
        } else if (memchr(w.p, 'c', w.n) && w.p[1] != '-') {
            counting = true; /* grep -c, -Fc, ... */
        }
    }
    /* what follows the pattern: the dump's file, or nothing when piped */
    gmx_str rest = gmx_str_trim(gmx_str_sub(s, i, s.n));
    if (!counting || !stack_text(p) || memchr(rest.p ? rest.p : "", '|', rest.n))
        return false;
    *pattern = p;
    return true;
}

bool gmx_gx_number_alone(gmx_str s, uint64_t *n)
{
    s = gmx_str_trim(s);
    if (!s.n || s.n > 12)
        return false;
    for (size_t i = 0; i < s.n; i++)
        if (s.p[i] < '0' || s.p[i] > '9')
            return false;
    return gmx_parse_u64(s, n);
}
