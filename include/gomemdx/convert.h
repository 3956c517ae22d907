/* Converting goroutine dumps to pprof goroutine profiles (profile.proto),
 * so `go tool pprof` and every pprof viewer can read what a dump says.
 *
 * Two pieces:
 *   - gmx_gprof (render): a goroutine profile builder and encoder. Stacks
 *     with the same frames and labels merge into one sample whose value is
 *     their goroutine count; each distinct (function, file, line) is one
 *     location with one line, each distinct (function, file) one function.
 *     One mapping, marked symbolized, and no addresses: a dump has none.
 *   - gmx_convert_goroutines (ingest): a dump at a path, parsed, classified
 *     and written as such a profile, with labels from the dump. */
#ifndef GOMEMDX_CONVERT_H
#define GOMEMDX_CONVERT_H

#include <stddef.h>
#include <stdint.h>

#include "gomemdx/error.h"
#include "gomemdx/goroutine.h"
#include "gomemdx/ingest.h"
#include "gomemdx/profile.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- The builder ---- */

typedef struct gmx_gprof gmx_gprof;

/* The default bound on the encoded (uncompressed) profile, and on each of
 * the builder's names and tables; past one, adding or encoding fails with
 * GMX_ELIMIT. */
#define GMX_GPROF_DEFAULT_MAX ((size_t)1 << 30)

/* A builder of a goroutine profile (sample type goroutine/count, period
 * type goroutine/count, period 1). max_bytes bounds it (0 = the default).
 * NULL when out of memory. */
gmx_gprof *gmx_gprof_new(size_t max_bytes);

/* A builder of a profile whose samples carry ntypes values (1 to
 * GMX_GPROF_MAX_VALUES), of the types given in order ("inuse_space",
 * "bytes"); the period's type is the last, period 1. NULL when out of
 * memory or ntypes is out of range. */
#define GMX_GPROF_MAX_VALUES 4
typedef struct gmx_gprof_value_type {
    const char *type, *unit;
} gmx_gprof_value_type;
gmx_gprof *gmx_gprof_new_typed(size_t max_bytes, const gmx_gprof_value_type *types,
                               size_t ntypes);
void gmx_gprof_free(gmx_gprof *w);

/* Adds count goroutines with the stack frames[0..nframes) (innermost first)
 * and the labels (a gmx_plabel each: a string label, or with is_num a
 * number with an optional unit). Equal stacks with equal labels, in the same
 * order, add up. Everything is copied. */
gmx_code gmx_gprof_add(gmx_gprof *w, const gmx_frame *frames, uint32_t nframes, uint64_t count,
                       const gmx_plabel *labels, size_t nlabels, gmx_error *err);
/* The same for a typed builder: values has one value per type. */
gmx_code gmx_gprof_add_values(gmx_gprof *w, const gmx_frame *frames, uint32_t nframes,
                              const int64_t *values, const gmx_plabel *labels, size_t nlabels,
                              gmx_error *err);
/* When the goroutines were seen (ns since the Unix epoch); 0 = unknown. */
void gmx_gprof_set_time(gmx_gprof *w, int64_t time_ns);
/* The profile's drop_frames and keep_frames (regular expressions every
 * pprof report applies; empty: none). */
gmx_code gmx_gprof_set_frames(gmx_gprof *w, gmx_str drop, gmx_str keep, gmx_error *err);
/* A comment line carried in the profile (pprof -comments shows them). */
gmx_code gmx_gprof_add_comment(gmx_gprof *w, gmx_str text, gmx_error *err);

/* Goroutines (the first value's sum) and samples added so far. */
uint64_t gmx_gprof_total(const gmx_gprof *w);
size_t gmx_gprof_sample_count(const gmx_gprof *w);

/* The profile.proto message, gzip-compressed (pprof reads gzipped and plain
 * profiles alike; runtime/pprof writes gzip). Samples in the order they were
 * first added. *out is owned by the caller: free with gmx_gprof_bytes_free. */
gmx_code gmx_gprof_encode(const gmx_gprof *w, void **out, size_t *len, gmx_error *err);
void gmx_gprof_bytes_free(void *data);

/* ---- From a heap profile's debug=1 text ---- */

/* The text (data, len) as a heap profile model (*out, the caller's), for
 * top, peek and list: its records as samples of alloc_objects, alloc_space,
 * inuse_objects and inuse_space (scaled as pprof scales the format); those
 * without "#" lines named from b when given (gmx_ingest_heap_text: *names
 * says what came of it). */
gmx_code gmx_convert_heap_text(const char *name, const void *data, size_t len,
                               const struct gmx_binary *b, gmx_profile **out,
                               gmx_symbolized *names, gmx_error *err);

/* ---- From a dump ---- */

/* What a conversion read and wrote. */
typedef struct gmx_convert_info {
    gmx_dump_info dump;      /* of the input, as its parser saw it */
    uint64_t goroutines;     /* in the profile: equals the goroutines the dump holds */
    size_t samples;
} gmx_convert_info;

/* Reads the goroutines at path ("-" = standard input): a full dump
 * (debug=2, runtime.Stack, SIGQUIT, panic or fatal error logs, goleak
 * reports), a debug=1 profile text, or a goroutine profile (gzipped or not),
 * and writes them as a gzipped goroutine profile into *out (free with
 * gmx_gprof_bytes_free). Each sample carries string labels
 *   state      the wait reason or status of the header ("chan receive");
 *              absent for debug=1 text, which records none
 *   category   the runbook cause gomemdx's classifier gives its stack
 *              ("chan-recv-blocked"), when it is a suspect
 *   healthy    the healthy pattern recognised, when one is
 *   leaked     "true" when the header says " (leaked)" (Go 1.26+: the GC
 *              proved the goroutine can never wake)
 *   the goroutine's own pprof labels, unquoted (or, when they cannot be
 *   split, the raw text as "labels")
 * and a numeric label wait_minutes (unit "minutes") when the header says how
 * long it has waited. The "created by" frame is not part of a stack, as in
 * runtime/pprof's profiles. opts may be NULL; info may be NULL. */
gmx_code gmx_convert_goroutines(const char *path, const gmx_ingest_options *opts, void **out,
                                size_t *len, gmx_convert_info *info, gmx_error *err);
/* The same from an input already open (taken over, also on failure). */
gmx_code gmx_convert_goroutines_input(gmx_input *in, const gmx_ingest_options *opts, void **out,
                                      size_t *len, gmx_convert_info *info, gmx_error *err);

/* ---- From a core ---- */

/* What a core's retention profile holds. */
typedef struct gmx_convert_core_info {
    uint64_t objects, bytes;           /* marked from the roots: the profile's totals */
    uint64_t allocated_objects, allocated_bytes; /* what the heap walk counts */
    size_t samples;
    bool capped;                       /* the mark was partial (a cap was hit) */
} gmx_convert_core_info;

/* Who holds the heap of a Go core (with its binary), as a heap profile that
 * go tool pprof and gomemdx top read, as goref writes one: sample types
 * inuse_objects/count and inuse_space/bytes, and each sample's stack the
 * retention path of its objects, the root outermost (a global, a
 * goroutine's frame, a stack) and the objects' Go type or size class
 * innermost: a flame graph of it shows who holds what. info may be NULL. */
gmx_code gmx_convert_core_retention(const char *core_path, const char *bin_path, void **out,
                                    size_t *len, gmx_convert_core_info *info, gmx_error *err);

#ifdef __cplusplus
}
#endif

#endif
