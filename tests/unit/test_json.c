/* util/json: the writer behind the findings contract. */
#include "testutil.h"
#include "util/json.h"

#include <stdlib.h>

static void test_json__nests_with_commas_and_indents(void **state)
{
    (void)state;
    gmx_buf b;
    gmx_buf_init(&b, 0);
    gmx_json j;
    gmx_json_init(&j, &b);
    gmx_json_object_begin(&j);
    gmx_json_key(&j, "schema");
    gmx_json_cstring(&j, "gomemdx/1");
    gmx_json_key(&j, "list");
    gmx_json_array_begin(&j);
    gmx_json_uint(&j, 1);
    gmx_json_int(&j, -2);
    gmx_json_double(&j, 0.5);
    gmx_json_bool(&j, true);
    gmx_json_null(&j);
    gmx_json_array_end(&j);
    gmx_json_key(&j, "empty");
    gmx_json_object_begin(&j);
    gmx_json_object_end(&j);
    gmx_json_object_end(&j);
    assert_false(b.failed);
    assert_string_equal(b.data, "{\n  \"schema\": \"gomemdx/1\",\n  \"list\": [\n    1,\n    -2,\n"
                                "    0.5,\n    true,\n    null\n  ],\n  \"empty\": {}\n}\n");
    gmx_buf_release(&b);
}

static void test_json__doubles_print_integers_whole_and_others_round_trip(void **state)
{
    (void)state;
    static const double values[] = { 30412805.0, 0.1, 1.0 / 3, 1e300, -2.5e-7, 123456789.125 };
    static const char *const want[] = { "30412805", "0.1", "0.3333333333333333", "1e+300",
                                        "-2.5e-07", "123456789.125" };
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        gmx_buf b;
        gmx_buf_init(&b, 0);
        gmx_json j;
        gmx_json_init(&j, &b);
        gmx_json_double(&j, values[i]);
        assert_false(b.failed);
        assert_string_equal(b.data, want[i]);
        assert_true(strtod(b.data, NULL) == values[i]);
        gmx_buf_release(&b);
    }
}

static void test_json__escapes_control_quotes_and_bad_utf8(void **state)
{
    (void)state;
    gmx_buf b;
    gmx_buf_init(&b, 0);
    const char raw[] = "a\"b\\c\n\t\x01 \xc3\xa9 \xff end";
    gmx_json_quote(&b, (gmx_str){ raw, sizeof(raw) - 1 });
    assert_string_equal(b.data, "\"a\\\"b\\\\c\\n\\t\\u0001 \xc3\xa9 \xef\xbf\xbd end\"");
    gmx_buf_release(&b);
}

static void test_json__rejects_unbalanced_and_too_deep(void **state)
{
    (void)state;
    gmx_buf b;
    gmx_buf_init(&b, 0);
    gmx_json j;
    gmx_json_init(&j, &b);
    gmx_json_array_end(&j);
    assert_true(b.failed);
    gmx_buf_release(&b);
    gmx_buf_init(&b, 0);
    gmx_json_init(&j, &b);
    for (int i = 0; i < GMX_JSON_MAX_DEPTH + 1; i++)
        gmx_json_array_begin(&j);
    assert_true(b.failed);
    gmx_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json__nests_with_commas_and_indents),
        cmocka_unit_test(test_json__doubles_print_integers_whole_and_others_round_trip),
        cmocka_unit_test(test_json__escapes_control_quotes_and_bad_utf8),
        cmocka_unit_test(test_json__rejects_unbalanced_and_too_deep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
