/* Scraped bodies into numbers, through the parsers the files go through:
 * the goroutine profile text parser counts goroutines (and refuses a page
 * that is not one), the heap text parser reads the MemStats trailer, the
 * metrics parsers read /debug/vars and /metrics. */
#include "gomemdx/goroutine.h"
#include "gomemdx/heaptext.h"
#include "gomemdx/scrape.h"

static int count_nothing(void *ctx, const gmx_goroutine *g)
{
    (void)ctx;
    (void)g;
    return 0;
}

gmx_code gmx_scrape_goroutines(const char *body, size_t len, uint64_t *count, gmx_error *err)
{
    gmx_dump_info info;
    gmx_code rc = gmx_goroutine_profile_text_parse("goroutine?debug=1", body, len, count_nothing,
                                                   NULL, &info, err);
    if (rc != GMX_OK)
        return rc;
    *count = info.goroutines;
    return GMX_OK;
}

gmx_code gmx_scrape_memstats(const char *body, size_t len, gmx_memstats *out, gmx_error *err)
{
    /* Sites are not kept: the trailer is all a sample needs, and a one-site
     * cap keeps memory flat however many stacks the service has. */
    gmx_hsnapshot *h = gmx_hsnapshot_new(1);
    if (!h)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory reading a heap profile");
    gmx_code rc = gmx_heaptext_parse("heap?debug=1", body, len, h, err);
    if (rc == GMX_OK) {
        *out = gmx_hsnapshot_get_info(h)->memstats;
        if (!out->present)
            rc = gmx_error_set(err, GMX_EFORMAT, "heap?debug=1: no runtime.MemStats trailer");
    }
    gmx_hsnapshot_free(h);
    return rc;
}

gmx_code gmx_scrape_metrics(const char *body, size_t len, gmx_msample *out, gmx_error *err)
{
    if (gmx_metrics_expvar_sniff(body, len))
        return gmx_metrics_expvar_parse("debug/vars", body, len, out, err);
    if (gmx_metrics_prom_sniff(body, len))
        return gmx_metrics_prom_parse("metrics", body, len, out, err);
    return gmx_error_set(err, GMX_EFORMAT,
                         "metrics page is neither /debug/vars JSON nor Prometheus text");
}
