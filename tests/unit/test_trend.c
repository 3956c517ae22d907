/* analyze/trend: slopes, growth, change points and forecasts. */
#include "testutil.h"
#include "analyze/trend.h"

#include <math.h>
#include <stdlib.h>

static void test_trend__theil_sen_ignores_one_outlier(void **state)
{
    (void)state;
    double x[] = { 0, 60, 120, 180, 240, 300, 360 };
    double y[] = { 100, 160, 220, 5000, 340, 400, 460 }; /* 1/s, one spike */
    gmx_trend t;
    assert_int_equal(gmx_trend_fit(x, y, 7, &t), GMX_OK);
    assert_true(t.n > 0);
    assert_true(fabs(t.slope - 1.0) < 1e-9);
    assert_true(fabs(t.intercept - 100) < 1e-9);
    assert_true(gmx_trend_is_growth(&t, 100));
    assert_false(gmx_trend_is_growth(&t, 1000)); /* rose only 360 */
}

static void test_trend__one_noisy_step_is_not_growth(void **state)
{
    (void)state;
    double x[] = { 0, 10, 20, 30, 40, 50 };
    double flat[] = { 500, 480, 510, 490, 505, 495 };
    gmx_trend t;
    assert_int_equal(gmx_trend_fit(x, flat, 6, &t), GMX_OK);
    assert_true(t.n > 0);
    assert_false(gmx_trend_is_growth(&t, 1));
    double step[] = { 500, 500, 500, 500, 500, 900 };
    assert_int_equal(gmx_trend_fit(x, step, 6, &t), GMX_OK);
    assert_true(t.n > 0);
    assert_false(gmx_trend_is_growth(&t, 1)); /* slope of the median pair is 0 */
    assert_int_equal(gmx_trend_fit(x, flat, 1, &t), GMX_OK);
    assert_int_equal(t.n, 0); /* one point: no fit */
}

static void test_trend__finds_when_growth_began(void **state)
{
    (void)state;
    double x[12], y[12];
    for (int i = 0; i < 12; i++) {
        x[i] = i * 60.0;
        y[i] = i <= 5 ? 1000 + (i % 2) * 10 : 1000 + (i - 5) * 400.0;
    }
    double at;
    assert_true(gmx_trend_change_point(x, y, 12, &at));
    assert_true(at >= 240 && at <= 360);
    double line[12];
    for (int i = 0; i < 12; i++)
        line[i] = 50.0 * i;
    assert_false(gmx_trend_change_point(x, line, 12, &at)); /* growth from the start */
    /* A burst: flat, then a jump to a noisy plateau (the lab's promo). */
    double burst[11] = { 0.5, 0.5, 0.5, 1.0, 1.0, 28.5, 19.8, 29.0, 24.4, 25.9, 30.0 };
    assert_true(gmx_trend_change_point(x, burst, 11, &at));
    assert_true(at == 300); /* the first point after the jump */
}

static void test_trend__time_to_limit(void **state)
{
    (void)state;
    assert_true(fabs(gmx_trend_time_to(600, 2, 1000) - 200) < 1e-9);
    assert_true(isinf(gmx_trend_time_to(600, 0, 1000)));
    assert_true(gmx_trend_time_to(1200, 2, 1000) < 0);
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The fit by its definition: every slope sorted, the median and the
 * quartiles read off the sorted array (x distinct, n within the cap). */
static void reference_fit(const double *x, const double *y, size_t n, gmx_trend *t)
{
    double *v = malloc((n * (n - 1) / 2 + n) * sizeof(*v));
    assert_non_null(v);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            v[k++] = (y[j] - y[i]) / (x[j] - x[i]);
    qsort(v, k, sizeof(*v), by_value);
    t->slope = k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
    t->slope_low = v[(k - 1) / 4];
    t->slope_high = v[k - 1 - (k - 1) / 4];
    for (size_t i = 0; i < n; i++)
        v[i] = y[i] - t->slope * x[i];
    qsort(v, n, sizeof(*v), by_value);
    t->intercept = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    free(v);
}

/* The fit selects its order statistics instead of sorting: the same
 * values, bit for bit, on series with ties, plateaus, steps and noise. */
static void test_trend__selection_equals_sorting(void **state)
{
    (void)state;
    double x[GMX_TREND_MAX_POINTS], y[GMX_TREND_MAX_POINTS];
    unsigned seed = 12345;
    size_t sizes[] = { 2, 3, 4, 5, 7, 20, 21, 64, 200, GMX_TREND_MAX_POINTS };
    for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        for (int shape = 0; shape < 5; shape++) {
            size_t n = sizes[s];
            for (size_t i = 0; i < n; i++) {
                seed = seed * 1103515245u + 12345u;
                double noise = (double)((seed >> 16) % 1000);
                x[i] = 60.0 * (double)i;
                y[i] = shape == 0   ? 100.0                          /* flat: every slope 0 */
                       : shape == 1 ? 1000.0 * (double)i             /* a line */
                       : shape == 2 ? (double)((seed >> 16) % 4)     /* few values, many ties */
                       : shape == 3 ? (i < n / 2 ? 0.0 : 5000.0)     /* a step */
                                    : 1000.0 * (double)i + noise;    /* a noisy line */
            }
            gmx_trend got, want;
            assert_int_equal(gmx_trend_fit(x, y, n, &got), GMX_OK);
            reference_fit(x, y, n, &want);
            assert_true(got.n == n);
            assert_true(got.slope == want.slope);
            assert_true(got.slope_low == want.slope_low);
            assert_true(got.slope_high == want.slope_high);
            assert_true(got.intercept == want.intercept);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trend__theil_sen_ignores_one_outlier),
        cmocka_unit_test(test_trend__one_noisy_step_is_not_growth),
        cmocka_unit_test(test_trend__finds_when_growth_began),
        cmocka_unit_test(test_trend__time_to_limit),
        cmocka_unit_test(test_trend__selection_equals_sorting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
