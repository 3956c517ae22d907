/* parse/oomlog: OOM evidence in logs. The Go lines are a real crash of
 * the lab's promo service (testdata/lab/captures/go1.27/promo/oom.log, its
 * head kept in the fuzz corpus); the kernel and Kubernetes lines are
 * written from the formats of mm/oom_kill.c and kubectl describe / kubelet
 * events (seed-kernel-k8s.log), as the lab cannot make a kernel OOM kill. */
#include "testutil.h"
#include "gomemdx/oomlog.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEC INT64_C(1000000000)

typedef struct seen {
    gmx_oom_event ev[16];
    int n;
} seen;

static int collect(void *ctx, const gmx_oom_event *ev)
{
    seen *s = ctx;
    if (s->n < 16)
        s->ev[s->n++] = *ev;
    return 0;
}

static char *scan_fixture(const char *file, seen *s)
{
    char path[256];
    snprintf(path, sizeof(path), "tests/fuzz/corpus/oomlog/%s", file);
    size_t len;
    char *text = tu_read_fixture(path, &len);
    assert_non_null(text);
    memset(s, 0, sizeof(*s));
    gmx_error err;
    assert_int_equal(gmx_oomlog_scan(file, text, len, collect, s, &err), GMX_OK);
    return text; /* the events' views point into it */
}

static void test_oomlog__go_runtime_crash(void **state)
{
    (void)state;
    seen s;
    char *text = scan_fixture("seed-promo-go127-oom.log", &s);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.ev[0].kind, GMX_OOM_GO_FATAL);
    assert_int_equal(s.ev[0].line, 5);
    assert_int_equal(s.ev[0].time.kind, GMX_LOG_TIME_NONE);
    assert_true(gmx_str_eq_cstr(s.ev[0].text, "fatal error: runtime: out of memory"));
    /* The last log line before the crash dates it: 2026/11/26 01:47:58.432480. */
    assert_int_equal(s.ev[0].last_time.kind, GMX_LOG_TIME_UNIX);
    assert_true(s.ev[0].last_time.ns == INT64_C(1795657678) * SEC + 432480000);
    free(text);
    text = scan_fixture("seed-promo-go119-oom.log", &s);
    assert_int_equal(s.n, 1);
    assert_true(gmx_str_eq_cstr(s.ev[0].text,
                                "fatal error: out of memory allocating heap arena metadata"));
    free(text);
}

static void test_oomlog__kernel_and_kubernetes(void **state)
{
    (void)state;
    seen s;
    char *text = scan_fixture("seed-kernel-k8s.log", &s);
    assert_int_equal(s.n, 8);
    gmx_oom_event *e = s.ev;
    assert_int_equal(e[0].kind, GMX_OOM_KILL_SUMMARY);
    assert_int_equal(e[0].time.kind, GMX_LOG_TIME_BOOT);
    assert_true(e[0].time.ns == INT64_C(8123) * SEC + 457001000);
    assert_true(gmx_str_eq_cstr(e[0].constraint, "CONSTRAINT_MEMCG"));
    assert_true(gmx_str_eq_cstr(e[0].process, "promo"));
    assert_int_equal(e[0].pid, 4242);
    assert_int_equal(e[0].uid, 1000);
    assert_int_equal(e[1].kind, GMX_OOM_CGROUP_KILL);
    assert_int_equal(e[1].pid, 4242);
    assert_true(gmx_str_eq_cstr(e[1].process, "promo"));
    assert_int_equal(e[1].total_vm_kb, 2417040);
    assert_int_equal(e[1].anon_rss_kb, 1046228);
    assert_int_equal(e[1].file_rss_kb, 8596);
    assert_int_equal(e[2].kind, GMX_OOM_KERNEL_KILL);
    assert_int_equal(e[2].time.kind, GMX_LOG_TIME_OF_YEAR);
    assert_int_equal(e[2].anon_rss_kb, 2046228);
    assert_int_equal(e[3].kind, GMX_OOM_REAPED);
    assert_int_equal(e[3].pid, 4243);
    assert_int_equal(e[4].kind, GMX_OOM_K8S_KILLED);
    assert_int_equal(e[4].line, 7);
    assert_int_equal(e[5].kind, GMX_OOM_K8S_KILLED);
    assert_int_equal(e[6].kind, GMX_OOM_GO_FATAL);
    assert_true(e[6].has_request);
    assert_true(e[6].request_bytes == UINT64_C(1073741824));
    assert_true(e[6].inuse_bytes == UINT64_C(1082130432));
    assert_int_equal(e[6].last_time.kind, GMX_LOG_TIME_UNIX);
    assert_int_equal(e[7].kind, GMX_OOM_GO_ARENA);
    assert_int_equal(e[7].time.kind, GMX_LOG_TIME_UNIX);
    assert_int_equal(e[7].line, 12);
    free(text);
}

static int stop(void *ctx, const gmx_oom_event *ev)
{
    (void)ctx;
    (void)ev;
    return GMX_ELIMIT;
}

static void test_oomlog__stopping_names_the_line(void **state)
{
    (void)state;
    const char *text = "ok\nfatal error: runtime: out of memory\n";
    gmx_error err;
    assert_int_equal(gmx_oomlog_scan("app.log", text, strlen(text), stop, NULL, &err),
                     GMX_ELIMIT);
    char out[256];
    gmx_error_format(&err, out, sizeof(out));
    assert_string_equal(out, "app.log:2: stopped at this line");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_oomlog__go_runtime_crash),
        cmocka_unit_test(test_oomlog__kernel_and_kubernetes),
        cmocka_unit_test(test_oomlog__stopping_names_the_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
