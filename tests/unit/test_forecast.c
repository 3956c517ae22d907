/* The OOM forecast against reality: the lab's chunkstore service really
 * grew past a 64 MiB heap (testdata/lab/forecast, truth.tsv says when).
 * diagnose sees only the first five snapshots (its first 50 seconds) and
 * must predict the crossing within 25% of the time that was really left. */
#include "testutil.h"
#include "gomemdx/bundle.h"
#include "gomemdx/diagnose.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { EARLY = 5 };

static void test_forecast__early_snapshots_predict_the_crossing(void **state)
{
    (void)state;
    size_t len;
    char *truth = tu_read_fixture("testdata/lab/forecast/truth.tsv", &len);
    if (!truth) {
        fail_msg("testdata/lab/forecast/truth.tsv not found (GMX_SOURCE_DIR=%s)", getenv("GMX_SOURCE_DIR"));
        return;
    }
    unsigned long long limit = 0;
    long long crossed = 0;
    const char *row = strchr(truth, '\n');
    assert_non_null(row);
    assert_int_equal(sscanf(row + 1, "%llu\t%lld", &limit, &crossed), 2);
    free(truth);

    const char *root = getenv("GMX_SOURCE_DIR");
    char paths[2 * EARLY][4096];
    const char *argv[2 * EARLY];
    for (int i = 0; i < EARLY; i++) {
        snprintf(paths[2 * i], sizeof(paths[0]), "%s/testdata/lab/forecast/heap-%02d.debug1.txt",
                 root ? root : ".", i + 1);
        snprintf(paths[2 * i + 1], sizeof(paths[0]), "%s/testdata/lab/forecast/heap-%02d.pb.gz",
                 root ? root : ".", i + 1);
        argv[2 * i] = paths[2 * i];
        argv[2 * i + 1] = paths[2 * i + 1];
    }
    gmx_bundle *b = NULL;
    gmx_diagnosis *d = NULL;
    gmx_error err;
    gmx_diagnose_options opts = { .limit_bytes = limit };
    if (gmx_bundle_load(argv, 2 * EARLY, NULL, &b, &err) != GMX_OK ||
        gmx_diagnose(b, &opts, &d, &err) != GMX_OK) {
        fail_msg("%s", err.message);
        return;
    }
    const gmx_forecast *f = &d->forecast;
    assert_true(f->available);
    assert_true(isfinite(f->seconds_to_limit) && f->seconds_to_limit > 0);
    double left = (double)(crossed - f->now_ns) / 1e9;
    double error = (f->seconds_to_limit - left) / left;
    print_message("forecast from %d snapshots (%s): %.0f s to the limit, really %.0f s (%+.1f%%)\n",
                  EARLY, f->series, f->seconds_to_limit, left, error * 100);
    assert_true(fabs(error) <= 0.25);
    gmx_diagnosis_free(d);
    gmx_bundle_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forecast__early_snapshots_predict_the_crossing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
