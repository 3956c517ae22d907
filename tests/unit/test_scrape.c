/* scrape/: concurrent fetches with per-transfer limits, against the fault
 * server of tests/watch on 127.0.0.1 — a healthy target answers at once
 * while the others are down, slow, 5xx, truncated, enormous or looping,
 * each reported as such; and scraped bodies into sample numbers. */
#include "testutil.h"
#include "gomemdx/scrape.h"
#include "../watch/faultserver.h"

#include <stdio.h>
#include <string.h>

typedef struct outcome {
    gmx_fetch_status status[16];
    int order[16];          /* 1 for the first to finish, 2 for the next, ... */
    char body[16][512];
    int done;
} outcome;

static void on_fetch(void *ctx, const gmx_fetch *f)
{
    outcome *o = ctx;
    o->status[f->kind] = f->status;
    o->order[f->kind] = o->done + 1;
    snprintf(o->body[f->kind], sizeof(o->body[0]), "%s",
             f->status == GMX_FETCH_OK ? f->body : f->message);
    o->done++;
}

static void run_all(gmx_scraper *s, outcome *o)
{
    for (int i = 0; i < 200 && gmx_scraper_pending(s); i++)
        assert_int_equal(gmx_scraper_run(s, 100, on_fetch, o, NULL), GMX_OK);
    assert_int_equal(gmx_scraper_pending(s), 0);
}

static void get(gmx_scraper *s, int port, const char *path, int kind)
{
    char url[256];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", port, path);
    assert_int_equal(gmx_scraper_get(s, url, 0, NULL, kind, NULL), GMX_OK);
}

static void test_scrape__faults_never_hold_up_a_healthy_target(void **state)
{
    (void)state;
    fs_server *fs;
    int port = fs_start(&fs);
    assert_true(port > 0);
    gmx_fetch_limits lim = { .timeout_ms = 700, .max_body = 1 << 20, .max_redirects = 3 };
    gmx_scraper *s;
    assert_int_equal(gmx_scraper_new(&lim, &s, NULL), GMX_OK);
    outcome o = { 0 };
    get(s, port, "/slow/debug/pprof/goroutine?debug=1", 0);
    get(s, port, "/ok/debug/pprof/goroutine?debug=1", 1);
    get(s, port, "/5xx/debug/pprof/goroutine?debug=1", 2);
    get(s, port, "/trunc/debug/pprof/heap?debug=1", 3);
    get(s, port, "/huge/debug/pprof/heap?debug=1", 4);
    get(s, port, "/loop/debug/pprof/heap?debug=1", 5);
    get(s, fs_closed_port(), "/debug/pprof/heap?debug=1", 6);
    run_all(s, &o);
    assert_int_equal(o.done, 7);
    assert_int_equal(o.status[0], GMX_FETCH_SLOW);
    assert_int_equal(o.status[1], GMX_FETCH_OK);
    assert_int_equal(o.status[2], GMX_FETCH_HTTP_ERROR);
    assert_int_equal(o.status[3], GMX_FETCH_TRUNCATED);
    assert_int_equal(o.status[4], GMX_FETCH_TOO_LARGE);
    assert_int_equal(o.status[5], GMX_FETCH_REDIRECT_LOOP);
    assert_int_equal(o.status[6], GMX_FETCH_DOWN);
    /* The slow target, asked first, held up none of the quick ones: they
     * finished before it (it answers after 3 s; the timeout is 0.7 s). */
    assert_true(o.order[1] < o.order[0]);
    assert_true(o.order[2] < o.order[0]);
    assert_true(o.order[6] < o.order[0]);
    assert_non_null(strstr(o.body[2], "status 503"));
    assert_non_null(strstr(o.body[4], "1048576-byte cap"));
    assert_non_null(strstr(o.body[5], "redirect loop"));
    gmx_scraper_free(s);
    fs_stop(fs);
}

static void test_scrape__bodies_into_numbers(void **state)
{
    (void)state;
    fs_server *fs;
    int port = fs_start(&fs);
    gmx_scraper *s;
    assert_int_equal(gmx_scraper_new(NULL, &s, NULL), GMX_OK);
    outcome o = { 0 };
    get(s, port, "/ok/debug/pprof/goroutine?debug=1", 0);
    get(s, port, "/ok/debug/pprof/heap?debug=1", 1);
    get(s, port, "/ok/debug/vars", 2);
    run_all(s, &o);
    uint64_t n = 0;
    assert_int_equal(gmx_scrape_goroutines(o.body[0], strlen(o.body[0]), &n, NULL), GMX_OK);
    assert_int_equal(n, 5);
    gmx_memstats ms;
    assert_int_equal(gmx_scrape_memstats(o.body[1], strlen(o.body[1]), &ms, NULL), GMX_OK);
    assert_int_equal(ms.heap_inuse, 2039808);
    assert_int_equal(ms.num_gc, 2);
    gmx_msample m;
    assert_int_equal(gmx_scrape_metrics(o.body[2], strlen(o.body[2]), &m, NULL), GMX_OK);
    assert_int_equal(m.goroutines, 7);
    assert_int_equal(m.mem.heap_inuse, 4096);
    gmx_error err;
    assert_int_equal(gmx_scrape_goroutines("<html>", 6, &n, &err), GMX_EFORMAT);
    assert_int_equal(gmx_scrape_memstats("heap profile: 0: 0 [0: 0] @ heap/1\n", 35, &ms, &err),
                     GMX_EFORMAT);
    assert_non_null(strstr(err.message, "MemStats"));
    assert_int_equal(gmx_scrape_metrics("<html>", 6, &m, &err), GMX_EFORMAT);
    gmx_scraper_free(s);
    fs_stop(fs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scrape__faults_never_hold_up_a_healthy_target),
        cmocka_unit_test(test_scrape__bodies_into_numbers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
