/* The HTML report: SHA-256 for its CSP, the flame tree, and the page's data
 * that no input can break out of. */
#include "testutil.h"
#include "gomemdx/html.h"
#include "report/flame.h"
#include "util/sha256.h"

#include <stdlib.h>
#include <string.h>

static void test_html__sha256_base64_matches_fips_vectors(void **state)
{
    (void)state;
    char b64[GMX_SHA256_BASE64_SIZE];
    gmx_sha256_base64("", 0, b64);
    assert_string_equal(b64, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    gmx_sha256_base64("abc", 3, b64);
    assert_string_equal(b64, "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
    /* 56 bytes: the length no longer fits the first padded block. */
    const char *two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    uint8_t d[GMX_SHA256_BYTES];
    gmx_sha256(two_blocks, strlen(two_blocks), d);
    static const uint8_t want[GMX_SHA256_BYTES] = {
        0x24, 0x8d, 0x6a, 0x61, 0xd2, 0x06, 0x38, 0xb8, 0xe5, 0xc0, 0x26, 0x93, 0x0c, 0x3e, 0x60, 0x39,
        0xa3, 0x3c, 0xe4, 0x59, 0x64, 0xff, 0x21, 0x67, 0xf6, 0xec, 0xed, 0xd4, 0x19, 0xdb, 0x06, 0xc1
    };
    assert_memory_equal(d, want, sizeof(want));
}

static gmx_str s(const char *text)
{
    return (gmx_str){ text, strlen(text) };
}

/* The number right after the first needle in hay. */
static long after(const char *hay, const char *needle)
{
    const char *p = strstr(hay, needle);
    assert_non_null(p);
    return strtol(p + strlen(needle), NULL, 10);
}

/* The flame's JSON into b (release it after). */
static void flame_text(const gmx_flame *fl, gmx_buf *b)
{
    gmx_buf_init(b, 0);
    gmx_json j;
    gmx_json_init(&j, b);
    gmx_flame_json(fl, "goroutines", "test", &j);
    assert_false(b->failed);
}

static void test_html__flame_merges_common_prefixes_and_keeps_marks(void **state)
{
    (void)state;
    static const char *const kinds[] = { "other", "chan receive" };
    gmx_flame *fl = gmx_flame_new("all", kinds, 2, 0);
    assert_non_null(fl);
    gmx_str leak[] = { s("main.main"), s("main.worker"), s("runtime.chanrecv") };
    gmx_str idle[] = { s("main.main"), s("main.idle") };
    gmx_flame_add(fl, leak, 3, 40, 1, 40, 1);
    gmx_flame_add(fl, idle, 2, 2, 0, 0, 0);
    gmx_flame_add(fl, idle, 2, 0, 0, 0, 0);
    gmx_buf b;
    flame_text(fl, &b);
    /* root, main.main, main.worker, runtime.chanrecv, main.idle: five nodes. */
    size_t nodes = 0;
    for (const char *p = strstr(b.data, "\"nodes\""); (p = strchr(p + 1, '[')) != NULL;)
        nodes++;
    assert_int_equal(nodes - 1, 5);
    /* main.main carries both stacks, its kind the one with the most. */
    assert_int_equal(after(b.data, "\"main.main\",\n      "), 42);
    assert_int_equal(after(b.data, "\"main.main\",\n      42,\n      "), 1);
    /* The leaf of the leak keeps the finding's rank and its marked count. */
    assert_int_equal(after(b.data, "\"runtime.chanrecv\",\n      40,\n      1,\n      "), 40);
    gmx_buf_release(&b);
    gmx_flame_free(fl);
}

static void test_html__flame_stops_at_its_node_budget(void **state)
{
    (void)state;
    gmx_flame *fl = gmx_flame_new("all", NULL, 0, 3);
    gmx_str deep[] = { s("a"), s("b"), s("c"), s("d") };
    gmx_flame_add(fl, deep, 4, 7, 0, 0, 0);
    gmx_buf b;
    flame_text(fl, &b);
    assert_non_null(strstr(b.data, "\"b\""));
    assert_null(strstr(b.data, "\"c\""));
    assert_int_equal(after(b.data, "\"b\",\n      "), 7);
    gmx_buf_release(&b);
    gmx_flame_free(fl);
}

/* Text from the input inside the report document: it cannot end the data
 * script, open a comment, or split a line for the JS parser. */
static void test_html__data_cannot_break_out_of_its_script(void **state)
{
    (void)state;
    const char *report = "{\"title\": \"</script><script>alert(1)</script><!-- & \xe2\x80\xa8\"}";
    gmx_html *h = gmx_html_new("diagnose");
    assert_non_null(h);
    assert_int_equal(gmx_html_set_report(h, report, strlen(report), NULL), GMX_OK);
    char *page = NULL;
    size_t len = 0;
    assert_int_equal(gmx_html_render(h, &page, &len, NULL), GMX_OK);
    const char *data = strstr(page, "id=\"data\">");
    assert_non_null(data);
    data += strlen("id=\"data\">");
    const char *end = strstr(data, "</script>");
    assert_non_null(end);
    for (const char *p = data; p < end; p++)
        assert_true(*p != '<' && *p != '>' && *p != '&');
    assert_null(strstr(page, "\xe2\x80\xa8"));
    assert_non_null(strstr(data, "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)"));
    assert_non_null(strstr(data, "\\u2028"));
    /* Exactly the page's own two scripts close. */
    int closes = 0;
    for (const char *p = page; (p = strstr(p, "</script>")) != NULL; p++)
        closes++;
    assert_int_equal(closes, 2);
    gmx_render_free(page);
    gmx_html_free(h);
}

/* A page carries the most suspicious findings and counts the rest. */
static void test_html__json_cuts_findings_at_max_and_counts_the_rest(void **state)
{
    (void)state;
    gmx_findings *f = gmx_findings_new();
    for (int i = 0; i < 3; i++) {
        gmx_finding *fd = gmx_findings_add(f);
        fd->title = gmx_findings_printf(f, "finding %d", i);
        fd->severity = GMX_SEV_WARNING;
    }
    gmx_findings_rank(f);
    gmx_render_options o = { 0 };
    o.max_findings = 2;
    char *json = NULL;
    size_t len = 0;
    assert_int_equal(gmx_render_json(f, &o, &json, &len, NULL), GMX_OK);
    assert_non_null(strstr(json, "\"findings_left_out\": 1"));
    assert_int_equal(after(json, "\"rank\": "), 1);
    assert_null(strstr(json, "\"rank\": 3"));
    gmx_render_free(json);
    o.max_findings = 0;
    assert_int_equal(gmx_render_json(f, &o, &json, &len, NULL), GMX_OK);
    assert_null(strstr(json, "findings_left_out"));
    assert_non_null(strstr(json, "\"rank\": 3"));
    gmx_render_free(json);
    gmx_findings_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_html__sha256_base64_matches_fips_vectors),
        cmocka_unit_test(test_html__flame_merges_common_prefixes_and_keeps_marks),
        cmocka_unit_test(test_html__flame_stops_at_its_node_budget),
        cmocka_unit_test(test_html__data_cannot_break_out_of_its_script),
        cmocka_unit_test(test_html__json_cuts_findings_at_max_and_counts_the_rest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
