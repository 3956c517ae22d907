/* analyze/plist (`list`) and load/source: the per-line values against
 * top's per-function values on a lab profile, and pprof's path rules. */
#include "testutil.h"
#include "gomemdx/input.h"
#include "gomemdx/plist.h"
#include "gomemdx/ptop.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *root(void)
{
    const char *r = getenv("GMX_SOURCE_DIR");
    return r ? r : ".";
}

static gmx_profile *open_lab(const char *rel)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/testdata/lab/captures/%s", root(), rel);
    gmx_profile *p = NULL;
    gmx_error err = { 0 };
    if (gmx_profile_open(path, 0, &p, &err) != GMX_OK)
        fail_msg("%s: %s", path, err.message);
    return p;
}

static void expect_clean(const char *in, const char *want)
{
    char out[256];
    gmx_str got = gmx_source_clean(gmx_str_cstr(in), out);
    if (!gmx_str_eq_cstr(got, want))
        fail_msg("Clean(%s) = %.*s, want %s", in, (int)got.n, got.p, want);
}

/* Cases from Go's path/filepath tests. */
static void test_source__clean_as_go_does(void **state)
{
    (void)state;
    expect_clean("", ".");
    expect_clean("abc", "abc");
    expect_clean("abc/def", "abc/def");
    expect_clean("a/b/c", "a/b/c");
    expect_clean(".", ".");
    expect_clean("..", "..");
    expect_clean("../..", "../..");
    expect_clean("../../abc", "../../abc");
    expect_clean("/abc", "/abc");
    expect_clean("/", "/");
    expect_clean("abc/", "abc");
    expect_clean("abc/def/", "abc/def");
    expect_clean("/abc/", "/abc");
    expect_clean("abc//def//ghi", "abc/def/ghi");
    expect_clean("//abc", "/abc");
    expect_clean("///abc", "/abc");
    expect_clean("abc/./def", "abc/def");
    expect_clean("/./abc/def", "/abc/def");
    expect_clean("abc/.", "abc");
    expect_clean("abc/def/ghi/../jkl", "abc/def/jkl");
    expect_clean("abc/def/../ghi/../jkl", "abc/jkl");
    expect_clean("abc/def/..", "abc");
    expect_clean("abc/def/../..", ".");
    expect_clean("/abc/def/../..", "/");
    expect_clean("abc/def/../../..", "..");
    expect_clean("/abc/def/../../..", "/");
    expect_clean("abc/def/../../../ghi/jkl/../../../mno", "../../mno");
    expect_clean("abc/./../def", "def");
    expect_clean("abc//./../def", "def");
    expect_clean("abc/../../././../def", "../../def");
}

static void expect_trim(const char *path, const char *search, const char *trim, const char *want)
{
    gmx_source_path sp = { search, trim };
    gmx_str got = gmx_source_trim(gmx_str_cstr(path), &sp);
    if (!gmx_str_eq_cstr(got, want))
        fail_msg("trimPath(%s, %s, %s) = %.*s, want %s", path, trim ? trim : "", search,
                 (int)got.n, got.p, want);
}

static void test_source__trim_as_pprof_does(void **state)
{
    (void)state;
    /* No trim: everything up to the search directory's name goes. */
    expect_trim("/some/remote/path/my-project/foo/bar.c", "/my/local/path/my-project", NULL,
                "foo/bar.c");
    expect_trim("/a/b/c.go", "/x/y:/x/b", NULL, "c.go");
    expect_trim("/a/b/c.go", "/x/z", NULL, "/a/b/c.go");
    /* Configured prefixes, with or without their slash. */
    expect_trim("/go/src/promo/main.go", "../services", "/go/src", "promo/main.go");
    expect_trim("/go/src/promo/main.go", ".", "/x:/go/src/", "promo/main.go");
    expect_trim("/go/srcx/main.go", ".", "/go/src", "/go/srcx/main.go");
    /* Bazel's and Blaze's sandboxes, always. */
    expect_trim("/proc/self/cwd/./pkg/a.go", ".", NULL, "pkg/a.go");
    expect_trim("/proc/self/cwd/pkg/a.go", ".", NULL, "pkg/a.go");
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* A relative path is looked up under each search directory and each of its
 * parents; lines come back without "\n" or "\r\n", the last one even
 * without a newline. */
static void test_source__finds_files_in_parents_and_reads_lines(void **state)
{
    (void)state;
    char dir[] = "/tmp/gmx-source-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char sub[512], deep[512], file[512];
    snprintf(sub, sizeof(sub), "%s/pkg", dir);
    snprintf(deep, sizeof(deep), "%s/a/b", dir);
    snprintf(file, sizeof(file), "%s/pkg/x.go", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(sub, sizeof(sub), "%s/a", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    assert_int_equal(mkdir(deep, 0700), 0);
    write_file(file, "package x\r\n\nfunc f() {}");

    char search[1100];
    snprintf(search, sizeof(search), "/nonexistent:%s", deep);
    gmx_source_path sp = { search, "/build" };
    gmx_source_file *f = NULL;
    gmx_error err = { 0 };
    assert_int_equal(gmx_source_open(gmx_str_cstr("/build/pkg/x.go"), &sp, &f, &err), GMX_OK);
    gmx_str line;
    assert_true(gmx_source_line(f, 1, &line) && gmx_str_eq_cstr(line, "package x"));
    assert_true(gmx_source_line(f, 2, &line) && line.n == 0);
    assert_true(gmx_source_line(f, 3, &line) && gmx_str_eq_cstr(line, "func f() {}"));
    assert_false(gmx_source_line(f, 4, &line));
    assert_false(gmx_source_line(f, 0, &line));
    gmx_source_free(f);

    f = NULL;
    assert_int_equal(gmx_source_open(gmx_str_cstr("/build/pkg/missing.go"), &sp, &f, &err),
                     GMX_EIO);
    assert_null(f);
    assert_non_null(strstr(err.message, "could not find file pkg/missing.go on path"));
    /* An absolute path is opened as it is, failing as Go's os.Open does. */
    gmx_source_path none = { "/elsewhere", "" };
    assert_int_equal(gmx_source_open(gmx_str_cstr("/nonexistent/x.go"), &none, &f, &err),
                     GMX_EIO);
    assert_string_equal(err.message, "open /nonexistent/x.go: no such file or directory");

    unlink(file);
    rmdir(deep);
    rmdir(sub);
    snprintf(sub, sizeof(sub), "%s/pkg", dir);
    rmdir(sub);
    rmdir(dir);
}

/* A source path naming a FIFO or a device is refused at once: opening a
 * FIFO would wait for a writer, /dev/zero would be read without end. */
static void test_source__refuses_fifos_and_devices(void **state)
{
    (void)state;
    char dir[] = "/tmp/gmx-source-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char fifo[512];
    snprintf(fifo, sizeof(fifo), "%s/x.go", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    gmx_source_path sp = { dir, "/build" };
    gmx_source_file *f = NULL;
    gmx_error err = { 0 };
    assert_int_equal(gmx_source_open(gmx_str_cstr("/build/x.go"), &sp, &f, &err), GMX_EIO);
    assert_null(f);
    assert_int_equal(gmx_source_open(gmx_str_cstr(fifo), &sp, &f, &err), GMX_EIO);
    assert_int_equal(gmx_source_open(gmx_str_cstr("/dev/zero"), &sp, &f, &err), GMX_EIO);
    assert_string_equal(err.message, "open /dev/zero: invalid argument");
    gmx_input *in = NULL;
    assert_int_equal(gmx_input_open("/dev/zero", &in, &err), GMX_EIO);
    assert_null(in);
    assert_string_equal(err.message, "/dev/zero is not a regular file or a pipe");
    unlink(fifo);
    rmdir(dir);
}

/* The lines of main.eligibleSet add up to its row in top (flat and cum),
 * on a real heap profile, and the range shown starts at the function. */
static void test_plist__lines_add_up_to_the_function(void **state)
{
    (void)state;
    gmx_profile *p = open_lab("go1.27/promo/heap-t3.pb.gz");
    gmx_ptop_options to;
    gmx_ptop_options_init(&to);
    to.node_fraction = 0;
    gmx_ptop *top = NULL;
    gmx_error err = { 0 };
    assert_int_equal(gmx_ptop_compute(p, &to, &top, &err), GMX_OK);
    const gmx_ptop_row *row = NULL;
    for (size_t i = 0; i < top->nrows; i++)
        if (gmx_str_eq_cstr(top->rows[i].name, "main.eligibleSet"))
            row = &top->rows[i];
    assert_non_null(row);
    assert_true(row->flat > 0);

    gmx_plist_options lo = { .regex = "^main\\.eligibleSet$" };
    gmx_plist *l = NULL;
    assert_int_equal(gmx_plist_compute(p, &lo, &l, &err), GMX_OK);
    assert_int_equal(l->nfunctions, 1);
    assert_int_equal(l->functions[0].nfiles, 1);
    const gmx_plist_file *f = &l->functions[0].files[0];
    assert_true(gmx_str_eq_cstr(f->file, "/go/src/promo/main.go"));
    int64_t flat = 0;
    for (size_t i = 0; i < f->nlines; i++) {
        flat += f->lines[i].flat;
        assert_true(f->lines[i].line >= f->first && f->lines[i].line <= f->last - 5);
    }
    assert_true(flat == row->flat && f->flat == row->flat);
    assert_true(l->total == top->total);
    gmx_plist_free(l);

    lo.regex = "^no\\.such$";
    assert_int_equal(gmx_plist_compute(p, &lo, &l, &err), GMX_EUSAGE);
    assert_non_null(strstr(err.message, "no function matches"));
    lo.regex = "(";
    assert_int_equal(gmx_plist_compute(p, &lo, &l, &err), GMX_EUSAGE);
    gmx_ptop_free(top);
    gmx_profile_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_source__clean_as_go_does),
        cmocka_unit_test(test_source__trim_as_pprof_does),
        cmocka_unit_test(test_source__finds_files_in_parents_and_reads_lines),
        cmocka_unit_test(test_source__refuses_fifos_and_devices),
        cmocka_unit_test(test_plist__lines_add_up_to_the_function),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
