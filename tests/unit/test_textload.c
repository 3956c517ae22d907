/* What opening a text does to it: saved as UTF-16 (PowerShell's `>`), it
 * opens as the UTF-8 text it is (load/utf16.c); with terminal colours in
 * it, without them (load/ansi.c); anything else, profiles included, is
 * left alone. */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"
#include "gomemdx/input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LAB "testdata/lab/captures/go1.22/notifier/"

/* text (UTF-8, code points below U+10000 but for the pairs it holds) as
 * UTF-16 in the order asked, after a BOM when bom. */
static unsigned char *utf16_of(const unsigned char *s, size_t n, bool le, bool bom, size_t *out_len)
{
    unsigned char *out = malloc(2 * n + 2);
    size_t k = 0;
    if (bom) {
        out[k++] = le ? 0xff : 0xfe;
        out[k++] = le ? 0xfe : 0xff;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned u = s[i]; /* ASCII only: the lab's dumps are */
        out[k++] = (unsigned char)(le ? u : 0);
        out[k++] = (unsigned char)(le ? 0 : u);
    }
    *out_len = k;
    return out;
}

/* Writes bytes to a temporary file, opens it with gmx_input_open. */
static gmx_input *open_bytes(const void *bytes, size_t n)
{
    char path[] = "/tmp/gmx-textload-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, bytes, n), (ssize_t)n);
    close(fd);
    gmx_input *in = NULL;
    gmx_error err;
    assert_int_equal(gmx_input_open(path, &in, &err), GMX_OK);
    unlink(path);
    return in;
}

static void test_textload__a_dump_saved_as_utf16_opens_as_its_text(void **state)
{
    (void)state;
    size_t n;
    unsigned char *dump = (unsigned char *)tu_read_fixture(LAB "goroutine-t3.debug2.txt", &n);
    assert_non_null(dump);
    for (int order = 0; order < 3; order++) {
        /* LE with a BOM (PowerShell 5), BE with one, LE without */
        size_t len;
        unsigned char *wide = utf16_of(dump, n, order != 1, order != 2, &len);
        gmx_input *in = open_bytes(wide, len);
        assert_int_equal(gmx_input_size(in), n);
        assert_memory_equal(gmx_input_data(in), dump, n);
        gmx_input_free(in);
        free(wide);
    }
    free(dump);
}

static void test_textload__characters_beyond_ascii_and_broken_pairs(void **state)
{
    (void)state;
    /* BOM, "é中", U+1F600 as a pair, a high surrogate alone, "\n" */
    static const unsigned char wide[] = { 0xff, 0xfe, 0xe9, 0x00, 0x2d, 0x4e, 0x3d, 0xd8,
                                          0x00, 0xde, 0x00, 0xd8, 0x0a, 0x00, 0x41 };
    static const unsigned char want[] = { 0xc3, 0xa9, 0xe4, 0xb8, 0xad, 0xf0, 0x9f, 0x98,
                                          0x80, 0xef, 0xbf, 0xbd, 0x0a };
    gmx_input *in = open_bytes(wide, sizeof(wide)); /* the odd last byte is dropped */
    assert_int_equal(gmx_input_size(in), sizeof(want));
    assert_memory_equal(gmx_input_data(in), want, sizeof(want));
    gmx_input_free(in);
}

static void test_textload__terminal_colours_are_removed(void **state)
{
    (void)state;
    /* colours (CSI), a hyperlink (OSC ended by ST, then by BEL), a charset
     * switch, and a lone ESC at the end */
    static const char coloured[] = "\033[2mgoroutine 1 [running]:\033[0m\n"
                                   "\033]8;;http://127.0.0.1/x\033\\main.main()\033]8;;\007\n"
                                   "\033(B\t/app/main.go:5 +0x1d\033[K\n\033";
    static const char plain[] = "goroutine 1 [running]:\nmain.main()\n\t/app/main.go:5 +0x1d\n";
    gmx_input *in = open_bytes(coloured, sizeof(coloured) - 1);
    assert_int_equal(gmx_input_size(in), sizeof(plain) - 1);
    assert_memory_equal(gmx_input_data(in), plain, sizeof(plain) - 1);
    gmx_input_free(in);
}

/* Profiles, compressed or not, are bytes of their own: never decoded. */
/* A text saved with a UTF-8 byte order mark (Notepad, some Windows
 * tools) opens as the text after it, small or large (a large file's
 * bytes are copied with pread from its offset): before, a heap profile's
 * text so saved was taken for a protobuf ("invalid wire type"). */
static void test_textload__a_utf8_byte_order_mark_is_skipped(void **state)
{
    (void)state;
    size_t n;
    char *text = tu_read_fixture(LAB "heap-t3.debug1.txt", &n);
    assert_non_null(text);
    size_t copies = GMX_INPUT_COPY_MIN / n + 2;
    for (size_t want = 1; want <= copies; want += copies - 1) {
        size_t len = 3 + want * n;
        char *bytes = malloc(len);
        assert_non_null(bytes);
        memcpy(bytes, "\xef\xbb\xbf", 3);
        for (size_t k = 0; k < want; k++)
            memcpy(bytes + 3 + k * n, text, n);
        gmx_input *in = open_bytes(bytes, len);
        assert_int_equal(gmx_input_size(in), want * n);
        assert_memory_equal(gmx_input_data(in), text, n);
        char head[64];
        assert_true(gmx_input_copy(in, 0, head, sizeof(head)));
        assert_memory_equal(head, text, sizeof(head));
        assert_true(gmx_input_copy(in, (want - 1) * n, head, sizeof(head)));
        assert_memory_equal(head, text, sizeof(head));
        gmx_input_free(in);
        free(bytes);
    }
    free(text);
}

static void test_textload__profiles_are_left_alone(void **state)
{
    (void)state;
    const char *files[] = { LAB "goroutine-t3.pb.gz", LAB "heap-t3.pb.gz" };
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        size_t n;
        char *gz = tu_read_fixture(files[i], &n);
        assert_non_null(gz);
        gmx_input *in = open_bytes(gz, n);
        assert_int_equal(gmx_input_size(in), n);
        gmx_error err;
        assert_int_equal(gmx_input_gunzip(&in, 0, &err), GMX_OK);
        const void *plain = gmx_input_data(in);
        assert_int_equal(gmx_input_utf8(&in, &err), GMX_OK);
        assert_ptr_equal(gmx_input_data(in), plain);
        assert_int_equal(gmx_input_strip_ansi(&in, &err), GMX_OK);
        assert_ptr_equal(gmx_input_data(in), plain);
        gmx_input_free(in);
        free(gz);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_textload__a_dump_saved_as_utf16_opens_as_its_text),
        cmocka_unit_test(test_textload__a_utf8_byte_order_mark_is_skipped),
        cmocka_unit_test(test_textload__characters_beyond_ascii_and_broken_pairs),
        cmocka_unit_test(test_textload__terminal_colours_are_removed),
        cmocka_unit_test(test_textload__profiles_are_left_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
