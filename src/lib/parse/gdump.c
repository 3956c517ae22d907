/* Full goroutine dump parser.
 *
 * A line-driven state machine over the grammar of docs/formats.md §1: preludes
 * (panic, fatal error, fatal signal), then blocks of "goroutine N [...]:"
 * followed by function/file line pairs, "created by", elision markers and
 * ancestor sections, separated by blank lines. Lines that belong to none of
 * these (service log lines around a panic, register dumps, "-----" between
 * Ms) are counted and skipped. When the header carries a per-line prefix
 * (timestamps, syslog or journald tags), lines of the same shape have it
 * stripped. */
#include "gomemdx/goroutine.h"
#include "parse/gdump_header.h"
#include "parse/gextract.h"
#include "util/alloc.h"
#include "util/cursor.h"
#include "util/num.h"

#include <stdint.h>

enum { PREFIX_MAX = 128, INDENT_MAX = 16 };
/* Lines a terminal cut, joined, are kept until their block is handed out:
 * at most this much of them in one block (a longer one is left cut, read
 * as damage, and the tolerant reader reads the text). */
#define JOINED_MAX ((size_t)64 << 10)

typedef enum block_state {
    OUTSIDE,      /* between blocks */
    FRAMES,       /* in a block, expecting a function line */
    FILE_LINE,    /* a function line was read; its file line comes next */
    CREATOR_FILE, /* "created by" was read; its file line comes next */
    ANCESTORS     /* inside "[originating from goroutine N]:" sections */
} block_state;

typedef struct parser {
    gmx_cursor cur;
    gmx_goroutine_fn fn;
    void *ctx;
    gmx_dump_info *info;
    block_state state;
    gmx_goroutine g;
    gmx_frame frames[GMX_MAX_FRAMES];
    bool thread;  /* the block is a thread's system stack ("goroutine 0") */
    /* The shape of the per-line prefix: digits replaced by '0'. */
    char prefix[PREFIX_MAX];
    size_t prefix_len;
    /* The prefix is a log's (a timestamp, syslog's): each line's is read as
     * such, its fraction of a second as long as it comes (RFC 3339 with
     * nanoseconds drops trailing zeros, so the shape is not fixed). */
    bool log_prefix;
    bool leak_prefix;   /* the learned prefix is a leak checker's ("leaked goroutine: ") */
    size_t prefix_blanks; /* the blanks that end it: those after are the line's */
    /* What a web page drew for the tab of file lines ("» " + spaces),
     * learned from the first file line that has it. */
    char indent[INDENT_MAX];
    size_t indent_len;
    bool flat;  /* file lines came without their tab (Markdown outside a fence) */
    bool system_stack;  /* after "runtime stack:": frames outside goroutines */
    uint64_t line;      /* the first input line of the line being read */
    gmx_text_layout layout; /* numbered by a pager, cut at a terminal's width */
    /* Text a terminal wrapped: what joins lines (its wrap learned), and the
     * joined lines of the block being read. NULL when not wrapped. */
    gx_cleaner *cl;
    char *joined;
    size_t joined_len;
} parser;

static inline char shape(char c)
{
    return c >= '0' && c <= '9' ? '0' : c;
}

static gmx_str strip_prefix(const parser *p, gmx_str line)
{
    if (p->log_prefix) {
        size_t n = gmx_gx_log_prefix_len(line), blanks = 0;
        while (blanks < n && (line.p[n - 1 - blanks] == ' ' || line.p[n - 1 - blanks] == '\t'))
            blanks++;
        if (blanks > p->prefix_blanks)
            n -= blanks - p->prefix_blanks; /* a file line's tab */
        return n ? gmx_str_sub(line, n, line.n) : line;
    }
    if (!p->prefix_len || line.n < p->prefix_len)
        return line;
    for (size_t i = 0; i < p->prefix_len; i++)
        if (shape(line.p[i]) != p->prefix[i])
            return line;
    return gmx_str_sub(line, p->prefix_len, line.n);
}

static void learn_prefix(parser *p, gmx_str line, size_t len)
{
    if (len == 0 || len > PREFIX_MAX)
        return;
    for (size_t i = 0; i < len; i++)
        p->prefix[i] = shape(line.p[i]);
    p->prefix_len = len;
    p->log_prefix = gmx_gx_log_prefix_len(line) == len;
    p->leak_prefix = gmx_gx_leak_words(gmx_str_sub(line, 0, len));
    p->prefix_blanks = 0;
    while (p->prefix_blanks < len &&
           (line.p[len - 1 - p->prefix_blanks] == ' ' || line.p[len - 1 - p->prefix_blanks] == '\t'))
        p->prefix_blanks++;
    p->info->prefix_len = len;
}

/* A file line's text after its tab, or after the glyphs a web page drew
 * for it, or at column 0 when the text lost its indentation: learned from
 * the first such line (tab glyphs restored, indentation rebuilt, as the
 * tolerant reader says), so that a dump copied from a page is read on this
 * path rather than line by line by the tolerant reader. learn: where a
 * file line is due (after a function or a creator). */
static bool indented(parser *p, gmx_str line, bool learn, gmx_str *text)
{
    if (line.n && line.p[0] == '\t') {
        *text = gmx_str_sub(line, 1, line.n);
        return true;
    }
    /* where a file line is due, one at column 0 (not behind spaces or
     * glyphs, an indentation of their own, learned below or the tolerant
     * reader's) */
    if (learn && (p->flat || !p->indent_len) && line.n && line.p[0] != ' ' &&
        !gmx_gx_glyph_len(line, 0) && gmx_gx_file_line(line)) {
        if (!p->flat)
            p->info->read.repairs |= GMX_REPAIR_INDENT;
        p->flat = true;
        *text = line;
        return true;
    }
    /* once learned, a line that is no file line where one is due ends the
     * block, and the tolerant reader reads the text again */
    if (p->flat)
        return false;
    if (!p->indent_len) {
        size_t glyph = learn ? gmx_gx_glyph_len(line, 0) : 0;
        /* or the spaces a terminal drew for the tab (less, a copy from its
         * screen), before a file line */
        bool spaces = learn && !glyph && line.n && line.p[0] == ' ';
        if (!glyph && !spaces)
            return false;
        size_t n = glyph;
        while (n < line.n && n < INDENT_MAX && (line.p[n] == ' ' || (glyph && line.p[n] == '\t')))
            n++;
        if (n >= INDENT_MAX || (spaces && !gmx_gx_file_line(gmx_str_sub(line, n, line.n))))
            return false;
        memcpy(p->indent, line.p, n);
        p->indent_len = n;
        p->info->read.repairs |= glyph ? GMX_REPAIR_TAB_GLYPHS : GMX_REPAIR_INDENT;
    }
    if (line.n < p->indent_len || memcmp(line.p, p->indent, p->indent_len) != 0)
        return false;
    *text = gmx_str_sub(line, p->indent_len, line.n);
    return true;
}

/* "/path/file.go:123 +0x1d fp=0x... sp=0x... pc=0x..." (after the tab).
 * Scanned from the right, once: the suffixes are short and the path may
 * hold spaces. */
static bool parse_file_line(gmx_str line, gmx_str *file, uint32_t *lineno)
{
    if (line.n < 1)
        return false;
    const char *start = line.p, *end = line.p + line.n;
    /* Drop " fp=... sp=... pc=..." and " +0x...": every suffix starts at a
     * space followed by a non-digit, while the line number ends in digits. */
    for (const char *p = end - 1; p > start; p--) {
        if (*p == ' ' && p + 1 < end && (p[1] == '+' || p[1] == 'f' || p[1] == 's' || p[1] == 'p'))
            end = p;
        else if (*p == ':')
            break;
    }
    const char *q = end;
    uint64_t n = 0, scale = 1;
    while (q > start && q[-1] >= '0' && q[-1] <= '9' && scale <= 1000000000) {
        n += (uint64_t)(q[-1] - '0') * scale;
        scale *= 10;
        q--;
    }
    if (q == end || q == start || q[-1] != ':') {
        *file = gmx_str_make(start, (size_t)(end - start)); /* "<autogenerated>" and oddities */
        *lineno = 0;
        return true;
    }
    *file = gmx_str_make(start, (size_t)(q - 1 - start));
    *lineno = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
    return true;
}

/* "pkg.(*T).Method(0xc000010000, {0x1, 0x2}, ...)": the function is
 * everything before the '(' that opens the argument list, the last '('. */
static bool parse_func_line(gmx_str line, gmx_str *func)
{
    if (line.n < 3 || line.p[line.n - 1] != ')' || line.p[0] == '\t' || line.p[0] == ' ')
        return false;
    size_t open = gmx_str_rfind_char(line, '(');
    if (open == SIZE_MAX || open == 0)
        return false;
    *func = gmx_str_sub(line, 0, open);
    return true;
}

static int emit(parser *p)
{
    p->state = OUTSIDE;
    p->g.frames = p->frames;
    if (p->thread) /* counted as a thread, not handed out as a goroutine */
        return 0;
    return p->fn ? p->fn(p->ctx, &p->g) : 0;
}

static void add_frame(parser *p, gmx_str func)
{
    if (p->g.nframes >= GMX_MAX_FRAMES) {
        p->g.flags |= GMX_G_TRUNCATED;
        p->state = FILE_LINE; /* still consume its file line */
        return;
    }
    gmx_frame *f = &p->frames[p->g.nframes++];
    f->func = func;
    f->file = (gmx_str){ NULL, 0 };
    f->line = 0;
    p->state = FILE_LINE;
}

static void set_file(parser *p, gmx_str line)
{
    gmx_str file;
    uint32_t n;
    if (!parse_file_line(line, &file, &n))
        return;
    if (!(p->g.flags & GMX_G_TRUNCATED)) {
        gmx_frame *f = &p->frames[p->g.nframes - 1];
        f->file = file;
        f->line = n;
    }
}

/* "created by pkg.f in goroutine 7" (1.21+) or "created by pkg.f". */
static void set_creator(parser *p, gmx_str rest)
{
    size_t in = gmx_str_find(rest, " in goroutine ");
    uint64_t parent = 0;
    if (in != SIZE_MAX && gmx_parse_u64(gmx_str_sub(rest, in + 14, rest.n), &parent))
        rest = gmx_str_sub(rest, 0, in);
    p->g.has_creator = true;
    p->g.creator = (gmx_frame){ rest, { NULL, 0 }, 0 };
    p->g.creator_id = parent;
    p->state = CREATOR_FILE;
}

static void note_prelude(parser *p, gmx_str line)
{
    gmx_dump_info *info = p->info;
    if (info->kind != GMX_DUMP_PLAIN || info->goroutines)
        return;
    if (gmx_str_starts(line, "panic: ")) {
        info->kind = GMX_DUMP_PANIC;
        info->message = gmx_str_sub(line, 7, line.n);
    } else if (gmx_str_starts(line, "fatal error: ")) {
        info->kind = GMX_DUMP_FATAL;
        info->message = gmx_str_sub(line, 13, line.n);
    } else if (gmx_str_starts(line, "SIG") && gmx_str_find(line, ": ") != SIZE_MAX &&
               gmx_str_find(line, ": ") < 10) {
        info->kind = GMX_DUMP_SIGNAL;
        info->message = line;
    }
}

/* One line inside a block. Returns false when the line does not belong to
 * the block (the block then ends and the line is looked at again). */
static bool block_line(parser *p, gmx_str line)
{
    gmx_str func, text;
    switch (p->state) {
    case FILE_LINE:
        if (indented(p, line, true, &text)) {
            set_file(p, text);
            p->state = FRAMES;
            return true;
        }
        return false;
    case CREATOR_FILE:
        if (indented(p, line, true, &text)) {
            uint32_t n;
            parse_file_line(text, &p->g.creator.file, &n);
            p->g.creator.line = n;
            p->state = FRAMES;
            return true;
        }
        return false;
    case ANCESTORS:
        return line.n > 0;
    case FRAMES:
    case OUTSIDE:
        break;
    }
    if (line.n == 0)
        return false;
    if (indented(p, line, false, &text)) {
        if (gmx_str_starts(text, "goroutine running on other thread")) {
            p->g.flags |= GMX_G_NO_STACK;
            return true;
        }
        return false;
    }
    if (gmx_str_starts(line, "created by ")) {
        set_creator(p, gmx_str_sub(line, 11, line.n));
        return true;
    }
    if (gmx_str_starts(line, "...") && gmx_str_ends(line, "elided...")) {
        p->g.flags |= GMX_G_ELIDED;
        return true;
    }
    if (gmx_str_starts(line, "[originating from goroutine ")) {
        p->state = ANCESTORS;
        return true;
    }
    if (gmx_str_starts(line, "non-Go function at pc=")) {
        add_frame(p, line);
        p->state = FRAMES; /* no file line follows */
        return true;
    }
    if (parse_func_line(line, &func)) {
        add_frame(p, func);
        return true;
    }
    return false;
}

static int end_block(parser *p)
{
    if (p->state == OUTSIDE)
        return 0;
    return emit(p);
}

/* In a block, a line of another writer that is no stack line, after which
 * the block goes on. Behind a learned prefix: a log record (a sidecar's,
 * the other stream's), behind a log prefix, with the block's next line
 * behind the learned one (the rest of a line a terminal cut carries no
 * prefix at all). In plain text (two writers on one terminal, their line
 * with or without its logger's prefix): where the block cannot have
 * ended, the file line a function awaits, or the block's next function,
 * creator or elision; a stack starts at its header. The tolerant reader
 * rereads text a pager or a wrap laid out, and reads the markup a paste
 * puts between a leak checker's line and its stack. */
/* The block goes on at rest: the file line its function awaits, or its
 * next function, creator or elision. */
static bool continues_block(const parser *p, gmx_str rest, bool plain)
{
    gmx_str func;
    if (p->state == FILE_LINE || p->state == CREATOR_FILE)
        return rest.n > 1 && rest.p[0] == '\t' &&
               (!plain || gmx_gx_file_line(gmx_str_sub(rest, 1, rest.n)));
    return parse_func_line(rest, &func) || gmx_str_starts(rest, "created by ") ||
           gmx_str_starts(rest, "...");
}

/* Markup between stacks, or a blank: the block cannot go on after it. */
static bool ends_text(gmx_str s)
{
    return !s.n || gmx_str_eq_cstr(s, "--") || gmx_str_starts(s, "```") ||
           gmx_str_starts(s, "~~~") || gmx_str_eq_cstr(s, "runtime stack:");
}

/* Another writer may log a few lines in a row. */
#define FOREIGN_RUN_MAX 4

static bool interleaved(const parser *p, gmx_str raw, gmx_str line)
{
    gmx_str next;
    gmx_goroutine header;
    if (p->state == OUTSIDE || p->state == ANCESTORS || !line.n ||
        !gmx_cursor_peek(&p->cur, &next) || gmx_gdump_parse_any_header(line, &header))
        return false;
    if (p->prefix_len) {
        if (!gmx_gx_log_prefix_len(raw))
            return false;
        gmx_str rest = strip_prefix(p, next);
        return rest.p != next.p && rest.n && continues_block(p, rest, false);
    }
    /* not markup (a grep's cut, a fence), nor between a leak checker's
     * line and the stack it names (the tolerant reader checks its top) */
    if (p->layout.pager || p->layout.wrap.width || p->flat || p->indent_len || p->system_stack ||
        (!p->g.nframes && (p->g.flags & GMX_G_REPORTED)) || ends_text(line))
        return false;
    gmx_cursor ahead = p->cur;
    for (int k = 0; k < FOREIGN_RUN_MAX && gmx_cursor_next(&ahead, &next); k++) {
        if (continues_block(p, next, true))
            return true;
        gmx_str func;
        if (ends_text(next) || gmx_gdump_parse_any_header(next, &header) || next.p[0] == '\t' ||
            parse_func_line(next, &func) || gmx_str_starts(next, "created by "))
            return false;
    }
    return false;
}

static int parse_line(parser *p, gmx_str raw)
{
    gmx_str line = strip_prefix(p, raw);
    if (p->state != OUTSIDE && block_line(p, line))
        return 0;
    if (interleaved(p, raw, line)) {
        p->info->skipped_lines++;
        if (!p->info->read.interleaved++)
            p->info->read.first_interleaved = p->line;
        return 0;
    }
    /* The input stops mid-line right after a block: a cut-off dump. */
    if (p->state != OUTSIDE && line.n && gmx_cursor_eof(&p->cur) &&
        p->cur.data[p->cur.len - 1] != '\n') {
        p->g.flags |= GMX_G_CUT;
        p->info->partial = true;
    }
    /* goleak prints "[Goroutine N in state S, with F on top of the stack:"
     * and then the runtime's own "goroutine N [S]:" with the frames: one
     * goroutine, listed by the checker, not two. */
    if (p->state == FRAMES && p->g.nframes == 0 && (p->g.flags & GMX_G_REPORTED)) {
        gmx_goroutine same = p->g;
        if (gmx_gdump_parse_any_header(line, &same) && same.id == p->g.id) {
            same.flags |= GMX_G_REPORTED;
            same.line = p->line;
            same.frames = p->frames;
            p->g = same;
            return 0;
        }
    }
    int rc = end_block(p);
    if (rc)
        return rc;
    bool header = gmx_gdump_parse_any_header(line, &p->g);
    bool behind_prefix = header && line.p != raw.p;
    if (!header && !p->info->goroutines) {
        /* A header behind a prefix we have not learned yet. */
        size_t at = gmx_gdump_find_header(line);
        if (at != SIZE_MAX && gmx_gdump_parse_any_header(gmx_str_sub(line, at, line.n), &p->g)) {
            learn_prefix(p, line, at);
            header = behind_prefix = true;
        }
    }
    /* a leak checker's line before the runtime's header: listed by it */
    if (behind_prefix && p->leak_prefix)
        p->g.flags |= GMX_G_REPORTED;
    if (!header) {
        if (line.n) {
            p->info->skipped_lines++;
            if (gmx_str_eq_cstr(line, "runtime stack:"))
                p->system_stack = true;
            else if (!p->system_stack && gmx_gx_looks_damaged(line))
                p->info->suspect_lines++;
        } else {
            p->system_stack = false;
        }
        note_prelude(p, line);
        return 0;
    }
    p->g.line = p->line;
    p->g.frames = p->frames;
    /* "goroutine 0 [idle]:" is no goroutine: GOTRACEBACK=crash prints the
     * system stack (g0) of each thread after the goroutines. Its block is
     * read like any other, then counted apart. (A stack the tolerant reader
     * found without its header is rebuilt as "goroutine 0 [unknown]".) */
    p->thread = p->g.id == 0 && gmx_str_eq_cstr(p->g.status, "idle");
    if (p->thread)
        p->info->threads++;
    else
        p->info->goroutines++;
    if (p->g.flags & GMX_G_REPORTED)
        p->info->kind = GMX_DUMP_LEAK_CHECK;
    p->state = FRAMES;
    return 0;
}

/* Did the input stop inside the last goroutine? A block ends at a blank
 * line, or at a "created by" pair; only goroutine 1 (main) and system
 * stacks (id 0) legitimately end without one. */
static bool cut_short(const parser *p, bool final_newline)
{
    if (p->state == OUTSIDE)
        return false;
    if (!final_newline || p->state == FILE_LINE || p->state == CREATOR_FILE)
        return true;
    return !p->g.has_creator && p->g.id > 1 && !(p->g.flags & GMX_G_NO_STACK) &&
           p->state != ANCESTORS;
}

static gmx_code parse_all(parser *p, const char *name, const void *data, size_t len,
                          gmx_goroutine_fn fn, void *ctx, gmx_dump_info *info,
                          gmx_error *err);

static gmx_code parse_dump(const char *name, const void *data, size_t len,
                           const gmx_text_layout *layout, gmx_goroutine_fn fn, void *ctx,
                           gmx_dump_info *info, gmx_error *err)
{
    gmx_dump_info local;
    if (!info)
        info = &local;
    memset(info, 0, sizeof(*info));
    /* The parser holds GMX_MAX_FRAMES frames of scratch: keep it off the
     * stack of threads that may have small ones. */
    parser *p = gmx_calloc(1, sizeof(*p));
    bool ok = p != NULL;
    if (ok && layout)
        p->layout = *layout;
    if (ok && p->layout.wrap.width) {
        /* the cleaner's tests of a cut line's rest; zeroed, it learns nothing */
        p->cl = gmx_calloc(1, sizeof(*p->cl));
        p->joined = gmx_malloc(JOINED_MAX);
        ok = p->cl && p->joined;
    }
    gmx_code rc = ok ? parse_all(p, name, data, len, fn, ctx, info, err)
                     : gmx_error_set(err, GMX_ENOMEM, "out of memory parsing %s", name);
    if (p) {
        gmx_free(p->joined);
        gmx_free(p->cl);
    }
    gmx_free(p);
    return rc;
}

gmx_code gmx_goroutine_dump_parse(const char *name, const void *data, size_t len,
                                  gmx_goroutine_fn fn, void *ctx, gmx_dump_info *info,
                                  gmx_error *err)
{
    return parse_dump(name, data, len, NULL, fn, ctx, info, err);
}

gmx_code gmx_goroutine_dump_parse_repaired(const char *name, const void *data, size_t len,
                                           const gmx_text_layout *layout, gmx_goroutine_fn fn,
                                           void *ctx, gmx_dump_info *info, gmx_error *err)
{
    return parse_dump(name, data, len, layout, fn, ctx, info, err);
}

/* line, joined with the lines after it that the terminal cut off it, in
 * the block's storage. Only inside a block or at its header: between
 * blocks nothing of one is held (the storage starts again), and what is
 * read there may outlive the parse (a panic's message points into the
 * input), while the storage does not. A header starts the block whose
 * storage it is (a SIGQUIT's "goroutine 7 gp=0x… m=nil [IO wait, 2
 * minutes]:" is wider than a narrow terminal). */
static void join_cut(parser *p, gmx_str raw, gmx_str *line)
{
    if (p->state == OUTSIDE) {
        p->joined_len = 0;
        if (line->n < 10 || memcmp(line->p, "goroutine ", 10) != 0)
            return;
    }
    /* widths are the raw lines' (the wrap was learned on them, pager
     * numbers and all); what joins is each piece's text */
    if (!gmx_gx_wrap_full(&p->layout.wrap, raw))
        return;
    char *at = p->joined + p->joined_len;
    size_t room = JOINED_MAX - p->joined_len, n = 0;
    gmx_str piece, next;
    uint64_t number = gmx_gx_wrap_number(&p->layout, raw);
    while (gmx_gx_wrap_peek(&p->layout, &p->cur, number, &next) &&
           gmx_gx_wrap_joins(p->cl, n ? gmx_str_make(at, n) : *line, next)) {
        size_t first = n ? 0 : line->n;
        if (n + first + next.n > GX_LINE_MAX || n + first + next.n > room)
            break;
        memcpy(at + n, line->p, first);
        n += first;
        memcpy(at + n, next.p, next.n);
        n += next.n;
        gmx_cursor_next(&p->cur, &piece);
        if (!gmx_gx_wrap_full(&p->layout.wrap, piece))
            break;
    }
    if (!n)
        return;
    p->joined_len += n;
    *line = gmx_str_make(at, n);
    p->info->read.repairs |= GMX_REPAIR_WRAPPED;
}

/* The next line of the text, without its pager number, whole again when
 * a terminal wrapped it. */
static bool next_line(parser *p, gmx_str *line)
{
    if (!gmx_cursor_next(&p->cur, line))
        return false;
    p->line = p->cur.line;
    gmx_str raw = *line;
    if (p->layout.pager) {
        gmx_str text = gmx_gx_pager_strip(*line);
        if (text.p != line->p)
            p->info->read.repairs |= GMX_REPAIR_PAGER;
        *line = text;
    }
    /* a test runner's indentation (its log line's own is shorter), read
     * as a prefix is: the report tells of neither */
    if (p->layout.margin) {
        unsigned spaces = 0;
        while (spaces < p->layout.margin && spaces < line->n && line->p[spaces] == ' ')
            spaces++;
        *line = gmx_str_sub(*line, spaces, line->n);
    }
    if (p->cl)
        join_cut(p, raw, line);
    /* blanks a terminal's copy or an editor left at a line's end: no line
     * of a dump ends in one, and a header must end in its ':' (tested
     * first: nearly every line ends otherwise) */
    if (line->n && (line->p[line->n - 1] == ' ' || line->p[line->n - 1] == '\t'))
        *line = gmx_str_trim_right(*line);
    return true;
}

static gmx_code parse_all(parser *p, const char *name, const void *data, size_t len,
                          gmx_goroutine_fn fn, void *ctx, gmx_dump_info *info,
                          gmx_error *err)
{
    gmx_cursor_init(&p->cur, data, len);
    p->fn = fn;
    p->ctx = ctx;
    p->info = info;

    gmx_str line;
    while (next_line(p, &line)) {
        int rc = parse_line(p, line);
        if (rc) {
            info->lines = p->cur.line;
            return gmx_error_set_at_line(err, (gmx_code)rc, name, p->cur.line,
                                         "stopped while reading goroutine %llu: %s",
                                         (unsigned long long)p->g.id, gmx_code_name((gmx_code)rc));
        }
    }
    info->lines = p->cur.line;
    bool final_newline = len && ((const char *)data)[len - 1] == '\n';
    if (cut_short(p, final_newline)) {
        p->g.flags |= GMX_G_CUT;
        info->partial = true;
    }
    int rc = end_block(p);
    if (rc) {
        return gmx_error_set_at_line(err, (gmx_code)rc, name, p->cur.line,
                                     "stopped while reading goroutine %llu: %s",
                                     (unsigned long long)p->g.id, gmx_code_name((gmx_code)rc));
    }
    if (info->goroutines == 0 && info->threads == 0) {
        return gmx_error_set_at_line(err, GMX_EFORMAT, name, p->cur.line ? p->cur.line : 1,
                                     "no goroutine found (expected a line like "
                                        "\"goroutine 1 [running]:\")");
    }
    return GMX_OK;
}

bool gmx_goroutine_dump_sniff(const void *data, size_t len)
{
    /* Look at the first 64 KiB: a header usually comes within a few lines,
     * after a panic message or a page of service log. */
    gmx_cursor c;
    gmx_cursor_init(&c, data, len < 65536 ? len : 65536);
    gmx_str line;
    while (gmx_cursor_next(&c, &line))
        if (gmx_gdump_find_header(line) != SIZE_MAX)
            return true;
    return false;
}

const char *gmx_dump_kind_name(gmx_dump_kind kind)
{
    switch (kind) {
    case GMX_DUMP_PANIC: return "panic with goroutine dump";
    case GMX_DUMP_FATAL: return "fatal error with goroutine dump";
    case GMX_DUMP_SIGNAL: return "fatal signal with goroutine dump";
    case GMX_DUMP_PROFILE_TEXT: return "goroutine profile (debug=1)";
    case GMX_DUMP_LEAK_PROFILE_TEXT: return "goroutineleak profile (debug=1)";
    case GMX_DUMP_PROFILE_PROTO: return "goroutine profile (protobuf)";
    case GMX_DUMP_LEAK_PROFILE_PROTO: return "goroutineleak profile (protobuf)";
    case GMX_DUMP_LEAK_CHECK: return "leak checker report";
    case GMX_DUMP_COUNTS: return "goroutine counts (a hand-made summary)";
    case GMX_DUMP_PLAIN: break;
    }
    return "goroutine dump";
}

const char *gmx_dump_kind_name_zh(gmx_dump_kind kind)
{
    switch (kind) {
    case GMX_DUMP_PANIC: return "panic 及 goroutine 栈转储";
    case GMX_DUMP_FATAL: return "fatal error 及 goroutine 栈转储";
    case GMX_DUMP_SIGNAL: return "致命信号及 goroutine 栈转储";
    case GMX_DUMP_PROFILE_TEXT: return "goroutine 剖析（debug=1）";
    case GMX_DUMP_LEAK_PROFILE_TEXT: return "goroutineleak 剖析（debug=1）";
    case GMX_DUMP_PROFILE_PROTO: return "goroutine 剖析（protobuf）";
    case GMX_DUMP_LEAK_PROFILE_PROTO: return "goroutineleak 剖析（protobuf）";
    case GMX_DUMP_LEAK_CHECK: return "泄漏检查器报告";
    case GMX_DUMP_COUNTS: return "goroutine 计数（手工汇总）";
    case GMX_DUMP_PLAIN: break;
    }
    return "goroutine 栈转储";
}
