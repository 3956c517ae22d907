/* The profile model's insides, shared by its files: building from decoder
 * events (profile.c), resolving ids and string indexes (profile_resolve.c)
 * and reading samples back (profile_sample.c). */
#ifndef GMX_MODEL_PROFILE_IMPL_H
#define GMX_MODEL_PROFILE_IMPL_H

#include "gomemdx/profile.h"
#include "util/hash.h"

/* uint64 ids to table indexes: a dense array when the ids are small (Go
 * numbers them 1..N), a hash index otherwise. */
typedef struct gmx_idmap {
    uint32_t *dense;          /* dense[id] = index or GMX_PNONE */
    size_t ndense;
    gmx_hindex sparse;        /* hash of id -> index; ids compared by the caller */
} gmx_idmap;

typedef struct raw_vt {
    int64_t type, unit;
    uint64_t offset;
} raw_vt;

typedef struct raw_mapping {
    int64_t filename, build_id;
} raw_mapping;

typedef struct raw_function {
    int64_t name, system_name, filename;
} raw_function;

typedef struct sample_ref {
    uint64_t offset;          /* of the Sample message's bytes */
    uint32_t len;
} sample_ref;

struct gmx_profile {
    gmx_input *input;
    const char *name;

    gmx_str *strings;
    size_t nstrings, strings_cap;

    raw_vt *raw_sample_types;
    size_t nsample_types, sample_types_cap;
    gmx_pvalue_type *sample_types;
    raw_vt raw_period_type;

    gmx_pmapping *mappings;
    raw_mapping *raw_mappings;
    size_t nmappings, mappings_cap;

    gmx_pfunction *functions;
    raw_function *raw_functions;
    size_t nfunctions, functions_cap;

    gmx_plocation *locations;
    uint32_t *loc_first_line;
    uint64_t *loc_mapping_id;
    size_t nlocations, locations_cap;
    gmx_pline *lines;
    uint64_t *line_function_id;
    size_t nlines, lines_cap;

    sample_ref *samples;
    size_t nsamples, samples_cap;
    size_t max_sample_locations, max_sample_labels;

    int64_t drop_frames, keep_frames, default_sample_type, doc_url;
    int64_t *raw_comments;
    size_t ncomments, comments_cap;
    gmx_str *comments;

    gmx_profile_info info;
    gmx_idmap location_ids, function_ids, mapping_ids;
    gmx_str *names;           /* by name id */
    size_t nnames;
};

/* Resolves every id and string index, checking each; fills info. */
gmx_code gmx_profile_resolve(gmx_profile *p, gmx_error *err);

/* Decodes every sample once: value counts, location ids and label string
 * indexes must all be valid. */
gmx_code gmx_profile_check_samples(gmx_profile *p, gmx_error *err);

/* An idmap over n ids (id_at(ctx, i)); a repeated or zero id fails with
 * its index in *dup. 0, -1 when out of memory, or -2 on a bad id. */
int gmx_idmap_build(gmx_idmap *m, size_t n, uint64_t (*id_at)(const void *ctx, size_t i),
                    const void *ctx, size_t *dup);
uint32_t gmx_idmap_find_sparse(const gmx_idmap *m, uint64_t id,
                               uint64_t (*id_at)(const void *ctx, size_t i), const void *ctx);

/* The index of id, or GMX_PNONE. Inline: samples look up every location. */
static inline uint32_t gmx_idmap_find(const gmx_idmap *m, uint64_t id,
                                      uint64_t (*id_at)(const void *ctx, size_t i),
                                      const void *ctx)
{
    if (m->dense)
        return id < m->ndense ? m->dense[id] : GMX_PNONE;
    return gmx_idmap_find_sparse(m, id, id_at, ctx);
}

/* Reserves exact room for the tables, from one quick pass over the
 * top-level fields (so large profiles do not pay for doubling slack). */
void gmx_profile_presize(gmx_profile *p, const void *data, size_t len);
void gmx_idmap_release(gmx_idmap *m);

#endif
