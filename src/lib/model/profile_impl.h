/* The profile model's insides, shared by its files: building from decoder
 * events (profile.c), resolving ids and string indexes (profile_resolve.c)
 * and the sample stream (profile_sample.c).
 *
 * Memory is the design constraint: a large heap profile has millions of
 * locations, so nothing per location or per line is kept beyond what the
 * public structs hold. What only decoding needs (definition offsets for
 * errors, raw ids too wide for the final fields) lives in arrays freed as
 * soon as the profile is resolved. */
#ifndef GMX_MODEL_PROFILE_IMPL_H
#define GMX_MODEL_PROFILE_IMPL_H

#include "gomemdx/profile.h"
#include "util/arena.h"
#include "util/hash.h"

/* uint64 ids to table indexes, built one id at a time: a dense array while
 * the ids stay small (Go numbers them 1..N), else a hash index over its own
 * copy of the ids. */
typedef struct gmx_idmap {
    uint32_t *dense;          /* dense[id] = index or GMX_PNONE */
    size_t ndense;
    size_t limit;             /* largest id the dense array may grow to */
    gmx_hindex sparse;        /* hash of id -> index (sparse mode) */
    uint64_t *ids;            /* sparse mode: ids[index] */
    size_t count, ids_cap;
    bool is_sparse;
    bool identity;            /* ids are 1..count in order: no array at all */
} gmx_idmap;

typedef struct raw_vt {
    int64_t type, unit;
    uint64_t offset;
} raw_vt;

typedef struct raw_mapping {
    int64_t filename, build_id;
} raw_mapping;

/* Offsets of definitions, for errors found after the parse: 32-bit while the
 * input is below 4 GiB. */
typedef struct offsets {
    uint32_t *o32;
    uint64_t *o64;
    size_t cap;
} offsets;

/* The first id defined twice in a table, reported after the parse so
 * that errors keep their order. */
typedef struct dup_id {
    bool set;
    uint64_t id, offset;
} dup_id;

typedef struct sample_ref {
    uint64_t offset;          /* of the Sample message in the input */
    uint64_t pos;             /* of its encoding in the sample stream */
} sample_ref;

struct gmx_profile {
    gmx_input *input;         /* only while decoding */
    char *name;

    /* strings: copied, back to back; string i is buf[off[i] .. off[i+1]) */
    char *strbuf;
    size_t strbuf_len, strbuf_cap;
    size_t *str_off;          /* nstrings + 1 */
    size_t nstrings, strings_cap;

    raw_vt *raw_sample_types;
    size_t nsample_types, sample_types_cap;
    gmx_pvalue_type *sample_types;
    raw_vt raw_period_type;

    gmx_pmapping *mappings;
    raw_mapping *raw_mappings;
    size_t nmappings, mappings_cap;

    /* Until resolved, a function's name/system_name/filename hold the raw
     * string index in .n (and NULL in .p). */
    gmx_pfunction *functions;
    size_t nfunctions, functions_cap;
    offsets function_offsets;

    /* Until resolved, a location's mapping holds the raw mapping id (or
     * loc_mapping_wide[i] when some id does not fit 32 bits) and its lines
     * pointer the index of its first line; a line's function the raw
     * function id (or line_function_wide[k]). */
    gmx_plocation *locations;
    size_t nlocations, locations_cap;
    uint64_t *loc_mapping_wide;
    offsets location_offsets;
    gmx_pline *lines;
    size_t nlines, lines_cap;
    uint64_t *line_function_wide;

    /* samples: the compact stream (see profile_sample.c) */
    uint8_t *sbuf;
    size_t sbuf_len, sbuf_cap;
    sample_ref *samples;
    size_t nsamples, samples_cap;

    int64_t drop_frames, keep_frames, default_sample_type, doc_url;
    int64_t *raw_comments;
    size_t ncomments, comments_cap;
    gmx_str *comments;

    gmx_profile_info info;
    gmx_idmap location_ids, function_ids, mapping_ids;
    /* the first definition of an id already defined, per table */
    dup_id dup_location, dup_function, dup_mapping;
    uint32_t *name_function;  /* by name id: a function with that name */
    uint8_t *loc_prune;       /* per location, GMX_PRUNE_*; NULL without drop_frames */
    size_t nnames;
    size_t released;          /* input bytes given back so far */
    gmx_arena symbols;        /* names, files and lines a symbolizer gave */
    gmx_error *err;           /* while decoding */
};

/* String i of p (i < nstrings); valid once the parse is done. */
static inline gmx_str gmx_profile_string(const gmx_profile *p, size_t i)
{
    return (gmx_str){ p->strbuf + p->str_off[i], p->str_off[i + 1] - p->str_off[i] };
}

enum { GMX_PRUNE_BENEATH = 1, GMX_PRUNE_ALL = 2 };

/* Applies info.drop_frames/keep_frames (profile_prune.c): trims the lines
 * of the locations they match and marks them in loc_prune. */
gmx_code gmx_profile_prune(gmx_profile *p, gmx_error *err);
/* The same for the locations only[i] marks (NULL: all), the marks of the
 * others kept: locations named after the profile was built. */
gmx_code gmx_profile_prune_some(gmx_profile *p, const uint8_t *only, gmx_error *err);
/* How many leaf-side locations of a sample (locations[0] the leaf) the
 * marks prune away. */
uint32_t gmx_profile_prune_cut(const gmx_profile *p, const uint32_t *locations, uint32_t n);

/* Resolves every id and string index, checking each; fills info. */
gmx_code gmx_profile_resolve(gmx_profile *p, gmx_error *err);

/* (Re)numbers the function names: name_function and each name_id. */
gmx_code gmx_profile_number_names(gmx_profile *p, gmx_error *err);

/* Appends one decoded Sample to the stream. 0, or -1 when out of memory. */
int gmx_profile_add_sample(gmx_profile *p, const gmx_pprof_sample_raw *s, uint64_t offset);
/* Reads every sample once: value counts, location ids and label string
 * indexes must all be valid. */
gmx_code gmx_profile_check_samples(gmx_profile *p, gmx_error *err);

/* Adds id -> index (indexes come in order 0, 1, ...); expect is how many
 * ids are expected in all. 0, -1 when out of memory, -2 when id is 0 or
 * already there. */
int gmx_idmap_add(gmx_idmap *m, uint64_t id, uint32_t index, size_t expect);
uint32_t gmx_idmap_find_sparse(const gmx_idmap *m, uint64_t id);
/* Once every id is in: drops the dense array when ids are 1..count in
 * order, as Go writes them. */
void gmx_idmap_seal(gmx_idmap *m);

/* The index of id, or GMX_PNONE. Inline: samples look up every location. */
static inline uint32_t gmx_idmap_find(const gmx_idmap *m, uint64_t id)
{
    if (m->identity)
        return id - 1 < m->count ? (uint32_t)(id - 1) : GMX_PNONE;
    if (!m->is_sparse)
        return id < m->ndense ? m->dense[id] : GMX_PNONE;
    return gmx_idmap_find_sparse(m, id);
}

/* Reserves exact room for the tables, from one quick pass over the
 * top-level fields (so large profiles do not pay for doubling slack). */
void gmx_profile_presize(gmx_profile *p, const void *data, size_t len);
void gmx_idmap_release(gmx_idmap *m);

#endif
