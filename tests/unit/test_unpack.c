/* A file compressed with xz, zstd, bzip2 or lz4 opens as the file it holds
 * (load/unpack.c); a damaged stream, one past the cap, and a compressed
 * core or executable are one clear error each. Fixtures: testdata/compressed
 * (a lab dump, compressed by each tool). */
#include "testutil.h"
#include "gomemdx/input.h"
#include "util/compression.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DUMP "testdata/lab/captures/go1.22/notifier/goroutine-t3.debug2.txt"
#define PACKED "testdata/compressed/"

static gmx_input *open_fixture(const char *path, char **bytes)
{
    size_t n;
    *bytes = tu_read_fixture(path, &n);
    assert_non_null(*bytes);
    gmx_input *in;
    gmx_error err;
    assert_int_equal(gmx_input_from_memory(path, *bytes, n, &in, &err), GMX_OK);
    return in;
}

static void test_unpack__each_compression_opens_as_its_file(void **state)
{
    (void)state;
    size_t want_len;
    char *want = tu_read_fixture(DUMP, &want_len);
    assert_non_null(want);
    static const char *const files[][2] = { { "goroutine-t3.debug2.txt.xz", "xz" },
                                            { "goroutine-t3.debug2.txt.zst", "zstd" },
                                            { "goroutine-t3.debug2.txt.bz2", "bzip2" },
                                            { "goroutine-t3.debug2.txt.lz4", "lz4" } };
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char path[256], *bytes;
        snprintf(path, sizeof(path), PACKED "%s", files[i][0]);
        gmx_input *in = open_fixture(path, &bytes);
        assert_string_equal(gmx_compression_of(gmx_input_data(in), gmx_input_size(in)), files[i][1]);
        gmx_error err;
        assert_int_equal(gmx_input_decompress(&in, 0, &err), GMX_OK);
        assert_int_equal(gmx_input_size(in), want_len);
        assert_memory_equal(gmx_input_data(in), want, want_len);
        assert_string_equal(gmx_input_name(in), path);
        gmx_input_free(in);
        free(bytes);
    }
    free(want);
    /* plain text is left alone */
    char *bytes;
    gmx_input *in = open_fixture(DUMP, &bytes);
    const void *before = gmx_input_data(in);
    gmx_error err;
    assert_int_equal(gmx_input_decompress(&in, 0, &err), GMX_OK);
    assert_ptr_equal(gmx_input_data(in), before);
    gmx_input_free(in);
    free(bytes);
}

static void test_unpack__damage_and_limits_are_errors(void **state)
{
    (void)state;
    char *bytes;
    gmx_error err;
    gmx_input *in = open_fixture(PACKED "cut.txt.xz", &bytes);
    assert_int_equal(gmx_input_decompress(&in, 0, &err), GMX_EFORMAT);
    char msg[512];
    gmx_error_format(&err, msg, sizeof(msg));
    assert_non_null(strstr(msg, "cut.txt.xz"));
    assert_non_null(strstr(msg, "xz data"));
    gmx_input_free(in);
    free(bytes);

    in = open_fixture(PACKED "goroutine-t3.debug2.txt.zst", &bytes);
    assert_int_equal(gmx_input_decompress(&in, 4096, &err), GMX_ELIMIT);
    gmx_input_free(in);
    free(bytes);

    in = open_fixture(PACKED "elf-head.xz", &bytes);
    assert_int_equal(gmx_input_decompress(&in, 0, &err), GMX_EFORMAT);
    gmx_error_format(&err, msg, sizeof(msg));
    assert_non_null(strstr(msg, "decompress it first"));
    gmx_input_free(in);
    free(bytes);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unpack__each_compression_opens_as_its_file),
        cmocka_unit_test(test_unpack__damage_and_limits_are_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
