/* An incident bundle: everything an operator collected, from files and
 * folders, each artifact recognised by its content (never its name), read
 * into its model, and ordered in time. Files that are not evidence are kept
 * in the list as skipped, with the reason; they never fail the load. */
#ifndef GOMEMDX_BUNDLE_H
#define GOMEMDX_BUNDLE_H

#include <stdbool.h>
#include <stdint.h>

#include "gomemdx/analyze.h"
#include "gomemdx/elfsniff.h"
#include "gomemdx/error.h"
#include "gomemdx/symbolize.h"
#include "gomemdx/escape.h"
#include "gomemdx/heap.h"
#include "gomemdx/metrics.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gmx_artifact_kind {
    GMX_ART_SKIPPED = 0,     /* not evidence, or unreadable: see skip_reason */
    GMX_ART_GOROUTINES,      /* any goroutine format: dump, debug=1, protobuf */
    GMX_ART_HEAP,            /* heap or allocs profile */
    GMX_ART_LOG,             /* a log with out-of-memory evidence (and nothing else) */
    GMX_ART_ESCAPE_LOG,      /* compiler escape analysis (-gcflags=-m, -m=2, -json) */
    GMX_ART_METRICS          /* /debug/vars (expvar) or Prometheus /metrics: one sample */
} gmx_artifact_kind;

/* One line of out-of-memory evidence found in a text artifact. */
typedef struct gmx_oom_note {
    int kind;                /* gmx_oom_kind (gomemdx/oomlog.h) */
    uint64_t line;
    int64_t time_ns;         /* Unix ns of the line's timestamp; 0 when none */
    char *text;              /* the line (bounded), owned by the bundle */
    uint64_t request_bytes, inuse_bytes; /* Go: "cannot allocate N-byte block (M in use)" */
    uint64_t anon_rss_kb;    /* kernel: the killed process's anonymous memory */
} gmx_oom_note;

#define GMX_MAX_OOM_NOTES 16

/* Where an artifact's time came from, most trusted first. */
typedef enum gmx_time_source {
    GMX_TIME_PROFILE,        /* the profile's time_nanos */
    GMX_TIME_LOG,            /* a timestamp in its text: log lines, a metrics page */
    GMX_TIME_CAPTURE,        /* when gomemdx fetched it: its folder's capture-times.tsv */
    GMX_TIME_FILE,           /* the file's modification time */
    GMX_TIME_LAST_GC,        /* heap debug=1 text with no other time: its MemStats' LastGC,
                              * when its samples were taken (the capture came later) */
    GMX_TIME_NONE
} gmx_time_source;

typedef struct gmx_artifact {
    char *path;              /* owned by the bundle, like everything here */
    gmx_artifact_kind kind;
    const char *format;      /* "goroutine dump", "heap profile (protobuf)", ... */
    const char *format_zh;   /* the same in Chinese */
    int64_t time_ns;         /* Unix ns; 0 when unknown */
    gmx_time_source time_source;
    int64_t file_time_ns;    /* the file's modification time, whatever time_source says */
    char *skip_reason;       /* GMX_ART_SKIPPED only */
    gmx_elf_kind elf;        /* GMX_ART_SKIPPED: a core file or an executable */
    char *skip_reason_zh;    /* the same in Chinese; NULL for an error message (English) */
    gmx_code skip_code;      /* GMX_ART_SKIPPED: the error that skipped it (GMX_EFORMAT,
                              * GMX_EIO, ...), GMX_OK when it is simply not evidence. A
                              * bundle never holds one skipped for GMX_ENOMEM: loading fails */
    gmx_gsnapshot goroutines;/* GMX_ART_GOROUTINES */
    /* GMX_ART_HEAP: its values per site, its sites in a table the bundle's
     * snapshots share; NULL when let go: of a long series only the first,
     * the last and some between keep their sites (32 per kind of profile),
     * every one keeps its info and totals. */
    gmx_hsnapshot *heap;
    gmx_hsnapshot_info heap_info; /* GMX_ART_HEAP: time, sample rate, MemStats */
    gmx_hsite heap_total;    /* GMX_ART_HEAP: sums over all its sites */
    bool allocs;             /* GMX_ART_HEAP from /debug/pprof/allocs (default alloc_space) */
    bool heap_text;          /* GMX_ART_HEAP from debug=1 text (MemStats; its samples are
                              * timed by LastGC in the snapshot, the capture by the file) */
    struct gmx_ptop_info *ptop; /* GMX_ART_HEAP read from go tool pprof -top/-list text:
                              * what the text printed (its -top rows with cum, the sample
                              * type, a goroutine profile's table); NULL otherwise */
    gmx_msample metrics;     /* GMX_ART_METRICS */
    gmx_oom_note *oom;       /* out-of-memory evidence in any text artifact */
    size_t noom;
    /* GMX_ART_GOROUTINES from a core: what its heap holds (gomemdx/core.h),
     * or NULL with core_heap_unread saying why it could not be read */
    struct gmx_core_heap *core_heap;
    char *core_heap_unread;
    char reading[256];       /* what a tolerant read read, skipped and repaired
                              * ("read lines 3-80 (...); skipped 1-2"); empty when strict */
    char reading_zh[256];    /* the same for --lang zh (what --binary named, in Chinese) */
    gmx_symbolized symbolized; /* a heap or goroutine profile written without function
                                * names: its raw addresses and what the executable
                                * named of them */
} gmx_artifact;

typedef struct gmx_bundle gmx_bundle;

/* A folder written by a capture (`diagnose URL`) holds this index: after
 * a '#' comment line, one line per file, "UNIX_NS<TAB>PATH" with PATH
 * relative to the folder. Files it names take that time unless they carry
 * their own (a profile's time_nanos); the index itself is not an artifact. */
#define GMX_CAPTURE_TIMES_FILE "capture-times.tsv"

/* One artifact already in memory: a body a service returned, a file an
 * embedding program read. Not copied: data must outlive the bundle.
 * Or, with data NULL, one the caller hands over only when the bundle reads
 * it, so that a long series is never all in memory at once: open makes an
 * input of its bytes (gmx_input_from_heap, say), which the bundle frees
 * once read. open may be called from any of the bundle's threads, at once
 * for different buffers, and again for the same one (an escape log). */
struct gmx_input;
typedef struct gmx_bundle_buffer gmx_bundle_buffer;
struct gmx_bundle_buffer {
    const char *name;        /* shown as the artifact's path, and ordered as a file's name */
    const void *data;
    size_t len;
    int64_t time_ns;         /* when it was captured (Unix ns, GMX_TIME_CAPTURE); 0 = unknown */
    gmx_code (*open)(void *ctx, const gmx_bundle_buffer *buf, struct gmx_input **in,
                     gmx_error *err);
    void *ctx;               /* open's */
};

typedef struct gmx_bundle_options {
    unsigned max_files;      /* files looked at, folders walked recursively; 0 = 10,000 */
    /* Shown names: a path that starts with alias_from is shown (and put in
     * artifact.path) as alias_to + the rest, e.g. a temporary folder as
     * "store:". Both NULL for none. */
    const char *alias_from, *alias_to;
    /* Succeed even when nothing is evidence, every file skipped with its
     * reason (gmx_bundle_identify). */
    bool keep_skipped;
    /* Files read at once; 0 = one per online CPU. The bundle is the same
     * whatever the number. */
    unsigned threads;
    /* The executable the dumps came from (--binary): names the runtime
     * frames debug=1 profiles leave out. NULL: the one executable among
     * the inputs, if there is exactly one. */
    const struct gmx_binary *binary;
    /* Artifacts in memory, read beside the paths as files are, with no file
     * written or read for them: the same recognition, merging and errors.
     * Core dumps and executables are read from paths only; given here they
     * are listed as skipped. */
    const gmx_bundle_buffer *buffers;
    size_t nbuffers;
} gmx_bundle_options;

/* Loads every path (files, or folders walked recursively in name order),
 * then opts->buffers.
 * Fails only when a path does not exist, or nothing at all is evidence
 * (GMX_EUSAGE, naming what was skipped). opts may be NULL. */
gmx_code gmx_bundle_load(const char *const *paths, size_t npaths, const gmx_bundle_options *opts,
                         gmx_bundle **out, gmx_error *err);

void gmx_bundle_free(gmx_bundle *b);

/* What one file is, recognised as gmx_bundle_load recognises it: kind,
 * format and skip reason as an artifact of a bundle has them, copied. */
typedef struct gmx_identity {
    gmx_artifact_kind kind;
    gmx_elf_kind elf;        /* GMX_ART_SKIPPED: a core file or an executable */
    bool heap_text;          /* GMX_ART_HEAP read from text (debug=1, go tool pprof's) */
    char format[96];         /* "goroutine dump", "heap profile (protobuf)", ...; "" skipped */
    size_t archive_members;  /* an archive (zip, tar): the files read from it; 0 for a file */
} gmx_identity;

/* Reads path (a file) and names what it is. Fails only when the file
 * cannot be read or memory runs out. */
gmx_code gmx_bundle_identify(const char *path, gmx_identity *out, gmx_error *err);

/* Artifacts in time order (unknown times last, then by path). */
/* How the evidence was put in order: how many artifacts were placed by
 * each kind of time (by[gmx_time_source]); those without one
 * (by[GMX_TIME_NONE]) come after, in natural order of their names
 * ("dump-9" before "dump-10"), never in the order a folder lists them. */
typedef struct gmx_bundle_order {
    size_t by[GMX_TIME_NONE + 1];
} gmx_bundle_order;

void gmx_bundle_order_of(const gmx_bundle *b, gmx_bundle_order *out);

/* Artifacts in time order (unknown times last, then by path in natural
 * order). */
size_t gmx_bundle_count(const gmx_bundle *b);
const gmx_artifact *gmx_bundle_at(const gmx_bundle *b, size_t i);
/* Notes on the timeline: missing or contradictory timestamps and how they
 * were handled. Each is one line. */
size_t gmx_bundle_note_count(const gmx_bundle *b);
/* The heap sites of every escape-analysis log in the bundle, merged (one
 * build's -m and -m=2 logs name the same sites); NULL when there is none. */
const gmx_escape_set *gmx_bundle_escapes(const gmx_bundle *b);
const char *gmx_bundle_note(const gmx_bundle *b, size_t i);
/* The same note in Chinese. */
const char *gmx_bundle_note_zh(const gmx_bundle *b, size_t i);

#ifdef __cplusplus
}
#endif

#endif
