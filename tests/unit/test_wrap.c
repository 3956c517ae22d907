/* util/wrap: wrapping by display width, for English and Chinese reports. */
#include "testutil.h"
#include "util/buf.h"
#include "util/wrap.h"

#include <stdlib.h>
#include <string.h>

/* text wrapped from column col, continuation lines at indent. */
static char *wrapped(const char *text, size_t col, size_t indent, size_t width)
{
    gmx_buf b;
    gmx_buf_init(&b, 0);
    gmx_wrap(&b, text, col, indent, width);
    gmx_buf_putc(&b, '\0');
    return gmx_buf_detach(&b, NULL);
}

/* Every line of s at most width columns wide (a line's first piece may
 * overflow alone), the first counted from col. */
static void assert_lines_fit(const char *s, size_t col, size_t width)
{
    for (const char *line = s; *line;) {
        const char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) : strlen(line);
        assert_true(col + gmx_wrap_width(line, n) <= width);
        col = 0;
        line += n + (end != NULL);
    }
}

static void test_wrap__counts_cjk_as_two_columns(void **state)
{
    (void)state;
    assert_int_equal(gmx_wrap_width("abc", 3), 3);
    assert_int_equal(gmx_wrap_width("内存", strlen("内存")), 4);
    assert_int_equal(gmx_wrap_width("（map）", strlen("（map）")), 7);
    assert_int_equal(gmx_wrap_width("1.0 → 2.0", strlen("1.0 → 2.0")), 9);
    /* A sequence cut short counts its bytes one column each. */
    assert_int_equal(gmx_wrap_width("内", 2), 2);
}

static void test_wrap__ascii_breaks_at_spaces_only(void **state)
{
    (void)state;
    char *s = wrapped("Give the channel a buffer of one so the sender can always finish", 0, 2, 20);
    assert_string_equal(s, "Give the channel a\n  buffer of one so\n  the sender can\n  always finish");
    free(s);
    /* A word longer than a line overflows it, unbroken. */
    s = wrapped("see http.Client{Timeout:...}.Do now", 0, 0, 10);
    assert_string_equal(s, "see\nhttp.Client{Timeout:...}.Do\nnow");
    free(s);
}

static void test_wrap__cjk_breaks_between_characters(void **state)
{
    (void)state;
    /* Ten columns: five CJK characters a line, no space needed. */
    char *s = wrapped("每个请求都做了大量分配只构建一次", 0, 0, 10);
    assert_string_equal(s, "每个请求都\n做了大量分\n配只构建一\n次");
    free(s);
}

static void test_wrap__mixed_never_splits_a_word_or_number(void **state)
{
    (void)state;
    const char *text = "每个请求都做了大量分配（例如根据上传的数据构建巨大的 map），在高 QPS "
                       "下瞬间耗尽内存。给 channel 一个大小为 1024 的缓冲，或者用 select 同时等待 "
                       "ctx.Done()。";
    char *s = wrapped(text, 15, 15, 40);
    assert_lines_fit(s, 15, 40);
    /* No ASCII word or number is cut, and nothing is lost but spaces. */
    assert_non_null(strstr(s, "ctx.Done()"));
    assert_non_null(strstr(s, "1024"));
    assert_non_null(strstr(s, "QPS"));
    char *joined = calloc(1, strlen(s) + 1), *o = joined;
    for (const char *p = s; *p; p++)
        if (*p != ' ' && *p != '\n')
            *o++ = *p;
    char *expect = calloc(1, strlen(text) + 1);
    o = expect;
    for (const char *p = text; *p; p++)
        if (*p != ' ')
            *o++ = *p;
    assert_string_equal(joined, expect);
    free(joined);
    free(expect);
    /* The ragged output of wrapping at spaces only is gone: the line with
     * "map）" goes on to the width instead of stopping there. */
    assert_null(strstr(s, "map），在高 QPS\n"));
    free(s);
}

static void test_wrap__keeps_punctuation_off_line_edges(void **state)
{
    (void)state;
    /* "，" may not begin a line: it goes with the character before it. */
    char *s = wrapped("一二三四，五六", 0, 0, 8);
    assert_string_equal(s, "一二三\n四，五六");
    free(s);
    /* "（" may not end a line: it goes with what follows it. */
    s = wrapped("一二三（四五", 0, 0, 8);
    assert_string_equal(s, "一二三\n（四五");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wrap__counts_cjk_as_two_columns),
        cmocka_unit_test(test_wrap__ascii_breaks_at_spaces_only),
        cmocka_unit_test(test_wrap__cjk_breaks_between_characters),
        cmocka_unit_test(test_wrap__mixed_never_splits_a_word_or_number),
        cmocka_unit_test(test_wrap__keeps_punctuation_off_line_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
