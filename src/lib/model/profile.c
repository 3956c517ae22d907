/* The profile model: collects the decoder's events into tables (raw ids and
 * string indexes kept in the final fields until the string table has been
 * seen), then resolves them (profile_resolve.c). Strings are copied and
 * samples re-encoded as they come, so the input is not needed once parsed:
 * its pages are given back while the parse moves on, and it is freed after. */
#include "model/profile_impl.h"
#include "util/alloc.h"
#include "util/pbwire.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>

#define GROW(p, arr, cap, n) gmx_array_reserve((void **)&(p)->arr, &(p)->cap, (p)->n, sizeof(*(p)->arr))

/* Input given back in steps of this many bytes. */
enum { RELEASE_STEP = 4 << 20 };

static int offsets_set(offsets *o, size_t i, uint64_t off, size_t cap, bool wide)
{
    if (i >= o->cap) {
        size_t n = cap > i ? cap : (i + 1) * 2;
        void *a = wide ? gmx_reallocarray(o->o64, n, sizeof(*o->o64))
                       : gmx_reallocarray(o->o32, n, sizeof(*o->o32));
        if (!a)
            return -1;
        if (wide)
            o->o64 = a;
        else
            o->o32 = a;
        o->cap = n;
    }
    if (wide)
        o->o64[i] = off;
    else
        o->o32[i] = (uint32_t)off;
    return 0;
}

static uint64_t offsets_get(const offsets *o, size_t i)
{
    return o->o64 ? o->o64[i] : o->o32 ? o->o32[i] : 0;
}

static void offsets_release(offsets *o)
{
    gmx_free(o->o32);
    gmx_free(o->o64);
    memset(o, 0, sizeof(*o));
}

uint64_t gmx_profile_function_offset(const gmx_profile *p, size_t i);
uint64_t gmx_profile_location_offset(const gmx_profile *p, size_t i);
void gmx_profile_drop_offsets(gmx_profile *p);

uint64_t gmx_profile_function_offset(const gmx_profile *p, size_t i)
{
    return offsets_get(&p->function_offsets, i);
}

uint64_t gmx_profile_location_offset(const gmx_profile *p, size_t i)
{
    return offsets_get(&p->location_offsets, i);
}

void gmx_profile_drop_offsets(gmx_profile *p)
{
    offsets_release(&p->function_offsets);
    offsets_release(&p->location_offsets);
}

static bool wide_offsets(const gmx_profile *p)
{
    return gmx_input_size(p->input) > UINT32_MAX;
}

/* err has the message; adds where. */
static int limit_at(gmx_profile *p, uint64_t offset)
{
    return gmx_error_at_offset(p->err, GMX_ELIMIT, p->name, offset);
}

static void note_dup(dup_id *d, int rc, uint64_t id, uint64_t offset)
{
    if (rc == -2 && !d->set)
        *d = (dup_id){ true, id, offset };
}

static int add_value_type(gmx_profile *p, const gmx_pprof_event *ev)
{
    raw_vt vt = { ev->value_type.type, ev->value_type.unit, ev->offset };
    if (ev->kind == GMX_PPROF_PERIOD_TYPE) {
        p->raw_period_type = vt;
        return 0;
    }
    if (GROW(p, raw_sample_types, sample_types_cap, nsample_types) < 0)
        return -1;
    p->raw_sample_types[p->nsample_types++] = vt;
    return 0;
}

static int add_mapping(gmx_profile *p, const gmx_pprof_event *ev)
{
    size_t cap = p->mappings_cap;
    if (GROW(p, mappings, mappings_cap, nmappings) < 0 ||
        gmx_array_reserve((void **)&p->raw_mappings, &cap, p->nmappings,
                         sizeof(*p->raw_mappings)) < 0)
        return -1;
    gmx_pmapping *m = &p->mappings[p->nmappings];
    memset(m, 0, sizeof(*m));
    m->id = ev->mapping.id;
    m->start = ev->mapping.start;
    m->limit = ev->mapping.limit;
    m->file_offset = ev->mapping.file_offset;
    m->has_functions = ev->mapping.has_functions;
    m->has_filenames = ev->mapping.has_filenames;
    m->has_line_numbers = ev->mapping.has_line_numbers;
    m->has_inline_frames = ev->mapping.has_inline_frames;
    m->offset = ev->offset;
    int rc = gmx_idmap_add(&p->mapping_ids, m->id, (uint32_t)p->nmappings, 16);
    if (rc == -1)
        return -1;
    note_dup(&p->dup_mapping, rc, m->id, ev->offset);
    p->raw_mappings[p->nmappings++] = (raw_mapping){ ev->mapping.filename, ev->mapping.build_id };
    return 0;
}

static gmx_str raw_index(int64_t x)
{
    return (gmx_str){ NULL, (size_t)(uint64_t)x };
}

static int add_function(gmx_profile *p, const gmx_pprof_event *ev)
{
    if (GROW(p, functions, functions_cap, nfunctions) < 0 ||
        offsets_set(&p->function_offsets, p->nfunctions, ev->offset, p->functions_cap,
                    wide_offsets(p)) < 0)
        return -1;
    gmx_pfunction *f = &p->functions[p->nfunctions];
    memset(f, 0, sizeof(*f));
    f->id = ev->function.id;
    f->start_line = ev->function.start_line;
    f->name = raw_index(ev->function.name);
    f->system_name = raw_index(ev->function.system_name);
    f->filename = raw_index(ev->function.filename);
    int rc = gmx_idmap_add(&p->function_ids, f->id, (uint32_t)p->nfunctions, p->functions_cap);
    if (rc == -1)
        return -1;
    note_dup(&p->dup_function, rc, f->id, ev->offset);
    p->nfunctions++;
    return 0;
}

/* Raw ids that do not fit the final 32-bit field go to a wide side array,
 * created (with the ids seen so far) the first time one is needed. */
static int wide_ids(uint64_t **wide, size_t cap, size_t n, const void *base, size_t stride,
                    size_t field)
{
    if (*wide)
        return 0;
    *wide = gmx_mallocarray(cap + 1, sizeof(**wide));
    if (!*wide)
        return -1;
    for (size_t i = 0; i < n; i++) {
        uint32_t v;
        memcpy(&v, (const char *)base + i * stride + field, sizeof(v));
        (*wide)[i] = v;
    }
    return 0;
}

static int reserve_wide(uint64_t **wide, size_t cap)
{
    if (!*wide)
        return 0;
    uint64_t *w = gmx_reallocarray(*wide, cap + 1, sizeof(**wide));
    if (!w)
        return -1;
    *wide = w;
    return 0;
}

static int add_lines(gmx_profile *p, const gmx_pprof_event *ev)
{
    size_t n = ev->location.nlines;
    if (p->nlines + n > UINT32_MAX)
        return gmx_error_set(p->err, GMX_ELIMIT, "more than %lu location lines",
                             (unsigned long)UINT32_MAX), limit_at(p, ev->offset);
    if (p->nlines + n > p->lines_cap) {
        size_t cap = p->lines_cap;
        if (gmx_array_reserve((void **)&p->lines, &cap, p->nlines + n - 1, sizeof(*p->lines)) <
                0 ||
            reserve_wide(&p->line_function_wide, cap) < 0)
            return -1;
        p->lines_cap = cap;
    }
    for (size_t i = 0; i < n; i++) {
        const gmx_pprof_line_raw *ln = &ev->location.lines[i];
        if (ln->column < INT32_MIN || ln->column > INT32_MAX)
            return gmx_error_set(p->err, GMX_ELIMIT, "line column %lld out of range",
                                 (long long)ln->column), limit_at(p, ev->offset);
        gmx_pline *out = &p->lines[p->nlines];
        out->line = ln->line;
        out->column = (int32_t)ln->column;
        if (ln->function_id >= UINT32_MAX &&
            wide_ids(&p->line_function_wide, p->lines_cap, p->nlines, p->lines, sizeof(*p->lines),
                     offsetof(gmx_pline, function)) < 0)
            return -1;
        out->function = (uint32_t)ln->function_id;
        if (p->line_function_wide)
            p->line_function_wide[p->nlines] = ln->function_id;
        p->nlines++;
    }
    return 0;
}

static int add_location(gmx_profile *p, const gmx_pprof_event *ev)
{
    if (ev->location.nlines > GMX_PPROF_MAX_LINES)
        return gmx_error_set(p->err, GMX_ELIMIT, "location with %zu lines (at most %d)",
                             ev->location.nlines, GMX_PPROF_MAX_LINES), limit_at(p, ev->offset);
    size_t cap = p->locations_cap;
    if (p->nlocations >= cap) {
        if (gmx_array_reserve((void **)&p->locations, &cap, p->nlocations,
                              sizeof(*p->locations)) < 0 ||
            reserve_wide(&p->loc_mapping_wide, cap) < 0)
            return -1;
        p->locations_cap = cap;
    }
    if (offsets_set(&p->location_offsets, p->nlocations, ev->offset, p->locations_cap,
                    wide_offsets(p)) < 0)
        return -1;
    size_t first = p->nlines;
    int rc = add_lines(p, ev);
    if (rc != 0)
        return rc;
    gmx_plocation *l = &p->locations[p->nlocations];
    memset(l, 0, sizeof(*l));
    l->address = ev->location.address;
    l->nlines = (uint16_t)ev->location.nlines;
    l->is_folded = ev->location.is_folded;
    l->lines = (const gmx_pline *)(uintptr_t)first; /* an index until resolved */
    uint64_t mid = ev->location.mapping_id;
    if (mid >= UINT32_MAX &&
        wide_ids(&p->loc_mapping_wide, p->locations_cap, p->nlocations, p->locations,
                 sizeof(*p->locations), offsetof(gmx_plocation, mapping)) < 0)
        return -1;
    l->mapping = (uint32_t)mid;
    if (p->loc_mapping_wide)
        p->loc_mapping_wide[p->nlocations] = mid;
    rc = gmx_idmap_add(&p->location_ids, ev->location.id, (uint32_t)p->nlocations,
                       p->locations_cap);
    if (rc == -1)
        return -1;
    note_dup(&p->dup_location, rc, ev->location.id, ev->offset);
    p->nlocations++;
    return 0;
}

static int add_string(gmx_profile *p, gmx_str s)
{
    if (p->nstrings + 1 >= p->strings_cap) {
        size_t cap = p->strings_cap;
        if (gmx_array_reserve((void **)&p->str_off, &cap, p->nstrings + 1, sizeof(*p->str_off)) < 0)
            return -1;
        p->strings_cap = cap;
    }
    if (p->strbuf_len + s.n > p->strbuf_cap) {
        size_t cap = p->strbuf_cap ? p->strbuf_cap : 4096;
        while (cap < p->strbuf_len + s.n)
            cap *= 2;
        char *b = gmx_realloc(p->strbuf, cap);
        if (!b)
            return -1;
        p->strbuf = b;
        p->strbuf_cap = cap;
    }
    if (s.n)
        memcpy(p->strbuf + p->strbuf_len, s.p, s.n);
    p->str_off[p->nstrings] = p->strbuf_len;
    p->strbuf_len += s.n;
    p->str_off[++p->nstrings] = p->strbuf_len;
    return 0;
}

static int add_scalar(gmx_profile *p, const gmx_pprof_event *ev)
{
    switch (ev->kind) {
    case GMX_PPROF_STRING: return add_string(p, ev->string);
    case GMX_PPROF_COMMENT:
        if (GROW(p, raw_comments, comments_cap, ncomments) < 0)
            return -1;
        p->raw_comments[p->ncomments++] = ev->value;
        return 0;
    case GMX_PPROF_DROP_FRAMES: p->drop_frames = ev->value; return 0;
    case GMX_PPROF_KEEP_FRAMES: p->keep_frames = ev->value; return 0;
    case GMX_PPROF_TIME_NANOS: p->info.time_nanos = ev->value; return 0;
    case GMX_PPROF_DURATION_NANOS: p->info.duration_nanos = ev->value; return 0;
    case GMX_PPROF_PERIOD: p->info.period = ev->value; return 0;
    case GMX_PPROF_DEFAULT_SAMPLE_TYPE: p->default_sample_type = ev->value; return 0;
    case GMX_PPROF_DOC_URL: p->doc_url = ev->value; return 0;
    default: return 0;
    }
}

/* Best effort: a failed allocation here only means the tables grow later;
 * bad bytes are left for the parse to report. */
void gmx_profile_presize(gmx_profile *p, const void *data, size_t len)
{
    size_t count[GMX_PPROF_DOC_URL + 1] = { 0 };
    size_t string_bytes = 0, sample_bytes = 0;
    gmx_pb r;
    gmx_pb_init(&r, data, len);
    while (!gmx_pb_eof(&r)) {
        uint32_t num;
        int wt;
        const uint8_t *at;
        if (gmx_pb_key(&r, &num, &wt) != GMX_PB_OK)
            break;
        at = r.p;
        if (gmx_pb_skip(&r, wt) != GMX_PB_OK)
            break;
        if (num < sizeof(count) / sizeof(count[0]))
            count[num]++;
        if (num == GMX_PPROF_STRING)
            string_bytes += (size_t)(r.p - at);
        else if (num == GMX_PPROF_SAMPLE)
            sample_bytes += (size_t)(r.p - at);
    }
    struct { void **arr; size_t *cap; size_t n, elem; } t[] = {
        { (void **)&p->samples, &p->samples_cap, count[GMX_PPROF_SAMPLE], sizeof(*p->samples) },
        { (void **)&p->str_off, &p->strings_cap, count[GMX_PPROF_STRING] + 1, sizeof(*p->str_off) },
        { (void **)&p->locations, &p->locations_cap, count[GMX_PPROF_LOCATION],
          sizeof(*p->locations) },
        { (void **)&p->functions, &p->functions_cap, count[GMX_PPROF_FUNCTION],
          sizeof(*p->functions) },
        /* upper bounds: only the pages written count */
        { (void **)&p->strbuf, &p->strbuf_cap, string_bytes, 1 },
        { (void **)&p->sbuf, &p->sbuf_cap, sample_bytes, 1 },
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        void *a = t[i].n ? gmx_mallocarray(t[i].n, t[i].elem) : NULL;
        if (a) {
            *t[i].arr = a;
            *t[i].cap = t[i].n;
        }
    }
}

static int on_event(void *ctx, const gmx_pprof_event *ev)
{
    gmx_profile *p = ctx;
    int rc;
    switch (ev->kind) {
    case GMX_PPROF_SAMPLE_TYPE:
    case GMX_PPROF_PERIOD_TYPE: rc = add_value_type(p, ev); break;
    case GMX_PPROF_SAMPLE: rc = gmx_profile_add_sample(p, &ev->sample, ev->offset); break;
    case GMX_PPROF_MAPPING: rc = add_mapping(p, ev); break;
    case GMX_PPROF_LOCATION: rc = add_location(p, ev); break;
    case GMX_PPROF_FUNCTION: rc = add_function(p, ev); break;
    default: rc = add_scalar(p, ev); break;
    }
    if (rc > 0)
        return rc;
    if (rc < 0)
        return GMX_ENOMEM;
    /* Everything before this field has been copied out: give it back. */
    if (ev->offset - p->released >= RELEASE_STEP) {
        gmx_input_release_range(p->input, p->released, ev->offset - p->released);
        p->released = ev->offset;
    }
    return GMX_OK;
}

gmx_code gmx_profile_decode(gmx_input *input, gmx_profile **out, gmx_error *err)
{
    *out = NULL;
    gmx_profile *p = gmx_calloc(1, sizeof(*p));
    const char *name = gmx_input_name(input);
    char *copy = gmx_strndup(name, strlen(name));
    if (!p || !copy) {
        gmx_free(p);
        gmx_free(copy);
        gmx_input_free(input);
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    }
    p->input = input;
    p->name = copy;
    p->err = err;
    const void *data = gmx_input_data(input);
    size_t len = gmx_input_size(input);
    gmx_code rc;
    if (len == 0) {
        rc = gmx_error_set_at_offset(err, GMX_EFORMAT, p->name, 0, "empty profile");
    } else {
        gmx_profile_presize(p, data, len);
        rc = gmx_pprof_parse(p->name, data, len, on_event, p, err);
        /* The callbacks say only GMX_ENOMEM; err may hold a stale message
         * of the caller's from an earlier attempt at the same bytes. */
        if (rc == GMX_ENOMEM)
            gmx_error_set(err, GMX_ENOMEM, "out of memory reading %s", p->name);
    }
    gmx_input_free(p->input);
    p->input = NULL;
    if (rc == GMX_OK)
        rc = gmx_profile_resolve(p, err);
    if (rc == GMX_OK)
        rc = gmx_profile_prune(p, err);
    p->err = NULL;
    if (rc != GMX_OK) {
        gmx_profile_free(p);
        return rc;
    }
    *out = p;
    return GMX_OK;
}

void gmx_profile_trim_heap(void)
{
    gmx_heap_trim();
}

void gmx_profile_free(gmx_profile *p)
{
    if (!p)
        return;
    void *owned[] = { p->strbuf, p->str_off, p->raw_sample_types, p->sample_types,
                      p->mappings, p->raw_mappings, p->functions, p->locations,
                      p->loc_mapping_wide, p->lines, p->line_function_wide, p->sbuf,
                      p->samples, p->raw_comments, p->comments, p->name_function, p->loc_prune,
                      p->name };
    for (size_t i = 0; i < sizeof(owned) / sizeof(owned[0]); i++)
        gmx_free(owned[i]);
    gmx_profile_drop_offsets(p);
    gmx_arena_release(&p->symbols);
    gmx_idmap_release(&p->location_ids);
    gmx_idmap_release(&p->function_ids);
    gmx_idmap_release(&p->mapping_ids);
    gmx_input_free(p->input);
    gmx_free(p);
}

const char *gmx_profile_name(const gmx_profile *p) { return p->name; }
const gmx_profile_info *gmx_profile_get_info(const gmx_profile *p) { return &p->info; }
size_t gmx_profile_mapping_count(const gmx_profile *p) { return p->nmappings; }
const gmx_pmapping *gmx_profile_mapping(const gmx_profile *p, size_t i) { return &p->mappings[i]; }
size_t gmx_profile_function_count(const gmx_profile *p) { return p->nfunctions; }
size_t gmx_profile_location_count(const gmx_profile *p) { return p->nlocations; }
size_t gmx_profile_sample_count(const gmx_profile *p) { return p->nsamples; }
size_t gmx_profile_name_count(const gmx_profile *p) { return p->nnames; }

gmx_str gmx_profile_name_at(const gmx_profile *p, uint32_t id)
{
    return p->functions[p->name_function[id]].name;
}

const gmx_pfunction *gmx_profile_function(const gmx_profile *p, size_t i)
{
    return &p->functions[i];
}

const gmx_plocation *gmx_profile_location(const gmx_profile *p, size_t i)
{
    return &p->locations[i];
}

static bool parse_index(const char *s, long *out)
{
    char *end;
    if (!*s || *s == '-' || *s == '+')
        return false;
    *out = strtol(s, &end, 10);
    return *end == '\0';
}

int gmx_profile_sample_index(const gmx_profile *p, const char *name)
{
    size_t n = p->info.nsample_types;
    if (n == 0)
        return -1;
    if (!name || !*name) {
        for (size_t i = 0; p->info.default_sample_type.n && i < n; i++)
            if (gmx_str_eq(p->info.sample_types[i].type, p->info.default_sample_type))
                return (int)i;
        return (int)n - 1;
    }
    long idx;
    if (parse_index(name, &idx))
        return idx >= 0 && (size_t)idx < n ? (int)idx : -1;
    gmx_str want = { name, strlen(name) };
    gmx_str no_inuse = want;
    if (want.n >= 6 && memcmp(want.p, "inuse_", 6) == 0)
        no_inuse = (gmx_str){ want.p + 6, want.n - 6 };
    for (size_t i = 0; i < n; i++)
        if (gmx_str_eq(p->info.sample_types[i].type, want) ||
            gmx_str_eq(p->info.sample_types[i].type, no_inuse))
            return (int)i;
    return -1;
}
