/* The HTML report: one self-contained page (inline style and script under
 * a strict Content-Security-Policy, no network) that shows a report as
 * pictures: the actions and findings first, flame graphs of goroutines and
 * of the heap, growth charts with the change and the OOM forecast, the
 * escape table, and the files read. Everything from the input travels as
 * JSON data the page's script inserts as text; nothing from the input can
 * run or load. */
#ifndef GOMEMDX_HTML_H
#define GOMEMDX_HTML_H

#include <stddef.h>

#include "gomemdx/analyze.h"
#include "gomemdx/error.h"
#include "gomemdx/findings.h"
#include "gomemdx/heap.h"
#include "gomemdx/ptop.h"
#include "gomemdx/report.h"

struct gmx_diagnosis;

/* The page of a diagnosis (gomemdx diagnose): the JSON report, the
 * goroutine flame graph of the bundle's last goroutine snapshot, the heap
 * flame graph of its last heap profile (the growth since its first when
 * there are several), the series and forecast. */
gmx_code gmx_render_diagnosis_html(const struct gmx_diagnosis *d, const gmx_render_options *opts,
                                   char **out, size_t *len, gmx_error *err);

/* The page of gomemdx goroutines: findings and the flame graph of the last
 * of snaps (oldest first). */
gmx_code gmx_render_goroutines_html(const gmx_findings *f, const gmx_gsnapshot *snaps, size_t n,
                                    const gmx_render_options *opts, char **out, size_t *len,
                                    gmx_error *err);

/* The page of gomemdx top: the table and the flame graph of t's profile at
 * its sample index, minus base (t's --base) when given. */
gmx_code gmx_render_ptop_html(const gmx_ptop *t, const gmx_profile *base, char **out,
                              size_t *len, gmx_error *err);

/* Building a page of one's own (a command to come, e.g. core): the command
 * name, the report document (any JSON object a renderer wrote: findings,
 * "series", "change", "forecast", "actions", "escapes", "inputs" and "rows"
 * are drawn when present) and flame graphs from the models. */
typedef struct gmx_html gmx_html;

gmx_html *gmx_html_new(const char *command);
void gmx_html_free(gmx_html *h);
/* The report document; copied. */
gmx_code gmx_html_set_report(gmx_html *h, const char *json, size_t len, gmx_error *err);
/* The goroutine flame graph of set, the buckets f names marked (f may be NULL). */
gmx_code gmx_html_add_goroutines(gmx_html *h, const gmx_gbuckets *set, const gmx_findings *f,
                                 gmx_error *err);
/* The heap flame graph: last's in-use bytes, or its growth since first. */
gmx_code gmx_html_add_heap(gmx_html *h, const gmx_hsnapshot *first, const gmx_hsnapshot *last,
                           gmx_error *err);
/* The flame graph of a pprof profile at sample_index, minus base. */
gmx_code gmx_html_add_profile(gmx_html *h, const gmx_profile *p, const gmx_profile *base,
                              int sample_index, gmx_error *err);
/* A live page (watch --listen) reloads itself every seconds; 0 = never. */
void gmx_html_set_refresh(gmx_html *h, unsigned seconds);
/* The whole document into a new string (gmx_render_free). */
gmx_code gmx_html_render(const gmx_html *h, char **out, size_t *len, gmx_error *err);

#endif
