/* The tolerant reader's line stage, the whole text first (see gextract.h):
 * what copying did to every line at once, learned before any is read — a
 * pager's numbers, a terminal's width that cut lines, a test runner's
 * margin, blank lines between all lines — and the joining of a cut line's
 * pieces as they are read. */
#include "parse/gdump_header.h"
#include "parse/gextract_impl.h"
#include "util/cursor.h"

#include <string.h>



static gmx_text_wrap learn_wrap(const char *data, size_t len);

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
        if (gmx_gx_pager_number(s, &n, &skip)) {
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
            memcmp(file.p, "                ", n) != 0 || !gmx_gx_func_like(func) ||
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
    return gmx_gx_pager_number(s, &n, &skip) ? gmx_str_sub(s, skip, s.n) : s;
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
    gmx_str s = gmx_gx_strip_indent(c, gmx_str_trim_right(next), &tab);
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
    return gmx_gx_pager_number(s, &n, &skip) ? n : 0;
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
    if (!next.n || gmx_gx_timestamp_prefix(next) || gmx_gx_syslog_prefix(next))
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
