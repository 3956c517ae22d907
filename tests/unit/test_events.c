/* parse/events* and model/events: the events file of diagnose --events. */
#include "testutil.h"
#include "gomemdx/events.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEC INT64_C(1000000000)
#define T_RELEASE (INT64_C(1795656600) * SEC) /* 2026-11-26T01:30:00Z */

static gmx_events *parse_fixture(const char *file)
{
    char path[256];
    snprintf(path, sizeof(path), "tests/fuzz/corpus/events/%s", file);
    size_t len;
    char *text = tu_read_fixture(path, &len);
    assert_non_null(text);
    gmx_events *e;
    gmx_error err;
    if (gmx_events_parse(file, text, len, &e, &err) != GMX_OK)
        fail_msg("%s:%llu: %s", file, (unsigned long long)err.line, err.message);
    free(text); /* the list owns copies of the descriptions */
    return e;
}

static void assert_event(const gmx_events *e, size_t i, int64_t t, gmx_event_kind k,
                         const char *desc, uint64_t line)
{
    const gmx_event *ev = gmx_events_at(e, i);
    assert_non_null(ev);
    assert_true(ev->time_ns == t);
    assert_int_equal(ev->kind, k);
    if (!gmx_str_eq_cstr(ev->description, desc))
        fail_msg("event %zu: '%.*s', want '%s'", i, (int)ev->description.n, ev->description.p,
                 desc);
    assert_int_equal(ev->line, line);
}

static void test_events__csv_quoted_crlf_sorted(void **state)
{
    (void)state;
    gmx_events *e = parse_fixture("seed-incident.csv");
    assert_int_equal(gmx_events_count(e), 3);
    assert_event(e, 0, T_RELEASE, GMX_EVENT_RELEASE, "promo v2.3 (eligibility from uploads)", 3);
    assert_event(e, 1, T_RELEASE, GMX_EVENT_CONFIG, "raise storefront workers to 64", 4);
    assert_event(e, 2, T_RELEASE + 544 * SEC, GMX_EVENT_OPS,
                 "admin upload: 3,000,000 eligible accounts for \"spring\"", 2);
    gmx_events_free(e);
}

static void test_events__csv_columns_in_any_order(void **state)
{
    (void)state;
    gmx_events *e = parse_fixture("seed-columns-any-order.csv");
    assert_int_equal(gmx_events_count(e), 2);
    assert_event(e, 0, T_RELEASE, GMX_EVENT_DEPENDENCY, "x", 2);
    assert_event(e, 1, T_RELEASE + SEC / 2, GMX_EVENT_PLATFORM, "y", 4);
    gmx_events_free(e);
}

static void test_events__json_array(void **state)
{
    (void)state;
    gmx_events *e = parse_fixture("seed-incident.json");
    assert_int_equal(gmx_events_count(e), 3);
    assert_event(e, 0, T_RELEASE, GMX_EVENT_RELEASE, "promo v2.3", 4);
    assert_event(e, 1, T_RELEASE + 300 * SEC, GMX_EVENT_CONFIG, "raise workers", 5);
    assert_event(e, 2, T_RELEASE + 544 * SEC + SEC / 2, GMX_EVENT_OPS,
                 "admin upload: 3,000,000 eligible accounts", 2);
    gmx_events_free(e);
    gmx_error err;
    assert_int_equal(gmx_events_parse("e.json", " [ ] ", 5, &e, &err), GMX_OK);
    assert_int_equal(gmx_events_count(e), 0);
    gmx_events_free(e);
}

static void expect_error(const char *text, uint64_t line, const char *msg)
{
    gmx_events *e = (gmx_events *)1;
    gmx_error err;
    assert_int_equal(gmx_events_parse("ev.csv", text, strlen(text), &e, &err), GMX_EFORMAT);
    assert_null(e);
    char out[512];
    gmx_error_format(&err, out, sizeof(out));
    assert_int_equal(err.line, line);
    if (!strstr(out, msg))
        fail_msg("error '%s' lacks '%s'", out, msg);
}

static void test_events__errors_name_file_and_line(void **state)
{
    (void)state;
    expect_error("time,kind,description\n2026-11-26T01:30:00Z,deploy,x\n", 2,
                 "ev.csv:2: unknown event kind \"deploy\"");
    expect_error("time,kind,description\n\nlast tuesday,ops,x\n", 3,
                 "ev.csv:3: unparseable time \"last tuesday\"");
    expect_error("when,kind,description\n", 1, "ev.csv:1: header must name the columns");
    expect_error("", 1, "empty events file");
    expect_error("time,kind,description\n1,ops\n", 2, "fewer fields");
    expect_error("time,kind,description\n1,ops,\"open\n", 2, "unterminated quoted field");
    expect_error("time,kind,description\n1,ops,\"a\"b\n", 2, "text after a closing quote");
    expect_error("[\n {\"time\": 1, \"kind\": \"ops\"},\n {\"time\": \"x\", \"kind\": \"ops\"}\n]", 3,
                 "ev.csv:3: unparseable time");
    expect_error("[\n {\"time\": 1, \"kind\": \"oops\"}\n]", 2, "unknown event kind");
    expect_error("[\n {\"time\": 1,\n \"kind\": }]", 3, "ev.csv:3: invalid JSON");
    expect_error("[{\"time\": 1, \"kind\": \"ops\"} {}]", 1, "expected ',' or ']'");
    expect_error("[1]", 1, "expected an object");
    expect_error("[] x", 1, "unexpected text after the array");
}

static void test_events__kind_names(void **state)
{
    (void)state;
    gmx_event_kind k;
    assert_true(gmx_event_kind_parse(gmx_str_cstr("Dependency"), &k));
    assert_int_equal(k, GMX_EVENT_DEPENDENCY);
    assert_string_equal(gmx_event_kind_name(GMX_EVENT_OPS), "ops");
    assert_false(gmx_event_kind_parse(gmx_str_cstr("op"), &k));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_events__csv_quoted_crlf_sorted),
        cmocka_unit_test(test_events__csv_columns_in_any_order),
        cmocka_unit_test(test_events__json_array),
        cmocka_unit_test(test_events__errors_name_file_and_line),
        cmocka_unit_test(test_events__kind_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
