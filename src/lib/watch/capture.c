/* Captures: when a rule fires, the evidence diagnose needs is fetched at
 * once — goroutine debug=2 (stops the world), heap and allocs profiles,
 * goroutineleak when the service offers it (forces a GC) — so the costly
 * fetches are budgeted: one capture in flight per target, a cooldown
 * between captures, and at most budget_per_hour of them an hour. What
 * came is stored in one transaction, then diagnosed from the store. */
#include "watch/watch_impl.h"
#include "util/alloc.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *path;            /* under the base; NULL: the target's metrics page */
    const char *file;
    bool optional;               /* a 404 means "not offered", not a failure */
    bool series;                 /* only in a capture series (`diagnose URL`) */
} capture_pages[CAPTURE_FILES] = {
    { "/debug/pprof/goroutine?debug=2", "goroutine.debug2.txt", false, false },
    { "/debug/pprof/goroutine?debug=1", "goroutine.debug1.txt", false, true },
    { "/debug/pprof/heap", "heap.pb.gz", false, false },
    { "/debug/pprof/allocs", "allocs.pb.gz", false, false },
    { "/debug/pprof/goroutineleak?debug=1", "goroutineleak.debug1.txt", true, false },
    { NULL, "metrics.txt", false, true },
};

#define HOUR_NS (INT64_C(3600) * 1000000000)

bool gmx_watch_capture_allowed(const watcher *w, const target *t, int64_t now_ns)
{
    const gmx_watch_rules *r = &w->o->rules;
    if (t->cap_inflight)
        return false;
    if (t->ncaptures && now_ns - t->captures[t->ncaptures - 1] < r->cooldown_ns)
        return false;
    unsigned in_hour = 0;
    for (size_t i = 0; i < t->ncaptures; i++)
        in_hour += now_ns - t->captures[i] < HOUR_NS;
    return in_hour < r->budget_per_hour;
}

static void note_capture(target *t, int64_t time_ns)
{
    if (t->ncaptures == BUDGET_SLOTS) {
        memmove(t->captures, t->captures + 1, (BUDGET_SLOTS - 1) * sizeof(t->captures[0]));
        t->ncaptures--;
    }
    t->captures[t->ncaptures++] = time_ns;
}

void gmx_watch_capture_release(target *t)
{
    for (int i = 0; i < CAPTURE_FILES; i++) {
        gmx_free(t->files[i].data);
        t->files[i] = (capture_file){ 0 };
    }
}

void gmx_watch_capture_start(watcher *w, target *t, const char *why)
{
    gmx_watch_event ev = { .kind = GMX_WATCH_TRIGGER, .message = why };
    char url[1200];
    gmx_error e;
    t->cap_time_ns = gmx_watch_clock_real();
    snprintf(t->cap_reason, sizeof(t->cap_reason), "%s", why);
    t->cap_problem[0] = '\0';
    ev.time_ns = t->cap_time_ns;
    gmx_watch_emit(w, t, &ev);
    /* Full dumps of a big service take a while: four times the timeout. */
    for (int i = 0; i < CAPTURE_FILES; i++) {
        bool skip = capture_pages[i].path ? capture_pages[i].series && !w->o->captures
                                          : !w->o->captures || !t->metrics[0];
        if (skip)
            continue;
        snprintf(url, sizeof(url), "%s%s", capture_pages[i].path ? t->base : t->metrics,
                 capture_pages[i].path ? capture_pages[i].path : "");
        if (gmx_scraper_get(w->scraper, url, w->timeout_ms * 4, t, FETCH_CAPTURE_FIRST + i, &e)) {
            gmx_watch_fatal(w, &e);
            return;
        }
        t->cap_inflight++;
    }
}

static void gap(watcher *w, target *t, const char *status, const char *message)
{
    gmx_error e;
    gmx_watch_event ev = { .kind = GMX_WATCH_GAP, .time_ns = t->cap_time_ns, .message = message };
    if (gmx_store_add_gap(w->store, t->id, t->cap_time_ns, status, message, &e))
        gmx_watch_fatal(w, &e);
    else
        gmx_watch_emit(w, t, &ev);
}

/* Diagnoses the capture from the bodies fetched (files[n]), in memory. */
static void diagnose_and_report(watcher *w, target *t, int64_t id, const gmx_store_file *files,
                                size_t n)
{
    gmx_diagnose_options opts = { .limit_bytes = w->o->limit_bytes, .signatures = w->o->signatures };
    gmx_bundle_buffer bufs[CAPTURE_FILES];
    for (size_t i = 0; i < n; i++)
        bufs[i] = (gmx_bundle_buffer){ .name = files[i].name, .data = files[i].data,
                                       .len = files[i].len, .time_ns = t->cap_time_ns };
    gmx_bundle_options bo = { .buffers = bufs, .nbuffers = n };
    gmx_bundle *b = NULL;
    gmx_diagnosis *d = NULL;
    gmx_error e;
    char summary[600];
    if (gmx_bundle_load(NULL, 0, &bo, &b, &e) == GMX_OK &&
        gmx_diagnose(b, &opts, &d, &e) == GMX_OK)
        gmx_watch_summary(d, summary, sizeof(summary));
    else
        snprintf(summary, sizeof(summary), "diagnose failed: %s", e.message);
    gmx_watch_event ev = { .kind = GMX_WATCH_CAPTURE, .time_ns = t->cap_time_ns,
                           .message = summary, .capture_id = id, .diagnosis = d };
    if (gmx_store_set_summary(w->store, id, summary, &e))
        gmx_watch_fatal(w, &e);
    else
        gmx_watch_emit(w, t, &ev);
    gmx_diagnosis_free(d);
    gmx_bundle_free(b);
}

static void capture_done(watcher *w, target *t)
{
    gmx_store_file files[CAPTURE_FILES];
    size_t n = 0;
    for (int i = 0; i < CAPTURE_FILES; i++)
        if (t->files[i].fetched)
            files[n++] = (gmx_store_file){ capture_pages[i].file, t->files[i].data,
                                           t->files[i].len };
    bool complete = t->cap_problem[0] == '\0';
    if (!complete) {
        char msg[800];
        snprintf(msg, sizeof(msg), "capture %s: %s", n ? "incomplete" : "failed", t->cap_problem);
        gap(w, t, "capture", msg);
    }
    note_capture(t, t->cap_time_ns);
    /* A series does not wait out its duration on a service that gave
     * nothing at all the first time (down, or not a Go service). */
    if (w->o->captures && !n && t->cap_attempts == 1)
        t->cap_attempts = w->o->captures;
    int64_t id = 0;
    gmx_error e;
    if (n && gmx_store_add_capture(w->store, t->id, t->cap_time_ns, t->cap_reason, complete,
                                   files, n, &id, &e))
        gmx_watch_fatal(w, &e);
    if (n && w->fatal == GMX_OK && !w->o->captures)
        diagnose_and_report(w, t, id, files, n);
    gmx_watch_capture_release(t);
    if (n && w->fatal == GMX_OK && w->o->captures) {
        gmx_watch_event ev = { .kind = GMX_WATCH_CAPTURE, .time_ns = t->cap_time_ns,
                               .message = complete ? "stored" : "stored, incomplete",
                               .capture_id = id };
        gmx_watch_emit(w, t, &ev);
    }
}

void gmx_watch_capture_fetched(watcher *w, target *t, const gmx_fetch *f)
{
    int i = f->kind - FETCH_CAPTURE_FIRST;
    if (f->status == GMX_FETCH_OK) {
        t->files[i].data = gmx_malloc(f->len ? f->len : 1);
        if (t->files[i].data) {
            memcpy(t->files[i].data, f->body, f->len);
            t->files[i].len = f->len;
            t->files[i].fetched = true;
        } else if (!t->cap_problem[0]) {
            snprintf(t->cap_problem, sizeof(t->cap_problem), "out of memory keeping %s", f->url);
        }
    } else if (!(capture_pages[i].optional && f->http_code == 404) && !t->cap_problem[0]) {
        snprintf(t->cap_problem, sizeof(t->cap_problem), "%s", f->message);
    }
    if (--t->cap_inflight == 0)
        capture_done(w, t);
}
