/* util/timeparse: timestamps of events files and log lines. */
#include "testutil.h"
#include "util/timeparse.h"

#include <math.h>

#define SEC INT64_C(1000000000)
/* 2026-11-26T01:38:55Z */
#define T0 (INT64_C(1795657135) * SEC)

static void expect_time(const char *s, int64_t want)
{
    int64_t ns = 0;
    if (!gmx_parse_time(gmx_str_cstr(s), &ns))
        fail_msg("'%s' did not parse", s);
    if (ns != want)
        fail_msg("'%s': got %lld, want %lld", s, (long long)ns, (long long)want);
}

static void expect_reject(const char *s)
{
    int64_t ns;
    if (gmx_parse_time(gmx_str_cstr(s), &ns))
        fail_msg("'%s' parsed", s);
}

static void test_timeparse__rfc3339_and_plain_forms(void **state)
{
    (void)state;
    expect_time("2026-11-26T01:38:55Z", T0);
    expect_time("2026-11-26t01:38:55z", T0);
    expect_time("2026-11-26T09:38:55+08:00", T0);
    expect_time("2026-11-25T20:08:55-05:30", T0);
    expect_time("2026-11-26T09:38:55+0800", T0);
    expect_time("2026-11-26T01:38:55.5Z", T0 + SEC / 2);
    expect_time("2026-11-26T01:38:55.123456789123Z", T0 + 123456789);
    expect_time("2026-11-26 01:38:55", T0);
    expect_time(" 2026-11-26 01:38:55.000001 ", T0 + 1000);
    expect_time("2026/11/26 01:38:55.382216", T0 + 382216000);
    expect_time("1970-01-01T00:00:00Z", 0);
    expect_time("1969-12-31T23:59:59Z", -SEC);
    expect_time("2024-02-29T00:00:00Z", INT64_C(1709164800) * SEC);
}

static void test_timeparse__unix_seconds_and_milliseconds(void **state)
{
    (void)state;
    expect_time("1795657135", T0);
    expect_time("1795657135.25", T0 + SEC / 4);
    expect_time("1795657135000", T0);
    expect_time("1795657135000123", T0 + 123000);
    expect_time("1795657135000000007", T0 + 7);
    expect_time("0", 0);
}

static void test_timeparse__rejects_what_is_not_a_time(void **state)
{
    (void)state;
    expect_reject("");
    expect_reject("yesterday");
    expect_reject("2026-13-01T00:00:00Z");
    expect_reject("2026-02-29T00:00:00Z");
    expect_reject("2026-11-26T24:00:00Z");
    expect_reject("2026-11-26T01:38:55+25:00");
    expect_reject("2026-11-26T01:38");
    expect_reject("2026/11/26T01:38:55");
    expect_reject("2026-11-26T01:38:55Z trailing");
    expect_reject("1795657135000.5");
    expect_reject("-1");
    expect_reject("99999999999999999999");
    expect_reject("3000-01-01T00:00:00Z");
    expect_reject("17956595656600");  /* ms past 2262 */
    expect_reject("9300000000");      /* s past 2262 */
    expect_reject("99999999999999999"); /* us past 2262 */
}

static void test_timeparse__prefixes_of_log_lines(void **state)
{
    (void)state;
    int64_t ns;
    const char *go = "2026/11/26 01:38:55.382216 promo: listening";
    assert_int_equal(gmx_scan_time(gmx_str_cstr(go), &ns), 26);
    assert_true(ns == T0 + 382216000);
    assert_int_equal(gmx_scan_time(gmx_str_cstr("2026/11/26 01:38:55 msg"), &ns), 19);
    assert_int_equal(gmx_scan_time(gmx_str_cstr("2026-11-26T01:38:55.1Z level=info"), &ns), 22);
    assert_int_equal(gmx_scan_time(gmx_str_cstr("fatal error: out of memory"), &ns), 0);
    assert_int_equal(gmx_scan_syslog_time(gmx_str_cstr("Nov 26 01:38:55 host kernel:"), &ns), 15);
    assert_true(ns == ((INT64_C(304) + 25) * 86400 + 1 * 3600 + 38 * 60 + 55) * SEC);
    assert_int_equal(gmx_scan_syslog_time(gmx_str_cstr("Jan  2 00:00:01 h"), &ns), 15);
    assert_true(ns == (86400 + 1) * SEC);
    assert_int_equal(gmx_scan_syslog_time(gmx_str_cstr("Foo 26 01:38:55 h"), &ns), 0);
    assert_int_equal(gmx_scan_syslog_time(gmx_str_cstr("Nov 31 01:38:55 h"), &ns), 0);
}

/* Durations as Go's time.Duration.String writes them (the testing
 * package's "test timed out after 1h0m0s"), at the start of a text. */
static void test_timeparse__go_durations(void **state)
{
    (void)state;
    double sec = -1;
    assert_int_equal(gmx_scan_go_duration(gmx_str_cstr("1h2m3.5s"), &sec), 8);
    assert_true(sec == 3723.5);
    assert_int_equal(gmx_scan_go_duration(gmx_str_cstr("30m0s\n\ngoroutine 1"), &sec), 5);
    assert_true(sec == 1800);
    assert_int_equal(gmx_scan_go_duration(gmx_str_cstr("250ms"), &sec), 5);
    assert_true(sec == 0.25);
    assert_int_equal(gmx_scan_go_duration(gmx_str_cstr("1.5\xc2\xb5s"), &sec), 6);
    assert_true(fabs(sec - 1.5e-6) < 1e-15);
    assert_int_equal(gmx_scan_go_duration(gmx_str_cstr("0s"), &sec), 2);
    assert_true(sec == 0);
    /* a number with no unit is no duration; what follows a unit is left */
    sec = -1;
    assert_int_equal(gmx_scan_go_duration(gmx_str_cstr("10"), &sec), 0);
    assert_int_equal(gmx_scan_go_duration(gmx_str_cstr("-1s"), &sec), 0);
    assert_int_equal(gmx_scan_go_duration(gmx_str_cstr("1h30"), &sec), 2);
    assert_true(sec == 3600);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timeparse__rfc3339_and_plain_forms),
        cmocka_unit_test(test_timeparse__unix_seconds_and_milliseconds),
        cmocka_unit_test(test_timeparse__rejects_what_is_not_a_time),
        cmocka_unit_test(test_timeparse__prefixes_of_log_lines),
        cmocka_unit_test(test_timeparse__go_durations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
