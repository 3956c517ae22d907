/* The diagnose report as JSON: the findings contract ("schema", "inputs",
 * "summary", "findings") plus "notes", "series", "change", "forecast" and
 * "actions". */
#include "gomemdx/diagnose.h"
#include "gomemdx/report.h"
#include "report/core_heap.h"
#include "report/json_finding.h"

#include <math.h>

static const char *time_source_name(gmx_time_source s)
{
    switch (s) {
    case GMX_TIME_PROFILE: return "profile";
    case GMX_TIME_LOG: return "log";
    case GMX_TIME_CAPTURE: return "capture";
    case GMX_TIME_FILE: return "file";
    case GMX_TIME_LAST_GC: return "last_gc";
    case GMX_TIME_NONE: break;
    }
    return "none";
}

/* What put "inputs" in order: artifacts placed by each kind of time, and
 * how many without one came after by name ("by": "time", "name" or
 * "time, then name"; names in natural order, dump-9 before dump-10). */
static void order(gmx_json *j, const gmx_bundle *b)
{
    gmx_bundle_order ord;
    gmx_bundle_order_of(b, &ord);
    size_t untimed = ord.by[GMX_TIME_NONE], timed = 0;
    gmx_json_key(j, "order");
    gmx_json_object_begin(j);
    gmx_json_key(j, "time_sources");
    gmx_json_object_begin(j);
    for (int s = GMX_TIME_PROFILE; s < GMX_TIME_NONE; s++) {
        if (!ord.by[s])
            continue;
        gmx_json_key(j, time_source_name((gmx_time_source)s));
        gmx_json_uint(j, ord.by[s]);
        timed += ord.by[s];
    }
    gmx_json_object_end(j);
    gmx_json_key(j, "untimed_by_name");
    gmx_json_uint(j, untimed);
    gmx_json_key(j, "by");
    gmx_json_cstring(j, !untimed ? "time" : !timed ? "name" : "time, then name");
    gmx_json_object_end(j);
}

static void inputs(gmx_json *j, const gmx_bundle *b)
{
    gmx_json_key(j, "inputs");
    gmx_json_array_begin(j);
    for (size_t i = 0; i < gmx_bundle_count(b); i++) {
        const gmx_artifact *a = gmx_bundle_at(b, i);
        gmx_json_object_begin(j);
        gmx_json_key(j, "name");
        gmx_json_cstring(j, a->path);
        gmx_json_key(j, "kind");
        gmx_json_cstring(j, a->kind == GMX_ART_SKIPPED ? "skipped" : a->format);
        if (a->kind == GMX_ART_SKIPPED) {
            gmx_json_key(j, "reason");
            gmx_json_cstring(j, a->skip_reason);
        }
        if (a->kind != GMX_ART_SKIPPED && a->reading[0]) {
            gmx_json_key(j, "reading");
            gmx_json_cstring(j, a->reading);
        }
        gmx_json_key(j, "time_unix_ns");
        if (a->time_source == GMX_TIME_NONE)
            gmx_json_null(j);
        else
            gmx_json_int(j, a->time_ns);
        gmx_json_key(j, "time_source");
        gmx_json_cstring(j, time_source_name(a->time_source));
        if (a->core_heap) {
            gmx_json_key(j, "heap");
            gmx_core_heap_json(j, a->core_heap);
        } else if (a->core_heap_unread) {
            gmx_json_key(j, "heap_error");
            gmx_json_cstring(j, a->core_heap_unread);
        }
        if (a->noom) {
            gmx_json_key(j, "oom");
            gmx_json_array_begin(j);
            for (size_t k = 0; k < a->noom; k++) {
                gmx_json_object_begin(j);
                gmx_json_key(j, "line");
                gmx_json_uint(j, a->oom[k].line);
                gmx_json_key(j, "text");
                gmx_json_cstring(j, a->oom[k].text);
                if (a->oom[k].time_ns) {
                    gmx_json_key(j, "time_unix_ns");
                    gmx_json_int(j, a->oom[k].time_ns);
                }
                if (a->oom[k].request_bytes) {
                    gmx_json_key(j, "request_bytes");
                    gmx_json_uint(j, a->oom[k].request_bytes);
                    gmx_json_key(j, "inuse_bytes");
                    gmx_json_uint(j, a->oom[k].inuse_bytes);
                }
                gmx_json_object_end(j);
            }
            gmx_json_array_end(j);
        }
        gmx_json_object_end(j);
    }
    gmx_json_array_end(j);
    gmx_json_key(j, "notes");
    gmx_json_array_begin(j);
    for (size_t i = 0; i < gmx_bundle_note_count(b); i++)
        gmx_json_cstring(j, gmx_bundle_note(b, i));
    gmx_json_array_end(j);
    order(j, b);
}

static void series(gmx_json *j, const char *key, const gmx_series *s)
{
    gmx_json_key(j, key);
    gmx_json_array_begin(j);
    for (size_t i = 0; i < s->n; i++) {
        gmx_json_object_begin(j);
        gmx_json_key(j, "time_unix_ns");
        if (s->points[i].time_ns)
            gmx_json_int(j, s->points[i].time_ns);
        else
            gmx_json_null(j);
        gmx_json_key(j, "value");
        gmx_json_double(j, s->points[i].value);
        gmx_json_object_end(j);
    }
    gmx_json_array_end(j);
}

static void change_and_forecast(gmx_json *j, const gmx_diagnosis *d)
{
    gmx_json_key(j, "change");
    gmx_json_object_begin(j);
    gmx_json_key(j, "found");
    gmx_json_bool(j, d->change.found);
    gmx_json_key(j, "from_start");
    gmx_json_bool(j, d->change.from_start);
    if (d->change.found || d->change.from_start) {
        gmx_json_key(j, "series");
        gmx_json_cstring(j, d->change.series);
        gmx_json_key(j, "time_unix_ns");
        gmx_json_int(j, d->change.at_ns);
    }
    if (d->change.event) {
        gmx_json_key(j, "event");
        gmx_json_object_begin(j);
        gmx_json_key(j, "time_unix_ns");
        gmx_json_int(j, d->change.event->time_ns);
        gmx_json_key(j, "kind");
        gmx_json_cstring(j, gmx_event_kind_name(d->change.event->kind));
        gmx_json_key(j, "description");
        gmx_json_string(j, d->change.event->description);
        gmx_json_object_end(j);
    }
    gmx_json_object_end(j);
    const gmx_forecast *f = &d->forecast;
    gmx_json_key(j, "forecast");
    gmx_json_object_begin(j);
    gmx_json_key(j, "available");
    gmx_json_bool(j, f->available);
    if (!f->available) {
        gmx_json_key(j, "why_not");
        gmx_json_cstring(j, f->why_not);
    } else {
        gmx_json_key(j, "series");
        gmx_json_cstring(j, f->series);
        gmx_json_key(j, "limit_bytes");
        gmx_json_uint(j, f->limit_bytes);
        gmx_json_key(j, "current_bytes");
        gmx_json_double(j, f->current_bytes);
        gmx_json_key(j, "bytes_per_second");
        gmx_json_double(j, f->bytes_per_second);
        gmx_json_key(j, "seconds_to_limit");
        gmx_json_double(j, f->seconds_to_limit); /* null when never (infinite) */
        gmx_json_key(j, "growth_stopped");
        gmx_json_bool(j, f->stopped);
        gmx_json_key(j, "last_observation_unix_ns");
        gmx_json_int(j, f->now_ns);
        if (f->seconds_to_limit > 0 && isfinite(f->seconds_to_limit)) {
            gmx_json_key(j, "moment_unix_ns");
            gmx_json_int(j, f->now_ns + (int64_t)(f->seconds_to_limit * 1e9));
        }
        gmx_json_key(j, "window");
        gmx_json_object_begin(j);
        gmx_json_key(j, "from_unix_ns");
        gmx_json_int(j, f->window_from_ns);
        gmx_json_key(j, "to_unix_ns");
        gmx_json_int(j, f->window_to_ns);
        gmx_json_key(j, "points");
        gmx_json_uint(j, f->window_points);
        gmx_json_object_end(j);
        gmx_json_key(j, "fit");
        gmx_json_object_begin(j);
        gmx_json_key(j, "method");
        gmx_json_cstring(j, "theil-sen");
        gmx_json_key(j, "bytes_per_second_low");
        gmx_json_double(j, f->rate_low);
        gmx_json_key(j, "bytes_per_second_high");
        gmx_json_double(j, f->rate_high);
        gmx_json_key(j, "largest_step_bytes_per_second");
        gmx_json_double(j, f->largest_step_rate);
        gmx_json_key(j, "loose");
        gmx_json_bool(j, f->loose);
        gmx_json_object_end(j);
        gmx_json_key(j, "range");
        gmx_json_object_begin(j);
        gmx_json_key(j, "seconds_low");
        gmx_json_double(j, f->seconds_low);
        gmx_json_key(j, "seconds_high");
        gmx_json_double(j, f->seconds_high);
        gmx_json_object_end(j);
    }
    gmx_json_object_end(j);
}

static void actions(gmx_json *j, const gmx_diagnosis *d)
{
    static const char *const kinds[] = { "mitigate", "fix", "verify" };
    gmx_json_key(j, "actions");
    gmx_json_array_begin(j);
    for (size_t i = 0; i < d->nactions; i++) {
        gmx_json_object_begin(j);
        gmx_json_key(j, "kind");
        gmx_json_cstring(j, kinds[d->actions[i].kind]);
        gmx_json_key(j, "text");
        gmx_json_string(j, d->actions[i].text);
        gmx_json_object_end(j);
    }
    gmx_json_array_end(j);
}

gmx_code gmx_render_diagnosis_json(const gmx_diagnosis *d, const gmx_render_options *opts,
                                   char **out, size_t *len, gmx_error *err)
{
    gmx_buf b;
    gmx_buf_init(&b, 0);
    gmx_json j;
    gmx_json_init(&j, &b);
    gmx_json_object_begin(&j);
    gmx_json_key(&j, "schema");
    gmx_json_cstring(&j, "gomemdx/1");
    inputs(&j, d->bundle);
    if (gmx_findings_head(d->findings).n) {
        gmx_json_key(&j, "head");
        gmx_json_string(&j, gmx_findings_head(d->findings));
    }
    gmx_json_key(&j, "summary");
    gmx_json_string(&j, gmx_findings_summary(d->findings));
    gmx_json_findings(&j, d->findings, opts);
    gmx_json_key(&j, "series");
    gmx_json_object_begin(&j);
    series(&j, "goroutines", &d->goroutines);
    series(&j, "heap_inuse_bytes", &d->heap);
    series(&j, "memstats_heap_inuse_bytes", &d->memstats);
    series(&j, "watched_goroutines", &d->watched_goroutines);
    series(&j, "watched_heap_inuse_bytes", &d->watched_heap);
    gmx_json_object_end(&j);
    if (d->escapes) {
        gmx_json_key(&j, "escapes");
        gmx_json_object_begin(&j);
        gmx_json_key(&j, "summary");
        gmx_json_string(&j, gmx_findings_summary(d->escapes));
        gmx_json_key(&j, "findings");
        gmx_json_array_begin(&j);
        for (size_t i = 0; i < gmx_findings_count(d->escapes); i++)
            gmx_json_finding(&j, gmx_findings_at(d->escapes, i));
        gmx_json_array_end(&j);
        gmx_json_object_end(&j);
    }
    change_and_forecast(&j, d);
    actions(&j, d);
    gmx_json_object_end(&j);
    if (b.failed) {
        gmx_buf_release(&b);
        return gmx_error_set(err, GMX_ENOMEM, "out of memory rendering JSON");
    }
    *out = gmx_buf_detach(&b, len);
    return GMX_OK;
}
