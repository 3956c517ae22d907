/* Robust trends over short time series (a handful to a few hundred points):
 * the growth rate of a site or a process, when growth began, when a limit
 * will be reached. x is time in seconds, y the measured quantity. */
#ifndef GMX_ANALYZE_TREND_H
#define GMX_ANALYZE_TREND_H

#include "gomemdx/error.h"

#include <stdbool.h>
#include <stddef.h>

/* Points used at most; longer series are thinned evenly first. */
#define GMX_TREND_MAX_POINTS 512

typedef struct gmx_trend {
    double slope;        /* Theil-Sen: median of pairwise slopes, per second */
    double slope_low, slope_high; /* their first and third quartiles: how loose the fit is */
    double intercept;    /* median of y - slope * x */
    double rising;       /* share of consecutive steps that rose, 0..1 */
    double first, last;  /* y at the first and last point */
    size_t n;
} gmx_trend;

/* GMX_OK, with out->n 0 when fewer than two points have distinct x (no
 * fit); GMX_ENOMEM. */
gmx_code gmx_trend_fit(const double *x, const double *y, size_t n, gmx_trend *out);

/* Steady growth: a positive slope, most steps rising, and a total rise of
 * at least min_rise (in y's unit) from first to last. One noisy step is
 * not a trend. */
bool gmx_trend_is_growth(const gmx_trend *t, double min_rise);

/* When growth began: the best of two least-squares models, a ramp from
 * x[k] (y = a + b * max(0, x - x[k]), b > 0) and a jump to a higher level
 * after x[k] (then *at = x[k+1], when growth had begun at the latest).
 * False when one line fits about as well (no clear change) or there are
 * under 4 points. */
bool gmx_trend_change_point(const double *x, const double *y, size_t n, double *at);

/* Seconds from x_now until value, growing at slope per second, reaches
 * limit; negative when already past it, +inf when not growing. */
double gmx_trend_time_to(double value_now, double slope, double limit);

#endif
