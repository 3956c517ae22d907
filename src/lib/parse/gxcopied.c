/* The tolerant reader's line stage (see gextract_impl.h): stack lines in
 * the shapes other tools and people write them, put back into the
 * runtime's. A header whose number its poster hid, an IDE's header with a
 * number alone, a frame written on one line (call and file together, as
 * people trim a stack by hand or as an IDE copies its call stack). */
#include "parse/gdump_header.h"
#include "parse/gextract_impl.h"
#include "util/num.h"

#include <stdio.h>
#include <string.h>

static bool is_space(char ch)
{
    return ch == ' ' || ch == '\t';
}

static gmx_str skip_spaces(gmx_str s)
{
    while (s.n && is_space(s.p[0]))
        s = gmx_str_sub(s, 1, s.n);
    return s;
}

/* What people write for a number they hide: "NNNNN", "XXX", "...", "…",
 * "<id>", "{N}"; not a word ("goroutine leak [fixed]" is prose). */
static bool placeholder(gmx_str tok)
{
    if (tok.n >= 2 && ((tok.p[0] == '<' && tok.p[tok.n - 1] == '>') ||
                       (tok.p[0] == '{' && tok.p[tok.n - 1] == '}')))
        return !memchr(tok.p, ' ', tok.n);
    for (size_t i = 0; i < tok.n;) {
        if (gmx_str_starts(gmx_str_sub(tok, i, tok.n), "\xe2\x80\xa6")) {
            i += 3;
            continue;
        }
        if (!strchr("NnXx.*#?_-", tok.p[i]) || !tok.p[i])
            return false;
        i++;
    }
    return tok.n > 0;
}

/* "goroutine NNNNN [chan send, 49 minutes]:", "goroutine XXX [...]",
 * "goroutine <id> [...]", "goroutine ... [...]": rebuilt with the number 0,
 * which reads as unknown. The placeholder is one token of no digit; the
 * rest must parse as a header (its ':' may be lost too). */
bool gmx_gx_hidden_id_header(gx_cleaner *c, gmx_str s, gmx_str *fixed)
{
    static const char head[] = "goroutine ";
    if (!gmx_str_starts(s, head))
        return false;
    gmx_str rest = gmx_str_sub(s, sizeof(head) - 1, s.n);
    size_t sp = gmx_str_find(rest, " [");
    if (sp == SIZE_MAX || sp == 0 || sp > 16)
        return false;
    if (!placeholder(gmx_str_sub(rest, 0, sp)))
        return false;
    gmx_str tail = gmx_str_trim_right(gmx_str_sub(rest, sp, rest.n));
    if (!tail.n || tail.n + sizeof(head) + 2 >= GX_LINE_MAX)
        return false;
    bool colon = tail.p[tail.n - 1] == ':';
    char *buf = gmx_gx_slot(c);
    int n = snprintf(buf, GX_LINE_MAX, "goroutine 0%.*s%s", (int)tail.n, tail.p, colon ? "" : ":");
    gmx_goroutine g;
    if (n <= 0 || n >= GX_LINE_MAX || !gmx_gdump_parse_header(gmx_str_make(buf, (size_t)n), &g))
        return false;
    *fixed = gmx_str_make(buf, (size_t)n);
    c->repairs |= GMX_REPAIR_HIDDEN_IDS;
    return true;
}

bool gmx_gx_counted_header(gx_cleaner *c, gmx_str s, gx_line *out)
{
    static const char words[] = " goroutines [";
    size_t d = digits_at(s, 0);
    if (!d || d > 12 || !gmx_str_starts(gmx_str_sub(s, d, s.n), words))
        return false;
    gmx_str state = gmx_str_sub(s, d + sizeof(words) - 2, s.n);
    char *buf = gmx_gx_slot(c);
    int n = snprintf(buf, GX_LINE_MAX, "goroutine 0 %.*s", (int)state.n, state.p);
    gmx_goroutine g;
    uint64_t count;
    if (n <= 0 || n >= GX_LINE_MAX || !gmx_gdump_parse_header(gmx_str_make(buf, (size_t)n), &g) ||
        !gmx_parse_u64(gmx_str_sub(s, 0, d), &count) || !count)
        return false;
    out->kind = GX_MULT;
    out->count = count;
    out->then = gmx_str_make(buf, (size_t)n);
    return true;
}

/* "Goroutine 87" alone on its line, as an IDE heads a goroutine's call
 * stack it copies: the runtime's header, its state unknown. */
bool gmx_gx_bare_header(gx_cleaner *c, gmx_str s, gmx_str *fixed)
{
    static const char head[] = "Goroutine ";
    if (!gmx_str_starts(s, head))
        return false;
    gmx_str id = gmx_str_sub(s, sizeof(head) - 1, s.n);
    size_t d = digits_at(id, 0);
    if (!d || d > 20 || d != id.n)
        return false;
    char *buf = gmx_gx_slot(c);
    int n = snprintf(buf, GX_LINE_MAX, "goroutine %.*s [unknown]:", (int)d, id.p);
    *fixed = gmx_str_make(buf, (size_t)n);
    c->repairs |= GMX_REPAIR_FRAMES;
    return true;
}

/* "runtime.chansend(...) runtime/chan.go:283": the call, then the file
 * after a space. One frame only: a whole stack flattened onto a line
 * (frames and "created by" after the file, an issue's title) is not one. */
static bool call_then_file(gmx_str s, gx_line *out)
{
    const char *close = memchr(s.p, ')', s.n);
    if (!close)
        return false;
    for (size_t k = (size_t)(close - s.p) + 1; k < s.n; k++) {
        if (!is_space(s.p[k]))
            continue;
        gmx_str call = gmx_str_trim_right(gmx_str_sub(s, 0, k));
        gmx_str where = skip_spaces(gmx_str_sub(s, k + 1, s.n));
        bool one = !memchr(where.p, '(', where.n) && gmx_str_find(where, "created by") == SIZE_MAX;
        if (!one || !gmx_gx_func_like(call) || !gmx_gx_file_line(where))
            return false;
        out->kind = GX_FUNC;
        out->text = call;
        out->then = where;
        return true;
    }
    return false;
}

/* "pkg.(*T).f (/src/f.go:12)" and "created at: pkg.g (/src/g.go:9)": an
 * IDE's copy of a call stack, the function's name then its file in
 * parentheses. Put back as "pkg.(*T).f(...)" or "created by pkg.g" (in a
 * scratch slot) and the file line. */
static bool name_then_file(gx_cleaner *c, gmx_str s, gx_line *out)
{
    static const char created[] = "created at: ";
    bool creator = gmx_str_starts(s, created);
    gmx_str line = creator ? gmx_str_sub(s, sizeof(created) - 1, s.n) : s;
    size_t open = gmx_str_find(line, " (");
    if (open == SIZE_MAX || open == 0 || line.p[line.n - 1] != ')')
        return false;
    gmx_str name = gmx_str_sub(line, 0, open);
    gmx_str where = gmx_str_sub(line, open + 2, line.n - 1);
    if (!gmx_gx_bare_func_like(name) || name.n + 16 >= GX_LINE_MAX || !gmx_gx_file_line(where))
        return false;
    char *buf = gmx_gx_slot(c);
    int n = creator ? snprintf(buf, GX_LINE_MAX, "created by %.*s", (int)name.n, name.p)
                    : snprintf(buf, GX_LINE_MAX, "%.*s(...)", (int)name.n, name.p);
    out->kind = creator ? GX_CREATED : GX_FUNC;
    out->text = gmx_str_make(buf, (size_t)n);
    out->then = where;
    return true;
}

bool gmx_gx_one_line_frame(gx_cleaner *c, gmx_str s, gx_line *out)
{
    if (!call_then_file(s, out) && !name_then_file(c, s, out))
        return false;
    c->repairs |= GMX_REPAIR_FRAMES;
    return true;
}
