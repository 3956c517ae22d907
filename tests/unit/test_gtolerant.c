/* The tolerant reader: real lab dumps damaged on purpose, each by a small
 * transformation written out below (what a web page, a pager, a log
 * collector, a test runner or a hurried person does to pasted text), must
 * read as the pristine dump does: the same goroutines, the same culprit
 * bucket, and the read report naming the repair. */
#include "testutil.h"
#include "gomemdx/ingest.h"
#include "gomemdx/input.h"
#include "parse/gextract.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DUMP2 "testdata/lab/captures/go1.22/quotes/goroutine-t1.debug2.txt"
#define DUMP1 "testdata/lab/captures/go1.22/quotes/goroutine-t1.debug1.txt"
#define CULPRIT "main.(*quoteService).lookup"

typedef struct text {
    char *p;
    size_t n, cap;
} text;

static void put(text *t, const char *s, size_t n)
{
    if (t->n + n + 1 > t->cap) {
        t->cap = (t->n + n + 1) * 2;
        t->p = realloc(t->p, t->cap);
    }
    memcpy(t->p + t->n, s, n);
    t->n += n;
    t->p[t->n] = '\0';
}

static void puts_(text *t, const char *s)
{
    put(t, s, strlen(s));
}

/* Applies fn to every line of the fixture (line without its newline). */
typedef void (*line_fn)(text *out, const char *line, size_t n, unsigned lineno);

static text derive(const char *fixture, line_fn fn)
{
    size_t len;
    char *src = tu_read_fixture(fixture, &len);
    assert_non_null(src);
    text out = { 0 };
    unsigned lineno = 0;
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(src + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - src) : len;
        fn(&out, src + pos, end - pos, ++lineno);
        pos = end + 1;
    }
    free(src);
    return out;
}

typedef struct result {
    gmx_gsnapshot snap;
    gmx_code rc;
    gmx_error err;
} result;

/* threads: the parser threads of a large text (0: every CPU). */
static result read_text_threads(const char *p, size_t n, unsigned threads)
{
    result r;
    memset(&r, 0, sizeof(r));
    gmx_input *in;
    gmx_ingest_options opts = { .threads = threads };
    assert_int_equal(gmx_input_from_memory("pasted.txt", p, n, &in, &r.err), GMX_OK);
    r.rc = gmx_ingest_goroutines_input(in, &opts, &r.snap, &r.err);
    return r;
}

static result read_text(const char *p, size_t n)
{
    return read_text_threads(p, n, 0);
}

/* Reads a text that must be read. */
static result read_ok(const char *p, size_t n)
{
    result r = read_text(p, n);
    if (r.rc != GMX_OK)
        fail_msg("%s", r.err.message);
    return r;
}

/* Reads a text that must be read, into the number of goroutines expected;
 * the bucket running func is returned through b. */
static result read_goroutines(const char *s, uint64_t total, const char *func,
                              const gmx_gbucket **b)
{
    result r = read_ok(s, strlen(s));
    assert_int_equal(gmx_gbuckets_total(r.snap.buckets), total);
    *b = tu_bucket_with_func(r.snap.buckets, func);
    assert_non_null(*b);
    return r;
}

static uint64_t culprit_count(const result *r)
{
    const gmx_gbucket *b = tu_bucket_with_func(r->snap.buckets, CULPRIT);
    return b ? b->count : 0;
}

/* The damaged text reads as the pristine fixture: same total and culprit. */
static void check_stacks(const char *fixture, text damaged, unsigned repair, bool same_stacks)
{
    size_t len;
    char *src = tu_read_fixture(fixture, &len);
    result clean = read_text(src, len);
    assert_int_equal(clean.rc, GMX_OK);
    result r = read_ok(damaged.p, damaged.n);
    if (repair && !r.snap.info.read.tolerant)
        fail_msg("read strictly, without the repair 0x%x", repair);
    if (repair && !(r.snap.info.read.repairs & repair))
        fail_msg("repairs 0x%x lack 0x%x", r.snap.info.read.repairs, repair);
    assert_int_equal(gmx_gbuckets_total(r.snap.buckets), gmx_gbuckets_total(clean.snap.buckets));
    if (same_stacks)
        assert_int_equal(culprit_count(&r), culprit_count(&clean));
    assert_true(culprit_count(&r) > 0);
    gmx_gsnapshot_release(&r.snap);
    gmx_gsnapshot_release(&clean.snap);
    free(src);
    free(damaged.p);
}

static void check_like(const char *fixture, text damaged, unsigned repair)
{
    check_stacks(fixture, damaged, repair, true);
}

static void replace_tabs(text *o, const char *l, size_t n, const char *with)
{
    for (size_t i = 0; i < n; i++) {
        if (l[i] == '\t')
            puts_(o, with);
        else
            put(o, l + i, 1);
    }
    puts_(o, "\n");
}

/* A web page shows tabs as "»" and three spaces, or as "→". */
static void to_glyphs(text *o, const char *l, size_t n, unsigned k)
{
    (void)k;
    replace_tabs(o, l, n, "\xc2\xbb   ");
}

static void to_arrows(text *o, const char *l, size_t n, unsigned k)
{
    (void)k;
    replace_tabs(o, l, n, "\xe2\x86\x92");
}

/* Indentation lost altogether. */
static void no_indent(text *o, const char *l, size_t n, unsigned k)
{
    (void)k;
    while (n && (*l == '\t' || *l == ' '))
        l++, n--;
    put(o, l, n);
    puts_(o, "\n");
}

/* less -N: "%7u " before every line, and CRLF line ends. */
static void pager_crlf(text *o, const char *l, size_t n, unsigned k)
{
    char num[32];
    snprintf(num, sizeof(num), "%7u ", k);
    puts_(o, num);
    put(o, l, n);
    puts_(o, "\r\n");
}

/* Kubernetes' container log: timestamp, stream, tag. */
static void kubernetes(text *o, const char *l, size_t n, unsigned k)
{
    char ts[64];
    snprintf(ts, sizeof(ts), "2024-01-01T00:00:%02u.%uZ stderr F ", k % 60, k * 7 % 1000);
    puts_(o, ts);
    put(o, l, n);
    puts_(o, "\n");
}

/* One line as a JSON string's body (tabs, quotes, backslashes escaped). */
static void json_body(text *o, const char *l, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (l[i] == '\t')
            puts_(o, "\\t");
        else if (l[i] == '"' || l[i] == '\\') {
            puts_(o, "\\");
            put(o, l + i, 1);
        } else
            put(o, l + i, 1);
    }
}

/* Docker's json-file driver. */
static void docker_json(text *o, const char *l, size_t n, unsigned k)
{
    (void)k;
    puts_(o, "{\"log\":\"");
    json_body(o, l, n);
    puts_(o, "\\n\",\"stream\":\"stderr\",\"time\":\"2024-01-01T00:00:00.1Z\"}\n");
}

/* go test -json: each line of a test's output an "output" event. */
static void go_test_json(text *o, const char *l, size_t n, unsigned k)
{
    char head[160];
    snprintf(head, sizeof(head),
             "{\"Time\":\"2026-12-01T10:00:%02u.%06u+01:00\",\"Action\":\"output\","
             "\"Package\":\"example.com/svc\",\"Test\":\"TestLeak\",\"Output\":\"",
             k / 100 % 60, k);
    puts_(o, head);
    json_body(o, l, n);
    puts_(o, "\\n\"}\n");
}

/* journalctl -o json: one entry a line, the text in MESSAGE, no newline. */
static void journald_json(text *o, const char *l, size_t n, unsigned k)
{
    char head[120];
    snprintf(head, sizeof(head), "{\"__REALTIME_TIMESTAMP\":\"17330000%08u\",\"MESSAGE\":\"", k);
    puts_(o, head);
    json_body(o, l, n);
    puts_(o, "\",\"_PID\":\"4242\",\"SYSLOG_IDENTIFIER\":\"svc\"}\n");
}

/* Cloud Logging's JSON export: one entry a line, the text in textPayload,
 * fields after it. */
static void cloud_logging_json(text *o, const char *l, size_t n, unsigned k)
{
    char tail[120];
    puts_(o, "{\"insertId\":\"a1b2\",\"textPayload\":\"");
    json_body(o, l, n);
    snprintf(tail, sizeof(tail), "\",\"resource\":{\"type\":\"k8s_container\"},\"timestamp\":\"2026-12-01T10:00:00.%06uZ\"}\n", k);
    puts_(o, tail);
}

/* CloudWatch Logs' export: {"timestamp":ms,"message":"..."} a line. */
static void cloudwatch_json(text *o, const char *l, size_t n, unsigned k)
{
    char head[80];
    snprintf(head, sizeof(head), "{\"timestamp\":17333000%05u,\"message\":\"", k);
    puts_(o, head);
    json_body(o, l, n);
    puts_(o, "\"}\n");
}

/* The whole dump as one JSON string of one structured log record, as a
 * service logs its own goroutines (zap, logrus): line ends "\n", tabs
 * "\t", quotes and backslashes escaped, "<" and ">" as "\u003c" and
 * "\u003e" (Go's encoding/json). Records of other lines around it. */
static text logged_as_json(const char *fixture)
{
    size_t len;
    char *src = tu_read_fixture(fixture, &len);
    assert_non_null(src);
    text o = { 0 };
    puts_(&o, "{\"level\":\"info\",\"msg\":\"serving on :8080\"}\n");
    puts_(&o, "{\"level\":\"warn\",\"msg\":\"goroutines over 400\",\"goroutines\":\"");
    for (size_t i = 0; i < len; i++) {
        char c = src[i];
        if (c == '\n')
            puts_(&o, "\\n");
        else if (c == '\t')
            puts_(&o, "\\t");
        else if (c == '<' || c == '>')
            puts_(&o, c == '<' ? "\\u003c" : "\\u003e");
        else if (c == '"' || c == '\\') {
            puts_(&o, "\\");
            put(&o, &c, 1);
        } else
            put(&o, &c, 1);
    }
    puts_(&o, "\",\"ts\":1733300000.5}\n{\"level\":\"info\",\"msg\":\"C:\\\\data\\n\"}\n");
    free(src);
    return o;
}

/* A Markdown comment: quoted ("> ") inside a quote, HTML-escaped. */
static void quoted_html(text *o, const char *l, size_t n, unsigned k)
{
    if (k == 1)
        puts_(o, "> > <details><summary>dump</summary><pre>\n");
    puts_(o, "> > ");
    for (size_t i = 0; i < n; i++) {
        if (l[i] == '<')
            puts_(o, "&lt;");
        else if (l[i] == '>')
            puts_(o, "&gt;");
        else if (l[i] == '"')
            puts_(o, "&#34;");
        else if (l[i] == '&')
            puts_(o, "&amp;");
        else
            put(o, l + i, 1);
    }
    puts_(o, "\n");
}

/* A terminal 60 columns wide (tabs count one column). */
static void wrap60(text *o, const char *l, size_t n, unsigned k)
{
    (void)k;
    while (n > 60) {
        put(o, l, 60);
        puts_(o, "\n");
        l += 60;
        n -= 60;
    }
    put(o, l, n);
    puts_(o, "\n");
}

/* Jenkins' timestamper, with the tab after it turned into spaces. */
static void jenkins(text *o, const char *l, size_t n, unsigned k)
{
    (void)k;
    puts_(o, "[2024-01-01T00:00:00.000Z] ");
    if (n && l[0] == '\t') {
        puts_(o, "        ");
        l++, n--;
    }
    put(o, l, n);
    puts_(o, "\n");
}

static void test_glyphs(void **state)
{
    (void)state;
    /* Glyphs drawn for every tab, nothing else: every line said read. */
    text g = derive(DUMP2, to_glyphs);
    result r = read_text(g.p, g.n);
    assert_int_equal(r.rc, GMX_OK);
    assert_int_equal(r.snap.info.read.nread, 1);
    assert_int_equal(r.snap.info.read.read[0].first, 1);
    assert_int_equal(r.snap.info.read.read[0].last, r.snap.info.lines);
    assert_int_equal(r.snap.info.read.nskipped, 0);
    gmx_gsnapshot_release(&r.snap);
    free(g.p);
    check_like(DUMP2, derive(DUMP2, to_glyphs), GMX_REPAIR_TAB_GLYPHS);
    check_like(DUMP2, derive(DUMP2, to_arrows), GMX_REPAIR_TAB_GLYPHS);
}

static void assert_same_ranges(const gmx_line_range *a, const gmx_line_range *b, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        assert_int_equal(a[i].first, b[i].first);
        assert_int_equal(a[i].last, b[i].last);
    }
}

/* A damaged dump large enough to be read in pieces on several threads
 * says what it read and skipped in the whole file's lines, as one reader
 * does: prose late in the file lands in the last pieces. */
static void test_pieces_report_whole_lines(void **state)
{
    (void)state;
    text once = derive(DUMP2, to_glyphs);
    text big = { 0 };
    for (unsigned k = 0; big.n < ((size_t)24 << 20); k++) {
        put(&big, once.p, once.n);
        if (k % 97 == 96)
            puts_(&big, "\nHere is the next dump, taken an hour later:\n\n");
    }
    result one = read_text_threads(big.p, big.n, 1), four = read_text_threads(big.p, big.n, 4);
    if (one.rc != GMX_OK || four.rc != GMX_OK)
        fail_msg("%s / %s", one.err.message, four.err.message);
    const gmx_read_report *a = &one.snap.info.read, *b = &four.snap.info.read;
    assert_true(a->nskipped > 1);
    assert_int_equal(one.snap.info.lines, four.snap.info.lines);
    assert_int_equal(a->read_lines, b->read_lines);
    assert_int_equal(a->skipped_lines, b->skipped_lines);
    assert_int_equal(a->nskipped, b->nskipped);
    assert_int_equal(a->more_skipped, b->more_skipped);
    assert_same_ranges(a->skipped, b->skipped, a->nskipped);
    /* read ranges cut by a seam between pieces are one, also past those kept */
    assert_int_equal(a->nread, b->nread);
    assert_int_equal(a->more_read, b->more_read);
    assert_same_ranges(a->read, b->read, a->nread);
    assert_int_equal(gmx_gbuckets_total(one.snap.buckets), gmx_gbuckets_total(four.snap.buckets));
    gmx_gsnapshot_release(&one.snap);
    gmx_gsnapshot_release(&four.snap);
    free(once.p);
    free(big.p);
}

/* Two blanks a terminal's copy left at every line's end, and CRLF line
 * ends. */
static void trailing_blanks(text *o, const char *l, size_t n, unsigned k)
{
    (void)k;
    put(o, l, n);
    puts_(o, "  \n");
}

static void crlf(text *o, const char *l, size_t n, unsigned k)
{
    (void)k;
    put(o, l, n);
    puts_(o, "\r\n");
}

/* A log that dropped the blank lines between goroutines. */
static void no_blank_lines(text *o, const char *l, size_t n, unsigned k)
{
    (void)k;
    if (!n)
        return;
    put(o, l, n);
    puts_(o, "\n");
}

/* A dump large enough to be read in pieces, with blanks at every line's
 * end, CRLF line ends or no blank line between goroutines, reads as the
 * capture by the strict grammar, whatever the threads: before, the pieces
 * were cut only after "\n\n", so each was read whole in one piece (CRLF:
 * 271 MiB for a 258 MiB dump), and
 * trailing blanks stopped the strict read at the first header, which
 * refused the file ("no goroutine found") instead of reading it again. */
static void test_large_dump_line_ends(void **state)
{
    (void)state;
    static const line_fn damage[] = { trailing_blanks, crlf, no_blank_lines };
    static const char *const between[] = { "  \n", "\r\n", "" };
    static const char *const what[] = { "trailing blanks", "CRLF", "no blank lines" };
    size_t len;
    char *src = tu_read_fixture(DUMP2, &len);
    result clean = read_text(src, len);
    assert_int_equal(clean.rc, GMX_OK);
    for (size_t d = 0; d < sizeof(damage) / sizeof(damage[0]); d++) {
        text once = derive(DUMP2, damage[d]);
        text big = { 0 };
        unsigned copies = 0;
        for (; big.n < ((size_t)20 << 20); copies++) {
            put(&big, once.p, once.n);
            puts_(&big, between[d]);
        }
        for (unsigned threads = 1; threads <= 4; threads += 3) {
            result r = read_text_threads(big.p, big.n, threads);
            if (r.rc != GMX_OK)
                fail_msg("%s, %u threads: %s", what[d], threads, r.err.message);
            assert_false(r.snap.info.read.tolerant);
            assert_int_equal(gmx_gbuckets_total(r.snap.buckets),
                             copies * gmx_gbuckets_total(clean.snap.buckets));
            assert_int_equal(gmx_gbuckets_count(r.snap.buckets),
                             gmx_gbuckets_count(clean.snap.buckets));
            gmx_gsnapshot_release(&r.snap);
        }
        free(once.p);
        free(big.p);
    }
    gmx_gsnapshot_release(&clean.snap);
    free(src);
}

/* A large dump pasted whole into a comment (prose, <details><pre>, tabs
 * drawn as glyphs) is read as the tolerant reader reads it, line for line:
 * the same goroutines, stacks, lines, read and skipped ranges and repairs.
 * (The dump between the wrapper's lines is read by the strict grammar.) */
static void test_wrapped_dump(void **state)
{
    (void)state;
    text once = derive(DUMP2, to_glyphs);
    text big = { 0 };
    puts_(&big, "Memory keeps growing; here is the dump from /debug/pprof/goroutine?debug=2:\n\n"
                "<details><summary>goroutines</summary><pre>\n");
    while (big.n < ((size_t)20 << 20))
        put(&big, once.p, once.n);
    puts_(&big, "</pre></details>\n\nAny idea what holds them?\n");
    for (unsigned threads = 1; threads <= 4; threads += 3) {
        result r = read_text_threads(big.p, big.n, threads);
        if (r.rc != GMX_OK)
            fail_msg("%s", r.err.message);
        gmx_gsnapshot want = { .name = "pasted.txt" };
        gmx_gbuckets_limits limits = { 0 };
        want.buckets = gmx_gbuckets_new(&limits);
        gmx_error err;
        assert_int_equal(gmx_goroutine_tolerant_parse("pasted.txt", big.p, big.n, gmx_gbuckets_add,
                                                      want.buckets, &want.info, &err), GMX_OK);
        assert_int_equal(gmx_gbuckets_finish(want.buckets), GMX_OK);
        const gmx_read_report *a = &r.snap.info.read, *b = &want.info.read;
        assert_int_equal(gmx_gbuckets_total(r.snap.buckets), gmx_gbuckets_total(want.buckets));
        assert_int_equal(gmx_gbuckets_count(r.snap.buckets), gmx_gbuckets_count(want.buckets));
        assert_int_equal(r.snap.info.lines, want.info.lines);
        assert_int_equal(r.snap.info.kind, want.info.kind);
        assert_int_equal(a->repairs, b->repairs);
        assert_int_equal(a->nread, b->nread);
        assert_same_ranges(a->read, b->read, a->nread);
        assert_int_equal(a->nskipped, b->nskipped);
        assert_same_ranges(a->skipped, b->skipped, a->nskipped);
        char da[256], db[256];
        gmx_read_report_describe(a, false, da, sizeof(da));
        gmx_read_report_describe(b, false, db, sizeof(db));
        assert_string_equal(da, db);
        gmx_gsnapshot_release(&r.snap);
        gmx_gbuckets_free(want.buckets);
    }
    free(once.p);
    free(big.p);
}

/* A large dump behind a log prefix on every line (kubectl logs) is cut
 * into pieces at its header lines, each piece learning the prefix itself:
 * the same goroutines, stacks and lines as one parse. */
static void test_prefixed_pieces(void **state)
{
    (void)state;
    size_t len;
    char *src = tu_read_fixture(DUMP2, &len);
    assert_non_null(src);
    static const char prefix[] = "2024-01-01T00:00:00.123456789Z stderr F ";
    text big = { 0 };
    while (big.n < ((size_t)24 << 20)) {
        for (size_t pos = 0; pos < len;) {
            const char *nl = memchr(src + pos, '\n', len - pos);
            size_t end = nl ? (size_t)(nl - src) : len;
            puts_(&big, prefix);
            put(&big, src + pos, end - pos);
            puts_(&big, "\n");
            pos = end + 1;
        }
    }
    result one = read_text_threads(big.p, big.n, 1), four = read_text_threads(big.p, big.n, 4);
    if (one.rc != GMX_OK || four.rc != GMX_OK)
        fail_msg("%s / %s", one.err.message, four.err.message);
    assert_false(four.snap.info.read.tolerant); /* the strict grammar, prefix learned */
    assert_int_equal(four.snap.info.prefix_len, strlen(prefix));
    assert_int_equal(one.snap.info.goroutines, four.snap.info.goroutines);
    assert_int_equal(one.snap.info.lines, four.snap.info.lines);
    assert_int_equal(gmx_gbuckets_count(one.snap.buckets), gmx_gbuckets_count(four.snap.buckets));
    assert_int_equal(gmx_gbuckets_total(one.snap.buckets), gmx_gbuckets_total(four.snap.buckets));
    assert_int_equal(culprit_count(&one), culprit_count(&four));
    assert_true(culprit_count(&four) > 0);
    gmx_gsnapshot_release(&one.snap);
    gmx_gsnapshot_release(&four.snap);
    free(src);
    free(big.p);
}

/* A debug=1 profile too large for one thread is records, not blocks: read
 * whole by its own grammar whatever the threads (it was refused, "no
 * goroutine found", when cut into pieces for the dump grammar). */
static void test_large_profile_text(void **state)
{
    (void)state;
    size_t len;
    char *src = tu_read_fixture("testdata/lab/captures/go1.22/quotes/goroutine-t1.debug1.txt", &len);
    assert_non_null(src);
    const char *body = memchr(src, '\n', len);
    assert_non_null(body);
    body++;
    text big = { 0 };
    put(&big, src, (size_t)(body - src)); /* "goroutine profile: total 69" */
    unsigned copies = 0;
    for (; big.n < ((size_t)20 << 20); copies++)
        put(&big, body, len - (size_t)(body - src));
    result r = read_text_threads(big.p, big.n, 4);
    if (r.rc != GMX_OK)
        fail_msg("%s", r.err.message);
    assert_int_equal(r.snap.info.kind, GMX_DUMP_PROFILE_TEXT);
    assert_int_equal(gmx_gbuckets_total(r.snap.buckets), (uint64_t)69 * copies);
    gmx_gsnapshot_release(&r.snap);
    free(src);
    free(big.p);
}

static void test_no_indent(void **state)
{
    (void)state;
    check_like(DUMP2, derive(DUMP2, no_indent), GMX_REPAIR_INDENT);
}

static void test_pager_crlf(void **state)
{
    (void)state;
    text t = derive(DUMP2, pager_crlf);
    /* Glyphs too, so the strict parse (which learns a fixed-width prefix)
     * must hand over. */
    for (size_t i = 0; i < t.n; i++)
        if (t.p[i] == '\t')
            t.p[i] = ' ';
    check_like(DUMP2, t, GMX_REPAIR_PAGER);
}

static void test_log_prefixes(void **state)
{
    (void)state;
    check_like(DUMP2, derive(DUMP2, kubernetes), 0);
    check_like(DUMP2, derive(DUMP2, docker_json), GMX_REPAIR_LOG_PREFIX);
    check_like(DUMP2, derive(DUMP2, go_test_json), GMX_REPAIR_LOG_PREFIX);
    check_like(DUMP2, derive(DUMP2, journald_json), GMX_REPAIR_LOG_PREFIX);
    check_like(DUMP2, derive(DUMP2, cloud_logging_json), GMX_REPAIR_LOG_PREFIX);
    check_like(DUMP2, derive(DUMP2, cloudwatch_json), GMX_REPAIR_LOG_PREFIX);
    /* the tab Jenkins drew as spaces is learned as the file lines'
     * indentation, and the prefix as a Kubernetes one is: the strict
     * grammar's read, which tells only of the indentation */
    check_like(DUMP2, derive(DUMP2, jenkins), GMX_REPAIR_INDENT);
}

static void test_logged_as_one_string(void **state)
{
    (void)state;
    check_like(DUMP2, logged_as_json(DUMP2), GMX_REPAIR_ESCAPES);
    /* Docker's json-file records, one line each, are log prefixes: not
     * decoded as a string (the repair says which). */
    text docker = derive(DUMP2, docker_json);
    result r = read_text(docker.p, docker.n);
    assert_int_equal(r.rc, GMX_OK);
    assert_false(r.snap.info.read.repairs & GMX_REPAIR_ESCAPES);
    gmx_gsnapshot_release(&r.snap);
    free(docker.p);
}

static void test_quoted_html(void **state)
{
    (void)state;
    check_like(DUMP2, derive(DUMP2, quoted_html), 0);
}

static void test_wrapped(void **state)
{
    (void)state;
    check_like(DUMP2, derive(DUMP2, wrap60), GMX_REPAIR_WRAPPED);
}

/* A terminal (or fold) cuts every line at a fixed width, a tab counting to
 * the next eighth column or as one. */
static size_t fold_width;
static bool fold_tabs8;
static bool fold_cut; /* a line was cut */

static void fold_line(text *o, const char *l, size_t n, unsigned k)
{
    (void)k;
    size_t col = 0;
    for (size_t i = 0; i < n; i++) {
        size_t next = l[i] == '\t' && fold_tabs8 ? (col / 8 + 1) * 8 : col + 1;
        if (next > fold_width) {
            puts_(o, "\n");
            fold_cut = true;
            col = 0;
            next = l[i] == '\t' && fold_tabs8 ? 8 : 1;
        }
        put(o, l + i, 1);
        col = next;
    }
    puts_(o, "\n");
}

/* damaged, read, holds clean's goroutines in as many stacks; what names
 * the damage in a failure. The read is returned for more checks. */
static result read_like(const result *clean, text damaged, const char *what)
{
    result r = read_text(damaged.p, damaged.n);
    if (r.rc != GMX_OK)
        fail_msg("%s: %s", what, r.err.message);
    if (gmx_gbuckets_count(r.snap.buckets) != gmx_gbuckets_count(clean->snap.buckets) ||
        gmx_gbuckets_total(r.snap.buckets) != gmx_gbuckets_total(clean->snap.buckets))
        fail_msg("%s: %zu stacks, %llu goroutines for %zu, %llu", what,
                 gmx_gbuckets_count(r.snap.buckets),
                 (unsigned long long)gmx_gbuckets_total(r.snap.buckets),
                 gmx_gbuckets_count(clean->snap.buckets),
                 (unsigned long long)gmx_gbuckets_total(clean->snap.buckets));
    return r;
}

/* Captures of real services, each folded at three widths both ways: the
 * same goroutines in the same stacks as the capture itself. Before the
 * wrap width was learned, a line cut inside a function's name or right
 * after "in goroutine" split stacks (73 goroutines of inbox in 24 stacks
 * instead of 12 at 60 columns). */
static void test_wrapped_terminals(void **state)
{
    (void)state;
    static const char *const fixtures[] = {
        "testdata/lab/captures/go1.22/inbox/goroutine-t1.debug2.txt",
        "testdata/lab/captures/go1.22/promo/goroutine-t1.debug2.txt",
        DUMP2,
        "testdata/lab/captures/go1.22/tariffs/goroutine-t1.debug2.txt",
        "testdata/lab/captures/go1.27/webhooks/goroutine-t1.debug2.txt",
    };
    static const size_t widths[] = { 60, 80, 100 };
    for (size_t f = 0; f < sizeof(fixtures) / sizeof(fixtures[0]); f++) {
        size_t len;
        char *src = tu_read_fixture(fixtures[f], &len);
        result clean = read_text(src, len);
        assert_int_equal(clean.rc, GMX_OK);
        for (size_t w = 0; w < 3; w++) {
            for (int tabs8 = 0; tabs8 < 2; tabs8++) {
                fold_width = widths[w];
                fold_tabs8 = tabs8;
                fold_cut = false;
                text folded = derive(fixtures[f], fold_line);
                char what[256];
                snprintf(what, sizeof(what), "%s folded at %zu%s", fixtures[f], fold_width,
                         tabs8 ? " (tabs of 8)" : "");
                result r = read_like(&clean, folded, what);
                if (fold_cut)
                    assert_true(r.snap.info.read.repairs & GMX_REPAIR_WRAPPED);
                gmx_gsnapshot_release(&r.snap);
                free(folded.p);
            }
        }
        gmx_gsnapshot_release(&clean.snap);
        free(src);
    }
}

static int count_goroutine(void *ctx, const gmx_goroutine *g)
{
    (void)g;
    ++*(uint64_t *)ctx;
    return 0;
}

/* The strict grammar reads a capture a pager numbered, or folded at 80
 * columns either way a tab counts, whole with what was learned of it,
 * every line read and none doubted, as it reads the capture; the plain
 * strict read of the same text meets damage (the reason the tolerant
 * reader used to read such a dump line by line, at over twice the cost). */
static void test_laid_out_strict_grammar(void **state)
{
    (void)state;
    static const char *const fixtures[] = {
        "testdata/lab/captures/go1.22/inbox/goroutine-t1.debug2.txt",
        "testdata/lab/captures/go1.27/webhooks/goroutine-t1.debug2.txt",
    };
    for (size_t f = 0; f < sizeof(fixtures) / sizeof(fixtures[0]); f++) {
        size_t len;
        char *src = tu_read_fixture(fixtures[f], &len);
        uint64_t want = 0, got = 0, plain = 0;
        gmx_dump_info info;
        gmx_error err;
        assert_int_equal(gmx_goroutine_dump_parse("clean", src, len, count_goroutine, &want, &info,
                                                  &err),
                         GMX_OK);
        for (int variant = 0; variant < 3; variant++) {
            bool numbered = variant == 2;
            fold_width = 80;
            fold_tabs8 = variant == 1;
            fold_cut = false;
            text damaged = derive(fixtures[f], numbered ? pager_crlf : fold_line);
            assert_true(numbered || fold_cut);
            gmx_text_layout layout = gmx_text_layout_learn(damaged.p, damaged.n);
            assert_int_equal(layout.wrap.width, numbered ? 0 : 80);
            assert_int_equal(layout.pager, numbered);
            gmx_code rc = gmx_goroutine_dump_parse("plain", damaged.p, damaged.n,
                                                   count_goroutine, &plain, &info, &err);
            assert_true(rc != GMX_OK || info.suspect_lines > 0 || info.skipped_lines > 0);
            got = 0;
            assert_int_equal(gmx_goroutine_dump_parse_repaired("damaged", damaged.p, damaged.n,
                                                               &layout, count_goroutine, &got,
                                                               &info, &err),
                             GMX_OK);
            assert_int_equal(got, want);
            assert_int_equal(info.suspect_lines, 0);
            assert_int_equal(info.skipped_lines, 0);
            assert_true(info.read.repairs & (numbered ? GMX_REPAIR_PAGER : GMX_REPAIR_WRAPPED));
            free(damaged.p);
        }
        free(src);
    }
}

/* A SIGQUIT traceback (GOTRACEBACK's frame registers after each file line,
 * "goroutine 7 gp=0x… m=nil [IO wait, 2 minutes]:") at 50 columns: its
 * headers are cut, and its file lines into three pieces. Read as the
 * capture, by the strict grammar: before, a cut header was left unjoined
 * (between blocks nothing was joined), a piece of registers that was no
 * file line alone took the next function line for its rest, and " pc=0x4a"
 * was no file line's tail (dashboards: 551 goroutines in 14 stacks for 282
 * in 13). */
static void test_sigquit_narrow_terminal(void **state)
{
    (void)state;
    static const char fixture[] = "testdata/lab/captures/go1.27/dashboards/sigquit.txt";
    size_t len;
    char *src = tu_read_fixture(fixture, &len);
    result clean = read_text(src, len);
    assert_int_equal(clean.rc, GMX_OK);
    uint64_t want = 0;
    gmx_dump_info info;
    gmx_error err;
    assert_int_equal(gmx_goroutine_dump_parse("clean", src, len, count_goroutine, &want, &info,
                                              &err),
                     GMX_OK);
    for (int tabs8 = 0; tabs8 < 2; tabs8++) {
        fold_width = 50;
        fold_tabs8 = tabs8;
        fold_cut = false;
        text folded = derive(fixture, fold_line);
        assert_true(fold_cut);
        gmx_text_layout layout = gmx_text_layout_learn(folded.p, folded.n);
        assert_int_equal(layout.wrap.width, 50);
        uint64_t got = 0;
        assert_int_equal(gmx_goroutine_dump_parse_repaired("folded", folded.p, folded.n, &layout,
                                                           count_goroutine, &got, &info, &err),
                         GMX_OK);
        assert_int_equal(got, want);
        assert_int_equal(info.suspect_lines, 0);
        result r = read_like(&clean, folded, tabs8 ? "sigquit at 50 (tabs of 8)" : "sigquit at 50");
        gmx_gsnapshot_release(&r.snap);
        free(folded.p);
    }
    gmx_gsnapshot_release(&clean.snap);
    free(src);
}

/* cat -n, then a terminal's wrap: the rest of a cut line unnumbered
 * between numbered lines. */
static void numbered_folded(text *o, const char *l, size_t n, unsigned k)
{
    char line[8192];
    int at = snprintf(line, sizeof(line), "%6u\t", k);
    size_t len = n < sizeof(line) - (size_t)at ? n : sizeof(line) - (size_t)at;
    memcpy(line + at, l, len);
    fold_line(o, line, (size_t)at + len, k);
}

static unsigned pieces_numbered; /* the last number folded_numbered gave */

/* A terminal's wrap, then cat -n: every piece of a cut line numbered (a
 * wrapped copy saved, then viewed numbered). */
static void folded_numbered(text *o, const char *l, size_t n, unsigned k)
{
    if (k == 1)
        pieces_numbered = 0;
    text pieces = { 0 };
    fold_line(&pieces, l, n, k);
    for (size_t pos = 0; pos < pieces.n;) {
        const char *nl = memchr(pieces.p + pos, '\n', pieces.n - pos);
        size_t end = (size_t)(nl - pieces.p);
        char number[32];
        int at = snprintf(number, sizeof(number), "%6u\t", ++pieces_numbered);
        put(o, number, (size_t)at);
        put(o, pieces.p + pos, end + 1 - pos);
        pos = end + 1;
    }
    free(pieces.p);
}

/* less -N on a terminal fold_width wide, copied from its screen: each
 * line's number in a column of eight, tabs drawn as spaces, and the rest
 * of a line the width cut behind that column left blank. */
static unsigned less_first = 1; /* the number less gives the first line */

static void less_numbered(text *o, const char *l, size_t n, unsigned k)
{
    k += less_first - 1;
    char drawn[8192];
    size_t len = 0;
    for (size_t i = 0; i < n && len + 8 < sizeof(drawn); i++) {
        if (l[i] != '\t') {
            drawn[len++] = l[i];
            continue;
        }
        do
            drawn[len++] = ' ';
        while (len % 8);
    }
    size_t room = fold_width - 8;
    size_t pos = 0;
    do {
        char column[32];
        int at = pos ? snprintf(column, sizeof(column), "        ")
                     : snprintf(column, sizeof(column), "%7u ", k);
        size_t piece = len - pos < room ? len - pos : room;
        put(o, column, (size_t)at);
        put(o, drawn + pos, piece);
        puts_(o, "\n");
        fold_cut |= pos > 0;
        pos += piece;
    } while (pos < len);
}

/* The line after one a terminal cut, as the rest of it (gmx_gx_wrap_peek):
 * less -N's blank column before a rest of digits, the pager's next line
 * whose number fills the column (1000001), and each piece's own number. */
static void test_wrap_rest_behind_a_pager(void **state)
{
    (void)state;
    gmx_text_layout less = { true, { 30, true }, 0, 8, false };
    static const char cut[] = "1000000 main.f(0x1, 0x2, 0x3, 0x4\n"
                               "        06)\n"
                               "1000001         /x/main.go:1 +0x1d\n";
    gmx_cursor cur;
    gmx_str line, rest;
    gmx_cursor_init(&cur, cut, sizeof(cut) - 1);
    assert_true(gmx_cursor_next(&cur, &line));
    uint64_t number = gmx_gx_wrap_number(&less, line);
    assert_int_equal(number, 1000000);
    assert_true(gmx_gx_wrap_peek(&less, &cur, number, &rest));
    assert_true(gmx_str_eq_cstr(rest, "06)"));
    assert_true(gmx_cursor_next(&cur, &line));
    assert_false(gmx_gx_wrap_peek(&less, &cur, number, &rest));
    /* wrapped, then numbered piece by piece: the piece's number goes */
    gmx_text_layout pieces = { true, { 38, true }, 0, 7, true };
    static const char numbered[] = "     1\tmain.f(0x1, 0x2, 0x3, 0x4\n     2\t06)\n";
    gmx_cursor_init(&cur, numbered, sizeof(numbered) - 1);
    assert_true(gmx_cursor_next(&cur, &line));
    assert_int_equal(gmx_gx_wrap_number(&pieces, line), 0); /* each piece has its own */
    assert_true(gmx_gx_wrap_peek(&pieces, &cur, gmx_gx_wrap_number(&pieces, line), &rest));
    assert_true(gmx_str_eq_cstr(rest, "06)"));
}

/* A pager's numbers over a terminal's wrap, every way they come, read as
 * the capture. Before: numbered, then folded, one line in ten left
 * unnumbered by the wrap hid the pager's numbers, and each goroutine read
 * as a stack of its own (billing at 100 columns: 66 goroutines in 66
 * stacks for 6); folded, then numbered, each piece's own number was glued
 * into the line it continued (100,000 goroutines of a bench dump at 100
 * columns: 101,464 in 60,792 stacks, read line by line in 6.7 s); under
 * less -N, "06", the rest of an offset behind the blank column, was taken
 * for the number 6 of an empty line, a created-by line as wide as the
 * terminal was judged with its number in front and took the next line's
 * file for its rest, and a line numbered 1696449, as wide as less's
 * column, for the rest of the line before it. Where a wrap can be learned
 * (billing has one line wider than 90 columns), the strict grammar reads
 * each whole and undoubted (less's tabs drawn as spaces learned as the
 * file lines' indentation). */
static void test_numbered_and_wrapped(void **state)
{
    (void)state;
    static const char *const fixtures[] = {
        "testdata/lab/captures/go1.19/billing/goroutine-t1.debug2.txt",
        "testdata/lab/captures/go1.27/webhooks/goroutine-t1.debug2.txt",
        "testdata/lab/captures/go1.27/dashboards/sigquit.txt",
    };
    static const struct {
        line_fn damage;
        unsigned first;    /* the number the pager gives the first line */
        size_t column;     /* columns of the number inside the wrap's width */
        const char *what;
    } layouts[] = {
        { numbered_folded, 1, 0, "numbered, then folded" },
        { folded_numbered, 1, 8, "folded, then numbered" },
        { less_numbered, 1, 0, "less -N" },
        { less_numbered, 1000000, 0, "less -N from 1000000" },
    };
    static const size_t widths[] = { 60, 90 };
    for (size_t f = 0; f < sizeof(fixtures) / sizeof(fixtures[0]); f++) {
        size_t len;
        char *src = tu_read_fixture(fixtures[f], &len);
        result clean = read_text(src, len);
        assert_int_equal(clean.rc, GMX_OK);
        for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
            for (size_t l = 0; l < sizeof(layouts) / sizeof(layouts[0]); l++) {
                less_first = layouts[l].first;
                fold_width = widths[w];
                fold_tabs8 = true;
                fold_cut = false;
                text damaged = derive(fixtures[f], layouts[l].damage);
                assert_true(fold_cut);
                char what[256];
                snprintf(what, sizeof(what), "%s at %zu, %s", fixtures[f], fold_width,
                         layouts[l].what);
                result r = read_like(&clean, damaged, what);
                assert_true(r.snap.info.read.repairs & GMX_REPAIR_PAGER);
                assert_true(r.snap.info.read.repairs & GMX_REPAIR_WRAPPED);
                gmx_gsnapshot_release(&r.snap);
                gmx_text_layout layout = gmx_text_layout_learn(damaged.p, damaged.n);
                assert_true(layout.pager);
                if (f == 0 && fold_width >= 90) {
                    free(damaged.p);
                    continue;
                }
                /* as wide as the raw lines are: cat -n's column of eight too */
                assert_int_equal(layout.wrap.width, fold_width + layouts[l].column);
                uint64_t want = gmx_gbuckets_total(clean.snap.buckets), got = 0;
                gmx_dump_info info;
                gmx_error err;
                assert_int_equal(gmx_goroutine_dump_parse_repaired("damaged", damaged.p,
                                                                   damaged.n, &layout,
                                                                   count_goroutine, &got,
                                                                   &info, &err),
                                 GMX_OK);
                assert_int_equal(got, want);
                assert_int_equal(info.suspect_lines, 0);
                free(damaged.p);
            }
        }
        gmx_gsnapshot_release(&clean.snap);
        free(src);
    }
}

/* A container's log where another writer's line falls between the dump's
 * lines now and then (a sidecar, a parallel CI stage). */
static void kubernetes_interleaved(text *o, const char *l, size_t n, unsigned k)
{
    kubernetes(o, l, n, k);
    if (k % 7 == 0)
        puts_(o, "2024-01-01T00:00:01.5Z stdout F {\"level\":\"info\",\"msg\":\"served\"}\n");
}

/* A container's log, then a terminal's wrap at 100 columns: a line cut
 * there whose next line is the log's next record is whole. */
static void kubernetes_folded(text *o, const char *l, size_t n, unsigned k)
{
    text line = { 0 };
    kubernetes(&line, l, n, k);
    fold_line(o, line.p, line.n - 1, k);
    free(line.p);
}

/* Another writer's line on the same terminal, unprefixed, between a
 * function or a creator and its file line (two programs sharing a
 * console, a CI stage's output mixed with another's). */
static void unprefixed_interleaved(text *o, const char *l, size_t n, unsigned k)
{
    put(o, l, n);
    puts_(o, "\n");
    bool frame = n > 1 && l[0] != '\t' && strncmp(l, "goroutine ", 10) != 0;
    if (frame && k % 3 == 0)
        puts_(o, "GET /healthz 200 1.2ms\n");
}

/* The strict grammar reads damaged as clean was read: as many goroutines,
 * no line it doubts, and another writer's lines skipped and counted. */
static gmx_dump_info strict_reads_like(const result *clean, text damaged)
{
    uint64_t got = 0;
    gmx_dump_info info;
    gmx_error err;
    assert_int_equal(gmx_goroutine_dump_parse("log", damaged.p, damaged.n, count_goroutine, &got,
                                              &info, &err),
                     GMX_OK);
    assert_int_equal(info.suspect_lines, 0);
    assert_int_equal(got, gmx_gbuckets_total(clean->snap.buckets));
    assert_true(info.read.interleaved > 0);
    return info;
}

/* Another program's log lines on the same terminal, after function lines
 * and between a file line and the next function, with and without its
 * logger's prefix. */
static void other_writer_between_frames(text *o, const char *l, size_t n, unsigned k)
{
    unprefixed_interleaved(o, l, n, k);
    if (n > 1 && l[0] == '\t')
        puts_(o, k % 4 < 2 ? "2024/01/01 00:00:00 request served in 3ms\n"
                       : "level=info msg=\"request served\" dur=3ms\n");
}

/* All read as the capture: before, each interleaved line ended its
 * goroutine and the rest read as a stack without a header (100,000
 * goroutines of a bench dump in 2,475 stacks instead of 200, the log line
 * glued to the next function's name as a wrapped one), a "created by"
 * line exactly as wide as the wrap took the next record for the rest of
 * its name (tariffs: 13 stacks for 9), an unprefixed line before a file
 * line was read as the start of that file line, cut by a wrap, and a line
 * between a file line and the next function started a stack without a
 * header (a log line after every fiftieth of a bench dump: 151,379
 * goroutines for 100,000) or, short, was glued to the file line as the
 * rest of its offset. */
static void test_log_interleaved_and_folded(void **state)
{
    (void)state;
    static const char *const fixtures[] = {
        "testdata/lab/captures/go1.27/tariffs/goroutine-t1.debug2.txt",
        "testdata/lab/captures/go1.22/inbox/goroutine-t1.debug2.txt",
    };
    static const line_fn damage[] = { kubernetes_interleaved, kubernetes_folded,
                                      unprefixed_interleaved, other_writer_between_frames };
    for (size_t f = 0; f < sizeof(fixtures) / sizeof(fixtures[0]); f++) {
        size_t len;
        char *src = tu_read_fixture(fixtures[f], &len);
        result clean = read_text(src, len);
        assert_int_equal(clean.rc, GMX_OK);
        for (size_t d = 0; d < sizeof(damage) / sizeof(damage[0]); d++) {
            fold_width = 100;
            fold_tabs8 = true;
            text damaged = derive(fixtures[f], damage[d]);
            if (damage[d] == kubernetes_interleaved) {
                /* the strict grammar skips the other writer's records itself */
                gmx_dump_info info = strict_reads_like(&clean, damaged);
                /* and says so: how many, and where the first is */
                assert_true(info.read.interleaved <= info.skipped_lines);
                assert_true(info.read.first_interleaved > 0 &&
                            info.read.first_interleaved <= 2 * 7 + 2);
                char said[256];
                gmx_read_report_describe(&info.read, false, said, sizeof(said));
                assert_non_null(strstr(said, "another writer logged inside the dump's goroutines"));
            }
            if (damage[d] == unprefixed_interleaved || damage[d] == other_writer_between_frames)
                strict_reads_like(&clean, damaged); /* another program's plain lines too */
            char what[256];
            snprintf(what, sizeof(what), "%s, damage %zu", fixtures[f], d);
            result r = read_like(&clean, damaged, what);
            gmx_gsnapshot_release(&r.snap);
            free(damaged.p);
        }
        gmx_gsnapshot_release(&clean.snap);
        free(src);
    }
}

/* panicparse's report with a creator and a call longer than any line
 * buffer (lines over GX_LINE_MAX are read as they are): read, each field
 * cut to what the normalized line holds. Before, the call line was written
 * and read past its stack buffer (AddressSanitizer: stack-buffer-overflow). */
static void test_panicparse_long_fields(void **state)
{
    (void)state;
    text t = { 0 };
    char *longname = malloc(9001);
    assert_non_null(longname);
    memset(longname, 'z', 9000);
    longname[9000] = '\0';
    puts_(&t, "1: chan send [1615 minutes] [Created by install.(*S).P");
    puts_(&t, longname);
    puts_(&t, " @ c.go:2595]\n    runtime      proc.go:363              gopark(func(0x1f4))\n"
              "    install      c.go:2601   (*S).");
    puts_(&t, longname);
    puts_(&t, "(0)\n");
    result r = read_ok(t.p, t.n);
    assert_int_equal(gmx_gbuckets_total(r.snap.buckets), 1);
    gmx_gsnapshot_release(&r.snap);
    free(longname);
    free(t.p);
}

/* debug=1 records: the title dropped, "#" lines with spaces, or no "#". */
static void drop_title(text *o, const char *l, size_t n, unsigned k)
{
    if (k > 1) {
        put(o, l, n);
        puts_(o, "\n");
    }
}

static void hash_spaces(text *o, const char *l, size_t n, unsigned k)
{
    (void)k;
    if (n && l[0] == '#')
        replace_tabs(o, l, n, "  ");
    else {
        put(o, l, n);
        puts_(o, "\n");
    }
}

static void no_hash(text *o, const char *l, size_t n, unsigned k)
{
    (void)k;
    if (n > 2 && l[0] == '#' && l[1] == '\t')
        l++, n--;
    put(o, l, n);
    puts_(o, "\n");
}

/* "#\t0x1\t" cut from every frame line, the columns kept with spaces: what
 * a commit message keeps of a record (git drops lines that start with "#";
 * lightningnetwork/lnd eb44131 quotes one so). */
static void no_hash_no_pc(text *o, const char *l, size_t n, unsigned k)
{
    (void)k;
    if (n > 2 && l[0] == '#' && l[1] == '\t') {
        const char *tab = memchr(l + 2, '\t', n - 2);
        if (tab) {
            n -= (size_t)(tab + 1 - l);
            l = tab + 1;
        }
        replace_tabs(o, l, n, "      ");
        return;
    }
    put(o, l, n);
    puts_(o, "\n");
}

static void test_debug1_damage(void **state)
{
    (void)state;
    check_like(DUMP1, derive(DUMP1, drop_title), GMX_REPAIR_NO_TITLE);
    check_like(DUMP1, derive(DUMP1, hash_spaces), GMX_REPAIR_FRAMES);
    check_like(DUMP1, derive(DUMP1, no_hash), GMX_REPAIR_FRAMES);
    check_like(DUMP1, derive(DUMP1, no_hash_no_pc), GMX_REPAIR_FRAMES);
}

/* Prose, fences, two excerpts (a debug=1 profile and a debug=2 dump of the
 * same process): both are read, the prose skipped with its line numbers. */
static void test_excerpts(void **state)
{
    (void)state;
    size_t n1, n2;
    char *d1 = tu_read_fixture(DUMP1, &n1), *d2 = tu_read_fixture(DUMP2, &n2);
    text t = { 0 };
    puts_(&t, "We see this after an hour:\n\n```\n");
    put(&t, d1, n1);
    puts_(&t, "```\n\nand the full dump:\n\n```\n");
    put(&t, d2, n2);
    puts_(&t, "```\nAny idea?\n");
    result r = read_text(t.p, t.n);
    assert_int_equal(r.rc, GMX_OK);
    assert_true(r.snap.info.read.tolerant);
    /* Both excerpts, each of 69 goroutines. */
    assert_int_equal(gmx_gbuckets_total(r.snap.buckets), 69 * 2);
    assert_non_null(tu_bucket_with_func(r.snap.buckets, CULPRIT));
    assert_int_equal(r.snap.info.read.skipped[0].first, 1);
    char line[512];
    gmx_read_report_describe(&r.snap.info.read, false, line, sizeof(line));
    assert_non_null(strstr(line, "skipped 1, "));
    /* the same in Chinese, for --lang zh */
    gmx_read_report_describe(&r.snap.info.read, true, line, sizeof(line));
    assert_non_null(strstr(line, "读取了第 "));
    assert_non_null(strstr(line, "；跳过了第 1、"));
    gmx_gsnapshot_release(&r.snap);
    free(d1);
    free(d2);
    free(t.p);
}

/* Leak checkers in go test output, their frames indented by the runner:
 * every goroutine they list is flagged, the dump kind says so, and the
 * strict grammar reads it with the runner's indentation learned (a report
 * of 100,000 goroutines took 3.5 times a pristine dump's time line by line,
 * and 83 MB). */
static void test_leak_checkers(void **state)
{
    (void)state;
    static const char *const heads[] = {
        "    leaktest.go:132: leaked goroutine: ",
        "    grpctest.go:53: Leaked goroutine: ",
        "    leakcheck.go:120: Leaked goroutine: ",
    };
    size_t n;
    char *d2 = tu_read_fixture(DUMP2, &n);
    for (size_t h = 0; h < 3; h++) {
        text t = { 0 };
        puts_(&t, "=== RUN   TestQuotes\n--- FAIL: TestQuotes (5.01s)\n");
        for (size_t pos = 0; pos < n;) {
            const char *nl = memchr(d2 + pos, '\n', n - pos);
            size_t end = nl ? (size_t)(nl - d2) : n;
            if (end - pos > 10 && memcmp(d2 + pos, "goroutine ", 10) == 0)
                puts_(&t, heads[h]);
            else if (end > pos)
                puts_(&t, "        ");
            put(&t, d2 + pos, end - pos);
            puts_(&t, "\n");
            pos = end + 1;
        }
        puts_(&t, "FAIL\nFAIL\texample.com/quotes\t5.123s\n");
        result r = read_ok(t.p, t.n);
        assert_int_equal(r.snap.info.kind, GMX_DUMP_LEAK_CHECK);
        const gmx_gbucket *b = tu_bucket_with_func(r.snap.buckets, CULPRIT);
        assert_non_null(b);
        assert_int_equal(b->count, 58);
        assert_true(b->flags & GMX_G_REPORTED);
        /* the strict grammar, the runner's indentation learned: not line by line */
        assert_false(r.snap.info.read.tolerant);
        gmx_gsnapshot_release(&r.snap);
        free(t.p);
    }
    free(d2);
}

/* net/http's afterTest prints stacks without their headers. */
static void test_headerless_stacks(void **state)
{
    (void)state;
    const char *s =
        "--- FAIL: TestTransport (0.52s)\n"
        "    main_test.go:246: Test appears to have leaked a Transport:\n"
        "        net/http.(*persistConn).readLoop(0xc000123680)\n"
        "        \t/usr/lib/go-1.22/src/net/http/transport.go:2261 +0xd3a\n"
        "        created by net/http.(*Transport).dialConn in goroutine 18\n"
        "        \t/usr/lib/go-1.22/src/net/http/transport.go:1799 +0x152f\n"
        "        \n"
        "        net/http.(*persistConn).writeLoop(0xc000123680)\n"
        "        \t/usr/lib/go-1.22/src/net/http/transport.go:2444 +0xf0\n"
        "        created by net/http.(*Transport).dialConn in goroutine 18\n"
        "        \t/usr/lib/go-1.22/src/net/http/transport.go:1800 +0x1585\n"
        "FAIL\n";
    result r = read_ok(s, strlen(s));
    assert_int_equal(r.snap.info.kind, GMX_DUMP_LEAK_CHECK);
    assert_int_equal(gmx_gbuckets_total(r.snap.buckets), 2);
    assert_non_null(tu_bucket_with_func(r.snap.buckets, "net/http.(*persistConn).readLoop"));
    assert_true(r.snap.info.read.repairs & GMX_REPAIR_NO_HEADER);
    gmx_gsnapshot_release(&r.snap);
}

/* etcd's leak check (verbatim, etcd-io/etcd#4464): "N instances of:" is the
 * count of the stack after it, and each record is a stack of its own. */
/* A count said in prose before the stack it counts (distribution/
 * distribution#473, redis/go-redis#508); prose that counts something else,
 * or points at nothing that follows, is no count. */
static void test_prose_count(void **state)
{
    (void)state;
    const char *s =
        "The dump has thousands (40000+) of goroutines with the following stack trace:\n"
        "\n"
        "```\n"
        "goroutine 1815561 [select, 155 minutes]:\n"
        "net/http.(*persistConn).writeLoop(0xc2a8d3f760)\n"
        "\t/usr/src/go/src/net/http/transport.go:945 +0x41d\n"
        "created by net/http.(*Transport).dialConn\n"
        "\t/usr/src/go/src/net/http/transport.go:661 +0xcbc\n"
        "```\n"
        "We ran 10 times and saw this:\n"
        "goroutine 7 [chan receive]:\n"
        "main.worker(0x1)\n"
        "\t/app/main.go:12 +0x1\n";
    result r = read_ok(s, strlen(s));
    const gmx_gbucket *b = tu_bucket_with_func(r.snap.buckets, "net/http.(*persistConn).writeLoop");
    assert_non_null(b);
    assert_int_equal(b->count, 40000);
    b = tu_bucket_with_func(r.snap.buckets, "main.worker");
    assert_non_null(b);
    assert_int_equal(b->count, 1);
    gmx_gsnapshot_release(&r.snap);

    uint64_t n = 0;
    assert_true(gmx_gx_prose_count(gmx_str_cstr("with thousands of the following stack trace:"), &n));
    assert_int_equal(n, 1000);
    assert_false(gmx_gx_prose_count(gmx_str_cstr("thousands of goroutines, memory grows"), &n));
    /* https://github.com/prometheus/prometheus/issues/261 */
    assert_true(gmx_gx_prose_count(gmx_str_cstr("it produced a stack dump with gazillions of goroutines "
                                                "running in LevelDB storage code. An excerpt:"), &n));
    assert_int_equal(n, 1000);
    assert_false(gmx_gx_prose_count(gmx_str_cstr("zillions of goroutines, here is an excerpt of the log"), &n));
    assert_false(gmx_gx_prose_count(gmx_str_cstr("the following 1 of them"), &n));
    assert_false(gmx_gx_prose_count(gmx_str_cstr("99999999999 of the following"), &n));
}

/* goleak's line for one goroutine and the runtime's header under it, pasted
 * without "found unexpected goroutines" (projectdiscovery/ratelimit#19),
 * with spaces for tabs: one goroutine, reported. */
static void test_goleak_line_alone(void **state)
{
    (void)state;
    const char *s =
        "Goroutine 92 in state select, with main.(*Limiter).run on top of the stack:\n"
        "goroutine 92 [select]:\n"
        "main.(*Limiter).run(0xc0009c8b40)\n"
        "        C:/app/ratelimit.go:26 +0x125\n"
        "created by main.New\n"
        "        C:/app/ratelimit.go:83 +0x185\n";
    result r = read_ok(s, strlen(s));
    assert_int_equal(gmx_gbuckets_total(r.snap.buckets), 1);
    const gmx_gbucket *b = tu_bucket_with_func(r.snap.buckets, "main.(*Limiter).run");
    assert_non_null(b);
    assert_true(b->flags & GMX_G_REPORTED);
    gmx_gsnapshot_release(&r.snap);
}

/* A Markdown fence typed between goleak's line and its stack is markup
 * inside one goroutine (jaegertracing/jaeger#5250, verbatim): one goroutine,
 * reported, in the state goleak's line gives. A fence before a stack whose
 * top is another function still ends goleak's goroutine. */
static void test_goleak_fence_inside_report(void **state)
{
    (void)state;
    const char *s =
        "For the test `TestServerHandlesPortZero` I got the following stacktrace: "
        "```goleak: Errors on successful test run: found unexpected goroutines:\n"
        "[Goroutine 23 in state chan send, with github.com/jaegertracing/jaeger/cmd/remote-storage/"
        "app.(*Server).Start.func1 on top of the stack:\n"
        "```\n"
        "github.com/jaegertracing/jaeger/cmd/remote-storage/app.(*Server).Start.func1()\n"
        "\t/home/hashkat/Documents/LFX/jaeger/cmd/remote-storage/app/server.go:139 +0x1e5\n"
        "created by github.com/jaegertracing/jaeger/cmd/remote-storage/app.(*Server).Start\n"
        "\t/home/hashkat/Documents/LFX/jaeger/cmd/remote-storage/app/server.go:135 +0x37c\n"
        "]\n"
        "```\n";
    result r = read_ok(s, strlen(s));
    assert_int_equal(gmx_gbuckets_total(r.snap.buckets), 1);
    const gmx_gbucket *b =
        tu_bucket_with_func(r.snap.buckets, "github.com/jaegertracing/jaeger/cmd/remote-storage/app.(*Server).Start.func1");
    assert_non_null(b);
    assert_true(b->flags & GMX_G_REPORTED);
    assert_int_equal(b->nstates, 1);
    assert_true(gmx_str_eq_cstr(b->states[0].status, "chan send"));
    gmx_gsnapshot_release(&r.snap);

    const char *other =
        "[Goroutine 7 in state select, with main.a on top of the stack:\n"
        "```\n"
        "main.b()\n"
        "\t/app/main.go:9 +0x1d\n"
        "created by main.main\n"
        "\t/app/main.go:4 +0x2a\n";
    r = read_ok(other, strlen(other));
    b = tu_bucket_with_func(r.snap.buckets, "main.b");
    assert_non_null(b);
    assert_int_equal(b->nstates, 1);
    assert_false(gmx_str_eq_cstr(b->states[0].status, "select"));
    gmx_gsnapshot_release(&r.snap);
}

/* uniq -c histograms of creators (istio/old_issues_repo#100) and of top
 * frames with their arguments (spacemeshos/go-spacemesh#2313). */
static void test_uniq_creators_and_args(void **state)
{
    (void)state;
    const char *s =
        "```\n"
        "  93381 created by github.com/x/y.(*HTTPCollector).loop\n"
        "   2050 created by example.com/pool.(*Pool).AddWorkers\n"
        "```\n";
    assert_true(gmx_goroutine_text_sniff(s, strlen(s)));
    result r = read_ok(s, strlen(s));
    assert_int_equal(gmx_gbuckets_total(r.snap.buckets), 95431);
    const gmx_gbucket *b = NULL;
    for (size_t i = 0; i < gmx_gbuckets_count(r.snap.buckets); i++)
        if (gmx_gbuckets_at(r.snap.buckets, i)->count == 93381)
            b = gmx_gbuckets_at(r.snap.buckets, i);
    assert_non_null(b);
    assert_int_equal(b->nframes, 0);
    assert_true(b->has_creator);
    assert_true(gmx_str_eq_cstr(b->creator.func, "github.com/x/y.(*HTTPCollector).loop"));
    gmx_gsnapshot_release(&r.snap);

    const char *t =
        "    872 github.com/x/net.(*udpConnWrapper).Read(0xc00004ee00, 0xc000bda000, 0x7530)\n"
        "    287 github.com/x/net.(*FormattedConnection).sendListener(0xc000012000)\n";
    assert_true(gmx_goroutine_text_sniff(t, strlen(t)));
    r = read_ok(t, strlen(t));
    b = tu_bucket_with_func(r.snap.buckets, "github.com/x/net.(*udpConnWrapper).Read");
    assert_non_null(b);
    assert_int_equal(b->count, 872);
    gmx_gsnapshot_release(&r.snap);
}

/* grep | awk -F 0x | uniq -c over a dump: a creator's "created by F" and its
 * closure's "F.func1(" count the same goroutines, and the argument list is
 * cut after "(" (the lines of kumahq/kuma#2004, verbatim but for the last
 * count, 55 there, made 54 to show that piles counted unlike stay apart). */
static void test_uniq_creator_and_closure(void **state)
{
    (void)state;
    const char *s =
        "31631 created by github.com/envoyproxy/go-control-plane/pkg/server/sotw/v3.(*server).StreamHandler\n"
        "  55 created by github.com/kumahq/kuma/pkg/hds/server.(*server).StreamHandler\n"
        "  81 github.com/envoyproxy/go-control-plane/pkg/server/sotw/v3.(*server).StreamHandler(\n"
        "31631 github.com/envoyproxy/go-control-plane/pkg/server/sotw/v3.(*server).StreamHandler.func1(\n"
        "  81 github.com/envoyproxy/go-control-plane/pkg/server/v3.(*server).StreamHandler(...)\n"
        "  55 github.com/kumahq/kuma/pkg/hds/server.(*server).StreamHandler(\n"
        "  54 github.com/kumahq/kuma/pkg/hds/server.(*server).StreamHandler.func1(\n";
    result r = read_ok(s, strlen(s));
    assert_int_equal(r.snap.info.kind, GMX_DUMP_COUNTS);
    /* each goroutine once: 31631 + 55 + 81 + 81 + 55 + 54, not 63,592 */
    assert_int_equal(gmx_gbuckets_total(r.snap.buckets), 31957);
    const gmx_gbucket *b = tu_bucket_with_func(
        r.snap.buckets, "github.com/envoyproxy/go-control-plane/pkg/server/sotw/v3.(*server).StreamHandler.func1");
    assert_non_null(b);
    assert_int_equal(b->count, 31631);
    assert_true(b->has_creator);
    assert_true(gmx_str_eq_cstr(
        b->creator.func, "github.com/envoyproxy/go-control-plane/pkg/server/sotw/v3.(*server).StreamHandler"));
    b = tu_bucket_with_func(r.snap.buckets,
                            "github.com/envoyproxy/go-control-plane/pkg/server/sotw/v3.(*server).StreamHandler");
    assert_non_null(b);
    assert_int_equal(b->count, 81);
    /* counted unlike its creator (55 against 54): not taken for the same pile */
    b = tu_bucket_with_func(r.snap.buckets, "github.com/kumahq/kuma/pkg/hds/server.(*server).StreamHandler.func1");
    assert_non_null(b);
    assert_false(b->has_creator);
    gmx_gsnapshot_release(&r.snap);
}

static void test_instances_of(void **state)
{
    (void)state;
    const char *s =
        "Too many goroutines running after all test(s).\n"
        "1 instances of:\n"
        "github.com/coreos/etcd/etcdserver/etcdserverpb.(*kVClient).Put(...)\n"
        "\t/home/gyuho/go/src/github.com/coreos/etcd/etcdserver/etcdserverpb/rpc.pb.go:1207 +0xec\n"
        "created by github.com/coreos/etcd/tools/functional-tester/etcd-tester.(*stresser).Stress\n"
        "\t/home/gyuho/go/src/github.com/coreos/etcd/tools/functional-tester/etcd-tester/stresser.go:97 +0x4f6\n"
        "101 instances of:\n"
        "github.com/coreos/etcd/tools/functional-tester/etcd-tester.(*stresser).Stress.func1(...)\n"
        "\t/home/gyuho/go/src/github.com/coreos/etcd/tools/functional-tester/etcd-tester/stresser.go:83 +0x212\n"
        "created by github.com/coreos/etcd/tools/functional-tester/etcd-tester.(*stresser).Stress\n"
        "\t/home/gyuho/go/src/github.com/coreos/etcd/tools/functional-tester/etcd-tester/stresser.go:97 +0x4f6\n";
    result r = read_ok(s, strlen(s));
    assert_int_equal(r.snap.info.kind, GMX_DUMP_LEAK_CHECK);
    assert_int_equal(gmx_gbuckets_total(r.snap.buckets), 102);
    assert_int_equal(r.snap.info.goroutines, 102);
    const gmx_gbucket *b = tu_bucket_with_func(
        r.snap.buckets, "github.com/coreos/etcd/tools/functional-tester/etcd-tester.(*stresser).Stress.func1");
    assert_non_null(b);
    assert_int_equal(b->count, 101);
    assert_int_equal(b->nframes, 1);
    gmx_gsnapshot_release(&r.snap);
    /* "10 *" above a fenced stack (pingcap/dm#2127); prose in between
     * cancels the count. */
    const char *t =
        "10 *\n"
        "```\n"
        "database/sql.(*DB).connectionOpener(0xc0003801a0, 0xb533cd0, 0xc000888e80)\n"
        "\t/usr/local/go/src/database/sql/sql.go:1133 +0x18a\n"
        "created by database/sql.OpenDB\n"
        "\t/usr/local/go/src/database/sql/sql.go:740 +0x426\n"
        "```\n"
        "7 *\n"
        "and then something else entirely\n"
        "```\n"
        "github.com/go-sql-driver/mysql.(*mysqlConn).startWatcher.func1(0xc005966a20)\n"
        "\t/x/connection.go:621 +0x1b0\n"
        "```\n";
    r = read_ok(t, strlen(t));
    assert_int_equal(gmx_gbuckets_total(r.snap.buckets), 11);
    gmx_gsnapshot_release(&r.snap);
}

/* A hand-made debug=1 record with the file after the function
 * (kubernetes/kubernetes#19633): the file is the frame's, not a frame. */
static void test_handmade_record_file(void **state)
{
    (void)state;
    const char *s = "recorded iteration1 (with only 1 pod running): \n"
                    "336 @ (*realFsHandler).trackUsage+0x482\t/home/t/src/github.com/google/cadvisor/"
                    "container/docker/fsHandler.go:82\n";
    result r = read_ok(s, strlen(s));
    assert_int_equal(gmx_gbuckets_total(r.snap.buckets), 336);
    const gmx_gbucket *b = tu_bucket_with_func(r.snap.buckets, "(*realFsHandler).trackUsage");
    assert_non_null(b);
    assert_int_equal(b->nframes, 1);
    assert_int_equal(b->frames[0].line, 82);
    gmx_gsnapshot_release(&r.snap);
}

/* Up to Go 1.3 part of the runtime was written in .goc files (Go-flavoured
 * C), and their frames print file lines like any other (redis/go-redis#48,
 * jwilder/dockerize#2): the line is the frame's file, not prose that would
 * split the goroutine in two. */
static void test_goc_file_lines(void **state)
{
    (void)state;
    const char *s = "goroutine 603852 [sleep]:\n"
                    "time.Sleep(0x3b9aca00)\n"
                    "        /usr/lib/go/src/pkg/runtime/time.goc:39 +0x31\n"
                    "gopkg.in/redis%2ev2.(*rateLimiter).loop(0xc20f80cb30, 0x3b9aca00, 0x3c)\n"
                    "        /home/app/src/gopkg.in/redis.v2/rate_limit.go:30 +0x87\n"
                    "created by gopkg.in/redis%2ev2.newRateLimiter\n"
                    "        /home/app/src/gopkg.in/redis.v2/rate_limit.go:18 +0x67\n";
    const gmx_gbucket *b;
    result r = read_goroutines(s, 1, "gopkg.in/redis%2ev2.(*rateLimiter).loop", &b);
    assert_int_equal(b->nframes, 2);
    assert_int_equal(b->frames[0].line, 39);
    assert_true(b->nstates == 1 && gmx_str_eq_cstr(b->states[0].status, "sleep"));
    gmx_gsnapshot_release(&r.snap);
}

/* Redactions ("..." for lines) and a file cut mid-line. */
static void redact(text *o, const char *l, size_t n, unsigned k)
{
    if (k % 7 == 3 && n && l[0] == '\t')
        puts_(o, "    ...\n");
    else {
        put(o, l, n);
        puts_(o, "\n");
    }
}

static void test_redacted_and_cut(void **state)
{
    (void)state;
    text t = derive(DUMP2, redact);
    for (size_t i = 0; i < t.n; i++)
        if (t.p[i] == '\t')
            t.p[i] = ' ';
    /* Frames whose file line was redacted form stacks of their own. */
    check_stacks(DUMP2, t, GMX_REPAIR_MISSING, false);
    size_t n;
    char *d2 = tu_read_fixture(DUMP2, &n);
    for (size_t i = 0; i < n; i++)
        if (d2[i] == '\t')
            d2[i] = ' ';
    result r = read_text(d2, n * 2 / 3);
    assert_int_equal(r.rc, GMX_OK);
    assert_true(gmx_gbuckets_total(r.snap.buckets) > 10);
    gmx_gsnapshot_release(&r.snap);
    free(d2);
}

/* Hand-made summaries: uniq -c of the states, "N @ function" records. */
static void test_summaries(void **state)
{
    (void)state;
    const char *states = "   1024 [chan receive]\n     17 [select]\n      3 [IO wait, 5 minutes]\n";
    result r = read_ok(states, strlen(states));
    assert_int_equal(gmx_gbuckets_total(r.snap.buckets), 1044);
    gmx_gsnapshot_release(&r.snap);
    const char *recs = "336 @ (*realFsHandler).trackUsage+0x482 main.loop ...\n"
                       "2 @ net/http.(*conn).serve+0x1\n";
    r = read_ok(recs, strlen(recs));
    assert_int_equal(gmx_gbuckets_total(r.snap.buckets), 338);
    assert_non_null(tu_bucket_with_func(r.snap.buckets, "(*realFsHandler).trackUsage"));
    gmx_gsnapshot_release(&r.snap);
}

/* A count a grep took of a dump, pasted with its answer
 * (https://github.com/cilium/cilium/issues/5902, verbatim): one pile of the
 * goroutines whose stacks hold the pattern; a grep with no count, or a
 * count on its own, is no such record. */
static void test_grep_count(void **state)
{
    (void)state;
    const char *cilium = "```\n"
                         "grep runController cilium-dc6nw-20181012-093516-stack.txt | wc -l\n"
                         "     320\n"
                         "```\n";
    const gmx_gbucket *b;
    result r = read_goroutines(cilium, 320, "runController", &b);
    assert_int_equal(b->count, 320);
    assert_true(b->flags & GMX_G_GREP_COUNT); /* lines matched, not a bucket's goroutines */
    assert_true(r.snap.info.read.repairs & GMX_REPAIR_SUMMARY);
    gmx_gsnapshot_release(&r.snap);

    const char *c = "$ grep -c 'pool.(*ConnPool).reaper' dump.txt\n1200\n";
    r = read_goroutines(c, 1200, "pool.(*ConnPool).reaper", &b);
    gmx_gsnapshot_release(&r.snap);

    gmx_str p;
    assert_true(gmx_gx_grep_count(gmx_str_cstr("user@host % cat d.txt | grep -F \"f.g\" | wc -l"), &p));
    assert_true(gmx_str_eq_cstr(p, "f.g"));
    assert_false(gmx_gx_grep_count(gmx_str_cstr("grep runController stack.txt"), &p));
    assert_false(gmx_gx_grep_count(gmx_str_cstr("grep 'chan receive' d.txt | wc -l"), &p));
    assert_false(gmx_gx_grep_count(gmx_str_cstr("I used grep -c on it"), &p));
    const char *alone = "grep f d.txt | wc -l\nthe answer was\n320\n";
    r = read_text(alone, strlen(alone));
    assert_int_equal(r.rc, GMX_EFORMAT);
    gmx_gsnapshot_release(&r.snap);
}

/* goleak's report reflowed as a paragraph at fifty columns, words and paths
 * broken across lines, every line at column 0
 * (https://github.com/NationalLibraryOfNorway/warchaeology/pull/124,
 * verbatim): cut back into the runtime's lines, the goroutine, its frame,
 * its creator and their file lines read. */
static void test_reflowed_report(void **state)
{
    (void)state;
    const char *report = "A leaked goroutine will produce the following\n"
                       "error with `goleak`:\n\n"
                       "```\n"
                       "goleak: Errors on successful test run: found\n"
                       "unexpected goroutines: [Goroutine 7 in state chan\n"
                       "receive, with\n"
                       "github.com/nlnwa/warchaeology/internal/workerpool\n"
                       ".New.func1 on top of the stack: goroutine 7 [chan\n"
                       "receive]:\n"
                       "github.com/nlnwa/warchaeology/internal/workerpool.\n"
                       "New.func1(0xc00008a1e0)\n"
                       "./warchaeology/internal/workerpool/workerpool.go:\n"
                       "23\n"
                       "+0x66 created by\n"
                       "github.com/nlnwa/warchaeology/internal/workerpool.New\n"
                       "in goroutine 6\n"
                       "./warchaeology/internal/workerpool/workerpool.go:\n"
                       "22\n"
                       "+0x85 ] FAIL\n"
                       "github.com/nlnwa/warchaeology/internal/workerpool\n"
                       "0.450s FAIL\n"
                       "```\n";
    const gmx_gbucket *b;
    result r = read_goroutines(report, 1, "github.com/nlnwa/warchaeology/internal/workerpool.New.func1", &b);
    assert_true(r.snap.info.read.repairs & GMX_REPAIR_REFLOW);
    assert_int_equal(r.snap.info.kind, GMX_DUMP_LEAK_CHECK);
    assert_int_equal(b->frames[0].line, 23);
    assert_true(b->nstates == 1 && gmx_str_eq_cstr(b->states[0].status, "chan receive"));
    assert_true(gmx_str_eq_cstr(b->creator.func, "github.com/nlnwa/warchaeology/internal/workerpool.New"));
    /* the read report keeps the paragraph's line numbers: what was read of
     * it lies within its lines 5-21 */
    bool within = false;
    for (uint32_t i = 0; i < r.snap.info.read.nread; i++)
        within |= r.snap.info.read.read[i].first >= 5 && r.snap.info.read.read[i].last <= 21;
    assert_true(within);
    gmx_gsnapshot_release(&r.snap);

    /* prose that only talks about goroutines is still nothing */
    const char *prose = "we saw goroutine 7 and\nthe stack: it was\nblocked somewhere.\n";
    r = read_text(prose, strlen(prose));
    assert_int_equal(r.rc, GMX_EFORMAT);
    gmx_gsnapshot_release(&r.snap);
}

/* goleak's report kept in a Go test file behind its "//" comment markers,
 * one directly before the tab that indents a file line
 * (makasim/flowstate testcases/cron.go, verbatim in testdata/realworld):
 * the markers removed like '>' quotes, the function, its file line and its
 * creator read as the runtime wrote them. */
static void test_go_comment_markers(void **state)
{
    (void)state;
    size_t len;
    char *s = tu_read_fixture("testdata/realworld/makasim-flowstate-cron/artifact.txt", &len);
    assert_non_null(s);
    const gmx_gbucket *b;
    result r = read_goroutines(s, 1, "github.com/makasim/flowstate/memdriver.(*Delayer).Do.func1", &b);
    assert_true(r.snap.info.read.repairs & GMX_REPAIR_QUOTE);
    assert_true(b->flags & GMX_G_REPORTED);
    assert_int_equal(b->frames[0].line, 59);
    assert_true(gmx_str_eq_cstr(b->frames[0].file, "/foo/flowstatesrv/vendor/github.com/makasim/flowstate/memdriver/delayer.go"));
    assert_true(gmx_str_eq_cstr(b->creator.func, "github.com/makasim/flowstate/memdriver.(*Delayer).Do"));
    gmx_gsnapshot_release(&r.snap);
    free(s);
}

/* goleak's record shortened by its poster, the goroutine's number, state
 * and stack written "..." (https://github.com/riverqueue/river/pull/1169,
 * the merged commit's message, verbatim in testdata/realworld): read as one
 * goroutine listed by the checker, its state unknown, the function goleak
 * names on top its one frame, then its creator. A sentence that only talks
 * about such a record is not one. */
static void test_goleak_record_elided(void **state)
{
    (void)state;
    size_t len;
    char *s = tu_read_fixture("testdata/realworld/riverqueue-river-1169/artifact.txt", &len);
    assert_non_null(s);
    const gmx_gbucket *b;
    result r = read_goroutines(s, 1, "github.com/jackc/pgx/v5/pgconn/internal/bgreader.(*BGReader).bgRead", &b);
    assert_true(b->flags & GMX_G_REPORTED);
    assert_int_equal(b->nframes, 1);
    assert_true(b->nstates && gmx_str_eq_cstr(b->states[0].status, "unknown"));
    assert_true(gmx_str_eq_cstr(b->creator.func, "github.com/jackc/pgx/v5/pgconn/internal/bgreader.(*BGReader).Start"));
    assert_true(r.snap.info.read.repairs & GMX_REPAIR_MISSING);
    gmx_gsnapshot_release(&r.snap);
    free(s);

    /* the state kept, only the number and the stack elided */
    const char *kept = "goleak: Errors on successful test run: found unexpected goroutines:\n"
                       "[Goroutine ... in state select, with example.com/x.(*W).loop on top of the stack ...]\n";
    r = read_goroutines(kept, 1, "example.com/x.(*W).loop", &b);
    assert_true(b->nstates && gmx_str_eq_cstr(b->states[0].status, "select"));
    gmx_gsnapshot_release(&r.snap);

    const char *prose = "The Goroutine ... with the most frames on top of the stack ...] was odd.\n";
    result none = read_text(prose, strlen(prose));
    assert_int_not_equal(none.rc, GMX_OK);
}

/* debug=1 frame lines pasted from the first "#" line, the record's "N @ 0x..."
 * line and the profile's title left out (https://github.com/bluenviron/gortsplib/issues/690,
 * verbatim in testdata/realworld): read as one record of one goroutine. A
 * lone frame line, or Markdown headings (also lines that start with "#"),
 * are no record. */
static void test_debug1_frames_without_record_line(void **state)
{
    (void)state;
    size_t len;
    char *s = tu_read_fixture("testdata/realworld/bluenviron-gortsplib-690/artifact.txt", &len);
    assert_non_null(s);
    const gmx_gbucket *b;
    result r = read_goroutines(s, 1, "github.com/bluenviron/gortsplib/v4.(*asyncProcessor).run", &b);
    assert_int_equal(b->nframes, 5);
    assert_true(gmx_str_eq_cstr(b->frames[2].func, "github.com/bluenviron/gortsplib/v4/pkg/ringbuffer.(*RingBuffer).Pull"));
    assert_true(r.snap.info.read.repairs & GMX_REPAIR_NO_HEADER);
    gmx_gsnapshot_release(&r.snap);
    free(s);

    const char *headings = "## Description\n## Checklist\n# 0x1 is a hex number\n";
    result none = read_text(headings, strlen(headings));
    assert_int_not_equal(none.rc, GMX_OK);
    const char *lone = "seen:\n#\t0x4a1b2c\tmain.(*S).loop+0x2c\t/src/main.go:12\n";
    none = read_text(lone, strlen(lone));
    assert_int_not_equal(none.rc, GMX_OK);
}

/* Goroutines pasted double-spaced from the header on, frames elided as
 * "[...]" (ooni/probe-cli#1428, verbatim in testdata/realworld): a blank line
 * between a header and its first frame, which the runtime never writes, is
 * spacing, so each goroutine keeps its frames: two goroutines, not fourteen
 * one-frame stacks. Stacks without headers between blank lines stay apart. */
static void test_double_spaced_after_header(void **state)
{
    (void)state;
    size_t len;
    char *s = tu_read_fixture("testdata/realworld/ooni-probe-cli-1428/artifact.txt", &len);
    assert_non_null(s);
    const gmx_gbucket *b;
    result r = read_goroutines(s, 2, "github.com/quic-go/quic-go.(*Transport).closeServer", &b);
    assert_int_equal(b->count, 1);
    assert_non_null(tu_bucket_with_func(r.snap.buckets, "github.com/ooni/probe-cli/v3/internal/netemx.(*http3Server).Close"));
    assert_true(gmx_str_eq_cstr(b->frames[b->nframes - 1].func,
                                "github.com/ooni/probe-cli/v3/internal/netemx.(*QAEnv).Close"));
    gmx_gsnapshot_release(&r.snap);
    free(s);

    const char *apart = "leaked:\n"
                        "main.a()\n\t/src/main.go:3 +0x1\n"
                        "created by main.main\n\t/src/main.go:9 +0x2\n"
                        "\n"
                        "main.b()\n\t/src/main.go:5 +0x1\n"
                        "created by main.main\n\t/src/main.go:10 +0x2\n";
    result two = read_ok(apart, strlen(apart));
    assert_int_equal(gmx_gbuckets_total(two.snap.buckets), 2);
    gmx_gsnapshot_release(&two.snap);
}

/* A debug=1 profile whose names and file paths a web page made into
 * Markdown links (https://github.com/milvus-io/milvus/issues/27876,
 * verbatim): the links unwrapped, the names read; a link in prose stays. */
static void test_markdown_links(void **state)
{
    (void)state;
    const char *milvus =
        "See [goleak](https://pkg.go.dev/go.uber.org/goleak):\n"
        "```\n"
        "goroutine profile: total 38645\n"
        "38139 @ 0x17850d6 0x1795bfe 0x374e386 0x17bb9a1\n"
        "#   0x374e385   [github.com/milvus-io/milvus/internal/datanode.newTTNode.func1+0xa5](http://github.com/milvus-io/milvus/internal/datanode.newTTNode.func1+0xa5)  /go/src/[github.com/milvus-io/milvus/internal/datanode/flow_graph_time_tick_node.go:159](http://github.com/milvus-io/milvus/internal/datanode/flow_graph_time_tick_node.go:159)\n"
        "\n"
        "168 @ 0x17850d6 0x174d5bd 0x174d0b8 0x357c6ba 0x17bb9a1\n"
        "#   0x357c6b9   [github.com/milvus-io/milvus/internal/util/flowgraph.(*nodeCtx).work+0x1b9](http://github.com/milvus-io/milvus/internal/util/flowgraph.(*nodeCtx).work+0x1b9)   /go/src/[github.com/milvus-io/milvus/internal/util/flowgraph/node.go:126](http://github.com/milvus-io/milvus/internal/util/flowgraph/node.go:126)\n"
        "```\n";
    const gmx_gbucket *b;
    result r = read_goroutines(milvus, 38307, "github.com/milvus-io/milvus/internal/datanode.newTTNode.func1", &b);
    assert_int_equal(b->count, 38139);
    assert_int_equal(b->frames[0].line, 159);
    assert_true(r.snap.info.read.repairs & GMX_REPAIR_LINKS);
    assert_non_null(tu_bucket_with_func(r.snap.buckets,
                                        "github.com/milvus-io/milvus/internal/util/flowgraph.(*nodeCtx).work"));
    gmx_gsnapshot_release(&r.snap);
}

/* Delve's goroutine list: one goroutine a line, its wait reason, a wrapped
 * entry joined (https://github.com/hashicorp/nomad/issues/7619 and
 * https://github.com/e2b-dev/infra/pull/738, verbatim). */
static void test_delve_list(void **state)
{
    (void)state;
    const char *nomad =
        "(dlv) grs\n"
        "  Goroutine 1 - User: github.com/hashicorp/go-plugin@v1.4.3/server.go:469 github.com/hashicorp/go-plugin.Serve (0x9721d7) [select]\n"
        "  Goroutine 2 - User: runtime/proc.go:364 runtime.gopark (0x43d816) [force gc (idle)]\n"
        "  Goroutine 19 - User: os/file_posix.go:31 os.(*File).Read (0x4ee5fe) [IO wait]\n"
        "* Goroutine 25 - User: net/fd_posix.go:55 net.(*netFD).Read (0x632169) [IO wait]\n";
    result r = read_ok(nomad, strlen(nomad));
    assert_int_equal(gmx_gbuckets_total(r.snap.buckets), 4);
    const gmx_gbucket *b = tu_bucket_with_func(r.snap.buckets, "github.com/hashicorp/go-plugin.Serve");
    assert_non_null(b);
    assert_true(b->nstates == 1 && gmx_str_eq_cstr(b->states[0].status, "select"));
    assert_int_equal(b->frames[0].line, 469);
    gmx_gsnapshot_release(&r.snap);

    const char *e2b =
        "```\n"
        "  Goroutine 3027010832 - User: /build/orchestrator/internal/sandbox/nbd/dispatch\n"
        ".go:265 github.com/e2b-dev/infra/packages/orchestrator/internal/sandbox/nbd.(*Di\n"
        "spatch).cmdWrite.func1.1 (0x15a9e18) [chan send 858079709754578]\n"
        "  Goroutine 3027010834 - User: /build/orchestrator/internal/sandbox/nbd/dispatch\n"
        ".go:265 github.com/e2b-dev/infra/packages/orchestrator/internal/sandbox/nbd.(*Di\n"
        "spatch).cmdWrite.func1.1 (0x15a9e18) [chan send 858079709754578]\n"
        "```\n";
    r = read_ok(e2b, strlen(e2b));
    assert_true(r.snap.info.read.repairs & GMX_REPAIR_WRAPPED);
    b = tu_bucket_with_func(r.snap.buckets,
                            "github.com/e2b-dev/infra/packages/orchestrator/internal/sandbox/nbd.(*Dispatch).cmdWrite.func1.1");
    assert_non_null(b);
    assert_int_equal(b->count, 2);
    /* The number after the reason is the runtime's waitsince, no duration. */
    assert_true(b->nstates == 1 && gmx_str_eq_cstr(b->states[0].status, "chan send"));
    assert_int_equal(b->wait_max, 0);
    gmx_gsnapshot_release(&r.snap);
}

/* panicparse's report: a bucket header (count, state, minutes, creator)
 * and its calls in three columns, read as a block of a full dump
 * (https://github.com/cockroachdb/cockroach/issues/104316, verbatim); a
 * numbered list in prose has the header's shape but no call line after
 * it, and is no record. */
static void test_panicparse_list(void **state)
{
    (void)state;
    const char *pp =
        "I noticed a large number of goroutines inside `ParallelE` which appear to be leaked.\n"
        "\n"
        "```\n"
        "1: chan send [1615 minutes] [Created by install.(*SyncedCluster).ParallelE.func1 @ cluster_synced.go:2595]\n"
        "    runtime      proc.go:363              gopark(func(0x1f4), Pointer(0x0), waitReason(0x0))\n"
        "    runtime      chan.go:259              chansend(*hchan(#8397), Pointer(#748), true)\n"
        "    runtime      chan.go:145              chansend1(*hchan(#96), Pointer(#5697))\n"
        "    install      cluster_synced.go:2601   (*SyncedCluster).ParallelE.func1.1(0)\n"
        "    install      cluster_synced.go:2605   (*SyncedCluster).ParallelE.func1.2()\n"
        "    runtime      asm_amd64.s:1594         goexit()\n"
        "```\n";
    const gmx_gbucket *b;
    result r = read_goroutines(pp, 1, "install.(*SyncedCluster).ParallelE.func1.1", &b);
    assert_true(b->nstates == 1 && gmx_str_eq_cstr(b->states[0].status, "chan send"));
    assert_int_equal(b->wait_max, 1615);
    assert_int_equal(b->frames[0].line, 363);
    assert_true(b->has_creator && gmx_str_eq_cstr(b->creator.func, "install.(*SyncedCluster).ParallelE.func1"));
    gmx_gsnapshot_release(&r.snap);

    const char *list = "Steps:\n1: build the binary\n2: run it under load\n3: take a dump\n";
    r = read_text(list, strlen(list));
    assert_int_not_equal(r.rc, GMX_OK);
}

static const gmx_gbucket *largest_bucket(const gmx_gbuckets *set)
{
    const gmx_gbucket *best = NULL;
    for (size_t i = 0; i < gmx_gbuckets_count(set); i++) {
        const gmx_gbucket *b = gmx_gbuckets_at(set, i);
        if (!best || b->count > best->count)
            best = b;
    }
    assert_non_null(best);
    return best;
}

/* panicparse's report of a lab dump (testdata/lab/derive.sh) reads as the
 * dump it came from: the same goroutines, bucketed alike, the culprit's
 * count, wait and "(leaked)" marks kept, its frames named by import path
 * again ("http" back to net/http). */
static void test_panicparse_lab_parity(void **state)
{
    (void)state;
    size_t n_pp, n_dump;
    char *pp = tu_read_fixture("testdata/lab/captures/derived/quotes-goroutine-t3.panicparse.txt", &n_pp);
    char *dump = tu_read_fixture("testdata/lab/captures/go1.27/quotes/goroutine-t3.debug2.txt", &n_dump);
    assert_non_null(pp);
    assert_non_null(dump);
    result a = read_text(pp, n_pp), b = read_text(dump, n_dump);
    assert_int_equal(a.rc, GMX_OK);
    assert_int_equal(b.rc, GMX_OK);
    assert_int_equal(gmx_gbuckets_total(a.snap.buckets), gmx_gbuckets_total(b.snap.buckets));
    assert_int_equal(gmx_gbuckets_count(a.snap.buckets), gmx_gbuckets_count(b.snap.buckets));
    const gmx_gbucket *x = largest_bucket(a.snap.buckets), *y = largest_bucket(b.snap.buckets);
    assert_int_equal(x->count, y->count);
    assert_int_equal(x->nframes, y->nframes);
    for (uint32_t i = 0; i < x->nframes; i++)
        assert_true(gmx_str_eq(x->frames[i].func, y->frames[i].func));
    assert_int_equal(x->leaked, y->leaked);
    assert_int_equal(x->wait_max, y->wait_max);
    assert_non_null(tu_bucket_with_func(a.snap.buckets, "net/http.(*persistConn).readLoop"));
    gmx_gsnapshot_release(&a.snap);
    gmx_gsnapshot_release(&b.snap);
    free(pp);
    free(dump);
}

/* The runtime's deadlock line pasted alone, as a comment under the program
 * (https://github.com/golang/go/issues/10371): a fatal error to report,
 * not a file to refuse; prose about a fatal error is no such line. */
static void test_deadlock_line_alone(void **state)
{
    (void)state;
    const char *prog = "func main(){\n\tc1 <- <-c2\n}\n\n//fatal error: all goroutines are asleep - deadlock!\n";
    result r = read_ok(prog, strlen(prog));
    assert_int_equal(r.snap.info.kind, GMX_DUMP_FATAL);
    assert_true(gmx_str_eq_cstr(r.snap.info.message, "all goroutines are asleep - deadlock!"));
    assert_int_equal(gmx_gbuckets_total(r.snap.buckets), 0);
    gmx_gsnapshot_release(&r.snap);
    const char *prose = "It failed with a fatal error: all goroutines are asleep, I think.\n";
    r = read_text(prose, strlen(prose));
    assert_int_not_equal(r.rc, GMX_OK);
    gmx_gsnapshot_release(&r.snap);
}

/* Verbatim from public issue threads (sources named): stacks people trimmed
 * by hand, go tool trace's summary, double-spaced Jenkins output. */
static void test_issue_threads(void **state)
{
    (void)state;
    /* https://github.com/grpc/grpc-go/issues/1936: paths cut to "...". */
    const char *grpc =
        "We checked the goroutine dump, and see the following goroutine should be the source of leaking.\n"
        "```\n"
        ".../vendor/google.golang.org/grpc.newClientStream.func4(0xc420308f00, 0xc424812380, 0x2218ac0, 0xc4223a3ce0)\n"
        ".../vendor/google.golang.org/grpc/stream.go:298 +0x112\n"
        "created by code.uber.internal/everything/order/vendor/google.golang.org/grpc.newClientStream\n"
        ".../vendor/google.golang.org/grpc/stream.go:297 +0xb59\n"
        "```\n";
    result r = read_ok(grpc, strlen(grpc));
    assert_non_null(tu_bucket_with_func(r.snap.buckets, ".../vendor/google.golang.org/grpc.newClientStream.func4"));
    gmx_gsnapshot_release(&r.snap);

    /* https://github.com/redis/go-redis/issues/508: function names alone. */
    const char *redis = "```golang\nruntime.gopark \nruntime.goparkunlock \nruntime.chanrecv \n"
                        "runtime.chanrecv2 \ngopkg.in/redis.v5/internal/pool.(*ConnPool).reaper \n"
                        "runtime.goexit \n```\n";
    r = read_ok(redis, strlen(redis));
    assert_non_null(tu_bucket_with_func(r.snap.buckets, "gopkg.in/redis.v5/internal/pool.(*ConnPool).reaper"));
    gmx_gsnapshot_release(&r.snap);

    /* https://github.com/pingcap/tiflow/issues/2211: go tool trace's list. */
    const char *trace = "```\nGoroutines:\n"
                        "golang.org/x/sync/errgroup.(*Group).Go.func1 N=81848\n"
                        "github.com/pingcap/ticdc/pkg/workerpool.(*mergedContext).Done.func1 N=1056480\n"
                        "net/http.(*conn).serve N=2\n```\n";
    r = read_ok(trace, strlen(trace));
    const gmx_gbucket *b =
        tu_bucket_with_func(r.snap.buckets, "github.com/pingcap/ticdc/pkg/workerpool.(*mergedContext).Done.func1");
    assert_non_null(b);
    assert_int_equal(b->count, 1056480);
    gmx_gsnapshot_release(&r.snap);

    /* https://github.com/pingcap/tiflow/issues/1452: Jenkins' timestamps,
     * every line followed by a blank one, the first frame after the leak
     * checker's words. */
    const char *jenkins =
        "[2021-02-24T08:50:53.001Z] ... Error: Test etcdSuite.TestEmbedEtcd check-count 50 appears to have leaked: github.com/pingcap/ticdc/pkg/etcd.(*etcdSuite).SetUpTest.func1(0xc000242a50, 0xc000361400)\n"
        "\n"
        "[2021-02-24T08:50:53.001Z] \t/home/jenkins/agent/workspace/cdc_ghpr_leak_test/go/src/github.com/pingcap/ticdc/pkg/etcd/etcd_test.go:45 +0x6d\n"
        "\n"
        "[2021-02-24T08:50:53.001Z] created by github.com/pingcap/ticdc/pkg/etcd.(*etcdSuite).SetUpTest\n"
        "\n"
        "[2021-02-24T08:50:53.001Z] \t/home/jenkins/agent/workspace/cdc_ghpr_leak_test/go/src/github.com/pingcap/ticdc/pkg/etcd/etcd_test.go:44 +0x16d\n"
        "\n"
        "[2021-02-24T08:50:53.001Z] \n"
        "\n"
        "[2021-02-24T08:50:53.001Z] OOPS: 4 passed, 1 FAILED\n";
    r = read_ok(jenkins, strlen(jenkins));
    assert_int_equal(r.snap.info.kind, GMX_DUMP_LEAK_CHECK);
    b = tu_bucket_with_func(r.snap.buckets, "github.com/pingcap/ticdc/pkg/etcd.(*etcdSuite).SetUpTest.func1");
    assert_non_null(b);
    assert_true(b->has_creator);
    assert_int_equal(b->frames[0].line, 45);
    gmx_gsnapshot_release(&r.snap);
}

/* https://github.com/etcd-io/etcd/pull/4292: etcd's leak check in go
 * test output, its first function line wrapped by the terminal. */
static void test_wrapped_headerless(void **state)
{
    (void)state;
    const char *s =
        "PASS\n"
        "Too many goroutines running after all test(s).\n"
        "1 instances of:\n"
        "github.com/coreos/etcd/Godeps/_workspace/src/google.golang.org/grpc.NewClientStream.func1(0x7f6746f45c38, 0xc820286000, 0x\n"
        "c8201ab500, 0xc820099360)\n"
        "        /home/gyu_ho_lee/go/src/github.com/coreos/etcd/Godeps/_workspace/src/google.golang.org/grpc/stream.go:151 +0x258\n"
        "created by github.com/coreos/etcd/Godeps/_workspace/src/google.golang.org/grpc.NewClientStream\n"
        "        /home/gyu_ho_lee/go/src/github.com/coreos/etcd/Godeps/_workspace/src/google.golang.org/grpc/stream.go:159 +0xa5\n";
    assert_true(gmx_goroutine_text_sniff(s, strlen(s)));
    result r = read_ok(s, strlen(s));
    assert_int_equal(r.snap.info.kind, GMX_DUMP_LEAK_CHECK);
    const gmx_gbucket *b = tu_bucket_with_func(
        r.snap.buckets, "github.com/coreos/etcd/Godeps/_workspace/src/google.golang.org/grpc.NewClientStream.func1");
    assert_non_null(b);
    assert_int_equal(b->frames[0].line, 151);
    gmx_gsnapshot_release(&r.snap);
}

/* Nothing recognisable: exit-2 material, naming the most promising line. */
/* https://github.com/go-sql-driver/mysql/issues/1342: a runtime header whose
 * ':' was lost, alone on its line in prose, is the goroutine it names; prose
 * that merely mentions one is not. */
static void test_header_colon_lost(void **state)
{
    (void)state;
    const char *s = "what is the problem? v.1.5.0\n\n"
                    "goroutine 58728 [select, 612 minutes]  \n\n"
                    "Why is this happening?\n";
    result r = read_text(s, strlen(s));
    assert_int_equal(r.rc, GMX_OK);
    assert_int_equal(gmx_gbuckets_total(r.snap.buckets), 1);
    const gmx_gbucket *b = gmx_gbuckets_at(r.snap.buckets, 0);
    assert_int_equal(b->wait_max, 612);
    assert_true(b->nstates && gmx_str_eq_cstr(b->states[0].status, "select"));
    gmx_gsnapshot_release(&r.snap);

    const char *prose = "goroutine 5 [select] blocks forever\nthe goroutine count keeps rising\n";
    r = read_text(prose, strlen(prose));
    assert_int_equal(r.rc, GMX_EFORMAT);
}

/* https://github.com/nikepan/clickhouse-bulk/issues/90: two stacks redrawn
 * by hand as trees, each caller under its callee behind "└─", the sync
 * wait written without its package. */
static void test_drawn_trees(void **state)
{
    (void)state;
    const char *s = "Captured via /debug/pprof/goroutine?debug=1:\n\n"
                    "runtime_SemacquireMutex\n"
                    " \xe2\x94\x94\xe2\x94\x80 main.(*Clickhouse).GetNextServer\n"
                    "     \xe2\x94\x94\xe2\x94\x80 main.(*FileDumper).ProcessNextDump\n\n"
                    "runtime_SemacquireMutex\n"
                    " \xe2\x94\x94\xe2\x94\x80 main.(*FileDumper).Dump\n"
                    "     \xe2\x94\x94\xe2\x94\x80 main.(*Clickhouse).Dump\n\n"
                    "This confirms mutual lock waiting between c.mu and d.mu.\n";
    const gmx_gbucket *b;
    result r = read_goroutines(s, 2, "main.(*Clickhouse).GetNextServer", &b);
    assert_int_equal(b->nframes, 3);
    assert_true(gmx_str_eq_cstr(b->frames[0].func, "sync.runtime_SemacquireMutex"));
    assert_true(gmx_str_eq_cstr(b->frames[2].func, "main.(*FileDumper).ProcessNextDump"));
    assert_true(r.snap.info.read.repairs & GMX_REPAIR_TREE);
    gmx_gsnapshot_release(&r.snap);

    /* Drawing characters before prose, or a word that only starts like a
     * sync wait, make no frame. */
    const char *prose = "\xe2\x94\x94\xe2\x94\x80 see the stacks below\nruntime_Semacquire is slow\n";
    r = read_text(prose, strlen(prose));
    assert_int_equal(r.rc, GMX_EFORMAT);
}

/* https://github.com/distribution/distribution/pull/2599: stacks cut out of
 * a dump with grep -A, its "--" between the groups. */
static void test_grep_separators(void **state)
{
    (void)state;
    const char *s = "Here is the key part:\n```\n--\n"
                    "sync.(*RWMutex).RLock(0xc42047c868)\n"
                    "\t/usr/local/go/src/sync/rwmutex.go:43 +0x5d\n"
                    "example.com/store.(*driver).GetContent(0xc42047c860)\n"
                    "\t/go/src/example.com/store/driver.go:73 +0x76\n"
                    "--\n"
                    "sync.(*RWMutex).RLock(0xc42047c868)\n"
                    "\t/usr/local/go/src/sync/rwmutex.go:43 +0x5d\n"
                    "example.com/store.(*driver).Reader(0xc42047c860)\n"
                    "\t/go/src/example.com/store/driver.go:108 +0x7b\n"
                    "--\n";
    const gmx_gbucket *b;
    result r = read_goroutines(s, 2, "example.com/store.(*driver).Reader", &b);
    assert_int_equal(b->nframes, 2);
    gmx_gsnapshot_release(&r.snap);
}

/* https://github.com/vmware/go-vcloud-director/issues/803: a count in prose
 * naming the function ("12 651 goroutines in `pkg.f`"), the stack pasted
 * further on, redrawn with arrows. */
static void test_named_prose_count(void **state)
{
    (void)state;
    const char *s = "one pprof snapshot showed **12 651 goroutines in `net/http.setRequestCancel.func4`** "
                    "alone (~200 MB RSS).\n\n"
                    "Stack of every leaked goroutine:\n\n```\n"
                    "net/http.setRequestCancel.func4\n"
                    "  \xe2\x86\x92 govcd.executeRequestCustomErr\n```\n";
    const gmx_gbucket *b;
    result r = read_goroutines(s, 12651, "govcd.executeRequestCustomErr", &b);
    assert_int_equal(b->count, 12651);
    gmx_gsnapshot_release(&r.snap);

    /* A stack of another function keeps its count of one. */
    const char *other = "we saw 5,000 goroutines in `pkg.worker` yesterday\n\n"
                        "pkg.(*T).run\npkg.main\n";
    r = read_goroutines(other, 1, "pkg.(*T).run", &b);
    assert_int_equal(b->count, 1);
    gmx_gsnapshot_release(&r.snap);
}

/* https://github.com/matrixorigin/matrixone/issues/25400: a goroutine
 * pasted with notes typed after its header and a file line ("<-- 46.5
 * hours!", "<-- stuck in select"); the notes go, the lines are read. A note
 * after prose leaves it prose. */
static void test_typed_notes(void **state)
{
    (void)state;
    const char *s = "### Stuck goroutine (from ETL leakcheck profile)\n\n```\n"
                    "goroutine 997023 [select, 2793 minutes]:   <-- 46.5 hours!\n"
                    "github.com/matrixorigin/matrixone/pkg/vm/engine/disttae.(*dynamicCtx).betaTask(...)\n"
                    "    mo_table_stats.go:2029                  <-- stuck in select\n"
                    "github.com/matrixorigin/matrixone/pkg/vm/engine/disttae.initMoTableStatsConfig.func1.8.1()\n"
                    "    mo_table_stats.go:464\n```\n";
    const gmx_gbucket *b;
    result r = read_goroutines(s, 1, "github.com/matrixorigin/matrixone/pkg/vm/engine/disttae.(*dynamicCtx).betaTask", &b);
    assert_int_equal(b->nframes, 2);
    assert_int_equal(b->frames[0].line, 2029);
    assert_int_equal(b->wait_max, 2793);
    assert_true(b->nstates && gmx_str_eq_cstr(b->states[0].status, "select"));
    assert_true(r.snap.info.read.repairs & GMX_REPAIR_NOTES);
    gmx_gsnapshot_release(&r.snap);

    const char *prose = "the goroutine waits here  <-- see below\nand the count keeps rising  // why?\n";
    r = read_text(prose, strlen(prose));
    assert_int_equal(r.rc, GMX_EFORMAT);
}

/* https://github.com/restatedev/sdk-go/issues/141 (verbatim in
 * testdata/realworld): a goroutine whose number its poster hid
 * ("goroutine NNNNN [chan send, 49 minutes]:") and whose frames are written
 * one per line, call and file together ("runtime.chansend(...)
 * runtime/chan.go:283"). Read as the runtime prints them: the state, the
 * minutes, three frames with their files, the number unknown. */
static void test_hidden_id_one_line_frames(void **state)
{
    (void)state;
    size_t len;
    char *s = tu_read_fixture("testdata/realworld/restatedev-sdk-go-141/artifact.txt", &len);
    assert_non_null(s);
    result r = read_ok(s, len);
    const gmx_gbucket *b = tu_bucket_with_func(r.snap.buckets, "runtime.chansend1");
    assert_non_null(b);
    assert_int_equal(b->count, 1);
    assert_int_equal(b->nframes, 3);
    assert_true(gmx_str_eq_cstr(b->frames[0].file, "runtime/chan.go"));
    assert_int_equal(b->frames[0].line, 283);
    assert_true(gmx_str_eq_cstr(b->frames[2].func,
                                "github.com/restatedev/sdk-go/internal/restatecontext.(*ctx).readInputLoop"));
    assert_true(gmx_str_eq_cstr(b->frames[2].file, "io_helpers.go"));
    assert_int_equal(b->frames[2].line, 66);
    assert_true(b->nstates && gmx_str_eq_cstr(b->states[0].status, "chan send"));
    assert_int_equal(b->wait_max, 49);
    assert_true(b->first_id == 0 || b->first_id == UINT64_MAX);
    assert_true(r.snap.info.read.repairs & GMX_REPAIR_HIDDEN_IDS);
    assert_true(r.snap.info.read.repairs & GMX_REPAIR_FRAMES);
    gmx_gsnapshot_release(&r.snap);

    /* The same thread's state histogram alone, its first line with a note
     * typed after it: one group per state, the note left out. */
    const char *hist = strstr(s, " 305 chan send");
    assert_non_null(hist);
    const char *end = strstr(hist, "```");
    assert_non_null(end);
    r = read_ok(hist, (size_t)(end - hist));
    assert_int_equal(gmx_gbuckets_total(r.snap.buckets), 353);
    assert_int_equal(gmx_gbuckets_count(r.snap.buckets), 2);
    bool sends = false;
    for (size_t i = 0; i < gmx_gbuckets_count(r.snap.buckets); i++) {
        b = gmx_gbuckets_at(r.snap.buckets, i);
        assert_int_equal(b->nstates, 1);
        if (gmx_str_eq_cstr(b->states[0].status, "chan send"))
            sends = b->count == 305;
    }
    assert_true(sends);
    assert_true(r.snap.info.read.repairs & GMX_REPAIR_NOTES);
    gmx_gsnapshot_release(&r.snap);

    /* A whole stack flattened onto one line (an issue's title) is no frame
     * written on one line: left out, not read as one frame. */
    const char *flat = "goroutine 7 [select]:\n"
                       "main.f() /src/a.go:12 +0xaa created by main.g /src/a.go:9 +0x1d\n";
    r = read_ok(flat, strlen(flat));
    assert_null(tu_bucket_with_func(r.snap.buckets, "main.f"));
    gmx_gsnapshot_release(&r.snap);

    /* A word where the number goes is prose, not a hidden number. */
    const char *prose = "goroutine leak [fixed]:\nmain.f()\n\t/a/b.go:1 +0x1\n";
    r = read_ok(prose, strlen(prose));
    assert_false(r.snap.info.read.repairs & GMX_REPAIR_HIDDEN_IDS);
    gmx_gsnapshot_release(&r.snap);
    free(s);
}

/* https://github.com/mediocregopher/radix/issues/327 (thessem's paste,
 * verbatim): goroutines as an IDE copies its call stacks, "Goroutine 87"
 * alone as the header and each frame "pkg.f (/path/file.go:12)". Read as
 * the runtime's frames with their files; the header's state unknown. The
 * IDE's "created at: pkg.g (/path/g.go:9)" is the creator. */
static void test_ide_call_stacks(void **state)
{
    (void)state;
    const char *s =
        "```\n"
        "  runtime.semacquire1 (/opt/homebrew/opt/go/libexec/src/runtime/sema.go:150)\n"
        "  sync.runtime_SemacquireMutex (/opt/homebrew/opt/go/libexec/src/runtime/sema.go:77)\n"
        "  sync.(*RWMutex).RLock (/opt/homebrew/opt/go/libexec/src/sync/rwmutex.go:71)\n"
        "  github.com/mediocregopher/radix/v4/internal/proc.(*Proc).WithRLock (<snip>/vendor/github.com/mediocregopher/radix/v4/internal/proc/proc.go:99)\n"
        "  github.com/mediocregopher/radix/v4.(*pool).useSharedConn (<snip>/vendor/github.com/mediocregopher/radix/v4/pool.go:411)\n"
        "  github.com/mediocregopher/radix/v4.(*pool).Do (<snip>/vendor/github.com/mediocregopher/radix/v4/pool.go:440)\n"
        "  <snip>.TestRadix.func2 (<snip>)\n"
        "  <snip>.TestRadix.func3 (<snip>)\n"
        "  runtime.goexit (/opt/homebrew/opt/go/libexec/src/runtime/asm_arm64.s:1165)\n"
        "  created at: <snip>.TestRadix (<snip>)\n"
        "\n"
        "Goroutine 87\n"
        "  runtime.gopark (/opt/homebrew/opt/go/libexec/src/runtime/proc.go:364)\n"
        "  runtime.goparkunlock (/opt/homebrew/opt/go/libexec/src/runtime/proc.go:369)\n"
        "  runtime.semacquire1 (/opt/homebrew/opt/go/libexec/src/runtime/sema.go:150)\n"
        "  sync.runtime_SemacquireMutex (/opt/homebrew/opt/go/libexec/src/runtime/sema.go:77)\n"
        "  sync.(*RWMutex).RLock (/opt/homebrew/opt/go/libexec/src/sync/rwmutex.go:71)\n"
        "  github.com/mediocregopher/radix/v4/internal/proc.(*Proc).WithRLock (<snip>/vendor/github.com/mediocregopher/radix/v4/internal/proc/proc.go:99)\n"
        "```\n";
    result r = read_ok(s, strlen(s));
    const gmx_gbucket *b = tu_bucket_with_func(r.snap.buckets, "runtime.gopark");
    assert_non_null(b);
    assert_int_equal(b->nframes, 6);
    assert_int_equal(b->first_id, 87);
    assert_true(gmx_str_eq_cstr(b->frames[0].file, "/opt/homebrew/opt/go/libexec/src/runtime/proc.go"));
    assert_int_equal(b->frames[0].line, 364);
    assert_int_equal(b->frames[5].line, 99);
    b = tu_bucket_with_func(r.snap.buckets, "github.com/mediocregopher/radix/v4.(*pool).Do");
    assert_non_null(b);
    assert_int_equal(b->frames[b->nframes - 1].line, 440);
    assert_true(r.snap.info.read.repairs & GMX_REPAIR_FRAMES);
    gmx_gsnapshot_release(&r.snap);

    const char *created = "Goroutine 12\n"
                          "  main.worker (/src/app/main.go:12)\n"
                          "  created at: main.main (/src/app/main.go:5)\n";
    r = read_ok(created, strlen(created));
    b = tu_bucket_with_func(r.snap.buckets, "main.worker");
    assert_non_null(b);
    assert_true(b->has_creator && gmx_str_eq_cstr(b->creator.func, "main.main"));
    assert_int_equal(b->creator.line, 5);
    gmx_gsnapshot_release(&r.snap);
}

/* https://github.com/syncthing/syncthing/issues/189 (calmh's paste,
 * verbatim): stacks headed by their count, "1 goroutines [semacquire, 4
 * minutes]:". Read as the count and the runtime's header: the state and
 * the minutes with the stack, not a stack without a header. */
static void test_counted_headers(void **state)
{
    (void)state;
    const char *s =
        "1 goroutines [semacquire, 4 minutes]:\n"
        "sync.runtime_Semacquire(0xc2091fa824)\n"
        "    /usr/local/go/src/pkg/runtime/sema.goc:199 +0x30\n"
        "sync.(*Mutex).Lock(0xc2091fa820)\n"
        "    /usr/local/go/src/pkg/sync/mutex.go:66 +0xd6\n"
        "github.com/calmh/syncthing/protocol.(*rawConnection).Index(0xc2091fa790, 0x47d970, 0x7, 0xc20df14000, 0x18bf, 0x18bf)\n"
        "    /Users/jb/src/github.com/calmh/syncthing/protocol/protocol.go:140 +0x58\n"
        "\n"
        "1 goroutines [chan receive]:\n"
        "github.com/calmh/syncthing/mc.func\xc2\xb7" "002()\n"
        "    /Users/jb/src/github.com/calmh/syncthing/mc/beacon.go:90 +0x96\n"
        "created by github.com/calmh/syncthing/mc.(*Beacon).run\n"
        "    /Users/jb/src/github.com/calmh/syncthing/mc/beacon.go:102 +0x6e9\n";
    const gmx_gbucket *b;
    result r = read_goroutines(s, 2, "sync.(*Mutex).Lock", &b);
    assert_true(b->nstates && gmx_str_eq_cstr(b->states[0].status, "semacquire"));
    assert_int_equal(b->wait_max, 4);
    assert_int_equal(b->nframes, 3);
    gmx_gsnapshot_release(&r.snap);

    /* The count is the stack's: "12 goroutines [select]:" is twelve. */
    const char *twelve = "12 goroutines [select]:\n"
                         "github.com/calmh/syncthing/mc.func\xc2\xb7" "002()\n"
                         "    /Users/jb/src/github.com/calmh/syncthing/mc/beacon.go:90 +0x96\n";
    r = read_goroutines(twelve, 12, "github.com/calmh/syncthing/mc.func\xc2\xb7" "002", &b);
    assert_int_equal(b->count, 12);
    gmx_gsnapshot_release(&r.snap);
}

/* https://github.com/syncthing/syncthing/issues/670 (verbatim): a dump
 * whose pointer receivers lost their '*' to Markdown's emphasis,
 * "sync.(_Mutex).Lock". Read as the runtime printed them, "(*Mutex)", so
 * the lock wait is known as one. */
static void test_receivers_taken_for_emphasis(void **state)
{
    (void)state;
    const char *s =
        "goroutine 88 [semacquire, 19 minutes]:\n"
        "sync.runtime_Semacquire(0xc08204e084)\n"
        "    c:/go/src/pkg/runtime/sema.goc:199 +0x37\n"
        "sync.(_Mutex).Lock(0xc08204e080)\n"
        "    c:/go/src/pkg/sync/mutex.go:66 +0xdd\n"
        "sync.(_RWMutex).Lock(0xc08204e080)\n"
        "    c:/go/src/pkg/sync/rwmutex.go:78 +0x39\n"
        "github.com/syncthing/syncthing/model.func\xc2\xb7" "015()\n"
        "    /home/jenkins/.jenkins/jobs/syncthing/workspace/src/github.com/syncthing/syncthing/model/util.go:19 +0x4d\n"
        "created by github.com/syncthing/syncthing/model.func\xc2\xb7" "017\n"
        "    /home/jenkins/.jenkins/jobs/syncthing/workspace/src/github.com/syncthing/syncthing/model/util.go:22 +0xbf\n";
    const gmx_gbucket *b;
    result r = read_goroutines(s, 1, "sync.(*RWMutex).Lock", &b);
    assert_true(gmx_str_eq_cstr(b->frames[1].func, "sync.(*Mutex).Lock"));
    assert_true(r.snap.info.read.repairs & GMX_REPAIR_EMPHASIS);
    gmx_gsnapshot_release(&r.snap);
}

/* Other programs' text with a stack's shape, as a folder given to diagnose
 * holds it (malformed on purpose: each is no goroutine): file lists whose
 * paths look like bare function names, a call cut at the line's end in
 * another language, valgrind massif's allocation tree (a name, then a C file
 * in parentheses), numbered prose and a C header's table of return codes
 * (uniq -c's shape). A bare stack of Go's own names is still read. */
static void test_other_programs_text(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "mozilla/ACCVRAIZ1.crt\nmozilla/AC_RAIZ_FNMT-RCM.crt\nmozilla/Actalis_Root_CA.crt\n",
        "application/index.cmd\napplication/index.obj\napplication/index.response\n",
        "com/foo/Hello.class\ncom/foo/NameProvider.class\n",
        "                self.library_dirs.append(\n                    os.path.join(\n"
        "                        sys.prefix, \"lib\", \"config\"))\n",
        "99.21% (9,000B) (heap allocation functions) malloc/new/new[], --alloc-fns, etc.\n"
        "->99.21% (9,000B) 0x804841A: main (example.c:20)\n",
        " 136059 Ctrl-navigation works in opposite direction in right-to-left text\n"
        " 729651 Crash in GtkFileChooserButton with appears-as-list\n",
        "      0   if not running on valgrind\n      1   success\n"
        "      2   [previously indicated unaligned arrays;  these are now allowed]\n",
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        result r = read_text(texts[i], strlen(texts[i]));
        if (r.rc != GMX_EFORMAT)
            fail_msg("text %zu read as goroutines", i);
        gmx_gsnapshot_release(&r.snap);
    }
    const gmx_gbucket *b;
    const char *stack = "sync.runtime_SemacquireMutex\nsync.(*Mutex).Lock\nmain.(*Clickhouse).GetNextServer\n";
    result r = read_goroutines(stack, 1, "main.(*Clickhouse).GetNextServer", &b);
    gmx_gsnapshot_release(&r.snap);
    assert_true(gmx_gx_bare_certain(gmx_str_cstr("net/http.setRequestCancel")));
    assert_true(gmx_gx_bare_certain(gmx_str_cstr("github.com/x/y.Run")));
    assert_true(gmx_gx_bare_certain(gmx_str_cstr("app/store.load.func2")));
    assert_true(gmx_gx_bare_certain(gmx_str_cstr("app/store.load.gowrap1")));
    assert_false(gmx_gx_bare_certain(gmx_str_cstr("github.com/x/y.")));
    assert_false(gmx_gx_bare_certain(gmx_str_cstr("github.com/x/y.git")));
    assert_false(gmx_gx_bare_certain(gmx_str_cstr("text/vnd.wap.wml")));
    assert_false(gmx_gx_bare_func_like(gmx_str_cstr("os.path.join(")));
}

static void test_nothing(void **state)
{
    (void)state;
    const char *s = "hello\nmain.(*T).run(0x1)\nthe goroutine count keeps rising\n";
    result r = read_text(s, strlen(s));
    assert_int_equal(r.rc, GMX_EFORMAT);
    assert_int_equal(r.err.line, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_glyphs),          cmocka_unit_test(test_no_indent),
        cmocka_unit_test(test_pager_crlf),      cmocka_unit_test(test_log_prefixes),
        cmocka_unit_test(test_logged_as_one_string),
        cmocka_unit_test(test_quoted_html),     cmocka_unit_test(test_wrapped),
        cmocka_unit_test(test_wrapped_terminals),
        cmocka_unit_test(test_laid_out_strict_grammar),
        cmocka_unit_test(test_sigquit_narrow_terminal),
        cmocka_unit_test(test_numbered_and_wrapped),
        cmocka_unit_test(test_wrap_rest_behind_a_pager),
        cmocka_unit_test(test_large_dump_line_ends),
        cmocka_unit_test(test_log_interleaved_and_folded),
        cmocka_unit_test(test_panicparse_long_fields),
        cmocka_unit_test(test_debug1_damage),   cmocka_unit_test(test_excerpts),
        cmocka_unit_test(test_leak_checkers),   cmocka_unit_test(test_headerless_stacks),
        cmocka_unit_test(test_redacted_and_cut), cmocka_unit_test(test_summaries),
        cmocka_unit_test(test_issue_threads),
        cmocka_unit_test(test_delve_list), cmocka_unit_test(test_panicparse_list), cmocka_unit_test(test_panicparse_lab_parity), cmocka_unit_test(test_grep_count),
        cmocka_unit_test(test_reflowed_report), cmocka_unit_test(test_markdown_links),
        cmocka_unit_test(test_deadlock_line_alone),   cmocka_unit_test(test_wrapped_headerless),
        cmocka_unit_test(test_instances_of),    cmocka_unit_test(test_prose_count),
        cmocka_unit_test(test_goleak_line_alone), cmocka_unit_test(test_goleak_fence_inside_report), cmocka_unit_test(test_uniq_creators_and_args),
        cmocka_unit_test(test_uniq_creator_and_closure), cmocka_unit_test(test_handmade_record_file),
        cmocka_unit_test(test_goc_file_lines),
        cmocka_unit_test(test_header_colon_lost), cmocka_unit_test(test_pieces_report_whole_lines),
        cmocka_unit_test(test_prefixed_pieces), cmocka_unit_test(test_wrapped_dump), cmocka_unit_test(test_large_profile_text),
        cmocka_unit_test(test_drawn_trees), cmocka_unit_test(test_grep_separators),
        cmocka_unit_test(test_named_prose_count), cmocka_unit_test(test_go_comment_markers),
        cmocka_unit_test(test_goleak_record_elided),
        cmocka_unit_test(test_debug1_frames_without_record_line),
        cmocka_unit_test(test_double_spaced_after_header),
        cmocka_unit_test(test_typed_notes),
        cmocka_unit_test(test_hidden_id_one_line_frames),
        cmocka_unit_test(test_ide_call_stacks),
        cmocka_unit_test(test_counted_headers),
        cmocka_unit_test(test_receivers_taken_for_emphasis),
        cmocka_unit_test(test_other_programs_text),
        cmocka_unit_test(test_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
