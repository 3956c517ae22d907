/* What the parts of the tolerant reader's region stage share: the state of
 * one walk over the classified lines (gtolerant.c), the debug=1 records it
 * rebuilds (gtrecords.c), Delve's and panicparse's lines it writes as dump
 * blocks (gtforeign.c), uniq -c summaries read when nothing else was
 * (gtcounts.c), and the quick tests of where goroutine text starts and
 * ends (gtsniff.c). Not for use outside them. */
#ifndef GMX_PARSE_GTOLERANT_IMPL_H
#define GMX_PARSE_GTOLERANT_IMPL_H

#include "gomemdx/goroutine.h"
#include "parse/gextract.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/cursor.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
    bool last_header;        /* the line dispatched before was a goroutine's header */
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
    /* A second line the line read held (gx_line.then), read next. */
    gmx_str split_then;
    uint64_t split_lineno;
    bool split_logged;
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

/* Line s written to o for input line lineno (a leak checker's when reported). */
void gmx_gt_put(out_text *o, gmx_str s, uint64_t lineno, bool reported);
void gmx_gt_put_lit(out_text *o, const char *s, uint64_t lineno, bool reported);

/* Line lineno was read (kind 1) or skipped (kind 2). */
void gmx_gt_mark(tol *t, uint64_t lineno, int kind);

/* The next classified line (read ahead ones first); false at the end. */
bool gmx_gt_fetch(tol *t, gx_line *ln);

/* The next classified line without taking it, or NULL at the end. */
const gx_line *gmx_gt_peek(tol *t);

/* The dump block, or the profile record, being written ends at lineno. */
void gmx_gt_end_block(tol *t, uint64_t lineno);
void gmx_gt_end_record(tol *t, uint64_t lineno);

/* Joins ln with the next line when together they are a line of one of the
 * kinds wanted (a wrapped line); consumes the next line. */
bool gmx_gt_join_next(tol *t, gx_line *ln, const gx_kind *want, size_t nwant);

/* A header written for input line lineno takes the count announced before it. */
void gmx_gt_take_mult(tol *t, uint64_t lineno);

/* A line left out: remembered when it is the most record-like so far. */
void gmx_gt_note_skipped(tol *t, const gx_line *ln);

/* A line of no record's kind: prose, another writer's, or the rest of one. */
void gmx_gt_on_other(tol *t, gx_line *ln);

/* A field's length for "%.*s" into a line buffer of a few GX_LINE_MAX. */
int gmx_gt_clip(size_t n);

/* debug=1 records (gtrecords.c): "N @ 0x1 0x2" and hand-made ones, "#"
 * frame lines with or without their "#", records pasted from their first
 * frame, and file lines redacted or missing. */
void gmx_gt_on_record(tol *t, const gx_line *ln);
bool gmx_gt_pc_frame_shaped(const gx_line *ln);
bool gmx_gt_countless_record(tol *t, const gx_line *ln);
void gmx_gt_on_pc_frame(tol *t, gx_line *ln);
bool gmx_gt_on_bare_frame(tol *t, const gx_line *ln);
void gmx_gt_fill_missing_file(tol *t, uint64_t lineno);
void gmx_gt_on_file(tol *t, gx_line *ln);

/* Delve's goroutine list and panicparse's buckets (gtforeign.c). */
void gmx_gt_on_dlv(tol *t, const gx_line *ln);
void gmx_gt_on_pp(tol *t, gx_line *ln);

/* uniq -c summaries, read only when nothing else was (gtcounts.c). */
gmx_code gmx_gt_read_counts(tol *t, const char *data, size_t len, gmx_goroutine_fn fn, void *ctx,
                            gmx_dump_info *info);

#endif
