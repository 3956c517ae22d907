/* The watch loop. One thread, one libcurl multi handle: each turn queues
 * the samples that are due, then drives the transfers until the next one
 * is due (at most 200 ms, to notice *stop). A finished sample is stored
 * (committed) before it is reported, then checked against the rules; a
 * failed one is stored as a gap and its target backs off (2, 4, then 8
 * intervals) while the others keep their pace. Memory is fixed per
 * target: the rule windows are arrays of GMX_WATCH_MAX_WINDOW. */
#include "watch/watch_impl.h"
#include "util/alloc.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t gmx_watch_clock_real(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t gmx_watch_clock_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void gmx_watch_emit(watcher *w, const target *t, gmx_watch_event *ev)
{
    ev->target = t->index;
    ev->url = t->url;
    if (w->o->on_event)
        w->o->on_event(w->o->ctx, ev);
}

void gmx_watch_fatal(watcher *w, const gmx_error *err)
{
    if (w->fatal == GMX_OK) {
        w->fatal = err->code ? err->code : GMX_EIO;
        w->fatal_err = *err;
    }
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* "127.0.0.1:6060/" -> base "http://127.0.0.1:6060"; a URL ending in
 * /debug/vars or /metrics names the metrics page, its base is the rest;
 * a URL into /debug/ is read as go tool pprof reads it (gmx_url_resolve),
 * so the pasted .../debug/pprof/ page or one of its endpoints is the service. */
static gmx_code parse_target(target *t, const char *url, gmx_error *err)
{
    bool has_scheme = strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0;
    if (!has_scheme && strstr(url, "://"))
        return gmx_error_set(err, GMX_EUSAGE, "%s: only http:// and https:// can be watched", url);
    int n = snprintf(t->base, sizeof(t->base), "%s%s", has_scheme ? "" : "http://", url);
    if (n <= 0 || (size_t)n >= sizeof(t->base) - 40)
        return gmx_error_set(err, GMX_EUSAGE, "%s: URL too long", url);
    size_t len = (size_t)n;
    while (len > 8 && t->base[len - 1] == '/')
        t->base[--len] = '\0';
    if (ends_with(t->base, len, "/debug/vars") || ends_with(t->base, len, "/metrics")) {
        snprintf(t->metrics, sizeof(t->metrics), "%s", t->base);
        t->base[len - (ends_with(t->base, len, "/metrics") ? 8 : 11)] = '\0';
        return GMX_OK;
    }
    if (!strstr(t->base, "/debug/"))
        return GMX_OK; /* the service, or a prefix it serves /debug/pprof under */
    gmx_url_target *u = gmx_malloc(sizeof(*u));
    if (!u)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    gmx_code rc = gmx_url_resolve(t->base, NULL, u, err);
    if (rc == GMX_OK) { /* the service's base is a prefix of the URL: it fits */
        size_t k = strnlen(u->base, sizeof(t->base) - 1);
        memcpy(t->base, u->base, k);
        t->base[k] = '\0';
    }
    gmx_free(u);
    return rc;
}

static void push(double *window, size_t *n, double v)
{
    if (*n == GMX_WATCH_MAX_WINDOW) {
        memmove(window, window + 1, (GMX_WATCH_MAX_WINDOW - 1) * sizeof(*window));
        (*n)--;
    }
    window[(*n)++] = v;
}

static void remember(target *t, const gmx_msample *m)
{
    if (m->has_goroutines)
        push(t->goroutines, &t->ngoroutines, (double)m->goroutines);
    if (m->mem.present)
        push(t->heap, &t->nheap, (double)m->mem.heap_inuse);
}

/* Resuming: the rule windows and the capture budget from the store. */
static gmx_code resume(watcher *w, target *t, gmx_error *err)
{
    gmx_msample *m;
    size_t n;
    gmx_code rc = gmx_store_samples(w->store, t->id, GMX_WATCH_MAX_WINDOW, &m, &n, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++)
        remember(t, &m[i]);
    gmx_store_samples_free(m);
    gmx_store_capture_info *c;
    if ((rc = gmx_store_list_captures(w->store, t->id, &c, &n, err)))
        return rc;
    for (size_t i = n > BUDGET_SLOTS ? n - BUDGET_SLOTS : 0; i < n; i++)
        t->captures[t->ncaptures++] = c[i].time_ns;
    gmx_store_captures_free(c, n);
    return GMX_OK;
}

static gmx_code queue_sample(watcher *w, target *t, int64_t now, gmx_error *err)
{
    static const char *const pages[] = { "/debug/pprof/goroutine?debug=1",
                                         "/debug/pprof/heap?debug=1" };
    char url[1200];
    memset(&t->cur, 0, sizeof(t->cur));
    t->fail_status = NULL;
    t->started_ns = gmx_watch_clock_real();
    for (int k = 0; k < 2; k++) {
        snprintf(url, sizeof(url), "%s%s", t->base, pages[k]);
        gmx_code rc = gmx_scraper_get(w->scraper, url, w->timeout_ms, t, k, err);
        if (rc)
            return rc;
        t->inflight++;
    }
    if (t->metrics[0]) {
        gmx_code rc = gmx_scraper_get(w->scraper, t->metrics, w->timeout_ms, t, FETCH_METRICS, err);
        if (rc)
            return rc;
        t->inflight++;
    }
    t->next_due += w->interval_ns;
    if (t->next_due <= now)
        t->next_due = now + w->interval_ns;
    return GMX_OK;
}

static void fail_sample(target *t, const char *status, const char *message)
{
    if (t->fail_status)
        return;
    t->fail_status = status;
    snprintf(t->fail, sizeof(t->fail), "%s", message);
}

static void read_page(target *t, const gmx_fetch *f)
{
    gmx_error e;
    gmx_code rc = GMX_OK;
    gmx_msample m;
    if (f->kind == FETCH_GOROUTINES) {
        rc = gmx_scrape_goroutines(f->body, f->len, &t->cur.goroutines, &e);
        t->cur.has_goroutines = rc == GMX_OK;
    } else if (f->kind == FETCH_HEAP) {
        rc = gmx_scrape_memstats(f->body, f->len, &t->cur.mem, &e);
    } else if ((rc = gmx_scrape_metrics(f->body, f->len, &m, &e)) == GMX_OK) {
        if (m.has_goroutines && !t->cur.has_goroutines) {
            t->cur.has_goroutines = true;
            t->cur.goroutines = m.goroutines;
        }
        if (m.mem.present && !t->cur.mem.present)
            t->cur.mem = m.mem;
    }
    if (rc != GMX_OK) {
        char msg[700];
        snprintf(msg, sizeof(msg), "GET %s: bad body: %s", f->url, e.message);
        fail_sample(t, "bad body", msg);
    }
}

static void check_rules(watcher *w, target *t)
{
    const gmx_watch_rules *r = &w->o->rules;
    char why[300], reason[400];
    int64_t now = gmx_watch_clock_real();
    if (!gmx_watch_capture_allowed(w, t, now))
        return;
    if (t->cur.has_goroutines &&
        gmx_watch_rule_fires(&r->goroutines, t->goroutines, t->ngoroutines, why, sizeof(why)))
        snprintf(reason, sizeof(reason), "goroutines %s", why);
    else if (t->cur.mem.present &&
             gmx_watch_rule_fires(&r->heap, t->heap, t->nheap, why, sizeof(why)))
        snprintf(reason, sizeof(reason), "heap in use %s", why);
    else
        return;
    gmx_watch_capture_start(w, t, reason);
}

static void sample_done(watcher *w, target *t)
{
    gmx_error e;
    gmx_watch_event ev = { 0 };
    t->sampled = true;
    ev.time_ns = t->started_ns;
    if (t->fail_status) {
        unsigned shift = t->failures < 3 ? t->failures + 1 : 3;
        t->failures++;
        ev.kind = GMX_WATCH_GAP;
        ev.message = t->fail;
        ev.retry_in_ns = w->interval_ns << shift;
        t->next_due = gmx_watch_clock_mono() + ev.retry_in_ns;
        if (gmx_store_add_gap(w->store, t->id, t->started_ns, t->fail_status, t->fail, &e))
            gmx_watch_fatal(w, &e);
        else
            gmx_watch_emit(w, t, &ev);
        return;
    }
    t->failures = 0;
    t->cur.time_ns = t->started_ns;
    if (gmx_store_add_sample(w->store, t->id, &t->cur, &e)) {
        gmx_watch_fatal(w, &e);
        return;
    }
    ev.kind = GMX_WATCH_SAMPLE;
    ev.sample = &t->cur;
    gmx_watch_emit(w, t, &ev);
    remember(t, &t->cur);
    check_rules(w, t);
}

static void on_fetch(void *ctx, const gmx_fetch *f)
{
    watcher *w = ctx;
    target *t = f->tag;
    if (f->kind >= FETCH_CAPTURE_FIRST) {
        gmx_watch_capture_fetched(w, t, f);
        return;
    }
    if (f->status != GMX_FETCH_OK)
        fail_sample(t, gmx_fetch_status_name(f->status), f->message);
    else
        read_page(t, f);
    if (--t->inflight == 0)
        sample_done(w, t);
}

/* A capture series: every target captured o->captures times, all in. */
static bool finished_series(const watcher *w)
{
    for (size_t i = 0; i < w->n; i++)
        if (w->targets[i].cap_attempts < w->o->captures || w->targets[i].cap_inflight)
            return false;
    return true;
}

/* A capture series' turn for t: the next capture when it is due. */
static void series_due(watcher *w, target *t, int64_t now)
{
    if (t->cap_inflight || t->cap_attempts >= w->o->captures || now < t->next_due)
        return;
    char why[64];
    snprintf(why, sizeof(why), "capture %u/%u", t->cap_attempts + 1, w->o->captures);
    t->cap_attempts++;
    t->next_due += w->interval_ns;
    if (t->next_due <= now)
        t->next_due = now + w->interval_ns;
    gmx_watch_capture_start(w, t, why);
}

static bool finished_once(const watcher *w)
{
    for (size_t i = 0; i < w->n; i++)
        if (!w->targets[i].sampled || w->targets[i].inflight || w->targets[i].cap_inflight)
            return false;
    return true;
}

/* One turn: queue what is due, drive transfers until the next is due. */
static gmx_code turn(watcher *w, gmx_error *err)
{
    int64_t now = gmx_watch_clock_mono(), wait = 200000000;
    for (size_t i = 0; i < w->n; i++) {
        target *t = &w->targets[i];
        if (w->o->captures) {
            series_due(w, t, now);
            if (!t->cap_inflight && t->cap_attempts < w->o->captures && t->next_due - now < wait)
                wait = t->next_due - now;
            continue;
        }
        bool due = !t->inflight && now >= t->next_due && !(w->o->once && t->sampled);
        gmx_code rc = due ? queue_sample(w, t, now, err) : GMX_OK;
        if (rc)
            return rc;
        if (!t->inflight && t->next_due - now < wait)
            wait = t->next_due - now;
    }
    return gmx_scraper_run(w->scraper, wait > 0 ? (int)(wait / 1000000) : 0, on_fetch, w, err);
}

static gmx_code setup(watcher *w, const char *const *urls, gmx_error *err)
{
    int64_t now = gmx_watch_clock_mono();
    for (size_t i = 0; i < w->n; i++) {
        target *t = &w->targets[i];
        t->index = i;
        t->url = urls[i];
        t->next_due = now;
        gmx_code rc = parse_target(t, urls[i], err);
        if (rc || (rc = gmx_store_target(w->store, t->metrics[0] ? t->metrics : t->base,
                                   gmx_watch_clock_real(), &t->id, err)) ||
            (rc = resume(w, t, err)))
            return rc;
    }
    gmx_fetch_limits lim = w->o->fetch;
    if (lim.timeout_ms <= 0)
        lim.timeout_ms = w->interval_ns / 1000000 < 5000 ? (long)(w->interval_ns / 1000000) : 5000;
    w->timeout_ms = lim.timeout_ms;
    return gmx_scraper_new(&lim, &w->scraper, err);
}

gmx_code gmx_watch_run(gmx_store *store, const char *const *urls, size_t n,
                       const gmx_watch_options *o, gmx_error *err)
{
    if (n == 0)
        return gmx_error_set(err, GMX_EUSAGE, "nothing to watch");
    watcher w = { .store = store, .o = o, .n = n };
    w.interval_ns = o->interval_ns > 0 ? o->interval_ns : INT64_C(10000000000);
    if (w.interval_ns < 1000000)
        return gmx_error_set(err, GMX_EUSAGE, "the interval must be at least 1ms");
    w.targets = gmx_calloc(n, sizeof(*w.targets));
    if (!w.targets)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory watching %zu targets", n);
    gmx_code rc = setup(&w, urls, err);
    int64_t start = gmx_watch_clock_mono();
    while (rc == GMX_OK && w.fatal == GMX_OK) {
        if ((o->stop && *o->stop) || (o->once && finished_once(&w)) ||
            (o->captures && finished_series(&w)) ||
            (o->duration_ns > 0 && gmx_watch_clock_mono() - start >= o->duration_ns))
            break;
        rc = turn(&w, err);
    }
    if (rc == GMX_OK && w.fatal != GMX_OK) {
        rc = w.fatal;
        if (err)
            *err = w.fatal_err;
    }
    gmx_scraper_free(w.scraper);
    for (size_t i = 0; i < n; i++)
        gmx_watch_capture_release(&w.targets[i]);
    gmx_free(w.targets);
    return rc;
}
