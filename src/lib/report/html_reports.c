/* The HTML pages of diagnose, goroutines and top: each command's JSON
 * report as the page's report document, plus the flame graphs of the
 * snapshots behind it. */
#include "gomemdx/diagnose.h"
#include "gomemdx/html.h"

/* The report document into the page, then the page into *out. */
static gmx_code finish(gmx_html *h, gmx_code rc, char *json, size_t json_len, char **out,
                       size_t *len, gmx_error *err)
{
    if (rc == GMX_OK)
        rc = gmx_html_set_report(h, json, json_len, err);
    gmx_render_free(json);
    if (rc == GMX_OK)
        rc = gmx_html_render(h, out, len, err);
    gmx_html_free(h);
    return rc;
}

/* A page is for reading: the most suspicious findings, the rest counted. */
enum { PAGE_MAX_FINDINGS = 100 };

static gmx_render_options page_options(const gmx_render_options *opts)
{
    gmx_render_options o = { 0 };
    if (opts)
        o = *opts;
    o.max_findings = PAGE_MAX_FINDINGS;
    return o;
}

static gmx_code no_memory(gmx_error *err)
{
    return gmx_error_set(err, GMX_ENOMEM, "out of memory rendering HTML");
}

gmx_code gmx_render_diagnosis_html(const gmx_diagnosis *d, const gmx_render_options *opts,
                                   char **out, size_t *len, gmx_error *err)
{
    gmx_html *h = gmx_html_new("diagnose");
    if (!h)
        return no_memory(err);
    gmx_html_set_refresh(h, opts ? opts->refresh_seconds : 0);
    char *json = NULL;
    size_t json_len = 0;
    gmx_render_options o = page_options(opts);
    gmx_code rc = gmx_render_diagnosis_json(d, &o, &json, &json_len, err);
    if (rc == GMX_OK && d->last_goroutines)
        rc = gmx_html_add_goroutines(h, d->last_goroutines, d->findings, err);
    if (rc == GMX_OK && d->last_heap)
        rc = gmx_html_add_heap(h, d->first_heap, d->last_heap, err);
    return finish(h, rc, json, json_len, out, len, err);
}

gmx_code gmx_render_goroutines_html(const gmx_findings *f, const gmx_gsnapshot *snaps, size_t n,
                                    const gmx_render_options *opts, char **out, size_t *len,
                                    gmx_error *err)
{
    gmx_html *h = gmx_html_new("goroutines");
    if (!h)
        return no_memory(err);
    char *json = NULL;
    size_t json_len = 0;
    gmx_render_options o = page_options(opts);
    gmx_code rc = gmx_render_json(f, &o, &json, &json_len, err);
    if (rc == GMX_OK && n)
        rc = gmx_html_add_goroutines(h, snaps[n - 1].buckets, f, err);
    return finish(h, rc, json, json_len, out, len, err);
}

gmx_code gmx_render_ptop_html(const gmx_ptop *t, const gmx_profile *base, char **out,
                              size_t *len, gmx_error *err)
{
    gmx_html *h = gmx_html_new("top");
    if (!h)
        return no_memory(err);
    char *json = NULL;
    size_t json_len = 0;
    gmx_code rc = gmx_render_ptop_json(t, &json, &json_len, err);
    if (rc == GMX_OK)
        rc = gmx_html_add_profile(h, t->profile, base, t->sample_index, err);
    return finish(h, rc, json, json_len, out, len, err);
}
