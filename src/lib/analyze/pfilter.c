/* --focus / --ignore: pprof's FilterSamplesByName on function names, file
 * names and mapping files, with POSIX extended regexes (unanchored, like
 * Go's MatchString). Each function and mapping is matched once. */
#include "analyze/ptop_internal.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/regex.h"

#include <stdio.h>
#include <string.h>

/* Per function and per mapping: bit 0 matches focus, bit 1 matches ignore. */
static int match_tables(const gmx_profile *p, const regex_t *focus, const regex_t *ignore,
                        uint8_t **fmatch, uint8_t **mmatch)
{
    size_t nf = gmx_profile_function_count(p), nm = gmx_profile_mapping_count(p);
    *fmatch = gmx_calloc(nf + 1, 1);
    *mmatch = gmx_calloc(nm + 1, 1);
    gmx_buf tmp;
    gmx_buf_init(&tmp, 0);
    if (!*fmatch || !*mmatch)
        return -1;
    const regex_t *res[2] = { focus, ignore };
    for (int b = 0; b < 2; b++) {
        if (!res[b])
            continue;
        for (size_t i = 0; i < nf; i++) {
            const gmx_pfunction *f = gmx_profile_function(p, i);
            if (gmx_regex_match(res[b], f->name, &tmp) ||
                gmx_regex_match(res[b], f->filename, &tmp))
                (*fmatch)[i] |= (uint8_t)(1 << b);
        }
        for (size_t i = 0; i < nm; i++)
            if (gmx_regex_match(res[b], gmx_profile_mapping(p, i)->filename, &tmp))
                (*mmatch)[i] |= (uint8_t)(1 << b);
    }
    int failed = tmp.failed;
    gmx_buf_release(&tmp);
    return failed ? -1 : 0;
}

static uint8_t location_match(const gmx_plocation *l, const uint8_t *fmatch,
                              const uint8_t *mmatch)
{
    uint8_t m = l->mapping != GMX_PNONE ? mmatch[l->mapping] : 0;
    for (uint32_t k = 0; k < l->nlines; k++)
        m |= fmatch[l->lines[k].function];
    return m;
}

int gmx_ptop_build_filter(pg_locmap *m, const regex_t *focus, const regex_t *ignore)
{
    const gmx_profile *p = m->profile;
    uint8_t *fmatch = NULL, *mmatch = NULL;
    size_t nloc = gmx_profile_location_count(p);
    int rc = match_tables(p, focus, ignore, &fmatch, &mmatch);
    if (rc == 0 && !(m->filter = gmx_calloc(nloc + 1, 1)))
        rc = -1;
    for (size_t i = 0; rc == 0 && i < nloc; i++) {
        uint8_t bits = location_match(gmx_profile_location(p, i), fmatch, mmatch);
        if (ignore && (bits & 2))
            m->filter[i] = -1;
        else if (!focus || (bits & 1))
            m->filter[i] = 1;
    }
    gmx_free(fmatch);
    gmx_free(mmatch);
    return rc;
}

/* Names the types the profile has, so a wrong guess is fixed at once. */
static gmx_code unknown_sample_index(const gmx_profile *p, const char *sample_index,
                                     gmx_error *err)
{
    const gmx_profile_info *info = gmx_profile_get_info(p);
    char names[160] = "";
    size_t used = 0;
    for (size_t i = 0; i < info->nsample_types && used < sizeof(names); i++) {
        gmx_str t = info->sample_types[i].type;
        int n = snprintf(names + used, sizeof(names) - used, "%s%.*s", i ? ", " : "", (int)t.n,
                         t.p);
        used += n > 0 ? (size_t)n : 0;
    }
    return gmx_error_set_at_line(err, GMX_EUSAGE, gmx_profile_name(p), 0,
                                 "unknown sample index '%s'; this profile has: %s",
                                 sample_index ? sample_index : "(default)",
                                 info->nsample_types ? names : "none");
}

gmx_code gmx_ptop_selection_init(ptop_selection *s, const gmx_profile *p, const char *sample_index,
                             const gmx_profile *base, const char *focus, const char *ignore,
                             gmx_error *err)
{
    memset(s, 0, sizeof(*s));
    s->index = gmx_profile_sample_index(p, sample_index);
    if (s->index < 0)
        return unknown_sample_index(p, sample_index, err);
    gmx_code rc = base ? gmx_ptop_check_base(p, base, err) : GMX_OK;
    if (rc == GMX_OK)
        rc = gmx_ptop_compile_regex(focus, &s->focus, &s->has_focus, "focus", err);
    if (rc == GMX_OK)
        rc = gmx_ptop_compile_regex(ignore, &s->ignore, &s->has_ignore, "ignore", err);
    return rc;
}

gmx_code gmx_ptop_selection_filter(const ptop_selection *s, pg_locmap *m, gmx_error *err)
{
    if (!s->has_focus && !s->has_ignore)
        return GMX_OK;
    if (gmx_ptop_build_filter(m, s->has_focus ? &s->focus : NULL,
                          s->has_ignore ? &s->ignore : NULL) < 0)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory filtering");
    return GMX_OK;
}

void gmx_ptop_selection_release(ptop_selection *s)
{
    if (s->has_focus)
        regfree(&s->focus);
    if (s->has_ignore)
        regfree(&s->ignore);
    s->has_focus = s->has_ignore = false;
}
