/* model/gbuckets: grouping goroutines by stack. */
#include "testutil.h"
#include "model/stacks.h"
#include "util/str.h"

#include <string.h>

/* Three goroutines on one stack with different ids, argument words and pc
 * offsets; one on the same frames with another creator; one other stack. */
static const char *const dump =
    "goroutine 10 [chan send, 3 minutes]:\n"
    "main.publish(0xc000010000, {0x1, 0x2})\n"
    "\t/go/src/notifier/main.go:44 +0x2a\n"
    "created by main.handle in goroutine 1\n"
    "\t/go/src/notifier/main.go:54 +0x11\n"
    "\n"
    "goroutine 11 [chan send, 1 minutes]:\n"
    "main.publish(0xc000099999, {0x7, 0x8})\n"
    "\t/go/src/notifier/main.go:44 +0x2f\n"
    "created by main.handle in goroutine 7\n"
    "\t/go/src/notifier/main.go:54 +0x99\n"
    "\n"
    "goroutine 12 [chan send (scan)]:\n"
    "main.publish(...)\n"
    "\t/go/src/notifier/main.go:44\n"
    "created by main.handle in goroutine 1\n"
    "\t/go/src/notifier/main.go:54 +0x11\n"
    "\n"
    "goroutine 13 [chan send]:\n"
    "main.publish(0x1)\n"
    "\t/go/src/notifier/main.go:44 +0x2a\n"
    "created by main.retry in goroutine 1\n"
    "\t/go/src/notifier/main.go:70 +0x11\n"
    "\n"
    "goroutine 3 [select] {tenant: a}:\n"
    "main.loop()\n"
    "\t/go/src/notifier/main.go:90 +0x1\n"
    "created by main.main in goroutine 1\n"
    "\t/go/src/notifier/main.go:20 +0x2\n";

static const gmx_gbucket *bucket_created_by(const gmx_gbuckets *set, const char *creator)
{
    for (size_t i = 0; i < gmx_gbuckets_count(set); i++) {
        const gmx_gbucket *b = gmx_gbuckets_at(set, i);
        if (b->has_creator && gmx_str_eq_cstr(b->creator.func, creator))
            return b;
    }
    return NULL;
}

static void test_gbuckets__ignores_ids_args_and_offsets_not_creators(void **state)
{
    (void)state;
    gmx_gbuckets *set = tu_buckets(dump, NULL);
    assert_int_equal(gmx_gbuckets_total(set), 5);
    assert_int_equal(gmx_gbuckets_count(set), 3);
    const gmx_gbucket *b = bucket_created_by(set, "main.handle");
    assert_non_null(b);
    assert_int_equal(b->count, 3);
    assert_int_equal(b->first_id, 10);
    assert_int_equal(b->nstates, 1);
    assert_true(gmx_str_eq_cstr(b->states[0].status, "chan send"));
    assert_int_equal(b->wait_min, 0);
    assert_int_equal(b->wait_median, 1);
    assert_int_equal(b->wait_max, 3);
    assert_true(b->flags & GMX_G_SCAN);
    const gmx_gbucket *r = bucket_created_by(set, "main.retry");
    assert_non_null(r);
    assert_int_equal(r->count, 1);
    const gmx_gbucket *l = bucket_created_by(set, "main.main");
    assert_int_equal(l->nlabels, 1);
    assert_true(gmx_str_eq_cstr(l->labels[0].labels, "{tenant: a}"));
    gmx_gbuckets_free(set);
}

static void test_gbuckets__find_and_merge_across_sets(void **state)
{
    (void)state;
    gmx_gbuckets *a = tu_buckets(dump, NULL);
    gmx_gbuckets *b = tu_buckets(dump, NULL);
    const gmx_gbucket *in_a = bucket_created_by(a, "main.retry");
    const gmx_gbucket *in_b = gmx_gbuckets_find(b, in_a);
    assert_non_null(in_b);
    assert_ptr_not_equal(in_a, in_b);
    assert_int_equal(gmx_gbuckets_merge(a, b), GMX_OK);
    assert_int_equal(gmx_gbuckets_finish(a), GMX_OK);
    assert_int_equal(gmx_gbuckets_count(a), 3);
    assert_int_equal(gmx_gbuckets_total(a), 10);
    assert_int_equal(bucket_created_by(a, "main.handle")->count, 6);
    assert_int_equal(bucket_created_by(a, "main.handle")->wait_max, 3);
    gmx_gbuckets_free(a);
    gmx_gbuckets_free(b);
}

/* Goroutines of no frame (a uniq -c of states, headers without stacks)
 * are grouped by state, in one set, across sets and when merged; the
 * empty stack itself (no state) keeps a bucket of its own. */
static void add_stackless(gmx_gbuckets *set, const char *status, uint64_t count)
{
    gmx_goroutine g;
    memset(&g, 0, sizeof(g));
    g.status = gmx_str_make(status, strlen(status));
    g.count = count;
    assert_int_equal(gmx_gbuckets_add(set, &g), 0);
}

static const gmx_gbucket *bucket_in_state(const gmx_gbuckets *set, const char *status)
{
    for (size_t i = 0; i < gmx_gbuckets_count(set); i++) {
        const gmx_gbucket *b = gmx_gbuckets_at(set, i);
        if (b->nstates && gmx_str_eq_cstr(b->states[0].status, status))
            return b;
    }
    return NULL;
}

static void test_gbuckets__stackless_goroutines_group_by_state(void **state)
{
    (void)state;
    gmx_gbuckets *a = gmx_gbuckets_new(NULL), *b = gmx_gbuckets_new(NULL);
    add_stackless(a, "chan send", 305);
    add_stackless(a, "IO wait", 3);
    add_stackless(a, "chan send", 5);
    add_stackless(a, "", 2);
    add_stackless(b, "IO wait", 4);
    add_stackless(b, "select", 1);
    assert_int_equal(gmx_gbuckets_finish(b), GMX_OK);
    assert_int_equal(gmx_gbuckets_count(a), 3);
    const gmx_gbucket *io = bucket_in_state(b, "IO wait");
    assert_non_null(io);
    assert_int_equal(gmx_gbuckets_merge(a, b), GMX_OK);
    assert_int_equal(gmx_gbuckets_finish(a), GMX_OK);
    assert_int_equal(gmx_gbuckets_count(a), 4);
    assert_int_equal(gmx_gbuckets_total(a), 320);
    assert_int_equal(bucket_in_state(a, "chan send")->count, 310);
    assert_int_equal(bucket_in_state(a, "chan send")->nstates, 1);
    assert_int_equal(bucket_in_state(a, "IO wait")->count, 7);
    assert_ptr_equal(gmx_gbuckets_find(a, io), bucket_in_state(a, "IO wait"));
    assert_int_equal(bucket_in_state(a, "")->count, 2);
    gmx_gbuckets_free(a);
    gmx_gbuckets_free(b);
}

static void test_gbuckets__distinct_stacks_are_bounded(void **state)
{
    (void)state;
    gmx_gbuckets_limits limits = { .max_buckets = 2 };
    gmx_gbuckets *set = gmx_gbuckets_new(&limits);
    gmx_dump_info info;
    gmx_error err;
    assert_int_equal(gmx_goroutine_dump_parse("t", dump, strlen(dump), gmx_gbuckets_add, set,
                                              &info, &err), GMX_OK);
    assert_int_equal(gmx_gbuckets_finish(set), GMX_OK);
    assert_int_equal(gmx_gbuckets_count(set), 2);
    assert_int_equal(gmx_gbuckets_total(set), 5);
    assert_int_equal(gmx_gbuckets_overflow(set), 1);
    gmx_gbuckets_free(set);
}

static void test_gbuckets__aggregated_records_add_their_count(void **state)
{
    (void)state;
    gmx_gbuckets *set = gmx_gbuckets_new(NULL);
    gmx_frame f = { { "main.wait", 9 }, { "/a.go", 5 }, 7 };
    gmx_goroutine g = { 0 };
    g.count = 448;
    g.frames = &f;
    g.nframes = 1;
    assert_int_equal(gmx_gbuckets_add(set, &g), 0);
    assert_int_equal(gmx_gbuckets_add(set, &g), 0);
    assert_int_equal(gmx_gbuckets_finish(set), GMX_OK);
    assert_int_equal(gmx_gbuckets_count(set), 1);
    assert_int_equal(gmx_gbuckets_at(set, 0)->count, 896);
    assert_int_equal(gmx_gbuckets_total(set), 896);
    gmx_gbuckets_free(set);
}

/* Wait times of many distinct values: exact extremes, a close median, and
 * the same result in any order (parallel parses merge partial sets). */
static void add_waits(gmx_gbuckets *set, uint32_t from, uint32_t to, uint32_t step)
{
    gmx_frame f = { { "main.wait", 9 }, { "/a.go", 5 }, 7 };
    for (uint32_t m = from; m != to; m += step) {
        gmx_goroutine g = { 0 };
        g.count = 1;
        g.frames = &f;
        g.nframes = 1;
        g.status = gmx_str_cstr("select");
        g.wait_minutes = m;
        assert_int_equal(gmx_gbuckets_add(set, &g), 0);
    }
}

static void test_gbuckets__wait_times_are_bounded_and_order_free(void **state)
{
    (void)state;
    gmx_gbuckets *up = gmx_gbuckets_new(NULL), *down = gmx_gbuckets_new(NULL);
    gmx_gbuckets *half = gmx_gbuckets_new(NULL);
    add_waits(up, 0, 20000, 1);
    add_waits(down, 19999, UINT32_MAX, UINT32_MAX); /* 19999 down to 0 */
    add_waits(half, 10000, 20000, 1);
    gmx_gbuckets *rest = gmx_gbuckets_new(NULL);
    add_waits(rest, 0, 10000, 1);
    assert_int_equal(gmx_gbuckets_merge(half, rest), GMX_OK);
    gmx_gbuckets *sets[] = { up, down, half };
    for (int i = 0; i < 3; i++) {
        assert_int_equal(gmx_gbuckets_finish(sets[i]), GMX_OK);
        const gmx_gbucket *b = gmx_gbuckets_at(sets[i], 0);
        assert_int_equal(b->count, 20000);
        assert_int_equal(b->wait_min, 0);
        assert_int_equal(b->wait_max, 19999);
        assert_true(b->wait_median >= 9800 && b->wait_median <= 10000);
        assert_int_equal(b->wait_median, gmx_gbuckets_at(up, 0)->wait_median);
    }
    gmx_gbuckets_free(up);
    gmx_gbuckets_free(down);
    gmx_gbuckets_free(half);
    gmx_gbuckets_free(rest);
}

/* Frames without a file (the function names of a hand-made summary, a
 * creator alone) hash by their function: two million summary lines took
 * over ten minutes when all such stacks of one depth shared a hash. */
static void test_gbuckets__frames_without_files_hash_by_function(void **state)
{
    (void)state;
    gmx_frame a = { GMX_STR_LIT("a.b1"), { NULL, 0 }, 0 }, b = { GMX_STR_LIT("a.b2"), { NULL, 0 }, 0 };
    assert_true(gmx_stacks_frame_hash(&a) != gmx_stacks_frame_hash(&b));
    assert_true(gmx_stacks_hash(NULL, 0, &a) != gmx_stacks_hash(NULL, 0, &b));
    gmx_frame f = { GMX_STR_LIT("a.b1"), GMX_STR_LIT("/src/a.go"), 7 };
    assert_true(gmx_stacks_frame_hash(&a) != gmx_stacks_frame_hash(&f));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gbuckets__ignores_ids_args_and_offsets_not_creators),
        cmocka_unit_test(test_gbuckets__find_and_merge_across_sets),
        cmocka_unit_test(test_gbuckets__distinct_stacks_are_bounded),
        cmocka_unit_test(test_gbuckets__stackless_goroutines_group_by_state),
        cmocka_unit_test(test_gbuckets__aggregated_records_add_their_count),
        cmocka_unit_test(test_gbuckets__wait_times_are_bounded_and_order_free),
        cmocka_unit_test(test_gbuckets__frames_without_files_hash_by_function),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
