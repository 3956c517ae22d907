/* parse/expvar and parse/prom: runtime metrics pages into one sample.
 * The expvar page is real (expvar.Handler of a Go 1.27.4 program that
 * publishes "goroutines"); the Prometheus page is written from
 * client_golang's go collector format (docs/formats.md §6.3): no collector
 * could be built offline. Both sit in the fuzz corpus. */
#include "testutil.h"
#include "gomemdx/metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *fixture(const char *name, size_t *len)
{
    char path[256];
    snprintf(path, sizeof(path), "tests/fuzz/corpus/metrics/%s", name);
    char *text = tu_read_fixture(path, len);
    assert_non_null(text);
    return text;
}

static void test_metrics__expvar_memstats_and_goroutines(void **state)
{
    (void)state;
    size_t len;
    char *text = fixture("seed-go127-vars.json", &len);
    gmx_msample s;
    gmx_error err;
    assert_true(gmx_metrics_expvar_sniff(text, len));
    assert_false(gmx_metrics_prom_sniff(text, len));
    assert_int_equal(gmx_metrics_expvar_parse("vars.json", text, len, &s, &err), GMX_OK);
    assert_true(s.has_goroutines);
    assert_int_equal(s.goroutines, 1);
    assert_true(s.mem.present);
    assert_int_equal(s.mem.alloc, 130816);
    assert_int_equal(s.mem.total_alloc, 6700376);
    assert_int_equal(s.mem.sys, 16873736);
    assert_int_equal(s.mem.heap_inuse, 516096);
    assert_int_equal(s.mem.stack_inuse, 327680);
    assert_int_equal(s.mem.stack_sys, 327680);
    assert_int_equal(s.mem.next_gc, 4194304);
    assert_true(s.mem.last_gc_ns == UINT64_C(1795658469299577037));
    assert_int_equal(s.mem.num_gc, 2);
    assert_int_equal(s.mem.max_rss, 0);
    free(text);
}

static void expect_error(gmx_code (*parse)(const char *, const void *, size_t, gmx_msample *,
                                           gmx_error *),
                         const char *text, gmx_code code, uint64_t line, const char *msg)
{
    gmx_msample s;
    gmx_error err;
    assert_int_equal(parse("m.txt", text, strlen(text), &s, &err), code);
    char out[512];
    gmx_error_format(&err, out, sizeof(out));
    assert_int_equal(err.line, line);
    if (!strstr(out, msg))
        fail_msg("error '%s' lacks '%s'", out, msg);
}

static void test_metrics__expvar_errors(void **state)
{
    (void)state;
    expect_error(gmx_metrics_expvar_parse, "{\n\"memstats\": {\"Alloc\": 1,}\n}", GMX_EFORMAT, 2,
                 "m.txt:2: invalid JSON");
    expect_error(gmx_metrics_expvar_parse, "{\"cmdline\": []}", GMX_EFORMAT, 1,
                 "no \"memstats\" object");
    expect_error(gmx_metrics_expvar_parse, "[1]", GMX_EFORMAT, 1, "no \"memstats\"");
    gmx_msample s;
    gmx_error err;
    assert_int_equal(gmx_metrics_expvar_parse("big", "{}", GMX_METRICS_MAX_JSON + 1, &s, &err),
                     GMX_ELIMIT);
}

static void test_metrics__prometheus_go_collector(void **state)
{
    (void)state;
    size_t len;
    char *text = fixture("seed-client-golang.txt", &len);
    gmx_msample s;
    gmx_error err;
    assert_true(gmx_metrics_prom_sniff(text, len));
    assert_false(gmx_metrics_expvar_sniff(text, len));
    assert_int_equal(gmx_metrics_prom_parse("metrics.txt", text, len, &s, &err), GMX_OK);
    assert_true(s.has_goroutines);
    assert_int_equal(s.goroutines, 42);
    assert_true(s.mem.present);
    assert_int_equal(s.mem.heap_inuse, 8386560);
    assert_int_equal(s.mem.alloc, 7340032);
    assert_int_equal(s.mem.total_alloc, 123456789);
    assert_int_equal(s.mem.sys, 17144072);
    assert_int_equal(s.mem.mallocs, 28388);
    assert_int_equal(s.mem.stack_inuse, 950272);
    assert_int_equal(s.mem.num_gc, 37);
    assert_true(s.mem.last_gc_ns == UINT64_C(1795656731675478784));
    /* The one timestamped sample dates the page. */
    assert_true(s.time_ns == INT64_C(1795657135000) * 1000000);
    free(text);
}

static void test_metrics__prometheus_line_forms(void **state)
{
    (void)state;
    const char *text = "go_goroutines{} 3\r\n"
                       "  # a comment\n"
                       "go_memstats_heap_objects\t1.5e+03\n"
                       "go_memstats_heap_inuse_bytes{pod=\"a\"} 99\n";
    gmx_msample s;
    gmx_error err;
    assert_int_equal(gmx_metrics_prom_parse("m", text, strlen(text), &s, &err), GMX_OK);
    assert_int_equal(s.goroutines, 3);
    assert_int_equal(s.mem.heap_objects, 1500);
    assert_int_equal(s.mem.heap_inuse, 0); /* labelled series are not the process's */
    assert_int_equal(s.time_ns, 0);
}

static void test_metrics__prometheus_errors(void **state)
{
    (void)state;
    expect_error(gmx_metrics_prom_parse, "go_goroutines 1\n{x=\"1\"} 2\n", GMX_EFORMAT, 2,
                 "m.txt:2: malformed sample (expected a metric name)");
    expect_error(gmx_metrics_prom_parse, "a{x=\"}\" 1\n", GMX_EFORMAT, 1,
                 "unterminated label set");
    expect_error(gmx_metrics_prom_parse, "# HELP a b\na 1,5\n", GMX_EFORMAT, 2,
                 "malformed sample value");
    expect_error(gmx_metrics_prom_parse, "a 1 12:00\n", GMX_EFORMAT, 1, "malformed timestamp");
    expect_error(gmx_metrics_prom_parse, "a 1 2 3\n", GMX_EFORMAT, 1, "unexpected text");
    expect_error(gmx_metrics_prom_parse, "a-b 1\n", GMX_EFORMAT, 1, "expected a space");
    expect_error(gmx_metrics_prom_parse, "# only comments\n", GMX_EFORMAT, 1, "no samples");
}

/* The /debug/pprof/ page as net/http/pprof serves it (Go 1.19, 1.22,
 * 1.27: the lab's quotes service, 3 s apart), and its table as a browser
 * copies it: the goroutine row is the count. */
static void test_pprof_index_page(void **state)
{
    (void)state;
    static const char *const pages[][2] = {
        { "tests/fuzz/corpus/pindex/quotes-go119-t1.html", "tests/fuzz/corpus/pindex/quotes-go119-t2.html" },
        { "tests/fuzz/corpus/pindex/quotes-go122-t1.html", "tests/fuzz/corpus/pindex/quotes-go122-t2.html" },
        { "tests/fuzz/corpus/pindex/quotes-go127-t1.html", "tests/fuzz/corpus/pindex/quotes-go127-t2.html" },
    };
    for (size_t v = 0; v < 3; v++) {
        uint64_t counts[2];
        for (size_t t = 0; t < 2; t++) {
            size_t len;
            char *html = tu_read_fixture(pages[v][t], &len);
            assert_non_null(html);
            assert_true(gmx_metrics_pprof_index_sniff(html, len));
            assert_false(gmx_metrics_prom_sniff(html, len));
            gmx_msample m;
            gmx_error err;
            assert_int_equal(gmx_metrics_pprof_index_parse(pages[v][t], html, len, &m, &err), GMX_OK);
            assert_true(m.has_goroutines);
            assert_false(m.mem.present);
            counts[t] = m.goroutines;
            free(html);
        }
        assert_int_equal(counts[0], 15);
        assert_int_equal(counts[1], 24);
    }
    static const char copied[] = "/debug/pprof/\n\nSet debug=1 as a query parameter to export in legacy text format\n\n"
                                 "Types of profiles available:\nCount\tProfile\n1073\tallocs\n0\tblock\n"
                                 "0\tcmdline\n15234\tgoroutine\n1073\theap\n";
    gmx_msample m;
    gmx_error err;
    assert_true(gmx_metrics_pprof_index_sniff(copied, sizeof(copied) - 1));
    assert_int_equal(gmx_metrics_pprof_index_parse("c.txt", copied, sizeof(copied) - 1, &m, &err), GMX_OK);
    assert_int_equal(m.goroutines, 15234);
    /* a page that mentions the path but has no table is none */
    static const char prose[] = "see http://host:6060/debug/pprof/ for the goroutine count\n";
    assert_false(gmx_metrics_pprof_index_sniff(prose, sizeof(prose) - 1));
}

/* Stack Overflow 64963912 (verbatim lines): a program printing MemStats
 * fields each round, several to a line ("idel" is the asker's spelling and
 * no field); golang/go#39779's form, one field to a line. The last
 * printout is the sample; prose is none. */
static void test_printed_memstats(void **state)
{
    (void)state;
    static const char so[] =
        "Your formatted output is:\n"
        "sys: 1599 MB alloc: 1525 MB idel: 73 MB released: 73 MB inuse: 1526 MB\n"
        "sys: 6207 MB alloc: 4577 MB idel: 1629 MB released: 103 MB inuse: 4577 MB\n"
        "Which is (for the last line):\n"
        "sys: bytes of heap memory obtained from the OS: 6207 MB\n"
        "It is not a memory leak.\n";
    assert_true(gmx_metrics_printed_sniff(so, strlen(so)));
    gmx_msample s;
    gmx_memprint_info info;
    gmx_error err;
    assert_int_equal(gmx_metrics_printed_parse("so", so, strlen(so), &s, &info, &err), GMX_OK);
    assert_int_equal(info.printouts, 2);
    assert_int_equal(info.first_line, 2);
    assert_int_equal(info.last_line, 3);
    assert_true(s.mem.present);
    assert_int_equal(s.mem.sys, 6207ull << 20);
    assert_int_equal(s.mem.alloc, 4577ull << 20);
    static const char lines[] =
        " ```\n"
        "Alloc = 11.748207092285156 MiB\n"
        " TotalAlloc = 26889.293197631836 MiB\n"
        " Sys = 734.5589141845703 MiB\n"
        " NumGC = 161\n"
        " HeapInuse = 17 MiB\n";
    assert_int_equal(gmx_metrics_printed_parse("go", lines, strlen(lines), &s, &info, &err), GMX_OK);
    assert_int_equal(info.printouts, 1);
    assert_int_equal(s.mem.num_gc, 161);
    assert_int_equal(s.mem.heap_inuse, 17ull << 20);
    static const char prose[] = "The alloc: it grew. Sys: high.\nHeapAlloc went up by 5 MB.\n";
    assert_false(gmx_metrics_printed_sniff(prose, strlen(prose)));
    assert_int_equal(gmx_metrics_printed_parse("p", prose, strlen(prose), &s, &info, &err),
                     GMX_EFORMAT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metrics__expvar_memstats_and_goroutines),
        cmocka_unit_test(test_metrics__expvar_errors),
        cmocka_unit_test(test_metrics__prometheus_go_collector),
        cmocka_unit_test(test_metrics__prometheus_line_forms),
        cmocka_unit_test(test_metrics__prometheus_errors),
        cmocka_unit_test(test_pprof_index_page),
        cmocka_unit_test(test_printed_memstats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
