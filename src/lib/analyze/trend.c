#include "analyze/trend.h"
#include "util/alloc.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void swap(double *a, double *b)
{
    double t = *a;
    *a = *b;
    *b = t;
}

/* The k-th smallest of v[0 .. n), placed at v[k] with nothing larger
 * before it and nothing smaller after it: Hoare's selection, linear on
 * average where sorting every site's slopes cost the most of an analysis.
 * Rounds past twice the bits of n (a pathological input) sort instead. */
static double nth(double *v, size_t n, size_t k)
{
    ptrdiff_t lo = 0, hi = (ptrdiff_t)n - 1, want = (ptrdiff_t)k;
    size_t rounds = 0, budget = 2;
    for (size_t m = n; m; m >>= 1)
        budget += 2;
    while (lo < hi) {
        if (++rounds > budget) {
            qsort(v + lo, (size_t)(hi - lo + 1), sizeof(*v), cmp_double);
            break;
        }
        /* Median of three as the pivot: v[lo] <= it <= v[hi] bound the scans. */
        ptrdiff_t mid = lo + (hi - lo) / 2;
        if (v[mid] < v[lo])
            swap(&v[mid], &v[lo]);
        if (v[hi] < v[lo])
            swap(&v[hi], &v[lo]);
        if (v[hi] < v[mid])
            swap(&v[hi], &v[mid]);
        double pivot = v[mid];
        ptrdiff_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (pivot < v[j])
                j--;
            if (i <= j)
                swap(&v[i++], &v[j--]);
        }
        /* Now v[lo .. j] <= pivot <= v[i .. hi], and v(j .. i) == pivot. */
        if (want <= j)
            hi = j;
        else if (want >= i)
            lo = i;
        else
            break;
    }
    return v[k];
}

static double largest(const double *v, size_t n)
{
    double m = v[0];
    for (size_t i = 1; i < n; i++)
        if (v[i] > m)
            m = v[i];
    return m;
}

/* The median of v[0 .. n), n > 0; v is reordered around it. */
static double median(double *v, size_t n)
{
    double upper = nth(v, n, n / 2);
    return n % 2 ? upper : (largest(v, n / 2) + upper) / 2;
}

/* Evenly thinned indexes when n exceeds the cap. */
static size_t thin(size_t n, size_t i)
{
    return n <= GMX_TREND_MAX_POINTS ? i : i * (n - 1) / (GMX_TREND_MAX_POINTS - 1);
}

gmx_code gmx_trend_fit(const double *x, const double *y, size_t n, gmx_trend *out)
{
    size_t m = n < GMX_TREND_MAX_POINTS ? n : GMX_TREND_MAX_POINTS;
    out->n = 0;
    if (m < 2)
        return GMX_OK;
    double *slopes = gmx_mallocarray(m * (m - 1) / 2 + m, sizeof(*slopes));
    if (!slopes)
        return GMX_ENOMEM;
    size_t k = 0, rises = 0;
    for (size_t i = 0; i < m; i++) {
        size_t a = thin(n, i);
        if (i + 1 < m && y[thin(n, i + 1)] > y[a])
            rises++;
        for (size_t j = i + 1; j < m; j++) {
            size_t b = thin(n, j);
            if (x[b] != x[a])
                slopes[k++] = (y[b] - y[a]) / (x[b] - x[a]);
        }
    }
    if (k == 0) {
        gmx_free(slopes);
        return GMX_OK;
    }
    /* The median splits the slopes: each quartile is found on its side. */
    size_t mid = k / 2, low = (k - 1) / 4, high = k - 1 - low;
    out->slope = median(slopes, k);
    out->slope_low = low < mid ? nth(slopes, mid, low) : slopes[mid];
    out->slope_high = high > mid ? nth(slopes + mid + 1, k - mid - 1, high - mid - 1)
                                 : slopes[mid];
    for (size_t i = 0; i < m; i++)
        slopes[i] = y[thin(n, i)] - out->slope * x[thin(n, i)];
    out->intercept = median(slopes, m);
    out->rising = (double)rises / (double)(m - 1);
    out->first = y[0];
    out->last = y[n - 1];
    out->n = n;
    gmx_free(slopes);
    return GMX_OK;
}

bool gmx_trend_is_growth(const gmx_trend *t, double min_rise)
{
    return t->slope > 0 && t->rising >= 0.6 && t->last - t->first >= min_rise;
}

/* Least squares of y on h = max(0, x - x0): returns the SSE, slope in *b. */
static double hinge_sse(const double *x, const double *y, size_t n, double x0, double *b)
{
    double sh = 0, sy = 0, shh = 0, shy = 0;
    for (size_t i = 0; i < n; i++) {
        double h = x[i] > x0 ? x[i] - x0 : 0;
        sh += h;
        sy += y[i];
        shh += h * h;
        shy += h * y[i];
    }
    double den = (double)n * shh - sh * sh;
    *b = den > 0 ? ((double)n * shy - sh * sy) / den : 0;
    double a = (sy - *b * sh) / (double)n, sse = 0;
    for (size_t i = 0; i < n; i++) {
        double h = x[i] > x0 ? x[i] - x0 : 0;
        double r = y[i] - a - *b * h;
        sse += r * r;
    }
    return sse;
}

/* Two flat levels, split after point k: the SSE, or +inf when the level
 * does not rise. */
static double step_sse(const double *y, size_t n, size_t k)
{
    double left = 0, right = 0;
    for (size_t i = 0; i < n; i++)
        *(i <= k ? &left : &right) += y[i];
    left /= (double)(k + 1);
    right /= (double)(n - k - 1);
    if (right <= left)
        return INFINITY;
    double sse = 0;
    for (size_t i = 0; i < n; i++) {
        double r = y[i] - (i <= k ? left : right);
        sse += r * r;
    }
    return sse;
}

bool gmx_trend_change_point(const double *x, const double *y, size_t n, double *at)
{
    if (n < 4)
        return false;
    double b0;
    /* A hinge before the first point is a plain line. */
    double line = hinge_sse(x, y, n, x[0] - 1, &b0);
    double best = INFINITY, best_x = x[0];
    /* A ramp that starts at x[k] (a leak), or a jump between x[k] and
     * x[k+1] (a burst): growth had begun by x[k+1] at the latest. */
    for (size_t k = 1; k + 2 < n; k++) {
        double b;
        double sse = hinge_sse(x, y, n, x[k], &b);
        if (b > 0 && sse < best) {
            best = sse;
            best_x = x[k];
        }
    }
    for (size_t k = 1; k + 2 < n; k++) {
        double sse = step_sse(y, n, k);
        if (sse < best) {
            best = sse;
            best_x = x[k + 1];
        }
    }
    /* The hinge must explain clearly more than a line does. */
    if (!isfinite(best) || best > line * 0.5)
        return false;
    *at = best_x;
    return true;
}

double gmx_trend_time_to(double value_now, double slope, double limit)
{
    if (value_now >= limit)
        return -(value_now - limit) / (slope > 0 ? slope : 1);
    if (slope <= 0)
        return INFINITY;
    return (limit - value_now) / slope;
}
