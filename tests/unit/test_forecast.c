/* The OOM forecast against reality, on real series whose capture scripts
 * recorded when each snapshot was taken:
 *   testdata/lab/forecast        chunkstore grew past a 64 MiB heap
 *                                (truth.tsv says when; memstats.tsv the times)
 *   testdata/lab/series/catalogcache  a map exploded to ~104 MiB, then stayed
 *                                flat, with one GC for nine captures
 *                                (timeline.tsv)
 * The files are staged in a scratch folder with the recorded capture times
 * as their file times, the way a folder of curl captures keeps them. */
#include "testutil.h"
#include "gomemdx/bundle.h"
#include "gomemdx/diagnose.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { EARLY = 5, MAX_ROWS = 64 };

typedef struct timeline {
    char file[MAX_ROWS][64];
    long long ns[MAX_ROWS];
    size_t n;
} timeline;

/* Rows "file<TAB>unix_ns<TAB>..." of a capture script's timeline. */
static void read_timeline(const char *relpath, timeline *t)
{
    size_t len;
    char *text = tu_read_fixture(relpath, &len);
    if (!text)
        fail_msg("%s not found (GMX_SOURCE_DIR=%s)", relpath, getenv("GMX_SOURCE_DIR"));
    t->n = 0;
    for (char *row = strchr(text, '\n'); row && row[1] && t->n < MAX_ROWS; row = strchr(row + 1, '\n'))
        if (sscanf(row + 1, "%63[^\t]\t%lld", t->file[t->n], &t->ns[t->n]) == 2)
            t->n++;
    free(text);
    assert_true(t->n > 0);
}

static void copy_timed(const char *from, const char *to, long long ns)
{
    size_t len;
    char *data = tu_read_fixture(from, &len);
    assert_non_null(data);
    FILE *f = fopen(to, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
    free(data);
    struct timespec ts[2] = { { ns / 1000000000, ns % 1000000000 }, { ns / 1000000000, ns % 1000000000 } };
    assert_int_equal(utimensat(AT_FDCWD, to, ts, 0), 0);
}

static gmx_diagnosis *diagnose_dir(const char *dir, uint64_t limit, gmx_bundle **b)
{
    gmx_diagnosis *d = NULL;
    gmx_error err;
    gmx_diagnose_options opts = { .limit_bytes = limit };
    const char *paths[] = { dir };
    if (gmx_bundle_load(paths, 1, NULL, b, &err) != GMX_OK || gmx_diagnose(*b, &opts, &d, &err) != GMX_OK)
        fail_msg("%s", err.message);
    return d;
}

static void remove_dir(const char *dir)
{
    char cmd[4200];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* What every forecast must hold: a moment after the last observation, a
 * rate no steeper than the steepest step observed. */
static void assert_defensible(const gmx_forecast *f, long long last_capture_ns)
{
    if (f->bytes_per_second > 0)
        assert_true(f->bytes_per_second <= f->largest_step_rate * (1 + 1e-9));
    assert_true(f->rate_high <= f->largest_step_rate * (1 + 1e-9));
    if (f->available && isfinite(f->seconds_to_limit) && f->seconds_to_limit > 0)
        assert_true(f->now_ns + (long long)(f->seconds_to_limit * 1e9) > last_capture_ns);
}

static void test_forecast__early_snapshots_predict_the_crossing(void **state)
{
    (void)state;
    size_t len;
    char *truth = tu_read_fixture("testdata/lab/forecast/truth.tsv", &len);
    assert_non_null(truth);
    unsigned long long limit = 0;
    long long crossed = 0;
    const char *row = strchr(truth, '\n');
    assert_non_null(row);
    assert_int_equal(sscanf(row + 1, "%llu\t%lld", &limit, &crossed), 2);
    free(truth);
    timeline t;
    read_timeline("testdata/lab/forecast/memstats.tsv", &t);
    assert_true(t.n >= EARLY);
    char dir[] = "/tmp/gmx-forecast-XXXXXX";
    assert_non_null(mkdtemp(dir));
    for (size_t i = 0; i < EARLY; i++) {
        char from[128], to[4200];
        /* heap-NN.debug1.txt was fetched at the recorded time, its
         * heap-NN.pb.gz right after it. */
        for (int text = 0; text <= 1; text++) {
            snprintf(from, sizeof(from), "testdata/lab/forecast/heap-%02zu.%s", i + 1,
                     text ? "debug1.txt" : "pb.gz");
            snprintf(to, sizeof(to), "%s/heap-%02zu.%s", dir, i + 1, text ? "debug1.txt" : "pb.gz");
            copy_timed(from, to, t.ns[i]);
        }
    }
    gmx_bundle *b = NULL;
    gmx_diagnosis *d = diagnose_dir(dir, limit, &b);
    const gmx_forecast *f = &d->forecast;
    assert_true(f->available);
    assert_string_equal(f->series, d->memstats.name); /* MemStats timed by their captures */
    assert_true(isfinite(f->seconds_to_limit) && f->seconds_to_limit > 0);
    double left = (double)(crossed - f->now_ns) / 1e9;
    double error = (f->seconds_to_limit - left) / left;
    print_message("forecast from %d snapshots (%s): %.0f s to the limit, really %.0f s (%+.1f%%)\n",
                  EARLY, f->series, f->seconds_to_limit, left, error * 100);
    assert_true(fabs(error) <= 0.25);
    assert_defensible(f, t.ns[EARLY - 1]);
    gmx_diagnosis_free(d);
    gmx_bundle_free(b);
    remove_dir(dir);
}

/* Copies of the catalogcache series: the first `count` captures, timed by
 * the timeline when `timed`, else all at one moment (a checkout). */
static void stage_catalogcache(const timeline *t, size_t count, bool timed, char *dir)
{
    assert_non_null(mkdtemp(dir));
    for (size_t i = 0; i < count; i++) {
        char from[160], to[4200];
        snprintf(from, sizeof(from), "testdata/lab/series/catalogcache/%s", t->file[i]);
        snprintf(to, sizeof(to), "%s/%s", dir, t->file[i]);
        copy_timed(from, to, timed ? t->ns[i] : t->ns[0]);
    }
}

#define CATALOG_LIMIT (256ULL << 20)

static void test_forecast__growth_that_stopped_is_not_extrapolated(void **state)
{
    (void)state;
    timeline t;
    read_timeline("testdata/lab/series/catalogcache/timeline.tsv", &t);
    char dir[] = "/tmp/gmx-forecast-XXXXXX";
    stage_catalogcache(&t, t.n, true, dir);
    gmx_bundle *b = NULL;
    gmx_diagnosis *d = diagnose_dir(dir, CATALOG_LIMIT, &b);
    const gmx_forecast *f = &d->forecast;
    assert_string_equal(f->series, d->memstats.name);
    assert_true(f->available);
    assert_true(f->stopped);
    assert_false(isfinite(f->seconds_to_limit));
    assert_int_equal(f->now_ns, t.ns[t.n - 1]);
    assert_defensible(f, t.ns[t.n - 1]);
    gmx_diagnosis_free(d);
    gmx_bundle_free(b);
    remove_dir(dir);
}

static void test_forecast__while_growing_names_a_moment_after_the_last_capture(void **state)
{
    (void)state;
    timeline t;
    read_timeline("testdata/lab/series/catalogcache/timeline.tsv", &t);
    char dir[] = "/tmp/gmx-forecast-XXXXXX";
    stage_catalogcache(&t, 3, true, dir);
    gmx_bundle *b = NULL;
    gmx_diagnosis *d = diagnose_dir(dir, CATALOG_LIMIT, &b);
    const gmx_forecast *f = &d->forecast;
    assert_true(f->available && !f->stopped);
    assert_true(isfinite(f->seconds_to_limit) && f->seconds_to_limit > 0);
    assert_defensible(f, t.ns[2]);
    gmx_diagnosis_free(d);
    gmx_bundle_free(b);
    remove_dir(dir);
}

/* Without capture times, the MemStats (read at capture) are not dated by
 * LastGC: nine captures share one LastGC here, and dating them by it made
 * a rate out of steps of zero seconds. */
static void test_forecast__memstats_are_never_dated_by_the_last_gc(void **state)
{
    (void)state;
    timeline t;
    read_timeline("testdata/lab/series/catalogcache/timeline.tsv", &t);
    char dir[] = "/tmp/gmx-forecast-XXXXXX";
    stage_catalogcache(&t, t.n, false, dir);
    gmx_bundle *b = NULL;
    gmx_diagnosis *d = diagnose_dir(dir, CATALOG_LIMIT, &b);
    for (size_t i = 0; i < d->memstats.n; i++)
        assert_int_equal(d->memstats.points[i].time_ns, 0);
    for (size_t i = 0; i < gmx_bundle_count(b); i++)
        assert_int_equal(gmx_bundle_at(b, i)->time_source, GMX_TIME_LAST_GC);
    const gmx_forecast *f = &d->forecast;
    assert_string_not_equal(f->series, d->memstats.name);
    assert_true(f->window_points <= 4); /* four distinct GCs, four observations */
    assert_defensible(f, 0);
    gmx_diagnosis_free(d);
    gmx_bundle_free(b);
    remove_dir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forecast__early_snapshots_predict_the_crossing),
        cmocka_unit_test(test_forecast__growth_that_stopped_is_not_extrapolated),
        cmocka_unit_test(test_forecast__while_growing_names_a_moment_after_the_last_capture),
        cmocka_unit_test(test_forecast__memstats_are_never_dated_by_the_last_gc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
