/* analyze/trend: slopes, growth, change points and forecasts. */
#include "testutil.h"
#include "analyze/trend.h"

#include <math.h>

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trend__theil_sen_ignores_one_outlier),
        cmocka_unit_test(test_trend__one_noisy_step_is_not_growth),
        cmocka_unit_test(test_trend__finds_when_growth_began),
        cmocka_unit_test(test_trend__time_to_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
