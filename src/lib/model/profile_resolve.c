/* Resolving a profile once all of it has been read: string indexes become
 * views, ids become table indexes, and every one is checked, with the
 * offset of the message that holds a bad one. Samples are decoded once here
 * to check them; they are decoded again whenever they are read. */
#include "model/profile_impl.h"
#include "util/alloc.h"
#include "util/str.h"

#include <string.h>

/* ---- id maps ---- */

/* Dense when the largest id is at most this many times the count. */
enum { DENSE_FACTOR = 4, DENSE_SLACK = 1024 };

static uint64_t id_hash(uint64_t id)
{
    return gmx_hash_mix(0x9e3779b97f4a7c15ull, id);
}

int gmx_idmap_build(gmx_idmap *m, size_t n, uint64_t (*id_at)(const void *ctx, size_t i),
                    const void *ctx, size_t *dup)
{
    memset(m, 0, sizeof(*m));
    uint64_t max = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t id = id_at(ctx, i);
        if (id == 0 || n > UINT32_MAX - 1) {
            *dup = i;
            return -2;
        }
        max = id > max ? id : max;
    }
    if (max <= (uint64_t)n * DENSE_FACTOR + DENSE_SLACK) {
        m->ndense = (size_t)max + 1;
        m->dense = gmx_mallocarray(m->ndense, sizeof(*m->dense));
        if (!m->dense)
            return -1;
        memset(m->dense, 0xff, m->ndense * sizeof(*m->dense));
        for (size_t i = 0; i < n; i++) {
            uint64_t id = id_at(ctx, i);
            if (m->dense[id] != GMX_PNONE) {
                *dup = i;
                return -2;
            }
            m->dense[id] = (uint32_t)i;
        }
        return 0;
    }
    gmx_hindex_init(&m->sparse);
    for (size_t i = 0; i < n; i++) {
        uint64_t id = id_at(ctx, i);
        if (gmx_idmap_find(m, id, id_at, ctx) != GMX_PNONE) {
            *dup = i;
            return -2;
        }
        if (gmx_hindex_insert(&m->sparse, id_hash(id), (uint32_t)i) < 0)
            return -1;
    }
    return 0;
}

uint32_t gmx_idmap_find_sparse(const gmx_idmap *m, uint64_t id,
                               uint64_t (*id_at)(const void *ctx, size_t i), const void *ctx)
{
    uint64_t h = id_hash(id);
    for (size_t slot = gmx_hindex_first(&m->sparse, h); slot != GMX_HINDEX_NONE;
         slot = gmx_hindex_next(&m->sparse, h, slot))
        if (id_at(ctx, m->sparse.values[slot]) == id)
            return m->sparse.values[slot];
    return GMX_PNONE;
}

void gmx_idmap_release(gmx_idmap *m)
{
    gmx_free(m->dense);
    gmx_hindex_release(&m->sparse);
    memset(m, 0, sizeof(*m));
}

static uint64_t mapping_id(const void *ctx, size_t i)
{
    return ((const gmx_profile *)ctx)->mappings[i].id;
}

static uint64_t function_id(const void *ctx, size_t i)
{
    return ((const gmx_profile *)ctx)->functions[i].id;
}

static uint64_t location_id(const void *ctx, size_t i)
{
    return ((const gmx_profile *)ctx)->locations[i].id;
}

/* ---- checks ---- */

static gmx_code bad_at(const gmx_profile *p, gmx_error *err, uint64_t offset)
{
    return gmx_error_at_offset(err, p->name, offset);
}

/* String index x of `what` into *out; 0 is "". */
static gmx_code string_at(const gmx_profile *p, int64_t x, gmx_str *out, const char *what,
                          uint64_t offset, gmx_error *err)
{
    if (x < 0 || (uint64_t)x >= p->nstrings) {
        gmx_error_set(err, GMX_EFORMAT, "%s: string index %lld out of range (%zu strings)",
                      what, (long long)x, p->nstrings);
        return bad_at(p, err, offset);
    }
    *out = p->strings[x];
    return GMX_OK;
}

static uint64_t mapping_offset(const void *ctx, size_t i)
{
    return ((const gmx_profile *)ctx)->mappings[i].offset;
}

static uint64_t function_offset(const void *ctx, size_t i)
{
    return ((const gmx_profile *)ctx)->functions[i].offset;
}

static uint64_t location_offset(const void *ctx, size_t i)
{
    return ((const gmx_profile *)ctx)->locations[i].offset;
}

static gmx_code build_idmap(gmx_profile *p, gmx_idmap *m, size_t n,
                            uint64_t (*id_at)(const void *, size_t),
                            uint64_t (*offset_at)(const void *, size_t), const char *what,
                            gmx_error *err)
{
    size_t bad = 0;
    int rc = gmx_idmap_build(m, n, id_at, p, &bad);
    if (rc == -1)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory indexing %ss", what);
    if (rc == -2) {
        uint64_t id = id_at(p, bad);
        gmx_error_set(err, GMX_EFORMAT, id ? "%s id %llu defined twice" : "%s with reserved id 0",
                      what, (unsigned long long)id);
        return bad_at(p, err, offset_at(p, bad));
    }
    return GMX_OK;
}

/* ---- resolution, table by table ---- */

static gmx_code resolve_value_type(const gmx_profile *p, const raw_vt *raw, gmx_pvalue_type *vt,
                                   gmx_error *err)
{
    gmx_code rc = string_at(p, raw->type, &vt->type, "value type", raw->offset, err);
    return rc != GMX_OK ? rc : string_at(p, raw->unit, &vt->unit, "value type", raw->offset, err);
}

static gmx_code resolve_types(gmx_profile *p, gmx_error *err)
{
    if (p->nstrings == 0 || p->strings[0].n != 0) {
        gmx_error_set(err, GMX_EFORMAT, p->nstrings ? "the string table's first entry is not empty"
                                                    : "no string table");
        return bad_at(p, err, 0);
    }
    p->sample_types = gmx_calloc(p->nsample_types + 1, sizeof(*p->sample_types));
    if (!p->sample_types)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    for (size_t i = 0; i < p->nsample_types; i++) {
        gmx_code rc = resolve_value_type(p, &p->raw_sample_types[i], &p->sample_types[i], err);
        if (rc != GMX_OK)
            return rc;
    }
    return resolve_value_type(p, &p->raw_period_type, &p->info.period_type, err);
}

static gmx_code resolve_mappings(gmx_profile *p, gmx_error *err)
{
    for (size_t i = 0; i < p->nmappings; i++) {
        gmx_pmapping *m = &p->mappings[i];
        gmx_code rc = string_at(p, p->raw_mappings[i].filename, &m->filename, "mapping filename",
                                m->offset, err);
        if (rc == GMX_OK)
            rc = string_at(p, p->raw_mappings[i].build_id, &m->build_id, "mapping build id",
                           m->offset, err);
        if (rc != GMX_OK)
            return rc;
    }
    return build_idmap(p, &p->mapping_ids, p->nmappings, mapping_id, mapping_offset, "mapping",
                       err);
}

/* Gives each distinct function name a dense id, without copying names. */
static gmx_code number_names(gmx_profile *p, gmx_error *err)
{
    gmx_hindex ix;
    gmx_hindex_init(&ix);
    p->names = gmx_mallocarray(p->nfunctions + 1, sizeof(*p->names));
    gmx_code rc = p->names ? GMX_OK : gmx_error_set(err, GMX_ENOMEM, "out of memory");
    for (size_t i = 0; rc == GMX_OK && i < p->nfunctions; i++) {
        gmx_pfunction *f = &p->functions[i];
        uint64_t h = gmx_hash_bytes(f->name.p, f->name.n, 0);
        size_t slot = gmx_hindex_first(&ix, h);
        for (; slot != GMX_HINDEX_NONE; slot = gmx_hindex_next(&ix, h, slot))
            if (gmx_str_eq(p->names[ix.values[slot]], f->name))
                break;
        if (slot != GMX_HINDEX_NONE) {
            f->name_id = ix.values[slot];
            continue;
        }
        f->name_id = (uint32_t)p->nnames;
        p->names[p->nnames++] = f->name;
        if (gmx_hindex_insert(&ix, h, f->name_id) < 0)
            rc = gmx_error_set(err, GMX_ENOMEM, "out of memory");
    }
    gmx_hindex_release(&ix);
    return rc;
}

static gmx_code resolve_functions(gmx_profile *p, gmx_error *err)
{
    for (size_t i = 0; i < p->nfunctions; i++) {
        gmx_pfunction *f = &p->functions[i];
        const raw_function *r = &p->raw_functions[i];
        gmx_code rc = string_at(p, r->name, &f->name, "function name", f->offset, err);
        if (rc == GMX_OK)
            rc = string_at(p, r->system_name, &f->system_name, "function system name",
                           f->offset, err);
        if (rc == GMX_OK)
            rc = string_at(p, r->filename, &f->filename, "function filename", f->offset, err);
        if (rc != GMX_OK)
            return rc;
    }
    gmx_code rc = build_idmap(p, &p->function_ids, p->nfunctions, function_id, function_offset,
                              "function", err);
    return rc != GMX_OK ? rc : number_names(p, err);
}

static gmx_code resolve_location(gmx_profile *p, size_t i, gmx_error *err)
{
    gmx_plocation *l = &p->locations[i];
    uint64_t mid = p->loc_mapping_id[i];
    l->mapping = mid ? gmx_idmap_find(&p->mapping_ids, mid, mapping_id, p) : GMX_PNONE;
    if (mid && l->mapping == GMX_PNONE) {
        gmx_error_set(err, GMX_EFORMAT, "location %llu: unknown mapping id %llu",
                      (unsigned long long)l->id, (unsigned long long)mid);
        return bad_at(p, err, l->offset);
    }
    if (!l->nlines) {
        l->lines = NULL; /* and never p->lines + 0: the table may be NULL */
        return GMX_OK;
    }
    gmx_pline *lines = p->lines + p->loc_first_line[i];
    const uint64_t *fids = p->line_function_id + p->loc_first_line[i];
    for (uint32_t k = 0; k < l->nlines; k++) {
        lines[k].function = gmx_idmap_find(&p->function_ids, fids[k], function_id, p);
        if (lines[k].function == GMX_PNONE) {
            gmx_error_set(err, GMX_EFORMAT, "location %llu: line %u has unknown function id %llu",
                          (unsigned long long)l->id, k, (unsigned long long)fids[k]);
            return bad_at(p, err, l->offset);
        }
    }
    l->lines = lines;
    return GMX_OK;
}

static gmx_code resolve_locations(gmx_profile *p, gmx_error *err)
{
    for (size_t i = 0; i < p->nlocations; i++) {
        gmx_code rc = resolve_location(p, i, err);
        if (rc != GMX_OK)
            return rc;
    }
    return build_idmap(p, &p->location_ids, p->nlocations, location_id, location_offset,
                       "location", err);
}

static gmx_code resolve_info(gmx_profile *p, gmx_error *err)
{
    gmx_profile_info *in = &p->info;
    in->sample_types = p->sample_types;
    in->nsample_types = p->nsample_types;
    const struct { int64_t x; gmx_str *out; const char *what; } fields[] = {
        { p->drop_frames, &in->drop_frames, "drop_frames" },
        { p->keep_frames, &in->keep_frames, "keep_frames" },
        { p->default_sample_type, &in->default_sample_type, "default_sample_type" },
        { p->doc_url, &in->doc_url, "doc_url" },
    };
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        gmx_code rc = string_at(p, fields[i].x, fields[i].out, fields[i].what, 0, err);
        if (rc != GMX_OK)
            return rc;
    }
    p->comments = gmx_mallocarray(p->ncomments + 1, sizeof(*p->comments));
    if (!p->comments)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    for (size_t i = 0; i < p->ncomments; i++) {
        gmx_code rc = string_at(p, p->raw_comments[i], &p->comments[i], "comment", 0, err);
        if (rc != GMX_OK)
            return rc;
    }
    in->comments = p->comments;
    in->ncomments = p->ncomments;
    return GMX_OK;
}

/* Raw tables only needed while resolving. */
static void drop_raw(gmx_profile *p)
{
    gmx_free(p->raw_mappings);
    gmx_free(p->raw_functions);
    gmx_free(p->line_function_id);
    gmx_free(p->loc_mapping_id);
    gmx_free(p->loc_first_line);
    p->raw_mappings = NULL;
    p->raw_functions = NULL;
    p->line_function_id = NULL;
    p->loc_mapping_id = NULL;
    p->loc_first_line = NULL;
}

gmx_code gmx_profile_resolve(gmx_profile *p, gmx_error *err)
{
    gmx_code rc = resolve_types(p, err);
    if (rc == GMX_OK)
        rc = resolve_mappings(p, err);
    if (rc == GMX_OK)
        rc = resolve_functions(p, err);
    if (rc == GMX_OK)
        rc = resolve_locations(p, err);
    if (rc == GMX_OK)
        rc = resolve_info(p, err);
    if (rc == GMX_OK)
        rc = gmx_profile_check_samples(p, err);
    if (rc == GMX_OK)
        drop_raw(p);
    return rc;
}
