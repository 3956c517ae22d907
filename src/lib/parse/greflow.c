/* Stack text a reflow flattened: a report re-wrapped as a paragraph at a
 * width, as a commit message or a mail client does it, with words and paths
 * broken across lines and every line at column 0 (goleak's report in
 * NationalLibraryOfNorway/warchaeology#124). The tolerant reader tries this
 * only when nothing in the file reads: each paragraph of two or more lines
 * (between blank lines and fences) is joined back into one line, then cut
 * again where the runtime's lines begin — a header, a frame, a file line,
 * "created by" — and padded to its own line count, so what is read keeps
 * the line numbers of its paragraph. */
#include "parse/greflow.h"

#include "parse/gdump_header.h"
#include "util/str.h"

#include <string.h>

enum { PARA_MAX = 1 << 16, LINES_MAX = 512 };

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Where a reflow broke a token rather than a space: inside a package path
 * ("workerpool." / "New.func1", "workerpool" / ".New"), before an argument
 * list's close, between a file and its line ("workerpool.go:" / "23"). */
static bool glued(gmx_str a, gmx_str b)
{
    char x = a.p[a.n - 1], y = b.p[0];
    bool ident = b.n > 1 && ((b.p[1] >= 'a' && b.p[1] <= 'z') || (b.p[1] >= 'A' && b.p[1] <= 'Z') ||
                             b.p[1] == '(');
    if (x == ')')
        return false; /* a frame's arguments, then its file: "./x/f.go:9" */
    return x == '.' || x == '/' || x == '(' || (y == '.' && ident) || y == ')' ||
           (is_digit(y) && gmx_str_ends(a, ".go:"));
}

/* "path/file.go:12" */
static bool file_token(gmx_str t)
{
    size_t colon = gmx_str_rfind_char(t, ':');
    if (colon == SIZE_MAX || colon + 1 >= t.n)
        return false;
    for (size_t i = colon + 1; i < t.n; i++)
        if (!is_digit(t.p[i]))
            return false;
    return gmx_str_ends(gmx_str_sub(t, 0, colon), ".go") || gmx_str_ends(gmx_str_sub(t, 0, colon), ".s");
}

/* "pkg.(*T).f(0x1," : a function with the start of its arguments. */
static bool func_token(gmx_str t)
{
    for (size_t i = 1; i < t.n; i++)
        if (t.p[i] == '(' && t.p[i - 1] != '.')
            return memchr(t.p, '.', i) != NULL && t.p[0] != '(' && t.p[0] != '[';
    return false;
}

typedef struct cutter {
    gmx_str text;   /* the joined paragraph */
    size_t at;      /* next token */
    gmx_str lines[LINES_MAX];
    bool tab[LINES_MAX];
    size_t n;
    bool header;    /* a goroutine header came out */
    bool over;
} cutter;

static gmx_str next_token(cutter *c)
{
    while (c->at < c->text.n && c->text.p[c->at] == ' ')
        c->at++;
    size_t a = c->at;
    while (c->at < c->text.n && c->text.p[c->at] != ' ')
        c->at++;
    return gmx_str_sub(c->text, a, c->at);
}

static gmx_str peek_token(cutter *c)
{
    size_t save = c->at;
    gmx_str t = next_token(c);
    c->at = save;
    return t;
}

static void emit(cutter *c, const char *from, const char *to, bool tab)
{
    gmx_str s = gmx_str_trim(gmx_str_make(from, (size_t)(to - from)));
    if (!s.n)
        return;
    if (c->n == LINES_MAX) {
        c->over = true;
        return;
    }
    c->tab[c->n] = tab;
    c->lines[c->n++] = s;
}

/* Takes tokens up to and including the one ending with end; returns its end. */
static const char *until_ends(cutter *c, const char *end)
{
    const char *stop = c->text.p + c->at;
    for (gmx_str t; (t = next_token(c)).n;) {
        stop = t.p + t.n;
        if (gmx_str_ends(t, end))
            break;
    }
    return stop;
}

/* A runtime header starting at the token t ("goroutine 7 [chan receive]:"). */
static bool header_at(cutter *c, gmx_str t)
{
    if (!gmx_str_eq_cstr(t, "goroutine"))
        return false;
    gmx_str rest = gmx_str_sub(c->text, (size_t)(t.p - c->text.p), c->text.n);
    size_t close = gmx_str_find(rest, "]:");
    if (close == SIZE_MAX || close > 200)
        return false;
    gmx_goroutine g;
    return gmx_gdump_parse_header(gmx_str_sub(rest, 0, close + 2), &g);
}

/* goleak's "[Goroutine 7 in state chan receive, with f on top of the stack:" */
static bool leak_header_at(gmx_str t, gmx_str rest)
{
    return (gmx_str_eq_cstr(t, "[Goroutine") || gmx_str_eq_cstr(t, "Goroutine")) &&
           gmx_str_find(rest, " in state ") < 32 && gmx_str_find(rest, "on top of the stack:") != SIZE_MAX;
}

static void cut(cutter *c)
{
    const char *prose = c->text.p; /* start of the text not yet emitted */
    bool stack = false;
    for (gmx_str t; !c->over && (t = next_token(c)).n;) {
        gmx_str rest = gmx_str_sub(c->text, (size_t)(t.p - c->text.p), c->text.n);
        if (leak_header_at(t, rest)) {
            emit(c, prose, t.p, false);
            prose = until_ends(c, "stack:");
            emit(c, t.p, prose, false);
            stack = false;
        } else if (header_at(c, t)) {
            emit(c, prose, t.p, false);
            prose = until_ends(c, "]:");
            emit(c, t.p, prose, false);
            c->header = true;
            stack = true;
        } else if (!stack) {
            continue;
        } else if (file_token(t)) {
            emit(c, prose, t.p, false);
            gmx_str off = peek_token(c);
            prose = gmx_str_starts(off, "+0x") ? (next_token(c), off.p + off.n) : t.p + t.n;
            emit(c, t.p, prose, true);
        } else if (gmx_str_eq_cstr(t, "created") && gmx_str_eq_cstr(peek_token(c), "by")) {
            emit(c, prose, t.p, false);
            next_token(c);
            gmx_str f = next_token(c);
            prose = f.p ? f.p + f.n : c->text.p + c->at;
            if (gmx_str_eq_cstr(peek_token(c), "in")) {
                size_t save = c->at;
                next_token(c);
                gmx_str w = next_token(c), id = next_token(c);
                if (gmx_str_eq_cstr(w, "goroutine") && id.n && is_digit(id.p[0]))
                    prose = id.p + id.n;
                else
                    c->at = save;
            }
            emit(c, t.p, prose, false);
        } else if (func_token(t)) {
            emit(c, prose, t.p, false);
            int depth = 0;
            gmx_str u = t;
            for (;;) {
                for (size_t i = 0; i < u.n; i++)
                    depth += u.p[i] == '(' ? 1 : u.p[i] == ')' ? -1 : 0;
                if (depth <= 0 || !(u = next_token(c)).n)
                    break;
            }
            prose = c->text.p + c->at;
            emit(c, t.p, prose, false);
        } else {
            stack = false; /* the record ended: what follows is prose again */
        }
    }
    emit(c, prose, c->text.p + c->text.n, false);
}

static bool fence(gmx_str s)
{
    return gmx_str_starts(s, "```") || gmx_str_starts(s, "~~~");
}

/* Joins lines [first, first+n) of para into buf; false when too long. */
static bool join(const gmx_str *para, size_t n, char *buf, size_t cap, gmx_str *out)
{
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        gmx_str s = para[i];
        bool space = i && !glued(para[i - 1], s);
        if (len + space + s.n > cap)
            return false;
        if (space)
            buf[len++] = ' ';
        memcpy(buf + len, s.p, s.n);
        len += s.n;
    }
    *out = gmx_str_make(buf, len);
    return true;
}

/* The paragraph as it was: its lines from the input, untouched. */
static int put_raw(gmx_buf *out, const char *from, const char *to)
{
    if (!from)
        return 0;
    return gmx_buf_append(out, from, (size_t)(to - from)) || gmx_buf_putc(out, '\n') ? -1 : 0;
}

/* A paragraph (para, its trimmed lines; from-to, its text in the input):
 * rebuilt when a header comes out of it in no more lines. */
static int paragraph(gmx_buf *out, const gmx_str *para, size_t n, const char *from, const char *to,
                     char *joined, cutter *c, bool *changed)
{
    gmx_str text;
    if (n < 2 || !join(para, n, joined, PARA_MAX, &text))
        return put_raw(out, from, to);
    memset(c, 0, sizeof(*c));
    c->text = text;
    cut(c);
    if (!c->header || c->over || c->n > n)
        return put_raw(out, from, to);
    *changed = true;
    for (size_t i = 0; i < c->n; i++)
        if ((c->tab[i] && gmx_buf_putc(out, '\t')) || gmx_buf_append(out, c->lines[i].p, c->lines[i].n) ||
            gmx_buf_putc(out, '\n'))
            return -1;
    for (size_t i = c->n; i < n; i++)
        if (gmx_buf_putc(out, '\n'))
            return -1;
    return 0;
}

bool gmx_greflow_rebuild(const char *data, size_t len, gmx_buf *out)
{
    static _Thread_local char joined[PARA_MAX];
    static _Thread_local cutter c;
    static _Thread_local gmx_str para[LINES_MAX];
    size_t n = 0, pos = 0;
    const char *from = NULL, *to = NULL;
    bool changed = false;
    while (pos < len) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        gmx_str line = gmx_str_make(data + pos, end - pos);
        gmx_str s = gmx_str_trim(line);
        pos = end + 1;
        if (s.n && !fence(s) && n < LINES_MAX) {
            from = n ? from : line.p;
            to = line.p + line.n;
            para[n++] = s;
            continue;
        }
        if (paragraph(out, para, n, n ? from : NULL, to, joined, &c, &changed) ||
            gmx_buf_append(out, line.p, line.n) || gmx_buf_putc(out, '\n'))
            return false;
        n = 0;
    }
    if (paragraph(out, para, n, n ? from : NULL, to, joined, &c, &changed))
        return false;
    return changed;
}
