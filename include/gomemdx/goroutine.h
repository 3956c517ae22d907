/* Goroutine dumps: the full text form printed by runtime.Stack(all),
 * /debug/pprof/goroutine?debug=2, SIGQUIT, panics and fatal errors.
 *
 * The parser streams through the input and hands each goroutine to a
 * callback; it keeps nothing itself. Everything it hands out is a view into
 * the input and is valid only during the callback. */
#ifndef GOMEMDX_GOROUTINE_H
#define GOMEMDX_GOROUTINE_H

#include <stdbool.h>
#include <stdint.h>

#include "gomemdx/error.h"
#include "gomemdx/str.h"
#include "gomemdx/symbolize.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One stack frame: function (without the argument list), file and line.
 * An inlined frame has no "+0x" pc offset in the dump. */
typedef struct gmx_frame {
    gmx_str func;
    gmx_str file;
    uint32_t line;
} gmx_frame;

enum gmx_goroutine_flags {
    GMX_G_LEAKED = 1 << 0,     /* " (leaked)": the GC proved it can never wake (1.26+) */
    GMX_G_SCAN = 1 << 1,       /* " (scan)": the GC was scanning its stack */
    GMX_G_DURABLE = 1 << 2,    /* " (durable)" / "(synctest)": durably blocked in a bubble */
    GMX_G_LOCKED = 1 << 3,     /* ", locked to thread" */
    GMX_G_NO_STACK = 1 << 4,   /* "goroutine running on other thread; stack unavailable" */
    GMX_G_ELIDED = 1 << 5,     /* frames were elided by the runtime */
    GMX_G_TRUNCATED = 1 << 6,  /* more frames than GMX_MAX_FRAMES; the rest were dropped */
    GMX_G_CUT = 1 << 7,        /* the input ended inside this goroutine */
    GMX_G_REPORTED = 1 << 8,   /* listed by a leak checker (goleak, leaktest, grpc
                                * leakcheck, net/http afterTest): the checker already
                                * claims it outlived its test */
    GMX_G_GREP_COUNT = 1 << 9  /* counted by a grep of a dump ("grep F | wc -l"): the
                                * lines that matched, so at most that many goroutines,
                                * their states and share of the dump unknown */
};

/* Frames kept per goroutine; deeper stacks keep the innermost ones. */
#define GMX_MAX_FRAMES 256

typedef struct gmx_goroutine {
    uint64_t count;          /* goroutines this record stands for: 1 in full dumps,
                              * N in aggregated profiles (debug=1, protobuf) */
    uint64_t id;             /* 0 when not recorded (aggregated profiles) */
    uint64_t last_id;        /* a record standing for several goroutines of known ids
                              * (a bucket re-added): the highest; 0 = id */
    gmx_str status;          /* wait reason or status, qualifiers removed: "chan receive";
                              * empty when the format does not record it (debug=1) */
    uint32_t wait_minutes;   /* ", N minutes"; 0 when absent */
    uint32_t flags;          /* gmx_goroutine_flags */
    uint64_t bubble;         /* synctest group/bubble id, 0 when none */
    gmx_str labels;          /* raw label text ("{k: v}" 1.27, "{"k": "v"}" 1.26), may be empty */
    const gmx_frame *frames; /* innermost first */
    uint32_t nframes;
    bool has_creator;
    gmx_frame creator;       /* "created by" function and the line of the go statement */
    uint64_t creator_id;     /* "in goroutine N"; 0 when not printed (<=1.20) */
    uint64_t line;           /* line number of the header in the input */
    /* A core's goroutine (0 elsewhere): its stack's allocation, and the heap
     * marked through its stack that no global reaches (first come, first
     * counted among goroutines) */
    uint64_t stack_bytes, heap_bytes;
    /* debug=1 text: the record's stack as its "@" line gives it, return
     * addresses innermost first, the runtime's frames included (its "#"
     * lines leave those out); NULL elsewhere. */
    const uint64_t *pcs;
    uint32_t npcs;
} gmx_goroutine;

/* What kind of text surrounded the goroutines. */
typedef enum gmx_dump_kind {
    GMX_DUMP_PLAIN = 0,      /* runtime.Stack / debug=2: goroutines only */
    GMX_DUMP_PANIC,          /* "panic: ..." */
    GMX_DUMP_FATAL,          /* "fatal error: ..." (deadlock, out of memory, ...) */
    GMX_DUMP_SIGNAL,         /* "SIGQUIT: quit" and other fatal signals */
    GMX_DUMP_PROFILE_TEXT,   /* aggregated "goroutine profile: total N" (debug=1) */
    GMX_DUMP_LEAK_PROFILE_TEXT, /* "goroutineleak profile: total N": every one proven leaked */
    GMX_DUMP_PROFILE_PROTO,  /* goroutine profile, profile.proto (debug=0) */
    GMX_DUMP_LEAK_PROFILE_PROTO, /* goroutineleak profile, profile.proto */
    GMX_DUMP_LEAK_CHECK,     /* a leak checker's report in test output (goleak,
                              * leaktest, grpc leakcheck, net/http afterTest) */
    GMX_DUMP_COUNTS          /* goroutines counted by hand (uniq -c of states,
                              * creators or frames; go tool trace's N=) */
} gmx_dump_kind;

/* What a tolerant read did to a damaged file (gmx_read_report.repairs). */
enum gmx_repairs {
    GMX_REPAIR_TAB_GLYPHS = 1 << 0,  /* tabs shown as glyphs (», ▸, →, ␉) restored */
    GMX_REPAIR_INDENT = 1 << 1,      /* indentation lost or made of spaces, rebuilt */
    GMX_REPAIR_WRAPPED = 1 << 2,     /* lines wrapped at a terminal width joined */
    GMX_REPAIR_PAGER = 1 << 3,       /* pager line numbers (less -N) removed */
    GMX_REPAIR_QUOTE = 1 << 4,       /* "> " quote markers removed */
    GMX_REPAIR_HTML = 1 << 5,        /* HTML tags and entities decoded */
    GMX_REPAIR_LOG_PREFIX = 1 << 6,  /* log prefixes removed (journald, syslog, Jenkins,
                                      * Kubernetes, Docker JSON, test runner) */
    GMX_REPAIR_NO_TITLE = 1 << 7,    /* debug=1 records without their title */
    GMX_REPAIR_FRAMES = 1 << 8,      /* frame lines rebuilt (no "#", fields re-split) */
    GMX_REPAIR_MISSING = 1 << 9,     /* redacted or missing frame lines ("...") */
    GMX_REPAIR_NO_HEADER = 1 << 10,  /* stacks without a goroutine header */
    GMX_REPAIR_SUMMARY = 1 << 11,    /* hand-made summaries (uniq -c counts, "N @ func") */
    GMX_REPAIR_TREE = 1 << 12,       /* stacks redrawn as trees (└─, ├─, │) read as frames */
    GMX_REPAIR_REFLOW = 1 << 13,     /* stack text or a -top table reflowed into paragraphs
                                      * cut back into lines */
    GMX_REPAIR_LINKS = 1 << 14,      /* names a web page made into Markdown links unwrapped */
    GMX_REPAIR_ESCAPES = 1 << 15,    /* a dump logged as one quoted string ("\n", "\t") decoded */
    GMX_REPAIR_NOTES = 1 << 16,      /* notes typed after stack lines ("<-- stuck here") removed */
    GMX_REPAIR_HIDDEN_IDS = 1 << 17, /* goroutine numbers hidden ("goroutine NNNNN [...]") */
    GMX_REPAIR_EMPHASIS = 1 << 18    /* pointer receivers' '*' a Markdown page took for
                                      * emphasis put back ("(_Mutex)" -> "(*Mutex)") */
};

typedef struct gmx_line_range {
    uint64_t first, last;            /* 1-based, inclusive */
} gmx_line_range;

#define GMX_READ_RANGES 6

/* Which lines of the input were read and which skipped: set by the tolerant
 * reader; all zero after a strict parse of a pristine file (but the lines of
 * another writer the strict grammar skipped between a dump's lines). Ranges
 * beyond GMX_READ_RANGES are counted, not kept. */
typedef struct gmx_read_report {
    bool tolerant;                   /* the tolerant reader was needed */
    uint32_t repairs;                /* gmx_repairs */
    uint64_t read_lines, skipped_lines;
    gmx_line_range read[GMX_READ_RANGES];
    gmx_line_range skipped[GMX_READ_RANGES];
    uint32_t nread, nskipped;        /* ranges kept */
    uint32_t more_read, more_skipped;/* ranges not kept */
    gmx_line_range last_read, last_skipped; /* the last range of each, kept or not */
    uint64_t interleaved;            /* a strict read's lines of another writer between a
                                      * dump's lines behind a learned log prefix, skipped */
    uint64_t first_interleaved;      /* the first of them (a line of the input) */
} gmx_read_report;

typedef struct gmx_dump_info {
    gmx_dump_kind kind;
    gmx_str message;         /* first prelude line after "panic: " / "fatal error: " / signal name */
    uint64_t goroutines;     /* goroutine headers seen */
    uint64_t threads;        /* system stacks of threads ("goroutine 0 [idle]:", printed
                              * per M by GOTRACEBACK=crash): not goroutines, not handed out */
    uint64_t lines;          /* lines read */
    uint64_t skipped_lines;  /* lines that were not part of the dump (log lines, registers) */
    bool partial;            /* the input ended inside a goroutine */
    uint64_t declared;       /* the goroutines a debug=1 title says the profile holds
                              * ("goroutine profile: total N"); 0 when none was read */
    size_t prefix_len;       /* per-line prefix stripped (timestamps, syslog tags), 0 if none */
    int64_t time_ns;         /* when it was taken, when the format says (profiles); else 0 */
    uint64_t suspect_lines;  /* skipped lines that look like stack text: a damage signal */
    uint64_t named_records;  /* debug=1 records whose runtime frames the binary named */
    uint64_t unnamed_records;/* ... whose pcs the binary did not lead to their frames
                              * (another build's) */
    gmx_read_report read;    /* what a tolerant read read, skipped and repaired */
    gmx_symbolized symbolized; /* a protobuf profile written without function names:
                                * its addresses, and what --binary named of them */
} gmx_dump_info;

/* "goroutine dump", "panic with goroutine dump", "goroutine profile
 * (debug=1)", ... Static storage. */
const char *gmx_dump_kind_name(gmx_dump_kind kind);
/* The same name in Chinese (diagnose --lang zh). Static storage. */
const char *gmx_dump_kind_name_zh(gmx_dump_kind kind);

/* Return nonzero to stop the parse; that value is then returned as the
 * parse's result (use a gmx_code). */
typedef int (*gmx_goroutine_fn)(void *ctx, const gmx_goroutine *g);

/* Parses a full goroutine dump held in (data, len). Calls fn for each
 * goroutine in input order. name is used in error messages only.
 * Returns GMX_EFORMAT when no goroutine header is found at all. */
gmx_code gmx_goroutine_dump_parse(const char *name, const void *data, size_t len,
                                  gmx_goroutine_fn fn, void *ctx, gmx_dump_info *info,
                                  gmx_error *err);

/* The width a terminal cut a text's long lines at (a copy from its screen,
 * fold, a CI log of fixed width); width 0 when no terminal wrapped it.
 * tabs8: a tab counted to the next eighth column, else as one. */
typedef struct gmx_text_wrap {
    size_t width;
    bool tabs8;
} gmx_text_wrap;

/* What was done to every line of a text on its way to a paste, learned
 * from its first lines: numbered by a pager (less -N, cat -n, nl), cut at
 * a terminal's width, or indented by a test runner (margin: the spaces
 * before every stack line of a leak checker's report in go test output). */
typedef struct gmx_text_layout {
    bool pager;
    gmx_text_wrap wrap;
    unsigned margin;
    /* bytes of the first numbered line's number and the blank after it:
     * less -N leaves as many blank before the rest of a line it wrapped */
    unsigned pager_column;
    /* the pager numbered every piece of the lines a terminal cut (the text
     * was wrapped first); else the rest of a cut line has no number */
    bool pager_pieces;
} gmx_text_layout;

gmx_text_layout gmx_text_layout_learn(const void *data, size_t len);

/* gmx_goroutine_dump_parse over text laid out so (from
 * gmx_text_layout_learn): each line's pager number is dropped, or each
 * line as wide as the wrap is joined with the rest the wrap cut off it,
 * before the grammar reads it, and info->read.repairs says so. Lines left
 * damaged are counted as the plain parse counts them (info->suspect_lines). */
gmx_code gmx_goroutine_dump_parse_repaired(const char *name, const void *data, size_t len,
                                           const gmx_text_layout *layout, gmx_goroutine_fn fn,
                                           void *ctx, gmx_dump_info *info, gmx_error *err);

/* Parses the aggregated goroutine profile text (/debug/pprof/goroutine?debug=1,
 * also goroutineleak): one record per distinct stack and label set, with its
 * count; no wait reasons and no creators are recorded in this format.
 * info->goroutines is the sum of the counts. */
gmx_code gmx_goroutine_profile_text_parse(const char *name, const void *data, size_t len,
                                          gmx_goroutine_fn fn, void *ctx, gmx_dump_info *info,
                                          gmx_error *err);

/* True when data starts with "<name> profile: total N" (goroutine,
 * goroutineleak, threadcreate, ...). */
bool gmx_goroutine_profile_text_sniff(const void *data, size_t len);

/* True when data looks like it holds a full goroutine dump (a
 * "goroutine N [...]:" header among its first lines). Cheap; for sniffing. */
bool gmx_goroutine_dump_sniff(const void *data, size_t len);

/* The tolerant reader: finds every goroutine record it can recognise
 * anywhere in (data, len) — full dumps, debug=1 records, leak checkers'
 * reports in test output, hand-made summaries — through damage (log
 * prefixes, tab glyphs, lost indentation, wrapped lines, pager numbers,
 * quotes, HTML, Markdown fences, redactions), and hands each to fn as the
 * strict parsers would. info->read says what was read, skipped and repaired.
 * GMX_EFORMAT, naming the most promising line, only when nothing is found. */
gmx_code gmx_goroutine_tolerant_parse(const char *name, const void *data, size_t len,
                                      gmx_goroutine_fn fn, void *ctx, gmx_dump_info *info,
                                      gmx_error *err);

/* The same over a piece of a larger input whose first line is line
 * first_line + 1 of the whole: line numbers (goroutines, read report,
 * errors) are those of the whole. For reading large inputs in pieces. */
gmx_code gmx_goroutine_tolerant_parse_piece(const char *name, const void *data, size_t len,
                                            uint64_t first_line, gmx_goroutine_fn fn, void *ctx,
                                            gmx_dump_info *info, gmx_error *err);

/* Offset of the first line starting at or after pos that holds a
 * goroutine header in any dress (log prefix, glyphs, quotes), or len: where
 * a large input can be cut into pieces. */
size_t gmx_goroutine_text_next_header(const void *data, size_t len, size_t pos);

/* The end of the last line of stack text in (data, len), after from (a
 * function, a file line however indented, "created by", a header): where a
 * dump pasted whole into prose or a page's markup stops and the wrapper's
 * tail begins. from when there is none. */
size_t gmx_goroutine_text_stack_end(const void *data, size_t len, size_t from);

/* True when the tolerant reader recognises a goroutine record (a header, a
 * debug=1 record, a stack) among the first lines of (data, len), whatever
 * surrounds it. For sniffing what the strict sniffers refuse. */
bool gmx_goroutine_text_sniff(const void *data, size_t len);

/* "read lines 14-388 (tab glyphs restored); skipped 1-13, 389-420" into
 * buf (always NUL-terminated), in Chinese with zh; empty when the read was
 * strict. Returns the length written. */
size_t gmx_read_report_describe(const gmx_read_report *r, bool zh, char *buf, size_t cap);

/* One pprof label of a goroutine, unquoted. */
typedef struct gmx_label_kv {
    gmx_str key;
    gmx_str value;
} gmx_label_kv;

/* Splits a goroutine's label text (gmx_goroutine.labels) into its pairs, in
 * order: `{k: v, "a b": "c"}` (1.27 tracebacks: bare or quoted), `{"k": "v"}`
 * (1.26) and `{"k":"v", "k2":"v2"}` (debug=1). Quoted strings are unescaped
 * (Go's %q escapes) into scratch, which must hold text.n bytes; the pairs
 * point into text or scratch. Returns the number of pairs, or -1 when the
 * text is not well formed or holds more than max pairs. */
int gmx_goroutine_labels_split(gmx_str text, char *scratch, gmx_label_kv *pairs, size_t max);

#ifdef __cplusplus
}
#endif

#endif
