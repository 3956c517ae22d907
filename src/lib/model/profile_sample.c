/* Reading samples back: each read decodes the Sample message again from the
 * input and maps its location ids to table indexes and its label string
 * indexes to views. The same path checks every sample once when the
 * profile is built, so later reads cannot fail on input. */
#include "model/profile_impl.h"
#include "util/alloc.h"

#include <string.h>

static uint64_t location_id(const void *ctx, size_t i)
{
    return ((const gmx_profile *)ctx)->locations[i].id;
}

void gmx_psample_reader_init(gmx_psample_reader *r, const gmx_profile *p)
{
    memset(r, 0, sizeof(*r));
    r->profile = p;
}

void gmx_psample_reader_release(gmx_psample_reader *r)
{
    gmx_pprof_scratch_release(&r->scratch);
    gmx_free(r->locations);
    gmx_free(r->labels);
    memset(r, 0, sizeof(*r));
}

static gmx_code fail_at(const gmx_profile *p, uint64_t offset, gmx_error *err)
{
    return gmx_error_at_offset(err, p->name, offset);
}

static gmx_code label_string(const gmx_profile *p, int64_t x, gmx_str *out, uint64_t offset,
                             gmx_error *err)
{
    if (x < 0 || (uint64_t)x >= p->nstrings) {
        gmx_error_set(err, GMX_EFORMAT, "sample label: string index %lld out of range (%zu strings)",
                      (long long)x, p->nstrings);
        return fail_at(p, offset, err);
    }
    *out = p->strings[x];
    return GMX_OK;
}

static gmx_code resolve_labels(gmx_psample_reader *r, const gmx_pprof_sample_raw *raw,
                               gmx_psample *out, gmx_error *err)
{
    const gmx_profile *p = r->profile;
    if (raw->nlabels > r->labels_cap) {
        gmx_free(r->labels);
        r->labels = gmx_mallocarray(raw->nlabels, sizeof(*r->labels));
        r->labels_cap = r->labels ? raw->nlabels : 0;
        if (!r->labels)
            return gmx_error_set(err, GMX_ENOMEM, "out of memory reading samples");
    }
    for (size_t i = 0; i < raw->nlabels; i++) {
        const gmx_pprof_label_raw *l = &raw->labels[i];
        gmx_plabel *o = &r->labels[i];
        memset(o, 0, sizeof(*o));
        gmx_code rc = label_string(p, l->key, &o->key, out->offset, err);
        if (rc == GMX_OK)
            rc = label_string(p, l->str, &o->str, out->offset, err);
        if (rc == GMX_OK)
            rc = label_string(p, l->num_unit, &o->num_unit, out->offset, err);
        if (rc != GMX_OK)
            return rc;
        o->num = l->num;
        /* pprof: a label with a string is a string label, else numeric if
         * it has a number or a unit, else nothing. */
        o->is_num = l->str == 0 && (l->num != 0 || l->num_unit != 0);
    }
    out->labels = r->labels;
    out->nlabels = (uint32_t)raw->nlabels;
    return GMX_OK;
}

static gmx_code resolve_locations(gmx_psample_reader *r, const gmx_pprof_sample_raw *raw,
                                  gmx_psample *out, gmx_error *err)
{
    const gmx_profile *p = r->profile;
    if (raw->nlocations > r->locations_cap) {
        gmx_free(r->locations);
        r->locations = gmx_mallocarray(raw->nlocations, sizeof(*r->locations));
        r->locations_cap = r->locations ? raw->nlocations : 0;
        if (!r->locations)
            return gmx_error_set(err, GMX_ENOMEM, "out of memory reading samples");
    }
    for (size_t i = 0; i < raw->nlocations; i++) {
        uint64_t id = raw->location_ids[i];
        uint32_t ix = gmx_idmap_find(&p->location_ids, id, location_id, p);
        if (ix == GMX_PNONE) {
            gmx_error_set(err, GMX_EFORMAT, "sample: unknown location id %llu",
                          (unsigned long long)id);
            return fail_at(p, out->offset, err);
        }
        r->locations[i] = ix;
    }
    out->locations = r->locations;
    out->nlocations = (uint32_t)raw->nlocations;
    return GMX_OK;
}

gmx_code gmx_psample_read(gmx_psample_reader *r, size_t i, gmx_psample *out, gmx_error *err)
{
    const gmx_profile *p = r->profile;
    const sample_ref *ref = &p->samples[i];
    const char *data = gmx_input_data(p->input);
    gmx_pprof_sample_raw raw;
    memset(out, 0, sizeof(*out));
    out->offset = ref->offset;
    gmx_code rc = gmx_pprof_sample_decode(data + ref->offset, ref->len, ref->offset, &r->scratch,
                                          &raw, err);
    if (rc != GMX_OK)
        return rc;
    if (raw.nvalues != p->nsample_types) {
        gmx_error_set(err, GMX_EFORMAT, "sample has %zu values for %zu sample types",
                      raw.nvalues, p->nsample_types);
        return fail_at(p, ref->offset, err);
    }
    out->values = raw.values;
    rc = resolve_locations(r, &raw, out, err);
    return rc != GMX_OK ? rc : resolve_labels(r, &raw, out, err);
}

gmx_code gmx_profile_check_samples(gmx_profile *p, gmx_error *err)
{
    if (p->nsamples && p->nsample_types == 0) {
        gmx_error_set(err, GMX_EFORMAT, "samples but no sample types");
        return fail_at(p, p->samples[0].offset, err);
    }
    gmx_psample_reader r;
    gmx_psample_reader_init(&r, p);
    gmx_code rc = GMX_OK;
    for (size_t i = 0; rc == GMX_OK && i < p->nsamples; i++) {
        gmx_psample s;
        rc = gmx_psample_read(&r, i, &s, err);
    }
    gmx_psample_reader_release(&r);
    return rc;
}
