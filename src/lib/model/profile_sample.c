/* The sample stream: each Sample is re-encoded as it is parsed, compactly,
 * and decoded again on each read.
 *
 *   nvalues, then each value; nlocations, then each location id as the
 *   zigzag delta from the one before (Go numbers new locations in order, so
 *   most deltas take a byte); nlabels, then key, str, num, num_unit of each.
 *
 * All varints. The stream is written here and never comes from input, so
 * reading it needs no bounds checks; what input decides (ids, string
 * indexes, value counts) is checked once, when the profile is built, by
 * the same reader. */
#include "model/profile_impl.h"
#include "util/alloc.h"

#include <string.h>

static uint8_t *put(uint8_t *o, uint64_t v)
{
    while (v >= 0x80) {
        *o++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *o++ = (uint8_t)v;
    return o;
}

static inline uint64_t get(const uint8_t **pp)
{
    const uint8_t *p = *pp;
    uint64_t x = *p++;
    if (x >= 0x80) {
        x &= 0x7f;
        unsigned shift = 7;
        uint8_t b;
        do {
            b = *p++;
            x |= (uint64_t)(b & 0x7f) << shift;
            shift += 7;
        } while (b >= 0x80);
    }
    *pp = p;
    return x;
}

int gmx_profile_add_sample(gmx_profile *p, const gmx_pprof_sample_raw *s, uint64_t offset)
{
    if (p->nsamples >= p->samples_cap &&
        gmx_array_reserve((void **)&p->samples, &p->samples_cap, p->nsamples,
                          sizeof(*p->samples)) < 0)
        return -1;
    size_t worst = 30 + 10 * (s->nlocations + s->nvalues + 4 * s->nlabels);
    if (p->sbuf_len + worst > p->sbuf_cap) {
        size_t cap = p->sbuf_cap ? p->sbuf_cap : 4096;
        while (cap < p->sbuf_len + worst)
            cap *= 2;
        uint8_t *b = gmx_realloc(p->sbuf, cap);
        if (!b)
            return -1;
        p->sbuf = b;
        p->sbuf_cap = cap;
    }
    uint8_t *o = p->sbuf + p->sbuf_len;
    o = put(o, s->nvalues);
    for (size_t i = 0; i < s->nvalues; i++)
        o = put(o, (uint64_t)s->values[i]);
    o = put(o, s->nlocations);
    uint64_t prev = 0;
    for (size_t i = 0; i < s->nlocations; i++) {
        uint64_t id = s->location_ids[i], d = id - prev;
        o = put(o, (d << 1) ^ (uint64_t)-(int64_t)(d >> 63)); /* zigzag of the signed delta */
        prev = id;
    }
    o = put(o, s->nlabels);
    for (size_t i = 0; i < s->nlabels; i++) {
        const gmx_pprof_label_raw *l = &s->labels[i];
        o = put(put(put(put(o, (uint64_t)l->key), (uint64_t)l->str), (uint64_t)l->num),
                (uint64_t)l->num_unit);
    }
    p->samples[p->nsamples++] = (sample_ref){ offset, p->sbuf_len };
    p->sbuf_len = (size_t)(o - p->sbuf);
    return 0;
}

void gmx_psample_reader_init(gmx_psample_reader *r, const gmx_profile *p)
{
    memset(r, 0, sizeof(*r));
    r->profile = p;
}

void gmx_psample_reader_release(gmx_psample_reader *r)
{
    gmx_free(r->locations);
    gmx_free(r->values);
    gmx_free(r->labels);
    memset(r, 0, sizeof(*r));
}

static gmx_code fail_at(const gmx_profile *p, uint64_t offset, gmx_error *err)
{
    return gmx_error_at_offset(err, GMX_EFORMAT, p->name, offset);
}

static int room(void **arr, size_t *cap, size_t n, size_t elem)
{
    if (n <= *cap)
        return 0;
    gmx_free(*arr);
    *arr = gmx_mallocarray(n, elem);
    *cap = *arr ? n : 0;
    return *arr ? 0 : -1;
}

static gmx_code label_string(const gmx_profile *p, uint64_t x, gmx_str *out, uint64_t offset,
                             gmx_error *err)
{
    if (x >= p->nstrings) {
        gmx_error_set(err, GMX_EFORMAT, "sample label: string index %lld out of range (%zu strings)",
                      (long long)x, p->nstrings);
        return fail_at(p, offset, err);
    }
    *out = gmx_profile_string(p, (size_t)x);
    return GMX_OK;
}

static gmx_code read_labels(gmx_psample_reader *r, const uint8_t *in, gmx_psample *out,
                            gmx_error *err)
{
    const gmx_profile *p = r->profile;
    size_t n = (size_t)get(&in);
    if (room((void **)&r->labels, &r->labels_cap, n, sizeof(*r->labels)) < 0)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory reading samples");
    for (size_t i = 0; i < n; i++) {
        uint64_t key = get(&in), str = get(&in);
        int64_t num = (int64_t)get(&in);
        uint64_t unit = get(&in);
        gmx_plabel *o = &r->labels[i];
        memset(o, 0, sizeof(*o));
        gmx_code rc = label_string(p, key, &o->key, out->offset, err);
        if (rc == GMX_OK)
            rc = label_string(p, str, &o->str, out->offset, err);
        if (rc == GMX_OK)
            rc = label_string(p, unit, &o->num_unit, out->offset, err);
        if (rc != GMX_OK)
            return rc;
        o->num = num;
        /* pprof: a label with a string is a string label, else numeric if
         * it has a number or a unit, else nothing. */
        o->is_num = str == 0 && (num != 0 || unit != 0);
    }
    out->labels = r->labels;
    out->nlabels = (uint32_t)n;
    return GMX_OK;
}

gmx_code gmx_psample_read(gmx_psample_reader *r, size_t i, gmx_psample *out, gmx_error *err)
{
    const gmx_profile *p = r->profile;
    const sample_ref *ref = &p->samples[i];
    const uint8_t *in = p->sbuf + ref->pos;
    memset(out, 0, sizeof(*out));
    out->offset = ref->offset;
    size_t nv = (size_t)get(&in);
    if (nv != p->nsample_types) {
        gmx_error_set(err, GMX_EFORMAT, "sample has %zu values for %zu sample types", nv,
                      p->nsample_types);
        return fail_at(p, ref->offset, err);
    }
    if (room((void **)&r->values, &r->values_cap, nv, sizeof(*r->values)) < 0)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory reading samples");
    for (size_t k = 0; k < nv; k++)
        r->values[k] = (int64_t)get(&in);
    out->values = r->values;
    size_t n = (size_t)get(&in);
    if (room((void **)&r->locations, &r->locations_cap, n, sizeof(*r->locations)) < 0)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory reading samples");
    uint64_t id = 0;
    for (size_t k = 0; k < n; k++) {
        uint64_t z = get(&in);
        id += (z >> 1) ^ (uint64_t)-(int64_t)(z & 1);
        uint32_t ix = gmx_idmap_find(&p->location_ids, id);
        if (ix == GMX_PNONE) {
            gmx_error_set(err, GMX_EFORMAT, "sample: unknown location id %llu",
                          (unsigned long long)id);
            return fail_at(p, ref->offset, err);
        }
        r->locations[k] = ix;
    }
    uint32_t cut = p->loc_prune ? gmx_profile_prune_cut(p, r->locations, (uint32_t)n) : 0;
    out->locations = cut ? r->locations + cut : r->locations; /* NULL when n == 0 */
    out->nlocations = (uint32_t)n - cut;
    return read_labels(r, in, out, err);
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
