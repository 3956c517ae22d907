/* Helpers over gmx_str (the view type itself is public: gomemdx/str.h). */
#ifndef GMX_UTIL_STR_H
#define GMX_UTIL_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "gomemdx/str.h"

#define GMX_STR_LIT(s) ((gmx_str){ (s), sizeof(s) - 1 })

static inline gmx_str gmx_str_make(const char *p, size_t n)
{
    return (gmx_str){ p, n };
}

static inline gmx_str gmx_str_cstr(const char *s)
{
    return (gmx_str){ s, s ? strlen(s) : 0 };
}

static inline bool gmx_str_eq(gmx_str a, gmx_str b)
{
    return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

static inline bool gmx_str_eq_cstr(gmx_str a, const char *s)
{
    return gmx_str_eq(a, gmx_str_cstr(s));
}

static inline bool gmx_str_starts(gmx_str a, const char *prefix)
{
    size_t n = strlen(prefix);
    return a.n >= n && memcmp(a.p, prefix, n) == 0;
}

static inline bool gmx_str_ends(gmx_str a, const char *suffix)
{
    size_t n = strlen(suffix);
    return a.n >= n && memcmp(a.p + a.n - n, suffix, n) == 0;
}

static inline gmx_str gmx_str_sub(gmx_str a, size_t from, size_t to)
{
    if (to > a.n)
        to = a.n;
    if (from > to)
        from = to;
    return (gmx_str){ a.p + from, to - from };
}

/* The next token of s at or after *i, split on runs of spaces and tabs,
 * into *tok; *i is advanced past it. False when only blanks are left. */
static inline bool gmx_str_next_token(gmx_str s, size_t *i, gmx_str *tok)
{
    while (*i < s.n && (s.p[*i] == ' ' || s.p[*i] == '\t'))
        (*i)++;
    if (*i >= s.n)
        return false;
    size_t start = *i;
    while (*i < s.n && s.p[*i] != ' ' && s.p[*i] != '\t')
        (*i)++;
    *tok = gmx_str_sub(s, start, *i);
    return true;
}

/* Index of the first occurrence of needle, or SIZE_MAX. */
size_t gmx_str_find(gmx_str hay, const char *needle);
/* Index of the last byte c, or SIZE_MAX. */
size_t gmx_str_rfind_char(gmx_str s, char c);
gmx_str gmx_str_trim(gmx_str s);
/* s without the blanks (spaces, tabs, CR, LF) at its end. */
gmx_str gmx_str_trim_right(gmx_str s);
/* Three-way byte comparison, shorter first on a common prefix. */
int gmx_str_cmp(gmx_str a, gmx_str b);
/* Natural order of names: runs of digits compare as numbers ("dump-9"
 * before "dump-10"), the rest byte by byte; names equal that way ("01",
 * "1") fall back to strcmp, so the order is total. */
int gmx_natural_cmp(const char *a, const char *b);

/* The last element of a slash-separated path ("main.go" of "./cmd/main.go"). */
gmx_str gmx_path_base(gmx_str path);
/* Whether two paths name the same file as tools print it: equal once a
 * leading "./" is dropped, or one is the other's tail after a '/'
 * ("./main.go" and "/go/src/svc/main.go"). */
bool gmx_path_same(gmx_str a, gmx_str b);

/* The UTF-8 of code point c (at most U+10FFFF, no surrogate: the caller's
 * to check) into out: 1 to 4 bytes, returned. */
size_t gmx_utf8_put(char *out, uint32_t c);

#endif
