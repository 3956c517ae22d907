/* core/pclntab: pc to function, file and line (inlined calls expanded) and
 * frame sizes, against the truth of `go tool objdump` for the Go 1.19 lab
 * binary (testdata/core/go1.19/notifier, decompressed by the build into
 * GMX_CORE_BIN). */
#include "testutil.h"
#include "core/elf_file.h"
#include "gomemdx/core.h"
#include "gomemdx/pclntab.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fixture {
    char *bytes;
    size_t len;
    elf_file elf;
    gmx_pclntab *t;
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof(*fx));
    FILE *f = fopen(GMX_CORE_BIN, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    fx->len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    fx->bytes = malloc(fx->len);
    assert_int_equal(fread(fx->bytes, 1, fx->len, f), fx->len);
    fclose(f);
    assert_int_equal(gmx_elf_file_open(&fx->elf, "notifier.bin", fx->bytes, fx->len, false, NULL), GMX_OK);
    uint64_t addr, text;
    gmx_str tab, tb;
    assert_true(gmx_elf_file_section(&fx->elf, ".gopclntab", &addr, &tab));
    assert_true(gmx_elf_file_section(&fx->elf, ".text", &text, &tb));
    assert_int_equal(gmx_pclntab_open("notifier.bin", tab.p, tab.n, text, &fx->t, NULL), GMX_OK);
    uint64_t gofunc, size;
    size_t avail;
    const uint8_t *p;
    assert_true(gmx_elf_file_symbol(&fx->elf, "go.func.*", &gofunc, &size));
    assert_non_null(p = gmx_elf_file_span(&fx->elf, gofunc, &avail));
    gmx_pclntab_set_gofunc(fx->t, gofunc, p, avail);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    gmx_pclntab_free(fx->t);
    gmx_elf_file_release(&fx->elf);
    free(fx->bytes);
    free(fx);
    return 0;
}

static void assert_str(gmx_str s, const char *want)
{
    if (!gmx_str_eq_cstr(s, want))
        fail_msg("got '%.*s', want '%s'", (int)s.n, s.p, want);
}

static void test_pclntab__finds_function_and_line(void **state)
{
    fixture *fx = *state;
    assert_int_equal(gmx_pclntab_layout(fx->t), 118);
    gmx_pcfunc f;
    /* objdump: main.go:43 0x6a1cc0 CMPQ 0x10(R14), SP (the entry) */
    assert_true(gmx_pclntab_find(fx->t, 0x6a1cc0, &f));
    assert_str(f.name, "main.(*notifier).publish");
    assert_int_equal(f.entry, 0x6a1cc0);
    gmx_str file;
    uint32_t line;
    assert_true(gmx_pclntab_line(fx->t, &f, 0x6a1cc0, &file, &line));
    assert_str(file, "/go/src/notifier/main.go");
    assert_int_equal(line, 43);
    /* fd_unix.go:605 0x4ae340 CALL internal/poll.accept(SB) */
    assert_true(gmx_pclntab_find(fx->t, 0x4ae340, &f));
    assert_str(f.name, "internal/poll.(*FD).Accept");
    assert_int_equal(f.entry, 0x4ae180);
    assert_true(gmx_pclntab_line(fx->t, &f, 0x4ae340, &file, &line));
    assert_str(file, "/usr/lib/go-1.19/src/internal/poll/fd_unix.go");
    assert_int_equal(line, 605);
}

static void test_pclntab__frame_size_from_pcsp(void **state)
{
    fixture *fx = *state;
    gmx_pcfunc f;
    int32_t delta = -1;
    assert_true(gmx_pclntab_find(fx->t, 0x6a1cc0, &f));
    assert_true(gmx_pclntab_spdelta(fx->t, &f, 0x6a1cc0, &delta));
    assert_int_equal(delta, 0);
    /* after 0x6a1cc6 SUBQ $0x50, SP */
    assert_true(gmx_pclntab_spdelta(fx->t, &f, 0x6a1cca, &delta));
    assert_int_equal(delta, 0x50);
}

static void test_pclntab__expands_inlined_calls(void **state)
{
    fixture *fx = *state;
    gmx_pcfunc f;
    gmx_pcframe fr[4];
    /* fd_poll_runtime.go:89 0x4ae3af CALL internal/poll.(*pollDesc).wait: waitRead
     * inlined into Accept at fd_unix.go:614, as the goroutine dump prints it */
    assert_true(gmx_pclntab_find(fx->t, 0x4ae3af, &f));
    assert_int_equal(gmx_pclntab_frames(fx->t, &f, 0x4ae3af, fr, 4), 2);
    assert_str(fr[0].func, "internal/poll.(*pollDesc).waitRead");
    assert_str(fr[0].file, "/usr/lib/go-1.19/src/internal/poll/fd_poll_runtime.go");
    assert_int_equal(fr[0].line, 89);
    assert_true(fr[0].inlined);
    assert_str(fr[1].func, "internal/poll.(*FD).Accept");
    assert_int_equal(fr[1].line, 614);
    assert_false(fr[1].inlined);
    /* room for one frame: the innermost */
    assert_int_equal(gmx_pclntab_frames(fx->t, &f, 0x4ae3af, fr, 1), 1);
    assert_str(fr[0].func, "internal/poll.(*pollDesc).waitRead");
}

/* What --binary checks before naming a profile's raw addresses: that they
 * are the executable's calls, and its build ID. */
static void test_pclntab__binary_knows_its_calls_and_build_id(void **state)
{
    fixture *fx = *state;
    gmx_binary *b;
    assert_int_equal(gmx_binary_open("notifier.bin", fx->bytes, fx->len, &b, NULL), GMX_OK);
    /* 0x4ae3af CALL rel32 (5 bytes): its return pc - 1 is a call site, the
     * CALL's own address is not */
    assert_true(gmx_binary_call_site(b, 0x4ae3af + 5 - 1));
    assert_false(gmx_binary_call_site(b, 0x4ae3af));
    gmx_pcframe fr[4];
    assert_int_equal(gmx_binary_frames_at(b, 0x4ae3af + 4, fr, 4), 2);
    assert_str(fr[1].func, "internal/poll.(*FD).Accept");
    gmx_str go_id;
    assert_true(gmx_elf_file_build_id(&fx->elf, "Go", 4, &go_id));
    assert_true(gmx_binary_has_build_id(b, go_id));
    assert_false(gmx_binary_has_build_id(b, gmx_str_cstr("0123abcd")));
    gmx_binary_free(b);
}

static void test_pclntab__refuses_what_it_cannot_read(void **state)
{
    fixture *fx = *state;
    gmx_pcfunc f;
    assert_false(gmx_pclntab_find(fx->t, 0x1000, &f));
    assert_false(gmx_pclntab_find(fx->t, UINT64_MAX, &f));
    gmx_pclntab *t = NULL;
    gmx_error err = { 0 };
    static const unsigned char old[128] = { 0xfb, 0xff, 0xff, 0xff, 0, 0, 1, 8 };
    assert_int_equal(gmx_pclntab_open("x", old, sizeof(old), 0, &t, &err), GMX_EFORMAT);
    assert_non_null(strstr(err.message, "unsupported .gopclntab magic 0xfffffffb"));
    assert_int_equal(gmx_pclntab_open("x", old, 10, 0, &t, &err), GMX_EFORMAT);
    assert_non_null(strstr(err.message, "truncated"));
    assert_null(t);
}

/* The Go 1.20+ layout, on the fuzz seed tests/fuzz/gen_pclntab_seeds.py writes: main.a
 * at 0x401000 with main.inl inlined into it from pc +8. */
static void test_pclntab__reads_go120_layout(void **state)
{
    (void)state;
    size_t len;
    char *tab = tu_read_fixture("tests/fuzz/corpus/pclntab/seed-go120.bin", &len);
    assert_non_null(tab);
    gmx_pclntab *t = NULL;
    assert_int_equal(gmx_pclntab_open("seed", tab, len, 0, &t, NULL), GMX_OK);
    gmx_pclntab_set_gofunc(t, 0, tab, len);
    assert_int_equal(gmx_pclntab_layout(t), 120);
    assert_int_equal(gmx_pclntab_count(t), 2);
    gmx_pcfunc f;
    assert_true(gmx_pclntab_find(t, 0x401008, &f));
    assert_str(f.name, "main.a");
    int32_t delta;
    assert_true(gmx_pclntab_spdelta(t, &f, 0x401004, &delta));
    assert_int_equal(delta, 8);
    gmx_pcframe fr[4];
    assert_int_equal(gmx_pclntab_frames(t, &f, 0x401008, fr, 4), 2);
    assert_str(fr[0].func, "main.inl");
    assert_str(fr[0].file, "a.go");
    assert_int_equal(fr[0].line, 10);
    assert_str(fr[1].func, "main.a");
    assert_int_equal(gmx_pclntab_frames(t, &f, 0x401000, fr, 4), 1);
    assert_true(gmx_pclntab_find(t, 0x401010, &f));
    assert_str(f.name, "main.b");
    assert_false(gmx_pclntab_find(t, 0x401020, &f));
    gmx_pclntab_free(t);
    free(tab);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pclntab__finds_function_and_line),
        cmocka_unit_test(test_pclntab__frame_size_from_pcsp),
        cmocka_unit_test(test_pclntab__expands_inlined_calls),
        cmocka_unit_test(test_pclntab__binary_knows_its_calls_and_build_id),
        cmocka_unit_test(test_pclntab__refuses_what_it_cannot_read),
        cmocka_unit_test(test_pclntab__reads_go120_layout),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
