/* go tool pprof -top / -list text of heap profiles, read into a heap
 * snapshot. Samples are verbatim from the public issue threads named. */
#include "testutil.h"
#include "gomemdx/ptoptext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"

/* https://github.com/open-policy-agent/opa/issues/2172 (a terminal session
 * pasted in a Markdown fence). */
static const char opa[] =
    "```\n"
    "{20:36} /t/repro \xe2\x9d\xaf go tool pprof localhost:8181/debug/pprof/heap\n"
    "Type: inuse_space\n"
    "Time: Mar 25, 2020 at 8:36pm (PDT)\n"
    "(pprof) top\n"
    "Showing nodes accounting for 931.42MB, 99.89% of 932.42MB total\n"
    "      flat  flat%   sum%        cum   cum%\n"
    "  256.10MB 27.47% 27.47%   931.42MB 99.89%  encoding/json.(*decodeState).objectInterface\n"
    "  222.82MB 23.90% 51.36%   931.42MB 99.89%  encoding/json.(*decodeState).arrayInterface\n"
    "     119MB 12.76% 86.86%      119MB 12.76%  encoding/json.(*decodeState).convertNumber\n"
    "```\n";

static void test_top(void **state)
{
    (void)state;
    assert_true(gmx_ptoptext_sniff(opa, strlen(opa)));
    gmx_hsnapshot *h = gmx_hsnapshot_new(0);
    gmx_ptop_info info;
    gmx_error err;
    assert_int_equal(gmx_ptoptext_parse("opa.txt", opa, strlen(opa), h, &info, &err), GMX_OK);
    assert_int_equal(info.rows, 3);
    assert_false(info.churn);
    assert_string_equal(info.sample_type, "inuse_space");
    assert_int_equal(gmx_hsnapshot_count(h), 3);
    gmx_hsite total = gmx_hsnapshot_total(h);
    /* 256.10 + 222.82 + 119 MiB, pprof's units being powers of 1024 */
    assert_true(total.inuse_bytes > (int64_t)(597.9 * 1048576) &&
                total.inuse_bytes < (int64_t)(598.0 * 1048576));
    assert_int_equal(total.alloc_bytes, 0);
    /* the profile's total is the header's, not the rows' sum */
    assert_true(info.total > 932.41 * 1048576 && info.total < 932.43 * 1048576);
    assert_int_equal(info.read.read[0].first, 3);
    gmx_hsnapshot_free(h);
}

/* https://github.com/golang/go/issues/30380: -alloc_space named only in
 * the prose, then -list rows with "." for zero, and no ROUTINE line. */
static const char go30380[] =
    "i use pprof  \xe2\x80\x9c-alloc_space ***heap\xe2\x80\x9d\xef\xbc\x8c" "found:\n"
    "flat flat% sum% cum  cum%\n"
    "22MB 9.17% 88.82% 223.91MB 92.99% ReqMsgDispath\n"
    ".......\n";

static void test_churn_from_prose(void **state)
{
    (void)state;
    gmx_hsnapshot *h = gmx_hsnapshot_new(0);
    gmx_ptop_info info;
    gmx_error err;
    assert_int_equal(gmx_ptoptext_parse("x.txt", go30380, strlen(go30380), h, &info, &err), GMX_OK);
    assert_true(info.churn);
    gmx_hsite total = gmx_hsnapshot_total(h);
    assert_int_equal(total.alloc_bytes, 22 * 1048576);
    assert_int_equal(total.inuse_bytes, 0);
    /* no header: the total its row's cum over its share implies */
    assert_true(info.total > 223.91 / 0.9300 * 1048576 && info.total < 223.91 / 0.9298 * 1048576);
    gmx_hsnapshot_free(h);
}

/* https://github.com/minio/minio-go/issues/1081 (verbatim): one -top row,
 * no "Type:", the prose naming the allocs profile; its default sample is
 * alloc_space. Naming the heap profile too leaves it undecided (inuse). */
static const char minio1081[] =
    "We are using `minio-go` to concurrently upload files to S3. It's using an excessive amount of memory and "
    "I'm trying to understand why.\n"
    "```\n"
    "3155904.50MB 55.52% 55.52% 3156280.75MB 55.53%  "
    "github.com/minio/minio-go.Client.putObjectMultipartStreamNoLength\n"
    "```\n"
    "This is from a pprof allocs profile (`/debug/pprof/allocs`).\n";

static void test_churn_from_the_allocs_profile_named(void **state)
{
    (void)state;
    gmx_hsnapshot *h = gmx_hsnapshot_new(0);
    gmx_ptop_info info;
    gmx_error err;
    assert_int_equal(gmx_ptoptext_parse("x.txt", minio1081, strlen(minio1081), h, &info, &err), GMX_OK);
    assert_true(info.churn);
    assert_string_equal(info.sample_type, "alloc_space");
    assert_int_equal(gmx_hsnapshot_total(h).inuse_bytes, 0);
    gmx_hsnapshot_free(h);

    char both[1024];
    snprintf(both, sizeof(both), "%sand the heap profile (`/debug/pprof/heap`) looks alike.\n", minio1081);
    h = gmx_hsnapshot_new(0);
    assert_int_equal(gmx_ptoptext_parse("x.txt", both, strlen(both), h, &info, &err), GMX_OK);
    assert_false(info.churn);
    gmx_hsnapshot_free(h);
}

/* -list: each row with a flat value is a site at its line. Written by
 * go tool pprof 1.27 on the lab's chunkstore heap-t3.pb.gz (command in
 * the commit adding it: -list 'main\.readChunk' -trim_path=/go/src
 * -source_path=testdata/lab/services); the lab MANIFEST names main.go:72. */
static void test_list(void **state)
{
    (void)state;
    size_t len;
    char *s = tu_read_fixture("tests/fuzz/corpus/ptoptext/seed-chunkstore-go127-list.txt", &len);
    assert_non_null(s);
    assert_true(gmx_ptoptext_sniff(s, len));
    gmx_hsnapshot *h = gmx_hsnapshot_new(0);
    gmx_ptop_info info;
    gmx_error err;
    assert_int_equal(gmx_ptoptext_parse("l.txt", s, len, h, &info, &err), GMX_OK);
    assert_int_equal(gmx_hsnapshot_count(h), 1);
    const gmx_hsite *site = gmx_hsnapshot_at(h, 0);
    assert_true(gmx_str_eq_cstr(site->frames[0].func, "main.readChunk"));
    assert_int_equal(site->frames[0].line, 72);
    assert_true(site->inuse_bytes > 39 * 1048576);
    gmx_hsnapshot_free(h);
    free(s);
}

/* A case of the real-world corpus read: its snapshot, and its text in
 * *text (the sites point into it; free both). */
static gmx_hsnapshot *read_case(const char *path, gmx_ptop_info *info, char **text)
{
    size_t len;
    *text = tu_read_fixture(path, &len);
    assert_non_null(*text);
    gmx_hsnapshot *h = gmx_hsnapshot_new(0);
    gmx_error err;
    assert_int_equal(gmx_ptoptext_parse(path, *text, len, h, info, &err), GMX_OK);
    return h;
}

/* A session's -top, then -list on one of its rows (dm03514's "SRE:
 * Debugging Simple Memory Leaks in Go", verbatim in testdata/realworld):
 * the list splits the row's flat by line, so the heap holds the table's
 * rows once; -list of a function no row gives still adds its lines
 * (test_list). */
static void test_list_of_a_top_row(void **state)
{
    (void)state;
    char *s;
    gmx_ptop_info info;
    gmx_hsnapshot *h = read_case("testdata/realworld/dm03514-blog-simple-memory-leak/artifact.txt", &info, &s);
    assert_int_equal(info.ntop, 7);
    gmx_hsite total = gmx_hsnapshot_total(h);
    /* 408.97 + 1.28 + 0.50 MB: the rows' flat, Track's 1.28 MB not twice */
    assert_true(total.inuse_bytes > (int64_t)(410.74 * 1048576) &&
                total.inuse_bytes < (int64_t)(410.76 * 1048576));
    gmx_hsnapshot_free(h);
    free(s);
}

/* -top as go tool pprof 1.27 prints it for the same profile. */
static void test_top_lab(void **state)
{
    (void)state;
    size_t len;
    char *s = tu_read_fixture("tests/fuzz/corpus/ptoptext/seed-chunkstore-go127-top.txt", &len);
    assert_non_null(s);
    gmx_hsnapshot *h = gmx_hsnapshot_new(0);
    gmx_ptop_info info;
    gmx_error err;
    assert_int_equal(gmx_ptoptext_parse("t.txt", s, len, h, &info, &err), GMX_OK);
    /* the largest site is the MANIFEST's culprit */
    const gmx_hsite *best = NULL;
    for (size_t i = 0; i < gmx_hsnapshot_count(h); i++)
        if (!best || gmx_hsnapshot_at(h, i)->inuse_bytes > best->inuse_bytes)
            best = gmx_hsnapshot_at(h, i);
    assert_non_null(best);
    assert_true(gmx_str_eq_cstr(best->frames[0].func, "main.readChunk"));
    gmx_hsnapshot_free(h);
    free(s);
}

/* The same -top text run together on one line, as a web page that lost
 * the table's line ends shows it (every line end made a space): the same
 * rows, the same total, and the read report says the lines were cut back. */
static void test_top_run_together(void **state)
{
    (void)state;
    size_t len;
    char *s = tu_read_fixture("tests/fuzz/corpus/ptoptext/seed-chunkstore-go127-top.txt", &len);
    assert_non_null(s);
    char *flat = malloc(len + 1);
    assert_non_null(flat);
    for (size_t i = 0; i < len; i++)
        flat[i] = s[i] == '\n' ? ' ' : s[i];
    flat[len] = '\0';
    assert_true(gmx_ptoptext_sniff(flat, len));
    gmx_hsnapshot *h = gmx_hsnapshot_new(0), *hflat = gmx_hsnapshot_new(0);
    gmx_ptop_info info, iflat;
    gmx_error err;
    assert_int_equal(gmx_ptoptext_parse("t.txt", s, len, h, &info, &err), GMX_OK);
    assert_int_equal(gmx_ptoptext_parse("flat.txt", flat, len, hflat, &iflat, &err), GMX_OK);
    assert_int_equal(iflat.ntop, info.ntop);
    assert_true(info.ntop >= 10);
    for (uint32_t i = 0; i < info.ntop; i++) {
        assert_string_equal(iflat.top[i].func, info.top[i].func);
        assert_true(iflat.top[i].flat == info.top[i].flat);
        assert_true(iflat.top[i].cum == info.top[i].cum);
    }
    assert_true(iflat.total == info.total);
    assert_true(iflat.read.repairs & GMX_REPAIR_REFLOW);
    assert_false(info.read.repairs & GMX_REPAIR_REFLOW);
    gmx_hsnapshot_free(h);
    gmx_hsnapshot_free(hflat);
    free(flat);
    free(s);
}

static const gmx_ptoptext_row *row_named(const gmx_ptop_info *info, const char *func)
{
    for (uint32_t i = 0; i < info->ntop; i++)
        if (strcmp(info->top[i].func, func) == 0)
            return &info->top[i];
    return NULL;
}

/* -traces of a profile adds up to the -top table go tool pprof 1.27 prints
 * for the same profile: the same functions with the same flat and cum
 * (each printed rounded: within a percent of the total), and the same
 * total. Heap and goroutine profiles alike. */
static void check_traces_as_top(const char *traces_file, const char *top_file, bool goroutines)
{
    size_t tn, pn;
    char *traces = tu_read_fixture(traces_file, &tn), *top = tu_read_fixture(top_file, &pn);
    assert_non_null(traces);
    assert_non_null(top);
    assert_true(gmx_ptoptext_sniff(traces, tn));
    gmx_hsnapshot *ht = gmx_hsnapshot_new(0), *hp = gmx_hsnapshot_new(0);
    gmx_ptop_info it, ip;
    gmx_error err;
    assert_int_equal(gmx_ptoptext_parse("traces.txt", traces, tn, ht, &it, &err), GMX_OK);
    assert_int_equal(gmx_ptoptext_parse("top.txt", top, pn, hp, &ip, &err), GMX_OK);
    assert_int_equal(it.goroutines, goroutines);
    assert_int_equal(ip.goroutines, goroutines);
    assert_true(ip.ntop > 3);
    double slack = ip.total / 100;
    assert_true(it.total > ip.total - slack && it.total < ip.total + slack);
    for (uint32_t i = 0; i < ip.ntop; i++) {
        const gmx_ptoptext_row *want = &ip.top[i];
        const gmx_ptoptext_row *got = row_named(&it, want->func);
        if (!got && want->flat == 0 && it.ntop == GMX_PTOP_MAX_ROWS)
            continue; /* past the rows kept, as pprof's own order puts it */
        if (!got)
            fail_msg("%s: no row for %s", traces_file, want->func);
        if (got->flat < want->flat - slack || got->flat > want->flat + slack ||
            got->cum < want->cum - slack || got->cum > want->cum + slack)
            fail_msg("%s: %s flat %.0f cum %.0f, -top says %.0f and %.0f", traces_file, want->func,
                     got->flat, got->cum, want->flat, want->cum);
    }
    /* each record is a site of its whole stack, leaf first */
    assert_true(gmx_hsnapshot_count(ht) > gmx_hsnapshot_count(hp) / 2);
    gmx_hsnapshot_free(ht);
    gmx_hsnapshot_free(hp);
    free(traces);
    free(top);
}

static void test_traces_as_top(void **state)
{
    (void)state;
    check_traces_as_top("tests/fuzz/corpus/ptoptext/seed-chunkstore-go127-traces.txt",
                        "tests/fuzz/corpus/ptoptext/seed-chunkstore-go127-top.txt", false);
    check_traces_as_top("tests/fuzz/corpus/ptoptext/seed-quotes-go127-goroutine-traces.txt",
                        "tests/fuzz/corpus/ptoptext/seed-quotes-go127-goroutine-top.txt", true);
}

/* https://github.com/coredns/coredns/issues/3226: single -top rows quoted
 * in prose over time, without the table's header; the site's latest row
 * is the one kept. Plain numbers in the same shape are not a row. */
static const char coredns[] =
    "At startup:\n\n"
    "9627.24kB 21.41% 71.53% 9627.24kB 21.41% github.com/coredns/coredns/plugin/file.(*Zone).All\n\n"
    "Just before crashing:\n\n"
    "406.62MB 54.94% 54.94% 406.62MB 54.94% github.com/coredns/coredns/plugin/file.(*Zone).All\n";

static void test_quoted_rows(void **state)
{
    (void)state;
    assert_true(gmx_ptoptext_sniff(coredns, strlen(coredns)));
    gmx_hsnapshot *h = gmx_hsnapshot_new(0);
    gmx_ptop_info info;
    gmx_error err;
    assert_int_equal(gmx_ptoptext_parse("c.txt", coredns, strlen(coredns), h, &info, &err), GMX_OK);
    assert_int_equal(info.ntop, 1);
    assert_true(info.top[0].cum_pct > 54.9 && info.top[0].cum_pct < 55.0);
    assert_int_equal(gmx_hsnapshot_count(h), 1);
    gmx_hsite total = gmx_hsnapshot_total(h);
    assert_true(total.inuse_bytes > (int64_t)(406.6 * 1048576) &&
                total.inuse_bytes < (int64_t)(406.7 * 1048576));
    gmx_hsnapshot_free(h);
    static const char plain[] = "12 1% 2% 13 3% sheep\n";
    assert_false(gmx_ptoptext_sniff(plain, strlen(plain)));
}

static void test_nothing(void **state)
{
    (void)state;
    const char *s = "flat flat% sum% cum cum%\nnothing here\n";
    gmx_hsnapshot *h = gmx_hsnapshot_new(0);
    gmx_error err;
    assert_int_equal(gmx_ptoptext_parse("n.txt", s, strlen(s), h, NULL, &err), GMX_EFORMAT);
    assert_int_equal(err.line, 1);
    gmx_hsnapshot_free(h);
}

/* https://github.com/authzed/spicedb/issues/235: a goroutine profile's
 * table, counts with no unit, all of them under runtime.gopark. */
static const char spicedb[] =
    "```\n"
    "Showing nodes accounting for 44362, 100% of 44364 total\n"
    "Dropped 102 nodes (cum <= 221)\n"
    "      flat  flat%   sum%        cum   cum%\n"
    "     44362   100%   100%      44362   100%  runtime.gopark\n"
    "         0     0%   100%       6888 15.53%  github.com/authzed/spicedb/internal/datastore/proxy.hedgingProxy.ReadNamespace.func1\n"
    "         0     0%   100%      37158 83.76%  github.com/authzed/spicedb/internal/datastore/proxy.hedgingProxy.Revision.func1\n"
    "         0     0%   100%      44260 99.77%  runtime.chansend\n"
    "```\n";

static void test_rows_kept_with_cum(void **state)
{
    (void)state;
    gmx_hsnapshot *h = gmx_hsnapshot_new(0);
    gmx_ptop_info info;
    gmx_error err;
    assert_int_equal(gmx_ptoptext_parse("opa.txt", opa, strlen(opa), h, &info, &err), GMX_OK);
    assert_int_equal(info.ntop, 3);
    assert_string_equal(info.top[0].func, "encoding/json.(*decodeState).objectInterface");
    assert_true(info.top[0].cum > 931.0 * 1048576 && info.top[0].cum < 932.0 * 1048576);
    assert_true(info.top[1].cum_pct > 99.88 && info.top[1].cum_pct < 99.9);
    assert_true(info.top[2].flat_pct > 12.75 && info.top[2].flat_pct < 12.77);
    assert_false(info.counts);
    assert_false(info.goroutines);
    gmx_hsnapshot_free(h);
}

static void test_goroutine_table(void **state)
{
    (void)state;
    gmx_hsnapshot *h = gmx_hsnapshot_new(0);
    gmx_ptop_info info;
    gmx_error err;
    assert_int_equal(gmx_ptoptext_parse("s.txt", spicedb, strlen(spicedb), h, &info, &err), GMX_OK);
    assert_true(info.counts);
    assert_true(info.goroutines);
    assert_int_equal(info.ntop, 4);
    assert_true(info.top[2].cum == 37158);
    gmx_hsnapshot_free(h);
    /* Counts of objects said so are not goroutines. */
    static const char objs[] = "go tool pprof --inuse_objects --top ./leak heap.pprof\n"
                               "      flat  flat%   sum%        cum   cum%\n"
                               "    174777 49.36% 49.36%     178055 50.28%  context.WithCancel\n"
                               "      1000  1.00% 50.36%       1000  1.00%  runtime.gopark\n";
    h = gmx_hsnapshot_new(0);
    assert_int_equal(gmx_ptoptext_parse("o.txt", objs, strlen(objs), h, &info, &err), GMX_OK);
    assert_true(info.counts);
    assert_true(info.objects);
    assert_false(info.goroutines);
    gmx_hsnapshot_free(h);
}

/* https://github.com/coocood/freecache/issues/26: the name column carries
 * pprof's file column and "(inline)"; -lines adds the line. The file is the
 * site's, not part of the function's name. */
static const char freecache[] =
    "      flat  flat%   sum%        cum   cum%\n"
    " 1278.15MB 98.40% 98.40%  1278.15MB 98.40%  .../vendor/github.com/coocood/freecache.NewRingBuf /go/src/.../vendor/github.com/coocood/freecache/ringbuf.go (inline)\n"
    "   13.55MB  1.04% 99.44%  1291.70MB 99.44% .../vendor/github.com/coocood/freecache.newSegment /go/src/.../vendor/github.com/coocood/freecache/segment.go (inline)\n"
    "      10MB  0.50% 99.94%       10MB  0.50%  main.load /src/app/main.go:42\n"
    "       1MB  0.05% 99.99%        1MB  0.05%  main.(*T).f.func1 (inline)\n";

static void test_file_column(void **state)
{
    (void)state;
    gmx_hsnapshot *h = gmx_hsnapshot_new(0);
    gmx_ptop_info info;
    gmx_error err;
    assert_int_equal(gmx_ptoptext_parse("f.txt", freecache, strlen(freecache), h, &info, &err), GMX_OK);
    assert_int_equal(info.ntop, 4);
    assert_string_equal(info.top[0].func, ".../vendor/github.com/coocood/freecache.NewRingBuf");
    assert_string_equal(info.top[1].func, ".../vendor/github.com/coocood/freecache.newSegment");
    assert_string_equal(info.top[2].func, "main.load");
    assert_string_equal(info.top[3].func, "main.(*T).f.func1");
    bool seen_file = false, seen_line = false;
    for (size_t i = 0; i < gmx_hsnapshot_count(h); i++) {
        const gmx_hsite *s = gmx_hsnapshot_at(h, i);
        assert_int_equal(s->nframes, 1);
        const gmx_frame *f = &s->frames[0];
        if (gmx_str_eq_cstr(f->func, ".../vendor/github.com/coocood/freecache.NewRingBuf"))
            seen_file = gmx_str_eq_cstr(f->file, "/go/src/.../vendor/github.com/coocood/freecache/ringbuf.go");
        if (gmx_str_eq_cstr(f->func, "main.load"))
            seen_line = gmx_str_eq_cstr(f->file, "/src/app/main.go") && f->line == 42;
    }
    assert_true(seen_file);
    assert_true(seen_line);
    gmx_hsnapshot_free(h);
}

/* https://github.com/SigNoz/signoz/pull/10967 (verbatim): a table with its
 * sum% column and header cut by hand, "Total:" above it: read, the total
 * taken from that line. */
static void test_short_header(void **state)
{
    (void)state;
    static const char t[] =
        "_Pprof snapshot from the incident (heap by `bytes.Clone`):_\n"
        "\n"
        "```\n"
        "Type: inuse_space\n"
        "Total: 1205.81MB\n"
        "      flat  flat%        cum   cum%\n"
        " 1130.83MB 93.78%  1130.83MB 93.78%  bytes.Clone\n"
        "```\n";
    assert_true(gmx_ptoptext_sniff(t, strlen(t)));
    gmx_hsnapshot *h = gmx_hsnapshot_new(0);
    gmx_ptop_info info;
    gmx_error err;
    assert_int_equal(gmx_ptoptext_parse("signoz.txt", t, strlen(t), h, &info, &err), GMX_OK);
    assert_int_equal(info.ntop, 1);
    assert_string_equal(info.top[0].func, "bytes.Clone");
    assert_true(info.top[0].cum_pct > 93.7 && info.top[0].cum_pct < 93.8);
    assert_true(info.total > 1205.8 * 1048576 && info.total < 1205.9 * 1048576);
    gmx_hsnapshot_free(h);
}

/* A commit message wrapped at 70 columns (VictoriaMetrics 9e3a1d7,
 * verbatim in testdata/realworld): each -top row's name, and its
 * " (inline)", on the lines after its figures; the -list header cut after
 * " in", its file on the next line. The rows are read with their names and
 * the -list of NextBlock, a row of the table, is not counted twice. A row
 * whose figures are followed by no name (a fence) stays unread. */
static void test_wrapped_rows(void **state)
{
    (void)state;
    char *s;
    gmx_ptop_info info;
    gmx_hsnapshot *h = read_case("testdata/realworld/VictoriaMetrics-VictoriaMetrics-11215/artifact.txt", &info, &s);
    assert_int_equal(info.ntop, 2);
    assert_string_equal(info.top[0].func, "main.(*blockIterator).NextBlock");
    assert_true(info.top[0].flat_pct > 63.82 && info.top[0].flat_pct < 63.84);
    assert_true(info.top[0].cum_pct > 99.24 && info.top[0].cum_pct < 99.26);
    assert_string_equal(info.top[1].func,
                        "github.com/VictoriaMetrics/VictoriaMetrics/lib/bytesutil.ResizeNoCopyMayOverallocate");
    assert_int_equal(gmx_hsnapshot_count(h), 2);
    gmx_hsnapshot_free(h);
    free(s);

    gmx_error err;
    static const char cut[] =
        "      flat  flat%   sum%        cum   cum%\n"
        "   10.50MB 10.00% 10.00%    10.50MB 10.00%\n"
        "```\n";
    h = gmx_hsnapshot_new(0);
    assert_int_equal(gmx_ptoptext_parse("cut.txt", cut, strlen(cut), h, &info, &err), GMX_EFORMAT);
    gmx_hsnapshot_free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_top),
        cmocka_unit_test(test_churn_from_prose),
        cmocka_unit_test(test_churn_from_the_allocs_profile_named),
        cmocka_unit_test(test_list),
        cmocka_unit_test(test_list_of_a_top_row),
        cmocka_unit_test(test_top_lab),
        cmocka_unit_test(test_top_run_together),
        cmocka_unit_test(test_nothing),
        cmocka_unit_test(test_quoted_rows),
        cmocka_unit_test(test_rows_kept_with_cum),
        cmocka_unit_test(test_goroutine_table),
        cmocka_unit_test(test_file_column),
        cmocka_unit_test(test_traces_as_top),
        cmocka_unit_test(test_short_header),
        cmocka_unit_test(test_wrapped_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
