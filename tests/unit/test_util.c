/* util/: buffers, arena, cursor, numbers, hashing, interning, allocation seam. */
#include "testutil.h"
#include "gomemdx/output.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/cursor.h"
#include "util/fmt.h"
#include "util/goname.h"
#include "util/hash.h"
#include "util/intern.h"
#include "util/num.h"
#include "util/pipeline.h"
#include "util/regex.h"
#include "util/str.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void test_buf__appends_and_formats(void **state)
{
    (void)state;
    gmx_buf b;
    gmx_buf_init(&b, 0);
    assert_int_equal(gmx_buf_puts(&b, "goroutine "), 0);
    assert_int_equal(gmx_buf_printf(&b, "%d [%s]:", 42, "chan send"), 0);
    assert_string_equal(b.data, "goroutine 42 [chan send]:");
    assert_int_equal(b.len, strlen("goroutine 42 [chan send]:"));
    /* A long printf takes the slow path. */
    char big[1000];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(gmx_buf_printf(&b, "%s", big), 0);
    assert_int_equal(b.len, 25 + 999);
    size_t len;
    char *d = gmx_buf_detach(&b, &len);
    assert_int_equal(len, 25 + 999);
    assert_null(b.data);
    gmx_free(d);
}

static void test_buf__refuses_to_grow_past_its_maximum(void **state)
{
    (void)state;
    gmx_buf b;
    gmx_buf_init(&b, 16);
    assert_int_equal(gmx_buf_append(&b, "0123456789abcdef", 16), 0);
    assert_int_equal(gmx_buf_putc(&b, 'x'), -1);
    assert_true(b.failed);
    assert_int_equal(b.len, 16);
    /* Sticky: later small appends fail too, so a truncated result is never mistaken for whole. */
    assert_int_equal(gmx_buf_puts(&b, ""), -1);
    gmx_buf_release(&b);
}

/* Room for an index far past the end, not just one doubling's worth. */
static void test_alloc__array_reserve_reaches_any_index(void **state)
{
    (void)state;
    int *a = NULL;
    size_t cap = 0;
    assert_int_equal(gmx_array_reserve((void **)&a, &cap, 0, sizeof(*a)), 0);
    assert_true(cap >= 1);
    assert_int_equal(gmx_array_reserve((void **)&a, &cap, 1000, sizeof(*a)), 0);
    assert_true(cap > 1000);
    a[1000] = 7; /* ASan: in bounds */
    size_t before = cap;
    assert_int_equal(gmx_array_reserve((void **)&a, &cap, 999, sizeof(*a)), 0);
    assert_int_equal(cap, before);
    gmx_free(a);
}

/* Unanchored like Go's MatchString, on views that are not NUL-terminated,
 * empty, or longer than any fixed buffer. */
static void test_regex__matches_views(void **state)
{
    (void)state;
    regex_t re;
    char msg[128];
    assert_int_equal(gmx_regex_compile(&re, "main\\.[a-z]+$", msg, sizeof(msg)), 0);
    gmx_buf scratch;
    gmx_buf_init(&scratch, 0);
    const char *text = "x/main.handlerXYZ";
    assert_true(gmx_regex_match(&re, gmx_str_make(text, 14), &scratch));  /* "x/main.handler" */
    assert_false(gmx_regex_match(&re, gmx_str_cstr(text), &scratch));
    assert_false(gmx_regex_match(&re, gmx_str_make("", 0), &scratch));
    static char longname[3000];
    memset(longname, 'a', sizeof(longname) - 1);
    memcpy(longname + sizeof(longname) - 10, "main.tail", 9);
    assert_true(gmx_regex_match(&re, gmx_str_cstr(longname), &scratch));
    regfree(&re);
    assert_int_equal(gmx_regex_compile(&re, "^$", NULL, 0), 0);
    assert_true(gmx_regex_match(&re, gmx_str_make(NULL, 0), &scratch));
    regfree(&re);
    assert_true(gmx_regex_compile(&re, "(", msg, sizeof(msg)) != 0);
    assert_true(msg[0] != '\0');
    gmx_buf_release(&scratch);
}

/* Nested bounded repetitions are measured before the C library expands
 * them (((a{1,100}){1,100}){1,100} took 17 s and 1.2 GB); ordinary
 * patterns, brackets and escapes are not mistaken for them. */
static void test_regex__refuses_costly_repetitions(void **state)
{
    (void)state;
    regex_t re;
    char msg[128];
    static const char *const costly[] = {
        "((a{1,100}){1,100}){1,100}", "(a{1,255}){1,255}", "(.{0,200}){0,200}",
        "a{1001}", "((((x{10}){10}){10}){10})",
    };
    for (size_t i = 0; i < sizeof(costly) / sizeof(costly[0]); i++) {
        msg[0] = '\0';
        assert_int_not_equal(gmx_regex_compile(&re, costly[i], msg, sizeof(msg)), 0);
        assert_non_null(strstr(msg, "too costly"));
    }
    static const char *const fine[] = {
        "main\\.\\(\\*Server\\)\\.handle", "[{}]{2,3}x", "a{1000}", "(ab|cd){1,40}[0-9]{2}",
        "[[:alpha:]{]+", "\\{100000\\}", "^runtime\\.|^sync\\.", "x{5,}",
    };
    for (size_t i = 0; i < sizeof(fine) / sizeof(fine[0]); i++) {
        assert_int_equal(gmx_regex_compile(&re, fine[i], msg, sizeof(msg)), 0);
        regfree(&re);
    }
}

static char *slurp(const char *path)
{
    static char buf[256];
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static size_t entries(const char *dir)
{
    size_t n = 0;
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));)
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

/* Output files are replaced whole or not at all: a write that fails (here
 * past RLIMIT_FSIZE, in a child) leaves the old file and no temporary one;
 * /dev/null is written through and stays a device; a folder is refused. */
static void test_output__writes_whole_files_or_nothing(void **state)
{
    (void)state;
    char dir[] = "/tmp/gmx-output-XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/out.pb.gz", dir);
    gmx_error err = { 0 };
    assert_int_equal(gmx_output_write_file(path, "first", 5, &err), GMX_OK);
    assert_string_equal(slurp(path), "first");
    assert_int_equal(gmx_output_write_file(path, "second", 6, &err), GMX_OK);
    assert_string_equal(slurp(path), "second");
    assert_int_equal(entries(dir), 1);

    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit lim = { 3, 3 };
        setrlimit(RLIMIT_FSIZE, &lim);
        _exit(gmx_output_write_file(path, "a longer third", 14, &err) == GMX_EIO ? 0 : 1);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_string_equal(slurp(path), "second");
    assert_int_equal(entries(dir), 1);

    assert_int_equal(gmx_output_write_file("/dev/null", "x", 1, &err), GMX_OK);
    struct stat st;
    assert_int_equal(stat("/dev/null", &st), 0);
    assert_true(S_ISCHR(st.st_mode));
    assert_int_equal(gmx_output_write_file(dir, "x", 1, &err), GMX_EIO);
    assert_non_null(strstr(err.message, "not a file"));
    snprintf(path, sizeof(path), "%s/missing/out", dir);
    assert_int_equal(gmx_output_write_file(path, "x", 1, &err), GMX_EIO);
    snprintf(path, sizeof(path), "%s/out.pb.gz", dir);
    unlink(path);
    rmdir(dir);
}

/* Input text cannot act on a terminal: C0 controls but tab, DEL, C1
 * controls and bytes that are not UTF-8 come out as \xNN; printable
 * UTF-8 (CJK, emoji) passes as it is. */
static void test_buf__put_visible_escapes_controls_and_bad_utf8(void **state)
{
    (void)state;
    gmx_buf b;
    gmx_buf_init(&b, 0);
    const char in[] = "a\x1b[2J\tb\x7f\xc2\x9b\xe4\xb8\xad\xf0\x9f\x98\x80\xff\xc0\xaf\xe2\x82";
    assert_int_equal(gmx_buf_put_visible(&b, in, sizeof(in) - 1), 0);
    assert_string_equal(b.data, "a\\x1b[2J\tb\\x7f\\xc2\\x9b\xe4\xb8\xad\xf0\x9f\x98\x80"
                                "\\xff\\xc0\\xaf\\xe2\\x82");
    gmx_buf_release(&b);
}

static void test_arena__aligns_and_bounds(void **state)
{
    (void)state;
    gmx_arena a;
    gmx_arena_init(&a, 1 << 20);
    for (int i = 1; i < 100; i++) {
        void *p = gmx_arena_alloc(&a, (size_t)i);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 16, 0);
        memset(p, 0xab, (size_t)i);
    }
    void *big = gmx_arena_alloc(&a, 200000);
    assert_non_null(big);
    memset(big, 1, 200000);
    assert_null(gmx_arena_alloc(&a, 1 << 20)); /* over the maximum */
    char *s = gmx_arena_strndup(&a, "abc", 2);
    assert_string_equal(s, "ab");
    gmx_arena_release(&a);
}

static void test_cursor__splits_lines_crlf_and_last_line(void **state)
{
    (void)state;
    const char text[] = "one\r\ntwo\n\nthree";
    gmx_cursor c;
    gmx_cursor_init(&c, text, sizeof(text) - 1);
    gmx_str line;
    assert_true(gmx_cursor_next(&c, &line));
    assert_true(gmx_str_eq_cstr(line, "one"));
    assert_true(gmx_cursor_peek(&c, &line));
    assert_true(gmx_str_eq_cstr(line, "two"));
    assert_int_equal(c.line, 1);
    assert_true(gmx_cursor_next(&c, &line));
    assert_true(gmx_cursor_next(&c, &line));
    assert_int_equal(line.n, 0);
    assert_true(gmx_cursor_next(&c, &line));
    assert_true(gmx_str_eq_cstr(line, "three"));
    assert_int_equal(c.line, 4);
    assert_false(gmx_cursor_next(&c, &line));
}

static void test_num__parses_exactly_and_rejects_overflow(void **state)
{
    (void)state;
    uint64_t v;
    assert_true(gmx_parse_u64(gmx_str_cstr("18446744073709551615"), &v));
    assert_true(v == UINT64_MAX);
    assert_false(gmx_parse_u64(gmx_str_cstr("18446744073709551616"), &v));
    assert_false(gmx_parse_u64(gmx_str_cstr(""), &v));
    assert_false(gmx_parse_u64(gmx_str_cstr("12a"), &v));
    assert_true(gmx_parse_hex_u64(gmx_str_cstr("0xc000123ABC"), &v));
    assert_true(v == 0xc000123abcULL);
    assert_false(gmx_parse_hex_u64(gmx_str_cstr("0x"), &v));
    assert_false(gmx_parse_hex_u64(gmx_str_cstr("0x10000000000000000"), &v));
    assert_int_equal(gmx_scan_u64(gmx_str_cstr("12 minutes"), &v), 2);
    assert_true(v == 12);
}

static void test_num__signed_and_floating_point(void **state)
{
    (void)state;
    int64_t i;
    assert_true(gmx_parse_i64(gmx_str_cstr("-9223372036854775808"), &i));
    assert_true(i == INT64_MIN);
    assert_false(gmx_parse_i64(gmx_str_cstr("9223372036854775808"), &i));
    assert_true(gmx_parse_i64(gmx_str_cstr("+42"), &i) && i == 42);
    assert_false(gmx_parse_i64(gmx_str_cstr("-"), &i));
    double d;
    assert_true(gmx_parse_f64(gmx_str_cstr("8.38656e+06"), &d) && d == 8386560.0);
    assert_true(gmx_parse_f64(gmx_str_cstr("-0.25"), &d) && d == -0.25);
    assert_true(gmx_parse_f64(gmx_str_cstr("9.223372036854776e+18"), &d) && d == 9223372036854775808.0);
    assert_true(gmx_parse_f64(gmx_str_cstr("42"), &d) && d == 42.0);
    assert_true(gmx_parse_f64(gmx_str_cstr(".5"), &d) && d == 0.5);
    assert_false(gmx_parse_f64(gmx_str_cstr("0x10"), &d));
    assert_false(gmx_parse_f64(gmx_str_cstr("NaN"), &d));
    assert_false(gmx_parse_f64(gmx_str_cstr("1e"), &d));
    assert_false(gmx_parse_f64(gmx_str_cstr("1.5 "), &d));
    assert_false(gmx_parse_f64(gmx_str_cstr(""), &d));
}

static void test_hash__index_finds_every_colliding_value(void **state)
{
    (void)state;
    gmx_hindex ix;
    gmx_hindex_init(&ix);
    /* Same hash for all: the index must keep and return each of them. */
    for (uint32_t i = 0; i < 100; i++)
        assert_int_equal(gmx_hindex_insert(&ix, 7, i), 0);
    for (uint32_t i = 0; i < 1000; i++)
        assert_int_equal(gmx_hindex_insert(&ix, gmx_hash_bytes(&i, sizeof(i), 0), 1000 + i), 0);
    unsigned seen = 0;
    for (size_t s = gmx_hindex_first(&ix, 7); s != GMX_HINDEX_NONE; s = gmx_hindex_next(&ix, 7, s))
        seen++;
    assert_true(seen >= 100);
    uint32_t k = 500;
    uint64_t h = gmx_hash_bytes(&k, sizeof(k), 0);
    size_t s = gmx_hindex_first(&ix, h);
    assert_true(s != GMX_HINDEX_NONE);
    assert_int_equal(ix.values[s], 1500);
    assert_true(gmx_hash_bytes("abc", 3, 0) != gmx_hash_bytes("abd", 3, 0));
    assert_true(gmx_hash_bytes("abc", 3, 0) != gmx_hash_bytes("abc", 3, 1));
    gmx_hindex_release(&ix);
}

static void test_intern__returns_one_copy_per_string(void **state)
{
    (void)state;
    gmx_arena a;
    gmx_arena_init(&a, 0);
    gmx_interner in;
    gmx_interner_init(&in, &a);
    char tmp[] = "net/http.(*conn).serve";
    gmx_str x = gmx_intern(&in, gmx_str_cstr(tmp));
    tmp[0] = 'N'; /* the interned copy must not alias the input */
    gmx_str y = gmx_intern(&in, gmx_str_cstr("net/http.(*conn).serve"));
    assert_ptr_equal(x.p, y.p);
    assert_string_equal(x.p, "net/http.(*conn).serve");
    gmx_str e = gmx_intern(&in, (gmx_str){ NULL, 0 });
    assert_non_null(e.p);
    assert_int_equal(e.n, 0);
    gmx_interner_release(&in);
    gmx_arena_release(&a);
}

static void test_intern__same_address_other_string_is_another_copy(void **state)
{
    (void)state;
    gmx_arena a;
    gmx_arena_init(&a, 0);
    gmx_interner in;
    gmx_interner_init(&in, &a);
    char buf[] = "main.leak";
    gmx_str x = gmx_intern(&in, gmx_str_cstr(buf));
    memcpy(buf, "main.keep", 9); /* a reused input: same address, same length */
    gmx_str y = gmx_intern(&in, gmx_str_cstr(buf));
    assert_ptr_not_equal(x.p, y.p);
    assert_string_equal(x.p, "main.leak");
    assert_string_equal(y.p, "main.keep");
    gmx_interner_release(&in);
    gmx_arena_release(&a);
}

/* Interning many at once gives what interning one by one gives: the same
 * copy for equal strings, across the batch and with what came before. */
static void test_intern__many_at_once_equals_one_by_one(void **state)
{
    (void)state;
    gmx_arena a;
    gmx_arena_init(&a, 0);
    gmx_interner in;
    gmx_interner_init(&in, &a);
    enum { N = 300 };
    static char text[N][24];
    gmx_str src[N], dst[N];
    for (size_t i = 0; i < N; i++) {
        /* 40 distinct names, repeated; every fifth one empty. */
        snprintf(text[i], sizeof(text[i]), "main.f%zu", i % 40);
        src[i] = i % 5 == 4 ? (gmx_str){ NULL, 0 } : gmx_str_cstr(text[i]);
    }
    gmx_str before = gmx_intern(&in, gmx_str_cstr("main.f7"));
    assert_true(gmx_intern_many(&in, src, N, dst));
    for (size_t i = 0; i < N; i++) {
        gmx_str one = gmx_intern(&in, src[i]);
        assert_ptr_equal(dst[i].p, one.p);
        assert_int_equal(dst[i].n, src[i].n);
    }
    assert_ptr_equal(dst[7].p, before.p);
    assert_true(gmx_intern_many(&in, src, 0, dst));
    gmx_interner_release(&in);
    gmx_arena_release(&a);
}

static void test_str__natural_order_compares_numbers_as_numbers(void **state)
{
    (void)state;
    assert_true(gmx_natural_cmp("dump-9", "dump-10") < 0);
    assert_true(gmx_natural_cmp("dump-10", "dump-9") > 0);
    assert_true(gmx_natural_cmp("heap-2-t3", "heap-10-t1") < 0);
    assert_true(gmx_natural_cmp("a/dump-9.txt", "b/dump-1.txt") < 0);
    assert_true(gmx_natural_cmp("dump", "dump-1") < 0);
    assert_true(gmx_natural_cmp("dump-01", "dump-1") != 0); /* total: strcmp decides */
    assert_int_equal(gmx_natural_cmp("dump-7", "dump-7"), 0);
}

typedef struct pipeline_probe {
    size_t worked[64];
    size_t merged[64];
    size_t nmerged;
    size_t stop_at;
} pipeline_probe;

static void probe_work(void *ctx, size_t i)
{
    pipeline_probe *p = ctx;
    p->worked[i] = i * i;
}

static bool probe_merge(void *ctx, size_t i)
{
    pipeline_probe *p = ctx;
    p->merged[p->nmerged++] = p->worked[i] + i; /* worked before merged */
    return i != p->stop_at;
}

static void test_pipeline__merges_in_item_order_whatever_the_threads(void **state)
{
    (void)state;
    for (unsigned threads = 1; threads <= 4; threads++) {
        pipeline_probe probe = { .stop_at = SIZE_MAX };
        gmx_pipeline p = { .n = 64, .threads = threads, .work = probe_work,
                           .merge = probe_merge, .ctx = &probe };
        assert_true(gmx_pipeline_run(&p));
        assert_int_equal(probe.nmerged, 64);
        for (size_t i = 0; i < 64; i++)
            assert_int_equal(probe.merged[i], i * i + i);
        pipeline_probe stopped = { .stop_at = 10 };
        p.ctx = &stopped;
        assert_false(gmx_pipeline_run(&p));
        assert_int_equal(stopped.nmerged, 11);
    }
}

typedef struct worker_probe {
    unsigned worker_of[64];
    size_t merged;
} worker_probe;

static void probe_work_on(void *ctx, size_t i, unsigned worker)
{
    ((worker_probe *)ctx)->worker_of[i] = worker;
}

static bool probe_count(void *ctx, size_t i)
{
    (void)i;
    ((worker_probe *)ctx)->merged++;
    return true;
}

/* Each item is told a worker below gmx_pipeline_workers: a worker's own
 * buffers are indexed by it. */
static void test_pipeline__tells_each_item_its_worker(void **state)
{
    (void)state;
    for (unsigned threads = 1; threads <= 4; threads++) {
        worker_probe probe = { .merged = 0 };
        gmx_pipeline p = { .n = 64, .threads = threads, .work_on = probe_work_on,
                           .merge = probe_count, .ctx = &probe };
        assert_int_equal(gmx_pipeline_workers(&p), threads);
        assert_true(gmx_pipeline_run(&p));
        assert_int_equal(probe.merged, 64);
        for (size_t i = 0; i < 64; i++)
            assert_true(probe.worker_of[i] < threads);
    }
    gmx_pipeline few = { .n = 2, .threads = 8, .work_on = probe_work_on, .merge = probe_count };
    assert_int_equal(gmx_pipeline_workers(&few), 2);
    gmx_pipeline none = { .n = 0, .threads = 8, .work_on = probe_work_on, .merge = probe_count };
    assert_int_equal(gmx_pipeline_workers(&none), 1);
}

static void test_alloc__nth_allocation_fails_on_request(void **state)
{
    (void)state;
    gmx_alloc_fail_after(2, 0);
    void *a = gmx_malloc(8);
    void *b = gmx_malloc(8);
    void *c = gmx_malloc(8);
    assert_non_null(a);
    assert_null(b);
    assert_non_null(c);
    gmx_free(a);
    gmx_free(c);
    gmx_alloc_fail_after(0, 0);
    assert_null(gmx_mallocarray(SIZE_MAX / 2, 4)); /* overflow is refused, not wrapped */
}

static void test_fmt__formats_counts_and_bytes(void **state)
{
    (void)state;
    gmx_buf b;
    gmx_buf_init(&b, 0);
    gmx_fmt_count(&b, 1234567);
    gmx_buf_putc(&b, ' ');
    gmx_fmt_count(&b, 0);
    gmx_buf_putc(&b, ' ');
    gmx_fmt_delta(&b, -1204);
    gmx_buf_putc(&b, ' ');
    gmx_fmt_bytes(&b, 1536);
    gmx_buf_putc(&b, ' ');
    gmx_fmt_bytes(&b, 512);
    assert_string_equal(b.data, "1,234,567 0 -1,204 1.5 KiB 512 B");
    gmx_buf_release(&b);
    assert_string_equal(gmx_fmt_count_text(18446744073709551615ULL).s,
                        "18,446,744,073,709,551,615");
    assert_string_equal(gmx_fmt_count_text(999).s, "999");
}

/* One unit per magnitude, whatever the report: never "90 minutes" in one
 * place and "1.5 hours" in another. */
static void test_fmt__durations_by_magnitude(void **state)
{
    (void)state;
    gmx_buf b;
    gmx_buf_init(&b, 0);
    const double seconds[] = { 45, 90 * 60, 150 * 60, 3 * 86400 };
    for (size_t i = 0; i < 4; i++) {
        gmx_fmt_duration(&b, seconds[i], false);
        gmx_buf_putc(&b, '|');
    }
    gmx_fmt_duration(&b, 3 * 86400, true);
    assert_string_equal(b.data, "45 s|90 min|2.5 h|3.0 days|3.0 天");
    gmx_buf_release(&b);
}

/* A receiver in parentheses without its '*' is never printed by the
 * runtime: what a Markdown page leaves of "(*T)". */
static void test_goname__receivers_that_lost_their_star(void **state)
{
    (void)state;
    static const struct { const char *name; size_t at; } lost[] = {
        { "sync.(_Mutex).Lock", 5 }, { "sync.(Mutex).Lock", 5 },
        { "github.com/x/y.(_conn).readLoop.func1", 15 },
        { "main.f(0x1) main.(_T).g", 17 }, /* after the first '(' */
    };
    const char *printed[] = { "sync.(*Mutex).Lock", "main.T.m", "main.main.func1",
                              "main.(*Cache[...]).Get", "main.f(0x1)", "(" , "" };
    for (size_t i = 0; i < sizeof(lost) / sizeof(lost[0]); i++)
        assert_int_equal(gmx_goname_lost_star_at(gmx_str_cstr(lost[i].name)), lost[i].at);
    for (size_t i = 0; i < sizeof(printed) / sizeof(printed[0]); i++) {
        gmx_str s = gmx_str_cstr(printed[i]);
        assert_int_equal(gmx_goname_lost_star_at(s), s.n);
    }
}

/* Go's tracebacks print a generic function's type parameters as "[...]";
 * 1.21+ tables and proto profiles spell out the shapes. */
static void test_goname__type_parameters_print_as_the_traceback_does(void **state)
{
    (void)state;
    gmx_arena a;
    gmx_arena_init(&a, 0);
    const char *cases[][2] = {
        { "main.roundTrip[go.shape.struct { SKU string \"json:\\\"sku\\\"\"; Qty int }]", "main.roundTrip[...]" },
        { "main.(*Cache[go.shape.string,go.shape.interface {}]).Put", "main.(*Cache[...]).Put" },
        { "main.Gen[go.shape.[]int].func1", "main.Gen[...].func1" },
        { "main.roundTrip[...]", "main.roundTrip[...]" },
        { "main.main", "main.main" },
        { "type:.eq.[2]interface {}", "type:.eq.[2]interface {}" }, /* an array, not type parameters */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        gmx_str got = gmx_goname_for_print(&a, gmx_str_cstr(cases[i][0]));
        assert_true(gmx_str_eq_cstr(got, cases[i][1]));
    }
    /* a buffer too small: the length needed, and only what fits written */
    char small[8] = { 0 };
    assert_int_equal(gmx_goname_print(gmx_str_cstr("main.Gen[go.shape.int]"), small, 6), 13);
    assert_memory_equal(small, "main.G\0\0", 8);
    gmx_arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf__appends_and_formats),
        cmocka_unit_test(test_fmt__durations_by_magnitude),
        cmocka_unit_test(test_buf__refuses_to_grow_past_its_maximum),
        cmocka_unit_test(test_alloc__array_reserve_reaches_any_index),
        cmocka_unit_test(test_regex__matches_views),
        cmocka_unit_test(test_regex__refuses_costly_repetitions),
        cmocka_unit_test(test_output__writes_whole_files_or_nothing),
        cmocka_unit_test(test_buf__put_visible_escapes_controls_and_bad_utf8),
        cmocka_unit_test(test_arena__aligns_and_bounds),
        cmocka_unit_test(test_cursor__splits_lines_crlf_and_last_line),
        cmocka_unit_test(test_num__parses_exactly_and_rejects_overflow),
        cmocka_unit_test(test_num__signed_and_floating_point),
        cmocka_unit_test(test_hash__index_finds_every_colliding_value),
        cmocka_unit_test(test_intern__returns_one_copy_per_string),
        cmocka_unit_test(test_intern__same_address_other_string_is_another_copy),
        cmocka_unit_test(test_intern__many_at_once_equals_one_by_one),
        cmocka_unit_test(test_str__natural_order_compares_numbers_as_numbers),
        cmocka_unit_test(test_pipeline__merges_in_item_order_whatever_the_threads),
        cmocka_unit_test(test_pipeline__tells_each_item_its_worker),
        cmocka_unit_test(test_alloc__nth_allocation_fails_on_request),
        cmocka_unit_test(test_fmt__formats_counts_and_bytes),
        cmocka_unit_test(test_goname__type_parameters_print_as_the_traceback_does),
        cmocka_unit_test(test_goname__receivers_that_lost_their_star),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
