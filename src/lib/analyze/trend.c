#include "analyze/trend.h"
#include "util/alloc.h"

#include <math.h>
#include <stdlib.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
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
    out->slope = median(slopes, k); /* sorts them */
    out->slope_low = slopes[(k - 1) / 4];
    out->slope_high = slopes[k - 1 - (k - 1) / 4];
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
