/* model/hsnapshot (and model/stacks under it): heap values per stack. */
#include "testutil.h"
#include "gomemdx/heap.h"
#include "util/str.h"

static const gmx_frame cache_put[] = {
    { { "main.(*Pricer).remember", 23 }, { "/go/src/checkout/main.go", 24 }, 85 },
    { { "main.(*Pricer).Quote", 20 }, { "/go/src/checkout/main.go", 24 }, 60 },
};
static const gmx_frame buffer[] = {
    { { "main.readChunk", 14 }, { "/go/src/chunkstore/main.go", 26 }, 72 },
};

static void test_hsnapshot__equal_stacks_add_up(void **state)
{
    (void)state;
    gmx_hsnapshot *h = gmx_hsnapshot_new(0);
    assert_int_equal(gmx_hsnapshot_add(h, cache_put, 2, 10, 1000, 20, 2000), GMX_OK);
    assert_int_equal(gmx_hsnapshot_add(h, cache_put, 2, 5, 500, 5, 500), GMX_OK);
    assert_int_equal(gmx_hsnapshot_add(h, buffer, 1, 1, 1 << 20, 4, 4 << 20), GMX_OK);
    /* Same frames, one fewer: another stack. */
    assert_int_equal(gmx_hsnapshot_add(h, cache_put, 1, 1, 1, 1, 1), GMX_OK);
    assert_int_equal(gmx_hsnapshot_count(h), 3);
    const gmx_hsite *s = gmx_hsnapshot_at(h, 0);
    assert_int_equal(s->inuse_objects, 15);
    assert_int_equal(s->inuse_bytes, 1500);
    assert_int_equal(s->alloc_bytes, 2500);
    assert_true(gmx_str_eq_cstr(s->frames[0].func, "main.(*Pricer).remember"));
    gmx_hsite t = gmx_hsnapshot_total(h);
    assert_int_equal(t.inuse_bytes, 1500 + (1 << 20) + 1);
    gmx_hsnapshot_free(h);
}

static void test_hsnapshot__find_across_snapshots_and_bound(void **state)
{
    (void)state;
    gmx_hsnapshot *a = gmx_hsnapshot_new(1);
    gmx_hsnapshot *b = gmx_hsnapshot_new(0);
    assert_int_equal(gmx_hsnapshot_add(a, buffer, 1, 1, 100, 1, 100), GMX_OK);
    assert_int_equal(gmx_hsnapshot_add(a, cache_put, 2, 1, 7, 1, 7), GMX_OK); /* past max */
    assert_int_equal(gmx_hsnapshot_count(a), 1);
    assert_int_equal(gmx_hsnapshot_overflow_bytes(a), 7);
    assert_int_equal(gmx_hsnapshot_total(a).inuse_bytes, 107);
    assert_int_equal(gmx_hsnapshot_add(b, cache_put, 2, 1, 1, 1, 1), GMX_OK);
    assert_int_equal(gmx_hsnapshot_add(b, buffer, 1, 2, 200, 2, 200), GMX_OK);
    const gmx_hsite *in_b = gmx_hsnapshot_find(b, gmx_hsnapshot_at(a, 0));
    assert_non_null(in_b);
    assert_int_equal(in_b->inuse_bytes, 200);
    gmx_hsnapshot_free(a);
    gmx_hsnapshot_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hsnapshot__equal_stacks_add_up),
        cmocka_unit_test(test_hsnapshot__find_across_snapshots_and_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
