/* The tolerant reader's region stage: walks the classified lines of the
 * line stage (gextract.h), keeps the ones that form goroutine records
 * (full-dump blocks, debug=1 records, leak checkers' stacks; gtrecords.c,
 * gtforeign.c and gtcounts.c write the other tools' and hand-made forms),
 * rebuilds their indentation,
 * joins wrapped lines, fills redacted frame lines, and writes two normalized
 * texts — a full dump and a debug=1 profile — that the strict grammars
 * then read, each output line mapped back to its input line. Memory: the
 * normalized texts and maps, bounded by a multiple of the input. */
#include "gomemdx/goroutine.h"
#include "parse/gescaped.h"
#include "parse/gextract.h"
#include "parse/gtolerant_impl.h"
#include "parse/gostd_dirs.h"
#include "parse/greflow.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/cursor.h"
#include "util/num.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

void gmx_gt_put(out_text *o, gmx_str s, uint64_t lineno, bool reported)
{
    uint32_t m = lineno > 0x7fffffff ? 0x7fffffff : (uint32_t)lineno;
    if (reported)
        m |= REPORTED_BIT;
    gmx_buf_append(&o->text, s.p, s.n);
    gmx_buf_putc(&o->text, '\n');
    gmx_buf_append(&o->map, &m, sizeof(m));
    o->lines++;
}

void gmx_gt_put_lit(out_text *o, const char *s, uint64_t lineno, bool reported)
{
    gmx_gt_put(o, gmx_str_cstr(s), lineno, reported);
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

void gmx_gt_mark(tol *t, uint64_t lineno, int kind)
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
    if (t->split_then.n) {
        gmx_gx_classify(&t->cl, t->split_then, ln);
        ln->lineno = t->split_lineno;
        ln->indented = true;
        ln->logged = t->split_logged;
        t->split_then = (gmx_str){ NULL, 0 };
        return true;
    }
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
    if (ln->then.n) {
        t->split_then = ln->then;
        t->split_lineno = lineno;
        t->split_logged = ln->logged;
    }
    return true;
}

bool gmx_gt_fetch(tol *t, gx_line *ln)
{
    if (t->nahead) {
        *ln = t->ahead[0];
        memmove(&t->ahead[0], &t->ahead[1], (t->nahead - 1) * sizeof(t->ahead[0]));
        t->nahead--;
        return true;
    }
    return read_raw(t, ln);
}

const gx_line *gmx_gt_peek(tol *t)
{
    if (!t->nahead && read_raw(t, &t->ahead[0]))
        t->nahead = 1;
    return t->nahead ? &t->ahead[0] : NULL;
}

void gmx_gt_end_block(tol *t, uint64_t lineno)
{
    if (t->in_block)
        gmx_gt_put_lit(&t->dump, "", lineno, false);
    t->in_block = t->expect_file = t->last_file = t->headed = false;
}

void gmx_gt_end_record(tol *t, uint64_t lineno)
{
    if (t->in_record)
        gmx_gt_put_lit(&t->prof, "", lineno, false);
    t->in_record = false;
}

/* Joins ln with the next line when together they are a line of one of the
 * kinds wanted (a wrapped line); consumes the next line. */
bool gmx_gt_join_next(tol *t, gx_line *ln, const gx_kind *want, size_t nwant)
{
    const gx_line *nx = gmx_gt_peek(t);
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
            gmx_gt_fetch(t, &next);
            gmx_gt_mark(t, next.lineno, 1);
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

/* A header written for input line lineno takes the count announced before it. */
void gmx_gt_take_mult(tol *t, uint64_t lineno)
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
    gmx_gt_take_mult(t, lineno);
    gmx_gt_put_lit(&t->dump, "goroutine 0 [unknown]:", lineno, t->leak_context);
    t->any_reported |= t->leak_context;
    t->rep->repairs |= GMX_REPAIR_NO_HEADER;
    t->in_block = true;
    t->expect_file = t->last_file = false;
    t->records++;
}

void gmx_gt_note_skipped(tol *t, const gx_line *ln)
{
    gmx_gt_mark(t, ln->lineno, 2);
    /* a '#' line is a debug=1 frame only with its address ("####" rules
     * and "# comments" are not) */
    if (!t->promising && (ln->kind == GX_FUNC || ln->kind == GX_FILE || ln->kind == GX_CREATED ||
                          (ln->kind == GX_HASH_FRAME && gmx_gt_pc_frame_shaped(ln))))
        t->promising = ln->lineno;
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
    const gx_line *nx = gmx_gt_peek(t);
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
    bool was_header = t->last_header;
    t->last_file = false;
    t->leak_header = false;
    t->last_header = ln->kind == GX_HEADER;
    switch (ln->kind) {
    case GX_BLANK:
        if (t->in_block) {
            /* Double-spaced text (copied from a web UI): one blank line
             * is spacing, two or more end a block. A blank line between a
             * function and its file line, or before "created by", shows it;
             * so does one between a header and its first frame (or an
             * elision for it), which the runtime never writes. */
            const gx_line *nx = gmx_gt_peek(t);
            if (nx && ((t->expect_file && nx->kind == GX_FILE) || nx->kind == GX_CREATED))
                t->spaced = true;
            if (nx && was_header && t->headed && (nx->kind == GX_FUNC || nx->kind == GX_ELIDED))
                t->spaced = true;
            if (nx && nx->kind != GX_BLANK && (t->spaced || t->cl.double_spaced))
                return;
        }
        gmx_gt_end_block(t, ln->lineno);
        gmx_gt_end_record(t, ln->lineno);
        t->system_stack = false;
        return;
    case GX_FENCE:
        if (after_leak_header && fence_inside_leak_report(t)) {
            t->leak_header = true;
            return;
        }
        gmx_gt_end_block(t, ln->lineno);
        gmx_gt_end_record(t, ln->lineno);
        t->leak_context = false;
        return;
    case GX_LEAK_MARK: {
        gmx_gt_end_block(t, ln->lineno);
        gmx_gt_end_record(t, ln->lineno);
        t->leak_context = true;
        note_named(t, ln);
        gmx_gt_mark(t, ln->lineno, 1);
        /* "... appears to have leaked: pkg.f(0x1)": the first frame follows. */
        size_t colon = gmx_str_find(ln->text, "leaked: ");
        if (colon != SIZE_MAX) {
            gx_line f;
            gmx_gx_classify(&t->cl, gmx_str_sub(ln->text, colon + 8, ln->text.n), &f);
            if (f.kind == GX_FUNC) {
                start_synthetic(t, ln->lineno);
                gmx_gt_put(&t->dump, f.text, ln->lineno, false);
                t->expect_file = true;
            }
        }
        return;
    }
    case GX_HEADER: {
        gmx_gt_end_record(t, ln->lineno);
        gmx_str head = gmx_str_sub(ln->text, ln->header_at, ln->text.n);
        /* goleak's line and the runtime's header under it are one goroutine:
         * kept together, the dump parser joins them. */
        if (!after_leak_header)
            gmx_gt_end_block(t, ln->lineno);
        else
            move_mult(t, t->leak_header_line, ln->lineno);
        bool reported = ln->reported || t->leak_context;
        gmx_gt_take_mult(t, ln->lineno);
        gmx_gt_put(&t->dump, head, ln->lineno, reported);
        t->leak_header = gmx_str_starts(head, "Goroutine ") || gmx_str_starts(head, "[Goroutine ");
        t->leak_header_line = ln->lineno;
        if (t->leak_header)
            keep_leak_top(t, head);
        t->any_reported |= reported;
        t->in_block = t->headed = true;
        t->records++;
        gmx_gt_mark(t, ln->lineno, 1);
        /* goleak's record whose stack its poster wrote "...": the function
         * it names on top is the one frame known. */
        if (ln->elided_top.n) {
            char frame[GX_LINE_MAX + 8];
            int n = snprintf(frame, sizeof(frame), "%.*s(...)", (int)ln->elided_top.n,
                             ln->elided_top.p);
            if (n > 0 && (size_t)n < sizeof(frame)) {
                gmx_gt_put(&t->dump, gmx_str_make(frame, (size_t)n), ln->lineno, false);
                t->expect_file = true;
                t->leak_header = false;
                t->rep->repairs |= GMX_REPAIR_MISSING;
            }
        }
        return;
    }
    case GX_FUNC:
        if (!t->in_block && t->system_stack) {
            gmx_gt_mark(t, ln->lineno, 2);
            return;
        }
        if (!t->in_block) {
            const gx_line *nx = gmx_gt_peek(t);
            if (!nx || nx->kind != GX_FILE) {
                gmx_gt_note_skipped(t, ln);
                return;
            }
            gmx_gt_end_record(t, ln->lineno);
            take_named(t, ln->text);
            start_synthetic(t, ln->lineno);
        }
        gmx_gt_fill_missing_file(t, ln->lineno);
        gmx_gt_put(&t->dump, ln->text, ln->lineno, false);
        t->expect_file = true;
        gmx_gt_mark(t, ln->lineno, 1);
        return;
    case GX_FILE:
        if (gmx_gt_on_bare_frame(t, ln))
            gmx_gt_mark(t, ln->lineno, 1);
        else if (t->in_block && t->expect_file)
            gmx_gt_on_file(t, ln);
        else if (t->in_block && was_file)
            gmx_gt_mark(t, ln->lineno, 1); /* a wrapped file line's tail */
        else
            gmx_gt_note_skipped(t, ln);
        return;
    case GX_CREATED:
    case GX_ELIDED:
        if (!t->in_block) {
            if (ln->kind == GX_ELIDED && t->in_record) {
                t->rep->repairs |= GMX_REPAIR_MISSING;
                gmx_gt_mark(t, ln->lineno, 1);
            } else {
                gmx_gt_note_skipped(t, ln);
            }
            return;
        }
        gmx_gt_fill_missing_file(t, ln->lineno);
        if (ln->kind == GX_CREATED) {
            gmx_gt_put(&t->dump, ln->text, ln->lineno, false);
            t->expect_file = true;
        } else {
            /* The runtime's own "...additional frames elided..." and
             * "...N frames elided..." are no redaction. */
            if (!gmx_str_ends(ln->text, "elided..."))
                t->rep->repairs |= GMX_REPAIR_MISSING;
            gmx_gt_put_lit(&t->dump, "...additional frames elided...", ln->lineno, false);
        }
        gmx_gt_mark(t, ln->lineno, 1);
        return;
    case GX_ANCESTOR:
        if (!t->in_block) {
            gmx_gt_note_skipped(t, ln);
            return;
        }
        gmx_gt_fill_missing_file(t, ln->lineno);
        gmx_gt_put(&t->dump, ln->text, ln->lineno, false);
        gmx_gt_mark(t, ln->lineno, 1);
        return;
    case GX_PRELUDE:
        if (!t->deadlock_line && gmx_str_eq_cstr(ln->text, DEADLOCK))
            t->deadlock_line = ln->lineno;
        gmx_gt_end_block(t, ln->lineno);
        gmx_gt_put(&t->dump, ln->text, ln->lineno, false);
        gmx_gt_mark(t, ln->lineno, 1);
        return;
    case GX_CONT:
        if (t->in_block && was_file) {
            t->rep->repairs |= GMX_REPAIR_WRAPPED;
            t->last_file = true;
            gmx_gt_mark(t, ln->lineno, 1);
        } else {
            gmx_gt_note_skipped(t, ln);
        }
        return;
    case GX_TITLE:
        gmx_gt_end_block(t, ln->lineno);
        gmx_gt_end_record(t, ln->lineno);
        if (!t->prof_title) {
            gmx_gt_put(&t->prof, ln->text, ln->lineno, false);
            t->prof_title = true;
            t->title_len = ln->text.n < sizeof(t->title) ? ln->text.n : 0;
            memcpy(t->title, ln->text.p, t->title_len);
            t->title_line = ln->lineno;
        }
        gmx_gt_mark(t, ln->lineno, 1);
        return;
    case GX_RECORD:
        gmx_gt_on_record(t, ln);
        gmx_gt_mark(t, ln->lineno, 1);
        return;
    case GX_HASH_FRAME:
    case GX_PC_FRAME:
        if (!t->in_record && !gmx_gt_countless_record(t, ln)) {
            gmx_gt_note_skipped(t, ln);
            return;
        }
        gmx_gt_on_pc_frame(t, ln);
        gmx_gt_mark(t, ln->lineno, 1);
        return;
    case GX_LABELS:
        if (!t->in_record) {
            gmx_gt_note_skipped(t, ln);
            return;
        }
        gmx_gt_put(&t->prof, ln->text, ln->lineno, false);
        gmx_gt_mark(t, ln->lineno, 1);
        return;
    case GX_COUNT:
        t->count_lines++;
        t->grep_counts += ln->grepped;
        gmx_gt_on_other(t, ln);
        return;
    case GX_BARE:
        /* Frames as bare function names: two or more in a row make a stack. */
        if (!t->in_block) {
            const gx_line *nx = gmx_gt_peek(t);
            if (!nx || nx->kind != GX_BARE ||
                !(gmx_gx_bare_certain(ln->text) || gmx_gx_bare_certain(nx->text))) {
                gmx_gt_on_other(t, ln);
                return;
            }
            gmx_gt_end_record(t, ln->lineno);
            take_named(t, ln->text);
            start_synthetic(t, ln->lineno);
        }
        gmx_gt_fill_missing_file(t, ln->lineno);
        {
            char line[600];
            int n = snprintf(line, sizeof(line), "%.*s(...)", (int)ln->text.n, ln->text.p);
            gmx_gt_put(&t->dump, gmx_str_make(line, (size_t)n), ln->lineno, false);
            gmx_gt_put_lit(&t->dump, "\t?", ln->lineno, false);
        }
        t->rep->repairs |= GMX_REPAIR_FRAMES;
        gmx_gt_mark(t, ln->lineno, 1);
        return;
    case GX_OTHER:
        gmx_gt_on_other(t, ln);
        return;
    case GX_DLV:
        gmx_gt_on_dlv(t, ln);
        return;
    case GX_PP:
        gmx_gt_on_pp(t, ln);
        return;
    case GX_MULT:
        gmx_gt_end_block(t, ln->lineno);
        gmx_gt_end_record(t, ln->lineno);
        t->pending_mult = ln->count;
        gmx_gt_mark(t, ln->lineno, 1);
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
    const gx_line *nx = gmx_gt_peek(t);
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

void gmx_gt_on_other(tol *t, gx_line *ln)
{
    static const gx_kind frame[] = { GX_FUNC, GX_FILE, GX_CREATED };
    if (interleaved(t, ln)) {
        gmx_gt_note_skipped(t, ln);
        return;
    }
    /* the rest of a cut line never begins with the tab that indents a
     * file line: "prose" then "\t/x/main.go:12" is no wrapped file line */
    const gx_line *nx = gmx_gt_peek(t);
    if (t->in_block && !(nx && nx->indented) && gmx_gt_join_next(t, ln, frame, 3)) {
        dispatch(t, ln);
        return;
    }
    /* A headerless stack whose first function line was wrapped. */
    if (!t->in_block && ln->kind == GX_OTHER && ln->text.n >= 20 &&
        memchr(ln->text.p, '(', ln->text.n) && gmx_gt_join_next(t, ln, frame, 1)) {
        dispatch(t, ln);
        return;
    }
    gmx_gt_end_block(t, ln->lineno);
    gmx_gt_end_record(t, ln->lineno);
    t->pending_mult = 0; /* prose between a count and a stack: not its count */
    /* Unless the prose is the count: "thousands of the following stack trace:". */
    uint64_t said;
    if (gmx_gx_prose_count(ln->text, &said))
        t->pending_mult = said;
    note_named(t, ln);
    if (gmx_str_eq_cstr(ln->text, "runtime stack:"))
        t->system_stack = true;
    gmx_gt_note_skipped(t, ln);
}

static void flush_dump(tol *t);
static void flush_prof(tol *t);

static void scan(tol *t, const char *data, size_t len)
{
    gmx_gx_cleaner_init(&t->cl, data, len);
    gmx_cursor_init(&t->cur, data, len);
    gx_line ln;
    while (t->rc == GMX_OK && gmx_gt_fetch(t, &ln)) {
        dispatch(t, &ln);
        if (!t->in_block && t->dump.text.len >= CHUNK)
            flush_dump(t);
        if (!t->in_record && t->prof.text.len >= CHUNK)
            flush_prof(t);
    }
    gmx_gt_end_block(t, t->cur.line);
    gmx_gt_end_record(t, t->cur.line);
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
        gmx_gt_put(&t->prof, gmx_str_make(t->title, t->title_len), t->title_line, false);
    else
        gmx_gt_put_lit(&t->prof, "goroutine profile: total 0", t->title_line, false);
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
        rc = gmx_gt_read_counts(t, data, len, fn, ctx, info);
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

