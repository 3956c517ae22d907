/* Heap flame graphs: from heap snapshots (what diagnose holds) and from
 * pprof profiles (what top holds), root frame first. */
#include "report/flame_sources.h"

#include "util/alloc.h"

gmx_flame *gmx_flame_of_heap(const gmx_hsnapshot *first, const gmx_hsnapshot *last)
{
    gmx_flame *fl = gmx_flame_new("all in-use bytes", NULL, 0, 0);
    if (!fl)
        return NULL;
    gmx_str names[GMX_MAX_FRAMES];
    for (size_t i = 0; i < gmx_hsnapshot_count(last); i++) {
        const gmx_hsite *s = gmx_hsnapshot_at(last, i);
        int64_t value = s->inuse_bytes;
        if (first) {
            const gmx_hsite *before = gmx_hsnapshot_find(first, s);
            value -= before ? before->inuse_bytes : 0;
        }
        if (value <= 0)
            continue;
        uint32_t n = s->nframes < GMX_MAX_FRAMES ? s->nframes : GMX_MAX_FRAMES;
        for (uint32_t k = 0; k < n; k++)
            names[k] = s->frames[n - 1 - k].func;
        gmx_flame_add(fl, names, n, value, 0, 0, 0);
    }
    if (gmx_flame_failed(fl)) {
        gmx_flame_free(fl);
        return NULL;
    }
    return fl;
}

static const gmx_str unknown = { "(unknown)", 9 };

/* A location without lines (a stripped binary) is one frame of its own. */
static size_t frames_of(const gmx_plocation *loc)
{
    return loc->nlines ? loc->nlines : 1;
}

/* Every sample of p, its value times sign, along its frames: locations leaf
 * first, each location's lines innermost (inlined) first, as pprof unfolds
 * them. */
static gmx_code add_samples(gmx_flame *fl, const gmx_profile *p, int sample_index, int64_t sign,
                            gmx_error *err)
{
    gmx_psample_reader r;
    gmx_psample_reader_init(&r, p);
    gmx_str *names = NULL;
    size_t cap = 0;
    gmx_code rc = GMX_OK;
    for (size_t i = 0; i < gmx_profile_sample_count(p) && rc == GMX_OK; i++) {
        gmx_psample s;
        if ((rc = gmx_psample_read(&r, i, &s, err)) != GMX_OK)
            break;
        size_t n = 0;
        for (uint32_t l = 0; l < s.nlocations; l++)
            n += frames_of(gmx_profile_location(p, s.locations[l]));
        if (n > cap) {
            gmx_str *grown = gmx_reallocarray(names, n, sizeof(*names));
            if (!grown) {
                rc = gmx_error_set(err, GMX_ENOMEM, "out of memory building a flame graph");
                break;
            }
            names = grown;
            cap = n;
        }
        size_t at = n;
        for (uint32_t l = 0; l < s.nlocations; l++) {
            const gmx_plocation *loc = gmx_profile_location(p, s.locations[l]);
            if (!loc->nlines)
                names[--at] = unknown;
            for (uint16_t k = 0; k < loc->nlines; k++) {
                gmx_str name = gmx_profile_function(p, loc->lines[k].function)->name;
                names[--at] = name.n ? name : unknown;
            }
        }
        uint32_t depth = n < GMX_MAX_FRAMES ? (uint32_t)n : GMX_MAX_FRAMES;
        gmx_flame_add(fl, names, depth, sign * s.values[sample_index], 0, 0, 0);
    }
    gmx_free(names);
    gmx_psample_reader_release(&r);
    return rc;
}

gmx_code gmx_flame_of_profile(const gmx_profile *p, const gmx_profile *base, int sample_index,
                              gmx_flame **out, gmx_error *err)
{
    const gmx_profile_info *info = gmx_profile_get_info(p);
    if (sample_index < 0 || (size_t)sample_index >= info->nsample_types)
        return gmx_error_set(err, GMX_EUSAGE, "%s: no sample type %d", gmx_profile_name(p),
                             sample_index);
    gmx_flame *fl = gmx_flame_new("total", NULL, 0, 0);
    if (!fl)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory building a flame graph");
    gmx_code rc = add_samples(fl, p, sample_index, 1, err);
    if (rc == GMX_OK && base)
        rc = add_samples(fl, base, sample_index, -1, err);
    if (rc == GMX_OK && gmx_flame_failed(fl))
        rc = gmx_error_set(err, GMX_ENOMEM, "out of memory building a flame graph");
    if (rc != GMX_OK) {
        gmx_flame_free(fl);
        return rc;
    }
    *out = fl;
    return GMX_OK;
}
