/* MemStats HeapInuse climbing over a flat heap profile is a finding of its
 * own; the two climbing together is not. */
#include "testutil.h"
#include "analyze/memgap.h"

#define MIB (1024.0 * 1024.0)

static gmx_series series(gmx_point *p, double a, double b)
{
    p[0] = (gmx_point){ 1000000000, a };
    p[1] = (gmx_point){ 61000000000, b };
    return (gmx_series){ "x", p, 2, "x" };
}

static void test_memgap(void **state)
{
    (void)state;
    gmx_point mp[2], hp[2];
    gmx_series ms = series(mp, 100 * MIB, 400 * MIB), heap = series(hp, 80 * MIB, 82 * MIB);
    gmx_findings *f = gmx_findings_new();
    assert_int_equal(gmx_memstats_vs_profile(&ms, &heap, f), GMX_OK);
    assert_int_equal(gmx_findings_count(f), 1);
    const gmx_finding *fd = gmx_findings_at(f, 0);
    assert_int_equal(fd->severity, GMX_SEV_WARNING);
    assert_int_equal(fd->category, GMX_CAT_HEAP_GROWTH);
    assert_false(fd->has_site);
    gmx_findings_free(f);
    /* The profile grew with it: its sites tell, no gap to report. */
    heap = series(hp, 80 * MIB, 300 * MIB);
    f = gmx_findings_new();
    assert_int_equal(gmx_memstats_vs_profile(&ms, &heap, f), GMX_OK);
    assert_int_equal(gmx_findings_count(f), 0);
    gmx_findings_free(f);
    /* A small climb is information only; one point is nothing. */
    ms = series(mp, 100 * MIB, 160 * MIB);
    heap = series(hp, 80 * MIB, 80 * MIB);
    f = gmx_findings_new();
    assert_int_equal(gmx_memstats_vs_profile(&ms, &heap, f), GMX_OK);
    assert_int_equal(gmx_findings_at(f, 0)->severity, GMX_SEV_INFO);
    ms.n = 1;
    assert_int_equal(gmx_memstats_vs_profile(&ms, &heap, f), GMX_OK);
    assert_int_equal(gmx_findings_count(f), 1);
    gmx_findings_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memgap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
