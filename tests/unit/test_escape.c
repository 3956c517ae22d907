/* parse/escape, model/escapes, analyze/escape: compiler escape-analysis
 * logs into heap sites, their causes, and their ranking by a profile. The
 * lab's pricefeed service has one hot escape per cause of the runbook, with
 * allocation volumes far apart (testdata/lab/services/pricefeed). */
#include "testutil.h"
#include "gomemdx/escape.h"
#include "gomemdx/ingest.h"
#include "util/alloc.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LAB "testdata/lab/captures/"

typedef struct seen {
    gmx_esc_site site[16];
    gmx_esc_step steps[16][8];
    int n;
} seen;

static int collect(void *ctx, const gmx_esc_site *site)
{
    seen *s = ctx;
    if (s->n < 16) {
        s->site[s->n] = *site;
        for (uint32_t i = 0; i < site->nsteps && i < 8; i++)
            s->steps[s->n][i] = site->steps[i];
        s->n++;
    }
    return 0;
}

static gmx_code parse(const char *text, seen *s, gmx_esc_info *info, gmx_error *err)
{
    memset(s, 0, sizeof(*s));
    return gmx_escape_parse("log", text, strlen(text), collect, s, info, err);
}

static void test_escape__m2_go127_flows_and_function(void **state)
{
    (void)state;
    static const char log[] =
        "# example.com/esc\n"
        "./esc.go:12:6: can inline NewT with cost 8 as: func() *T { t := T{}; return &t }\n"
        "./esc.go:13:2: t escapes to heap in NewT:\n"
        "./esc.go:13:2:   flow: ~r0 ← &t:\n"
        "./esc.go:13:2:     from &t (address-of) at ./esc.go:14:9\n"
        "./esc.go:13:2:     from return &t (return) at ./esc.go:14:2\n"
        "warning: some other tool's line\n"
        "./esc.go:13:2: moved to heap: t\n"
        "./esc.go:52:11: leaking param: p to result ~r0 level=0\n"
        "./esc.go:36:11: make([]int, n) does not escape\n";
    seen s;
    gmx_esc_info info;
    gmx_error err;
    assert_int_equal(parse(log, &s, &info, &err), GMX_OK);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.site[0].kind, GMX_ESC_MOVED);
    assert_true(gmx_str_eq_cstr(s.site[0].what, "t"));
    assert_true(gmx_str_eq_cstr(s.site[0].function, "NewT"));
    assert_true(gmx_str_eq_cstr(s.site[0].package, "example.com/esc"));
    assert_true(gmx_str_eq_cstr(s.site[0].file, "./esc.go"));
    assert_int_equal(s.site[0].line, 13);
    assert_int_equal(s.site[0].column, 2);
    assert_int_equal(s.site[0].nsteps, 3);
    assert_true(s.steps[0][0].is_flow);
    assert_true(gmx_str_eq_cstr(s.steps[0][0].text, "~r0 ← &t"));
    assert_true(gmx_str_eq_cstr(s.steps[0][2].why, "return"));
    assert_true(gmx_str_eq_cstr(s.steps[0][2].text, "return &t"));
    assert_true(gmx_str_eq_cstr(s.steps[0][2].at, "./esc.go:14:2"));
    assert_int_equal(s.site[1].kind, GMX_ESC_LEAK_PARAM);
    assert_true(gmx_str_eq_cstr(s.site[1].detail, "to result ~r0 level=0"));
    assert_int_equal(s.site[2].kind, GMX_ESC_NO_ESCAPE);
    assert_int_equal(info.level, 2);
    assert_false(info.partial);
    assert_int_equal(info.skipped, 2); /* "# pkg" and the warning */
}

/* Before 1.25: " = " arrows, no " in FUNC"; explanations of a batch first. */
/* A log copied with blanks left at every line's end reads as the log:
 * before, no line's message ended as a diagnostic does (0 heap sites). */
static void test_escape__blanks_at_line_ends(void **state)
{
    (void)state;
    static const char log[] = "./esc.go:13:2: t escapes to heap in NewT:  \n"
                              "./esc.go:13:2:   flow: ~r0 \xe2\x86\x90 &t: \t\n"
                              "./esc.go:13:2:     from &t (address-of) at ./esc.go:14:9 \n"
                              "./esc.go:13:2: moved to heap: t  \n"
                              "./esc.go:36:11: make([]int, n) escapes to heap \r\n";
    seen s;
    gmx_esc_info info;
    gmx_error err;
    assert_int_equal(parse(log, &s, &info, &err), GMX_OK);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.site[0].kind, GMX_ESC_MOVED);
    assert_true(s.site[0].nsteps > 0);
    assert_int_equal(s.site[1].kind, GMX_ESC_ESCAPES);
    assert_int_equal(s.site[1].line, 36);
}

static void test_escape__m2_go119_batch(void **state)
{
    (void)state;
    static const char log[] =
        "./main.go:30:7: parameter s leaks to {heap} with derefs=0:\n"
        "./main.go:30:7:   flow: {heap} = s:\n"
        "./main.go:30:7:     from s.mu (dot of pointer) at ./main.go:33:3\n"
        "./main.go:32:26: m.Warehouse + \"/\" + m.SKU escapes to heap:\n"
        "./main.go:32:26:   flow: {heap} = &{storage for m.Warehouse + \"/\" + m.SKU}:\n"
        "./main.go:32:26:     from s.levels[m.Warehouse + \"/\" + m.SKU] (key of map put) at "
        "./main.go:32:10\n"
        "./main.go:30:7: leaking param: s\n"
        "./main.go:32:26: m.Warehouse + \"/\" + m.SKU escapes to heap\n";
    seen s;
    gmx_esc_info info;
    assert_int_equal(parse(log, &s, &info, NULL), GMX_OK);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.site[0].nsteps, 2);
    assert_int_equal(s.site[1].nsteps, 2);
    assert_true(gmx_str_eq_cstr(s.steps[1][1].why, "key of map put"));
    assert_true(gmx_str_eq_cstr(s.steps[1][0].text, "{heap} = &{storage for m.Warehouse + \"/\" + m.SKU}"));
    assert_int_equal(s.site[1].function.n, 0);
}

static void test_escape__garbage_is_an_error_with_its_line(void **state)
{
    (void)state;
    seen s;
    gmx_error err;
    assert_int_equal(parse("goroutine 1 [running]:\nmain.main()\n", &s, NULL, &err), GMX_EFORMAT);
    assert_int_equal(err.line, 1);
    assert_string_equal(err.source, "log");
}

static void test_escape__cut_log_is_partial(void **state)
{
    (void)state;
    seen s;
    gmx_esc_info info;
    assert_int_equal(parse("./a.go:3:2: moved to heap: x\n./a.go:4:2: y escapes to", &s, &info, NULL),
                     GMX_OK);
    assert_int_equal(s.n, 1);
    assert_true(info.partial);
    assert_int_equal(parse("./a.go:3:2: x escapes to heap in F:\n", &s, &info, NULL), GMX_OK);
    assert_true(info.partial);
}

static void test_escape__json_log(void **state)
{
    (void)state;
    static const char log[] =
        "{\"version\":0,\"package\":\"main\",\"goos\":\"linux\",\"goarch\":\"amd64\","
        "\"gc_version\":\"go1.27.4\",\"file\":\"/src/app/main.go\"}\n"
        "{\"range\":{\"start\":{\"line\":29,\"character\":2},\"end\":{\"line\":29,\"character\":2}},"
        "\"severity\":3,\"code\":\"escape\",\"source\":\"go compiler\",\"message\":\"q escapes to heap\","
        "\"relatedInformation\":[{\"location\":{\"uri\":\"file:///src/app/main.go\",\"range\":{}},"
        "\"message\":\"escflow:    flow: ~r0 \\u2190 \\u0026q:\"},{\"location\":{},"
        "\"message\":\"escflow:      from return \\u0026q (return)\"}]}\n"
        "{\"range\":{\"start\":{\"line\":9,\"character\":4}},\"code\":\"isInBounds\",\"message\":\"\"}\n"
        "{\"range\":{\"start\":{\"line\":44,\"character\":14}},\"code\":\"escapes\","
        "\"message\":\"s escapes to heap\"}\n";
    seen s;
    gmx_esc_info info;
    assert_int_equal(parse(log, &s, &info, NULL), GMX_OK);
    assert_int_equal(info.format, GMX_ESCLOG_JSON);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.site[0].kind, GMX_ESC_MOVED); /* its address flows out */
    assert_int_equal(s.site[0].line, 29);
    assert_int_equal(s.site[1].kind, GMX_ESC_ESCAPES);
    assert_int_equal(info.diagnostics, 3);

    char cut[1024];
    snprintf(cut, sizeof(cut), "%.*s{\"range\":", (int)(strchr(log, '\n') - log + 1), log);
    assert_int_equal(parse(cut, &s, &info, NULL), GMX_OK);
    assert_true(info.partial);
    gmx_error err;
    snprintf(cut, sizeof(cut), "%.*s{\"range\":\n{}\n", (int)(strchr(log, '\n') - log + 1), log);
    assert_int_equal(parse(cut, &s, &info, &err), GMX_EFORMAT);
    assert_int_equal(err.line, 2);
}

/* ---- the lab: pricefeed, one escape per cause ---- */

typedef struct expect {
    uint32_t line;
    gmx_esc_cause cause;
} expect;

/* main.go lines of the five hot escapes, costliest first (by design). */
static const expect pricefeed[] = {
    { 104, GMX_ESC_CAUSE_GROWTH },       /* make([]byte, 0, 96<<10): too large for stack */
    { 144, GMX_ESC_CAUSE_INTERFACE },    /* r.sink.Emit(s) */
    { 69, GMX_ESC_CAUSE_CHAN_SEND },     /* f.updates <- &PriceUpdate{...} */
    { 98, GMX_ESC_CAUSE_STORED },        /* a.entries[a.next] = &AuditEntry{...} */
    { 29, GMX_ESC_CAUSE_RETURN_LOCAL },  /* q := Quote{...}; return &q */
};

static void source_path(char *out, size_t n, const char *rel)
{
    const char *root = getenv("GMX_SOURCE_DIR");
    snprintf(out, n, "%s/%s", root ? root : ".", rel);
}

static gmx_escape_set *load_set(const char *rel)
{
    char path[512];
    source_path(path, sizeof(path), rel);
    gmx_escape_set *s = gmx_escape_set_new();
    gmx_error err;
    assert_non_null(s);
    assert_int_equal(gmx_escape_set_load(s, path, NULL, &err), GMX_OK);
    return s;
}

static const gmx_esc_entry *entry_at(const gmx_escape_set *s, uint32_t line)
{
    for (size_t i = 0; i < gmx_escape_set_count(s); i++)
        if (gmx_escape_set_at(s, i)->line == line)
            return gmx_escape_set_at(s, i);
    return NULL;
}

static void check_causes(const char *version)
{
    char rel[256];
    snprintf(rel, sizeof(rel), LAB "go%s/pricefeed/escape-mm.txt", version);
    gmx_escape_set *s = load_set(rel);
    for (size_t i = 0; i < sizeof(pricefeed) / sizeof(pricefeed[0]); i++) {
        const gmx_esc_entry *e = entry_at(s, pricefeed[i].line);
        assert_non_null(e);
        assert_int_equal(gmx_escape_classify(e, NULL), pricefeed[i].cause);
    }
    gmx_escape_set_free(s);
}

static void test_escape__lab_each_cause_classified(void **state)
{
    (void)state;
    check_causes("1.27");
    check_causes("1.19");
}

/* -m and -m=2 of one build: each site once, with the explanation. */
static void test_escape__m_and_m2_merge(void **state)
{
    (void)state;
    gmx_escape_set *s = load_set(LAB "go1.27/pricefeed/escape-m.txt");
    size_t alone = gmx_escape_set_count(s);
    assert_int_equal(gmx_escape_classify(entry_at(s, 69), NULL), GMX_ESC_CAUSE_OTHER);
    gmx_error err;
    char path[512];
    source_path(path, sizeof(path), LAB "go1.27/pricefeed/escape-mm.txt");
    assert_int_equal(gmx_escape_set_load(s, path, NULL, &err), GMX_OK);
    assert_int_equal(gmx_escape_set_count(s), alone);
    assert_int_equal(gmx_escape_classify(entry_at(s, 69), NULL), GMX_ESC_CAUSE_CHAN_SEND);
    gmx_escape_set_free(s);
}

/* The profile's own bytes at a line: every sample whose leaf is there. */
static int64_t bytes_at(const gmx_hsnapshot *h, uint32_t line)
{
    int64_t sum = 0;
    for (size_t i = 0; i < gmx_hsnapshot_count(h); i++) {
        const gmx_hsite *site = gmx_hsnapshot_at(h, i);
        if (site->nframes && site->frames[0].line == line &&
            gmx_str_ends(site->frames[0].file, "/pricefeed/main.go"))
            sum += site->alloc_bytes;
    }
    return sum;
}

static void check_ranking(const char *version)
{
    char rel[256], path[512];
    snprintf(rel, sizeof(rel), LAB "go%s/pricefeed/escape-mm.txt", version);
    gmx_escape_set *s = load_set(rel);
    snprintf(rel, sizeof(rel), LAB "go%s/pricefeed/allocs-t3.pb.gz", version);
    source_path(path, sizeof(path), rel);
    gmx_hsnapshot *h;
    gmx_error err;
    assert_int_equal(gmx_ingest_heap_profile(path, &h, &err), GMX_OK);
    gmx_findings *f = gmx_findings_new();
    assert_int_equal(gmx_analyze_escapes(s, h, f, &err), GMX_OK);
    assert_true(gmx_findings_count(f) >= 5);
    for (size_t i = 0; i < 5; i++) {
        const gmx_finding *fd = gmx_findings_at(f, i);
        assert_int_equal(fd->category, GMX_CAT_ESCAPE);
        assert_int_equal(fd->site.line, pricefeed[i].line);
        assert_true(fd->has_bytes);
        assert_int_equal((int64_t)fd->bytes, bytes_at(h, pricefeed[i].line));
        if (i)
            assert_true(fd->bytes <= gmx_findings_at(f, i - 1)->bytes);
        assert_true(gmx_str_eq_cstr(fd->evidence[3].text, gmx_esc_cause_id(pricefeed[i].cause)));
    }
    gmx_findings_free(f);
    gmx_hsnapshot_free(h);
    gmx_escape_set_free(s);
}

static void test_escape__lab_ranked_by_profile_volume(void **state)
{
    (void)state;
    check_ranking("1.27");
    check_ranking("1.19");
}

static void test_escape__out_of_memory_is_reported(void **state)
{
    (void)state;
    for (long n = 1; n < 60; n++) {
        gmx_escape_set *s = gmx_escape_set_new();
        if (!s)
            continue;
        gmx_alloc_fail_after(n, 1);
        gmx_error err;
        char path[512];
        source_path(path, sizeof(path), LAB "go1.27/pricefeed/escape-mm.txt");
        gmx_code rc = gmx_escape_set_load(s, path, NULL, &err);
        gmx_alloc_fail_after(0, 0);
        assert_true(rc == GMX_OK || rc == GMX_ENOMEM);
        gmx_escape_set_free(s);
    }
}

/* A set keeps at most GMX_ESC_MAX_SITES distinct heap sites (a log of
 * 2M sites once took 3 GB); the rest are counted, and a site already kept
 * still merges. */
static void test_escape_set__bounded_by_max_sites(void **state)
{
    (void)state;
    gmx_escape_set *s = gmx_escape_set_new();
    assert_non_null(s);
    gmx_esc_site site = { 0 };
    site.kind = GMX_ESC_ESCAPES;
    site.file = gmx_str_cstr("./main.go");
    site.what = gmx_str_cstr("&T{...}");
    for (uint32_t i = 0; i < GMX_ESC_MAX_SITES + 7; i++) {
        site.line = i + 1;
        assert_int_equal(gmx_escape_set_add(s, &site), GMX_OK);
    }
    site.line = 1;
    assert_int_equal(gmx_escape_set_add(s, &site), GMX_OK);
    assert_int_equal(gmx_escape_set_count(s), GMX_ESC_MAX_SITES);
    assert_int_equal(gmx_escape_set_dropped(s), 7);
    gmx_escape_set_free(s);
}

static int add_to_set(void *ctx, const gmx_esc_site *site)
{
    return gmx_escape_set_add(ctx, site);
}

/* One log names files as the build saw them ("./main.go"), another (-json,
 * another build directory) by full path: a site counts once. The second
 * log is the lab's own -m log with its paths made absolute. */
static void test_escape__one_site_named_two_ways_counts_once(void **state)
{
    (void)state;
    size_t len;
    char *log = tu_read_fixture("testdata/lab/captures/go1.19/chunkstore/escape-m.txt", &len);
    assert_non_null(log);
    static const char from[] = "./main.go", to[] = "/go/src/chunkstore/main.go";
    char *abs = malloc(len * 3 + 1);
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        if ((i == 0 || log[i - 1] == '\n') && len - i >= sizeof(from) - 1 &&
            memcmp(log + i, from, sizeof(from) - 1) == 0) {
            memcpy(abs + n, to, sizeof(to) - 1);
            n += sizeof(to) - 1;
            i += sizeof(from) - 1;
        } else {
            abs[n++] = log[i++];
        }
    }
    gmx_escape_set *one = gmx_escape_set_new(), *both = gmx_escape_set_new();
    gmx_error err;
    assert_int_equal(gmx_escape_parse("m", log, len, add_to_set, one, NULL, &err), GMX_OK);
    assert_int_equal(gmx_escape_parse("m", log, len, add_to_set, both, NULL, &err), GMX_OK);
    assert_int_equal(gmx_escape_parse("abs", abs, n, add_to_set, both, NULL, &err), GMX_OK);
    assert_true(gmx_escape_set_count(one) > 10);
    assert_int_equal(gmx_escape_set_count(both), gmx_escape_set_count(one));
    gmx_escape_set_free(one);
    gmx_escape_set_free(both);
    free(abs);
    free(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_set__bounded_by_max_sites),
        cmocka_unit_test(test_escape__one_site_named_two_ways_counts_once),
        cmocka_unit_test(test_escape__m2_go127_flows_and_function),
        cmocka_unit_test(test_escape__blanks_at_line_ends),
        cmocka_unit_test(test_escape__m2_go119_batch),
        cmocka_unit_test(test_escape__garbage_is_an_error_with_its_line),
        cmocka_unit_test(test_escape__cut_log_is_partial),
        cmocka_unit_test(test_escape__json_log),
        cmocka_unit_test(test_escape__lab_each_cause_classified),
        cmocka_unit_test(test_escape__m_and_m2_merge),
        cmocka_unit_test(test_escape__lab_ranked_by_profile_volume),
        cmocka_unit_test(test_escape__out_of_memory_is_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
