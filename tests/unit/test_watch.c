/* watch/: the rules (holmes-style thresholds and the steady-growth trend),
 * the rules file, and the loop against the fault server on 127.0.0.1: a
 * leaking target is captured and diagnosed while broken targets become
 * gaps without holding it up; a target vanishing mid-capture is a gap;
 * reopened, the store resumes. */
#include "testutil.h"
#include "gomemdx/watch.h"
#include "../watch/faultserver.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void test_watch__rules_fire(void **state)
{
    (void)state;
    gmx_watch_rule r = { .min = 50, .abs = 1000, .diff_pct = 100, .trend_pct = 50, .window = 5 };
    char why[200];
    double flat[] = { 60, 61, 59, 60, 60, 61 };
    assert_false(gmx_watch_rule_fires(&r, flat, 6, why, sizeof(why)));
    double climb[] = { 60, 70, 80, 85, 95 };
    assert_true(gmx_watch_rule_fires(&r, climb, 5, why, sizeof(why)));
    assert_non_null(strstr(why, "steady growth: 60 -> 95"));
    double spike[] = { 60, 61, 59, 60, 130 };
    assert_true(gmx_watch_rule_fires(&r, spike, 5, why, sizeof(why)));
    assert_non_null(strstr(why, "diff: 130"));
    double big[] = { 1200 };
    assert_true(gmx_watch_rule_fires(&r, big, 1, why, sizeof(why)));
    assert_non_null(strstr(why, "absolute"));
    double small[] = { 10, 20, 30, 40, 49 };
    assert_false(gmx_watch_rule_fires(&r, small, 5, why, sizeof(why)));
    double saw[] = { 60, 90, 70, 100, 80, 120 }; /* grows, but not steadily, no spike */
    r.diff_pct = 0;
    assert_false(gmx_watch_rule_fires(&r, saw, 6, why, sizeof(why)));
}

/* The default heap rule: a 12 MiB heap that doubles over the window is
 * news though it is far below the 64 MiB minimum; GC's sawtooth is not. */
static void test_watch__default_heap_rule_fires_on_doubling(void **state)
{
    (void)state;
    gmx_watch_rules r;
    gmx_watch_rules_default(&r);
    const double M = 1048576;
    char why[200];
    double doubled[10];
    for (int i = 0; i < 10; i++) /* 12 MiB to 28 MiB, sawing on the way */
        doubled[i] = (12 + 2 * i + (i % 2 ? 3 : 0)) * M;
    assert_true(gmx_watch_rule_fires(&r.heap, doubled, 10, why, sizeof(why)));
    assert_non_null(strstr(why, "growth: the low rose"));
    double saw[10];
    for (int i = 0; i < 10; i++) /* live heap flat at 12 MiB, HeapInuse up to twice that */
        saw[i] = (i % 2 ? 24 : 12) * M;
    assert_false(gmx_watch_rule_fires(&r.heap, saw, 10, why, sizeof(why)));
    double tiny[10];
    for (int i = 0; i < 10; i++) /* doubling, but below growth_min: noise */
        tiny[i] = (1 + 0.3 * i) * M;
    assert_false(gmx_watch_rule_fires(&r.heap, tiny, 10, why, sizeof(why)));
}

static void test_watch__rules_file(void **state)
{
    (void)state;
    gmx_watch_rules r;
    gmx_watch_rules_default(&r);
    const char *text = "# test\ngoroutines min=20 trend=30% window=4\nheap abs=2GiB growth=50%\n"
                       "cooldown 90s\nbudget 2\n";
    assert_int_equal(gmx_watch_rules_parse("r", text, strlen(text), &r, NULL), GMX_OK);
    assert_true(r.goroutines.min == 20 && r.goroutines.trend_pct == 30);
    assert_int_equal(r.goroutines.window, 4);
    assert_true(r.goroutines.abs == 10000);
    assert_true(r.heap.abs == 2147483648.0);
    assert_true(r.heap.growth_pct == 50 && r.heap.growth_min == 8.0 * 1048576);
    assert_true(r.cooldown_ns == INT64_C(90000000000));
    assert_int_equal(r.budget_per_hour, 2);
    gmx_error err;
    const char *bad = "heap min=1\ngoroutines window=1\n";
    assert_int_equal(gmx_watch_rules_parse("r", bad, strlen(bad), &r, &err), GMX_EFORMAT);
    assert_int_equal(err.line, 2);
    const char *bad2 = "cooldown soon\n";
    assert_int_equal(gmx_watch_rules_parse("r", bad2, strlen(bad2), &r, &err), GMX_EFORMAT);
    int64_t ns;
    assert_true(gmx_watch_parse_duration("1.5h", &ns) && ns == INT64_C(5400000000000));
    assert_true(gmx_watch_parse_duration("250ms", &ns) && ns == 250000000);
    assert_false(gmx_watch_parse_duration("10", &ns));
    assert_false(gmx_watch_parse_duration("-1s", &ns));
    assert_true(gmx_watch_parse_duration("1h30m", &ns) && ns == INT64_C(5400000000000));
    assert_true(gmx_watch_parse_duration("2d", &ns) && ns == INT64_C(172800000000000));
    assert_false(gmx_watch_parse_duration("1h30", &ns));
}

typedef struct tally {
    int samples[8], gaps[8], captures[8];
    int64_t retry[8][3];    /* the backoff of each target's first gaps */
    char summary[8][300];
    char gap[8][300];
    volatile sig_atomic_t stop;
} tally;

/* The run of test_watch__leak_captured_faults_are_gaps ends on what it has
 * seen, not after a time: ten samples of the healthy targets and the capture. */
static bool seen_enough(const tally *t)
{
    return t->samples[0] >= 10 && t->samples[4] >= 10 && t->captures[0] >= 1;
}

static void count(void *ctx, const gmx_watch_event *ev)
{
    tally *t = ctx;
    size_t i = ev->target;
    if (ev->kind == GMX_WATCH_SAMPLE)
        t->samples[i]++;
    if (ev->kind == GMX_WATCH_GAP) {
        if (t->gaps[i] < 3)
            t->retry[i][t->gaps[i]] = ev->retry_in_ns;
        t->gaps[i]++;
        snprintf(t->gap[i], sizeof(t->gap[i]), "%s", ev->message);
    }
    if (ev->kind == GMX_WATCH_CAPTURE) {
        t->captures[i]++;
        snprintf(t->summary[i], sizeof(t->summary[i]), "%s", ev->message);
    }
    if (seen_enough(t))
        t->stop = 1;
}

static void store_path(char *buf, size_t n)
{
    snprintf(buf, n, "/tmp/gmx-watch-%d.db", (int)getpid());
}

static void remove_store(const char *path)
{
    char p[300];
    unlink(path);
    snprintf(p, sizeof(p), "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", path);
    unlink(p);
}

static void test_watch__leak_captured_faults_are_gaps(void **state)
{
    (void)state;
    fs_server *fs;
    int port = fs_start(&fs);
    char urls[5][96], path[128];
    snprintf(urls[0], 96, "http://127.0.0.1:%d/leak", port);
    snprintf(urls[1], 96, "http://127.0.0.1:%d/5xx", port);
    snprintf(urls[2], 96, "http://127.0.0.1:%d/slow", port);
    snprintf(urls[3], 96, "http://127.0.0.1:%d", fs_closed_port());
    snprintf(urls[4], 96, "http://127.0.0.1:%d/ok/debug/vars", port);
    const char *list[] = { urls[0], urls[1], urls[2], urls[3], urls[4] };
    store_path(path, sizeof(path));
    remove_store(path);
    gmx_store *s;
    assert_int_equal(gmx_store_open(path, GMX_STORE_CREATE, &s, NULL), GMX_OK);
    tally t = { 0 };
    /* The duration is only a safety net: the run stops on seen_enough. */
    gmx_watch_options o = { .interval_ns = 250000000, .duration_ns = INT64_C(120000000000),
                            .stop = &t.stop, .on_event = count, .ctx = &t };
    gmx_watch_rules_default(&o.rules);
    o.rules.goroutines = (gmx_watch_rule){ .min = 20, .trend_pct = 50, .window = 3 };
    gmx_error err;
    if (gmx_watch_run(s, list, 5, &o, &err) != GMX_OK)
        fail_msg("watch: %s", err.message);
    if (!seen_enough(&t))
        fail_msg("stopped after 120 s with leak %d, ok %d samples, %d captures", t.samples[0],
                 t.samples[4], t.captures[0]);
    assert_int_equal(t.captures[0], 1); /* the cooldown keeps it to one */
    assert_non_null(strstr(t.summary[0], "chan-send-blocked"));
    for (int i = 1; i <= 3; i++) {
        assert_int_equal(t.samples[i], 0);
        assert_true(t.gaps[i] >= 2);
        for (int k = 0; k < 2; k++) /* backed off: 2, 4, then 8 intervals */
            assert_true(t.retry[i][k] == o.interval_ns << (k + 1));
    }
    assert_non_null(strstr(t.gap[1], "status 503"));
    assert_non_null(strstr(t.gap[2], "slow"));
    assert_non_null(strstr(t.gap[3], "down"));
    assert_int_equal(t.captures[4], 0);
    gmx_store_close(s);

    /* Reopened: the same targets, the samples kept, one more each. */
    assert_int_equal(gmx_store_open(path, GMX_STORE_CREATE, &s, NULL), GMX_OK);
    tally t2 = { 0 };
    gmx_watch_options once = { .once = true, .on_event = count, .ctx = &t2 };
    gmx_watch_rules_default(&once.rules);
    assert_int_equal(gmx_watch_run(s, list, 5, &once, NULL), GMX_OK);
    assert_int_equal(t2.samples[0], 1);
    gmx_store_target_info *ti;
    size_t n;
    assert_int_equal(gmx_store_list_targets(s, &ti, &n, NULL), GMX_OK);
    assert_int_equal(n, 5);
    assert_int_equal(ti[0].samples, (uint64_t)t.samples[0] + 1);
    assert_int_equal(ti[0].captures, 1);
    gmx_store_targets_free(ti, n);
    gmx_store_close(s);
    remove_store(path);
    fs_stop(fs);
}

static void test_watch__vanishing_mid_capture_is_a_gap(void **state)
{
    (void)state;
    fs_server *fs;
    int port = fs_start(&fs);
    char url[96], path[128];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/vanish", port);
    const char *list[] = { url };
    store_path(path, sizeof(path));
    remove_store(path);
    gmx_store *s;
    assert_int_equal(gmx_store_open(path, GMX_STORE_CREATE, &s, NULL), GMX_OK);
    tally t = { 0 };
    gmx_watch_options o = { .once = true, .on_event = count, .ctx = &t };
    gmx_watch_rules_default(&o.rules);
    o.rules.goroutines = (gmx_watch_rule){ .abs = 1, .window = 2 };
    assert_int_equal(gmx_watch_run(s, list, 1, &o, NULL), GMX_OK);
    assert_int_equal(t.samples[0], 1);
    assert_int_equal(t.captures[0], 0);
    assert_int_equal(t.gaps[0], 1);
    assert_non_null(strstr(t.gap[0], "capture failed"));
    assert_non_null(strstr(t.gap[0], "truncated"));
    gmx_store_close(s);
    remove_store(path);
    fs_stop(fs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_watch__rules_fire),
        cmocka_unit_test(test_watch__default_heap_rule_fires_on_doubling),
        cmocka_unit_test(test_watch__rules_file),
        cmocka_unit_test(test_watch__leak_captured_faults_are_gaps),
        cmocka_unit_test(test_watch__vanishing_mid_capture_is_a_gap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
