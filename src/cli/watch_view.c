/* The watch view. Plain mode prints one line per event (and the capture's
 * rank-1 finding with its site), flushed at once so a reader sees a sample
 * only after it was stored. Live mode keeps the last SPARK values of each
 * target and redraws the whole screen on each event. */
#include "watch_view.h"

#include "gomemdx/findings.h"
#include "gomemdx/output.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SPARK 48

typedef struct view_target {
    const char *url;
    double goroutines[SPARK], heap[SPARK];
    size_t ng, nh;
    char status[160];
    char suspect[300];
    char capture[80];
    bool down;   /* its last attempt failed: its numbers are old or none */
    bool up;     /* it answered at least once */
} view_target;

struct watch_view {
    bool live, once;
    const char *store;
    view_target *t;
    size_t n;
};

watch_view *watch_view_new(const char *const *urls, size_t n, bool live, bool once,
                           const char *store)
{
    watch_view *v = calloc(1, sizeof(*v));
    if (!v || !(v->t = calloc(n, sizeof(*v->t)))) {
        free(v);
        return NULL;
    }
    v->live = live;
    v->once = once;
    v->store = store;
    v->n = n;
    for (size_t i = 0; i < n; i++) {
        v->t[i].url = urls[i];
        snprintf(v->t[i].status, sizeof(v->t[i].status), "waiting for the first sample");
    }
    return v;
}

size_t watch_view_targets_up(const watch_view *v)
{
    size_t up = 0;
    for (size_t i = 0; i < v->n; i++)
        up += v->t[i].up;
    return up;
}

void watch_view_free(watch_view *v)
{
    if (v)
        free(v->t);
    free(v);
}

static void clock_text(int64_t ns, char *out, size_t n)
{
    time_t s = (time_t)(ns / 1000000000);
    struct tm tm;
    gmtime_r(&s, &tm);
    strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void bytes_text(double b, char *out, size_t n)
{
    static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
    int u = 0;
    while (b >= 1024 && u < 4) {
        b /= 1024;
        u++;
    }
    snprintf(out, n, u ? "%.1f %s" : "%.0f %s", b, units[u]);
}

static void push(double *a, size_t *n, double v)
{
    if (*n == SPARK) {
        memmove(a, a + 1, (SPARK - 1) * sizeof(*a));
        (*n)--;
    }
    a[(*n)++] = v;
}

static void sparkline(FILE *out, const double *a, size_t n)
{
    static const char *const bars[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
    double lo = n ? a[0] : 0, hi = lo;
    for (size_t i = 0; i < n; i++) {
        lo = a[i] < lo ? a[i] : lo;
        hi = a[i] > hi ? a[i] : hi;
    }
    for (size_t i = 0; i < n; i++)
        fputs(bars[hi > lo ? (int)((a[i] - lo) / (hi - lo) * 7.0 + 0.5) : 0], out);
    for (size_t i = n; i < SPARK; i++)
        fputc(' ', out);
}

static void redraw(const watch_view *v)
{
    char buf[32];
    printf("\033[H\033[J" "gomemdx watch: %zu target%s, store %s (Ctrl-C to stop)\n", v->n,
           v->n == 1 ? "" : "s", v->store);
    for (size_t i = 0; i < v->n; i++) {
        const view_target *t = &v->t[i];
        printf("\n%s  %s%s\n  goroutines  ", t->url, t->down ? "DOWN: " : "", t->status);
        sparkline(stdout, t->goroutines, t->ng);
        /* A down target's last numbers are history, and none is not zero. */
        if (t->down || !t->ng)
            printf("  %s\n  heap inuse  ", t->down ? "down" : "-");
        else
            printf("  %.0f\n  heap inuse  ", t->goroutines[t->ng - 1]);
        sparkline(stdout, t->heap, t->nh);
        if (t->down || !t->nh)
            snprintf(buf, sizeof(buf), "%s", t->down ? "down" : "-");
        else
            bytes_text(t->heap[t->nh - 1], buf, sizeof(buf));
        printf("  %s\n  suspect     %s\n  capture     %s\n", buf,
               t->suspect[0] ? t->suspect : "-", t->capture[0] ? t->capture : "-");
    }
    fflush(stdout);
}

static void print_site(const gmx_diagnosis *d)
{
    const gmx_finding *f = d && gmx_findings_count(d->findings) ? gmx_findings_at(d->findings, 0)
                                                                : NULL;
    char fn[512], file[512];
    if (f && f->has_site)
        printf("    site: %s  %s:%u\n",
               gmx_output_visible(fn, sizeof(fn), f->site.function.p, f->site.function.n),
               gmx_output_visible(file, sizeof(file), f->site.file.p, f->site.file.n),
               f->site.line);
}

/* Text from the watched service (an error body, a finding's title), made
 * unable to act on the terminal. Static storage, one at a time. */
static const char *shown(const char *s)
{
    static char buf[1024];
    return gmx_output_visible(buf, sizeof(buf), s, s ? strlen(s) : 0);
}

static void plain(const watch_view *v, const gmx_watch_event *ev)
{
    char when[40], heap[32];
    clock_text(ev->time_ns, when, sizeof(when));
    printf("%s %s ", when, shown(ev->url));
    switch (ev->kind) {
    case GMX_WATCH_SAMPLE:
        printf("sample goroutines=");
        if (ev->sample->has_goroutines)
            printf("%llu", (unsigned long long)ev->sample->goroutines);
        else
            printf("-");
        bytes_text((double)ev->sample->mem.heap_inuse, heap, sizeof(heap));
        printf(" heap_inuse=%s\n", ev->sample->mem.present ? heap : "-");
        break;
    case GMX_WATCH_GAP:
        if (v->once)
            printf("down %s\n", shown(ev->message));
        else
            printf("gap %s (retry in %llds)\n", shown(ev->message),
                   (long long)(ev->retry_in_ns / 1000000000));
        break;
    case GMX_WATCH_TRIGGER:
        printf("trigger %s\n", shown(ev->message));
        break;
    case GMX_WATCH_CAPTURE:
        printf("capture %lld: %s\n", (long long)ev->capture_id, shown(ev->message));
        print_site(ev->diagnosis);
        break;
    }
    fflush(stdout);
}

static void update(view_target *t, const gmx_watch_event *ev)
{
    char when[40];
    clock_text(ev->time_ns, when, sizeof(when));
    switch (ev->kind) {
    case GMX_WATCH_SAMPLE:
        t->down = false;
        if (ev->sample->has_goroutines)
            push(t->goroutines, &t->ng, (double)ev->sample->goroutines);
        if (ev->sample->mem.present)
            push(t->heap, &t->nh, (double)ev->sample->mem.heap_inuse);
        snprintf(t->status, sizeof(t->status), "ok %s", when);
        break;
    case GMX_WATCH_GAP:
        t->down = true;
        snprintf(t->status, sizeof(t->status), "%.140s", shown(ev->message));
        break;
    case GMX_WATCH_TRIGGER:
        snprintf(t->capture, sizeof(t->capture), "capturing since %s", when);
        break;
    case GMX_WATCH_CAPTURE:
        snprintf(t->suspect, sizeof(t->suspect), "%s", shown(ev->message));
        snprintf(t->capture, sizeof(t->capture), "#%lld at %s", (long long)ev->capture_id, when);
        break;
    }
}

void watch_view_event(void *ctx, const gmx_watch_event *ev)
{
    watch_view *v = ctx;
    v->t[ev->target].up |= ev->kind == GMX_WATCH_SAMPLE;
    if (!v->live) {
        plain(v, ev);
        return;
    }
    update(&v->t[ev->target], ev);
    redraw(v);
}
