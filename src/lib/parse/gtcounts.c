/* The tolerant reader's region stage, hand-made summaries (see
 * gtolerant_impl.h): uniq -c histograms of states, functions or creators
 * and grep counts, read only when nothing else was, each line a record of
 * its count. */
#include "parse/gdump_header.h"
#include "parse/gtolerant_impl.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/cursor.h"

#include <stdio.h>
#include <string.h>

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
        /* "[chan receive, 5 minutes]": the header grammar's status. */
        gmx_gdump_parse_status(what, &g);
    }
    info->goroutines += g.count;
    return fn ? fn(ctx, &g) : 0;
}

/* uniq -c summaries, read only when nothing else was: each line a record
 * of its count, with its state ("[select]", "chan receive") or function;
 * a creator's line and its closure's, counted alike, one record. */
gmx_code gmx_gt_read_counts(tol *t, const char *data, size_t len, gmx_goroutine_fn fn, void *ctx,
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
    uint32_t repairs = 0; /* what cleaning the lines read did, not the others */
    while (rc == GMX_OK && gmx_cursor_next(&t->cur, &raw)) {
        t->cl.repairs = 0;
        gmx_gx_read_line(&t->cl, raw, t->cur.line + t->line0, &ln);
        if (ln.kind != GX_COUNT) {
            if (ln.kind != GX_BLANK)
                gmx_gt_mark(t, ln.lineno, 2);
            continue;
        }
        repairs |= t->cl.repairs;
        gmx_gt_mark(t, ln.lineno, 1);
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
    info->read.repairs |= repairs;
    gmx_free(lines);
    gmx_arena_release(&texts);
    return rc;
}
