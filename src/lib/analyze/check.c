/* gomemdx check: the goroutine analysis over {before, after}, keeping only
 * the buckets that appeared or grew and are neither healthy nor ignored. */
#include "gomemdx/check.h"
#include "analyze/frames.h"
#include "util/alloc.h"
#include "util/regex.h"

#include <stdio.h>
#include <string.h>

typedef struct filter {
    regex_t *res;
    size_t nres;
    gmx_buf scratch;      /* a function name, NUL-terminated for the regexes */
    uint64_t min_growth;
} filter;

static bool matches(filter *flt, gmx_str func)
{
    for (size_t i = 0; i < flt->nres; i++)
        if (gmx_regex_match(&flt->res[i], func, &flt->scratch))
            return true;
    return false;
}

static bool ignored(filter *flt, const gmx_gbucket *b)
{
    for (uint32_t i = 0; i < b->nframes; i++)
        if (matches(flt, b->frames[i].func))
            return true;
    return b->has_creator && matches(flt, b->creator.func);
}

/* A goroutine of the runtime or the standard library started by them
 * (an HTTP transport's dial, a connection's background read, a timer's
 * callback): transient, there or not depending on timing. goleak's
 * defaults leave such goroutines out; so does the gate. */
static bool background(const gmx_gbucket *b)
{
    gmx_goroot root = { { 0 }, 0 };
    for (uint32_t i = 0; i < b->nframes && !gmx_goroot_learn(&root, &b->frames[i]); i++)
        ;
    if (!b->nframes)
        return false;
    for (uint32_t i = 0; i < b->nframes; i++)
        if (!gmx_frame_is_std(&root, &b->frames[i]))
            return false;
    return !b->has_creator || gmx_frame_is_std(&root, &b->creator);
}

static bool grew(void *ctx, const gmx_finding *fd)
{
    filter *flt = ctx;
    if (fd->healthy || !fd->bucket || fd->nseries != 2 || background(fd->bucket))
        return false;
    if (fd->series[1] < fd->series[0] + flt->min_growth)
        return false;
    return !ignored(flt, fd->bucket);
}

gmx_code gmx_check_goroutines(const gmx_gsnapshot *before, const gmx_gsnapshot *after,
                              const gmx_check_options *opts, gmx_findings *out,
                              gmx_error *err)
{
    static const gmx_check_options defaults;
    if (!opts)
        opts = &defaults;
    filter flt = { .min_growth = opts->min_growth ? opts->min_growth : 1 };
    gmx_buf_init(&flt.scratch, 0);
    if (opts->nignore) {
        flt.res = gmx_calloc(opts->nignore, sizeof(*flt.res));
        if (!flt.res)
            return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    }
    gmx_code rc = GMX_OK;
    for (; flt.nres < opts->nignore; flt.nres++) {
        if (gmx_regex_compile(&flt.res[flt.nres], opts->ignore[flt.nres], NULL, 0) != 0) {
            rc = gmx_error_set(err, GMX_EUSAGE, "--ignore '%s' is not a valid regular expression",
                               opts->ignore[flt.nres]);
            break;
        }
    }
    if (rc == GMX_OK) {
        gmx_gsnapshot pair[2] = { *before, *after };
        gmx_goroutine_options gopts = { .include_healthy = true, .signatures = opts->signatures };
        rc = gmx_analyze_goroutines(pair, 2, &gopts, out, err);
    }
    if (rc == GMX_OK)
        gmx_findings_retain(out, grew, &flt);
    for (size_t i = 0; i < flt.nres; i++)
        regfree(&flt.res[i]);
    gmx_free(flt.res);
    gmx_buf_release(&flt.scratch);
    return rc;
}
