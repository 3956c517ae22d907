/* parse/gdump: the full goroutine dump parser. Inputs here are written from
 * the grammar of docs/formats.md §1 to cover variants no lab toolchain prints
 * (1.24 synctest groups, 1.26 bracket labels, ancestors, cgo frames, ...);
 * real captures are covered by test_lab.c. */
#include "testutil.h"
#include "parse/gdump_header.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct collected {
    gmx_goroutine g[16];
    gmx_frame frames[16][8];
    int n;
} collected;

static int collect(void *ctx, const gmx_goroutine *g)
{
    collected *c = ctx;
    if (c->n < 16) {
        c->g[c->n] = *g;
        for (uint32_t i = 0; i < g->nframes && i < 8; i++)
            c->frames[c->n][i] = g->frames[i];
        c->g[c->n].frames = c->frames[c->n];
        c->n++;
    }
    return 0;
}

static gmx_code parse(const char *text, collected *c, gmx_dump_info *info, gmx_error *err)
{
    memset(c, 0, sizeof(*c));
    return gmx_goroutine_dump_parse("t.txt", text, strlen(text), collect, c, info, err);
}

static void header(const char *line, gmx_goroutine *g)
{
    if (!gmx_gdump_parse_header(gmx_str_cstr(line), g))
        fail_msg("not parsed as a header: %s", line);
}

static void assert_str(gmx_str s, const char *want)
{
    if (!gmx_str_eq_cstr(s, want))
        fail_msg("got '%.*s', want '%s'", (int)s.n, s.p, want);
}

static void test_gdump__headers_of_every_version(void **state)
{
    (void)state;
    gmx_goroutine g;
    header("goroutine 1 [running]:", &g);
    assert_int_equal(g.id, 1);
    assert_str(g.status, "running");
    header("goroutine 33 [chan receive, locked to thread]:", &g);
    assert_str(g.status, "chan receive");
    assert_true(g.flags & GMX_G_LOCKED);
    header("goroutine 7 [select, 12 minutes]:", &g);
    assert_int_equal(g.wait_minutes, 12);
    header("goroutine 8 [chan send (leaked)]:", &g);
    assert_str(g.status, "chan send");
    assert_true(g.flags & GMX_G_LEAKED);
    header("goroutine 9 [chan receive (scan), 3 minutes]:", &g);
    assert_str(g.status, "chan receive");
    assert_true(g.flags & GMX_G_SCAN);
    assert_int_equal(g.wait_minutes, 3);
    header("goroutine 25 [sync.WaitGroup.Wait (durable), synctest bubble 1]:", &g);
    assert_str(g.status, "sync.WaitGroup.Wait");
    assert_true(g.flags & GMX_G_DURABLE);
    assert_int_equal(g.bubble, 1);
    header("goroutine 26 [chan receive (synctest), synctest group 21]:", &g); /* 1.24 */
    assert_str(g.status, "chan receive");
    assert_true(g.flags & GMX_G_DURABLE);
    assert_int_equal(g.bubble, 21);
    header("goroutine 4 [chan receive (nil chan)]:", &g);
    assert_str(g.status, "chan receive (nil chan)");
    header("goroutine 2 gp=0x2ce867c48d20 m=nil [force gc (idle)]:", &g);
    assert_int_equal(g.id, 2);
    assert_str(g.status, "force gc (idle)");
    header("goroutine 0 gp=0x57a4c0 m=0 mp=0x57b280 [idle]:", &g);
    assert_int_equal(g.id, 0);
    header("goroutine 39 [chan receive] {\"tenant id\": \"a b\", worker: ingest}:", &g); /* 1.27 */
    assert_str(g.status, "chan receive");
    assert_str(g.labels, "{\"tenant id\": \"a b\", worker: ingest}");
    header("goroutine 40 [select, 2 minutes labels:{\"k]\": \"v, w\"}]:", &g); /* 1.26 */
    assert_str(g.status, "select");
    assert_int_equal(g.wait_minutes, 2);
    assert_str(g.labels, "{\"k]\": \"v, w\"}");
    header("goroutine 41 [GOMAXPROCS updater (idle), 1 minutes]:", &g);
    assert_str(g.status, "GOMAXPROCS updater (idle)");
    assert_int_equal(g.wait_minutes, 1);
}

static void test_gdump__rejects_lines_that_only_look_like_headers(void **state)
{
    (void)state;
    gmx_goroutine g;
    const char *bad[] = {
        "goroutine 1 [running]",        /* no colon */
        "goroutine x [running]:",       /* no id */
        "goroutine 1 []:",              /* empty status */
        "goroutine 1 running:",         /* no bracket */
        "goroutine 1 [running] junk:",  /* junk after bracket */
        "goroutine 18446744073709551616 [running]:", /* id overflows */
        "the goroutine 1 [running]:",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (gmx_gdump_parse_header(gmx_str_cstr(bad[i]), &g))
            fail_msg("parsed a non-header: %s", bad[i]);
}

static void test_gdump__frames_creator_and_offsets(void **state)
{
    (void)state;
    const char *text =
        "goroutine 18 [chan send, 4 minutes]:\n"
        "main.(*Stack[...]).Pop(0x0?, {0x1, 0x2})\n"
        "\t/go/src/orders/main.go:27 +0x18\n"
        "sync.(*Mutex).Lock(...)\n"
        "\t/usr/lib/go-1.27/src/sync/mutex.go:46\n"
        "panic({0x663bc8?, 0x6873c0?})\n"
        "\t/usr/lib/go-1.27/src/runtime/panic.go:878 +0x159 fp=0x2ce867c95d50 sp=0x2ce867c95ca8 pc=0x486999\n"
        "created by main.main in goroutine 1\n"
        "\t/go/src/orders/main.go:40 +0x65\n";
    collected c;
    gmx_dump_info info;
    gmx_error err;
    assert_int_equal(parse(text, &c, &info, &err), GMX_OK);
    assert_int_equal(c.n, 1);
    gmx_goroutine *g = &c.g[0];
    assert_int_equal(g->nframes, 3);
    assert_str(g->frames[0].func, "main.(*Stack[...]).Pop");
    assert_str(g->frames[0].file, "/go/src/orders/main.go");
    assert_int_equal(g->frames[0].line, 27);
    assert_str(g->frames[1].func, "sync.(*Mutex).Lock");
    assert_int_equal(g->frames[1].line, 46);
    assert_str(g->frames[2].func, "panic");
    assert_int_equal(g->frames[2].line, 878);
    assert_true(g->has_creator);
    assert_str(g->creator.func, "main.main");
    assert_int_equal(g->creator.line, 40);
    assert_int_equal(g->creator_id, 1);
    assert_false(info.partial);
}

static void test_gdump__old_creator_elision_ancestors_cgo(void **state)
{
    (void)state;
    const char *text =
        "goroutine 5 [select]:\n"
        "main.loop()\n"
        "\t/app/main.go:10 +0x1\n"
        "...additional frames elided...\n"
        "created by main.main\n"                      /* <= 1.20 */
        "\t/app/main.go:39 +0x128\n"
        "[originating from goroutine 1]:\n"
        "main.main(...)\n"
        "\t/app/main.go:39\n"
        "\n"
        "goroutine 6 [syscall]:\n"
        "non-Go function at pc=0x7f1234\n"
        "runtime.cgocall(0x1, 0x2)\n"
        "\t/usr/lib/go-1.19/src/runtime/cgocall.go:158 +0x5c\n"
        "...12 frames elided...\n"
        "main.outer()\n"
        "\t/app/main.go:99 +0x5\n"
        "created by main.start in goroutine 5\n"
        "\t/app/main.go:20 +0x2\n";
    collected c;
    gmx_error err;
    assert_int_equal(parse(text, &c, NULL, &err), GMX_OK);
    assert_int_equal(c.n, 2);
    assert_int_equal(c.g[0].nframes, 1); /* ancestor frames are not this goroutine's */
    assert_true(c.g[0].flags & GMX_G_ELIDED);
    assert_str(c.g[0].creator.func, "main.main");
    assert_int_equal(c.g[0].creator_id, 0);
    assert_int_equal(c.g[1].nframes, 3);
    assert_str(c.g[1].frames[0].func, "non-Go function at pc=0x7f1234");
    assert_str(c.g[1].frames[2].func, "main.outer");
    assert_true(c.g[1].flags & GMX_G_ELIDED);
}

static void test_gdump__panic_log_with_service_lines_and_crlf(void **state)
{
    (void)state;
    const char *text =
        "2026/11/26 10:00:01 listening on 127.0.0.1:8080\r\n"
        "2026/11/26 10:00:02 reloading config\r\n"
        "panic: assignment to entry in nil map\r\n"
        "\r\n"
        "goroutine 7 [running]:\r\n"
        "main.reload()\r\n"
        "\t/app/main.go:77 +0x1d\r\n"
        "created by main.main in goroutine 1\r\n"
        "\t/app/main.go:12 +0x2\r\n"
        "\r\n"
        "goroutine 1 [IO wait]:\r\n"
        "internal/poll.runtime_pollWait(0x7f, 0x72)\r\n"
        "\t/usr/lib/go-1.27/src/runtime/netpoll.go:351 +0x85\r\n"
        "exit status 2\r\n";
    collected c;
    gmx_dump_info info;
    gmx_error err;
    assert_int_equal(parse(text, &c, &info, &err), GMX_OK);
    assert_int_equal(info.kind, GMX_DUMP_PANIC);
    assert_str(info.message, "assignment to entry in nil map");
    assert_int_equal(c.n, 2);
    assert_str(c.g[0].frames[0].file, "/app/main.go");
    assert_int_equal(c.g[0].frames[0].line, 77);
    assert_int_equal(c.g[1].nframes, 1);
    assert_true(info.skipped_lines >= 3);
}

static void test_gdump__sigquit_with_registers(void **state)
{
    (void)state;
    const char *text =
        "SIGQUIT: quit\n"
        "PC=0x40d96e m=0 sigcode=0\n"
        "\n"
        "goroutine 0 gp=0x57a4c0 m=0 mp=0x57b280 [idle]:\n"
        "runtime.futex(0x57b3c0, 0x80, 0x0, 0x0, 0x0, 0x0)\n"
        "\t/usr/lib/go-1.27/src/runtime/sys_linux_amd64.s:557 +0x21 fp=0x7ffd sp=0x7ffc pc=0x40d96e\n"
        "\n"
        "goroutine 1 gp=0xc000002380 m=nil [chan receive]:\n"
        "main.main()\n"
        "\t/app/main.go:9 +0x25 fp=0xc0000 sp=0xc0001 pc=0x4a\n"
        "\n"
        "rax    0xfffffffffffffffc\n"
        "rip    0x40d96e\n"
        "rflags 0x246\n";
    collected c;
    gmx_dump_info info;
    gmx_error err;
    assert_int_equal(parse(text, &c, &info, &err), GMX_OK);
    assert_int_equal(info.kind, GMX_DUMP_SIGNAL);
    assert_str(info.message, "SIGQUIT: quit");
    /* The thread's system stack is read past, counted apart. */
    assert_int_equal(c.n, 1);
    assert_int_equal(info.goroutines, 1);
    assert_int_equal(info.threads, 1);
    assert_int_equal(c.g[0].id, 1);
    assert_str(c.g[0].frames[0].file, "/app/main.go");
    assert_str(c.g[0].status, "chan receive");
    assert_false(info.partial);
}

static void test_gdump__strips_log_prefixes(void **state)
{
    (void)state;
    const char *text =
        "Nov 26 10:00:01 host orders[412]: starting\n"
        "Nov 26 10:00:09 host orders[412]: goroutine 12 [chan send, 2 minutes]:\n"
        "Nov 26 10:00:09 host orders[412]: main.quote(0xc000)\n"
        "Nov 26 10:00:09 host orders[412]: \t/go/src/orders/main.go:57 +0x2a\n"
        "Nov 26 10:00:09 host orders[412]: created by main.serve in goroutine 9\n"
        "Nov 26 10:00:09 host orders[412]: \t/go/src/orders/main.go:44 +0x11\n"
        "Nov 26 10:00:09 host orders[412]: \n"
        "Nov 26 10:00:10 host orders[412]: goroutine 13 [chan send, 2 minutes]:\n"
        "Nov 26 10:00:10 host orders[412]: main.quote(0xc001)\n"
        "Nov 26 10:00:10 host orders[412]: \t/go/src/orders/main.go:57 +0x2a\n";
    collected c;
    gmx_dump_info info;
    gmx_error err;
    assert_int_equal(parse(text, &c, &info, &err), GMX_OK);
    assert_int_equal(c.n, 2);
    assert_true(info.prefix_len > 0);
    assert_str(c.g[0].frames[0].func, "main.quote");
    assert_int_equal(c.g[0].frames[0].line, 57);
    assert_str(c.g[0].creator.func, "main.serve");
    assert_int_equal(c.g[1].id, 13);
    assert_true(info.partial); /* goroutine 13 has no creator and the input ends */
}

/* goleak's failure message inside `go test` output (written from goleak's
 * Stack.String: no runtime header, entries joined by spaces in "[...]",
 * indented by the testing package). */
static void test_gdump__goleak_report_in_test_output(void **state)
{
    (void)state;
    const char *text =
        "=== RUN   TestCheckout\n"
        "    checkout_test.go:31: found unexpected goroutines:\n"
        "        [Goroutine 21 in state chan receive, 2 minutes, with main.(*cart).watch on top of the stack:\n"
        "        main.(*cart).watch(0xc000012345)\n"
        "        \t/go/src/shop/cart.go:88 +0x25\n"
        "        created by main.newCart in goroutine 20\n"
        "        \t/go/src/shop/cart.go:40 +0x6e\n"
        "        \n"
        "         Goroutine 22 in state select, with main.(*cart).expire on top of the stack:\n"
        "        main.(*cart).expire()\n"
        "        \t/go/src/shop/cart.go:97 +0x1\n"
        "        created by main.newCart in goroutine 20\n"
        "        \t/go/src/shop/cart.go:41 +0x2\n"
        "        ]\n"
        "--- FAIL: TestCheckout (0.45s)\n";
    collected c;
    gmx_dump_info info;
    gmx_error err;
    assert_int_equal(parse(text, &c, &info, &err), GMX_OK);
    assert_int_equal(c.n, 2);
    assert_int_equal(c.g[0].id, 21);
    assert_str(c.g[0].status, "chan receive");
    assert_int_equal(c.g[0].wait_minutes, 2);
    assert_str(c.g[0].frames[0].func, "main.(*cart).watch");
    assert_int_equal(c.g[0].frames[0].line, 88);
    assert_str(c.g[0].creator.func, "main.newCart");
    assert_int_equal(c.g[1].id, 22);
    assert_str(c.g[1].status, "select");
    assert_int_equal(c.g[1].frames[0].line, 97);
    assert_false(info.partial);
}

/* goleak 1.1+ prints its "[Goroutine N in state S, with F on top of the
 * stack:" line and then the runtime's own "goroutine N [S]:" and frames:
 * one goroutine, flagged as listed by the checker. Verbatim from
 * IBM/sarama#2208 (testdata/realworld/IBM-sarama-2208). */
static void test_gdump__goleak_with_the_runtime_header_is_one_goroutine(void **state)
{
    (void)state;
    size_t len;
    char *text = tu_read_fixture("testdata/realworld/IBM-sarama-2208/artifact.txt", &len);
    assert_non_null(text);
    collected c;
    gmx_dump_info info;
    gmx_error err;
    assert_int_equal(parse(text, &c, &info, &err), GMX_OK);
    assert_int_equal(c.n, 2);
    assert_int_equal(info.goroutines, 2);
    assert_int_equal(info.kind, GMX_DUMP_LEAK_CHECK);
    for (size_t i = 0; i < 2; i++) {
        assert_true(c.g[i].flags & GMX_G_REPORTED);
        assert_true(c.g[i].nframes >= 2);
    }
    assert_int_equal(c.g[0].id, 54);
    assert_str(c.g[0].frames[0].func, "github.com/Shopify/sarama.(*brokerProducer).run");
    assert_int_equal(c.g[1].id, 55);
    assert_str(c.g[1].status, "chan receive");
    free(text);
}

static void test_gdump__cut_off_dump_is_partial(void **state)
{
    (void)state;
    const char *text =
        "goroutine 1 [running]:\n"
        "main.main()\n"
        "\t/app/main.go:9 +0x25\n"
        "\n"
        "goroutine 2 [chan send]:\n"
        "main.work(0xc0";
    collected c;
    gmx_dump_info info;
    gmx_error err;
    assert_int_equal(parse(text, &c, &info, &err), GMX_OK);
    assert_true(info.partial);
    assert_int_equal(c.n, 2);
    assert_true(c.g[1].flags & GMX_G_CUT);
    assert_false(c.g[0].flags & GMX_G_CUT);
}

static void test_gdump__no_goroutine_is_an_error_with_position(void **state)
{
    (void)state;
    collected c;
    gmx_error err;
    assert_int_equal(parse("hello\nworld\n", &c, NULL, &err), GMX_EFORMAT);
    assert_string_equal(err.source, "t.txt");
    assert_true(err.line >= 1);
    assert_non_null(strstr(err.message, "no goroutine"));
    assert_int_equal(parse("", &c, NULL, &err), GMX_EFORMAT);
}

static void test_gdump__keeps_frames_bounded(void **state)
{
    (void)state;
    size_t depth = GMX_MAX_FRAMES + 50;
    size_t cap = 64 + depth * 40;
    char *text = malloc(cap);
    size_t n = (size_t)snprintf(text, cap, "goroutine 9 [select]:\n");
    for (size_t i = 0; i < depth; i++)
        n += (size_t)snprintf(text + n, cap - n, "main.f%zu()\n\t/a.go:%zu +0x1\n", i, i + 1);
    gmx_gbuckets *set = gmx_gbuckets_new(NULL);
    gmx_dump_info info;
    gmx_error err;
    assert_int_equal(gmx_goroutine_dump_parse("deep", text, n, gmx_gbuckets_add, set, &info, &err), GMX_OK);
    assert_int_equal(gmx_gbuckets_finish(set), GMX_OK);
    const gmx_gbucket *b = gmx_gbuckets_at(set, 0);
    assert_int_equal(b->nframes, GMX_MAX_FRAMES);
    assert_true(b->flags & GMX_G_TRUNCATED);
    assert_int_equal(b->frames[GMX_MAX_FRAMES - 1].line, GMX_MAX_FRAMES);
    gmx_gbuckets_free(set);
    free(text);
}

/* Real GOTRACEBACK=crash tracebacks (testdata/lab/crash/capture.sh): the
 * per-thread "goroutine 0 [idle]:" system stacks are counted as threads,
 * never handed out or counted as goroutines; the counts equal crash.tsv's,
 * which grep took from the headers. */
typedef struct counted {
    uint64_t goroutines, zero_ids;
} counted;

static int count_goroutine(void *ctx, const gmx_goroutine *g)
{
    counted *c = ctx;
    c->goroutines += g->count;
    c->zero_ids += g->id == 0;
    return 0;
}

static void test_gdump__crash_traceback_threads_are_not_goroutines(void **state)
{
    (void)state;
    static const char *const versions[] = { "go1.19", "go1.27" };
    for (size_t v = 0; v < sizeof(versions) / sizeof(versions[0]); v++) {
        char path[128];
        size_t len, tsv_len;
        snprintf(path, sizeof(path), "testdata/lab/captures/%s/notifier/crash.tsv", versions[v]);
        char *tsv = tu_read_fixture(path, &tsv_len);
        snprintf(path, sizeof(path), "testdata/lab/captures/%s/notifier/crash.txt", versions[v]);
        char *text = tu_read_fixture(path, &len);
        assert_non_null(tsv);
        assert_non_null(text);
        unsigned long long want_g = 0, want_t = 0;
        assert_int_equal(sscanf(strchr(tsv, '\n') + 1, "%llu\t%llu", &want_g, &want_t), 2);
        assert_true(want_t > 0);
        counted c = { 0, 0 };
        gmx_dump_info info;
        gmx_error err;
        assert_int_equal(gmx_goroutine_dump_parse(path, text, len, count_goroutine, &c, &info, &err), GMX_OK);
        assert_int_equal(info.kind, GMX_DUMP_SIGNAL);
        assert_int_equal(info.goroutines, want_g);
        assert_int_equal(info.threads, want_t);
        assert_int_equal(c.goroutines, want_g);
        assert_int_equal(c.zero_ids, 0);
        free(tsv);
        free(text);
    }
}

static void test_gdump__sniff(void **state)
{
    (void)state;
    const char *dump = "some log\npanic: boom\n\ngoroutine 1 [running]:\nmain.main()\n";
    assert_true(gmx_goroutine_dump_sniff(dump, strlen(dump)));
    const char *prof = "goroutine profile: total 3\n3 @ 0x1 0x2\n";
    assert_false(gmx_goroutine_dump_sniff(prof, strlen(prof)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gdump__headers_of_every_version),
        cmocka_unit_test(test_gdump__rejects_lines_that_only_look_like_headers),
        cmocka_unit_test(test_gdump__frames_creator_and_offsets),
        cmocka_unit_test(test_gdump__old_creator_elision_ancestors_cgo),
        cmocka_unit_test(test_gdump__panic_log_with_service_lines_and_crlf),
        cmocka_unit_test(test_gdump__sigquit_with_registers),
        cmocka_unit_test(test_gdump__strips_log_prefixes),
        cmocka_unit_test(test_gdump__goleak_report_in_test_output),
        cmocka_unit_test(test_gdump__goleak_with_the_runtime_header_is_one_goroutine),
        cmocka_unit_test(test_gdump__cut_off_dump_is_partial),
        cmocka_unit_test(test_gdump__no_goroutine_is_an_error_with_position),
        cmocka_unit_test(test_gdump__keeps_frames_bounded),
        cmocka_unit_test(test_gdump__crash_traceback_threads_are_not_goroutines),
        cmocka_unit_test(test_gdump__sniff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
