/* The runbook over a bundle: goroutine analysis over the goroutine
 * snapshots, heap analysis over the heap snapshots, the process-wide
 * series, when growth began, when memory runs out, and what to do. */
#include "gomemdx/core.h"
#include "gomemdx/diagnose.h"
#include "gomemdx/analyze_heap.h"
#include "gomemdx/escape.h"
#include "analyze/forecast.h"
#include "analyze/memgap.h"
#include "analyze/ptop_suspects.h"
#include "analyze/trend.h"
#include "util/alloc.h"
#include "util/fmt.h"
#include "util/str.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

enum { MAX_ACTIONS = 12, MAX_FIX_ACTIONS = 3 };

/* The goroutine snapshots of the bundle as one series (gmx_gseries_build:
 * one family of snapshots, told what the other kinds know). */
static gmx_code goroutine_findings(gmx_diagnosis *d, const gmx_diagnose_options *o, gmx_error *err)
{
    const gmx_bundle *b = d->bundle;
    size_t n = 0;
    for (size_t i = 0; i < gmx_bundle_count(b); i++)
        n += gmx_bundle_at(b, i)->kind == GMX_ART_GOROUTINES;
    if (!n)
        return GMX_OK;
    gmx_gtimed *in = gmx_calloc(n, sizeof(*in));
    if (!in)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    n = 0;
    for (size_t i = 0; i < gmx_bundle_count(b); i++) {
        const gmx_artifact *a = gmx_bundle_at(b, i);
        if (a->kind == GMX_ART_GOROUTINES)
            in[n++] = (gmx_gtimed){ &a->goroutines,
                                    a->time_source == GMX_TIME_NONE ? 0 : a->time_ns };
    }
    gmx_gseries *s = &d->goroutine_series;
    gmx_code rc = gmx_gseries_build(in, n, s, err);
    if (rc == GMX_OK && s->n && !(d->goroutines.points = gmx_calloc(s->n, sizeof(gmx_point))))
        rc = gmx_error_set(err, GMX_ENOMEM, "out of memory");
    if (rc != GMX_OK || !s->n) {
        gmx_free(in);
        return rc;
    }
    for (size_t k = 0; k < s->n; k++) {
        const gmx_gtimed *t = &in[s->from[k]];
        d->goroutines.points[k] = (gmx_point){ t->time_ns,
                                               (double)gmx_gbuckets_total(t->snap->buckets) };
    }
    d->goroutines.n = s->n;
    d->last_goroutines = s->snaps[s->n - 1].buckets;
    d->goroutines.name = "goroutines";
    d->goroutines.name_zh = "goroutine 数";
    gmx_goroutine_options go = { .include_healthy = o->include_healthy, .signatures = o->signatures,
                                  .work_ids = s->work_ids };
    rc = gmx_analyze_goroutines(s->snaps, s->n, &go, d->findings, err);
    gmx_free(in);
    return rc;
}

/* Heap snapshots of one family: protobuf heap profiles, protobuf allocs
 * profiles, or debug=1 text. They hold the same data, but fetched moments
 * apart (heap?gc=1 collects first) and timed or not, so mixing them would
 * make noise look like growth. The family with the most timed snapshots
 * wins, then the one with the most. */
enum { HEAP_PROTO, ALLOCS_PROTO, HEAP_TEXT, HEAP_FAMILIES };

/* A goroutine profile's -top table: counts of goroutines, not memory. */
static bool goroutine_table(const gmx_artifact *a)
{
    return a->ptop && a->ptop->goroutines;
}

/* A table that is no point of the heap's series: a goroutine profile's, or
 * a -base table's (a change between two profiles, not what the heap held). */
static bool not_a_heap_point(const gmx_artifact *a)
{
    return goroutine_table(a) || (a->ptop && a->ptop->diff);
}

static int heap_family(const gmx_artifact *a)
{
    return a->heap_text ? HEAP_TEXT : a->allocs ? ALLOCS_PROTO : HEAP_PROTO;
}

/* A pasted pprof -top table measured only the sample type it was printed
 * with: alloc_* is everything allocated since start (churn), *_objects a
 * count. Its bytes in use are unknown, not zero, so it adds no point to the
 * heap-in-use series (which said "0 B" for an alloc_space table). */
static bool measures_inuse_bytes(const gmx_artifact *a)
{
    return !a->ptop || !(a->ptop->churn || a->ptop->objects || a->ptop->counts);
}

/* The MemStats fetched with a snapshot taken at t: a debug=1 profile's
 * whose last GC came within MEMSTATS_NEAR_NS of it. A heap profile is as
 * of the last GC, so the same GC dates both, however the files were timed
 * (copied files all have one modification time); NULL when none. */
#define MEMSTATS_NEAR_NS (10 * 1000000000LL)

static const gmx_memstats *memstats_near(const gmx_bundle *b, int64_t t)
{
    const gmx_memstats *best = NULL;
    int64_t best_gap = MEMSTATS_NEAR_NS + 1;
    for (size_t i = 0; t && i < gmx_bundle_count(b); i++) {
        const gmx_artifact *a = gmx_bundle_at(b, i);
        const gmx_memstats *m = &a->heap_info.memstats;
        if (a->kind != GMX_ART_HEAP || !m->present || !m->last_gc_ns)
            continue;
        int64_t gc = (int64_t)m->last_gc_ns, gap = gc > t ? gc - t : t - gc;
        if (gap < best_gap) {
            best_gap = gap;
            best = m;
        }
    }
    return best;
}

static gmx_code heap_findings(gmx_diagnosis *d, gmx_error *err)
{
    const gmx_bundle *b = d->bundle;
    size_t count[HEAP_FAMILIES] = { 0 }, weight[HEAP_FAMILIES] = { 0 };
    for (size_t i = 0; i < gmx_bundle_count(b); i++) {
        const gmx_artifact *a = gmx_bundle_at(b, i);
        if (a->kind != GMX_ART_HEAP || not_a_heap_point(a))
            continue;
        count[heap_family(a)]++;
        weight[heap_family(a)] += a->heap_info.time_ns ? 1000 : 1;
    }
    int best = HEAP_PROTO;
    for (int f = 1; f < HEAP_FAMILIES; f++)
        if (weight[f] > weight[best])
            best = f;
    size_t n = count[best];
    if (!n)
        return GMX_OK;
    /* Every snapshot is a point of the process's series; the sites of a
     * long series are compared over those the bundle kept. */
    const gmx_hsnapshot **snaps = gmx_calloc(n, sizeof(*snaps));
    const gmx_memstats **stats = gmx_calloc(n, sizeof(*stats));
    d->heap.points = gmx_calloc(n, sizeof(gmx_point));
    if (!snaps || !stats || !d->heap.points) {
        gmx_free(snaps);
        gmx_free(stats);
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    }
    n = 0;
    size_t nsnaps = 0;
    for (size_t i = 0; i < gmx_bundle_count(b); i++) {
        const gmx_artifact *a = gmx_bundle_at(b, i);
        if (a->kind != GMX_ART_HEAP || heap_family(a) != best || not_a_heap_point(a))
            continue;
        n++;
        if (a->heap) {
            stats[nsnaps] = a->heap_info.memstats.present
                                ? &a->heap_info.memstats
                                : memstats_near(b, a->heap_info.time_ns);
            snaps[nsnaps++] = a->heap;
        }
        if (measures_inuse_bytes(a))
            d->heap.points[d->heap.n++] =
                (gmx_point){ a->heap_info.time_ns, (double)a->heap_total.inuse_bytes };
    }
    d->first_heap = nsnaps ? snaps[0] : NULL;
    d->last_heap = nsnaps ? snaps[nsnaps - 1] : NULL;
    d->heap.name = "heap in use (bytes)";
    d->heap.name_zh = "堆在用内存";
    gmx_code rc = gmx_analyze_heap_exact(snaps, nsnaps, stats, d->findings, err);
    gmx_free(snaps);
    gmx_free(stats);
    return rc;
}

/* Pasted pprof -top tables with no series to compare them in (a goroutine
 * table or a -base table never has one): their largest sites, as suspects
 * of one snapshot or of one change. */
static gmx_code ptop_findings(gmx_diagnosis *d, gmx_error *err)
{
    const gmx_bundle *b = d->bundle;
    for (size_t i = 0; i < gmx_bundle_count(b); i++) {
        const gmx_artifact *a = gmx_bundle_at(b, i);
        if (a->kind != GMX_ART_HEAP || !a->ptop || (d->heap.n >= 2 && !not_a_heap_point(a)))
            continue;
        if (gmx_ptop_suspects(a->ptop, d->findings) != GMX_OK)
            return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    }
    return GMX_OK;
}

/* x in seconds from the first point; false without times on every point. */
static bool timed_xy(const gmx_series *s, double *x, double *y)
{
    for (size_t i = 0; i < s->n; i++) {
        if (!s->points[i].time_ns)
            return false;
        x[i] = (double)(s->points[i].time_ns - s->points[0].time_ns) / 1e9;
        y[i] = s->points[i].value;
    }
    return s->n > 0;
}

/* Runbook step 5: the escapes of the bundle's compiler logs, ranked by what
 * the latest allocs (else heap) profile says they really allocate. A list of
 * its own: these make heap pressure lighter, they are not what leaks. */
static gmx_code escape_findings(gmx_diagnosis *d, gmx_error *err)
{
    const gmx_escape_set *set = gmx_bundle_escapes(d->bundle);
    if (!set)
        return GMX_OK;
    const gmx_hsnapshot *profile = NULL, *heap = NULL;
    for (size_t i = 0; i < gmx_bundle_count(d->bundle); i++) {
        const gmx_artifact *a = gmx_bundle_at(d->bundle, i);
        if (a->kind == GMX_ART_HEAP && !a->heap_text && a->heap)
            *(a->allocs ? &profile : &heap) = a->heap;
    }
    if (!(d->escapes = gmx_findings_new()))
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    return gmx_analyze_escapes(set, profile ? profile : heap, d->escapes, err);
}

/* Keeps at most GMX_TREND_MAX_POINTS evenly spaced points, the last one
 * always: trends and change points work on that many. */
static void thin(gmx_series *s)
{
    size_t max = GMX_TREND_MAX_POINTS;
    if (s->n <= max)
        return;
    for (size_t i = 0; i < max; i++)
        s->points[i] = s->points[i * (s->n - 1) / (max - 1)];
    s->n = max;
}

/* The watched history as two series (only timed points that carry them). */
static gmx_code history_series(gmx_diagnosis *d, const gmx_msample *h, size_t n, gmx_error *err)
{
    if (!n)
        return GMX_OK;
    d->watched_goroutines.points = gmx_calloc(n, sizeof(gmx_point));
    d->watched_heap.points = gmx_calloc(n, sizeof(gmx_point));
    if (!d->watched_goroutines.points || !d->watched_heap.points)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        if (!h[i].time_ns)
            continue;
        if (h[i].has_goroutines)
            d->watched_goroutines.points[d->watched_goroutines.n++] =
                (gmx_point){ h[i].time_ns, (double)h[i].goroutines };
        if (h[i].mem.present && h[i].mem.heap_inuse)
            d->watched_heap.points[d->watched_heap.n++] =
                (gmx_point){ h[i].time_ns, (double)h[i].mem.heap_inuse };
    }
    d->watched_goroutines.name = "goroutines (sampled)";
    d->watched_goroutines.name_zh = "goroutine 数（采样）";
    d->watched_heap.name = "MemStats HeapInuse (sampled)";
    d->watched_heap.name_zh = "MemStats HeapInuse（采样）";
    thin(&d->watched_goroutines);
    thin(&d->watched_heap);
    return GMX_OK;
}

/* The watched history and the bundle's metrics pages, as one sampled
 * history in time order. */
static gmx_code sampled_series(gmx_diagnosis *d, const gmx_diagnose_options *o, gmx_error *err)
{
    size_t pages = 0;
    for (size_t i = 0; i < gmx_bundle_count(d->bundle); i++)
        pages += gmx_bundle_at(d->bundle, i)->kind == GMX_ART_METRICS;
    if (!pages)
        return history_series(d, o->history, o->nhistory, err);
    gmx_msample *all = gmx_calloc(o->nhistory + pages, sizeof(*all));
    if (!all)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < gmx_bundle_count(d->bundle); i++)
        if (gmx_bundle_at(d->bundle, i)->kind == GMX_ART_METRICS)
            all[n++] = gmx_bundle_at(d->bundle, i)->metrics;
    for (size_t i = 0; i < o->nhistory; i++)
        all[n++] = o->history[i];
    /* Metrics come in bundle (time) order, the history after: merge by time. */
    for (size_t i = 1; i < n; i++)
        for (size_t k = i; k > 0 && all[k].time_ns < all[k - 1].time_ns; k--) {
            gmx_msample t = all[k];
            all[k] = all[k - 1];
            all[k - 1] = t;
        }
    gmx_code rc = history_series(d, all, n, err);
    gmx_free(all);
    return rc;
}

/* MemStats HeapInuse, where heap snapshots carry it (debug=1 text), in
 * time order: what the runtime itself counts, closer to the process's
 * footprint than a profile's sampled in-use bytes. MemStats are read when
 * the profile is fetched: a point is timed by the capture (untimed when
 * only the last GC dates the artifact, which says nothing of it). */
static gmx_code memstats_series(gmx_diagnosis *d, gmx_error *err)
{
    const gmx_bundle *b = d->bundle;
    size_t n = 0;
    for (size_t i = 0; i < gmx_bundle_count(b); i++) {
        const gmx_artifact *a = gmx_bundle_at(b, i);
        n += a->kind == GMX_ART_HEAP && a->heap_info.memstats.present;
    }
    if (!n)
        return GMX_OK;
    d->memstats.points = gmx_calloc(n, sizeof(gmx_point));
    if (!d->memstats.points)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    for (size_t i = 0; i < gmx_bundle_count(b); i++) {
        const gmx_artifact *a = gmx_bundle_at(b, i);
        if (a->kind != GMX_ART_HEAP || !a->heap_info.memstats.present)
            continue;
        const gmx_hsnapshot_info *hi = &a->heap_info;
        bool captured = a->time_source != GMX_TIME_NONE && a->time_source != GMX_TIME_LAST_GC;
        d->memstats.points[d->memstats.n++] =
            (gmx_point){ captured ? a->time_ns : 0, (double)hi->memstats.heap_inuse };
    }
    d->memstats.name = "MemStats HeapInuse (bytes)";
    d->memstats.name_zh = "MemStats HeapInuse";
    return GMX_OK;
}

/* Memory held by goroutine stacks: MemStats StackInuse of the last heap
 * snapshot that has it, against the goroutine leak it comes from. Reported
 * below that leak (it is its cost, not another cause). */
#define STACKS_MIN_BYTES (8.0 * 1024 * 1024)
#define STACKS_WARN_BYTES (64.0 * 1024 * 1024)

static gmx_code goroutine_stacks(gmx_diagnosis *d)
{
    const gmx_memstats *ms = NULL;
    for (size_t i = 0; i < gmx_bundle_count(d->bundle); i++) {
        const gmx_artifact *a = gmx_bundle_at(d->bundle, i);
        if (a->kind == GMX_ART_HEAP && a->heap_info.memstats.present)
            ms = &a->heap_info.memstats;
    }
    const gmx_finding *leak = NULL;
    for (size_t i = 0; i < gmx_findings_count(d->findings) && !leak; i++) {
        const gmx_finding *fd = gmx_findings_at(d->findings, i);
        if (fd->bucket && !fd->healthy && fd->severity >= GMX_SEV_WARNING)
            leak = fd;
    }
    double stacks = ms ? (double)ms->stack_inuse : 0, heap = ms ? (double)ms->heap_inuse : 0;
    if (!leak || stacks < STACKS_MIN_BYTES || stacks < 0.25 * (stacks + heap))
        return GMX_OK;
    gmx_finding *fd = gmx_findings_add(d->findings);
    if (!fd)
        return GMX_ENOMEM;
    fd->category = GMX_CAT_GOROUTINE_STACKS;
    fd->severity = stacks >= STACKS_WARN_BYTES ? GMX_SEV_WARNING : GMX_SEV_INFO;
    fd->score = leak->score * 0.3;
    fd->has_site = leak->has_site;
    fd->site = leak->site;
    fd->has_bytes = true;
    fd->bytes = (uint64_t)stacks;
    fd->advice = gmx_category_advice(GMX_CAT_GOROUTINE_STACKS);
    for (int zh = 0; zh <= 1; zh++)
        *(zh ? &fd->title_zh : &fd->title) = gmx_findings_printf(
            d->findings, zh ? "goroutine 栈占用 %.1f MiB（占堆和栈的 %.0f%%），大部分属于 %llu 个 goroutine，位于 %.*s"
                            : "%.1f MiB of goroutine stacks (%.0f%% of heap and stacks), most held by "
                              "the %llu goroutines at %.*s",
            stacks / 1048576.0, 100 * stacks / (stacks + heap), (unsigned long long)leak->goroutines,
            (int)leak->site.function.n, leak->site.function.p);
    gmx_finding_add_number(fd, "stack_inuse_bytes", stacks);
    gmx_finding_add_number(fd, "heap_inuse_bytes", heap);
    return GMX_OK;
}

/* The latest moment anything in the bundle or the history was seen. */
static int64_t last_seen(const gmx_diagnosis *d, const gmx_diagnose_options *o)
{
    int64_t last = 0;
    for (size_t i = 0; i < gmx_bundle_count(d->bundle); i++) {
        const gmx_artifact *a = gmx_bundle_at(d->bundle, i);
        if (a->kind != GMX_ART_SKIPPED && a->time_source != GMX_TIME_NONE && a->time_ns > last)
            last = a->time_ns;
    }
    for (size_t i = 0; i < o->nhistory; i++)
        if (o->history[i].time_ns > last)
            last = o->history[i].time_ns;
    return last;
}

/* Changes older than this before growth began are not named as its cause. */
#define CHANGE_WINDOW_NS (7LL * 24 * 3600 * 1000000000)
/* Clocks of the change log and of the process differ a little. */
#define CLOCK_SLACK_NS (60LL * 1000000000)

static const gmx_event *change_before(const gmx_events *events, int64_t at)
{
    const gmx_event *best = NULL;
    for (size_t i = 0; events && i < gmx_events_count(events); i++) {
        const gmx_event *e = gmx_events_at(events, i);
        if (e->time_ns <= at + CLOCK_SLACK_NS && e->time_ns >= at - CHANGE_WINDOW_NS)
            best = e; /* sorted by time: the last one that fits is the closest */
    }
    return best;
}

/* When growth began: a change point in heap in use, else in the goroutine
 * count; when either grew steadily from its first snapshot, the climb was
 * already under way then. Then the change closest before it. */
static void change_point(gmx_diagnosis *d, const gmx_events *events)
{
    const gmx_series *candidates[4] = { &d->watched_heap, &d->watched_goroutines, &d->heap,
                                        &d->goroutines };
    double x[GMX_TREND_MAX_POINTS], y[GMX_TREND_MAX_POINTS];
    for (int k = 0; k < 4 && !d->change.found; k++) {
        const gmx_series *s = candidates[k];
        double at;
        if (s->n >= 4 && s->n <= GMX_TREND_MAX_POINTS && timed_xy(s, x, y) &&
            gmx_trend_change_point(x, y, s->n, &at)) {
            d->change.found = true;
            d->change.series = s->name;
            d->change.series_zh = s->name_zh;
            d->change.at_ns = s->points[0].time_ns + (int64_t)(at * 1e9);
        }
    }
    for (int k = 0; k < 4 && !d->change.found && !d->change.from_start; k++) {
        const gmx_series *s = candidates[k];
        gmx_trend t = { 0 };
        if (s->n >= 2 && s->n <= GMX_TREND_MAX_POINTS && timed_xy(s, x, y) &&
            gmx_trend_fit(x, y, s->n, &t) != GMX_OK)
            gmx_findings_fail(d->findings);
        if (t.n && gmx_trend_is_growth(&t, t.first * 0.2)) {
            d->change.from_start = true;
            d->change.series = s->name;
            d->change.series_zh = s->name_zh;
            d->change.at_ns = s->points[0].time_ns;
        }
    }
    if (d->change.found || d->change.from_start) {
        d->change.event = change_before(events, d->change.at_ns);
        return;
    }
    /* The first heap series there is says whether memory fell. */
    for (int k = 0; k < 4; k += 2) {
        const gmx_series *s = candidates[k];
        if (s->n >= 2) {
            d->change.fell = s->points[s->n - 1].value < s->points[0].value;
            return;
        }
    }
}

static gmx_action *add_action(gmx_diagnosis *d, gmx_action_kind kind, gmx_action_what what,
                              gmx_str text)
{
    if (d->nactions >= MAX_ACTIONS || !text.p)
        return NULL;
    gmx_action *a = &d->actions[d->nactions++];
    *a = (gmx_action){ kind, what, 0, NULL, NULL, text };
    return a;
}

/* The first sentence of a piece of advice: up to a ". " that starts a new
 * sentence (not the one in "e.g. "). */
static int first_sentence(const char *advice)
{
    for (const char *p = advice; (p = strstr(p, ". ")); p += 2)
        if (p[2] >= 'A' && p[2] <= 'Z')
            return (int)(p - advice + 1);
    return (int)strlen(advice);
}

static void plan(gmx_diagnosis *d)
{
    gmx_findings *f = d->findings;
    const gmx_forecast *fc = &d->forecast;
    gmx_action *a;
    if (fc->available && fc->seconds_to_limit < 6 * 3600) {
        double minutes = fc->seconds_to_limit > 0 ? fc->seconds_to_limit / 60 : 0;
        gmx_buf when;
        gmx_buf_init(&when, 0);
        gmx_fmt_duration(&when, minutes * 60, false);
        a = add_action(d, GMX_ACTION_MITIGATE, GMX_DO_RESTART_SOON,
                       gmx_findings_printf(f, "Memory reaches the limit in about %.*s at the "
                                           "current rate: restart or scale out now to buy time.",
                                           (int)when.len, when.failed ? "" : when.data));
        gmx_buf_release(&when);
        if (a)
            a->minutes = minutes;
    }
    const gmx_event *ev = d->change.event;
    if (ev && (a = add_action(d, GMX_ACTION_MITIGATE, GMX_DO_ROLL_BACK_EVENT,
                              gmx_findings_printf(f, "Roll back the %s change \"%.*s\": it is the "
                                                  "change closest before memory began to climb. "
                                                  "Find the root cause afterwards.",
                                                  gmx_event_kind_name(ev->kind),
                                                  (int)ev->description.n, ev->description.p))))
        a->event = ev;
    if (!ev && !d->change.fell)
        add_action(d, GMX_ACTION_MITIGATE, GMX_DO_ROLL_BACK_ANY,
                   gmx_findings_printf(f, "Roll back any release, configuration or operations "
                                       "change made just before memory started to climb%s; find "
                                       "the root cause afterwards.",
                                       d->change.found ? " (see when above)" : ""));
    size_t fixes = 0;
    for (size_t i = 0; i < gmx_findings_count(f) && fixes < MAX_FIX_ACTIONS; i++) {
        const gmx_finding *fd = gmx_findings_at(f, i);
        if (fd->severity < GMX_SEV_WARNING || !fd->advice || !fd->has_site)
            continue;
        gmx_str where = { "", 0 }; /* a pprof -top row names a function only */
        if (fd->site.file.n || fd->site.line)
            where = gmx_findings_printf(f, " (%.*s:%u)", (int)fd->site.file.n, fd->site.file.p,
                                        fd->site.line);
        a = add_action(d, GMX_ACTION_FIX, GMX_DO_FIX,
                       gmx_findings_printf(f, "%.*s%.*s, %s: %.*s", (int)fd->site.function.n,
                                           fd->site.function.p, (int)where.n, where.p,
                                           gmx_category_id(fd->category),
                                           first_sentence(fd->advice), fd->advice));
        if (a)
            a->finding = fd;
        fixes++;
    }
    if (d->goroutines.n)
        add_action(d, GMX_ACTION_VERIFY, GMX_DO_VERIFY_GOROUTINES,
                   gmx_findings_printf(f, "Take a goroutine dump before and after a load test of "
                                       "the fix and gate on `gomemdx check --base before.txt "
                                       "after.txt`."));
    if (d->last_heap || d->heap.n)
        add_action(d, GMX_ACTION_VERIFY, GMX_DO_VERIFY_HEAP,
                   gmx_findings_printf(f, "Take heap profiles a few minutes apart after the fix "
                                       "and run `gomemdx diagnose` on them: no site should keep "
                                       "growing."));
}

gmx_code gmx_diagnose(const gmx_bundle *b, const gmx_diagnose_options *opts, gmx_diagnosis **out,
                      gmx_error *err)
{
    static const gmx_diagnose_options defaults;
    if (!opts)
        opts = &defaults;
    gmx_diagnosis *d = gmx_calloc(1, sizeof(*d));
    if (!d)
        return gmx_error_set(err, GMX_ENOMEM, "out of memory");
    d->bundle = b;
    d->findings = gmx_findings_new();
    d->actions = gmx_calloc(MAX_ACTIONS, sizeof(*d->actions));
    gmx_code rc = d->findings && d->actions ? GMX_OK : gmx_error_set(err, GMX_ENOMEM, "out of memory");
    if (rc == GMX_OK)
        rc = goroutine_findings(d, opts, err);
    /* A crash in any goroutine artifact comes first, whichever family
     * the goroutine analysis used (the latest one in time order). */
    for (size_t i = gmx_bundle_count(b); rc == GMX_OK && i-- > 0;) {
        const gmx_artifact *a = gmx_bundle_at(b, i);
        if (a->kind == GMX_ART_GOROUTINES && gmx_analyze_crash(&a->goroutines, d->findings))
            break;
    }
    if (rc == GMX_OK)
        rc = heap_findings(d, err);
    /* who holds each core's heap (marked when the heap was read) */
    for (size_t i = 0; rc == GMX_OK && i < gmx_bundle_count(b); i++) {
        const gmx_artifact *a = gmx_bundle_at(b, i);
        if (a->core_heap && a->core_heap->retention)
            gmx_analyze_core_retention(a->core_heap->retention, d->findings);
    }
    if (rc == GMX_OK)
        rc = ptop_findings(d, err);
    if (rc == GMX_OK)
        rc = memstats_series(d, err);
    if (rc == GMX_OK && gmx_memstats_vs_profile(&d->memstats, &d->heap, d->findings) != GMX_OK)
        rc = gmx_error_set(err, GMX_ENOMEM, "out of memory");
    if (rc == GMX_OK)
        rc = sampled_series(d, opts, err);
    if (rc == GMX_OK)
        rc = escape_findings(d, err);
    if (rc == GMX_OK && goroutine_stacks(d) != GMX_OK)
        rc = gmx_error_set(err, GMX_ENOMEM, "out of memory");
    if (rc == GMX_OK) {
        gmx_findings_rank(d->findings);
        change_point(d, opts->events);
        gmx_forecast_compute(d, opts->limit_bytes, last_seen(d, opts));
        plan(d);
        if (gmx_findings_failed(d->findings))
            rc = gmx_error_set(err, GMX_ENOMEM, "out of memory");
    }
    if (rc != GMX_OK) {
        gmx_diagnosis_free(d);
        return rc;
    }
    *out = d;
    return GMX_OK;
}

void gmx_diagnosis_free(gmx_diagnosis *d)
{
    if (!d)
        return;
    gmx_findings_free(d->findings);
    gmx_findings_free(d->escapes);
    gmx_gseries_release(&d->goroutine_series);
    gmx_free(d->goroutines.points);
    gmx_free(d->heap.points);
    gmx_free(d->memstats.points);
    gmx_free(d->watched_goroutines.points);
    gmx_free(d->watched_heap.points);
    gmx_free(d->actions);
    gmx_free(d);
}
