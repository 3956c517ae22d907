/* pprof profiles (profile.proto, as runtime/pprof and `go tool pprof` write
 * them): the decoder's events and the model built from them.
 *
 * Decoding (parse): gmx_pprof_parse walks the uncompressed message bytes
 * and hands each top-level field to a callback as a gmx_pprof_event, with
 * raw ids and string indexes, fields in any order. It checks the wire format
 * and each message's shape; ids and indexes are checked by the model, once
 * the string table (written last by Go) has been seen.
 *
 * The model (gmx_profile) does not keep the decoded bytes: strings are
 * copied into one buffer, mappings, functions and locations become compact
 * tables, and samples are re-encoded into a compact stream (location ids as
 * deltas) that is decoded again on each read. While the model is built, the
 * pages of input already read are given back (gmx_input_release_range):
 * a large Go heap profile peaks at about 1.7 times its decoded size while
 * it is decoded and keeps about 1.5 times. */
#ifndef GOMEMDX_PROFILE_H
#define GOMEMDX_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gomemdx/error.h"
#include "gomemdx/input.h"
#include "gomemdx/str.h"
#include "gomemdx/symbolize.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Decoder events (raw ids and string indexes) ---- */

/* Top-level fields; the values are profile.proto's field numbers. */
typedef enum gmx_pprof_kind {
    GMX_PPROF_SAMPLE_TYPE = 1,
    GMX_PPROF_SAMPLE = 2,
    GMX_PPROF_MAPPING = 3,
    GMX_PPROF_LOCATION = 4,
    GMX_PPROF_FUNCTION = 5,
    GMX_PPROF_STRING = 6,
    GMX_PPROF_DROP_FRAMES = 7,
    GMX_PPROF_KEEP_FRAMES = 8,
    GMX_PPROF_TIME_NANOS = 9,
    GMX_PPROF_DURATION_NANOS = 10,
    GMX_PPROF_PERIOD_TYPE = 11,
    GMX_PPROF_PERIOD = 12,
    GMX_PPROF_COMMENT = 13,
    GMX_PPROF_DEFAULT_SAMPLE_TYPE = 14,
    GMX_PPROF_DOC_URL = 15
} gmx_pprof_kind;

typedef struct gmx_pprof_label_raw {
    int64_t key, str, num, num_unit;     /* key, str, num_unit: string indexes */
} gmx_pprof_label_raw;

typedef struct gmx_pprof_line_raw {
    uint64_t function_id;
    int64_t line, column;
} gmx_pprof_line_raw;

typedef struct gmx_pprof_sample_raw {
    const uint64_t *location_ids;        /* leaf first */
    size_t nlocations;
    const int64_t *values;
    size_t nvalues;
    const gmx_pprof_label_raw *labels;
    size_t nlabels;
} gmx_pprof_sample_raw;

typedef struct gmx_pprof_event {
    gmx_pprof_kind kind;
    uint64_t offset;                     /* of the field's key in the input */
    const void *msg;                     /* a message field's bytes */
    size_t msg_len;
    int64_t value;                       /* scalars; string index of a comment */
    gmx_str string;                      /* GMX_PPROF_STRING */
    struct { int64_t type, unit; } value_type;  /* SAMPLE_TYPE, PERIOD_TYPE */
    struct {
        uint64_t id, start, limit, file_offset;
        int64_t filename, build_id;
        bool has_functions, has_filenames, has_line_numbers, has_inline_frames;
    } mapping;
    struct {
        uint64_t id, mapping_id, address;
        const gmx_pprof_line_raw *lines; /* innermost (inlined) first */
        size_t nlines;
        bool is_folded;
    } location;
    struct {
        uint64_t id;
        int64_t name, system_name, filename, start_line;
    } function;
    gmx_pprof_sample_raw sample;         /* GMX_PPROF_SAMPLE */
} gmx_pprof_event;

/* Return nonzero (a gmx_code) to stop; the parse then returns it. */
typedef int (*gmx_pprof_fn)(void *ctx, const gmx_pprof_event *ev);

/* Repeated entries one message may hold (locations of a sample, lines of a
 * location, ...); more is GMX_ELIMIT. */
#define GMX_PPROF_MAX_REPEATED ((size_t)1 << 22)

/* Scratch memory the decoder reuses between messages; grows to the largest
 * message seen, at most GMX_PPROF_MAX_REPEATED entries per list. */
typedef struct gmx_pprof_scratch {
    uint64_t *ids;
    uint64_t *values;                    /* int64 bit patterns */
    gmx_pprof_label_raw *labels;
    gmx_pprof_line_raw *lines;
    size_t ids_cap, values_cap, labels_cap, lines_cap;
} gmx_pprof_scratch;

void gmx_pprof_scratch_release(gmx_pprof_scratch *s);

/* Parses an uncompressed profile.proto message. name is for errors only;
 * offsets in errors count from data. */
gmx_code gmx_pprof_parse(const char *name, const void *data, size_t len, gmx_pprof_fn fn,
                         void *ctx, gmx_error *err);
/* Decodes one Sample message (the bytes of a GMX_PPROF_SAMPLE event) into
 * *out, whose arrays live in scratch until its next use. base is the
 * message's offset in the input, for errors. */
gmx_code gmx_pprof_sample_decode(const void *msg, size_t len, uint64_t base,
                                 gmx_pprof_scratch *scratch, gmx_pprof_sample_raw *out,
                                 gmx_error *err);

/* ---- The model ---- */

#define GMX_PNONE UINT32_MAX  /* "no mapping", "no function" */

typedef struct gmx_pvalue_type {
    gmx_str type, unit;
} gmx_pvalue_type;

typedef struct gmx_pmapping {
    uint64_t id, start, limit, file_offset;
    gmx_str filename, build_id;
    bool has_functions, has_filenames, has_line_numbers, has_inline_frames;
    uint64_t offset;                     /* where it was defined in the input */
} gmx_pmapping;

typedef struct gmx_pfunction {
    uint64_t id;
    gmx_str name, system_name, filename;
    int64_t start_line;
    uint32_t name_id;                    /* equal names, equal ids: 0..gmx_profile_name_count-1 */
} gmx_pfunction;

/* Columns beyond int32 are rejected (GMX_ELIMIT): Go never writes them, and
 * 16-byte lines keep millions of them small. */
typedef struct gmx_pline {
    int64_t line;
    uint32_t function;                   /* index into the functions */
    int32_t column;
} gmx_pline;

/* Locations are the largest table (millions in a big heap profile), hence
 * 24 bytes: no id (ids only matter while the profile is decoded) and at
 * most GMX_PPROF_MAX_LINES lines. */
typedef struct gmx_plocation {
    uint64_t address;
    const gmx_pline *lines;              /* innermost (inlined) first */
    uint32_t mapping;                    /* index into the mappings, or GMX_PNONE */
    uint16_t nlines;
    bool is_folded;
} gmx_plocation;

#define GMX_PPROF_MAX_LINES 65535

typedef struct gmx_plabel {
    gmx_str key;
    gmx_str str;                         /* string label; empty for numeric ones */
    int64_t num;
    gmx_str num_unit;
    bool is_num;
} gmx_plabel;

typedef struct gmx_psample {
    const uint32_t *locations;           /* indexes into the locations, leaf first */
    uint32_t nlocations;
    const int64_t *values;               /* one per sample type */
    const gmx_plabel *labels;
    uint32_t nlabels;
    uint64_t offset;
} gmx_psample;

typedef struct gmx_profile gmx_profile;

/* Everything the profile says outside its tables. */
typedef struct gmx_profile_info {
    const gmx_pvalue_type *sample_types;
    size_t nsample_types;
    gmx_pvalue_type period_type;
    int64_t period;
    int64_t time_nanos, duration_nanos;
    gmx_str drop_frames, keep_frames, default_sample_type, doc_url;
    const gmx_str *comments;
    size_t ncomments;
} gmx_profile_info;

/* Builds a profile from the decoded bytes of input, which it takes over
 * (freed with the profile, also on failure). Validates every id and string
 * index; errors name the input and the byte offset of what is wrong.
 * Applies drop_frames/keep_frames as pprof's reports do: locations and
 * samples read back already pruned (info keeps the two patterns). */
gmx_code gmx_profile_decode(gmx_input *input, gmx_profile **out, gmx_error *err);
void gmx_profile_free(gmx_profile *p);

/* Gives the process's free heap pages back to the system (glibc's
 * malloc_trim). Decoding frees large raw tables; a program that decoded a
 * big profile and is about to analyse it may call this between the two.
 * The library never calls it on its own: the heap is the program's. */
void gmx_profile_trim_heap(void);
/* Ingest: reads path ("-" = standard input), gzip-compressed or not, and
 * decodes it. Decompression stops at max_decompressed bytes (0 = 2 GiB). */
gmx_code gmx_profile_open(const char *path, size_t max_decompressed, gmx_profile **out,
                          gmx_error *err);
/* Two gmx_profile_open calls (a profile and its base), run side by side on
 * two threads: both profiles, or neither and the error of the first path
 * that failed (path_a before path_b), as the two calls in order give. Peak
 * memory is that of both decodes at once. */
gmx_code gmx_profile_open_pair(const char *path_a, const char *path_b, size_t max_decompressed,
                               gmx_profile **a, gmx_profile **b, gmx_error *err);

/* Gives the locations that have an address and no lines (a profile
 * written unsymbolised) the lines sym names for it (sym NULL: only counts
 * them). *out says how many there were and how many were named. Call it
 * before reading the profile: function pointers taken earlier go stale. */
gmx_code gmx_profile_symbolize(gmx_profile *p, const gmx_symbolizer *sym, gmx_symbolized *out,
                               gmx_error *err);

const char *gmx_profile_name(const gmx_profile *p);
const gmx_profile_info *gmx_profile_get_info(const gmx_profile *p);
size_t gmx_profile_mapping_count(const gmx_profile *p);
const gmx_pmapping *gmx_profile_mapping(const gmx_profile *p, size_t i);
size_t gmx_profile_function_count(const gmx_profile *p);
const gmx_pfunction *gmx_profile_function(const gmx_profile *p, size_t i);
size_t gmx_profile_location_count(const gmx_profile *p);
const gmx_plocation *gmx_profile_location(const gmx_profile *p, size_t i);
/* Distinct function names; gmx_pfunction.name_id indexes them. */
size_t gmx_profile_name_count(const gmx_profile *p);
gmx_str gmx_profile_name_at(const gmx_profile *p, uint32_t name_id);
/* The sample type index `name` selects: a type name ("inuse_space"), a
 * number, or NULL/"" for the default (default_sample_type, else the last).
 * -1 when nothing matches. Like pprof, "inuse_" may be left off a name. */
int gmx_profile_sample_index(const gmx_profile *p, const char *name);

size_t gmx_profile_sample_count(const gmx_profile *p);

/* Reads samples: holds the arrays a read fills, sized for the largest
 * sample read so far. */
typedef struct gmx_psample_reader {
    const gmx_profile *profile;
    uint32_t *locations;
    int64_t *values;
    gmx_plabel *labels;
    size_t locations_cap, values_cap, labels_cap;
} gmx_psample_reader;

void gmx_psample_reader_init(gmx_psample_reader *r, const gmx_profile *p);
void gmx_psample_reader_release(gmx_psample_reader *r);
/* Sample i; out's arrays are valid until the reader's next read. Fails only
 * when out of memory (the sample was validated when the profile was built). */
gmx_code gmx_psample_read(gmx_psample_reader *r, size_t i, gmx_psample *out, gmx_error *err);

#ifdef __cplusplus
}
#endif

#endif
