/* A debug=1 profile told what a debug=2 dump of the same moment knows
 * (issue #14): the lab's quotes service, Go 1.22, both taken at t3. */
#include "testutil.h"
#include "analyze/gmerge.h"
#include "analyze/judge.h"
#include "gomemdx/analyze.h"
#include "gomemdx/ingest.h"
#include "gomemdx/input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"

#define DIR "testdata/lab/captures/go1.22/quotes/"
#define LOOKUP "main.(*quoteService).lookup"

static gmx_gsnapshot load(const char *fixture)
{
    size_t n;
    char *p = tu_read_fixture(fixture, &n);
    assert_non_null(p);
    gmx_input *in;
    gmx_error err;
    gmx_gsnapshot s;
    memset(&s, 0, sizeof(s));
    assert_int_equal(gmx_input_from_memory(fixture, p, n, &in, &err), GMX_OK);
    if (gmx_ingest_goroutines_input(in, NULL, &s, &err) != GMX_OK)
        fail_msg("%s", err.message);
    free(p);
    return s;
}

static void test_profile_learns_from_dump(void **state)
{
    (void)state;
    gmx_gsnapshot prof = load(DIR "goroutine-t3.debug1.txt");
    gmx_gsnapshot dump = load(DIR "goroutine-t3.debug2.txt");
    const gmx_gbucket *before = tu_bucket_with_func(prof.buckets, LOOKUP);
    assert_non_null(before);
    assert_false(before->has_creator);
    size_t learned = 0;
    gmx_gbuckets *m;
    assert_int_equal(gmx_gbuckets_enrich(prof.buckets, dump.buckets, false, &m, &learned), GMX_OK);
    assert_non_null(m);
    assert_true(learned >= 1);
    /* Counts and totals stay the profile's. */
    assert_int_equal(gmx_gbuckets_total(m), gmx_gbuckets_total(prof.buckets));
    const gmx_gbucket *b = tu_bucket_with_func(m, LOOKUP);
    assert_non_null(b);
    assert_int_equal(b->count, before->count);
    assert_true(b->has_creator);
    assert_true(gmx_str_eq_cstr(b->creator.func, "main.(*quoteService).fetchQuote"));
    assert_true(b->nstates >= 1);
    assert_true(gmx_str_eq_cstr(b->states[0].status, "chan send"));
    const gmx_gbucket *d = tu_bucket_with_func(dump.buckets, LOOKUP);
    assert_int_equal(b->wait_max, d->wait_max);
    gmx_gbuckets_free(m);
    /* Creators only: no wait reason is carried to another moment. */
    assert_int_equal(gmx_gbuckets_enrich(prof.buckets, dump.buckets, true, &m, NULL), GMX_OK);
    assert_non_null(m);
    b = tu_bucket_with_func(m, LOOKUP);
    assert_true(b->has_creator);
    assert_int_equal(b->wait_max, 0);
    gmx_gbuckets_free(m);
    /* Nothing to learn from itself. */
    assert_int_equal(gmx_gbuckets_enrich(dump.buckets, dump.buckets, false, &m, &learned), GMX_OK);
    assert_null(m);
    assert_int_equal(learned, 0);
    gmx_gsnapshot_release(&prof);
    gmx_gsnapshot_release(&dump);
}

/* d's stack and q's, one from each kind of snapshot, are found in each
 * other's set. */
static void assert_found_either_way(const gmx_gsnapshot *dump, const gmx_gsnapshot *quit,
                                    const gmx_gbucket *d, const gmx_gbucket *q)
{
    gmx_gindex *in_dump = gmx_gindex_new(dump->buckets), *in_quit = gmx_gindex_new(quit->buckets);
    assert_non_null(in_dump);
    assert_non_null(in_quit);
    assert_ptr_equal(gmx_gindex_find(in_dump, q), d);
    assert_ptr_equal(gmx_gindex_find(in_quit, d), q);
    assert_ptr_equal(gmx_gindex_find(in_dump, d), d);
    gmx_gindex_free(in_dump);
    gmx_gindex_free(in_quit);
}

/* The lab's dispatch service, Go 1.19: the SIGQUIT traceback taken a second
 * after t3 prints the runtime frames and the go statement's wrapper
 * (main.(*Dispatcher).startWorkers.func1) the debug=2 dump leaves out; the
 * same 64 workers are found either way round. */
#define WORK "main.(*Dispatcher).work"
static void test_index_follows_a_stack_across_kinds(void **state)
{
    (void)state;
    gmx_gsnapshot dump = load("testdata/lab/captures/go1.19/dispatch/goroutine-t3.debug2.txt");
    gmx_gsnapshot quit = load("testdata/lab/captures/go1.19/dispatch/sigquit.txt");
    const gmx_gbucket *d = tu_bucket_with_func(dump.buckets, WORK);
    const gmx_gbucket *q = tu_bucket_with_func(quit.buckets, WORK);
    assert_non_null(d);
    assert_non_null(q);
    assert_int_equal(d->count, 64);
    assert_int_equal(q->count, 64);
    assert_true(q->nframes > d->nframes);
    assert_null(gmx_gbuckets_find(dump.buckets, q));
    assert_found_either_way(&dump, &quit, d, q);
    /* The workers were started in one loop: 64 ids in a span of at most 128. */
    assert_true(d->first_id > 0 && d->last_id >= d->first_id + 63 && d->last_id < d->first_id + 128);
    /* Buckets parsed in pieces and merged keep the span. */
    gmx_gbuckets *m = gmx_gbuckets_new(NULL);
    assert_non_null(m);
    assert_int_equal(gmx_gbuckets_merge(m, dump.buckets), GMX_OK);
    assert_int_equal(gmx_gbuckets_finish(m), GMX_OK);
    const gmx_gbucket *b = tu_bucket_with_func(m, WORK);
    assert_int_equal(b->first_id, d->first_id);
    assert_int_equal(b->last_id, d->last_id);
    gmx_gbuckets_free(m);
    gmx_gsnapshot_release(&dump);
    gmx_gsnapshot_release(&quit);
}

/* The lab's devicegw service, Go 1.22: its SIGQUIT traceback also prints
 * the compiler's wrapper method net.(*TCPConn).Read at <autogenerated>,
 * which the debug=2 dump elides; the same 120 connection readers are found
 * either way round (they read as 120 gone and 120 new before). */
#define SERVE "main.(*gateway).serveDevice"
static void test_index_skips_autogenerated_wrappers(void **state)
{
    (void)state;
    gmx_gsnapshot dump = load("testdata/lab/captures/go1.22/devicegw/goroutine-t3.debug2.txt");
    gmx_gsnapshot quit = load("testdata/lab/captures/go1.22/devicegw/sigquit.txt");
    const gmx_gbucket *d = tu_bucket_with_func(dump.buckets, SERVE);
    const gmx_gbucket *q = tu_bucket_with_func(quit.buckets, SERVE);
    assert_non_null(d);
    assert_non_null(q);
    assert_int_equal(d->count, 120);
    assert_int_equal(q->count, 120);
    bool wrapper = false;
    for (uint32_t i = 0; i < q->nframes; i++)
        wrapper |= gmx_str_eq_cstr(q->frames[i].file, "<autogenerated>");
    assert_true(wrapper);
    assert_found_either_way(&dump, &quit, d, q);
    gmx_gsnapshot_release(&dump);
    gmx_gsnapshot_release(&quit);
}

/* The lab's auditlog service, Go 1.19: protobuf profiles (timed) are the
 * series and record no goroutine ids; the debug=2 dumps of the same three
 * moments lend theirs as the clock of work done, and only when they pair
 * up one for one. */
#define AUDIT "testdata/lab/captures/go1.19/auditlog/goroutine-"

static void test_series_borrows_ids_from_dumps(void **state)
{
    (void)state;
    gmx_gsnapshot s[6];
    for (int t = 0; t < 3; t++) {
        char path[128];
        snprintf(path, sizeof(path), AUDIT "t%d.pb.gz", t + 1);
        s[t] = load(path);
        snprintf(path, sizeof(path), AUDIT "t%d.debug2.txt", t + 1);
        s[3 + t] = load(path);
    }
    gmx_gtimed in[6];
    for (int i = 0; i < 6; i++)
        in[i] = (gmx_gtimed){ &s[i], i < 3 ? (int64_t)(i + 1) * 60000000000 : 0 };
    gmx_gseries series;
    gmx_error err;
    assert_int_equal(gmx_gseries_build(in, 6, &series, &err), GMX_OK);
    assert_int_equal(series.n, 3);
    assert_int_equal(series.from[0], 0);
    assert_non_null(series.work_ids);
    for (int k = 0; k < 3; k++) {
        const gmx_gbucket *b = tu_bucket_with_func(s[3 + k].buckets, "main.(*router).runWriter");
        assert_non_null(b);
        assert_true(series.work_ids[k] >= b->last_id);
        assert_true(k == 0 || series.work_ids[k] > series.work_ids[k - 1]);
    }
    gmx_gseries_release(&series);
    /* Two dumps for three profiles: no pairing. */
    assert_int_equal(gmx_gseries_build(in, 5, &series, &err), GMX_OK);
    assert_int_equal(series.n, 3);
    assert_null(series.work_ids);
    gmx_gseries_release(&series);
    /* Dumps out of order against the profiles: no clock. */
    gmx_gtimed swapped[6] = { in[0], in[1], in[2], in[5], in[4], in[3] };
    assert_int_equal(gmx_gseries_build(swapped, 6, &series, &err), GMX_OK);
    assert_null(series.work_ids);
    gmx_gseries_release(&series);
    for (int i = 0; i < 6; i++)
        gmx_gsnapshot_release(&s[i]);
}

/* The lab's logship service, Go 1.19: three protobuf profiles (timed),
 * the debug=2 dumps of the same moments and the SIGQUIT dump taken after
 * the last (untimed, as in a checkout). The process's last words are left
 * out of the pairing, so the three dumps lend their ids; the SIGQUIT dump,
 * the full dump nearest the last profile, teaches its buckets their ids.
 * Four periodic dumps for three profiles still do not pair. */
#define SHIP "testdata/lab/captures/go1.19/logship/"
static void test_series_leaves_last_words_out_of_the_pairing(void **state)
{
    (void)state;
    gmx_gsnapshot s[8];
    for (int t = 0; t < 3; t++) {
        char path[128];
        snprintf(path, sizeof(path), SHIP "goroutine-t%d.pb.gz", t + 1);
        s[t] = load(path);
        snprintf(path, sizeof(path), SHIP "goroutine-t%d.debug2.txt", t + 1);
        s[3 + t] = load(path);
    }
    s[6] = load(SHIP "sigquit.txt");
    s[7] = load(SHIP "goroutine-t3.debug2.txt");
    gmx_gtimed in[8];
    for (int i = 0; i < 8; i++)
        in[i] = (gmx_gtimed){ &s[i], i < 3 ? (int64_t)(i + 1) * 60000000000 : 0 };
    gmx_gseries series;
    gmx_error err;
    assert_int_equal(gmx_gseries_build(in, 7, &series, &err), GMX_OK);
    assert_int_equal(series.n, 3);
    assert_non_null(series.work_ids);
    assert_int_equal(series.work_ids[0], gmx_judge_highest_id(&s[3]));
    assert_int_equal(series.work_ids[2], gmx_judge_highest_id(&s[5]));
    const gmx_gbucket *b = tu_bucket_with_func(series.snaps[2].buckets, "main.parse");
    assert_non_null(b);
    assert_true(b->first_id > series.work_ids[0]);
    gmx_gseries_release(&series);
    gmx_gtimed periodic[7] = { in[0], in[1], in[2], in[3], in[4], in[5], in[7] };
    assert_int_equal(gmx_gseries_build(periodic, 7, &series, &err), GMX_OK);
    assert_null(series.work_ids);
    gmx_gseries_release(&series);
    for (int i = 0; i < 8; i++)
        gmx_gsnapshot_release(&s[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_profile_learns_from_dump),
        cmocka_unit_test(test_index_follows_a_stack_across_kinds),
        cmocka_unit_test(test_index_skips_autogenerated_wrappers),
        cmocka_unit_test(test_series_borrows_ids_from_dumps),
        cmocka_unit_test(test_series_leaves_last_words_out_of_the_pairing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
