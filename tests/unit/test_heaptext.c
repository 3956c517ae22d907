/* parse/heaptext: heap profile debug=1 text into a heap snapshot. */
#include "testutil.h"
#include "gomemdx/heaptext.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* MemProfileRate=1 (heap/2): values are exact, no scaling. */
static const char rate1[] =
    "heap profile: 707: 1284336 [1517: 2783184] @ heap/2\n"
    "100: 1024000 [100: 1024000] @ 0x47c113 0x47f4b3 0x4de934 0x4dea7d 0x44aa27 0x4835c1\n"
    "#\t0x4de933\tmain.grow+0x93\t\t/tmp/ex/heap/main.go:22\n"
    "#\t0x4dea7c\tmain.main+0x7c\t\t/tmp/ex/heap/main.go:34\n"
    "#\t0x44aa26\truntime.main+0x426\t/usr/local/go/src/runtime/proc.go:302\n"
    "\n"
    "0: 0 [5: 80] @ 0x47c113\n"
    "\n"
    "# runtime.MemStats\n"
    "# Alloc = 1344488\n"
    "# TotalAlloc = 2783184\n"
    "# HeapInuse = 2375680\n"
    "# Stack = 294912 / 327680\n"
    "# PauseNs = [1 2 3]\n"
    "# NumGC = 6\n"
    "# GCCPUFraction = 0.030102519943417866\n"
    "# DebugGC = false\n"
    "# MaxRSS = 6344704\n";

static gmx_code parse(const char *text, gmx_hsnapshot **h, gmx_error *err)
{
    *h = gmx_hsnapshot_new(0);
    assert_non_null(*h);
    return gmx_heaptext_parse("heap.txt", text, strlen(text), *h, err);
}

static void test_heaptext__records_frames_and_memstats(void **state)
{
    (void)state;
    gmx_hsnapshot *h;
    gmx_error err;
    assert_true(gmx_heaptext_sniff(rate1, strlen(rate1)));
    assert_int_equal(parse(rate1, &h, &err), GMX_OK);
    assert_int_equal(gmx_hsnapshot_count(h), 2);
    const gmx_hsite *s = gmx_hsnapshot_at(h, 0);
    assert_int_equal(s->inuse_objects, 100);
    assert_int_equal(s->inuse_bytes, 1024000);
    assert_int_equal(s->nframes, 3);
    assert_true(gmx_str_eq_cstr(s->frames[0].func, "main.grow"));
    assert_true(gmx_str_eq_cstr(s->frames[0].file, "/tmp/ex/heap/main.go"));
    assert_int_equal(s->frames[0].line, 22);
    assert_int_equal(s->max_object_bytes, 10240);
    /* no "#" lines: its pc as its frame, written as pprof shows an address */
    assert_int_equal(gmx_hsnapshot_at(h, 1)->nframes, 1);
    assert_true(gmx_str_eq_cstr(gmx_hsnapshot_at(h, 1)->frames[0].func, "0x47c113"));
    assert_int_equal(gmx_hsnapshot_at(h, 1)->alloc_bytes, 80);
    const gmx_hsnapshot_info *info = gmx_hsnapshot_get_info(h);
    assert_int_equal(info->sample_rate, 1);
    assert_true(info->memstats.present);
    assert_int_equal(info->memstats.alloc, 1344488);
    assert_int_equal(info->memstats.total_alloc, 2783184);
    assert_int_equal(info->memstats.heap_inuse, 2375680);
    assert_int_equal(info->memstats.stack_inuse, 294912);
    assert_int_equal(info->memstats.stack_sys, 327680);
    assert_int_equal(info->memstats.num_gc, 6);
    assert_int_equal(info->memstats.max_rss, 6344704);
    gmx_hsnapshot_free(h);
}

/* The same text with blanks a copy left at every line's end (a terminal,
 * a web page): read as the text. Before, its title was refused ("not a
 * heap profile") and its MemStats lines were malformed. */
static void test_heaptext__blanks_at_line_ends(void **state)
{
    (void)state;
    char padded[sizeof(rate1) * 2];
    size_t n = 0;
    for (const char *l = rate1; *l;) {
        const char *nl = strchr(l, '\n');
        size_t len = (size_t)(nl - l);
        memcpy(padded + n, l, len);
        n += len;
        memcpy(padded + n, " \t \n", 4);
        n += 4;
        l = nl + 1;
    }
    padded[n] = '\0';
    gmx_hsnapshot *h;
    gmx_error err;
    assert_int_equal(parse(padded, &h, &err), GMX_OK);
    assert_int_equal(gmx_hsnapshot_count(h), 2);
    assert_int_equal(gmx_hsnapshot_at(h, 0)->inuse_bytes, 1024000);
    assert_int_equal(gmx_hsnapshot_at(h, 0)->nframes, 3);
    assert_true(gmx_str_eq_cstr(gmx_hsnapshot_at(h, 0)->frames[0].file, "/tmp/ex/heap/main.go"));
    assert_int_equal(gmx_hsnapshot_at(h, 0)->frames[0].line, 22);
    const gmx_hsnapshot_info *info = gmx_hsnapshot_get_info(h);
    assert_int_equal(info->sample_rate, 1);
    assert_int_equal(info->memstats.heap_inuse, 2375680);
    assert_int_equal(info->memstats.max_rss, 6344704);
    gmx_hsnapshot_free(h);
}

/* Names the call at 0x47c112 only, innermost position first: what it was
 * asked for is kept to check the pc - 1. */
static size_t one_call(void *ctx, uint64_t address, gmx_frame *out, size_t max)
{
    *(uint64_t *)ctx = address;
    if (address != 0x47c112 || !max)
        return 0;
    out[0] = (gmx_frame){ { "runtime.makeslice", 17 }, { "slice.go", 8 }, 103 };
    return 1;
}

static void test_heaptext__names_raw_pcs_from_a_symbolizer(void **state)
{
    (void)state;
    uint64_t asked = 0;
    gmx_symbolizer sym = { one_call, &asked };
    gmx_symbolized names;
    gmx_error err;
    gmx_hsnapshot *h = gmx_hsnapshot_new(0);
    assert_non_null(h);
    assert_int_equal(gmx_heaptext_parse_named("heap.txt", rate1, strlen(rate1), h, &sym, &names,
                                              &err),
                     GMX_OK);
    assert_int_equal(asked, 0x47c112);
    /* the record with "#" lines keeps them; the other is named */
    assert_true(gmx_str_eq_cstr(gmx_hsnapshot_at(h, 0)->frames[0].func, "main.grow"));
    const gmx_hsite *s = gmx_hsnapshot_at(h, 1);
    assert_int_equal(s->nframes, 1);
    assert_true(gmx_str_eq_cstr(s->frames[0].func, "runtime.makeslice"));
    assert_int_equal(s->frames[0].line, 103);
    assert_int_equal(names.unnamed, 1);
    assert_int_equal(names.named, 1);
    assert_true(names.with_binary);
    gmx_hsnapshot_free(h);
    /* a record whose pcs are not all named keeps them all as addresses */
    static const char two[] = "heap profile: 1: 8 [1: 8] @ heap/2\n"
                              "1: 8 [1: 8] @ 0x47c113 0x4de934\n";
    h = gmx_hsnapshot_new(0);
    assert_non_null(h);
    assert_int_equal(gmx_heaptext_parse_named("two.txt", two, strlen(two), h, &sym, &names, &err),
                     GMX_OK);
    s = gmx_hsnapshot_at(h, 0);
    assert_int_equal(s->nframes, 2);
    assert_true(gmx_str_eq_cstr(s->frames[0].func, "0x47c113"));
    assert_true(gmx_str_eq_cstr(s->frames[1].func, "0x4de934"));
    assert_int_equal(names.unnamed, 2);
    assert_int_equal(names.named, 0);
    gmx_hsnapshot_free(h);
}

static void test_heaptext__scales_like_pprof(void **state)
{
    (void)state;
    /* 1 object of 480 bytes sampled at rate 524288: pprof's scaleHeapSample
     * gives 1/(1-exp(-480/524288)) = 1092.73..., so 1092 objects, 524528 B. */
    const char *text = "heap profile: 1: 480 [1: 480] @ heap/1048576\n"
                       "1: 480 [2: 1048576] @ 0x1\n"
                       "#\t0x1\tmain.f+0x1\t/a.go:1\n";
    gmx_hsnapshot *h;
    gmx_error err;
    assert_int_equal(parse(text, &h, &err), GMX_OK);
    const gmx_hsite *s = gmx_hsnapshot_at(h, 0);
    assert_int_equal(gmx_hsnapshot_get_info(h)->sample_rate, 524288);
    assert_int_equal(s->inuse_objects, 1092);
    assert_int_equal(s->inuse_bytes, 524528);
    /* Two 512 KiB objects: scale 1/(1-e^-1) = 1.58197... */
    assert_int_equal(s->alloc_objects, 3);
    assert_int_equal(s->alloc_bytes, 1658822);
    assert_false(gmx_hsnapshot_get_info(h)->memstats.present);
    gmx_hsnapshot_free(h);
}

static void expect_error(const char *text, uint64_t line, const char *msg)
{
    gmx_hsnapshot *h;
    gmx_error err;
    assert_int_equal(parse(text, &h, &err), GMX_EFORMAT);
    char out[512];
    gmx_error_format(&err, out, sizeof(out));
    assert_int_equal(err.line, line);
    if (!strstr(out, msg))
        fail_msg("error '%s' lacks '%s'", out, msg);
    gmx_hsnapshot_free(h);
}

static void test_heaptext__errors_name_file_and_line(void **state)
{
    (void)state;
    expect_error("goroutine profile: total 3\n", 1, "heap.txt:1: not a heap profile");
    expect_error("heap profile: 1: 2 [3: 4] @ heap/x\n", 1, "not a heap profile");
    expect_error("heap profile: 1: 2 [3: 4] @ heap/2\n1: 2 [3 4] @ 0x1\n", 2,
                 "heap.txt:2: malformed record");
    expect_error("heap profile: 1: 2 [3: 4] @ heap/2\n\n0: 8 [0: 0] @ 0x1\n", 3,
                 "bytes but no objects");
    expect_error("heap profile: 1: 2 [3: 4] @ heap/2\n# runtime.MemStats\n# Alloc = x\n", 3,
                 "heap.txt:3: malformed MemStats line");
}

/* Totals against go tool pprof on the same text file. The constants come
 * from a real run of Go 1.27.4's pprof (GOTOOLCHAIN=local GOPROXY=off):
 *   go tool pprof -sample_index=inuse_space -unit=B -top FILE
 * ("Showing nodes accounting for ..., 100% of NB total"), and likewise
 * inuse_objects, alloc_space, alloc_objects. */
typedef struct pprof_totals {
    const char *file;
    int64_t inuse_bytes, inuse_objects, alloc_bytes, alloc_objects;
} pprof_totals;

static const pprof_totals lab[] = {
    { "testdata/lab/captures/go1.19/billing/heap-t3.debug1.txt", 2261528, 6722, 18207681, 74804 },
    { "testdata/lab/captures/go1.22/inventory/heap-t3.debug1.txt", 2387373, 88, 31848681,
      132294 },
    { "testdata/lab/captures/go1.27/ledger/heap-t3.debug1.txt", 524344, 4681, 12505799, 36708 },
    { "testdata/lab/captures/go1.27/billing/heap-t2.debug1.txt", 1049056, 2185, 6661593, 35094 },
};

/* Rounding: pprof and we compute exp() in different libraries; allow 1
 * unit per record. */
static void assert_near(int64_t got, int64_t want, size_t records)
{
    int64_t d = got > want ? got - want : want - got;
    if (d > (int64_t)records)
        fail_msg("got %lld, want %lld", (long long)got, (long long)want);
}

static void test_heaptext__totals_match_go_tool_pprof(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(lab) / sizeof(lab[0]); i++) {
        size_t len;
        char *text = tu_read_fixture(lab[i].file, &len);
        assert_non_null(text);
        gmx_hsnapshot *h = gmx_hsnapshot_new(0);
        gmx_error err;
        if (gmx_heaptext_parse(lab[i].file, text, len, h, &err) != GMX_OK)
            fail_msg("%s:%llu: %s", lab[i].file, (unsigned long long)err.line, err.message);
        gmx_hsite t = gmx_hsnapshot_total(h);
        size_t n = gmx_hsnapshot_count(h);
        assert_near(t.inuse_bytes, lab[i].inuse_bytes, n);
        assert_near(t.inuse_objects, lab[i].inuse_objects, n);
        assert_near(t.alloc_bytes, lab[i].alloc_bytes, n);
        assert_near(t.alloc_objects, lab[i].alloc_objects, n);
        assert_true(gmx_hsnapshot_get_info(h)->memstats.present);
        assert_true(gmx_hsnapshot_get_info(h)->memstats.heap_inuse > 0);
        gmx_hsnapshot_free(h);
        free(text);
    }
}

/* The lab's text as it is pasted: between fences after prose, quoted in a
 * reply, with tabs a page drew as glyphs, HTML-escaped in <details><pre>,
 * in a commit message whose frame lines lost their "#" (git drops lines
 * that start with it) and their tabs. */
enum { FENCED, QUOTED, GLYPHS, HTML, HASHLESS, PASTES };

static char *pasted(const char *text, size_t len, int how, size_t *out_len)
{
    char *out = malloc(len * 6 + 256), *o = out;
    if (how == FENCED)
        o += sprintf(o, "Memory keeps growing, here is the heap:\n\n```\n");
    if (how == HTML)
        o += sprintf(o, "<details><summary>heap</summary>\n\n<pre>\n");
    bool line_start = true;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (how == QUOTED && line_start)
            o += sprintf(o, "> ");
        if (how == HASHLESS && line_start && len - i > 3 && memcmp(text + i, "#\t0x", 4) == 0)
            c = ' ';
        line_start = c == '\n';
        if (how == HASHLESS && c == '\t')
            c = ' ';
        if (how == GLYPHS && c == '\t')
            o += sprintf(o, "\xc2\xbb   ");
        else if (how == HTML && (c == '<' || c == '>' || c == '&'))
            o += sprintf(o, "%s", c == '<' ? "&lt;" : c == '>' ? "&gt;" : "&amp;");
        else
            *o++ = c;
    }
    if (how == FENCED)
        o += sprintf(o, "```\n\nAny idea what holds it?\n");
    if (how == HTML)
        o += sprintf(o, "</pre>\n</details>\n");
    *out_len = (size_t)(o - out);
    return out;
}

static void test_heaptext__pasted_reads_as_the_runtime_text(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(lab) / sizeof(lab[0]); i++) {
        size_t len;
        char *text = tu_read_fixture(lab[i].file, &len);
        assert_non_null(text);
        gmx_hsnapshot *want = gmx_hsnapshot_new(0);
        gmx_error err;
        assert_int_equal(gmx_heaptext_parse(lab[i].file, text, len, want, &err), GMX_OK);
        gmx_hsite w = gmx_hsnapshot_total(want);
        for (int how = 0; how < PASTES; how++) {
            size_t n;
            char *p = pasted(text, len, how, &n);
            assert_true(gmx_heaptext_sniff(p, n));
            gmx_hsnapshot *h = gmx_hsnapshot_new(0);
            if (gmx_heaptext_parse(lab[i].file, p, n, h, &err) != GMX_OK)
                fail_msg("%s, paste %d: %s", lab[i].file, how, err.message);
            gmx_hsite t = gmx_hsnapshot_total(h);
            assert_int_equal(gmx_hsnapshot_count(h), gmx_hsnapshot_count(want));
            assert_true(t.inuse_bytes == w.inuse_bytes && t.alloc_objects == w.alloc_objects);
            assert_true(gmx_hsnapshot_get_info(h)->memstats.heap_inuse ==
                        gmx_hsnapshot_get_info(want)->memstats.heap_inuse);
            for (size_t k = 0; k < gmx_hsnapshot_count(h); k++) /* named, not addresses */
                assert_true(gmx_hsnapshot_at(h, k)->nframes == gmx_hsnapshot_at(want, k)->nframes);
            gmx_hsnapshot_free(h);
            free(p);
        }
        gmx_hsnapshot_free(want);
        free(text);
    }
    /* prose that only speaks of a heap profile is none */
    static const char prose[] = "I took a heap profile: it shows nothing\n";
    assert_false(gmx_heaptext_sniff(prose, sizeof(prose) - 1));
    gmx_hsnapshot *none = gmx_hsnapshot_new(0);
    gmx_error err;
    assert_int_equal(gmx_heaptext_parse("p.txt", prose, sizeof(prose) - 1, none, &err), GMX_EFORMAT);
    gmx_hsnapshot_free(none);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_heaptext__records_frames_and_memstats),
        cmocka_unit_test(test_heaptext__blanks_at_line_ends),
        cmocka_unit_test(test_heaptext__names_raw_pcs_from_a_symbolizer),
        cmocka_unit_test(test_heaptext__scales_like_pprof),
        cmocka_unit_test(test_heaptext__errors_name_file_and_line),
        cmocka_unit_test(test_heaptext__totals_match_go_tool_pprof),
        cmocka_unit_test(test_heaptext__pasted_reads_as_the_runtime_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
