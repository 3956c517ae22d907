/* A profile (profile.proto) built from stacks and labels, and encoded with
 * util/pbwrite, then gzip-compressed with libdeflate: a goroutine profile
 * (one value, goroutine/count), or any profile of up to GMX_GPROF_MAX_VALUES
 * value types (a core's retention: inuse_objects, inuse_space).
 *
 * Four tables, each an array with a hash index over it (the index holds
 * only hashes; equal keys are confirmed by comparing the records): strings,
 * functions (name, file), locations (function, line) and samples (location
 * ids and labels, in pools). Ids are array positions + 1; string 0 is "".
 * Memory grows with distinct stacks and labels, never with goroutines. */
#include "gomemdx/convert.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/hash.h"
#include "util/pbwrite.h"
#include "util/str.h"

#include <libdeflate.h>
#include <string.h>

/* profile.proto's field numbers (docs/formats.md section 3.2). */
enum {
    P_SAMPLE_TYPE = 1, P_SAMPLE = 2, P_MAPPING = 3, P_LOCATION = 4, P_FUNCTION = 5, P_STRING = 6,
    P_DROP_FRAMES = 7, P_KEEP_FRAMES = 8, P_TIME_NANOS = 9, P_PERIOD_TYPE = 11, P_PERIOD = 12,
    P_COMMENT = 13
};
enum { VT_TYPE = 1, VT_UNIT = 2 };
enum { S_LOCATION_ID = 1, S_VALUE = 2, S_LABEL = 3 };
enum { L_KEY = 1, L_STR = 2, L_NUM = 3, L_NUM_UNIT = 4 };
enum { M_ID = 1, M_HAS_FUNCTIONS = 7, M_HAS_FILENAMES = 8, M_HAS_LINE_NUMBERS = 9 };
enum { LOC_ID = 1, LOC_MAPPING_ID = 2, LOC_LINE = 4 };
enum { LINE_FUNCTION_ID = 1, LINE_LINE = 2 };
enum { F_ID = 1, F_NAME = 2, F_SYSTEM_NAME = 3, F_FILENAME = 4 };

typedef struct func_rec {
    uint32_t name, file;      /* string ids */
} func_rec;

typedef struct loc_rec {
    uint32_t func;            /* function id */
    uint32_t line;
} loc_rec;

typedef struct label_rec {
    uint32_t key, str, unit;  /* string ids */
    int64_t num;
    bool is_num;
} label_rec;

typedef struct sample_rec {
    size_t locs, labels;      /* offsets into the pools */
    uint32_t nlocs, nlabels;
    int64_t values[GMX_GPROF_MAX_VALUES];
} sample_rec;

/* An array that grows by doubling, within the builder's memory budget. */
#define TABLE(T, name) T *name; size_t n##name, cap_##name

struct gmx_gprof {
    size_t max_bytes;
    size_t held;              /* bytes of the arrays below */
    gmx_arena arena;          /* string bytes */
    TABLE(gmx_str, strings);
    gmx_hindex string_ix;
    TABLE(func_rec, funcs);
    gmx_hindex func_ix;
    TABLE(loc_rec, locs);
    gmx_hindex loc_ix;
    TABLE(sample_rec, samples);
    gmx_hindex sample_ix;
    TABLE(uint64_t, loc_pool);    /* location ids, leaf first */
    TABLE(label_rec, label_pool);
    TABLE(uint32_t, comments);    /* string ids */
    uint32_t types[GMX_GPROF_MAX_VALUES], units[GMX_GPROF_MAX_VALUES]; /* string ids */
    size_t nvalues;
    int64_t time_ns;
    uint32_t drop_frames, keep_frames; /* string ids; 0: none */
    uint64_t total;           /* of the first value */
};

static gmx_code limit_error(const gmx_gprof *w, gmx_error *err)
{
    return gmx_error_set(err, GMX_ELIMIT, "profile larger than %zu bytes", w->max_bytes);
}

/* Room for element n of *arr (doubling, and at least n + 1, as a stack adds
 * many at once); -1 when out of memory, 1 past the budget. */
static int reserve(gmx_gprof *w, void **arr, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap)
        return 0;
    size_t grown = *cap ? *cap * 2 : 16;
    if (grown <= n)
        grown = n + 1;
    if (n >= UINT32_MAX || (grown - *cap) > (w->max_bytes - w->held) / elem)
        return 1;
    void *p = gmx_reallocarray(*arr, grown, elem);
    if (!p)
        return -1;
    w->held += (grown - *cap) * elem;
    *arr = p;
    *cap = grown;
    return 0;
}

#define RESERVE(w, tbl, n) reserve((w), (void **)&(w)->tbl, &(w)->cap_##tbl, (n), sizeof(*(w)->tbl))

static gmx_code reserve_error(const gmx_gprof *w, int r, gmx_error *err)
{
    return r > 0 ? limit_error(w, err) : gmx_error_set(err, GMX_ENOMEM, "out of memory building a profile");
}

/* The id of s, added when new; 0 (the empty string's id) for "". */
static gmx_code string_id(gmx_gprof *w, gmx_str s, uint32_t *id, gmx_error *err)
{
    uint64_t h = gmx_hash_bytes(s.p, s.n, 0x5eed);
    for (size_t slot = gmx_hindex_first(&w->string_ix, h); slot != GMX_HINDEX_NONE;
         slot = gmx_hindex_next(&w->string_ix, h, slot)) {
        uint32_t i = w->string_ix.values[slot];
        if (gmx_str_eq(w->strings[i], s)) {
            *id = i;
            return GMX_OK;
        }
    }
    int r = RESERVE(w, strings, w->nstrings);
    if (r)
        return reserve_error(w, r, err);
    char *copy = gmx_arena_strndup(&w->arena, s.n ? s.p : "", s.n);
    if (!copy)
        return w->arena.used_total + s.n >= w->max_bytes ? limit_error(w, err)
                                                          : reserve_error(w, -1, err);
    uint32_t i = (uint32_t)w->nstrings;
    if (gmx_hindex_insert(&w->string_ix, h, i) < 0)
        return reserve_error(w, -1, err);
    w->strings[w->nstrings++] = (gmx_str){ copy, s.n };
    *id = i;
    return GMX_OK;
}

static gmx_code function_id(gmx_gprof *w, const gmx_frame *f, uint32_t *id, gmx_error *err)
{
    func_rec k;
    gmx_code rc = string_id(w, f->func, &k.name, err);
    if (rc == GMX_OK)
        rc = string_id(w, f->file, &k.file, err);
    if (rc != GMX_OK)
        return rc;
    uint64_t h = gmx_hash_mix(gmx_hash_mix(0xf0, k.name), k.file);
    for (size_t slot = gmx_hindex_first(&w->func_ix, h); slot != GMX_HINDEX_NONE;
         slot = gmx_hindex_next(&w->func_ix, h, slot)) {
        uint32_t i = w->func_ix.values[slot];
        if (w->funcs[i].name == k.name && w->funcs[i].file == k.file) {
            *id = i + 1;
            return GMX_OK;
        }
    }
    int r = RESERVE(w, funcs, w->nfuncs);
    if (r || gmx_hindex_insert(&w->func_ix, h, (uint32_t)w->nfuncs) < 0)
        return reserve_error(w, r ? r : -1, err);
    w->funcs[w->nfuncs++] = k;
    *id = (uint32_t)w->nfuncs;
    return GMX_OK;
}

static gmx_code location_id(gmx_gprof *w, const gmx_frame *f, uint64_t *id, gmx_error *err)
{
    loc_rec k = { 0, f->line };
    gmx_code rc = function_id(w, f, &k.func, err);
    if (rc != GMX_OK)
        return rc;
    uint64_t h = gmx_hash_mix(gmx_hash_mix(0x10c, k.func), k.line);
    for (size_t slot = gmx_hindex_first(&w->loc_ix, h); slot != GMX_HINDEX_NONE;
         slot = gmx_hindex_next(&w->loc_ix, h, slot)) {
        uint32_t i = w->loc_ix.values[slot];
        if (w->locs[i].func == k.func && w->locs[i].line == k.line) {
            *id = i + 1;
            return GMX_OK;
        }
    }
    int r = RESERVE(w, locs, w->nlocs);
    if (r || gmx_hindex_insert(&w->loc_ix, h, (uint32_t)w->nlocs) < 0)
        return reserve_error(w, r ? r : -1, err);
    w->locs[w->nlocs++] = k;
    *id = w->nlocs;
    return GMX_OK;
}

static gmx_code label_rec_of(gmx_gprof *w, const gmx_plabel *l, label_rec *out, gmx_error *err)
{
    memset(out, 0, sizeof(*out));
    out->is_num = l->is_num;
    out->num = l->is_num ? l->num : 0;
    gmx_code rc = string_id(w, l->key, &out->key, err);
    if (rc == GMX_OK)
        rc = string_id(w, l->is_num ? (gmx_str){ "", 0 } : l->str, &out->str, err);
    if (rc == GMX_OK)
        rc = string_id(w, l->is_num ? l->num_unit : (gmx_str){ "", 0 }, &out->unit, err);
    return rc;
}

static uint64_t hash_sample(const uint64_t *locs, size_t nlocs, const label_rec *labels,
                            size_t nlabels)
{
    uint64_t h = gmx_hash_mix(0x5a, nlocs);
    for (size_t i = 0; i < nlocs; i++)
        h = gmx_hash_mix(h, locs[i]);
    for (size_t i = 0; i < nlabels; i++) {
        h = gmx_hash_mix(h, (uint64_t)labels[i].key << 32 | labels[i].str);
        h = gmx_hash_mix(h, (uint64_t)labels[i].num ^ ((uint64_t)labels[i].unit << 1) ^ labels[i].is_num);
    }
    return h;
}

static bool same_labels(const label_rec *a, const label_rec *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i].key != b[i].key || a[i].str != b[i].str || a[i].unit != b[i].unit ||
            a[i].num != b[i].num || a[i].is_num != b[i].is_num)
            return false;
    return true;
}

/* The new sample's locations and labels are appended to the pools first;
 * when an equal sample exists they are dropped again (the pools shrink back),
 * so a lookup needs no scratch of its own. */
gmx_code gmx_gprof_add(gmx_gprof *w, const gmx_frame *frames, uint32_t nframes, uint64_t count,
                       const gmx_plabel *labels, size_t nlabels, gmx_error *err)
{
    int64_t value = (int64_t)count;
    return gmx_gprof_add_values(w, frames, nframes, &value, labels, nlabels, err);
}

static void add_values(gmx_gprof *w, sample_rec *s, const int64_t *values)
{
    for (size_t i = 0; i < w->nvalues; i++)
        s->values[i] += values[i];
    w->total += (uint64_t)values[0];
}

gmx_code gmx_gprof_add_values(gmx_gprof *w, const gmx_frame *frames, uint32_t nframes,
                              const int64_t *values, const gmx_plabel *labels, size_t nlabels,
                              gmx_error *err)
{
    size_t loc0 = w->nloc_pool, lab0 = w->nlabel_pool;
    gmx_code rc = GMX_OK;
    int r = 0;
    if (nframes && (r = RESERVE(w, loc_pool, loc0 + nframes - 1)) != 0)
        return reserve_error(w, r, err);
    for (uint32_t i = 0; i < nframes && rc == GMX_OK; i++)
        rc = location_id(w, &frames[i], &w->loc_pool[loc0 + i], err);
    if (nlabels && rc == GMX_OK && (r = RESERVE(w, label_pool, lab0 + nlabels - 1)) != 0)
        rc = reserve_error(w, r, err);
    for (size_t i = 0; i < nlabels && rc == GMX_OK; i++)
        rc = label_rec_of(w, &labels[i], &w->label_pool[lab0 + i], err);
    if (rc != GMX_OK)
        return rc;

    /* The pools are NULL until a first stack or label lands in them. */
    const uint64_t *locs = nframes ? w->loc_pool + loc0 : NULL;
    const label_rec *labs = nlabels ? w->label_pool + lab0 : NULL;
    uint64_t h = hash_sample(locs, nframes, labs, nlabels);
    for (size_t slot = gmx_hindex_first(&w->sample_ix, h); slot != GMX_HINDEX_NONE;
         slot = gmx_hindex_next(&w->sample_ix, h, slot)) {
        sample_rec *s = &w->samples[w->sample_ix.values[slot]];
        if (s->nlocs == nframes && s->nlabels == nlabels &&
            (nframes == 0 || memcmp(w->loc_pool + s->locs, locs, nframes * sizeof(*locs)) == 0) &&
            (nlabels == 0 || same_labels(w->label_pool + s->labels, labs, nlabels))) {
            add_values(w, s, values);
            return GMX_OK;
        }
    }
    if ((r = RESERVE(w, samples, w->nsamples)) != 0 ||
        gmx_hindex_insert(&w->sample_ix, h, (uint32_t)w->nsamples) < 0)
        return reserve_error(w, r ? r : -1, err);
    sample_rec *s = &w->samples[w->nsamples++];
    *s = (sample_rec){ loc0, lab0, nframes, (uint32_t)nlabels, { 0 } };
    add_values(w, s, values);
    w->nloc_pool += nframes;
    w->nlabel_pool += nlabels;
    return GMX_OK;
}

gmx_gprof *gmx_gprof_new(size_t max_bytes)
{
    static const gmx_gprof_value_type goroutines = { "goroutine", "count" };
    return gmx_gprof_new_typed(max_bytes, &goroutines, 1);
}

gmx_gprof *gmx_gprof_new_typed(size_t max_bytes, const gmx_gprof_value_type *types,
                               size_t ntypes)
{
    if (ntypes == 0 || ntypes > GMX_GPROF_MAX_VALUES)
        return NULL;
    gmx_gprof *w = gmx_calloc(1, sizeof(*w));
    if (!w)
        return NULL;
    w->nvalues = ntypes;
    w->max_bytes = max_bytes ? max_bytes : GMX_GPROF_DEFAULT_MAX;
    gmx_arena_init(&w->arena, w->max_bytes);
    gmx_hindex_init(&w->string_ix);
    gmx_hindex_init(&w->func_ix);
    gmx_hindex_init(&w->loc_ix);
    gmx_hindex_init(&w->sample_ix);
    uint32_t empty;
    bool ok = string_id(w, (gmx_str){ "", 0 }, &empty, NULL) == GMX_OK;
    for (size_t i = 0; ok && i < ntypes; i++)
        ok = string_id(w, gmx_str_cstr(types[i].type), &w->types[i], NULL) == GMX_OK &&
             string_id(w, gmx_str_cstr(types[i].unit), &w->units[i], NULL) == GMX_OK;
    if (!ok) {
        gmx_gprof_free(w);
        return NULL;
    }
    return w;
}

void gmx_gprof_free(gmx_gprof *w)
{
    if (!w)
        return;
    gmx_arena_release(&w->arena);
    gmx_free(w->strings);
    gmx_free(w->funcs);
    gmx_free(w->locs);
    gmx_free(w->samples);
    gmx_free(w->loc_pool);
    gmx_free(w->label_pool);
    gmx_free(w->comments);
    gmx_hindex_release(&w->string_ix);
    gmx_hindex_release(&w->func_ix);
    gmx_hindex_release(&w->loc_ix);
    gmx_hindex_release(&w->sample_ix);
    gmx_free(w);
}

void gmx_gprof_set_time(gmx_gprof *w, int64_t time_ns)
{
    w->time_ns = time_ns;
}

gmx_code gmx_gprof_set_frames(gmx_gprof *w, gmx_str drop, gmx_str keep, gmx_error *err)
{
    gmx_code rc = string_id(w, drop, &w->drop_frames, err);
    return rc == GMX_OK ? string_id(w, keep, &w->keep_frames, err) : rc;
}

gmx_code gmx_gprof_add_comment(gmx_gprof *w, gmx_str text, gmx_error *err)
{
    uint32_t id;
    gmx_code rc = string_id(w, text, &id, err);
    if (rc != GMX_OK)
        return rc;
    int r = RESERVE(w, comments, w->ncomments);
    if (r)
        return reserve_error(w, r, err);
    w->comments[w->ncomments++] = id;
    return GMX_OK;
}

uint64_t gmx_gprof_total(const gmx_gprof *w)
{
    return w->total;
}

size_t gmx_gprof_sample_count(const gmx_gprof *w)
{
    return w->nsamples;
}

static void value_type(gmx_buf *b, uint32_t field, uint32_t type, uint32_t unit)
{
    size_t m = gmx_pbw_begin(b, field);
    gmx_pbw_uint_opt(b, VT_TYPE, type);
    gmx_pbw_uint_opt(b, VT_UNIT, unit);
    gmx_pbw_end(b, m);
}

static void encode_sample(const gmx_gprof *w, gmx_buf *b, const sample_rec *s)
{
    size_t m = gmx_pbw_begin(b, P_SAMPLE);
    if (s->nlocs)
        gmx_pbw_packed(b, S_LOCATION_ID, w->loc_pool + s->locs, s->nlocs);
    for (size_t i = 0; i < w->nvalues; i++)
        gmx_pbw_int(b, S_VALUE, s->values[i]);
    for (uint32_t i = 0; i < s->nlabels; i++) {
        const label_rec *l = &w->label_pool[s->labels + i];
        size_t lm = gmx_pbw_begin(b, S_LABEL);
        gmx_pbw_int_opt(b, L_KEY, l->key);
        if (l->is_num) {
            gmx_pbw_int(b, L_NUM, l->num);
            gmx_pbw_int_opt(b, L_NUM_UNIT, l->unit);
        } else {
            gmx_pbw_int_opt(b, L_STR, l->str);
        }
        gmx_pbw_end(b, lm);
    }
    gmx_pbw_end(b, m);
}

/* One mapping that every location points to, saying it is symbolized
 * already: pprof then neither tries to symbolize it nor complains that the
 * binary is unknown. A dump has no addresses and names no binary. */
static void encode_mapping(gmx_buf *b)
{
    size_t m = gmx_pbw_begin(b, P_MAPPING);
    gmx_pbw_uint(b, M_ID, 1);
    gmx_pbw_bool(b, M_HAS_FUNCTIONS, 1);
    gmx_pbw_bool(b, M_HAS_FILENAMES, 1);
    gmx_pbw_bool(b, M_HAS_LINE_NUMBERS, 1);
    gmx_pbw_end(b, m);
}

static void encode_tables(const gmx_gprof *w, gmx_buf *b)
{
    encode_mapping(b);
    for (size_t i = 0; i < w->nlocs && !b->failed; i++) {
        size_t m = gmx_pbw_begin(b, P_LOCATION);
        gmx_pbw_uint(b, LOC_ID, i + 1);
        gmx_pbw_uint(b, LOC_MAPPING_ID, 1);
        size_t lm = gmx_pbw_begin(b, LOC_LINE);
        gmx_pbw_uint(b, LINE_FUNCTION_ID, w->locs[i].func);
        gmx_pbw_int_opt(b, LINE_LINE, w->locs[i].line);
        gmx_pbw_end(b, lm);
        gmx_pbw_end(b, m);
    }
    for (size_t i = 0; i < w->nfuncs && !b->failed; i++) {
        size_t m = gmx_pbw_begin(b, P_FUNCTION);
        gmx_pbw_uint(b, F_ID, i + 1);
        gmx_pbw_int_opt(b, F_NAME, w->funcs[i].name);
        gmx_pbw_int_opt(b, F_SYSTEM_NAME, w->funcs[i].name);
        gmx_pbw_int_opt(b, F_FILENAME, w->funcs[i].file);
        gmx_pbw_end(b, m);
    }
    for (size_t i = 0; i < w->nstrings && !b->failed; i++)
        gmx_pbw_bytes(b, P_STRING, w->strings[i].p, w->strings[i].n);
}

/* Fields in their numeric order; readers accept any. The period's type is
 * the last value's, which pprof shows by default. */
static void encode_message(const gmx_gprof *w, gmx_buf *b)
{
    for (size_t i = 0; i < w->nvalues; i++)
        value_type(b, P_SAMPLE_TYPE, w->types[i], w->units[i]);
    for (size_t i = 0; i < w->nsamples && !b->failed; i++)
        encode_sample(w, b, &w->samples[i]);
    encode_tables(w, b);
    gmx_pbw_int_opt(b, P_DROP_FRAMES, w->drop_frames);
    gmx_pbw_int_opt(b, P_KEEP_FRAMES, w->keep_frames);
    gmx_pbw_int_opt(b, P_TIME_NANOS, w->time_ns);
    value_type(b, P_PERIOD_TYPE, w->types[w->nvalues - 1], w->units[w->nvalues - 1]);
    gmx_pbw_int(b, P_PERIOD, 1);
    for (size_t i = 0; i < w->ncomments; i++)
        gmx_pbw_int(b, P_COMMENT, w->comments[i]);
}

static gmx_code gzip(const gmx_buf *b, void **out, size_t *len, gmx_error *err)
{
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(6);
    if (!c)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory compressing a profile");
    size_t bound = libdeflate_gzip_compress_bound(c, b->len);
    void *z = gmx_malloc(bound);
    size_t n = z ? libdeflate_gzip_compress(c, b->data, b->len, z, bound) : 0;
    libdeflate_free_compressor(c);
    if (!z)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory compressing a profile");
    if (n == 0) {
        gmx_free(z);
        return gmx_error_set(err, GMX_EINTERNAL, "gzip compression failed");
    }
    *out = z;
    *len = n;
    return GMX_OK;
}

gmx_code gmx_gprof_encode(const gmx_gprof *w, void **out, size_t *len, gmx_error *err)
{
    *out = NULL;
    *len = 0;
    gmx_buf b;
    gmx_buf_init(&b, w->max_bytes);
    encode_message(w, &b);
    gmx_code rc;
    /* The buffer's failure is sticky and says not why: near the maximum it
     * was the maximum. */
    if (b.failed)
        rc = b.len > w->max_bytes / 2 ? limit_error(w, err)
                                      : gmx_error_set(err, GMX_ENOMEM, "out of memory encoding a profile");
    else
        rc = gzip(&b, out, len, err);
    gmx_buf_release(&b);
    return rc;
}

void gmx_gprof_bytes_free(void *data)
{
    gmx_free(data);
}
