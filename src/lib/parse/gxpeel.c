/* The tolerant reader's line stage, each line (see gextract.h): peel what
 * copying a dump added around it, outermost first — pager numbers, quote
 * markers, HTML tags and entities, Docker JSON, timestamps and stream tags,
 * syslog tags, a prefix learned from a header — then the indentation, which
 * is rebuilt from what the line is, never trusted (gxclassify.c). */
#include "parse/gextract_impl.h"
#include "util/goname.h"
#include "util/num.h"

#include <string.h>

char *gmx_gx_slot(gx_cleaner *c)
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
gmx_str gmx_gx_strip_indent(gx_cleaner *c, gmx_str s, bool *tab)
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
    return gmx_gx_strip_indent(c, gmx_str_sub(s, 2, s.n), tab);
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
    char *out = gmx_gx_slot(c);
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
    char *out = gmx_gx_slot(c);
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

/* "sync.(_Mutex).Lock", "sync.(Mutex).Lock": a pointer receiver whose
 * '*' a Markdown page took for emphasis (dropped, or written back as '_'
 * by a converter; gmx_goname_starless_receiver), put back as ".(*". Only
 * function and created-by lines; the text goes to a scratch slot. */
static void restore_receivers(gx_cleaner *c, gx_line *out)
{
    gmx_str s = out->text;
    size_t first = gmx_goname_lost_star_at(s);
    if (first >= s.n || s.n + 8 >= GX_LINE_MAX)
        return;
    char *buf = gmx_gx_slot(c);
    memcpy(buf, s.p, first);
    size_t o = first;
    for (size_t i = first; i < s.n && o + 2 < GX_LINE_MAX; i++) {
        buf[o++] = s.p[i];
        if (!gmx_goname_starless_receiver(s, i))
            continue;
        buf[o++] = '*';
        if (s.p[i + 1] == '_')
            i++;
    }
    out->text = gmx_str_make(buf, o);
    c->repairs |= GMX_REPAIR_EMPHASIS;
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
            out = gmx_gx_slot(c);
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
size_t gmx_gx_timestamp_prefix(gmx_str s)
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
    size_t n = gmx_gx_timestamp_prefix(s);
    return n ? n : gmx_gx_syslog_prefix(s);
}

/* "Jan  2 15:04:05 host unit[123]: ": syslog and journald. */
size_t gmx_gx_syslog_prefix(gmx_str s)
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
        size_t n = gmx_gx_timestamp_prefix(s);
        if (!n)
            n = gmx_gx_syslog_prefix(s);
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

/* A stack line, or a uniq -c line of a summary ("305 chan send   <- all
 * in readInputLoop"), with a note typed after it, read as the line alone. */
static bool strip_note(gx_cleaner *c, gmx_str s, gx_line *out)
{
    size_t at = note_start(s);
    if (at == SIZE_MAX)
        return false;
    gmx_str line = gmx_str_trim_right(gmx_str_sub(s, 0, at));
    gx_line plain = { .kind = GX_OTHER };
    gmx_gx_classify(c, line, &plain);
    if (plain.kind != GX_HEADER && plain.kind != GX_FUNC && plain.kind != GX_FILE &&
        plain.kind != GX_CREATED && plain.kind != GX_COUNT)
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
        if (gmx_gx_pager_number(s, &n, &skip)) {
            s = gmx_str_sub(s, skip, s.n);
            c->repairs |= GMX_REPAIR_PAGER;
        }
    }
    s = strip_html(c, s);
    gmx_str before_logs = s;
    s = strip_logs(c, s);
    bool logged = s.n != before_logs.n;
    bool tab, tab2;
    s = gmx_gx_strip_indent(c, s, &tab);
    if (c->prefix_len) {
        gmx_str t = strip_learned(c, s);
        if (t.n != s.n) {
            s = gmx_gx_strip_indent(c, t, &tab2);
            tab = tab2;
            logged = true;
        }
    }
    if (s.n && s.p[0] == '>')
        s = gmx_gx_strip_indent(c, strip_quotes(c, s), &tab);
    gmx_str commented = s;
    s = strip_comment_marker(c, s, &tab);
    gmx_gx_classify(c, s, out);
    if (s.p != commented.p && out->kind != GX_OTHER)
        c->repairs |= GMX_REPAIR_QUOTE;
    out->indented = tab;
    out->logged = logged;
    out->lineno = lineno;
    if (out->kind == GX_FUNC || out->kind == GX_CREATED)
        restore_receivers(c, out);
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
