/* core: the goroutines of the Go 1.19 lab core (testdata/core/go1.19/notifier,
 * decompressed by the build beside GMX_CORE_BIN), read through the public API. */
#include "testutil.h"
#include "gomemdx/core.h"
#include "gomemdx/elfsniff.h"
#include "gomemdx/ingest.h"
#include "gomemdx/input.h"
#include "util/alloc.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>

typedef struct tally {
    uint64_t n, publish, max_id;
    bool publish_ok;
} tally;

static int count(void *ctx, const gmx_goroutine *g)
{
    tally *t = ctx;
    t->n++;
    if (g->id > t->max_id)
        t->max_id = g->id;
    if (g->nframes && gmx_str_eq_cstr(g->frames[0].func, "main.(*notifier).publish")) {
        t->publish++;
        t->publish_ok = g->frames[0].line == 44 && gmx_str_eq_cstr(g->status, "chan send (nil chan)") &&
                        g->has_creator &&
                        gmx_str_eq_cstr(g->creator.func, "main.(*notifier).handleSignup") &&
                        g->creator.line == 54 && g->nframes == 1;
    }
    return 0;
}

static void test_core__goroutines_as_the_dump_prints_them(void **state)
{
    (void)state;
    gmx_input *core_in, *bin_in;
    assert_int_equal(gmx_input_open(GMX_CORE_FILE, &core_in, NULL), GMX_OK);
    assert_int_equal(gmx_input_open(GMX_CORE_BIN, &bin_in, NULL), GMX_OK);
    assert_int_equal(gmx_elf_sniff(gmx_input_data(core_in), gmx_input_size(core_in)), GMX_ELF_CORE);
    assert_int_equal(gmx_elf_sniff(gmx_input_data(bin_in), gmx_input_size(bin_in)),
                     GMX_ELF_EXECUTABLE);
    gmx_core *c = NULL;
    assert_int_equal(gmx_core_open("core", gmx_input_data(core_in), gmx_input_size(core_in), "bin",
                                   gmx_input_data(bin_in), gmx_input_size(bin_in), &c, NULL),
                     GMX_OK);
    tally t = { 0 };
    gmx_core_info info;
    assert_int_equal(gmx_core_goroutines(c, count, &t, &info, NULL), GMX_OK);
    /* the debug=2 dump of the same instant: 81, of which 2 served the dump itself */
    assert_int_equal(t.n, 79);
    assert_int_equal(info.goroutines, 79);
    assert_int_equal(info.system_goroutines, 4);
    assert_int_equal(info.threads, 5);
    assert_true(info.inlining);
    assert_false(info.threads_only);
    assert_int_equal(t.publish, 72);
    assert_true(t.publish_ok);
    gmx_core_free(c);
    gmx_input_free(core_in);
    gmx_input_free(bin_in);
}

static int stop_at_first(void *ctx, const gmx_goroutine *g)
{
    (void)g;
    (*(int *)ctx)++;
    return GMX_ELIMIT;
}

static void test_core__callback_stops_the_walk(void **state)
{
    (void)state;
    gmx_gsnapshot snap;
    gmx_input *core_in, *bin_in;
    assert_int_equal(gmx_input_open(GMX_CORE_FILE, &core_in, NULL), GMX_OK);
    assert_int_equal(gmx_input_open(GMX_CORE_BIN, &bin_in, NULL), GMX_OK);
    gmx_core *c = NULL;
    assert_int_equal(gmx_core_open("core", gmx_input_data(core_in), gmx_input_size(core_in), "bin",
                                   gmx_input_data(bin_in), gmx_input_size(bin_in), &c, NULL),
                     GMX_OK);
    int calls = 0;
    assert_int_equal(gmx_core_goroutines(c, stop_at_first, &calls, NULL, NULL), GMX_ELIMIT);
    assert_int_equal(calls, 1);
    gmx_core_free(c);
    gmx_input_free(core_in);
    gmx_input_free(bin_in);
    (void)snap;
}

/* Every allocation of the read, made to fail in turn: out of memory is
 * reported, nothing crashes or leaks (ASan), and the read ends up whole. */
static void test_core__every_allocation_failure_is_reported(void **state)
{
    (void)state;
    bool done = false;
    for (long n = 1; n < 400 && !done; n++) {
        gmx_gsnapshot snap;
        gmx_error err = { 0 };
        gmx_alloc_fail_after(n, 1);
        gmx_code rc = gmx_ingest_core(GMX_CORE_FILE, GMX_CORE_BIN, NULL, &snap, NULL, &err);
        gmx_alloc_fail_after(0, 0);
        if (rc == GMX_OK) {
            assert_int_equal(snap.info.goroutines, 79);
            gmx_gsnapshot_release(&snap);
            done = true;
        } else {
            assert_int_equal(rc, GMX_ENOMEM);
            if (!strstr(err.message, "out of memory"))
                fail_msg("allocation %ld: %s", n, err.message);
        }
    }
    assert_true(done);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_core__goroutines_as_the_dump_prints_them),
        cmocka_unit_test(test_core__callback_stops_the_walk),
        cmocka_unit_test(test_core__every_allocation_failure_is_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
