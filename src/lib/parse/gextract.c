/* The tolerant reader's line stage (see gextract.h): peel what copying a
 * dump added around each line, outermost first — pager numbers, quote
 * markers, HTML tags and entities, Docker JSON, timestamps and stream tags,
 * syslog tags, a prefix learned from a header — then the indentation, which
 * is rebuilt from what the line is, never trusted. */
#include "parse/gextract.h"
#include "parse/gdlv.h"
#include "parse/gpanicparse.h"
#include "parse/gdump_header.h"
#include "util/cursor.h"
#include "util/num.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static size_t digits_at(gmx_str s, size_t i)
{
    size_t n = 0;
    while (i + n < s.n && is_digit(s.p[i + n]))
        n++;
    return n;
}

/* "   12 text": the pager's number, its width and the text after it. Read
 * in one pass: it is tried on every line of a numbered text. */
static bool pager_number(gmx_str s, uint64_t *n, size_t *skip)
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

static gmx_str strip_indent(gx_cleaner *c, gmx_str s, bool *tab);
static size_t timestamp_prefix(gmx_str s);
static size_t syslog_prefix(gmx_str s);

static gmx_text_wrap learn_wrap(const char *data, size_t len);
static bool func_like(gmx_str s);

/* The widest number column a pager prints (less -N's is eight, cat -n's
 * seven with its tab). */
#define PAGER_COLUMN_MAX 16

/* less -N, cat -n, nl: the first lines numbered one after the other (in
 * a text a terminal wrapped, the rest of a line cut at its width between
 * them, unnumbered); and a blank line after every line (copied from a web
 * UI). */
static void learn_lines(const char *data, size_t len, bool wrapped, gmx_text_layout *layout,
                        bool *double_spaced)
{
    unsigned *pager_column = &layout->pager_column;
    *pager_column = 0;
    unsigned lines = 0, numbered = 0, texts = 0, spaced = 0;
    uint64_t prev = 0;
    size_t pos = 0;
    bool prev_text = false;
    while (pos < len && lines < 64) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        gmx_str s = gmx_str_make(data + pos, end - pos);
        bool text = gmx_str_trim_right(s).n > 0;
        texts += text;
        spaced += prev_text && !text;
        prev_text = text;
        while (s.n && s.p[0] == '>') /* numbered lines quoted in a comment */
            s = gmx_str_sub(s, s.n > 1 && s.p[1] == ' ' ? 2 : 1, s.n);
        uint64_t n;
        size_t skip;
        if (pager_number(s, &n, &skip)) {
            if (!*pager_column && skip <= PAGER_COLUMN_MAX)
                *pager_column = (unsigned)skip;
            numbered += lines == 0 || n == prev + 1;
            prev = n; /* the count goes on from here */
        } else if (!wrapped) {
            prev = 0;
        }
        lines++;
        pos = end + 1;
    }
    layout->pager = lines >= 3 && numbered >= 3 && numbered * 10 >= lines * (wrapped ? 5 : 9);
    layout->pager_pieces = layout->pager && wrapped && numbered * 10 >= lines * 9;
    *double_spaced = texts >= 8 && spaced * 10 >= texts * 9;
}

/* A test runner's indentation: go test prints a test's log lines behind
 * four spaces and their continuation lines behind eight, so a leak
 * checker's report ("leaktest.go:132: leaked goroutine: goroutine 7
 * [chan receive]:", then the stack) has every stack line behind the same
 * spaces. Learned at the first header of the first lines: the spaces
 * before the function line under it, when its file line has them too. */
#define MARGIN_MAX 16

static unsigned learn_margin(const char *data, size_t len)
{
    gmx_cursor c;
    gmx_cursor_init(&c, data, len < ((size_t)1 << 20) ? len : ((size_t)1 << 20));
    gmx_str s, func, file;
    for (unsigned k = 0; k < 64 && gmx_cursor_next(&c, &s); k++) {
        if (gmx_str_find(s, "oroutine") == SIZE_MAX || gmx_gdump_find_header(s) == SIZE_MAX)
            continue;
        if (!gmx_cursor_next(&c, &func) || !gmx_cursor_next(&c, &file))
            return 0;
        size_t n = 0;
        while (n < func.n && func.p[n] == ' ')
            n++;
        func = gmx_str_sub(func, n, func.n);
        if (n < 2 || n > MARGIN_MAX || file.n < n + 2 || file.p[n] != '\t' ||
            memcmp(file.p, "                ", n) != 0 || !func_like(func) ||
            !gmx_gx_file_line(gmx_str_sub(file, n + 1, file.n)))
            return 0;
        return (unsigned)n;
    }
    return 0;
}

/* The wrap first: in wrapped text the rest of a cut line, unnumbered,
 * stands between numbered ones. */
static gmx_text_layout learn_layout(const char *data, size_t len, bool *double_spaced)
{
    gmx_text_layout layout;
    layout.margin = learn_margin(data, len);
    layout.wrap = learn_wrap(data, len);
    learn_lines(data, len, layout.wrap.width != 0, &layout, double_spaced);
    return layout;
}

void gmx_gx_cleaner_init(gx_cleaner *c, const char *data, size_t len)
{
    c->prefix_len = 0;
    c->repairs = 0;
    c->slot = 0;
    c->grep_len = 0;
    c->layout = learn_layout(data, len, &c->double_spaced);
}

gmx_text_layout gmx_text_layout_learn(const void *data, size_t len)
{
    bool double_spaced;
    return learn_layout(data, len, &double_spaced);
}

gmx_str gmx_gx_pager_strip(gmx_str s)
{
    uint64_t n;
    size_t skip;
    return pager_number(s, &n, &skip) ? gmx_str_sub(s, skip, s.n) : s;
}

/* next, the rest of a line a terminal cut, without the pager's marks
 * (gmx_gx_wrap_peek): a suffix of next. */
static gmx_str wrap_piece(const gmx_text_layout *l, gmx_str next)
{
    if (!l->pager)
        return next;
    /* less -N's blank column first: "        06" is the rest of an offset,
     * not the number 6 of an empty line (a number is right-aligned in the
     * column, so no numbered line starts with the column's spaces) */
    size_t blank = 0;
    while (blank < l->pager_column && blank < next.n && next.p[blank] == ' ')
        blank++;
    if (blank && blank == l->pager_column)
        return gmx_str_sub(next, blank, next.n);
    /* a number begins a line of its own unless every piece was numbered:
     * "692 +0x70" is the rest of a cut file line */
    return l->pager_pieces ? gmx_gx_pager_strip(next) : next;
}

/* The UTF-8 characters in p[0, n): the bytes that continue none (all but
 * 10xxxxxx), counted eight at a time. */
static size_t chars_in(const char *p, size_t n)
{
    size_t cont = 0, i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, sizeof(w));
        uint64_t c = w & ~(w << 1) & 0x8080808080808080u; /* bit 7 set, bit 6 clear */
        cont += (size_t)(((c >> 7) * 0x0101010101010101u) >> 56);
    }
    for (; i < n; i++)
        cont += ((unsigned char)p[i] & 0xC0) == 0x80;
    return n - cont;
}

/* The columns a terminal gives s: a tab to the next multiple of eight
 * (tabs8) or one column (a wrap that counted bytes); a UTF-8 sequence one. */
static size_t columns(gmx_str s, bool tabs8)
{
    size_t col = 0;
    for (size_t i = 0; i < s.n;) {
        const char *tab = tabs8 ? memchr(s.p + i, '\t', s.n - i) : NULL;
        size_t end = tab ? (size_t)(tab - s.p) : s.n;
        col += chars_in(s.p + i, end - i);
        if (!tab)
            break;
        col = (col / 8 + 1) * 8;
        i = end + 1;
    }
    return col;
}

/* How a line as wide as the terminal ends: cut mid-token, or as a stack
 * line does (a wrap may still have cut a file line inside its number or
 * offset, or a creator's name short). */
typedef enum line_end {
    END_CUT,
    END_WHOLE,    /* a function line's argument list, a header's "]:" */
    END_FILE,     /* a file line's number or offset */
    END_CREATOR   /* a "created by" line */
} line_end;

/* The runtime prints words, "{...}" and "..." as arguments, never a
 * receiver's "*T": "pkg.(*T)" is a name cut short. */
static line_end line_ends(gmx_str s)
{
    s = gmx_str_trim_right(s);
    if (s.n < 2)
        return END_WHOLE;
    char last = s.p[s.n - 1];
    if (last == ':')
        return s.p[s.n - 2] == ']' ? END_WHOLE : END_CUT;
    if (last == ')') {
        size_t open = gmx_str_rfind_char(s, '(');
        if (open == SIZE_MAX)
            return END_WHOLE; /* the list began on a line before */
        char arg = s.p[open + 1];
        return arg == ')' || arg == '{' || arg == '.' || is_digit(arg) ? END_WHOLE : END_CUT;
    }
    size_t i = 0;
    while (i < s.n && (s.p[i] == ' ' || s.p[i] == '\t'))
        i++;
    gmx_str t = gmx_str_sub(s, i, s.n);
    if (gmx_str_starts(t, "created by "))
        return END_CREATOR;
    /* a file line ends in its number or its offset's hex digits */
    return is_hex(last) && gmx_gx_file_line(t) ? END_FILE : END_CUT;
}

typedef struct widest {
    size_t width;    /* the widest line so far */
    unsigned lines;  /* lines that wide */
    unsigned cut;    /* of which ending mid-token */
    unsigned whole;  /* of which ending as a function line or a header */
} widest;

/* The line after s, without a pager's number or blank column and its
 * indentation, is the rest of a number, offset or registers that s's
 * width cut (a traceback's "pc=0x4b8d" then "d4"). */
static bool file_tail_follows(gmx_str next)
{
    /* "        72" is the rest "72" behind a blank number column, not
     * the number 72 of an empty line */
    gmx_str text = gmx_str_trim(gmx_gx_pager_strip(next));
    if (!text.n)
        text = gmx_str_trim(next);
    return text.n <= 24 && gmx_gx_file_tail(text);
}

static void count_width(widest *w, gmx_str s, gmx_str next, bool tabs8)
{
    size_t n = columns(s, tabs8);
    if (n > w->width)
        *w = (widest){ n, 0, 0, 0 };
    if (n == w->width) {
        line_end e = line_ends(s);
        w->lines++;
        w->cut += e == END_CUT || (e == END_FILE && file_tail_follows(next));
        w->whole += e == END_WHOLE;
    }
}

/* Text a terminal wrapped (a copy from its screen, fold, a CI log of fixed
 * width) has no line wider than the terminal and many exactly that wide,
 * more of them cut mid-token than ending as a function line does (a file
 * line or a creator's may end either way); unwrapped text has one widest
 * line, or a few alike (one stack's frame in many goroutines), none cut.
 * Widths are counted both ways a wrap counts a tab; the one that puts more
 * lines at its widest is the wrap's. */
static gmx_text_wrap learn_wrap(const char *data, size_t len)
{
    widest bytes = { 0, 0, 0, 0 }, tabs8 = { 0, 0, 0, 0 };
    unsigned lines = 0;
    size_t pos = 0;
    while (pos < len && pos < ((size_t)1 << 20) && lines < 4096) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        gmx_str s = gmx_str_make(data + pos, end - pos);
        if (s.n && s.p[s.n - 1] == '\r')
            s.n--;
        if (s.n > GX_LINE_MAX)
            return (gmx_text_wrap){ 0, false }; /* wider than any terminal: not wrapped */
        const char *after = end < len ? data + end + 1 : data + len;
        const char *after_nl = memchr(after, '\n', (size_t)(data + len - after));
        gmx_str next = gmx_str_make(after, (size_t)((after_nl ? after_nl : data + len) - after));
        count_width(&bytes, s, next, false);
        count_width(&tabs8, s, next, true);
        lines++;
        pos = end + 1;
    }
    const widest *w = tabs8.lines >= bytes.lines ? &tabs8 : &bytes;
    bool wrapped = w->width >= 40 && w->cut >= 3 && w->cut > w->whole;
    return (gmx_text_wrap){ wrapped ? w->width : 0, w == &tabs8 };
}

/* Begins as no line of a stack or a profile does: the rest of one. */
static bool fragment(gx_cleaner *c, gmx_str next)
{
    bool tab;
    gmx_str s = strip_indent(c, gmx_str_trim_right(next), &tab);
    if (!s.n)
        return false;
    gx_line l;
    unsigned slot = c->slot;
    gmx_gx_classify(c, s, &l);
    c->slot = slot; /* l's text is not kept: lines read ahead keep their slots */
    return l.kind == GX_OTHER || l.kind == GX_CONT || l.kind == GX_COUNT || l.kind == GX_BARE ||
           l.kind == GX_MULT;
}

/* The rest of a file line cut inside its number, its offset or a
 * traceback's frame registers ("12 +0x1d", "3e", "+0x1d", "fp=0x… sp=0x…
 * pc=0x…", " pc=0x4a"): digits, hex, and the words "+0x", "fp=", "sp=",
 * "pc=" only. A function line has its '(' or '.', a creator, a header or
 * an elision other letters. */
bool gmx_gx_file_tail(gmx_str s)
{
    for (size_t i = 0; i < s.n; i++) {
        char ch = s.p[i];
        if (!is_hex(ch) && ch != 'x' && ch != '+' && ch != ' ' && ch != '=' && ch != 'p' &&
            ch != 's')
            return false;
    }
    return s.n > 0;
}

/* line and next make "created by F in goroutine N", cut anywhere in " in
 * goroutine ". */
static bool goroutine_of_creator(gmx_str line, gmx_str next)
{
    static const char in[] = " in goroutine ";
    const size_t n = sizeof(in) - 1;
    gmx_str end = line;
    for (size_t k = 0; k <= n; k++) {
        if (end.n < k || memcmp(end.p + end.n - k, in, k) != 0)
            continue;
        if (next.n > n - k && memcmp(next.p, in + k, n - k) == 0 && is_digit(next.p[n - k]))
            return true;
    }
    return false;
}

/* At least as many columns as s has: each byte one, a tab eight at most
 * (tabs8). Most lines of a wrapped text are shorter than the wrap, and
 * this tells so without counting their characters (a stack line has a
 * tab or two: its indentation, a pager's after its number). */
static size_t columns_bound(gmx_str s, bool tabs8)
{
    if (!tabs8)
        return s.n;
    size_t bound = s.n;
    for (const char *at = s.p, *end = s.p + s.n;
         (at = memchr(at, '\t', (size_t)(end - at))) != NULL; at++)
        bound += 7;
    return bound;
}

bool gmx_gx_wrap_full(const gmx_text_wrap *w, gmx_str line)
{
    /* a character takes four bytes at most: a longer line is wider */
    return w->width && line.n <= 4 * w->width && columns_bound(line, w->tabs8) >= w->width &&
           columns(line, w->tabs8) == w->width;
}

/* The number a pager put before line s, 0 when it has none. */
static uint64_t pager_line(gmx_str s)
{
    uint64_t n;
    size_t skip;
    return pager_number(s, &n, &skip) ? n : 0;
}

uint64_t gmx_gx_wrap_number(const gmx_text_layout *l, gmx_str raw)
{
    return l->pager && !l->pager_pieces ? pager_line(raw) : 0;
}

bool gmx_gx_wrap_peek(const gmx_text_layout *l, const gmx_cursor *cur, uint64_t number,
                      gmx_str *rest)
{
    if (!gmx_cursor_peek(cur, rest))
        return false;
    /* the pager's next line, not the rest of this one (its number may be
     * as wide as the column: "1696449 /go/…" after a line cut at its end) */
    if (number && pager_line(*rest) == number + 1)
        return false;
    *rest = wrap_piece(l, *rest);
    return true;
}

bool gmx_gx_wrap_joins(gx_cleaner *c, gmx_str line, gmx_str next)
{
    /* a log's next record (a terminal cuts what the log holds, so the rest
     * of a line never starts with a timestamp) */
    if (!next.n || timestamp_prefix(next) || syslog_prefix(next))
        return false;
    switch (line_ends(line)) {
    case END_CUT:
        return true;
    case END_FILE:
        return gmx_gx_file_tail(next);
    case END_CREATOR:
        /* its file line comes indented; the rest of its name, or of
         * " in goroutine N", does not */
        return next.p[0] != '\t' &&
               (goroutine_of_creator(line, next) || (next.p[0] != ' ' && fragment(c, next)));
    case END_WHOLE:
        break;
    }
    return false;
}

static char *slot(gx_cleaner *c)
{
    char *s = c->scratch[c->slot];
    c->slot = (c->slot + 1) % GX_SLOTS;
    return s;
}

/* Tab glyphs of web pages and editors: », ▸, →, ␉, ⇥, and the no-break space. */
size_t gmx_gx_glyph_len(gmx_str s, size_t i)
{
    static const struct {
        char bytes[4];
        size_t n;
    } glyphs[] = { { "\xc2\xbb", 2 },     { "\xe2\x96\xb8", 3 }, { "\xe2\x86\x92", 3 },
                   { "\xe2\x90\x89", 3 }, { "\xe2\x87\xa5", 3 }, { "\xc2\xa0", 2 },
                   { "\xe2\x96\xba", 3 }, { "\xe2\x9e\x9e", 3 } };
    /* Each is two or three bytes of UTF-8 led by 0xc2 or 0xe2: an ASCII
     * byte, as nearly every line starts with, is none of them. */
    if (i >= s.n || ((unsigned char)s.p[i] != 0xc2 && (unsigned char)s.p[i] != 0xe2))
        return 0;
    for (size_t g = 0; g < sizeof(glyphs) / sizeof(glyphs[0]); g++)
        if (i + glyphs[g].n <= s.n && memcmp(s.p + i, glyphs[g].bytes, glyphs[g].n) == 0)
            return glyphs[g].n;
    return 0;
}

/* Box-drawing characters of a stack redrawn as a tree ("└─ pkg.f" under
 * its callee): │ ├ └ ─ ╰ and their heavy forms ┃ ┣ ┗ ━. The runtime never
 * prints them, so at the start of a line they are only the drawing. */
static size_t tree_glyph_len(gmx_str s, size_t i)
{
    static const char *const glyphs[] = { "\xe2\x94\x82", "\xe2\x94\x9c", "\xe2\x94\x94",
                                          "\xe2\x94\x80", "\xe2\x95\xb0", "\xe2\x94\x83",
                                          "\xe2\x94\xa3", "\xe2\x94\x97", "\xe2\x94\x81" };
    if (i >= s.n || (unsigned char)s.p[i] != 0xe2) /* each is 0xe2 and two more bytes */
        return 0;
    for (size_t g = 0; g < sizeof(glyphs) / sizeof(glyphs[0]); g++)
        if (i + 3 <= s.n && memcmp(s.p + i, glyphs[g], 3) == 0)
            return 3;
    return 0;
}

/* Leading tabs, spaces and glyphs. */
static gmx_str strip_indent(gx_cleaner *c, gmx_str s, bool *tab)
{
    size_t i = 0;
    *tab = false;
    for (;;) {
        if (i < s.n && (s.p[i] == ' ' || s.p[i] == '\t')) {
            *tab |= s.p[i] == '\t';
            i++;
            continue;
        }
        size_t g = gmx_gx_glyph_len(s, i);
        if (g) {
            c->repairs |= GMX_REPAIR_TAB_GLYPHS;
            *tab = true;
            i += g;
            continue;
        }
        g = tree_glyph_len(s, i);
        if (!g)
            break;
        c->repairs |= GMX_REPAIR_TREE;
        i += g;
    }
    return gmx_str_sub(s, i, s.n);
}

/* Go's line-comment marker before each line of a report kept in a test
 * file ("\t// [Goroutine 12 in state ...", "//\tpkg.f()"): a quote marker
 * like '>', with the indentation that follows it rebuilt as any line's.
 * The caller says it was removed only where a stack line was behind it
 * (a code comment in a pasted snippet stays prose, unreported). */
static gmx_str strip_comment_marker(gx_cleaner *c, gmx_str s, bool *tab)
{
    if (s.n < 2 || s.p[0] != '/' || s.p[1] != '/')
        return s;
    return strip_indent(c, gmx_str_sub(s, 2, s.n), tab);
}

static gmx_str strip_quotes(gx_cleaner *c, gmx_str s)
{
    size_t i = 0;
    while (i < s.n && s.p[i] == '>') {
        i++;
        if (i < s.n && s.p[i] == ' ')
            i++;
        c->repairs |= GMX_REPAIR_QUOTE;
    }
    return gmx_str_sub(s, i, s.n);
}

/* <details>, <summary>, <pre>, <code> and their ends at either side. */
static gmx_str strip_tags(gx_cleaner *c, gmx_str s)
{
    static const char *const tags[] = { "details", "summary", "pre", "code", "p", "br", "div",
                                        "span", "/details", "/summary", "/pre", "/code", "/p",
                                        "/div", "/span" };
    for (bool again = true; again;) {
        again = false;
        for (int side = 0; side < 2 && s.n; side++) {
            size_t open = side == 0 ? 0 : gmx_str_rfind_char(s, '<');
            if (open == SIZE_MAX || s.p[open] != '<')
                continue;
            gmx_str rest = gmx_str_sub(s, open + 1, s.n);
            size_t close = gmx_str_find(rest, ">");
            if (close == SIZE_MAX || (side == 1 && open + 1 + close + 1 != s.n))
                continue;
            gmx_str name = gmx_str_sub(rest, 0, close);
            for (size_t t = 0; t < sizeof(tags) / sizeof(tags[0]); t++) {
                size_t n = strlen(tags[t]);
                if (name.n >= n && memcmp(name.p, tags[t], n) == 0 &&
                    (name.n == n || name.p[n] == ' ')) {
                    s = side == 0 ? gmx_str_sub(s, close + 2, s.n) : gmx_str_sub(s, 0, open);
                    c->repairs |= GMX_REPAIR_HTML;
                    again = true;
                    break;
                }
            }
        }
    }
    return s;
}

static gmx_str decode_entities(gx_cleaner *c, gmx_str s)
{
    if (!memchr(s.p, '&', s.n) || s.n > GX_LINE_MAX)
        return s;
    static const struct { const char *name; char c; } ents[] = {
        { "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' }, { "&quot;", '"' },
        { "&#34;", '"' }, { "&#39;", '\'' }, { "&#x27;", '\'' }, { "&nbsp;", ' ' },
        { "&#9;", '\t' }, { "&#43;", '+' }
    };
    char *out = slot(c);
    size_t o = 0;
    bool changed = false;
    for (size_t i = 0; i < s.n;) {
        bool hit = false;
        if (s.p[i] == '&') {
            for (size_t e = 0; e < sizeof(ents) / sizeof(ents[0]); e++) {
                size_t n = strlen(ents[e].name);
                if (i + n <= s.n && memcmp(s.p + i, ents[e].name, n) == 0) {
                    out[o++] = ents[e].c;
                    i += n;
                    hit = changed = true;
                    break;
                }
            }
        }
        if (!hit)
            out[o++] = s.p[i++];
    }
    if (!changed)
        return s;
    c->repairs |= GMX_REPAIR_HTML;
    return gmx_str_make(out, o);
}

/* "[pkg.f+0x9](http://pkg.f+0x9)": a Markdown link a web page made of a
 * name that looked like a domain (milvus-io/milvus#27876): its text. */
static gmx_str unlink_md(gx_cleaner *c, gmx_str s)
{
    if (s.n > GX_LINE_MAX || !memchr(s.p, '[', s.n) || gmx_str_find(s, "](http") == SIZE_MAX)
        return s; /* most frame lines hold no '[' */
    char *out = slot(c);
    size_t o = 0;
    for (size_t i = 0; i < s.n;) {
        if (s.p[i] == '[') {
            size_t close = i + 1;
            while (close < s.n && s.p[close] != ']' && s.p[close] != '[')
                close++;
            size_t url = close + 1, end = url;
            if (close < s.n && s.p[close] == ']' && url < s.n && s.p[url] == '(' &&
                gmx_str_starts(gmx_str_sub(s, url + 1, s.n), "http")) {
                while (end < s.n && s.p[end] != ')' && s.p[end] != ' ')
                    end++;
                /* the URL may hold the receiver's parentheses: "(*T).f" */
                while (end + 1 < s.n && s.p[end] == ')' && s.p[end + 1] != ' ')
                    for (end++; end < s.n && s.p[end] != ')' && s.p[end] != ' ';)
                        end++;
                if (end < s.n && s.p[end] == ')') {
                    memcpy(out + o, s.p + i + 1, close - i - 1);
                    o += close - i - 1;
                    i = end + 1;
                    continue;
                }
            }
        }
        out[o++] = s.p[i++];
    }
    return gmx_str_make(out, o);
}

/* A JSON record that carries one line of a program's output, as log
 * collectors and test runners write them: its text field's string.
 *   {"log":"goroutine 1 [running]:\n","stream":"stderr",...}   Docker's json-file, Fluent Bit
 *   {"Time":...,"Action":"output",...,"Output":"\tmain.go:5\n"} go test -json
 *   {"MESSAGE":"goroutine 1 [running]:",...}                   journalctl -o json
 *   {"textPayload":"goroutine 1 [running]:",...}               Cloud Logging's export
 *   {"timestamp":...,"message":"goroutine 1 [running]:"}        CloudWatch's export
 * A field is the line when its string ends the line it carries ("\n"), or,
 * for the fields of one entry a line, when the record is whole on the line
 * (it ends with '}'): a line cut out of a longer record (a dump logged as
 * one string, gescaped.c) keeps its own text. */
static const struct {
    const char *key;
    bool ends_line;
} text_fields[] = {
    { "\"log\":\"", true },
    { "\"Output\":\"", true },
    { "\"MESSAGE\":\"", false },
    { "\"textPayload\":\"", false },
    { "\"message\":\"", false },
};

/* The string that starts at s.p[at] (after its quote) into out: escapes
 * decoded, up to the closing quote. Its length; *closed when the quote
 * was there, *newline when "\n" ended the string. */
static size_t json_string(gmx_str s, size_t at, char *out, bool *closed, bool *newline)
{
    size_t o = 0;
    *closed = *newline = false;
    for (size_t i = at; i < s.n; i++) {
        char ch = s.p[i];
        if (ch == '"') {
            *closed = true;
            break;
        }
        *newline = false;
        if (ch == '\\' && i + 1 < s.n) {
            char e = s.p[++i];
            if (e == 'n' || e == 'r') {
                *newline = e == 'n';
                continue;
            }
            uint64_t v = 0;
            if (e == 'u' && i + 4 < s.n && gmx_parse_hex_u64(gmx_str_sub(s, i + 1, i + 5), &v)) {
                i += 4;
                o += gmx_utf8_put(out + o, v >= 0xd800 && v < 0xe000 ? 0xfffd : (uint32_t)v);
                continue;
            }
            ch = e == 't' ? '\t' : e;
        }
        out[o++] = ch;
    }
    return o;
}

static gmx_str json_record(gx_cleaner *c, gmx_str s)
{
    if (s.n < 8 || s.p[0] != '{' || s.p[1] != '"' || s.n > GX_LINE_MAX)
        return s;
    char *out = NULL;
    for (size_t k = 0; k < sizeof(text_fields) / sizeof(text_fields[0]); k++) {
        size_t at = gmx_str_find(s, text_fields[k].key);
        if (at == SIZE_MAX)
            continue;
        if (!out)
            out = slot(c);
        bool closed, newline;
        size_t n = json_string(s, at + strlen(text_fields[k].key), out, &closed, &newline);
        if (!closed || (text_fields[k].ends_line ? !newline : s.p[s.n - 1] != '}'))
            continue;
        c->repairs |= GMX_REPAIR_LOG_PREFIX;
        return gmx_str_make(out, n);
    }
    return s;
}

/* "2024-01-01T00:00:00.000Z ", "[2024-01-01 00:00:00,123] ", "2024/01/01
 * 00:00:00 ", then Kubernetes' "stderr F ". Length of the prefix, or 0. */
static size_t timestamp_prefix(gmx_str s)
{
    size_t i = 0;
    bool bracket = s.n && s.p[0] == '[';
    i += bracket;
    if (digits_at(s, i) != 4 || i + 19 > s.n || (s.p[i + 4] != '-' && s.p[i + 4] != '/'))
        return 0;
    /* "0000-00-00T00:00:00", '/' for '-' and ' ' for 'T' allowed: the
     * year's digits and first separator were looked at above */
    const char *d = s.p + i;
    static const unsigned char digits[] = { 5, 6, 8, 9, 11, 12, 14, 15, 17, 18 };
    if ((d[7] != '-' && d[7] != '/') || (d[10] != 'T' && d[10] != ' ') || d[13] != ':' ||
        d[16] != ':')
        return 0;
    for (size_t k = 0; k < sizeof(digits); k++)
        if (!is_digit(d[digits[k]]))
            return 0;
    i += 19;
    if (i < s.n && (s.p[i] == '.' || s.p[i] == ','))
        i += 1 + digits_at(s, i + 1);
    if (i < s.n && s.p[i] == 'Z')
        i++;
    else if (i + 5 < s.n && (s.p[i] == '+' || s.p[i] == '-') && is_digit(s.p[i + 1])) {
        i += 3;
        if (i < s.n && s.p[i] == ':')
            i++;
        i += digits_at(s, i);
    }
    if (bracket) {
        if (i >= s.n || s.p[i] != ']')
            return 0;
        i++;
    }
    if (i < s.n && s.p[i] != ' ' && s.p[i] != '\t')
        return 0;
    while (i < s.n && (s.p[i] == ' ' || s.p[i] == '\t'))
        i++;
    gmx_str rest = gmx_str_sub(s, i, s.n);
    if ((gmx_str_starts(rest, "stderr ") || gmx_str_starts(rest, "stdout ")) && rest.n >= 8 &&
        (rest.p[7] == 'F' || rest.p[7] == 'P') && (rest.n == 8 || rest.p[8] == ' '))
        i += rest.n == 8 ? 8 : 9;
    return i;
}

size_t gmx_gx_log_prefix_len(gmx_str s)
{
    size_t n = timestamp_prefix(s);
    return n ? n : syslog_prefix(s);
}

/* "Jan  2 15:04:05 host unit[123]: ": syslog and journald. */
static size_t syslog_prefix(gmx_str s)
{
    if (s.n < 20 || !(s.p[0] >= 'A' && s.p[0] <= 'Z') || s.p[3] != ' ')
        return 0;
    size_t i = 4;
    if (s.p[i] == ' ')
        i++;
    i += digits_at(s, i);
    if (i + 9 > s.n || s.p[i] != ' ' || !is_digit(s.p[i + 1]) || s.p[i + 3] != ':' ||
        s.p[i + 6] != ':')
        return 0;
    i += 9;
    i += digits_at(s, i + 1) && s.p[i] == '.' ? 1 + digits_at(s, i + 1) : 0;
    if (i >= s.n || s.p[i] != ' ')
        return 0;
    /* host, then a tag ending in ':' */
    size_t host = gmx_str_find(gmx_str_sub(s, i + 1, s.n), " ");
    if (host == SIZE_MAX)
        return 0;
    size_t tag = i + 1 + host + 1;
    size_t end = gmx_str_find(gmx_str_sub(s, tag, s.n), ": ");
    if (end == SIZE_MAX || end == 0 || end > 64 ||
        memchr(s.p + tag, ' ', end) != NULL)
        return 0;
    return tag + end + 2;
}

static inline char shape_of(char ch)
{
    return is_digit(ch) ? '0' : ch;
}

static gmx_str strip_learned(const gx_cleaner *c, gmx_str s)
{
    if (!c->prefix_len || s.n < c->prefix_len)
        return s;
    for (size_t i = 0; i < c->prefix_len; i++)
        if (shape_of(s.p[i]) != c->prefix[i])
            return s;
    return gmx_str_sub(s, c->prefix_len, s.n);
}

static gmx_str strip_logs(gx_cleaner *c, gmx_str s)
{
    for (int round = 0; round < 3; round++) {
        gmx_str before = s;
        s = json_record(c, s);
        size_t n = timestamp_prefix(s);
        if (!n)
            n = syslog_prefix(s);
        if (n) {
            s = gmx_str_sub(s, n, s.n);
            c->repairs |= GMX_REPAIR_LOG_PREFIX;
        }
        if (s.p == before.p && s.n == before.n)
            break;
    }
    return s;
}

/* A counting grep's command, then the number it printed: one count of the
 * goroutines whose stacks hold the pattern. */
static void grep_answer(gx_cleaner *c, gmx_str s, gx_line *out)
{
    if (out->kind == GX_BLANK)
        return;
    uint64_t n;
    if (c->grep_len && out->kind == GX_OTHER && gmx_gx_number_alone(s, &n) && n) {
        out->kind = GX_COUNT;
        out->count = n;
        out->rest = gmx_str_make(c->grep, c->grep_len);
        out->strong = true;
        out->grepped = true;
        c->grep_len = 0;
        return;
    }
    c->grep_len = 0;
    gmx_str pattern;
    if (out->kind == GX_OTHER && gmx_gx_grep_count(s, &pattern) && pattern.n <= sizeof(c->grep)) {
        memcpy(c->grep, pattern.p, pattern.n);
        c->grep_len = pattern.n;
    }
}

/* HTML tags at either side and entities: what a page wrapped the line in. */
static gmx_str strip_html(gx_cleaner *c, gmx_str s)
{
    if (s.n && (s.p[0] == '<' || s.p[s.n - 1] == '>'))
        s = strip_tags(c, s);
    return decode_entities(c, s);
}

/* Where a note typed after a stack line begins, or SIZE_MAX: whitespace,
 * then an arrow or a comment mark ("<-- stuck here", "← 46 hours",
 * "// this one", "# here"), e.g. "f.go:2029    <-- stuck in select". Only
 * the first mark after a gap counts; the caller keeps the cut only when
 * what is left before it is a stack line. */
static size_t note_start(gmx_str s)
{
    static const char *const marks[] = { "<-", "\xe2\x86\x90", "//", "#" };
    for (size_t i = 1; i < s.n; i++) {
        if (s.p[i - 1] != ' ' && s.p[i - 1] != '\t')
            continue;
        gmx_str rest = gmx_str_sub(s, i, s.n);
        for (size_t m = 0; m < sizeof(marks) / sizeof(marks[0]); m++)
            if (gmx_str_starts(rest, marks[m]))
                return i;
    }
    return SIZE_MAX;
}

/* A stack line with a note typed after it, read as the line alone. */
static bool strip_note(gx_cleaner *c, gmx_str s, gx_line *out)
{
    size_t at = note_start(s);
    if (at == SIZE_MAX)
        return false;
    gmx_str line = gmx_str_trim_right(gmx_str_sub(s, 0, at));
    gx_line plain = { .kind = GX_OTHER };
    gmx_gx_classify(c, line, &plain);
    if (plain.kind != GX_HEADER && plain.kind != GX_FUNC && plain.kind != GX_FILE &&
        plain.kind != GX_CREATED)
        return false;
    plain.indented = out->indented;
    plain.logged = out->logged;
    plain.lineno = out->lineno;
    *out = plain;
    c->repairs |= GMX_REPAIR_NOTES;
    return true;
}

gmx_str gmx_gx_unwrap(gx_cleaner *c, gmx_str s)
{
    s = gmx_str_trim_right(s);
    if (s.n && s.p[0] == '>')
        s = strip_quotes(c, s);
    return strip_html(c, s);
}

void gmx_gx_read_line(gx_cleaner *c, gmx_str raw, uint64_t lineno, gx_line *out)
{
    gmx_str s = gmx_str_trim_right(raw);
    if (s.n != raw.n && raw.n && raw.p[raw.n - 1] == '\r')
        s = gmx_str_trim_right(s);
    if (s.n && s.p[0] == '>')
        s = strip_quotes(c, s);
    if (c->layout.pager) {
        uint64_t n;
        size_t skip;
        if (pager_number(s, &n, &skip)) {
            s = gmx_str_sub(s, skip, s.n);
            c->repairs |= GMX_REPAIR_PAGER;
        }
    }
    s = strip_html(c, s);
    gmx_str before_logs = s;
    s = strip_logs(c, s);
    bool logged = s.n != before_logs.n;
    bool tab, tab2;
    s = strip_indent(c, s, &tab);
    if (c->prefix_len) {
        gmx_str t = strip_learned(c, s);
        if (t.n != s.n) {
            s = strip_indent(c, t, &tab2);
            tab = tab2;
            logged = true;
        }
    }
    if (s.n && s.p[0] == '>')
        s = strip_indent(c, strip_quotes(c, s), &tab);
    gmx_str commented = s;
    s = strip_comment_marker(c, s, &tab);
    gmx_gx_classify(c, s, out);
    if (s.p != commented.p && out->kind != GX_OTHER)
        c->repairs |= GMX_REPAIR_QUOTE;
    out->indented = tab;
    out->logged = logged;
    out->lineno = lineno;
    if (out->kind == GX_OTHER || out->kind == GX_HASH_FRAME || out->kind == GX_FUNC ||
        out->kind == GX_FILE) {
        /* unwrapped only where that makes the line stack text */
        gmx_str t = unlink_md(c, s);
        gx_line plain = { .kind = GX_OTHER };
        if (t.n != s.n)
            gmx_gx_classify(c, t, &plain);
        if (plain.kind != GX_OTHER) {
            plain.indented = tab;
            plain.logged = logged;
            plain.lineno = lineno;
            *out = plain;
            s = t;
            c->repairs |= GMX_REPAIR_LINKS;
        }
    }
    if (out->kind == GX_OTHER && strip_note(c, s, out))
        s = out->text;
    grep_answer(c, s, out);
    if (out->kind == GX_HEADER && out->header_at && !out->reported && !c->prefix_len &&
        out->header_at <= GX_PREFIX_MAX) {
        /* An unknown per-line prefix before the header: learn its shape. */
        for (size_t i = 0; i < out->header_at; i++)
            c->prefix[i] = shape_of(s.p[i]);
        c->prefix_len = out->header_at;
        c->repairs |= GMX_REPAIR_LOG_PREFIX;
    }
}

/* Ends s as the runtime ends a file line after its number: nothing, or
 * " +0x1d" and " fp=.. sp=.. pc=..". */
static bool file_line_end(gmx_str s)
{
    return !s.n || gmx_str_starts(s, " +0x") || gmx_str_starts(s, " fp=");
}

/* "/path/file.go:12", then " +0x1d" and " fp=.. sp=.. pc=..". Found at
 * its colon: a function line, cut or whole, rarely has one, so most
 * lines that are no file line are told so by one memchr. */
bool gmx_gx_file_line(gmx_str s)
{
    if (!s.n)
        return false;
    const char *end = s.p + s.n;
    for (const char *c = memchr(s.p, ':', s.n); c; c = memchr(c + 1, ':', (size_t)(end - c - 1))) {
        size_t colon = (size_t)(c - s.p);
        size_t digits = digits_at(s, colon + 1);
        if (!colon || !digits || !file_line_end(gmx_str_sub(s, colon + 1 + digits, s.n)))
            continue;
        gmx_str path = gmx_str_sub(s, 0, colon);
        /* Go source, assembly, cgo's C: what the runtime prints file lines
         * of; and, up to Go 1.3, the runtime's own .goc files (Go-flavoured C). */
        return gmx_str_ends(path, ".go") || gmx_str_ends(path, ".s") || gmx_str_ends(path, ".c") ||
               gmx_str_ends(path, ".goc") || gmx_str_eq_cstr(path, "<autogenerated>");
    }
    static const char autogen[] = "<autogenerated>";
    return gmx_str_starts(s, autogen) && file_line_end(gmx_str_sub(s, sizeof(autogen) - 1, s.n));
}

/* "pkg.(*T).f(0x1, ...)": the last '(' opens the arguments; no spaces before it. */
static bool func_like(gmx_str s)
{
    if (s.n < 3 || s.p[s.n - 1] != ')')
        return false;
    if (gmx_str_starts(s, "non-Go function at pc="))
        return true;
    size_t open = gmx_str_rfind_char(s, '(');
    if (open == SIZE_MAX || open == 0)
        return false;
    /* "(*T)" receivers: the argument list is the last top-level "(...)". */
    return memchr(s.p, ' ', open) == NULL && s.p[0] != '(' && s.p[0] != '[' &&
           memchr(s.p, '.', open) != NULL;
}

static bool title_like(gmx_str s)
{
    size_t at = gmx_str_find(s, " profile: total ");
    uint64_t n;
    return at != SIZE_MAX && at && memchr(s.p, ' ', at) == NULL &&
           gmx_parse_u64(gmx_str_sub(s, at + 16, s.n), &n);
}

bool gmx_gx_leak_words(gmx_str s)
{
    return gmx_str_find(s, "eaked goroutine") != SIZE_MAX ||
           gmx_str_find(s, "oo many goroutines running") != SIZE_MAX || /* etcd testutil */
           gmx_str_find(s, "appears to have leaked") != SIZE_MAX ||
           gmx_str_find(s, "found unexpected goroutines") != SIZE_MAX ||
           gmx_str_find(s, "eaked goroutines") != SIZE_MAX;
}

/* A uniq -c line: "  1024 chan receive", "17 [select]:", "3 main.f". */
static bool count_like(gmx_str s, gx_line *out)
{
    size_t d = digits_at(s, 0);
    if (!d || d + 1 >= s.n || s.p[d] != ' ' || !gmx_parse_u64(gmx_str_sub(s, 0, d), &out->count))
        return false;
    gmx_str rest = gmx_str_sub(s, d + 1, s.n);
    while (rest.n && rest.p[0] == ' ')
        rest = gmx_str_sub(rest, 1, rest.n);
    if (!rest.n || rest.n > 200)
        return false;
    if (rest.p[0] == '[') {
        size_t close = gmx_str_rfind_char(rest, ']');
        if (close == SIZE_MAX || close < 2)
            return false;
        out->rest = gmx_str_sub(rest, 1, close);
        out->strong = true;
        return true;
    }
    /* "created by pkg.f" (a histogram of creators), "pkg.f(0x1, 0x2)" (of
     * frames with their arguments): the function name. */
    if (gmx_str_starts(rest, "created by ")) {
        rest = gmx_str_sub(rest, 11, rest.n);
        size_t in = gmx_str_find(rest, " in goroutine ");
        if (in != SIZE_MAX)
            rest = gmx_str_sub(rest, 0, in);
        if (!rest.n || memchr(rest.p, ' ', rest.n) || !memchr(rest.p, '.', rest.n))
            return false;
        out->rest = rest;
        out->created = true;
        out->strong = true;
        return true;
    }
    /* The argument list: the first "(" that does not open a receiver
     * ("pkg.(*T).f"), whole or cut ("f(", awk -F 0x leaves that). */
    size_t args = SIZE_MAX;
    for (size_t i = 1; i < rest.n && args == SIZE_MAX; i++)
        if (rest.p[i] == '(' && rest.p[i - 1] != '.')
            args = i;
    if (args != SIZE_MAX && (rest.p[rest.n - 1] == ')' || args == rest.n - 1)) {
        gmx_str name = gmx_str_sub(rest, 0, args);
        if (!memchr(name.p, ' ', name.n) && memchr(name.p, '.', name.n)) {
            out->rest = name;
            /* a package path or a method: no prose is written so */
            out->strong = memchr(name.p, '/', name.n) || gmx_str_find(name, ").") != SIZE_MAX;
            return true;
        }
    }
    /* a wait reason (lower-case words) or a function name (no spaces) */
    bool spaces = memchr(rest.p, ' ', rest.n) != NULL;
    for (size_t i = 0; i < rest.n; i++) {
        char ch = rest.p[i];
        if (spaces && !((ch >= 'a' && ch <= 'z') || ch == ' ' || ch == '(' || ch == ')' ||
                        ch == '.' || ch == '-' || (ch >= 'A' && ch <= 'Z')))
            return false;
    }
    if (!spaces && !memchr(rest.p, '.', rest.n) && !(rest.p[0] >= 'a' && rest.p[0] <= 'z'))
        return false;
    out->rest = rest;
    return true;
}

/* "pkg.(*T).f N=81848" (go tool trace lists goroutines by function). */
static bool trace_count_like(gmx_str s, gx_line *out)
{
    size_t at = gmx_str_find(s, " N=");
    if (at == SIZE_MAX || at == 0 || digits_at(s, at + 3) != s.n - at - 3 ||
        !gmx_parse_u64(gmx_str_sub(s, at + 3, s.n), &out->count))
        return false;
    gmx_str name = gmx_str_sub(s, 0, at);
    if (memchr(name.p, ' ', name.n) || !memchr(name.p, '.', name.n))
        return false;
    out->rest = name;
    out->strong = true;
    return true;
}

/* "gopkg.in/redis.v5/internal/pool.(*ConnPool).reaper": a Go function name
 * alone on its line, as hand-trimmed stacks show frames. */
static bool bare_func_like(gmx_str s)
{
    if (s.n < 4 || s.n > 512 || !((s.p[0] >= 'a' && s.p[0] <= 'z') || (s.p[0] >= 'A' && s.p[0] <= 'Z')))
        return false;
    size_t dots = 0;
    for (size_t i = 0; i < s.n; i++) {
        char ch = s.p[i];
        if (ch == '.')
            dots++;
        else if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || is_digit(ch) ||
                   ch == '_' || ch == '/' || ch == '*' || ch == '(' || ch == ')' || ch == '-' ||
                   ch == '[' || ch == ']'))
            return false;
    }
    /* a package path and a name: "runtime.gopark", "x/y.(*T).m" */
    return dots && s.p[s.n - 1] != '.' && s.p[s.n - 1] != ')' &&
           !gmx_str_ends(s, ".go") && !gmx_str_ends(s, ".md") && !gmx_str_ends(s, ".txt");
}

/* "runtime_SemacquireMutex" alone on its line: a frame of sync's waits
 * (runtime_Semacquire, runtime_SemacquireMutex, runtime_SemacquireRWMutexR,
 * runtime_notifyListWait...) written without the package the runtime prints. */
static bool sync_linkname(gmx_str s)
{
    static const char *const names[] = { "runtime_Semacquire", "runtime_notifyListWait" };
    bool known = false;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        known |= gmx_str_starts(s, names[i]);
    if (!known || s.n > 64)
        return false;
    for (size_t i = 0; i < s.n; i++) {
        char ch = s.p[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || is_digit(ch) || ch == '_'))
            return false;
    }
    return true;
}

/* "101 instances of:", "10 *", "10 x", "10x", "10 ×": a count for the
 * stack that follows, written on a line of its own. */
static bool mult_like(gmx_str s, gx_line *out)
{
    size_t d = digits_at(s, 0);
    if (!d || !gmx_parse_u64(gmx_str_sub(s, 0, d), &out->count))
        return false;
    gmx_str rest = gmx_str_trim(gmx_str_sub(s, d, s.n));
    return gmx_str_eq_cstr(rest, "instances of:") || gmx_str_eq_cstr(rest, "instance of:") ||
           gmx_str_eq_cstr(rest, "*") || gmx_str_eq_cstr(rest, "x") ||
           gmx_str_eq_cstr(rest, "\xc3\x97") || gmx_str_eq_cstr(rest, "times:");
}

/* Case-insensitive search for a lower-case needle. */
static bool has_word(gmx_str s, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= s.n; i++) {
        size_t k = 0;
        while (k < n && (s.p[i + k] | 0x20) == needle[k])
            k++;
        if (k == n)
            return true;
    }
    return false;
}

enum { PROSE_COUNT_MAX = 1000000000 };

/* The line points at the stack pasted after it: "the following", or a
 * closing ':' after "excerpt" or "sample" ("… in LevelDB storage code. An
 * excerpt:"). */
static bool points_ahead(gmx_str s)
{
    if (has_word(s, "following"))
        return true;
    while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t'))
        s.n--;
    return s.n && s.p[s.n - 1] == ':' && (has_word(s, "excerpt") || has_word(s, "sample"));
}

/* A number written in prose at s.p[i], its thousands grouped or not
 * ("40000", "40,000", "12 651"): its value, and where it ends in *end. */
static uint64_t prose_number(gmx_str s, size_t i, size_t *end)
{
    uint64_t v = 0;
    size_t j = i;
    for (;;) {
        while (j < s.n && is_digit(s.p[j])) {
            v = v > UINT64_MAX / 10 - 9 ? UINT64_MAX / 10 : v * 10 + (uint64_t)(s.p[j] - '0');
            j++;
        }
        /* A separator then exactly three digits continues the number. */
        if (j + 3 < s.n && (s.p[j] == ',' || s.p[j] == ' ') && digits_at(s, j + 1) == 3)
            j++;
        else
            break;
    }
    *end = j;
    return v;
}

/* Where a number in prose starts: a digit not inside another token. */
static bool number_starts(gmx_str s, size_t i)
{
    return is_digit(s.p[i]) && !(i && (is_digit(s.p[i - 1]) || s.p[i - 1] == '.' ||
                                       s.p[i - 1] == 'x' || s.p[i - 1] == ':' ||
                                       s.p[i - 1] == ','));
}

/* The next number in prose from *i on: its value, *i moved past it. */
static bool next_number(gmx_str s, size_t *i, uint64_t *v)
{
    while (*i < s.n && !number_starts(s, *i))
        (*i)++;
    if (*i >= s.n)
        return false;
    *v = prose_number(s, *i, i);
    return true;
}

bool gmx_gx_prose_count(gmx_str s, uint64_t *count)
{
    if (s.n > GX_LINE_MAX || !points_ahead(s))
        return false;
    uint64_t best = 0, v;
    /* "40000+ of", "40,000 goroutines", "(40000+) of": a number and what it counts. */
    for (size_t i = 0; next_number(s, &i, &v);) {
        size_t k = i;
        while (k < s.n && (s.p[k] == '+' || s.p[k] == ')'))
            k++;
        gmx_str after = gmx_str_sub(s, k, s.n);
        /* Past a billion it is no count of goroutines but some other number. */
        if ((gmx_str_starts(after, " of ") || gmx_str_starts(after, " goroutines") ||
             gmx_str_starts(after, " instances") || gmx_str_starts(after, " copies")) &&
            v > best && v <= PROSE_COUNT_MAX)
            best = v;
    }
    if (!best) {
        static const struct {
            const char *word;
            uint64_t n;
        } words[] = { { "millions of", 1000000 }, { "tens of thousands of", 10000 },
                      { "thousands of", 1000 }, { "thousands (", 1000 },
                      /* hyperbole for more than anyone counted: a thousand at least */
                      { "zillions of", 1000 },
                      { "hundreds of", 100 } };
        for (size_t w = 0; w < sizeof(words) / sizeof(words[0]) && !best; w++)
            if (has_word(s, words[w].word))
                best = words[w].n;
    }
    if (best < 2)
        return false;
    *count = best;
    return true;
}

/* A runtime header whose ':' was lost (typed out by hand, or a renderer
 * took it): "goroutine 7 [select, 612 minutes]" alone on its line. Only the
 * whole line counts, so prose about a goroutine never does. The text with
 * its ':' put back goes to a scratch slot; true when that parses. */
static bool colon_lost_header(gx_cleaner *c, gmx_str s, gmx_str *fixed)
{
    while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t'))
        s.n--;
    if (!gmx_str_starts(s, "goroutine ") || !s.n || s.p[s.n - 1] != ']' || s.n + 1 >= GX_LINE_MAX)
        return false;
    char *buf = slot(c);
    memcpy(buf, s.p, s.n);
    buf[s.n] = ':';
    gmx_goroutine g;
    if (!gmx_gdump_parse_header(gmx_str_make(buf, s.n + 1), &g))
        return false;
    *fixed = gmx_str_make(buf, s.n + 1);
    return true;
}

/* goleak's record with what its poster left out written "...":
 * "[Goroutine ... with pkg.f on top of the stack ...]" (the number, the
 * state or the stack elided). Rebuilt as the record's header, its state
 * unknown when elided; *top is the function it names, the stack's one
 * known frame. A record whole but for its ":" is left to the header test. */
static bool elided_leak_record(gx_cleaner *c, gmx_str s, gmx_str *fixed, gmx_str *top)
{
    static const char head[] = "Goroutine ", state_mark[] = " in state ", with[] = " with ",
                      tail[] = " on top of the stack";
    if (s.n && s.p[0] == '[')
        s = gmx_str_sub(s, 1, s.n);
    if (!gmx_str_starts(s, head))
        return false;
    gmx_str rest = gmx_str_sub(s, sizeof(head) - 1, s.n);
    bool elided = false;
    uint64_t id = 0;
    size_t digits = gmx_scan_u64(rest, &id);
    if (digits) {
        rest = gmx_str_sub(rest, digits, rest.n);
    } else if (gmx_str_starts(rest, "...")) {
        rest = gmx_str_sub(rest, 3, rest.n);
        elided = true;
    } else {
        return false;
    }
    gmx_str state = gmx_str_make("unknown", 7);
    size_t w = gmx_str_find(rest, with);
    size_t t = gmx_str_find(rest, tail);
    if (w == SIZE_MAX || t == SIZE_MAX || t <= w + sizeof(with) - 1)
        return false;
    if (gmx_str_starts(rest, state_mark)) {
        state = gmx_str_sub(rest, sizeof(state_mark) - 1, w);
        if (state.n && state.p[state.n - 1] == ',')
            state.n--;
    } else if (w > 1 || (w == 1 && rest.p[0] != ',')) {
        return false;
    }
    gmx_str func = gmx_str_sub(rest, w + sizeof(with) - 1, t);
    gmx_str after = gmx_str_sub(rest, t + sizeof(tail) - 1, rest.n);
    if (!func.n || !state.n || gmx_str_find(func, " ") != SIZE_MAX ||
        gmx_str_find(func, ".") == SIZE_MAX)
        return false;
    /* the stack's place kept (elided or not before), or the stack cut */
    bool kept = gmx_str_eq_cstr(after, ":") || gmx_str_eq_cstr(after, ":]");
    bool cut = gmx_str_eq_cstr(after, " ...]") || gmx_str_eq_cstr(after, "...]") ||
               gmx_str_eq_cstr(after, " ...") || gmx_str_eq_cstr(after, ": ...]") ||
               gmx_str_eq_cstr(after, "]");
    if (!cut && !(kept && elided))
        return false;
    char *buf = slot(c);
    int n = snprintf(buf, GX_LINE_MAX,
                     "[Goroutine %llu in state %.*s, with %.*s on top of the stack:",
                     (unsigned long long)id, (int)state.n, state.p, (int)func.n, func.p);
    if (n <= 0 || n >= GX_LINE_MAX - (int)func.n - 1)
        return false;
    gmx_goroutine g;
    if (!gmx_gdump_parse_any_header(gmx_str_make(buf, (size_t)n), &g))
        return false;
    /* the function kept after the header, in the same slot */
    memcpy(buf + n + 1, func.p, func.n);
    *fixed = gmx_str_make(buf, (size_t)n);
    *top = gmx_str_make(buf + n + 1, func.n);
    return true;
}

void gmx_gx_classify(gx_cleaner *c, gmx_str s, gx_line *out)
{
    out->text = s;
    out->header_at = 0;
    out->reported = false;
    out->elided_top = (gmx_str){ NULL, 0 };
    out->count = 0;
    out->strong = false;
    out->rest = (gmx_str){ NULL, 0 };
    out->created = false;
    out->grepped = false;
    /* "--" alone: the separator grep -A/-B/-C prints between the groups it
     * cut out of a dump, which ends a stack as a blank line does. */
    if (!s.n || gmx_str_eq_cstr(s, "--")) {
        out->kind = GX_BLANK;
        return;
    }
    char c0 = s.p[0];
    if (gmx_str_starts(s, "```") || gmx_str_starts(s, "~~~")) {
        out->kind = GX_FENCE;
        return;
    }
    if (c0 == '#') {
        out->kind = gmx_str_starts(s, "# labels: ") ? GX_LABELS : GX_HASH_FRAME;
        return;
    }
    if (is_digit(c0) && mult_like(s, out)) {
        out->kind = GX_MULT;
        return;
    }
    if (is_digit(c0)) {
        size_t d = digits_at(s, 0);
        if (gmx_str_starts(gmx_str_sub(s, d, s.n), " @") &&
            (s.n == d + 2 || s.p[d + 2] == ' ') && gmx_parse_u64(gmx_str_sub(s, 0, d), &out->count)) {
            out->kind = GX_RECORD;
            return;
        }
    }
    if (gmx_str_starts(s, "0x") && s.n > 3 && is_hex(s.p[2])) {
        size_t i = 2;
        while (i < s.n && is_hex(s.p[i]))
            i++;
        if (i < s.n && (s.p[i] == '\t' || s.p[i] == ' ')) {
            out->kind = GX_PC_FRAME;
            return;
        }
    }
    if (gmx_str_starts(s, "+0x") || gmx_str_starts(s, "fp=0x")) {
        out->kind = GX_CONT;
        return;
    }
    if ((c0 == 'G' || c0 == '*') && gmx_gdlv_like(s)) {
        out->kind = GX_DLV;
        return;
    }
    if (gmx_str_starts(s, "created by ")) {
        out->kind = GX_CREATED;
        return;
    }
    /* Before redactions: ".../vendor/pkg.f(...)" is a frame with its path cut. */
    if (func_like(s)) {
        out->kind = GX_FUNC;
        return;
    }
    if (gmx_gx_file_line(s)) {
        out->kind = GX_FILE;
        return;
    }
    /* The header test is the costly one: only lines that say "goroutine"
     * (all it and the tests after it look for), after the frame and file
     * lines most lines are (neither can be a header: one ends in ")", the
     * other in ":LINE" or a "+0x" offset). */
    if (gmx_str_find(s, "oroutine") != SIZE_MAX) {
        size_t at = gmx_gdump_find_header(s);
        if (at != SIZE_MAX) {
            out->kind = GX_HEADER;
            out->header_at = at;
            gmx_str pre = gmx_str_sub(s, 0, at);
            out->reported = s.p[at] == '[' || s.p[at] == 'G' || gmx_gx_leak_words(pre);
            return;
        }
        if (title_like(s)) {
            out->kind = GX_TITLE;
            return;
        }
        gmx_str fixed, top;
        if (c0 == 'g' && colon_lost_header(c, s, &fixed)) {
            out->kind = GX_HEADER;
            out->text = fixed;
            return;
        }
        if (elided_leak_record(c, s, &fixed, &top)) {
            out->kind = GX_HEADER;
            out->text = fixed;
            out->reported = true;
            out->elided_top = top;
            return;
        }
        if (gmx_str_starts(s, "[originating from goroutine ")) {
            out->kind = GX_ANCESTOR;
            return;
        }
    }
    if ((gmx_str_starts(s, "...") || gmx_str_starts(s, "\xe2\x80\xa6") ||
         gmx_str_eq_cstr(s, "[...]")) &&
        (s.n <= 40 || gmx_str_find(s, "elided") != SIZE_MAX)) {
        out->kind = GX_ELIDED;
        return;
    }
    if (gmx_str_starts(s, "panic: ") || gmx_str_starts(s, "fatal error: ") ||
        (gmx_str_starts(s, "SIG") && gmx_str_find(s, ": ") < 10)) {
        out->kind = GX_PRELUDE;
        return;
    }
    /* The runtime's words pasted as a comment in the program that died of
     * them ("//fatal error: all goroutines are asleep - deadlock!"). */
    if (gmx_str_starts(s, "//")) {
        gmx_str rest = gmx_str_sub(s, 2, s.n);
        while (rest.n && rest.p[0] == ' ')
            rest = gmx_str_sub(rest, 1, rest.n);
        if (gmx_str_starts(rest, "fatal error: ") || gmx_str_starts(rest, "panic: ")) {
            out->kind = GX_PRELUDE;
            out->text = rest;
            return;
        }
    }
    if (title_like(s)) {
        out->kind = GX_TITLE;
        return;
    }
    if (gmx_gx_leak_words(s)) {
        out->kind = GX_LEAK_MARK;
        return;
    }
    if ((is_digit(c0) && count_like(s, out)) || trace_count_like(s, out)) {
        out->kind = GX_COUNT;
        return;
    }
    if (sync_linkname(s)) {
        /* The runtime prints these as "sync.runtime_SemacquireMutex". */
        char *b = slot(c);
        int n = snprintf(b, GX_LINE_MAX, "sync.%.*s", (int)s.n, s.p);
        out->text = gmx_str_make(b, (size_t)n);
        out->kind = GX_BARE;
        return;
    }
    /* Last: a line no other kind took that has the shape of panicparse's
     * header; gtolerant.c reads it as one only when a call line follows. */
    gmx_gpp_header pp;
    if (is_digit(c0) && gmx_gpp_parse_header(s, &pp)) {
        out->kind = GX_PP;
        out->count = pp.count;
        return;
    }
    out->kind = bare_func_like(s) ? GX_BARE : GX_OTHER;
}

bool gmx_gx_named_count(gmx_str s, uint64_t *count, gmx_str *func)
{
    if (s.n > GX_LINE_MAX)
        return false;
    uint64_t v;
    for (size_t i = 0; next_number(s, &i, &v);) {
        gmx_str after = gmx_str_sub(s, i, s.n);
        if (!gmx_str_starts(after, " goroutines in ") || v < 2 || v > PROSE_COUNT_MAX)
            continue;
        /* The function, as Markdown writes it: `pkg.f`, **`pkg.f`**. */
        size_t a = i + strlen(" goroutines in "), b;
        while (a < s.n && (s.p[a] == '`' || s.p[a] == '*'))
            a++;
        for (b = a; b < s.n && s.p[b] != '`' && s.p[b] != '*' && s.p[b] != ' ' && s.p[b] != ',';
             b++)
            ;
        gmx_str name = gmx_str_sub(s, a, b);
        while (name.n && (name.p[name.n - 1] == '.' || name.p[name.n - 1] == ':'))
            name.n--;
        if (!bare_func_like(name))
            continue;
        *count = v;
        *func = name;
        return true;
    }
    return false;
}

bool gmx_gx_looks_damaged(gmx_str line)
{
    size_t i = 0;
    while (i < line.n && (line.p[i] == ' ' || line.p[i] == '\t'))
        i++;
    if (i == line.n)
        return false;
    if (gmx_gx_glyph_len(line, i) || line.p[i] == '#')
        return true;
    gmx_str s = gmx_str_sub(line, i, line.n);
    if (gmx_str_starts(s, "+0x") || gmx_str_starts(s, "fp=0x"))
        return true;
    size_t d = digits_at(s, 0);
    if (d && gmx_str_starts(gmx_str_sub(s, d, s.n), " +0x"))
        return true; /* a line number cut by a wrap */
    uint64_t said; /* a count in prose, which only the tolerant reader applies */
    return gmx_gx_file_line(s) || func_like(s) || gmx_gx_prose_count(s, &said);
}
