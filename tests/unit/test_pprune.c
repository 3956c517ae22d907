/* model/profile_prune: drop_frames and keep_frames on profiles derived from
 * lab captures (testdata/lab/derive.sh); the parity test compares the
 * reports with go tool pprof, this one the pruned samples themselves. */
#include "testutil.h"
#include "gomemdx/profile.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>

static gmx_profile *open_lab(const char *rel)
{
    const char *root = getenv("GMX_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof(path), "%s/testdata/lab/captures/%s", root ? root : ".", rel);
    gmx_profile *p = NULL;
    gmx_error err = { 0 };
    if (gmx_profile_open(path, 0, &p, &err) != GMX_OK)
        fail_msg("%s: %s", path, err.message);
    return p;
}

static gmx_str leaf_name(const gmx_profile *p, const gmx_psample *s)
{
    const gmx_plocation *l = gmx_profile_location(p, s->locations[0]);
    if (l->nlines == 0)
        return (gmx_str){ "", 0 };
    return gmx_profile_function(p, l->lines[0].function)->name;
}

/* Counts samples whose leaf is `leaf`, and whether any frame anywhere is
 * `anywhere`. */
static size_t count_leaves(const gmx_profile *p, const char *leaf, const char *anywhere,
                           bool *seen)
{
    gmx_psample_reader r;
    gmx_psample_reader_init(&r, p);
    size_t n = 0;
    *seen = false;
    for (size_t i = 0; i < gmx_profile_sample_count(p); i++) {
        gmx_psample s;
        gmx_error err;
        assert_int_equal(gmx_psample_read(&r, i, &s, &err), GMX_OK);
        if (s.nlocations && gmx_str_eq_cstr(leaf_name(p, &s), leaf))
            n++;
        for (uint32_t k = 0; k < s.nlocations; k++) {
            const gmx_plocation *l = gmx_profile_location(p, s.locations[k]);
            for (uint32_t j = 0; j < l->nlines; j++)
                *seen |= gmx_str_eq_cstr(gmx_profile_function(p, l->lines[j].function)->name,
                                         anywhere);
        }
    }
    gmx_psample_reader_release(&r);
    return n;
}

/* quotes' goroutines parked in gopark lose the parking frames: their leaf
 * becomes the caller that blocked (the channel send in lookup). */
static void test_pprune__parking_frames_dropped(void **state)
{
    (void)state;
    bool seen;
    gmx_profile *orig = open_lab("go1.27/quotes/goroutine-t3.pb.gz");
    gmx_profile *pruned = open_lab("derived/quotes-goroutine-dropframes.pb.gz");
    assert_true(count_leaves(orig, "runtime.gopark", "runtime.gopark", &seen) > 0);
    assert_int_equal(count_leaves(pruned, "runtime.gopark", "runtime.gopark", &seen), 0);
    assert_false(seen);
    assert_true(count_leaves(pruned, "main.(*quoteService).lookup", "", &seen) > 0);
    assert_true(gmx_str_eq_cstr(gmx_profile_get_info(pruned)->drop_frames,
                                "runtime\\.gopark|runtime\\.chansend1?|runtime\\.selectgo"));
    gmx_profile_free(orig);
    gmx_profile_free(pruned);
}

/* promo's eligibleSet is inlined into handleCheck: dropping it trims that
 * location to its outer line, so handleCheck becomes the leaf. */
static void test_pprune__inlined_line_trimmed(void **state)
{
    (void)state;
    bool seen;
    gmx_profile *p = open_lab("derived/promo-heap-dropframes-t3.pb.gz");
    assert_true(count_leaves(p, "main.(*Service).handleCheck", "main.eligibleSet", &seen) > 0);
    assert_false(seen);
    gmx_profile_free(p);
}

/* With runtime\..* dropped but runtime.chansend1 kept, the blocked sends
 * end in chansend1 and the parking beneath it is gone. */
static void test_pprune__keep_frames_win(void **state)
{
    (void)state;
    bool seen;
    gmx_profile *p = open_lab("derived/quotes-goroutine-keepframes.pb.gz");
    assert_true(count_leaves(p, "runtime.chansend1", "runtime.gopark", &seen) > 0);
    assert_false(seen);
    gmx_profile_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pprune__parking_frames_dropped),
        cmocka_unit_test(test_pprune__inlined_line_trimmed),
        cmocka_unit_test(test_pprune__keep_frames_win),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
