/* The profile model: collects the decoder's events into tables (raw ids and
 * string indexes kept beside them until the string table has been seen),
 * then resolves them (profile_resolve.c). Samples are not copied: only
 * where their bytes are. */
#include "model/profile_impl.h"
#include "util/alloc.h"
#include "util/pbwire.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>

#define GROW(p, arr, cap, n) gmx_array_reserve((void **)&(p)->arr, &(p)->cap, (p)->n, sizeof(*(p)->arr))

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
    p->raw_mappings[p->nmappings++] = (raw_mapping){ ev->mapping.filename, ev->mapping.build_id };
    return 0;
}

static int add_function(gmx_profile *p, const gmx_pprof_event *ev)
{
    size_t cap = p->functions_cap;
    if (GROW(p, functions, functions_cap, nfunctions) < 0 ||
        gmx_array_reserve((void **)&p->raw_functions, &cap, p->nfunctions,
                         sizeof(*p->raw_functions)) < 0)
        return -1;
    gmx_pfunction *f = &p->functions[p->nfunctions];
    memset(f, 0, sizeof(*f));
    f->id = ev->function.id;
    f->start_line = ev->function.start_line;
    f->offset = ev->offset;
    p->raw_functions[p->nfunctions++] =
        (raw_function){ ev->function.name, ev->function.system_name, ev->function.filename };
    return 0;
}

static int add_location(gmx_profile *p, const gmx_pprof_event *ev)
{
    size_t cap1 = p->locations_cap, cap2 = p->locations_cap;
    if (GROW(p, locations, locations_cap, nlocations) < 0 ||
        gmx_array_reserve((void **)&p->loc_first_line, &cap1, p->nlocations,
                         sizeof(*p->loc_first_line)) < 0 ||
        gmx_array_reserve((void **)&p->loc_mapping_id, &cap2, p->nlocations,
                         sizeof(*p->loc_mapping_id)) < 0)
        return -1;
    if (p->nlines + ev->location.nlines > UINT32_MAX)
        return -1;
    for (size_t i = 0; i < ev->location.nlines; i++) {
        size_t cap = p->lines_cap;
        if (GROW(p, lines, lines_cap, nlines) < 0 ||
            gmx_array_reserve((void **)&p->line_function_id, &cap, p->nlines,
                             sizeof(*p->line_function_id)) < 0)
            return -1;
        const gmx_pprof_line_raw *ln = &ev->location.lines[i];
        p->lines[p->nlines] = (gmx_pline){ GMX_PNONE, ln->line, ln->column };
        p->line_function_id[p->nlines++] = ln->function_id;
    }
    gmx_plocation *l = &p->locations[p->nlocations];
    memset(l, 0, sizeof(*l));
    l->id = ev->location.id;
    l->address = ev->location.address;
    l->nlines = (uint32_t)ev->location.nlines;
    l->is_folded = ev->location.is_folded;
    l->offset = ev->offset;
    p->loc_first_line[p->nlocations] = (uint32_t)(p->nlines - ev->location.nlines);
    p->loc_mapping_id[p->nlocations++] = ev->location.mapping_id;
    return 0;
}

static int add_sample(gmx_profile *p, const gmx_pprof_event *ev)
{
    if (GROW(p, samples, samples_cap, nsamples) < 0 || ev->msg_len > UINT32_MAX)
        return -1;
    const char *base = gmx_input_data(p->input);
    p->samples[p->nsamples++] =
        (sample_ref){ (uint64_t)((const char *)ev->msg - base), (uint32_t)ev->msg_len };
    if (ev->sample.nlocations > p->max_sample_locations)
        p->max_sample_locations = ev->sample.nlocations;
    if (ev->sample.nlabels > p->max_sample_labels)
        p->max_sample_labels = ev->sample.nlabels;
    return 0;
}

static int add_scalar(gmx_profile *p, const gmx_pprof_event *ev)
{
    switch (ev->kind) {
    case GMX_PPROF_STRING:
        if (GROW(p, strings, strings_cap, nstrings) < 0)
            return -1;
        p->strings[p->nstrings++] = ev->string;
        return 0;
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
    gmx_pb r;
    gmx_pb_init(&r, data, len);
    while (!gmx_pb_eof(&r)) {
        uint32_t num;
        int wt;
        if (gmx_pb_key(&r, &num, &wt) != GMX_PB_OK || gmx_pb_skip(&r, wt) != GMX_PB_OK)
            break;
        if (num < sizeof(count) / sizeof(count[0]))
            count[num]++;
    }
    struct { void **arr; size_t *cap; size_t n, elem; } t[] = {
        { (void **)&p->samples, &p->samples_cap, count[GMX_PPROF_SAMPLE], sizeof(*p->samples) },
        { (void **)&p->strings, &p->strings_cap, count[GMX_PPROF_STRING], sizeof(*p->strings) },
        { (void **)&p->locations, &p->locations_cap, count[GMX_PPROF_LOCATION],
          sizeof(*p->locations) },
        { (void **)&p->functions, &p->functions_cap, count[GMX_PPROF_FUNCTION],
          sizeof(*p->functions) },
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        void *a = t[i].n ? gmx_mallocarray(t[i].n, t[i].elem) : NULL;
        if (a) {
            *t[i].arr = a;
            *t[i].cap = t[i].n;
        }
    }
    /* Parallel arrays follow their table's capacity. */
    p->loc_first_line = gmx_mallocarray(p->locations_cap + 1, sizeof(*p->loc_first_line));
    p->loc_mapping_id = gmx_mallocarray(p->locations_cap + 1, sizeof(*p->loc_mapping_id));
    p->raw_functions = gmx_mallocarray(p->functions_cap + 1, sizeof(*p->raw_functions));
    if (!p->loc_first_line || !p->loc_mapping_id || !p->raw_functions) {
        gmx_free(p->loc_first_line);
        gmx_free(p->loc_mapping_id);
        gmx_free(p->raw_functions);
        p->loc_first_line = NULL;
        p->loc_mapping_id = NULL;
        p->raw_functions = NULL;
        gmx_free(p->locations);
        gmx_free(p->functions);
        p->locations = NULL;
        p->functions = NULL;
        p->locations_cap = p->functions_cap = 0;
    }
}

static int on_event(void *ctx, const gmx_pprof_event *ev)
{
    gmx_profile *p = ctx;
    int rc;
    switch (ev->kind) {
    case GMX_PPROF_SAMPLE_TYPE:
    case GMX_PPROF_PERIOD_TYPE: rc = add_value_type(p, ev); break;
    case GMX_PPROF_SAMPLE: rc = add_sample(p, ev); break;
    case GMX_PPROF_MAPPING: rc = add_mapping(p, ev); break;
    case GMX_PPROF_LOCATION: rc = add_location(p, ev); break;
    case GMX_PPROF_FUNCTION: rc = add_function(p, ev); break;
    default: rc = add_scalar(p, ev); break;
    }
    return rc < 0 ? GMX_ENOMEM : GMX_OK;
}

gmx_code gmx_profile_decode(gmx_input *input, gmx_profile **out, gmx_error *err)
{
    *out = NULL;
    gmx_profile *p = gmx_calloc(1, sizeof(*p));
    if (!p) {
        gmx_input_free(input);
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    }
    p->input = input;
    p->name = gmx_input_name(input);
    const void *data = gmx_input_data(input);
    size_t len = gmx_input_size(input);
    gmx_code rc;
    if (len == 0) {
        rc = gmx_error_set(err, GMX_EFORMAT, "empty profile");
        gmx_error_at_offset(err, p->name, 0);
    } else {
        gmx_profile_presize(p, data, len);
        rc = gmx_pprof_parse(p->name, data, len, on_event, p, err);
        if (rc == GMX_ENOMEM && err && !err->message[0])
            gmx_error_set(err, GMX_ENOMEM, "out of memory reading %s", p->name);
    }
    if (rc == GMX_OK)
        rc = gmx_profile_resolve(p, err);
    if (rc != GMX_OK) {
        gmx_profile_free(p);
        return rc;
    }
    *out = p;
    return GMX_OK;
}

void gmx_profile_free(gmx_profile *p)
{
    if (!p)
        return;
    void *owned[] = { p->strings, p->raw_sample_types, p->sample_types, p->mappings,
                      p->raw_mappings, p->functions, p->raw_functions, p->locations,
                      p->loc_first_line, p->loc_mapping_id, p->lines, p->line_function_id,
                      p->samples, p->raw_comments, p->comments, p->names };
    for (size_t i = 0; i < sizeof(owned) / sizeof(owned[0]); i++)
        gmx_free(owned[i]);
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
gmx_str gmx_profile_name_at(const gmx_profile *p, uint32_t id) { return p->names[id]; }

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
