/* Resolving a profile once all of it has been read: string indexes become
 * views, ids become table indexes, and every one is checked, with the
 * offset of the message that holds a bad one. Samples are read once here
 * to check them; the offsets and wide raw ids only decoding needs are freed
 * at the end. */
#include "model/profile_impl.h"
#include "util/alloc.h"
#include "util/str.h"

#include <pthread.h>
#include <stdbool.h>
#include <string.h>

uint64_t gmx_profile_function_offset(const gmx_profile *p, size_t i);
uint64_t gmx_profile_location_offset(const gmx_profile *p, size_t i);
void gmx_profile_drop_offsets(gmx_profile *p);

/* ---- id maps ---- */

/* Dense while the largest id is at most this many times the count. */
enum { DENSE_FACTOR = 4, DENSE_SLACK = 1024 };

static uint64_t id_hash(uint64_t id)
{
    return gmx_hash_mix(0x9e3779b97f4a7c15ull, id);
}

/* Moves m to a hash index: ids[index] from the dense array. */
static int go_sparse(gmx_idmap *m)
{
    size_t cap = m->count + 64;
    m->ids = gmx_mallocarray(cap, sizeof(*m->ids));
    if (!m->ids)
        return -1;
    m->ids_cap = cap;
    gmx_hindex_init(&m->sparse);
    for (size_t id = 0; id < m->ndense; id++) {
        uint32_t ix = m->dense[id];
        if (ix == GMX_PNONE)
            continue;
        m->ids[ix] = id;
        if (gmx_hindex_insert(&m->sparse, id_hash(id), ix) < 0)
            return -1;
    }
    gmx_free(m->dense);
    m->dense = NULL;
    m->ndense = 0;
    m->is_sparse = true;
    return 0;
}

static int grow_dense(gmx_idmap *m, uint64_t id)
{
    size_t n = m->ndense ? m->ndense : 64;
    while (n <= id)
        n *= 2;
    if (n > m->limit + 1)
        n = (size_t)m->limit + 1;
    uint32_t *d = gmx_reallocarray(m->dense, n, sizeof(*d));
    if (!d)
        return -1;
    memset(d + m->ndense, 0xff, (n - m->ndense) * sizeof(*d));
    m->dense = d;
    m->ndense = n;
    return 0;
}

int gmx_idmap_add(gmx_idmap *m, uint64_t id, uint32_t index, size_t expect)
{
    if (id == 0)
        return -2;
    if (!m->is_sparse) {
        size_t n = expect > m->count ? expect : m->count + 1;
        size_t limit = n > (SIZE_MAX - DENSE_SLACK) / DENSE_FACTOR ? SIZE_MAX / 2
                                                                   : n * DENSE_FACTOR + DENSE_SLACK;
        if (limit > m->limit)
            m->limit = limit;
        if (id > m->limit) {
            if (go_sparse(m) < 0)
                return -1;
        } else {
            if (id >= m->ndense && grow_dense(m, id) < 0)
                return -1;
            if (m->dense[id] != GMX_PNONE)
                return -2;
            m->dense[id] = index;
            m->count++;
            return 0;
        }
    }
    if (gmx_idmap_find_sparse(m, id) != GMX_PNONE)
        return -2;
    if (index >= m->ids_cap) {
        size_t cap = m->ids_cap;
        if (gmx_array_reserve((void **)&m->ids, &cap, index, sizeof(*m->ids)) < 0)
            return -1;
        m->ids_cap = cap;
    }
    if (gmx_hindex_insert(&m->sparse, id_hash(id), index) < 0)
        return -1;
    m->ids[index] = id;
    m->count++;
    return 0;
}

uint32_t gmx_idmap_find_sparse(const gmx_idmap *m, uint64_t id)
{
    uint64_t h = id_hash(id);
    for (size_t slot = gmx_hindex_first(&m->sparse, h); slot != GMX_HINDEX_NONE;
         slot = gmx_hindex_next(&m->sparse, h, slot))
        if (m->ids[m->sparse.values[slot]] == id)
            return m->sparse.values[slot];
    return GMX_PNONE;
}

void gmx_idmap_seal(gmx_idmap *m)
{
    if (m->is_sparse || m->identity || m->ndense < m->count + 1)
        return;
    for (size_t id = 1; id <= m->count; id++)
        if (m->dense[id] != id - 1)
            return;
    gmx_free(m->dense);
    m->dense = NULL;
    m->ndense = 0;
    m->identity = true;
}

void gmx_idmap_release(gmx_idmap *m)
{
    gmx_free(m->dense);
    gmx_free(m->ids);
    if (m->is_sparse)
        gmx_hindex_release(&m->sparse);
    memset(m, 0, sizeof(*m));
}

/* ---- checks ---- */

static gmx_code bad_at(const gmx_profile *p, gmx_error *err, uint64_t offset)
{
    return gmx_error_at_offset(err, GMX_EFORMAT, p->name, offset);
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
    *out = gmx_profile_string(p, (size_t)x);
    return GMX_OK;
}

static gmx_code dup_error(const gmx_profile *p, const char *what, uint64_t id, uint64_t offset,
                          gmx_error *err)
{
    gmx_error_set(err, GMX_EFORMAT, id ? "%s id %llu defined twice" : "%s with reserved id 0",
                  what, (unsigned long long)id);
    return bad_at(p, err, offset);
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
    if (p->nstrings == 0 || p->str_off[1] != 0) {
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
    if (p->dup_mapping.set)
        return dup_error(p, "mapping", p->dup_mapping.id, p->dup_mapping.offset, err);
    return GMX_OK;
}

/* Gives each distinct function name a dense id, without copying names.
 * The table is sized once for every function (a hash index grown by
 * doubling rehashes each name several times): open addressing over slots
 * of (upper half of the name's hash, name id + 1). */
static size_t names_cap(const gmx_profile *p)
{
    size_t cap = 64;
    while (cap < 2 * p->nfunctions)
        cap *= 2;
    return cap;
}

/* slots: names_cap(p) zeroed slots; p->name_function allocated. */
static void number_names(gmx_profile *p, uint64_t *slots)
{
    size_t mask = names_cap(p) - 1;
    for (size_t i = 0; i < p->nfunctions; i++) {
        gmx_pfunction *f = &p->functions[i];
        uint64_t h = gmx_hash_bytes(f->name.p, f->name.n, 0), tag = h >> 32 << 32;
        size_t at = (size_t)h & mask;
        for (; slots[at]; at = (at + 1) & mask) {
            uint32_t id = (uint32_t)slots[at] - 1;
            if ((slots[at] & ~(uint64_t)UINT32_MAX) == tag &&
                gmx_str_eq(p->functions[p->name_function[id]].name, f->name))
                break;
        }
        if (slots[at]) {
            f->name_id = (uint32_t)slots[at] - 1;
            continue;
        }
        f->name_id = (uint32_t)p->nnames;
        p->name_function[p->nnames++] = (uint32_t)i;
        slots[at] = tag | ((uint64_t)f->name_id + 1);
    }
}

static gmx_code resolve_functions(gmx_profile *p, gmx_error *err)
{
    for (size_t i = 0; i < p->nfunctions; i++) {
        gmx_pfunction *f = &p->functions[i];
        uint64_t off = gmx_profile_function_offset(p, i);
        gmx_code rc = string_at(p, (int64_t)f->name.n, &f->name, "function name", off, err);
        if (rc == GMX_OK)
            rc = string_at(p, (int64_t)f->system_name.n, &f->system_name, "function system name",
                           off, err);
        if (rc == GMX_OK)
            rc = string_at(p, (int64_t)f->filename.n, &f->filename, "function filename", off, err);
        if (rc != GMX_OK)
            return rc;
    }
    if (p->dup_function.set)
        return dup_error(p, "function", p->dup_function.id, p->dup_function.offset, err);
    return GMX_OK;
}

/* A location's id, for errors only: the idmap's inverse. */
static uint64_t location_id(const gmx_profile *p, size_t i)
{
    const gmx_idmap *m = &p->location_ids;
    if (m->is_sparse)
        return m->ids[i];
    if (m->identity)
        return i + 1;
    for (size_t id = 0; id < m->ndense; id++)
        if (m->dense[id] == i)
            return id;
    return 0;
}

static gmx_code resolve_location(gmx_profile *p, size_t i, gmx_error *err)
{
    gmx_plocation *l = &p->locations[i];
    uint64_t mid = p->loc_mapping_wide ? p->loc_mapping_wide[i] : l->mapping;
    l->mapping = mid ? gmx_idmap_find(&p->mapping_ids, mid) : GMX_PNONE;
    if (mid && l->mapping == GMX_PNONE) {
        gmx_error_set(err, GMX_EFORMAT, "location %llu: unknown mapping id %llu",
                      (unsigned long long)location_id(p, i), (unsigned long long)mid);
        return bad_at(p, err, gmx_profile_location_offset(p, i));
    }
    size_t first = (size_t)(uintptr_t)l->lines;
    if (!l->nlines) {
        l->lines = NULL; /* and never p->lines + 0: the table may be NULL */
        return GMX_OK;
    }
    gmx_pline *lines = p->lines + first;
    for (uint32_t k = 0; k < l->nlines; k++) {
        uint64_t fid = p->line_function_wide ? p->line_function_wide[first + k] : lines[k].function;
        lines[k].function = gmx_idmap_find(&p->function_ids, fid);
        if (lines[k].function == GMX_PNONE) {
            gmx_error_set(err, GMX_EFORMAT, "location %llu: line %u has unknown function id %llu",
                          (unsigned long long)location_id(p, i), k, (unsigned long long)fid);
            return bad_at(p, err, gmx_profile_location_offset(p, i));
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
    if (p->dup_location.set)
        return dup_error(p, "location", p->dup_location.id, p->dup_location.offset, err);
    return GMX_OK;
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

typedef struct names_job {
    gmx_profile *p;
    uint64_t *slots;
} names_job;

static void *names_thread(void *arg)
{
    names_job *j = arg;
    number_names(j->p, j->slots);
    return NULL;
}

/* Numbering the names (a hash of every name) and checking the samples
 * touch different tables: on a large profile they run side by side. The
 * memory is allocated here, on the calling thread, so that nothing stays
 * behind in another thread's malloc arena. */
static gmx_code names_and_samples(gmx_profile *p, gmx_error *err)
{
    enum { THREADED_MIN = 10000 };
    names_job j = { .p = p, .slots = gmx_calloc(names_cap(p), sizeof(uint64_t)) };
    p->name_function = gmx_mallocarray(p->nfunctions + 1, sizeof(*p->name_function));
    if (!j.slots || !p->name_function) {
        gmx_free(j.slots);
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    }
    pthread_t t;
    bool threaded = p->nfunctions + p->nsamples >= THREADED_MIN &&
                    pthread_create(&t, NULL, names_thread, &j) == 0;
    if (!threaded)
        names_thread(&j);
    gmx_code rc = gmx_profile_check_samples(p, err);
    if (threaded)
        pthread_join(t, NULL);
    gmx_free(j.slots);
    return rc;
}

gmx_code gmx_profile_number_names(gmx_profile *p, gmx_error *err)
{
    uint64_t *slots = gmx_calloc(names_cap(p), sizeof(uint64_t));
    uint32_t *by_name = gmx_mallocarray(p->nfunctions + 1, sizeof(*by_name));
    if (!slots || !by_name) {
        gmx_free(slots);
        gmx_free(by_name);
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    }
    gmx_free(p->name_function);
    p->name_function = by_name;
    p->nnames = 0;
    number_names(p, slots);
    gmx_free(slots);
    return GMX_OK;
}

/* Tables only needed while resolving. */
static void drop_raw(gmx_profile *p)
{
    gmx_free(p->raw_mappings);
    gmx_free(p->loc_mapping_wide);
    gmx_free(p->line_function_wide);
    p->raw_mappings = NULL;
    p->loc_mapping_wide = NULL;
    p->line_function_wide = NULL;
    gmx_profile_drop_offsets(p);
    gmx_idmap_release(&p->function_ids);
}

/* Gives back what the size guesses over-allocated (the large tables are
 * mapped: shrinking them returns whole pages without copying). */
static void shrink(void **arr, size_t *cap, size_t n, size_t elem)
{
    if (!*arr || n >= *cap)
        return;
    void *a = gmx_realloc(*arr, (n ? n : 1) * elem);
    if (a) {
        *arr = a;
        *cap = n;
    }
}

gmx_code gmx_profile_resolve(gmx_profile *p, gmx_error *err)
{
    /* Views into strbuf are only taken from here on: it no longer moves. */
    shrink((void **)&p->strbuf, &p->strbuf_cap, p->strbuf_len, 1);
    if (!p->strbuf && !(p->strbuf = gmx_malloc(1)))
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    shrink((void **)&p->sbuf, &p->sbuf_cap, p->sbuf_len, 1);
    shrink((void **)&p->locations, &p->locations_cap, p->nlocations, sizeof(*p->locations));
    shrink((void **)&p->lines, &p->lines_cap, p->nlines, sizeof(*p->lines));
    gmx_code rc = resolve_types(p, err);
    if (rc == GMX_OK)
        rc = resolve_mappings(p, err);
    if (rc == GMX_OK)
        rc = resolve_functions(p, err);
    if (rc == GMX_OK)
        rc = resolve_locations(p, err);
    if (rc == GMX_OK)
        rc = resolve_info(p, err);
    if (rc == GMX_OK) {
        /* Nothing below needs definition offsets (samples carry their
         * own): they go before the names are numbered, whose hash of
         * every name is the largest transient. */
        drop_raw(p);
        gmx_idmap_seal(&p->location_ids);
        rc = names_and_samples(p, err);
    }
    return rc;
}
