/* The out-of-memory forecast, built to be defended against the evidence:
 *   - one observation per instant: points with the same time (two captures
 *     dated by one GC, say) are one observation, the later value; no rate
 *     is ever made from a step of zero seconds;
 *   - the recent trend: the points since growth began, and of those the
 *     last half of the time they span (at least three points), so that a
 *     stale burst does not drive the rate;
 *   - a Theil-Sen rate, which is a median of pairwise rates and so never
 *     steeper than the largest step between two observations; its
 *     quartiles give a range, shown when the fit is loose;
 *   - growth that has stopped (no rise over the last half of the window's
 *     time) is said so, not extrapolated;
 *   - the countdown starts at the latest observation of the bundle, so the
 *     moment named is always one the service has not yet been seen to
 *     survive. */
#include "analyze/forecast.h"
#include "analyze/trend.h"

#include <math.h>
#include <string.h>

#define MIB (1024.0 * 1024.0)
/* Within the window, a rise below this share of the current value (and
 * below FLAT_BYTES) is no growth: allocator noise, a few buffers. */
#define FLAT_SHARE 0.01
#define FLAT_BYTES (1.0 * MIB)
/* The range is shown instead of a point when its ends differ this much. */
#define LOOSE_RATIO 2.0

/* The series' points at distinct times, in time order, as seconds from the
 * first (x) and values (y); *t0 the first time. 0 when a point is untimed. */
static size_t distinct_points(const gmx_point *p, size_t n, double *x, double *y, int64_t *t0,
                              int64_t *times)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (!p[i].time_ns)
            return 0;
        /* Keep time order (bundles are sorted, a merged history too) and
         * fold equal times into the later observation. */
        size_t at = m;
        while (at > 0 && times[at - 1] > p[i].time_ns)
            at--;
        if (at > 0 && times[at - 1] == p[i].time_ns) {
            y[at - 1] = p[i].value;
            continue;
        }
        memmove(times + at + 1, times + at, (m - at) * sizeof(*times));
        memmove(y + at + 1, y + at, (m - at) * sizeof(*y));
        times[at] = p[i].time_ns;
        y[at] = p[i].value;
        m++;
    }
    if (!m)
        return 0;
    *t0 = times[0];
    for (size_t i = 0; i < m; i++)
        x[i] = (double)(times[i] - times[0]) / 1e9;
    return m;
}

static bool all_timed(const gmx_series *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (!s->points[i].time_ns)
            return false;
    return s->n > 0;
}

static void why_not(gmx_forecast *f, const char *en, const char *zh)
{
    f->available = false;
    f->why_not = en;
    f->why_not_zh = zh;
}

void gmx_forecast_compute(gmx_diagnosis *d, uint64_t limit, int64_t last_seen_ns)
{
    gmx_forecast *f = &d->forecast;
    /* A watched history first (dense and timed by its samples), then the
     * runtime's own count timed by the captures, then the profiles'. */
    const gmx_series *s = &d->heap;
    if (d->memstats.n >= 2 && all_timed(&d->memstats))
        s = &d->memstats;
    if (d->watched_heap.n >= 2)
        s = &d->watched_heap;
    f->series = s->name;
    f->series_zh = s->name_zh;
    f->limit_bytes = limit;
    double x[GMX_TREND_MAX_POINTS], y[GMX_TREND_MAX_POINTS];
    int64_t times[GMX_TREND_MAX_POINTS], t0 = 0;
    if (s->n > GMX_TREND_MAX_POINTS) {
        why_not(f, "too many heap observations", "堆快照过多");
        return;
    }
    size_t n = distinct_points(s->points, s->n, x, y, &t0, times);
    if (n < 2) {
        bool untimed = s->n >= 2 && !all_timed(s);
        why_not(f, untimed ? "the heap observations carry no times" : "needs two or more heap observations at distinct times",
                untimed ? "堆快照没有时间" : "需要至少两个不同时刻的堆快照");
        return;
    }
    /* Growth that began at a change point is measured from there, then
     * the recent half of that time (three points at least). */
    size_t from = 0;
    while (d->change.found && from + 2 < n && times[from + 1] <= d->change.at_ns)
        from++;
    double half = x[from] + (x[n - 1] - x[from]) / 2;
    size_t recent = n - 1; /* the last point at or before the half */
    while (recent > from && x[recent] > half)
        recent--;
    while (from + 3 < n && x[from] < half && x[from + 1] <= half)
        from++;
    size_t w = n - from;
    gmx_trend t, last_half;
    if (gmx_trend_fit(x + from, y + from, w, &t) != GMX_OK ||
        gmx_trend_fit(x + recent, y + recent, n - recent, &last_half) != GMX_OK) {
        gmx_findings_fail(d->findings);
        return;
    }
    if (!t.n || !last_half.n) {
        why_not(f, "needs two or more heap observations at distinct times", "需要至少两个不同时刻的堆快照");
        return;
    }
    f->window_from_ns = times[from];
    f->window_to_ns = times[n - 1];
    f->window_points = w;
    f->largest_step_rate = 0;
    for (size_t i = from; i + 1 < n; i++) {
        double r = (y[i + 1] - y[i]) / (x[i + 1] - x[i]);
        if (r > f->largest_step_rate)
            f->largest_step_rate = r;
    }
    /* Theil-Sen stays within the steps already; the bound is stated. */
    double cap = f->largest_step_rate;
    f->bytes_per_second = t.slope < cap ? t.slope : cap;
    f->rate_low = t.slope_low < cap ? t.slope_low : cap;
    f->rate_high = t.slope_high < cap ? t.slope_high : cap;
    f->current_bytes = y[n - 1];
    f->last_point_ns = times[n - 1];
    f->now_ns = last_seen_ns > times[n - 1] ? last_seen_ns : times[n - 1];
    /* Flat: no rise over the last half of the window's time, whatever
     * came before it. */
    double late_rise = last_half.slope * (x[n - 1] - x[recent]);
    bool flat = f->bytes_per_second <= 0 || last_half.slope <= 0 ||
                (late_rise < FLAT_SHARE * f->current_bytes && late_rise < FLAT_BYTES);
    /* Grew before the window, or by more than noise over the series. */
    f->stopped = flat && y[n - 1] - y[0] >= FLAT_BYTES && y[n - 1] - y[0] >= FLAT_SHARE * y[0];
    if (!limit) {
        why_not(f, "no memory limit known (give --limit SIZE)", "不知道内存上限，请用 --limit SIZE 指定");
        return;
    }
    f->available = true;
    double left = (double)limit - f->current_bytes;
    if (left <= 0) {
        f->seconds_to_limit = f->seconds_low = f->seconds_high = -1; /* already past */
        return;
    }
    if (flat) {
        f->seconds_to_limit = f->seconds_low = f->seconds_high = INFINITY;
        return;
    }
    f->seconds_to_limit = left / f->bytes_per_second;
    f->seconds_low = left / f->rate_high; /* rate_high >= the median > 0 */
    f->seconds_high = f->rate_low > 0 ? left / f->rate_low : INFINITY;
    f->loose = !(f->seconds_high <= LOOSE_RATIO * f->seconds_low);
}
