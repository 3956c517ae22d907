#include "watch_page.h"

#include <stdio.h>

#include "diagnose_store.h"
#include "gomemdx/bundle.h"
#include "gomemdx/diagnose.h"
#include "gomemdx/html.h"

static gmx_code waiting_page(const watch_page *p, char **page, size_t *len, gmx_error *err)
{
    gmx_html *h = gmx_html_new("watch");
    if (!h)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    char json[256];
    int n = snprintf(json, sizeof(json),
                     "{\"summary\": \"No capture stored yet. This page reloads every %u s and "
                     "shows the diagnosis once a rule captures evidence.\"}",
                     p->refresh_seconds);
    gmx_html_set_refresh(h, p->refresh_seconds);
    gmx_code rc = gmx_html_set_report(h, json, (size_t)n, err);
    if (rc == GMX_OK)
        rc = gmx_html_render(h, page, len, err);
    gmx_html_free(h);
    return rc;
}

gmx_code watch_page_render(void *ctx, char **page, size_t *len, gmx_error *err)
{
    const watch_page *p = ctx;
    store_history h;
    gmx_code rc = store_history_load(p->store_path, p->target, &h, err);
    if (rc != GMX_OK)
        return rc;
    if (!h.ncaptures) {
        rc = waiting_page(p, page, len, err);
        store_history_release(&h);
        return rc;
    }
    gmx_bundle_options bo = { .buffers = h.captures.buffers, .nbuffers = h.captures.n };
    gmx_diagnose_options o = { 0 };
    o.limit_bytes = p->limit_bytes;
    o.history = h.samples;
    o.nhistory = h.nsamples;
    o.signatures = p->signatures;
    gmx_render_options ro = { 0 };
    ro.refresh_seconds = p->refresh_seconds;
    gmx_bundle *bundle = NULL;
    gmx_diagnosis *d = NULL;
    rc = gmx_bundle_load(NULL, 0, &bo, &bundle, err);
    if (rc == GMX_OK)
        rc = gmx_diagnose(bundle, &o, &d, err);
    if (rc == GMX_OK)
        rc = gmx_render_diagnosis_html(d, &ro, page, len, err);
    gmx_diagnosis_free(d);
    gmx_bundle_free(bundle);
    store_history_release(&h);
    return rc;
}
