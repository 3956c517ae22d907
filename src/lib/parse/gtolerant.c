/* The tolerant reader's region stage: walks the classified lines of
 * gextract.c, keeps the ones that form goroutine records (full-dump blocks,
 * debug=1 records, leak checkers' stacks), rebuilds their indentation,
 * joins wrapped lines, fills redacted frame lines, and writes two normalized
 * texts — a full dump and a debug=1 profile — that the strict grammars
 * then read, each output line mapped back to its input line. Memory: the
 * normalized texts and maps, bounded by a multiple of the input. */
#include "gomemdx/goroutine.h"
#include "parse/gdlv.h"
#include "parse/gdump_header.h"
#include "parse/gescaped.h"
#include "parse/gextract.h"
#include "parse/gostd_dirs.h"
#include "parse/gpanicparse.h"
#include "parse/greflow.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/cursor.h"
#include "util/num.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define REPORTED_BIT 0x80000000u
/* The runtime's last words when no goroutine can run (runtime/proc.go). */
#define DEADLOCK_WORDS "all goroutines are asleep - deadlock!"
#define DEADLOCK "fatal error: " DEADLOCK_WORDS
#define SYNTHETIC_ID ((uint64_t)1 << 62)
enum { AHEAD = 2 };
/* Lines a terminal cut, joined: one buffer for each line that may be alive
 * at once (the one dispatched, those read ahead, the one join_next takes). */
enum { UNWRAP_SLOTS = AHEAD + 2 };

typedef struct joined {
    uint64_t line;   /* the first input line of a joined line */
    uint32_t extra;  /* the lines after it joined to it */
} joined;

typedef struct out_text {
    gmx_buf text;
    gmx_buf map;       /* uint32 per line: input line, REPORTED_BIT for leak checkers' */
    uint64_t lines;
} out_text;

typedef struct tol {
    gx_cleaner cl;
    gmx_cursor cur;
    gx_line ahead[AHEAD];
    unsigned nahead;
    out_text dump, prof;
    gmx_read_report *rep;
    bool in_block, expect_file, last_file, in_record, prof_title, leak_context;
    bool headed;             /* the block began with a goroutine's header */
    bool line_logged;        /* the line being dispatched was behind a log prefix */
    bool read_logged;        /* a line read (not skipped) was */
    bool any_reported;
    bool system_stack;       /* after "runtime stack:": frames of no goroutine */
    bool leak_header;        /* the last line written is goleak's "Goroutine N in state" */
    uint64_t leak_header_line; /* its input line */
    char leak_top[256];      /* the function it names "on top of the stack", or empty */
    size_t leak_top_len;
    bool spaced;             /* the text is double-spaced (seen inside a block) */
    uint64_t records;        /* dump headers and profile records written */
    uint64_t prof_records;   /* of which profile records */
    uint64_t count_lines;    /* uniq -c lines seen */
    uint64_t grep_counts;    /* of which counts a grep took (ggrepcount.c) */
    uint64_t promising;      /* the line most like a record among those skipped */
    int run_kind;            /* 0 none, 1 read, 2 skipped */
    gmx_line_range run;
    char join[2 * GX_LINE_MAX + 2];
    /* Streaming into the strict parsers, a chunk at a time. */
    const char *name;
    const char *data;
    size_t len;
    gmx_goroutine_fn fn;
    void *ctx;
    gmx_error *err;
    gmx_code rc;
    gmx_dump_info d, p;      /* what the chunks parsed so far add up to */
    char title[GX_PREFIX_MAX];
    size_t title_len;
    uint64_t title_line;
    uint64_t chunk_records;  /* profile records in the current chunk */
    uint64_t line0;          /* lines of the whole input before this piece */
    /* "N instances of:" before a stack: the count waiting for its header,
     * then (input line of the header, N) pairs, in input order. */
    uint64_t pending_mult;
    /* "12 651 goroutines in `pkg.f`" said in prose: the count for the next
     * stack without a header whose first frame is pkg.f, however far on. */
    uint64_t named_count;
    char named_func[256];
    size_t named_func_len;
    gmx_buf mults;
    uint64_t mult_extra;     /* goroutines the counts added beyond one per header */
    uint64_t deadlock_line;  /* the runtime's "all goroutines are asleep" line, if seen */
    /* A line holding a dump as one quoted string (gescaped.c): its text
     * decoded, served a line at a time under the line's number. */
    gmx_arena escaped;
    const char *esc_at, *esc_end;
    uint64_t esc_line;
    char unwrapped[UNWRAP_SLOTS][GX_LINE_MAX];
    joined joins[UNWRAP_SLOTS];
    unsigned unwrap_slot;
} tol;

typedef struct mult {
    uint64_t line, count;
} mult;

/* The normalized text is handed to the strict parsers in chunks of about
 * this size, cut between blocks: it stays in the cache, and memory stays
 * flat however large the input. */
#define CHUNK ((size_t)1 << 20)

static void put(out_text *o, gmx_str s, uint64_t lineno, bool reported)
{
    uint32_t m = lineno > 0x7fffffff ? 0x7fffffff : (uint32_t)lineno;
    if (reported)
        m |= REPORTED_BIT;
    gmx_buf_append(&o->text, s.p, s.n);
    gmx_buf_putc(&o->text, '\n');
    gmx_buf_append(&o->map, &m, sizeof(m));
    o->lines++;
}

static void put_lit(out_text *o, const char *s, uint64_t lineno, bool reported)
{
    put(o, gmx_str_cstr(s), lineno, reported);
}

static void close_run(tol *t)
{
    gmx_read_report *r = t->rep;
    if (t->run_kind == 1) {
        if (r->nread < GMX_READ_RANGES)
            r->read[r->nread++] = t->run;
        else
            r->more_read++;
        r->last_read = t->run;
    } else if (t->run_kind == 2) {
        if (r->nskipped < GMX_READ_RANGES)
            r->skipped[r->nskipped++] = t->run;
        else
            r->more_skipped++;
        r->last_skipped = t->run;
    }
    t->run_kind = 0;
}

/* Line lineno was read (kind 1) or skipped (kind 2). */
/* The input lines after lineno that a wrap cut off it and were joined to it. */
static uint32_t joined_extra(const tol *t, uint64_t lineno)
{
    for (unsigned i = 0; i < UNWRAP_SLOTS; i++)
        if (t->joins[i].line == lineno)
            return t->joins[i].extra;
    return 0;
}

static void mark(tol *t, uint64_t lineno, int kind)
{
    uint64_t last = lineno + (t->cl.layout.wrap.width ? joined_extra(t, lineno) : 0);
    t->read_logged |= kind == 1 && t->line_logged;
    if (kind == 1)
        t->rep->read_lines += last - lineno + 1;
    else
        t->rep->skipped_lines += last - lineno + 1;
    if (t->run_kind == kind) {
        t->run.last = last;
        return;
    }
    close_run(t);
    t->run_kind = kind;
    t->run.first = lineno;
    t->run.last = last;
}

/* The next line of the decoded string being served. */
static gmx_str escaped_next(tol *t)
{
    const char *nl = memchr(t->esc_at, '\n', (size_t)(t->esc_end - t->esc_at));
    const char *end = nl ? nl : t->esc_end;
    gmx_str line = gmx_str_make(t->esc_at, (size_t)(end - t->esc_at));
    t->esc_at = nl ? nl + 1 : NULL;
    return line;
}

/* raw decoded into the arena (its lines stay valid while read ahead), to
 * be served from its first line. False when out of memory: raw is then
 * read as it is. */
static bool escaped_start(tol *t, gmx_str raw, uint64_t lineno)
{
    char *text = gmx_arena_alloc(&t->escaped, raw.n + 1);
    if (!text)
        return false;
    size_t n = gmx_gescaped_decode(raw, text);
    /* The record's fields after the string ("\",\"ts\":…}") follow the
     * dump's last line end: a blank line first, so that they end the last
     * block rather than look like the rest of its last line. */
    size_t last = gmx_str_rfind_char(gmx_str_make(text, n), '\n');
    if (last != SIZE_MAX && last + 1 < n) {
        memmove(text + last + 2, text + last + 1, n - last - 1);
        text[last + 1] = '\n';
        n++;
    }
    t->esc_at = text;
    t->esc_end = text + n;
    t->esc_line = lineno;
    t->cl.repairs |= GMX_REPAIR_ESCAPES;
    return true;
}

/* raw and the lines after it that a terminal cut off it, as one line (in
 * a slot of its own, up to GX_LINE_MAX), numbered as raw. */
static gmx_str unwrap(tol *t, gmx_str raw, uint64_t lineno)
{
    char *buf = NULL;
    size_t n = 0;
    uint32_t extra = 0;
    const gmx_text_layout *layout = &t->cl.layout;
    gmx_str piece, next;
    if (!gmx_gx_wrap_full(&layout->wrap, raw))
        return raw;
    /* where a cut line ends is judged on its text, behind its pager number */
    gmx_str head = layout->pager ? gmx_gx_pager_strip(raw) : raw;
    size_t lead = raw.n - head.n;
    uint64_t number = gmx_gx_wrap_number(layout, raw);
    while (gmx_gx_wrap_peek(layout, &t->cur, number, &next) &&
           gmx_gx_wrap_joins(&t->cl, buf ? gmx_str_make(buf + lead, n - lead) : head, next)) {
        if (!buf) {
            buf = t->unwrapped[t->unwrap_slot];
            n = raw.n < GX_LINE_MAX ? raw.n : GX_LINE_MAX;
            memcpy(buf, raw.p, n);
            lead = lead < n ? lead : n;
        }
        if (n + next.n > GX_LINE_MAX)
            break;
        memcpy(buf + n, next.p, next.n);
        n += next.n;
        gmx_cursor_next(&t->cur, &piece);
        extra++;
        if (!gmx_gx_wrap_full(&layout->wrap, piece))
            break;
    }
    if (!extra)
        return raw;
    t->joins[t->unwrap_slot] = (joined){ lineno, extra };
    t->unwrap_slot = (t->unwrap_slot + 1) % UNWRAP_SLOTS;
    t->cl.repairs |= GMX_REPAIR_WRAPPED;
    return gmx_str_make(buf, n);
}

static bool read_raw(tol *t, gx_line *ln)
{
    gmx_str raw;
    uint64_t lineno;
    if (t->esc_at) {
        raw = escaped_next(t);
        lineno = t->esc_line;
    } else {
        if (!gmx_cursor_next(&t->cur, &raw))
            return false;
        lineno = t->cur.line + t->line0;
        if (gmx_gescaped_line(raw) && escaped_start(t, raw, lineno))
            raw = escaped_next(t);
        else if (t->cl.layout.wrap.width)
            raw = unwrap(t, raw, lineno);
    }
    gmx_gx_read_line(&t->cl, raw, lineno, ln);
    return true;
}

static bool fetch(tol *t, gx_line *ln)
{
    if (t->nahead) {
        *ln = t->ahead[0];
        memmove(&t->ahead[0], &t->ahead[1], (t->nahead - 1) * sizeof(t->ahead[0]));
        t->nahead--;
        return true;
    }
    return read_raw(t, ln);
}

static const gx_line *peek(tol *t)
{
    if (!t->nahead && read_raw(t, &t->ahead[0]))
        t->nahead = 1;
    return t->nahead ? &t->ahead[0] : NULL;
}

static void end_block(tol *t, uint64_t lineno)
{
    if (t->in_block)
        put_lit(&t->dump, "", lineno, false);
    t->in_block = t->expect_file = t->last_file = t->headed = false;
}

static void end_record(tol *t, uint64_t lineno)
{
    if (t->in_record)
        put_lit(&t->prof, "", lineno, false);
    t->in_record = false;
}

/* Joins ln with the next line when together they are a line of one of the
 * kinds wanted (a wrapped line); consumes the next line. */
static bool join_next(tol *t, gx_line *ln, const gx_kind *want, size_t nwant)
{
    const gx_line *nx = peek(t);
    /* a log's next record is never the rest of a cut line: a terminal cuts
     * what the log holds, behind its prefix */
    if (!nx || nx->kind == GX_BLANK || nx->logged ||
        ln->text.n + nx->text.n > sizeof(t->join) - 1)
        return false;
    memcpy(t->join, ln->text.p, ln->text.n);
    memcpy(t->join + ln->text.n, nx->text.p, nx->text.n);
    gx_line j;
    gmx_gx_classify(&t->cl, gmx_str_make(t->join, ln->text.n + nx->text.n), &j);
    for (size_t i = 0; i < nwant; i++) {
        if (j.kind == want[i]) {
            gx_line next;
            fetch(t, &next);
            mark(t, next.lineno, 1);
            j.lineno = ln->lineno;
            j.indented = ln->indented;
            j.logged = ln->logged;
            *ln = j;
            t->rep->repairs |= GMX_REPAIR_WRAPPED;
            return true;
        }
    }
    return false;
}

static void open_profile(tol *t, uint64_t lineno)
{
    if (!t->prof_title) {
        put_lit(&t->prof, "goroutine profile: total 0", lineno, false);
        t->prof_title = true;
        t->rep->repairs |= GMX_REPAIR_NO_TITLE;
    }
}

/* A field's length for "%.*s" into a line buffer of a few GX_LINE_MAX:
 * what the input gives may be longer (lines over GX_LINE_MAX are read as
 * they are), and the written line must stay within its buffer. */
static int clip(size_t n)
{
    return (int)(n < GX_LINE_MAX ? n : GX_LINE_MAX);
}

/* A frame of a hand-made record, as debug=1 prints one. */
static void put_named_frame(tol *t, gmx_str func, gmx_str file, uint64_t lineno)
{
    char line[2 * GX_LINE_MAX + 16];
    int n = snprintf(line, sizeof(line), "#\t0x0\t%.*s\t%.*s", clip(func.n), func.p,
                     clip(file.n), file.p);
    put(&t->prof, gmx_str_make(line, (size_t)n), lineno, false);
}

/* A profile record begins: its frames follow. */
static void open_record(tol *t)
{
    t->in_record = true;
    t->records++;
    t->prof_records++;
    t->chunk_records++;
}

/* "N @ 0x1 0x2", or hand-made "N @ pkg.f+0x48 pkg.g ...": frames named. */
static void on_record(tol *t, const gx_line *ln)
{
    end_block(t, ln->lineno);
    open_profile(t, ln->lineno);
    end_record(t, ln->lineno);
    gmx_str s = ln->text;
    size_t at = gmx_str_find(s, " @");
    gmx_str rest = gmx_str_sub(s, at + 2, s.n);
    bool named = false;
    for (size_t i = 0; i < rest.n; i++)
        if (rest.p[i] != ' ' && rest.p[i] != '\t' && (i == 0 || rest.p[i - 1] == ' ' || rest.p[i - 1] == '\t') &&
            !(rest.p[i] == '0' && i + 1 < rest.n && rest.p[i + 1] == 'x'))
            named = true;
    open_record(t);
    if (!named) {
        put(&t->prof, s, ln->lineno, false);
        return;
    }
    t->rep->repairs |= GMX_REPAIR_SUMMARY;
    put(&t->prof, gmx_str_sub(s, 0, at + 2), ln->lineno, false);
    gmx_str func = { NULL, 0 }; /* a frame waiting for a file token */
    size_t i = 0;
    for (;;) {
        while (i < rest.n && (rest.p[i] == ' ' || rest.p[i] == '\t'))
            i++;
        size_t start = i;
        while (i < rest.n && rest.p[i] != ' ' && rest.p[i] != '\t')
            i++;
        gmx_str tok = gmx_str_sub(rest, start, i);
        /* A file token ("/src/x/f.go:82") is the file of the frame before it. */
        bool file = tok.n && (tok.p[0] == '/' || gmx_str_find(tok, ".go:") != SIZE_MAX);
        if (!tok.n || file) {
            if (func.n)
                put_named_frame(t, func, file ? tok : gmx_str_cstr("?"), ln->lineno);
            func.n = 0;
            if (!tok.n)
                break;
            continue;
        }
        if (gmx_str_starts(tok, "0x") || gmx_str_starts(tok, "...") ||
            gmx_str_starts(tok, "\xe2\x80\xa6") || tok.n > GX_LINE_MAX)
            continue;
        if (func.n)
            put_named_frame(t, func, gmx_str_cstr("?"), ln->lineno);
        func = tok;
    }
}

/* "#", blanks, "0x<hex>", blanks, a name: a debug=1 frame line, not a
 * Markdown heading (which also starts with "#"). */
static bool pc_frame_shaped(const gx_line *ln)
{
    if (!ln || ln->kind != GX_HASH_FRAME)
        return false;
    gmx_str s = ln->text;
    size_t i = 1;
    while (i < s.n && (s.p[i] == ' ' || s.p[i] == '\t'))
        i++;
    size_t pc = i;
    while (i < s.n && s.p[i] != ' ' && s.p[i] != '\t')
        i++;
    gmx_str tok = gmx_str_sub(s, pc, i);
    uint64_t v;
    if (pc == 1 || !gmx_str_starts(tok, "0x") || !gmx_parse_hex_u64(tok, &v))
        return false;
    size_t gap = i;
    while (i < s.n && (s.p[i] == ' ' || s.p[i] == '\t'))
        i++;
    return i > gap && i < s.n;
}

/* "#\t0x1\tpkg.f+0x9\t/path:12" lines with no "N @ 0x..." line before them: a
 * debug=1 record pasted from its first frame, its count line left out. Two or
 * more such frames in a row make the record; its count is not known, so it is
 * one goroutine, as a stack pasted without its header is. */
static bool countless_record(tol *t, const gx_line *ln)
{
    if (t->in_block || !pc_frame_shaped(ln) || !pc_frame_shaped(peek(t)))
        return false;
    open_profile(t, ln->lineno);
    end_record(t, ln->lineno);
    put_lit(&t->prof, "1 @", ln->lineno, false);
    open_record(t);
    t->rep->repairs |= GMX_REPAIR_NO_HEADER;
    return true;
}

/* "#  0x1 pkg.f+0x9  /path:12" or without its "#": fields re-split on spaces. */
static void on_pc_frame(tol *t, gx_line *ln)
{
    static const gx_kind wrapped[] = { GX_HASH_FRAME, GX_PC_FRAME };
    const gx_line *nx = peek(t);
    if (nx && (nx->kind == GX_OTHER || nx->kind == GX_FILE))
        join_next(t, ln, wrapped, 2);
    gmx_str s = ln->text;
    if (ln->kind == GX_HASH_FRAME)
        s = gmx_str_sub(s, 1, s.n);
    else
        t->rep->repairs |= GMX_REPAIR_FRAMES;
    if (!memchr(s.p, '\t', s.n))
        t->rep->repairs |= GMX_REPAIR_FRAMES;
    gmx_str f[3];
    size_t i = 0;
    for (int k = 0; k < 3; k++) {
        while (i < s.n && (s.p[i] == ' ' || s.p[i] == '\t'))
            i++;
        size_t start = i;
        if (k < 2)
            while (i < s.n && s.p[i] != ' ' && s.p[i] != '\t')
                i++;
        else
            i = s.n;
        f[k] = gmx_str_sub(s, start, i);
    }
    if (!f[1].n) {
        put(&t->prof, GMX_STR_LIT("#\t0x0"), ln->lineno, false); /* unsymbolised */
        return;
    }
    char line[GX_LINE_MAX * 2 + 16];
    int n = snprintf(line, sizeof(line), "#\t%.*s\t%.*s\t%.*s", (int)f[0].n, f[0].p, (int)f[1].n,
                     f[1].p, (int)f[2].n, f[2].p);
    if (n > 0 && (size_t)n < sizeof(line))
        put(&t->prof, gmx_str_make(line, (size_t)n), ln->lineno, false);
}

static void fill_missing_file(tol *t, uint64_t lineno)
{
    if (t->expect_file) {
        put_lit(&t->dump, "\t?", lineno, false);
        t->rep->repairs |= GMX_REPAIR_MISSING;
        t->expect_file = false;
    }
}

static void on_file(tol *t, gx_line *ln)
{
    static const gx_kind file[] = { GX_FILE };
    const gx_line *nx = peek(t);
    /* "/x/main.go:12" then "3 +0x1d": a line number cut by the wrap (not
     * another writer's short line, "dur=3ms", after a whole file line). */
    if (nx && (nx->kind == GX_OTHER || nx->kind == GX_CONT || nx->kind == GX_COUNT) &&
        nx->text.n < 48 && gmx_gx_file_tail(nx->text))
        join_next(t, ln, file, 1);
    if (!ln->indented)
        t->rep->repairs |= GMX_REPAIR_INDENT;
    char line[2 * GX_LINE_MAX + 4];
    size_t n = ln->text.n < sizeof(line) - 1 ? ln->text.n : sizeof(line) - 2;
    line[0] = '\t';
    memcpy(line + 1, ln->text.p, n);
    put(&t->dump, gmx_str_make(line, n + 1), ln->lineno, false);
    t->expect_file = false;
    t->last_file = true;
    mark(t, ln->lineno, 1);
}

/* A header written for input line lineno takes the count announced before it. */
static void take_mult(tol *t, uint64_t lineno)
{
    if (!t->pending_mult)
        return;
    mult m = { lineno, t->pending_mult };
    gmx_buf_append(&t->mults, &m, sizeof(m));
    t->pending_mult = 0;
}

/* The count taken by goleak's line goes with the runtime's header under it,
 * the line the goroutine is read at. */
static void move_mult(tol *t, uint64_t from, uint64_t to)
{
    if (t->mults.len < sizeof(mult))
        return;
    mult m;
    char *last = t->mults.data + t->mults.len - sizeof(mult);
    memcpy(&m, last, sizeof(m));
    if (m.line != from)
        return;
    m.line = to;
    memcpy(last, &m, sizeof(m));
}

/* Prose counting a function's goroutines, kept for the stack that shows it. */
static void note_named(tol *t, const gx_line *ln)
{
    uint64_t said;
    gmx_str named;
    if (gmx_gx_named_count(ln->text, &said, &named) && named.n < sizeof(t->named_func)) {
        memcpy(t->named_func, named.p, named.n);
        t->named_func_len = named.n;
        t->named_count = said;
    }
}

/* A stack without a header starting at frame first takes the count prose
 * said for its function, when no count was announced right before it. */
static void take_named(tol *t, gmx_str first)
{
    if (t->pending_mult || !t->named_count)
        return;
    size_t paren = gmx_str_find(first, "(");
    gmx_str name = paren == SIZE_MAX ? first : gmx_str_sub(first, 0, paren);
    if (name.n != t->named_func_len || memcmp(name.p, t->named_func, name.n) != 0)
        return;
    t->pending_mult = t->named_count;
    t->named_count = 0;
}

static void start_synthetic(tol *t, uint64_t lineno)
{
    take_mult(t, lineno);
    put_lit(&t->dump, "goroutine 0 [unknown]:", lineno, t->leak_context);
    t->any_reported |= t->leak_context;
    t->rep->repairs |= GMX_REPAIR_NO_HEADER;
    t->in_block = true;
    t->expect_file = t->last_file = false;
    t->records++;
}

static void note_skipped(tol *t, const gx_line *ln)
{
    mark(t, ln->lineno, 2);
    if (!t->promising && (ln->kind == GX_FUNC || ln->kind == GX_FILE ||
                          ln->kind == GX_HASH_FRAME || ln->kind == GX_CREATED))
        t->promising = ln->lineno;
}

/* An entry of Delve's goroutine list, wrapped lines joined: written as a
 * one-frame block of a full dump (the location as its frame, or as its
 * creator for "Go:"). */
static void on_dlv(tol *t, const gx_line *ln)
{
    end_block(t, ln->lineno);
    end_record(t, ln->lineno);
    size_t n = ln->text.n < sizeof(t->join) ? ln->text.n : sizeof(t->join) - 1;
    memmove(t->join, ln->text.p, n);
    /* A terminal wraps an entry at its width: the next lines, until the
     * entry is whole, are its continuation, cut mid-word. */
    for (int k = 0; k < 4 && !gmx_gdlv_complete(gmx_str_make(t->join, n)); k++) {
        const gx_line *nx = peek(t);
        if (!nx || nx->kind == GX_BLANK || nx->kind == GX_DLV || nx->kind == GX_FENCE ||
            n + nx->text.n > sizeof(t->join) - 1)
            break;
        gx_line next;
        fetch(t, &next);
        memcpy(t->join + n, next.text.p, next.text.n);
        n += next.text.n;
        mark(t, next.lineno, 1);
        t->rep->repairs |= GMX_REPAIR_WRAPPED;
    }
    gmx_gdlv e;
    if (!gmx_gdlv_parse(gmx_str_make(t->join, n), &e)) {
        note_skipped(t, ln);
        return;
    }
    char line[2 * GX_LINE_MAX + 32];
    int w = snprintf(line, sizeof(line), "goroutine %llu [%.*s]:", (unsigned long long)e.id,
                     e.state.n ? clip(e.state.n) : 7, e.state.n ? e.state.p : "unknown");
    put(&t->dump, gmx_str_make(line, (size_t)w), ln->lineno, t->leak_context);
    w = snprintf(line, sizeof(line), e.creator ? "created by %.*s" : "%.*s(...)", clip(e.func.n),
                 e.func.p);
    put(&t->dump, gmx_str_make(line, (size_t)w), ln->lineno, false);
    w = snprintf(line, sizeof(line), "\t%.*s", clip(e.file.n), e.file.p);
    put(&t->dump, gmx_str_make(line, (size_t)w), ln->lineno, false);
    t->any_reported |= t->leak_context;
    t->in_block = true;
    t->records++;
    t->rep->repairs |= GMX_REPAIR_FRAMES;
    mark(t, ln->lineno, 1);
    end_block(t, ln->lineno);
}

static void on_other(tol *t, gx_line *ln);

/* panicparse's "pkgdir.func": the package's directory name and the rest
 * from its first dot ("http" and ".(*Server).Serve"). */
static void pp_split(gmx_str f, gmx_str *dir, gmx_str *rest)
{
    const char *dot = memchr(f.p, '.', f.n);
    size_t at = dot ? (size_t)(dot - f.p) : f.n;
    *dir = gmx_str_sub(f, 0, at);
    *rest = gmx_str_sub(f, at, f.n);
}

/* panicparse's bucket header and the call lines under it, written as a
 * block of a full dump: the runtime's header (state, the least minutes the
 * bucket slept), each call as its function with its file line, the
 * creator last, a standard package's directory name back to its import
 * path ("http" to net/http); the bucket's size is the block's count. Not a header when no call line follows (prose can start "1: "). */
static void on_pp(tol *t, gx_line *ln)
{
    gmx_gpp_header h;
    gmx_gpp_call c;
    const gx_line *nx = peek(t);
    if (!gmx_gpp_parse_header(ln->text, &h) || !nx || !gmx_gpp_parse_call(nx->text, &c)) {
        on_other(t, ln);
        return;
    }
    end_block(t, ln->lineno);
    end_record(t, ln->lineno);
    t->pending_mult = h.count > 1 ? h.count : 0;
    take_mult(t, ln->lineno);
    char line[2 * GX_LINE_MAX + 64];
    int w = snprintf(line, sizeof(line), "goroutine %llu [%.*s", (unsigned long long)(SYNTHETIC_ID + ln->lineno),
                     clip(h.state.n), h.state.p);
    if (h.minutes)
        w += snprintf(line + w, sizeof(line) - (size_t)w, ", %llu minutes", (unsigned long long)h.minutes);
    if (h.locked)
        w += snprintf(line + w, sizeof(line) - (size_t)w, ", locked to thread");
    w += snprintf(line + w, sizeof(line) - (size_t)w, "]:");
    put(&t->dump, gmx_str_make(line, (size_t)w), ln->lineno, t->leak_context);
    /* The creator, kept before the lines after the header are read (they
     * may reuse the cleaner's scratch the header's text points into). */
    char creator[4 * GX_LINE_MAX + 64];
    int cw = 0;
    if (h.creator.n) {
        gmx_str dir, name;
        pp_split(h.creator, &dir, &name);
        dir = gmx_gostd_dir_path(dir);
        cw = snprintf(creator, sizeof(creator), "created by %.*s%.*s%.*s\n\t%.*s", clip(dir.n), dir.p,
                      clip(name.n), name.p, clip(h.creator_in.n), h.creator_in.p,
                      clip(h.creator_at.n), h.creator_at.p);
    }
    uint64_t header_line = ln->lineno;
    mark(t, ln->lineno, 1);
    gx_line call;
    while ((nx = peek(t)) != NULL) {
        bool elided = gmx_gpp_elided(nx->text);
        if (!elided && !gmx_gpp_parse_call(nx->text, &c))
            break;
        fetch(t, &call);
        if (elided) {
            put_lit(&t->dump, "...additional frames elided...", call.lineno, false);
        } else {
            gmx_str pkg = gmx_gostd_dir_path(c.pkg);
            w = snprintf(line, sizeof(line), "%.*s.%.*s(...)", clip(pkg.n), pkg.p, clip(c.func.n),
                         c.func.p);
            put(&t->dump, gmx_str_make(line, (size_t)w), call.lineno, false);
            w = snprintf(line, sizeof(line), "\t%.*s", clip(c.at.n), c.at.p);
            put(&t->dump, gmx_str_make(line, (size_t)w), call.lineno, false);
        }
        mark(t, call.lineno, 1);
    }
    if (cw > 0) {
        char *nl = memchr(creator, '\n', (size_t)cw);
        put(&t->dump, gmx_str_make(creator, (size_t)(nl - creator)), header_line, false);
        put(&t->dump, gmx_str_make(nl + 1, (size_t)(cw - (nl + 1 - creator))), header_line, false);
    }
    t->any_reported |= t->leak_context;
    t->in_block = true;
    t->records++;
    t->rep->repairs |= GMX_REPAIR_FRAMES;
    end_block(t, header_line);
}

/* goleak's line names the function on top of the goroutine's stack:
 * "[Goroutine 23 in state chan send, with pkg.f on top of the stack:". */
static void keep_leak_top(tol *t, gmx_str head)
{
    static const char with[] = ", with ", tail[] = " on top of the stack:";
    t->leak_top_len = 0;
    if (!gmx_str_ends(head, tail))
        return;
    gmx_str rest = gmx_str_sub(head, 0, head.n - (sizeof(tail) - 1));
    size_t at = SIZE_MAX;
    for (size_t from = 0;;) {
        size_t i = gmx_str_find(gmx_str_sub(rest, from, rest.n), with);
        if (i == SIZE_MAX)
            break;
        at = from + i;
        from = at + 1;
    }
    if (at == SIZE_MAX)
        return;
    gmx_str top = gmx_str_sub(rest, at + sizeof(with) - 1, rest.n);
    if (!top.n || top.n >= sizeof(t->leak_top))
        return;
    memcpy(t->leak_top, top.p, top.n);
    t->leak_top_len = top.n;
}

/* A Markdown fence typed between goleak's line and the stack it announces
 * (a poster opening or closing a code block there) is markup inside one
 * goroutine, not its end: the line after it is the runtime's header, or a
 * call of the very function goleak names on top of the stack. */
static bool fence_inside_leak_report(tol *t)
{
    const gx_line *nx = peek(t);
    if (!nx)
        return false;
    if (nx->kind == GX_HEADER)
        return gmx_str_starts(gmx_str_sub(nx->text, nx->header_at, nx->text.n), "goroutine ");
    return nx->kind == GX_FUNC && t->leak_top_len && nx->text.n > t->leak_top_len &&
           memcmp(nx->text.p, t->leak_top, t->leak_top_len) == 0 &&
           nx->text.p[t->leak_top_len] == '(';
}


static void dispatch(tol *t, gx_line *ln)
{
    t->line_logged = ln->logged;
    bool was_file = t->last_file;
    bool after_leak_header = t->leak_header;
    t->last_file = false;
    t->leak_header = false;
    switch (ln->kind) {
    case GX_BLANK:
        if (t->in_block) {
            /* Double-spaced text (copied from a web UI): one blank line
             * is spacing, two or more end a block. A blank line between a
             * function and its file line, or before "created by", shows it. */
            const gx_line *nx = peek(t);
            if (nx && ((t->expect_file && nx->kind == GX_FILE) || nx->kind == GX_CREATED))
                t->spaced = true;
            if (nx && nx->kind != GX_BLANK && (t->spaced || t->cl.double_spaced))
                return;
        }
        end_block(t, ln->lineno);
        end_record(t, ln->lineno);
        t->system_stack = false;
        return;
    case GX_FENCE:
        if (after_leak_header && fence_inside_leak_report(t)) {
            t->leak_header = true;
            return;
        }
        end_block(t, ln->lineno);
        end_record(t, ln->lineno);
        t->leak_context = false;
        return;
    case GX_LEAK_MARK: {
        end_block(t, ln->lineno);
        end_record(t, ln->lineno);
        t->leak_context = true;
        note_named(t, ln);
        mark(t, ln->lineno, 1);
        /* "... appears to have leaked: pkg.f(0x1)": the first frame follows. */
        size_t colon = gmx_str_find(ln->text, "leaked: ");
        if (colon != SIZE_MAX) {
            gx_line f;
            gmx_gx_classify(&t->cl, gmx_str_sub(ln->text, colon + 8, ln->text.n), &f);
            if (f.kind == GX_FUNC) {
                start_synthetic(t, ln->lineno);
                put(&t->dump, f.text, ln->lineno, false);
                t->expect_file = true;
            }
        }
        return;
    }
    case GX_HEADER: {
        end_record(t, ln->lineno);
        gmx_str head = gmx_str_sub(ln->text, ln->header_at, ln->text.n);
        /* goleak's line and the runtime's header under it are one goroutine:
         * kept together, the dump parser joins them. */
        if (!after_leak_header)
            end_block(t, ln->lineno);
        else
            move_mult(t, t->leak_header_line, ln->lineno);
        bool reported = ln->reported || t->leak_context;
        take_mult(t, ln->lineno);
        put(&t->dump, head, ln->lineno, reported);
        t->leak_header = gmx_str_starts(head, "Goroutine ") || gmx_str_starts(head, "[Goroutine ");
        t->leak_header_line = ln->lineno;
        if (t->leak_header)
            keep_leak_top(t, head);
        t->any_reported |= reported;
        t->in_block = t->headed = true;
        t->records++;
        mark(t, ln->lineno, 1);
        /* goleak's record whose stack its poster wrote "...": the function
         * it names on top is the one frame known. */
        if (ln->elided_top.n) {
            char frame[GX_LINE_MAX + 8];
            int n = snprintf(frame, sizeof(frame), "%.*s(...)", (int)ln->elided_top.n,
                             ln->elided_top.p);
            if (n > 0 && (size_t)n < sizeof(frame)) {
                put(&t->dump, gmx_str_make(frame, (size_t)n), ln->lineno, false);
                t->expect_file = true;
                t->leak_header = false;
                t->rep->repairs |= GMX_REPAIR_MISSING;
            }
        }
        return;
    }
    case GX_FUNC:
        if (!t->in_block && t->system_stack) {
            mark(t, ln->lineno, 2);
            return;
        }
        if (!t->in_block) {
            const gx_line *nx = peek(t);
            if (!nx || nx->kind != GX_FILE) {
                note_skipped(t, ln);
                return;
            }
            end_record(t, ln->lineno);
            take_named(t, ln->text);
            start_synthetic(t, ln->lineno);
        }
        fill_missing_file(t, ln->lineno);
        put(&t->dump, ln->text, ln->lineno, false);
        t->expect_file = true;
        mark(t, ln->lineno, 1);
        return;
    case GX_FILE:
        if (t->in_block && t->expect_file)
            on_file(t, ln);
        else if (t->in_block && was_file)
            mark(t, ln->lineno, 1); /* a wrapped file line's tail */
        else
            note_skipped(t, ln);
        return;
    case GX_CREATED:
    case GX_ELIDED:
        if (!t->in_block) {
            if (ln->kind == GX_ELIDED && t->in_record) {
                t->rep->repairs |= GMX_REPAIR_MISSING;
                mark(t, ln->lineno, 1);
            } else {
                note_skipped(t, ln);
            }
            return;
        }
        fill_missing_file(t, ln->lineno);
        if (ln->kind == GX_CREATED) {
            put(&t->dump, ln->text, ln->lineno, false);
            t->expect_file = true;
        } else {
            /* The runtime's own "...additional frames elided..." and
             * "...N frames elided..." are no redaction. */
            if (!gmx_str_ends(ln->text, "elided..."))
                t->rep->repairs |= GMX_REPAIR_MISSING;
            put_lit(&t->dump, "...additional frames elided...", ln->lineno, false);
        }
        mark(t, ln->lineno, 1);
        return;
    case GX_ANCESTOR:
        if (!t->in_block) {
            note_skipped(t, ln);
            return;
        }
        fill_missing_file(t, ln->lineno);
        put(&t->dump, ln->text, ln->lineno, false);
        mark(t, ln->lineno, 1);
        return;
    case GX_PRELUDE:
        if (!t->deadlock_line && gmx_str_eq_cstr(ln->text, DEADLOCK))
            t->deadlock_line = ln->lineno;
        end_block(t, ln->lineno);
        put(&t->dump, ln->text, ln->lineno, false);
        mark(t, ln->lineno, 1);
        return;
    case GX_CONT:
        if (t->in_block && was_file) {
            t->rep->repairs |= GMX_REPAIR_WRAPPED;
            t->last_file = true;
            mark(t, ln->lineno, 1);
        } else {
            note_skipped(t, ln);
        }
        return;
    case GX_TITLE:
        end_block(t, ln->lineno);
        end_record(t, ln->lineno);
        if (!t->prof_title) {
            put(&t->prof, ln->text, ln->lineno, false);
            t->prof_title = true;
            t->title_len = ln->text.n < sizeof(t->title) ? ln->text.n : 0;
            memcpy(t->title, ln->text.p, t->title_len);
            t->title_line = ln->lineno;
        }
        mark(t, ln->lineno, 1);
        return;
    case GX_RECORD:
        on_record(t, ln);
        mark(t, ln->lineno, 1);
        return;
    case GX_HASH_FRAME:
    case GX_PC_FRAME:
        if (!t->in_record && !countless_record(t, ln)) {
            note_skipped(t, ln);
            return;
        }
        on_pc_frame(t, ln);
        mark(t, ln->lineno, 1);
        return;
    case GX_LABELS:
        if (!t->in_record) {
            note_skipped(t, ln);
            return;
        }
        put(&t->prof, ln->text, ln->lineno, false);
        mark(t, ln->lineno, 1);
        return;
    case GX_COUNT:
        t->count_lines++;
        t->grep_counts += ln->grepped;
        on_other(t, ln);
        return;
    case GX_BARE:
        /* Frames as bare function names: two or more in a row make a stack. */
        if (!t->in_block) {
            const gx_line *nx = peek(t);
            if (!nx || nx->kind != GX_BARE) {
                on_other(t, ln);
                return;
            }
            end_record(t, ln->lineno);
            take_named(t, ln->text);
            start_synthetic(t, ln->lineno);
        }
        fill_missing_file(t, ln->lineno);
        {
            char line[600];
            int n = snprintf(line, sizeof(line), "%.*s(...)", (int)ln->text.n, ln->text.p);
            put(&t->dump, gmx_str_make(line, (size_t)n), ln->lineno, false);
            put_lit(&t->dump, "\t?", ln->lineno, false);
        }
        t->rep->repairs |= GMX_REPAIR_FRAMES;
        mark(t, ln->lineno, 1);
        return;
    case GX_OTHER:
        on_other(t, ln);
        return;
    case GX_DLV:
        on_dlv(t, ln);
        return;
    case GX_PP:
        on_pp(t, ln);
        return;
    case GX_MULT:
        end_block(t, ln->lineno);
        end_record(t, ln->lineno);
        t->pending_mult = ln->count;
        mark(t, ln->lineno, 1);
        return;
    }
}

/* Another writer's line in a log the stack is written to (a sidecar's, a
 * parallel CI stage's): behind a log prefix as the stack's lines are, and
 * the stack goes on after it, behind one too. */
static bool interleaved(tol *t, const gx_line *ln)
{
    if (!t->in_block)
        return false;
    const gx_line *nx = peek(t);
    if (!nx)
        return false;
    if (ln->logged && nx->logged)
        return nx->kind == GX_FUNC || nx->kind == GX_FILE || nx->kind == GX_CREATED ||
               nx->kind == GX_ELIDED;
    /* The stack's lines unprefixed (two writers on one terminal; the other
     * writer's line may carry its logger's prefix): only where the block
     * cannot have ended, the file line its function awaits or a creator,
     * or before the next function of a block a goroutine's header began.
     * A stack pasted without its header starts after a blank line or
     * prose, not in the middle of another goroutine's block. */
    return (t->expect_file && nx->kind == GX_FILE && nx->indented) || nx->kind == GX_CREATED ||
           nx->kind == GX_ELIDED || (t->headed && nx->kind == GX_FUNC);
}

static void on_other(tol *t, gx_line *ln)
{
    static const gx_kind frame[] = { GX_FUNC, GX_FILE, GX_CREATED };
    if (interleaved(t, ln)) {
        note_skipped(t, ln);
        return;
    }
    /* the rest of a cut line never begins with the tab that indents a
     * file line: "prose" then "\t/x/main.go:12" is no wrapped file line */
    const gx_line *nx = peek(t);
    if (t->in_block && !(nx && nx->indented) && join_next(t, ln, frame, 3)) {
        dispatch(t, ln);
        return;
    }
    /* A headerless stack whose first function line was wrapped. */
    if (!t->in_block && ln->kind == GX_OTHER && ln->text.n >= 20 &&
        memchr(ln->text.p, '(', ln->text.n) && join_next(t, ln, frame, 1)) {
        dispatch(t, ln);
        return;
    }
    end_block(t, ln->lineno);
    end_record(t, ln->lineno);
    t->pending_mult = 0; /* prose between a count and a stack: not its count */
    /* Unless the prose is the count: "thousands of the following stack trace:". */
    uint64_t said;
    if (gmx_gx_prose_count(ln->text, &said))
        t->pending_mult = said;
    note_named(t, ln);
    if (gmx_str_eq_cstr(ln->text, "runtime stack:"))
        t->system_stack = true;
    note_skipped(t, ln);
}

static void flush_dump(tol *t);
static void flush_prof(tol *t);

static void scan(tol *t, const char *data, size_t len)
{
    gmx_gx_cleaner_init(&t->cl, data, len);
    gmx_cursor_init(&t->cur, data, len);
    gx_line ln;
    while (t->rc == GMX_OK && fetch(t, &ln)) {
        dispatch(t, &ln);
        if (!t->in_block && t->dump.text.len >= CHUNK)
            flush_dump(t);
        if (!t->in_record && t->prof.text.len >= CHUNK)
            flush_prof(t);
    }
    end_block(t, t->cur.line);
    end_record(t, t->cur.line);
    flush_dump(t);
    flush_prof(t);
    close_run(t);
    /* Prefixes only the skipped lines had (another writer's) were not
     * removed from what was read. */
    if (!t->read_logged)
        t->cl.repairs &= ~(uint32_t)GMX_REPAIR_LOG_PREFIX;
    t->rep->repairs |= t->cl.repairs;
}

typedef struct remap_ctx {
    gmx_goroutine_fn fn;
    void *ctx;
    const gmx_buf *map;
    tol *t;                  /* its counts ("N instances of:"); NULL for none */
} remap_ctx;

/* The count announced for the header at input line `line`, else 1. */
static uint64_t mult_at(tol *t, uint64_t line)
{
    const mult *m = (const mult *)t->mults.data;
    size_t lo = 0, hi = t->mults.len / sizeof(mult);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        mult x;
        memcpy(&x, &m[mid], sizeof(x));
        if (x.line == line)
            return x.count;
        if (x.line < line)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 1;
}

static int remap(void *vctx, const gmx_goroutine *g)
{
    const remap_ctx *r = vctx;
    gmx_goroutine copy = *g;
    if (g->line && g->line <= r->map->len / sizeof(uint32_t)) {
        uint32_t m;
        memcpy(&m, r->map->data + (g->line - 1) * sizeof(uint32_t), sizeof(m));
        copy.line = m & ~REPORTED_BIT;
        if (m & REPORTED_BIT)
            copy.flags |= GMX_G_REPORTED;
        if (r->t && r->t->mults.len && copy.count == 1) {
            copy.count = mult_at(r->t, copy.line);
            r->t->mult_extra += copy.count - 1;
        }
        /* A stack without a header has no id: number it by its place in
         * the input, far above any real id, so that stacks the evidence
         * cannot tell apart keep the order they were listed in. */
        if (r->t && !copy.id && gmx_str_eq_cstr(copy.status, "unknown"))
            copy.id = SYNTHETIC_ID + copy.line;
    }
    return r->fn ? r->fn(r->ctx, &copy) : 0;
}

/* One line of a uniq -c summary, kept (its text copied) until all are
 * read. */
typedef struct count_line {
    uint64_t line, count;
    gmx_str what;
    bool created;
    bool grepped;     /* what a grep matched: a function's name or part of it */
    bool merged;      /* a closure's line, counted with its creator's */
} count_line;

/* "created by F" and "F.func1" (or "F.gowrap1") counted alike are one pile
 * seen twice: the goroutines a go statement in F started, once by their
 * creator and once by the function they run, as a histogram of grep's
 * matches counts them. */
static bool closure_of(gmx_str frame, gmx_str creator)
{
    if (frame.n <= creator.n || memcmp(frame.p, creator.p, creator.n) != 0)
        return false;
    gmx_str tail = gmx_str_sub(frame, creator.n, frame.n);
    return gmx_str_starts(tail, ".func") || gmx_str_starts(tail, ".gowrap");
}

static bool is_frame(const count_line *c)
{
    return c->grepped ||
           (!c->created && memchr(c->what.p, '.', c->what.n) && !memchr(c->what.p, ' ', c->what.n));
}

/* Summaries are typed or piped by hand: a few lines to a few hundred.
 * Pairing looks at every line for each creator, so past this many lines
 * (a hostile or generated file) none is paired. */
enum { PAIRED_LINES_MAX = 4096 };

/* The line counting the same goroutines as creator line c by the closure
 * they run, or NULL. */
static count_line *closure_line(count_line *lines, size_t n, const count_line *c)
{
    if (n > PAIRED_LINES_MAX)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (!lines[i].merged && lines[i].count == c->count && is_frame(&lines[i]) &&
            closure_of(lines[i].what, c->what))
            return &lines[i];
    return NULL;
}

/* A summary line as a record of its count: a frame, a creator (with the
 * frame of its closure's line, if any), or a state. */
static int count_record(const count_line *c, const count_line *closure, gmx_goroutine_fn fn,
                        void *ctx, gmx_dump_info *info)
{
    gmx_goroutine g;
    gmx_frame frame;
    memset(&g, 0, sizeof(g));
    g.count = c->count;
    g.line = c->line;
    g.frames = &frame;
    if (c->grepped)
        g.flags = GMX_G_GREP_COUNT;
    gmx_str what = c->what;
    if (c->created) {
        g.has_creator = true;
        g.creator = (gmx_frame){ what, { NULL, 0 }, 0 };
        if (closure) {
            frame = (gmx_frame){ closure->what, { NULL, 0 }, 0 };
            g.nframes = 1;
        }
    } else if (is_frame(c)) {
        frame = (gmx_frame){ what, { NULL, 0 }, 0 };
        g.nframes = 1;
    } else {
        gmx_goroutine h;
        /* "[chan receive, 5 minutes]": the header grammar's status. */
        char hdr[300];
        int n = snprintf(hdr, sizeof(hdr), "goroutine 1 [%.*s]:", (int)what.n, what.p);
        g.status = what;
        if (n > 0 && (size_t)n < sizeof(hdr) &&
            gmx_gdump_parse_header(gmx_str_make(hdr, (size_t)n), &h)) {
            g.status = gmx_str_sub(what, 0, h.status.n);
            g.wait_minutes = h.wait_minutes;
            g.flags = h.flags;
        }
    }
    info->goroutines += g.count;
    return fn ? fn(ctx, &g) : 0;
}

/* uniq -c summaries, read only when nothing else was: each line a record
 * of its count, with its state ("[select]", "chan receive") or function;
 * a creator's line and its closure's, counted alike, one record. */
static gmx_code read_counts(tol *t, const char *data, size_t len, gmx_goroutine_fn fn, void *ctx,
                            gmx_dump_info *info)
{
    gmx_gx_cleaner_init(&t->cl, data, len);
    gmx_cursor_init(&t->cur, data, len);
    gmx_arena texts;
    gmx_arena_init(&texts, 0);
    count_line *lines = NULL;
    size_t n = 0, cap = 0;
    gmx_code rc = GMX_OK;
    gmx_str raw;
    gx_line ln;
    while (rc == GMX_OK && gmx_cursor_next(&t->cur, &raw)) {
        gmx_gx_read_line(&t->cl, raw, t->cur.line + t->line0, &ln);
        if (ln.kind != GX_COUNT) {
            if (ln.kind != GX_BLANK)
                mark(t, ln.lineno, 2);
            continue;
        }
        mark(t, ln.lineno, 1);
        /* The line's text lives in the cleaner's scratch until the next. */
        char *what = gmx_arena_strndup(&texts, ln.rest.p, ln.rest.n);
        if (!what || gmx_array_reserve((void **)&lines, &cap, n, sizeof(*lines)) != 0) {
            rc = gmx_error_set(t->err, GMX_ENOMEM, "out of memory reading %s", t->name);
            break;
        }
        lines[n++] = (count_line){ ln.lineno, ln.count, { what, ln.rest.n }, ln.created,
                                   ln.grepped, false };
    }
    for (size_t i = 0; rc == GMX_OK && i < n; i++) {
        if (lines[i].merged)
            continue;
        count_line *closure = lines[i].created ? closure_line(lines, n, &lines[i]) : NULL;
        if (closure)
            closure->merged = true;
        int r = count_record(&lines[i], closure, fn, ctx, info);
        if (r)
            rc = (gmx_code)r;
    }
    gmx_free(lines);
    gmx_arena_release(&texts);
    return rc;
}

static gmx_code nothing_found(tol *t, const char *name, gmx_error *err)
{
    if (t->promising) {
        return gmx_error_set_at_line(err, GMX_EFORMAT, name, t->promising,
                                     "no goroutine found; the nearest thing to one is here, but no "
                      "\"goroutine N [state]:\" header or \"N @ 0x...\" record goes with it");
    }
    return gmx_error_set_at_line(err, GMX_EFORMAT, name, t->cur.line ? t->cur.line + t->line0 : 1,
                                 "no goroutine found (expected a line like "
                                    "\"goroutine 1 [running]:\")");
}

/* The strict parsers' view of the message is in the normalized text: find
 * the same bytes in the input, which outlives the read. */
static gmx_str in_input(gmx_str s, const char *data, size_t len)
{
    if (!s.n)
        return s;
    const char *p = memmem(data, len, s.p, s.n);
    return p ? gmx_str_make(p, s.n) : (gmx_str){ NULL, 0 };
}

static bool out_failed(const out_text *o)
{
    return o->text.failed || o->map.failed;
}

static void out_clear(out_text *o)
{
    gmx_buf_clear(&o->text);
    gmx_buf_clear(&o->map);
    o->lines = 0;
}

static void flush_dump(tol *t)
{
    if (!t->dump.lines || t->rc != GMX_OK) {
        out_clear(&t->dump);
        return;
    }
    if (out_failed(&t->dump)) {
        t->rc = gmx_error_set(t->err, GMX_ENOMEM, "out of memory normalizing %s", t->name);
        return;
    }
    gmx_dump_info step;
    remap_ctx r = { t->fn, t->ctx, &t->dump.map, t };
    gmx_code rc = gmx_goroutine_dump_parse(t->name, t->dump.text.data, t->dump.text.len, remap,
                                           &r, &step, t->err);
    if (rc == GMX_EFORMAT && step.goroutines == 0)
        rc = GMX_OK; /* only a prelude */
    if (t->d.kind == GMX_DUMP_PLAIN && step.kind != GMX_DUMP_PLAIN) {
        t->d.kind = step.kind;
        t->d.message = in_input(step.message, t->data, t->len);
    }
    t->d.goroutines += step.goroutines;
    t->d.partial = step.partial;
    t->rc = rc;
    out_clear(&t->dump);
}

static void flush_prof(tol *t)
{
    if (!t->chunk_records || t->rc != GMX_OK)
        return;
    if (out_failed(&t->prof)) {
        t->rc = gmx_error_set(t->err, GMX_ENOMEM, "out of memory normalizing %s", t->name);
        return;
    }
    gmx_dump_info step;
    remap_ctx r = { t->fn, t->ctx, &t->prof.map, NULL };
    t->rc = gmx_goroutine_profile_text_parse(t->name, t->prof.text.data, t->prof.text.len, remap,
                                             &r, &step, t->err);
    if (t->p.goroutines == 0)
        t->p.kind = step.kind;
    t->p.goroutines += step.goroutines;

    out_clear(&t->prof);
    t->chunk_records = 0;
    /* The next chunk starts with the title again. */
    if (t->title_len)
        put(&t->prof, gmx_str_make(t->title, t->title_len), t->title_line, false);
    else
        put_lit(&t->prof, "goroutine profile: total 0", t->title_line, false);
}

gmx_code gmx_goroutine_tolerant_parse(const char *name, const void *data, size_t len,
                                      gmx_goroutine_fn fn, void *ctx, gmx_dump_info *info,
                                      gmx_error *err)
{
    return gmx_goroutine_tolerant_parse_piece(name, data, len, 0, fn, ctx, info, err);
}

static gmx_code tolerant_parse(const char *name, const void *data, size_t len, uint64_t first_line,
                               gmx_goroutine_fn fn, void *ctx, gmx_dump_info *info, gmx_error *err,
                               bool reflow);

/* Nothing read: the paragraphs a reflow flattened, cut back into lines and
 * read again (greflow.c). True when that read records; info as it says. */
static bool read_reflowed(const char *name, const void *data, size_t len, uint64_t first_line,
                          gmx_goroutine_fn fn, void *ctx, gmx_dump_info *info, gmx_code *rc)
{
    gmx_buf text;
    gmx_buf_init(&text, len < SIZE_MAX / 2 ? len * 2 + 4096 : SIZE_MAX / 2);
    bool read = false;
    if (gmx_greflow_rebuild(data, len, &text) && !text.failed) {
        gmx_dump_info again;
        gmx_code r = tolerant_parse(name, text.data, text.len, first_line, fn, ctx, &again, NULL,
                                    false);
        if (r == GMX_OK && again.goroutines) {
            *info = again;
            info->message = in_input(again.message, data, len);
            info->read.repairs |= GMX_REPAIR_REFLOW;
            *rc = GMX_OK;
            read = true;
        }
    }
    gmx_buf_release(&text);
    return read;
}

gmx_code gmx_goroutine_tolerant_parse_piece(const char *name, const void *data, size_t len,
                                            uint64_t first_line, gmx_goroutine_fn fn, void *ctx,
                                            gmx_dump_info *info, gmx_error *err)
{
    return tolerant_parse(name, data, len, first_line, fn, ctx, info, err, true);
}

static gmx_code tolerant_parse(const char *name, const void *data, size_t len, uint64_t first_line,
                               gmx_goroutine_fn fn, void *ctx, gmx_dump_info *info, gmx_error *err,
                               bool reflow)
{
    gmx_dump_info local;
    if (!info)
        info = &local;
    memset(info, 0, sizeof(*info));
    tol *t = gmx_calloc(1, sizeof(*t));
    if (!t)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory reading %s", name);
    /* Every output line comes from an input line and grows it by a few
     * bytes at most (a tab, a "\t?" for a missing file line, a title). */
    size_t max = len < SIZE_MAX / 4 ? len * 2 + 65536 : SIZE_MAX / 2;
    gmx_buf_init(&t->dump.text, max);
    gmx_buf_init(&t->dump.map, max * 2);
    gmx_buf_init(&t->prof.text, max);
    gmx_buf_init(&t->prof.map, max * 2);
    gmx_buf_init(&t->mults, max * 2);
    t->rep = &info->read;
    t->line0 = first_line;
    t->name = name;
    t->data = data;
    t->len = len;
    t->fn = fn;
    t->ctx = ctx;
    t->err = err;
    scan(t, data, len);
    gmx_code rc = t->rc;
    if (rc != GMX_OK) {
        /* the error is set */
    } else if (t->records) {
        info->kind = t->any_reported ? GMX_DUMP_LEAK_CHECK
                     : t->d.goroutines || t->d.kind != GMX_DUMP_PLAIN ? t->d.kind
                                                                      : t->p.kind;
        info->message = t->d.message;
        info->goroutines = t->d.goroutines + t->mult_extra + t->p.goroutines;
        /* The title's total is written before the records: fewer means a cut. */
        uint64_t total = 0;
        size_t at = gmx_str_find(gmx_str_make(t->title, t->title_len), " total ");
        if (at != SIZE_MAX)
            gmx_parse_u64(gmx_str_make(t->title + at + 7, t->title_len - at - 7), &total);
        info->partial = t->d.partial || t->p.goroutines < total;
        info->declared = total;
    } else if (t->deadlock_line) {
        /* The runtime's deadlock line alone, its goroutines not pasted: the
         * fatal error is the evidence, with no stack to name. */
        info->kind = GMX_DUMP_FATAL;
        info->message = in_input(gmx_str_cstr(DEADLOCK_WORDS), data, len);
    } else if (t->count_lines >= 2 || t->grep_counts) {
        memset(&info->read, 0, sizeof(info->read));
        t->run_kind = 0;
        rc = read_counts(t, data, len, fn, ctx, info);
        close_run(t);
        info->read.repairs |= GMX_REPAIR_SUMMARY;
        info->kind = GMX_DUMP_COUNTS;
    } else if (!(reflow && read_reflowed(name, data, len, first_line, fn, ctx, info, &rc))) {
        rc = nothing_found(t, name, err);
    }
    info->read.tolerant = true;
    info->lines = t->cur.line;
    info->skipped_lines = info->read.skipped_lines;
    gmx_buf_release(&t->dump.text);
    gmx_buf_release(&t->dump.map);
    gmx_buf_release(&t->prof.text);
    gmx_buf_release(&t->prof.map);
    gmx_buf_release(&t->mults);
    gmx_arena_release(&t->escaped);
    gmx_free(t);
    return rc;
}

static bool sniff(const void *data, size_t len);

bool gmx_goroutine_text_sniff(const void *data, size_t len)
{
    if (sniff(data, len))
        return true;
    /* a report a reflow flattened into paragraphs (greflow.c) */
    size_t n = len < 65536 ? len : 65536;
    gmx_buf text;
    gmx_buf_init(&text, n * 2 + 4096);
    bool found = gmx_greflow_rebuild(data, n, &text) && !text.failed && sniff(text.data, text.len);
    gmx_buf_release(&text);
    return found;
}

static bool sniff(const void *data, size_t len)
{
    tol *t = gmx_calloc(1, sizeof(*t));
    if (!t)
        return false;
    size_t n = len < 65536 ? len : 65536;
    gmx_gx_cleaner_init(&t->cl, data, n);
    gmx_cursor_init(&t->cur, data, n);
    gmx_read_report scratch;
    memset(&scratch, 0, sizeof(scratch));
    t->rep = &scratch; /* join_next marks the lines it joins */
    gx_line ln;
    bool found = false;
    unsigned strong = 0;
    while (!found && fetch(t, &ln)) {
        if (ln.kind == GX_HEADER || ln.kind == GX_RECORD || ln.kind == GX_DLV ||
            (ln.kind == GX_PRELUDE && gmx_str_eq_cstr(ln.text, DEADLOCK))) {
            found = true;
        } else if (ln.kind == GX_FUNC) {
            const gx_line *nx = peek(t);
            found = nx && nx->kind == GX_FILE;
        } else if (ln.kind == GX_BARE) {
            const gx_line *nx = peek(t);
            found = nx && nx->kind == GX_BARE;
        } else if (ln.kind == GX_HASH_FRAME) {
            found = pc_frame_shaped(&ln) && pc_frame_shaped(peek(t));
        } else if (ln.kind == GX_PP) {
            const gx_line *nx = peek(t);
            gmx_gpp_call c;
            found = nx && gmx_gpp_parse_call(nx->text, &c);
        } else if (ln.kind == GX_COUNT && ln.strong) {
            /* a grep's count is a command run on a dump, never prose */
            found = ++strong >= 2 || ln.grepped;
        } else if (ln.kind == GX_LEAK_MARK) {
            size_t at = gmx_str_find(ln.text, "leaked: ");
            gx_line f;
            if (at != SIZE_MAX) {
                gmx_gx_classify(&t->cl, gmx_str_sub(ln.text, at + 8, ln.text.n), &f);
                found = f.kind == GX_FUNC;
            }
        } else if (ln.kind == GX_OTHER && memchr(ln.text.p, '(', ln.text.n)) {
            /* a wrapped function line, then its file line */
            static const gx_kind func[] = { GX_FUNC };
            if (join_next(t, &ln, func, 1)) {
                const gx_line *nx = peek(t);
                found = nx && nx->kind == GX_FILE;
            }
        }
    }
    gmx_arena_release(&t->escaped);
    gmx_free(t);
    return found;
}

size_t gmx_goroutine_text_stack_end(const void *data, size_t len, size_t from)
{
    const char *d = data;
    gx_cleaner cl;
    gmx_gx_cleaner_init(&cl, d, len);
    /* lines from the last back: [start, stop) the line, end past its '\n' */
    for (size_t end = len; end > from;) {
        size_t stop = d[end - 1] == '\n' ? end - 1 : end, start = stop;
        while (start > from && d[start - 1] != '\n')
            start--;
        size_t text = stop > start && d[stop - 1] == '\r' ? stop - 1 : stop;
        if (text > start && text - start <= GX_LINE_MAX) {
            gx_line ln;
            gmx_gx_read_line(&cl, gmx_str_make(d + start, text - start), 0, &ln);
            if (ln.kind == GX_FUNC || ln.kind == GX_FILE || ln.kind == GX_CREATED ||
                ln.kind == GX_HEADER)
                return end;
        }
        end = start;
    }
    return from;
}

size_t gmx_goroutine_text_next_header(const void *data, size_t len, size_t pos)
{
    const char *d = data;
    /* from a line start: a header line begun before pos is not a start */
    if (pos && pos < len && d[pos - 1] != '\n') {
        const char *nl = memchr(d + pos, '\n', len - pos);
        pos = nl ? (size_t)(nl - d) + 1 : len;
    }
    while (pos < len) {
        const char *hit = memmem(d + pos, len - pos, "oroutine ", 9);
        if (!hit)
            return len;
        size_t at = (size_t)(hit - d);
        size_t start = at;
        while (start > pos && d[start - 1] != '\n')
            start--;
        const char *nl = memchr(hit, '\n', len - at);
        size_t end = nl ? (size_t)(nl - d) : len;
        /* without CRLF's "\r" and blanks a terminal's copy left */
        gmx_str line = gmx_str_trim_right(gmx_str_make(d + start, end - start));
        if (line.n <= GX_LINE_MAX && gmx_gdump_find_header(line) != SIZE_MAX)
            return start;
        pos = end + 1;
    }
    return len;
}
