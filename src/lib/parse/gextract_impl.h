/* What the parts of the tolerant reader's line stage share: learning the
 * text's layout and joining what a terminal cut (gxlayout.c), peeling what
 * copying added around each line (gxpeel.c), saying what the cleaned line
 * is (gxclassify.c), and the stack lines other tools and people write in
 * shapes of their own (gxcopied.c). Not for use outside them. */
#ifndef GMX_PARSE_GEXTRACT_IMPL_H
#define GMX_PARSE_GEXTRACT_IMPL_H

#include "parse/gextract.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static inline bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static inline bool is_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static inline size_t digits_at(gmx_str s, size_t i)
{
    size_t n = 0;
    while (i + n < s.n && is_digit(s.p[i + n]))
        n++;
    return n;
}

/* "   12 text": the pager's number, its width and the text after it. Read
 * in one pass, inline: it is tried on every line of a numbered text, by the
 * layout (gxlayout.c) and by each line read (gxpeel.c). */
static inline bool gmx_gx_pager_number(gmx_str s, uint64_t *n, size_t *skip)
{
    size_t i = 0;
    while (i < s.n && s.p[i] == ' ')
        i++;
    size_t first = i;
    uint64_t v = 0;
    /* twelve digits at most, so v cannot overflow */
    for (; i < s.n && i - first <= 12 && is_digit(s.p[i]); i++)
        v = v * 10 + (uint64_t)(s.p[i] - '0');
    size_t d = i - first;
    if (!d || d > 12)
        return false;
    *n = v;
    if (i < s.n && s.p[i] != ' ' && s.p[i] != '\t')
        return false;
    *skip = i < s.n ? i + 1 : i;
    return true;
}

/* Leading tabs, spaces and tab glyphs stripped; *tab when a tab led. */
gmx_str gmx_gx_strip_indent(gx_cleaner *c, gmx_str s, bool *tab);

/* The length of a log line's timestamp prefix (and stream tag), or 0. */
size_t gmx_gx_timestamp_prefix(gmx_str s);

/* The length of a syslog or journald prefix ("host prog[pid]: "), or 0. */
size_t gmx_gx_syslog_prefix(gmx_str s);

/* "pkg.(*T).f(0x1, ...)": a stack's function line. */
bool gmx_gx_func_like(gmx_str s);

/* Stack lines in the shapes other tools and people write them
 * (gxcopied.c). A header whose number was hidden ("goroutine NNNNN
 * [...]"), and an IDE's "Goroutine 87" alone: *fixed the runtime's header,
 * the number 0 (unknown) or the state unknown. */
bool gmx_gx_hidden_id_header(gx_cleaner *c, gmx_str s, gmx_str *fixed);
bool gmx_gx_bare_header(gx_cleaner *c, gmx_str s, gmx_str *fixed);
/* A frame on one line: its call and its file ("pkg.f(...) f.go:12"), or
 * as an IDE copies a call stack ("pkg.f (/src/f.go:12)", "created at:
 * pkg.g (/src/g.go:9)"): out is the function or created-by line with its
 * file line in out->then, read next. */
bool gmx_gx_one_line_frame(gx_cleaner *c, gmx_str s, gx_line *out);
/* "1 goroutines [semacquire, 4 minutes]:", a count of goroutines on one
 * stack heading it: out is the count (GX_MULT), the header read next. */
bool gmx_gx_counted_header(gx_cleaner *c, gmx_str s, gx_line *out);

/* The cleaner's next scratch line (GX_LINE_MAX bytes), reused after
 * GX_SLOTS others. */
char *gmx_gx_slot(gx_cleaner *c);

#endif
