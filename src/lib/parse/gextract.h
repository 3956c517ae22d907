/* The tolerant reader's line stage: cleans one pasted line of what copying
 * it did (pager numbers, quote markers, HTML, log prefixes, tab glyphs,
 * indentation) and says what is left: a goroutine header, a function or
 * file line, a debug=1 record start, prose... gtolerant.c builds regions
 * from these and writes normalized text for the strict grammars. */
#ifndef GMX_PARSE_GEXTRACT_H
#define GMX_PARSE_GEXTRACT_H

#include <stdbool.h>
#include <stdint.h>

#include "gomemdx/goroutine.h"
#include "util/cursor.h"
#include "util/str.h"

/* Lines longer than this are classified as they are, never decoded. */
enum { GX_LINE_MAX = 4096, GX_SLOTS = 8, GX_PREFIX_MAX = 128 };

typedef enum gx_kind {
    GX_BLANK,
    GX_OTHER,      /* prose, log lines, anything else */
    GX_FENCE,      /* ``` or ~~~ */
    GX_HEADER,     /* "goroutine N [...]:", goleak's "[Goroutine N in state ..." */
    GX_FUNC,       /* "pkg.f(...)" */
    GX_FILE,       /* "/path/file.go:12 +0x1d" */
    GX_CREATED,    /* "created by pkg.f in goroutine 7" */
    GX_ELIDED,     /* "...additional frames elided...", "...", "…" */
    GX_ANCESTOR,   /* "[originating from goroutine N]:" */
    GX_PRELUDE,    /* "panic: ", "fatal error: ", "SIGQUIT: quit" */
    GX_CONT,       /* "+0x1d" or "fp=0x..": the wrapped tail of a file line */
    GX_TITLE,      /* "goroutine profile: total N" */
    GX_RECORD,     /* "448 @ 0x1 0x2" or, hand-made, "336 @ pkg.f+0x48 ..." */
    GX_HASH_FRAME, /* "#	0x1	pkg.f+0x9	/path/file.go:12" */
    GX_PC_FRAME,   /* the same without its "#" */
    GX_LABELS,     /* "# labels: {...}" */
    GX_LEAK_MARK,  /* a leak checker's words before stacks without headers */
    GX_COUNT,      /* "  1024 chan receive", "17 [select]": a uniq -c line;
                    * "pkg.f N=81848": go tool trace's goroutine summary */
    GX_BARE,       /* "pkg.(*T).f": a frame written as its function name alone */
    GX_MULT,       /* "101 instances of:" (etcd's, cockroach's leak checks), "10 *",
                    * "10 x": how many goroutines the stack after it stands for */
    GX_DLV,        /* "Goroutine 7 - User: /x/f.go:12 pkg.f (0x1) [select]": Delve's
                    * goroutine list, one goroutine a line (parse/gdlv.h) */
    GX_PP          /* "1: chan send [1615 minutes] [Created by pkg.f @ f.go:9]":
                    * panicparse's bucket header, its calls on the lines after it
                    * (parse/gpanicparse.h) */
} gx_kind;

typedef struct gx_line {
    gx_kind kind;
    gmx_str text;        /* content: prefixes and indentation removed */
    size_t header_at;    /* GX_HEADER: where the header starts in text */
    bool reported;       /* GX_HEADER: listed by a leak checker */
    gmx_str elided_top;  /* GX_HEADER rebuilt from goleak's record with its stack
                          * written "...": the function it names on top */
    bool indented;       /* the content had a leading tab in the input */
    bool logged;         /* behind a log prefix (a timestamp, a syslog or a learned one) */
    uint64_t count;      /* GX_RECORD, GX_COUNT, GX_MULT */
    bool strong;         /* GX_COUNT: a form no prose takes ("[state]", "N=") */
    gmx_str rest;        /* GX_COUNT: what is counted */
    bool created;        /* GX_COUNT: rest is a "created by" function */
    bool grepped;        /* GX_COUNT: rest is what a counting grep matched in the
                          * stacks (a function's name or part of it) */
    gmx_str then;        /* a second line written on the same line, read next:
                          * the file line of a frame written on one line, the
                          * header after an "N goroutines [state]:" count */
    uint64_t lineno;     /* 1-based line of the input */
} gx_line;

typedef struct gx_cleaner {
    gmx_text_layout layout;       /* numbered by a pager, cut at a terminal's width */
    bool double_spaced;           /* a blank line after every line (copied from a web UI) */
    char prefix[GX_PREFIX_MAX];   /* a per-line prefix learned from a header, by shape */
    size_t prefix_len;
    uint32_t repairs;             /* gmx_repairs seen so far */
    char grep[GX_PREFIX_MAX + 80];/* the pattern of a counting grep on the line before */
    size_t grep_len;
    unsigned slot;                /* scratch slot of the next decoded line */
    char scratch[GX_SLOTS][GX_LINE_MAX];
} gx_cleaner;

/* The length of the tab glyph (», ▸, →, ␉, ⇥, a no-break space, ...) a web
 * page drew at s.p[i], or 0. */
size_t gmx_gx_glyph_len(gmx_str s, size_t i);

/* Looks at the first lines of the input for file-wide damage (pager
 * numbers, double spacing, lines cut at a terminal's width). */
void gmx_gx_cleaner_init(gx_cleaner *c, const char *data, size_t len);

/* The number a pager put before raw, the first piece of a line a
 * terminal may have cut, where the pager's next line is told from the
 * line's rest by it (gmx_gx_wrap_peek): numbered lines whose rest is not.
 * 0 otherwise. */
uint64_t gmx_gx_wrap_number(const gmx_text_layout *l, gmx_str raw);

/* The line after cur's, as the rest of one a terminal cut at its width:
 * without what a pager put before it, its number (a text wrapped, then
 * numbered piece by piece) or the blank number column less -N leaves.
 * number is gmx_gx_wrap_number of the line's first piece. False at the
 * end of the text, or when the line after is the pager's next one. */
bool gmx_gx_wrap_peek(const gmx_text_layout *l, const gmx_cursor *cur, uint64_t number,
                      gmx_str *rest);

/* True when line, raw as read, is as wide as the terminal that wrapped the
 * text (width 0: false), so that the next line may be its rest. */
bool gmx_gx_wrap_full(const gmx_text_wrap *w, gmx_str line);

/* line without the number a pager (less -N, cat -n, nl) put before it;
 * line itself when it has none. */
gmx_str gmx_gx_pager_strip(gmx_str line);

/* True when next is the rest of line (as joined so far), whose last piece
 * gmx_gx_wrap_full found as wide as the wrap: line ends mid-token or next
 * begins as no stack line does. */
bool gmx_gx_wrap_joins(gx_cleaner *c, gmx_str line, gmx_str next);
/* s can be the rest of a file line cut inside its number, its offset or
 * its frame registers ("12 +0x1d", "+0x1d", " pc=0x4a"). */
bool gmx_gx_file_tail(gmx_str s);
/* s says a leak checker reports goroutines ("leaked goroutine", goleak's
 * "found unexpected goroutines", ...). */
bool gmx_gx_leak_words(gmx_str s);

/* A line without what a reply or a page wrapped it in: "> " quote markers,
 * HTML tags at either side, entities decoded (the text may point into the
 * cleaner's scratch, as gmx_gx_read_line's). The repairs are noted in c. */
gmx_str gmx_gx_unwrap(gx_cleaner *c, gmx_str s);

/* Cleans and classifies one raw line (without its newline). The text may
 * point into the cleaner's scratch, valid for two more calls (each may use two slots). */
void gmx_gx_read_line(gx_cleaner *c, gmx_str raw, uint64_t lineno, gx_line *out);

/* Classifies content already cleaned (used again on joined wrapped lines). */
void gmx_gx_classify(gx_cleaner *c, gmx_str text, gx_line *out);
/* A line of prose announcing how many goroutines share the stack pasted
 * after it ("with thousands of the following stack trace:", "40000+ of
 * goroutines with the following stack"): true and the count, when the line
 * points at what follows and gives a number or a magnitude word. */
bool gmx_gx_prose_count(gmx_str text, uint64_t *count);

/* A line of prose counting the goroutines of a function it names ("one
 * snapshot showed 12 651 goroutines in `net/http.setRequestCancel.func4`"):
 * true, the count and the function (pointing into text). The count goes to
 * a stack pasted later whose first frame is that function. */
bool gmx_gx_named_count(gmx_str text, uint64_t *count, gmx_str *func);

/* A shell command that counted matches in a dump ("grep f dump.txt | wc -l",
 * "grep -c f dump.txt", after a prompt): true and the pattern, when it is
 * text a stack line can hold. gmx_gx_read_line pairs it with the number
 * printed on the next line into a GX_COUNT (ggrepcount.c). */
bool gmx_gx_grep_count(gmx_str cmd, gmx_str *pattern);

/* A number alone on its line ("     320", as wc -l prints it). */
bool gmx_gx_number_alone(gmx_str s, uint64_t *n);

/* A line a strict dump parse skipped that is stack text with its
 * indentation damaged: the strict parse's damage signal. */
bool gmx_gx_looks_damaged(gmx_str line);

/* The length of the log prefix s starts with (an RFC 3339 timestamp, with
 * a container runtime's stream tag; syslog's or journald's), or 0. */
size_t gmx_gx_log_prefix_len(gmx_str s);

/* A function's name alone, "pkg.(*T).f" or "x/y.f": a package path and a
 * name, no spaces, no arguments, no file name ("main.go"). */
bool gmx_gx_bare_func_like(gmx_str s);

/* A bare function name only Go prints (a method, a closure, a function of
 * the standard library, main.main, an exported function of a module): what
 * two bare names in a row need among them to start a stack. */
bool gmx_gx_bare_certain(gmx_str name);

/* A file line's text ("/path/file.go:12 +0x1d"), without its indentation. */
bool gmx_gx_file_line(gmx_str s);

#endif
