/* analyze/goroutines: ranking, growth over time, surges, deadlocks, and the
 * renderers' view of the result. Dumps are written from the grammar. */
#include "testutil.h"
#include "analyze/frames.h"
#include "analyze/gtesthang.h"
#include "analyze/gwaitees.h"
#include "gomemdx/analyze.h"
#include "gomemdx/report.h"
#include "gomemdx/ingest.h"
#include "gomemdx/input.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A dump with `leak` goroutines blocked in a chan send at main.go:44,
 * `busy` ones sleeping in a fan-out worker, one idle keep-alive read, and
 * the main goroutine a whole dump from a signal always holds. Leaked and
 * busy goroutines were started one request at a time: their ids are spread
 * among those of the requests' own goroutines. */
static char *make_dump(int leak, int busy, const char *prelude)
{
    size_t cap = 4096 + (size_t)(leak + busy) * 256;
    char *s = malloc(cap);
    size_t n = (size_t)snprintf(s, cap, "%s", prelude);
    int id = 100;
    n += (size_t)snprintf(s + n, cap - n,
                          "goroutine 1 [IO wait, 30 minutes]:\n"
                          "internal/poll.runtime_pollWait(0x7f, 0x72)\n"
                          "\t/usr/lib/go-1.27/src/runtime/netpoll.go:351 +0x85\n"
                          "net.(*TCPListener).Accept(0xc0001)\n\t/usr/lib/go-1.27/src/net/tcpsock.go:380 +0x30\n"
                          "net/http.(*Server).Serve(0xc0002, {0x9, 0xc0001})\n"
                          "\t/usr/lib/go-1.27/src/net/http/server.go:3424 +0x30c\n"
                          "main.main()\n\t/go/src/svc/main.go:20 +0x1d\n\n");
    for (int i = 0; i < leak; i++)
        n += (size_t)snprintf(s + n, cap - n,
                              "goroutine %d [chan send, %d minutes]:\n"
                              "main.(*svc).publish(0xc%05d)\n\t/go/src/svc/main.go:44 +0x2a\n"
                              "created by main.(*svc).handle in goroutine 9\n\t/go/src/svc/main.go:54 +0x11\n\n",
                              id += 3, i % 5, i);
    for (int i = 0; i < busy; i++)
        n += (size_t)snprintf(s + n, cap - n,
                              "goroutine %d [sleep]:\n"
                              "time.Sleep(0x3b9aca00)\n\t/usr/lib/go-1.27/src/runtime/time.go:363 +0x165\n"
                              "main.deliver(0x1)\n\t/go/src/svc/main.go:80 +0x2a\n"
                              "created by main.fanOut in goroutine 9\n\t/go/src/svc/main.go:95 +0x11\n\n",
                              id += 3);
    snprintf(s + n, cap - n,
             "goroutine %d [IO wait]:\n"
             "internal/poll.runtime_pollWait(0x7f, 0x72)\n\t/usr/lib/go-1.27/src/runtime/netpoll.go:351 +0x85\n"
             "net/http.(*connReader).backgroundRead(0xc000a)\n\t/usr/lib/go-1.27/src/net/http/server.go:690 +0x37\n"
             "created by net/http.(*connReader).startBackgroundRead in goroutine 9\n"
             "\t/usr/lib/go-1.27/src/net/http/server.go:686 +0xb6\n",
             id);
    return s;
}

static gmx_gsnapshot snapshot(int leak, int busy, const char *prelude)
{
    char *text = make_dump(leak, busy, prelude);
    gmx_gsnapshot s = { .name = "dump" };
    s.buckets = tu_buckets(text, &s.info);
    s.info.message = (gmx_str){ NULL, 0 }; /* views into text die with it */
    if (strstr(prelude, "deadlock"))
        s.info.message = gmx_str_cstr("all goroutines are asleep - deadlock!");
    free(text);
    return s;
}

static gmx_findings *analyse(gmx_gsnapshot *snaps, size_t n, bool all)
{
    gmx_findings *f = gmx_findings_new();
    gmx_goroutine_options opts = { .include_healthy = all };
    gmx_error err;
    assert_int_equal(gmx_analyze_goroutines(snaps, n, &opts, f, &err), GMX_OK);
    return f;
}

static void release(gmx_gsnapshot *snaps, size_t n)
{
    for (size_t i = 0; i < n; i++)
        gmx_gbuckets_free(snaps[i].buckets);
}

/* A function name of 70 KB (hostile or generated code) is cut in the
 * finding's title with an ellipsis; it once failed as "out of memory". */
static void test_goroutines__huge_names_are_cut_not_failed(void **state)
{
    (void)state;
    size_t n = 70000;
    char *text = malloc(n + 200);
    assert_non_null(text);
    int k = sprintf(text, "goroutine 1 [chan receive]:\nmain.");
    memset(text + k, 'x', n);
    sprintf(text + k + n, "()\n\t/app/main.go:10 +0x1d\n");
    gmx_gsnapshot s = { .name = "dump" };
    s.buckets = tu_buckets(text, &s.info);
    free(text);
    gmx_findings *f = analyse(&s, 1, false);
    assert_int_equal(gmx_findings_count(f), 1);
    gmx_str title = gmx_findings_at(f, 0)->title;
    assert_true(title.n > 60000 && title.n <= (1 << 16) + 3);
    assert_memory_equal(title.p + title.n - 3, "\xe2\x80\xa6", 3);
    gmx_findings_free(f);
    release(&s, 1);
}

/* A goroutine's pprof labels (Go 1.27's header syntax, bare and quoted)
 * reach the JSON as an object of keys and values, not as Go's text. */
static void test_goroutines__labels_are_an_object_in_json(void **state)
{
    (void)state;
    const char *text = "goroutine 7 [chan receive, 12 minutes] {tenant: \"acme corp\", worker: ingest}:\n"
                       "main.(*worker).run(0xc000010000)\n\t/app/main.go:40 +0x45\n"
                       "created by main.main in goroutine 1\n\t/app/main.go:20 +0x1d\n";
    gmx_gsnapshot s = { .name = "dump" };
    s.buckets = tu_buckets(text, &s.info);
    gmx_findings *f = analyse(&s, 1, true);
    char *json = NULL;
    size_t len = 0;
    gmx_error err;
    gmx_render_options ropts = { 0 };
    assert_int_equal(gmx_render_json(f, &ropts, &json, &len, &err), GMX_OK);
    const char *labels = strstr(json, "\"labels\": {");
    assert_non_null(labels);
    assert_non_null(strstr(labels, "\"tenant\": \"acme corp\""));
    assert_non_null(strstr(labels, "\"worker\": \"ingest\""));
    assert_null(strstr(json, "{tenant:"));
    gmx_render_free(json);
    gmx_findings_free(f);
    release(&s, 1);
}

static void test_goroutines__leak_ranks_first_with_site_creator_and_advice(void **state)
{
    (void)state;
    gmx_gsnapshot s = snapshot(120, 3, "");
    gmx_findings *f = analyse(&s, 1, false);
    const gmx_finding *top = gmx_findings_at(f, 0);
    assert_int_equal(top->rank, 1);
    assert_int_equal(top->category, GMX_CAT_CHAN_SEND_BLOCKED);
    assert_int_equal(top->severity, GMX_SEV_WARNING);
    assert_int_equal(top->goroutines, 120);
    assert_true(gmx_str_eq_cstr(top->site.function, "main.(*svc).publish"));
    assert_int_equal(top->site.line, 44);
    assert_true(gmx_str_eq_cstr(top->created_by.function, "main.(*svc).handle"));
    assert_non_null(strstr(top->advice, "buffer of one"));
    /* The idle keep-alive read is healthy and left out without --all. */
    for (size_t i = 0; i < gmx_findings_count(f); i++)
        assert_null(gmx_findings_at(f, i)->healthy);
    assert_true(gmx_findings_omitted(f) >= 1);
    gmx_findings_free(f);
    release(&s, 1);
}

static void test_goroutines__small_blocked_bucket_is_only_info(void **state)
{
    (void)state;
    gmx_gsnapshot s = snapshot(3, 0, "");
    gmx_findings *f = analyse(&s, 1, false);
    assert_int_equal(gmx_findings_at(f, 0)->severity, GMX_SEV_INFO);
    gmx_findings_free(f);
    release(&s, 1);
}

static void test_goroutines__growth_over_time_is_a_warning_and_summarised(void **state)
{
    (void)state;
    gmx_gsnapshot s[3] = { snapshot(5, 0, ""), snapshot(20, 0, ""), snapshot(40, 0, "") };
    gmx_findings *f = analyse(s, 3, false);
    const gmx_finding *top = gmx_findings_at(f, 0);
    assert_int_equal(top->category, GMX_CAT_CHAN_SEND_BLOCKED);
    assert_int_equal(top->severity, GMX_SEV_WARNING); /* 40 alone would be info */
    assert_int_equal(top->nseries, 3);
    assert_int_equal(top->series[0], 5);
    assert_int_equal(top->series[2], 40);
    gmx_str sum = gmx_findings_summary(f);
    assert_non_null(strstr(sum.p, "goroutines rose from 7 to 42; 35 of the rise is one bucket"));
    gmx_findings_free(f);
    release(s, 3);
}

static void test_goroutines__a_surge_that_drained_is_not_a_leak(void **state)
{
    (void)state;
    gmx_gsnapshot s[3] = { snapshot(0, 10, ""), snapshot(0, 400, ""), snapshot(0, 0, "") };
    gmx_findings *f = analyse(s, 3, false);
    bool found = false;
    for (size_t i = 0; i < gmx_findings_count(f); i++) {
        const gmx_finding *fd = gmx_findings_at(f, i);
        /* Not a leak, but unbounded concurrency is how memory spikes: the
         * surge is a warning, and nothing else is. */
        bool surge = fd->category == GMX_CAT_GOROUTINE_SURGE;
        assert_true(fd->severity == (surge ? GMX_SEV_WARNING : GMX_SEV_INFO));
        if (surge && gmx_str_eq_cstr(fd->site.function, "main.deliver")) {
            found = true;
            assert_int_equal(fd->rank, 1);
            assert_non_null(strstr(fd->why.p, "rose to 400 and fell to 0"));
            assert_int_equal(fd->series[1], 400);
            assert_int_equal(fd->series[2], 0);
            assert_non_null(strstr(fd->title.p, "drained"));
        }
    }
    assert_true(found);
    gmx_findings_free(f);
    release(s, 3);

    /* While it is still high, a large busy bucket is a surge warning. */
    gmx_gsnapshot now = snapshot(0, 400, "");
    f = analyse(&now, 1, false);
    assert_int_equal(gmx_findings_at(f, 0)->category, GMX_CAT_GOROUTINE_SURGE);
    assert_int_equal(gmx_findings_at(f, 0)->severity, GMX_SEV_WARNING);
    gmx_findings_free(f);
    release(&now, 1);
}

/* The one goroutine a user pastes: a request handler's closure blocked in a
 * channel send for 1109 minutes. Alone it is a warning; the same wait in a
 * pool worker idle since start is not; many for hours is critical. */
static gmx_gbuckets *text_buckets; /* what the findings of analyse_text borrow */

static gmx_findings *analyse_text(const char *text)
{
    gmx_gsnapshot s = { .name = "paste" };
    s.buckets = text_buckets = tu_buckets(text, &s.info);
    return analyse(&s, 1, false);
}

static void done_text(gmx_findings *f)
{
    gmx_findings_free(f);
    gmx_gbuckets_free(text_buckets);
    text_buckets = NULL;
}

static void test_goroutines__one_goroutine_blocked_for_hours_is_a_warning(void **state)
{
    (void)state;
    gmx_findings *f = analyse_text(
        "goroutine 46696999 [chan send, 1109 minutes]:\n"
        "main.(*api).search.func1()\n\t/go/src/api/search.go:88 +0x6f\n"
        "created by main.(*api).search in goroutine 46696990\n\t/go/src/api/search.go:84 +0x1a5\n");
    const gmx_finding *top = gmx_findings_at(f, 0);
    assert_non_null(top);
    assert_int_equal(top->category, GMX_CAT_CHAN_SEND_BLOCKED);
    assert_int_equal(top->severity, GMX_SEV_WARNING);
    assert_non_null(strstr(top->why.p, "blocked up to 18.5 h (median 18.5 h) in application code"));
    assert_non_null(strstr(top->why.p, "1 of 1 goroutine (100%)"));
    done_text(f);

    /* Under an hour, in a whole dump (it holds the main goroutine), it
     * stays info. */
    f = analyse_text("goroutine 1 [IO wait, 60 minutes]:\n"
                     "internal/poll.runtime_pollWait(0x7f, 0x72)\n"
                     "\t/usr/lib/go-1.27/src/runtime/netpoll.go:351 +0x85\n"
                     "net.(*TCPListener).Accept(0xc0001)\n\t/usr/lib/go-1.27/src/net/tcpsock.go:380 +0x30\n"
                     "net/http.(*Server).Serve(0xc0002, {0x9, 0xc0001})\n"
                     "\t/usr/lib/go-1.27/src/net/http/server.go:3424 +0x30c\n"
                     "main.main()\n\t/go/src/api/main.go:20 +0x1d\n\n"
                     "goroutine 7 [chan send, 59 minutes]:\n"
                     "main.(*api).search.func1()\n\t/go/src/api/search.go:88 +0x6f\n"
                     "created by main.(*api).search in goroutine 6\n\t/go/src/api/search.go:84 +0x1a5\n");
    for (size_t i = 0; i < gmx_findings_count(f); i++)
        assert_int_equal(gmx_findings_at(f, i)->severity, GMX_SEV_INFO);
    done_text(f);

    /* The same goroutine pasted on its own, without the dump's writer or
     * main goroutine, was picked out of a dump as the suspect. */
    f = analyse_text("goroutine 7 [chan send, 5 minutes]:\n"
                     "main.(*api).search.func1()\n\t/go/src/api/search.go:88 +0x6f\n"
                     "created by main.(*api).search in goroutine 6\n\t/go/src/api/search.go:84 +0x1a5\n");
    assert_int_equal(gmx_findings_at(f, 0)->severity, GMX_SEV_WARNING);
    assert_non_null(strstr(gmx_findings_at(f, 0)->why.p, "pasted on its own"));
    done_text(f);
}

/* A few bare stacks pasted out of their dump (grpc/grpc-go#1936, verbatim)
 * were picked as the suspect: a warning in application code; the same
 * stack as one of many is not an excerpt. */
static gmx_findings *analyse_paste(const char *text, gmx_gsnapshot *s)
{
    gmx_input *in;
    gmx_error err;
    assert_int_equal(gmx_input_from_memory("paste.txt", text, strlen(text), &in, &err), GMX_OK);
    memset(s, 0, sizeof(*s));
    if (gmx_ingest_goroutines_input(in, NULL, s, &err) != GMX_OK)
        fail_msg("%s", err.message);
    return analyse(s, 1, false);
}

/* A real-world fixture read and analysed as pasted. */
typedef struct fixture {
    char *text;
    gmx_gsnapshot s;
    gmx_findings *f;
} fixture;

/* Reads and analyses the fixture at path; returns its first finding, whose
 * site must contain site. Release it with fixture_release. */
static const gmx_finding *top_of_fixture(const char *path, const char *site, fixture *fx)
{
    size_t len = 0;
    fx->text = tu_read_fixture(path, &len);
    fx->f = analyse_paste(fx->text, &fx->s);
    const gmx_finding *top = gmx_findings_at(fx->f, 0);
    assert_non_null(top);
    assert_non_null(strstr(top->site.function.p, site));
    return top;
}

static void fixture_release(fixture *fx)
{
    gmx_findings_free(fx->f);
    gmx_gsnapshot_release(&fx->s);
    free(fx->text);
}

static void test_goroutines__a_pasted_excerpt_is_the_suspect(void **state)
{
    (void)state;
    static const char one[] =
        "We checked the goroutine dump, and see the following goroutine should be the source of leaking.\n"
        "```\n"
        ".../vendor/google.golang.org/grpc.newClientStream.func4(0xc420308f00, 0xc424812380, 0x2218ac0, 0xc4223a3ce0)\n"
        ".../vendor/google.golang.org/grpc/stream.go:298 +0x112\n"
        "created by code.uber.internal/everything/order/vendor/google.golang.org/grpc.newClientStream\n"
        ".../vendor/google.golang.org/grpc/stream.go:297 +0xb59\n"
        "```\n";
    gmx_gsnapshot s;
    gmx_findings *f = analyse_paste(one, &s);
    const gmx_finding *top = gmx_findings_at(f, 0);
    assert_non_null(top);
    assert_int_equal(top->severity, GMX_SEV_WARNING);
    assert_non_null(strstr(top->why.p, "pasted on its own"));
    gmx_findings_free(f);
    gmx_gsnapshot_release(&s);
    /* Six of them are more than an excerpt: one unknown wait each is info. */
    char many[4096] = "";
    for (int i = 0; i < 6; i++) {
        char block[512];
        snprintf(block, sizeof(block),
                 "main.worker%d(0x1)\n\t/go/src/app/main.go:%d +0x1\n"
                 "created by main.main\n\t/go/src/app/main.go:9 +0x2\n\n", i, 10 + i);
        strcat(many, block);
    }
    f = analyse_paste(many, &s);
    for (size_t i = 0; i < gmx_findings_count(f); i++)
        assert_int_equal(gmx_findings_at(f, i)->severity, GMX_SEV_INFO);
    gmx_findings_free(f);
    gmx_gsnapshot_release(&s);
}

/* A grep's count of a dump (cilium/cilium#5902, verbatim) is the lines that
 * matched: no state, no share, no growth; 320 of one function by that alone
 * is no pile ("legitimate", one per controller). The same 320 in a debug=1
 * record, whose stack and share are known, are. */
static void test_goroutines__a_grep_count_alone_is_no_pile(void **state)
{
    (void)state;
    static const char grep[] = "```\n"
                               "grep runController cilium-dc6nw-20181012-093516-stack.txt | wc -l\n"
                               "     320\n"
                               "```\n";
    gmx_gsnapshot s;
    gmx_findings *f = analyse_paste(grep, &s);
    for (size_t i = 0; i < gmx_findings_count(f); i++)
        assert_int_equal(gmx_findings_at(f, i)->severity, GMX_SEV_INFO);
    gmx_findings_free(f);
    gmx_gsnapshot_release(&s);
    static const char rec[] = "goroutine profile: total 330\n"
                              "320 @ 0x1 0x2\n"
                              "#\t0x1\tgithub.com/a/b.(*Manager).runController+0x1\t/src/b/m.go:10\n"
                              "\n"
                              "10 @ 0x3\n"
                              "#\t0x3\tmain.main+0x1\t/src/main.go:5\n";
    f = analyse_paste(rec, &s);
    assert_true(gmx_findings_count(f) > 0);
    assert_int_equal(gmx_findings_at(f, 0)->severity, GMX_SEV_WARNING);
    gmx_findings_free(f);
    gmx_gsnapshot_release(&s);
}

/* A debug=1 record pasted without its title is one stack picked, whatever
 * its count; its goroutines are named by the function they run. With the
 * profile's writer beside it, the same records are a whole profile. */
static void test_goroutines__a_picked_record_counts_as_one_stack(void **state)
{
    (void)state;
    static const char rec[] =
        "Leaking goroutine:\n"
        "```\n"
        "114 @ 0x42f2bc 0x4403b9 0x468002 0x9fe32d 0x9ff78f 0xa025ed 0x45e571\n"
        "#\t0x4403b8\tsync.runtime_Semacquire+0x38\t/usr/lib/go-1.9/src/runtime/sema.go:56\n"
        "#\t0x468001\tsync.(*WaitGroup).Wait+0x71\t/usr/lib/go-1.9/src/sync/waitgroup.go:131\n"
        "#\t0x9fe32c\tgithub.com/x/lib/clist.(*CList).FrontWait+0x2c\t/src/github.com/x/lib/clist/clist.go:233\n"
        "#\t0x9ff78e\tgithub.com/x/app/pool.(*Pool).Wait+0x2e\t/src/github.com/x/app/pool/pool.go:184\n"
        "#\t0xa025ec\tgithub.com/x/app/pool.(*Reactor).broadcast+0x25c\t/src/github.com/x/app/pool/reactor.go:120\n"
        "```\n";
    gmx_gsnapshot s;
    gmx_findings *f = analyse_paste(rec, &s);
    const gmx_finding *top = gmx_findings_at(f, 0);
    assert_non_null(top);
    assert_int_equal(top->severity, GMX_SEV_WARNING);
    assert_non_null(strstr(top->why.p, "pasted on its own"));
    assert_non_null(strstr(top->title.p, "(goroutines of github.com/x/app/pool.(*Reactor).broadcast)"));
    gmx_findings_free(f);
    gmx_gsnapshot_release(&s);

    static const char whole[] =
        "3 @ 0x42f2bc 0x9fe32d 0x45e571\n"
        "#\t0x9fe32c\tgithub.com/x/app.(*T).idle+0x2c\t/src/github.com/x/app/t.go:33\n"
        "\n"
        "1 @ 0x42f2bc 0x6c18b0 0x45e571\n"
        "#\t0x6c18af\truntime/pprof.writeRuntimeProfile+0xb0\t/usr/lib/go/src/runtime/pprof/pprof.go:848\n"
        "#\t0x6c1583\truntime/pprof.writeGoroutine+0x44\t/usr/lib/go/src/runtime/pprof/pprof.go:781\n";
    f = analyse_paste(whole, &s);
    for (size_t i = 0; i < gmx_findings_count(f); i++)
        assert_int_equal(gmx_findings_at(f, i)->severity, GMX_SEV_INFO);
    gmx_findings_free(f);
    gmx_gsnapshot_release(&s);
}

/* A record pasted under its title and cut short of the title's total
 * (juicedata/juicefs#7222: "total 2338", then one record of 1126) is a share
 * of the profile the title counts, not all of what was read; a whole
 * profile's share is over its records. */
static void test_goroutines__a_cut_profile_is_a_share_of_its_title(void **state)
{
    (void)state;
    static const char cut[] =
        "goroutine profile: total 2338\n"
        "1126 @ 0x4838ee 0x45f997 0x6aabe7 0x48c621\n"
        "#\t0x6aabe6\tgithub.com/x/bar.(*Bar).serve+0x106\t/src/github.com/x/bar/bar.go:310\n";
    gmx_gsnapshot s;
    gmx_findings *f = analyse_paste(cut, &s);
    const gmx_finding *top = gmx_findings_at(f, 0);
    assert_non_null(top);
    assert_int_equal(s.info.declared, 2338);
    assert_non_null(strstr(top->why.p, "1,126 of 2,338 goroutines (48%)"));
    gmx_findings_free(f);
    gmx_gsnapshot_release(&s);
}

/* A goroutine a leak checker reports, parked only in the standard library
 * but started by the application, is the application's to fix
 * (networkservicemesh/sdk#458: a sync.Once waited on by monitorLoop's goroutine). */
static void test_goroutines__a_reported_std_goroutine_of_the_app_is_the_apps(void **state)
{
    (void)state;
    static const char rep[] =
        "found unexpected goroutines:\n"
        "[Goroutine 45 in state semacquire, with sync.runtime_SemacquireMutex on top of the stack:\n"
        "goroutine 45 [semacquire]:\n"
        "sync.runtime_SemacquireMutex(0xc00048a538, 0x0, 0x1)\n"
        "\t/usr/local/go/src/runtime/sema.go:71 +0x47\n"
        "sync.(*Mutex).lockSlow(0xc00048a534)\n\t/usr/local/go/src/sync/mutex.go:138 +0x105\n"
        "sync.(*Mutex).Lock(...)\n\t/usr/local/go/src/sync/mutex.go:81\n"
        "sync.(*Once).doSlow(0xc00048a530, 0xc00068ee10)\n\t/usr/local/go/src/sync/once.go:62 +0x105\n"
        "sync.(*Once).Do(0xc00048a530, 0xc00068ee10)\n\t/usr/local/go/src/sync/once.go:57 +0x45\n"
        "created by github.com/x/sdk/heal.(*healClient).monitorLoop\n"
        "\t/home/u/go/src/github.com/x/sdk/heal/client.go:80 +0x7a\n"
        "]\n";
    gmx_gsnapshot s;
    gmx_findings *f = analyse_paste(rep, &s);
    const gmx_finding *top = gmx_findings_at(f, 0);
    assert_non_null(top);
    assert_int_equal(top->severity, GMX_SEV_WARNING);
    assert_non_null(strstr(top->why.p, "listed by a leak checker"));
    assert_true(gmx_str_eq_cstr(top->created_by.function, "github.com/x/sdk/heal.(*healClient).monitorLoop"));
    gmx_findings_free(f);
    gmx_gsnapshot_release(&s);
}

/* getsentry/raven-go#90: a GOPATH build of a package at the root of src
 * names its vendored dependency "vendor/github.com/..."; that is the
 * application's code, not the standard library's own "vendor/golang.org/x". */
static void test_goroutines__a_vendored_dependency_is_not_the_standard_library(void **state)
{
    (void)state;
    static const char rep[] =
        "found unexpected goroutines:\n"
        "[Goroutine 5 in state chan receive, with vendor/github.com/getsentry/raven-go.(*Client).worker on top of the stack:\n"
        "goroutine 5 [chan receive]:\n"
        "vendor/github.com/getsentry/raven-go.(*Client).worker(0xc8200be210)\n"
        "    vendor/github.com/getsentry/raven-go/client.go:418 +0x60\n"
        "created by vendor/github.com/getsentry/raven-go.newClient\n"
        "    vendor/github.com/getsentry/raven-go/client.go:307 +0x193\n"
        "]\n";
    gmx_gsnapshot s;
    gmx_findings *f = analyse_paste(rep, &s);
    const gmx_finding *top = gmx_findings_at(f, 0);
    assert_non_null(top);
    assert_int_equal(top->severity, GMX_SEV_WARNING);
    assert_true(gmx_str_eq_cstr(top->site.function, "vendor/github.com/getsentry/raven-go.(*Client).worker"));
    gmx_findings_free(f);
    gmx_gsnapshot_release(&s);

    static const gmx_goroot no_root;
    gmx_frame std = { gmx_str_cstr("vendor/golang.org/x/net/http2/hpack.(*Decoder).Write"), { NULL, 0 }, 0 };
    gmx_frame app = { gmx_str_cstr("vendor/github.com/x/y.f"), { NULL, 0 }, 0 };
    assert_true(gmx_frame_is_std(&no_root, &std));
    assert_false(gmx_frame_is_std(&no_root, &app));
    /* Without a dot, a path is the standard library's only when GOROOT
     * has it: GOPATH-era and trimmed names are the application's. */
    static const struct { const char *func; bool std; } paths[] = {
        { "net/http.(*conn).serve", true },       { "internal/poll.runtime_pollWait", true },
        { "maps.clone", true },                   { "internal/procs.envStrsToMap", false },
        { "pipe/swarm.(*Runner).Start.func2", false }, { "myapp/server.handle", false },
        { "search_api/vendor/github.com/soheilhy/cmux.(*MuxConn).Read", false },
    };
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        gmx_frame fr = { gmx_str_cstr(paths[i].func), { NULL, 0 }, 0 };
        if (gmx_frame_is_std(&no_root, &fr) != paths[i].std)
            fail_msg("%s", paths[i].func);
    }
}

/* A test binary's main goroutine, goroutine 1 under cmd/go's generated
 * main.main (_testmain.go), waiting in the testing package for its tests:
 * the framework's, as goleak's isTestStack treats it, not the code under
 * test (https://github.com/uber-go/goleak/issues/104, verbatim in
 * testdata/realworld). A main.main in the program's own file stays its. */
static void test_goroutines__test_binary_main_is_the_framework(void **state)
{
    (void)state;
    static const gmx_goroot no_root;
    gmx_frame gen = { gmx_str_cstr("main.main"), gmx_str_cstr("_testmain.go"), 101 };
    gmx_frame tmp = { gmx_str_cstr("main.main"), gmx_str_cstr("/tmp/go-build1/b001/_testmain.go"), 9 };
    gmx_frame own = { gmx_str_cstr("main.main"), gmx_str_cstr("/src/app/main.go"), 12 };
    gmx_frame near = { gmx_str_cstr("main.main"), gmx_str_cstr("/src/app/my_testmain.go"), 3 };
    assert_true(gmx_frame_is_std(&no_root, &gen));
    assert_true(gmx_frame_is_std(&no_root, &tmp));
    assert_false(gmx_frame_is_std(&no_root, &own));
    assert_false(gmx_frame_is_std(&no_root, &near));

    size_t len;
    char *s = tu_read_fixture("testdata/realworld/uber-go-goleak-104/artifact.txt", &len);
    assert_non_null(s);
    gmx_findings *f = analyse_text(s);
    for (size_t i = 0; i < gmx_findings_count(f); i++)
        assert_true(gmx_findings_at(f, i)->severity < GMX_SEV_WARNING);
    done_text(f);
    free(s);
}

static void test_goroutines__workers_idle_since_start_are_not_leaks(void **state)
{
    (void)state;
    static char text[65536];
    size_t n = 0;
    for (int i = 0; i < 4; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n,
                              "goroutine %d [chan receive, 1500 minutes]:\n"
                              "main.worker(0xc0000)\n\t/go/src/svc/main.go:30 +0x45\n"
                              "created by main.main in goroutine 1\n\t/go/src/svc/main.go:61 +0x8a\n\n",
                              20 + i);
    gmx_findings *f = analyse_text(text);
    for (size_t i = 0; i < gmx_findings_count(f); i++)
        assert_int_equal(gmx_findings_at(f, i)->severity, GMX_SEV_INFO);
    assert_non_null(strstr(gmx_findings_at(f, 0)->why.p, "long-lived by design"));
    /* Judged benign, the category's fix is a condition, not a claim. */
    assert_true(gmx_str_starts(gmx_str_cstr(gmx_findings_at(f, 0)->advice),
                               "If these goroutines should have ended: "));
    done_text(f);

    /* The same wait in a goroutine started per request is a warning. */
    f = analyse_text("goroutine 9001 [chan receive, 1500 minutes]:\n"
                     "main.worker(0xc0000)\n\t/go/src/svc/main.go:30 +0x45\n"
                     "created by main.(*svc).handle in goroutine 77\n\t/go/src/svc/main.go:61 +0x8a\n");
    assert_int_equal(gmx_findings_at(f, 0)->severity, GMX_SEV_WARNING);
    done_text(f);

    /* Many, for hours: critical. */
    n = 0;
    for (int i = 0; i < 60; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n,
                              "goroutine %d [semacquire, 300 minutes]:\n"
                              "sync.runtime_SemacquireMutex(0xc0001, 0x0, 0x1)\n\t/usr/lib/go-1.19/src/runtime/sema.go:77 +0x25\n"
                              "sync.(*Mutex).lockSlow(0xc0001)\n\t/usr/lib/go-1.19/src/sync/mutex.go:171 +0x165\n"
                              "sync.(*Mutex).Lock(...)\n\t/usr/lib/go-1.19/src/sync/mutex.go:90\n"
                              "main.(*cache).get(0xc0001)\n\t/go/src/svc/main.go:40 +0x2a\n"
                              "created by main.(*svc).handle\n\t/go/src/svc/main.go:54 +0x11\n\n",
                              100 + i);
    f = analyse_text(text);
    assert_int_equal(gmx_findings_at(f, 0)->category, GMX_CAT_MUTEX_HELD);
    assert_int_equal(gmx_findings_at(f, 0)->severity, GMX_SEV_CRITICAL);
    /* A pile judged a leak is told with its cause; one judged benign is
     * told only with what it waits on. */
    assert_non_null(strstr(gmx_findings_at(f, 0)->title.p, "waiting for a lock that is not released"));
    assert_false(gmx_str_starts(gmx_str_cstr(gmx_findings_at(f, 0)->advice), "If "));
    done_text(f);
    f = analyse_text("goroutine 1 [running]:\nmain.main()\n\t/go/src/svc/main.go:20 +0x1d\n\n"
                     "goroutine 30 [semacquire]:\n"
                     "sync.runtime_SemacquireMutex(0xc0001, 0x0, 0x1)\n\t/usr/lib/go-1.19/src/runtime/sema.go:77 +0x25\n"
                     "sync.(*Mutex).lockSlow(0xc0001)\n\t/usr/lib/go-1.19/src/sync/mutex.go:171 +0x165\n"
                     "sync.(*Mutex).Lock(...)\n\t/usr/lib/go-1.19/src/sync/mutex.go:90\n"
                     "main.(*cache).get(0xc0001)\n\t/go/src/svc/main.go:40 +0x2a\n"
                     "created by main.main\n\t/go/src/svc/main.go:54 +0x11\n");
    assert_int_equal(gmx_findings_at(f, 0)->severity, GMX_SEV_INFO);
    assert_non_null(strstr(gmx_findings_at(f, 0)->title.p, "1 goroutine waiting for a lock in main.(*cache).get"));
    assert_null(strstr(gmx_findings_at(f, 0)->title.p, "not released"));
    assert_true(gmx_str_starts(gmx_str_cstr(gmx_findings_at(f, 0)->advice),
                               "If this goroutine should have ended: "));
    done_text(f);
}

/* n goroutines of one stack, ids from first, step apart. */
/* A snapshot of a dump's text (the text may go: nothing points into it). */
static gmx_gsnapshot text_snapshot(const char *text)
{
    gmx_gsnapshot s = { .name = "dump" };
    s.buckets = tu_buckets(text, &s.info);
    s.info.message = (gmx_str){ NULL, 0 };
    return s;
}

static void pool_text(char *text, size_t cap, int n, uint64_t first, int step, const char *header,
                      const char *frames)
{
    size_t len = 0;
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(text + len, cap - len, "goroutine %llu [%s]:\n%s\n",
                                (unsigned long long)(first + (uint64_t)i * (uint64_t)step), header,
                                frames);
}

static const char *const worker_frames =
    "main.(*dispatcher).work(0xc0000)\n\t/go/src/svc/main.go:93 +0x79\n"
    "created by main.(*dispatcher).start in goroutine 1\n\t/go/src/svc/main.go:88 +0x2b\n";
static const char *const poller_frames =
    "time.Sleep(0x3b9aca00)\n\t/usr/lib/go-1.27/src/runtime/time.go:363 +0x165\n"
    "main.poll.func1()\n\t/go/src/svc/main.go:109 +0x2a\n"
    "created by main.poll in goroutine 1\n\t/go/src/svc/main.go:98 +0x11\n";

/* A request goroutine with the dump's highest id: the process kept starting
 * goroutines after the pool, so the pool's ids place it at one moment. */
static void append_later(char *text, size_t cap, uint64_t id)
{
    size_t len = strlen(text);
    snprintf(text + len, cap - len,
             "goroutine %llu [running]:\nmain.(*svc).handle(0xc0001)\n\t/go/src/svc/main.go:60 +0x2a\n"
             "created by net/http.(*Server).Serve in goroutine 1\n"
             "\t/usr/lib/go-1.27/src/net/http/server.go:3454 +0x485\n",
             (unsigned long long)id);
}

/* The same dump taken three times: a count steady over time. */
static gmx_findings *analyse_three_alike(const char *text, gmx_gsnapshot s[3])
{
    for (int i = 0; i < 3; i++) {
        s[i] = text_snapshot(text);
    }
    return analyse(s, 3, false);
}

/* A pool started in one loop has nearly consecutive goroutine ids; a pile
 * that grew request by request has them spread. Only the pile is a
 * warning, from one dump; over time, a steady count is a pool's size. */
static void test_goroutines__a_pool_started_together_is_not_a_pile(void **state)
{
    (void)state;
    static char text[1 << 16];
    pool_text(text, sizeof(text), 64, 20, 1, "chan receive", worker_frames);
    append_later(text, sizeof(text), 1000);
    gmx_findings *f = analyse_text(text);
    assert_int_equal(gmx_findings_at(f, 0)->severity, GMX_SEV_INFO);
    assert_non_null(strstr(gmx_findings_at(f, 0)->why.p, "a pool by design"));
    done_text(f);

    pool_text(text, sizeof(text), 64, 20, 7, "chan receive", worker_frames);
    f = analyse_text(text);
    assert_int_equal(gmx_findings_at(f, 0)->category, GMX_CAT_CHAN_RECV_BLOCKED);
    assert_int_equal(gmx_findings_at(f, 0)->severity, GMX_SEV_WARNING);
    done_text(f);

    /* Busy goroutines started in one batch are a fixed set, not a surge;
     * started one after another, they are. */
    pool_text(text, sizeof(text), 128, 20, 1, "sleep", poller_frames);
    append_later(text, sizeof(text), 1000);
    f = analyse_text(text);
    assert_int_equal(gmx_findings_at(f, 0)->category, GMX_CAT_GOROUTINE_SURGE);
    assert_int_equal(gmx_findings_at(f, 0)->severity, GMX_SEV_INFO);
    assert_non_null(strstr(gmx_findings_at(f, 0)->why.p, "one batch"));
    done_text(f);
    pool_text(text, sizeof(text), 128, 20, 5, "sleep", poller_frames);
    f = analyse_text(text);
    assert_int_equal(gmx_findings_at(f, 0)->severity, GMX_SEV_WARNING);
    done_text(f);

    /* The spread pile, the same 64 in three dumps: a pool's size. */
    pool_text(text, sizeof(text), 64, 20, 7, "chan receive", worker_frames);
    gmx_gsnapshot s[3];
    f = analyse_three_alike(text, s);
    assert_int_equal(gmx_findings_at(f, 0)->severity, GMX_SEV_INFO);
    assert_non_null(strstr(gmx_findings_at(f, 0)->why.p, "steady at about 64 over 3 snapshots"));
    gmx_findings_free(f);
    release(s, 3);
}

/* Ids place a batch in time only against the others the process started:
 * 200 workers with ids nearly consecutive from 9 up to the dump's highest
 * id are what a pool started anew a few at a time (at every resize) leaves
 * in a process that starts little else, a warning from one dump; the same
 * 200 followed by 800 ids the process handed out since were started in one
 * loop at one moment, a pool. */
static void test_goroutines__ids_spanning_the_whole_history_are_not_one_batch(void **state)
{
    (void)state;
    static char text[1 << 17];
    size_t len = 0;
    uint64_t id = 9;
    for (int i = 0; i < 200; i++, id += (i % 8 == 0) ? 2 : 1)
        len += (size_t)snprintf(text + len, sizeof(text) - len, "goroutine %llu [chan receive]:\n%s\n",
                                (unsigned long long)id, worker_frames);
    append_later(text, sizeof(text), id + 2);
    gmx_findings *f = analyse_text(text);
    assert_int_equal(gmx_findings_at(f, 0)->category, GMX_CAT_CHAN_RECV_BLOCKED);
    assert_int_equal(gmx_findings_at(f, 0)->severity, GMX_SEV_WARNING);
    assert_null(strstr(gmx_findings_at(f, 0)->why.p, "a pool by design"));
    done_text(f);

    text[len] = '\0';
    append_later(text, sizeof(text), id + 800);
    f = analyse_text(text);
    assert_int_equal(gmx_findings_at(f, 0)->severity, GMX_SEV_INFO);
    assert_non_null(strstr(gmx_findings_at(f, 0)->why.p, "a pool by design"));
    done_text(f);
}

/* Three dumps of counts[k] goroutines of one stack (header, frames; ids
 * spread: started one at a time, from firsts[k]) and a request goroutine
 * whose id, clocks[k], is the highest: how many goroutines the process had
 * started by then. */
static gmx_findings *analyse_three_dumps(const char *header, const char *frames, const int counts[3],
                                         const int firsts[3], const int clocks[3], gmx_gsnapshot s[3])
{
    static char text[3][1 << 16];
    for (int k = 0; k < 3; k++) {
        pool_text(text[k], sizeof(text[k]), counts[k], (uint64_t)firsts[k], 7, header, frames);
        size_t len = strlen(text[k]);
        snprintf(text[k] + len, sizeof(text[k]) - len,
                 "goroutine %d [running]:\nmain.(*svc).handle(0xc0001)\n\t/go/src/svc/main.go:60 +0x2a\n"
                 "created by net/http.(*Server).Serve in goroutine 1\n"
                 "\t/usr/lib/go-1.27/src/net/http/server.go:3454 +0x485\n",
                 clocks[k]);
        s[k] = text_snapshot(text[k]);
    }
    return analyse(s, 3, false);
}

/* Workers in a select, counts[k] of them, started from id 20. */
static gmx_findings *analyse_three_grown(const int counts[3], const int clocks[3], gmx_gsnapshot s[3])
{
    static const int firsts[3] = { 20, 20, 20 };
    return analyse_three_dumps("select", worker_frames, counts, firsts, clocks, s);
}

/* A pile-up grows with the work done: per goroutine the process started
 * (ids are handed out in creation order, never reused), at one pace. A set
 * filling up (a worker per key as keys are first seen) slows to half that
 * pace or less and levels off: told, not warned of. */
static void test_goroutines__a_set_filling_up_is_not_a_pile(void **state)
{
    (void)state;
    static const int clocks[3] = { 2000, 4000, 6000 };
    static const int filling[3] = { 100, 180, 210 }, piling[3] = { 100, 180, 260 };
    gmx_gsnapshot s[3];
    gmx_findings *f = analyse_three_grown(filling, clocks, s);
    const gmx_finding *top = gmx_findings_at(f, 0);
    assert_int_equal(top->category, GMX_CAT_SELECT_BLOCKED);
    assert_int_equal(top->severity, GMX_SEV_INFO);
    assert_non_null(strstr(top->why.p, "levelling off: 40 more per 1,000 goroutines"));
    gmx_findings_free(f);
    release(s, 3);

    f = analyse_three_grown(piling, clocks, s);
    assert_int_equal(gmx_findings_at(f, 0)->severity, GMX_SEV_WARNING);
    gmx_findings_free(f);
    release(s, 3);
}

/* Workers of one pool, idle ones in a select and busy ones encoding
 * (sleeping), three times, and one running goroutine whose id is the
 * process's clock. */
static gmx_findings *analyse_pool_states(const int idle[3], const int busy[3], gmx_gsnapshot s[3])
{
    static const char *const encoding =
        "time.Sleep(0x1e8480)\n\t/usr/lib/go-1.27/src/runtime/time.go:363 +0x165\n"
        "main.(*dispatcher).encode(0xc0000)\n\t/go/src/svc/main.go:120 +0x2a\n"
        "main.(*dispatcher).work(0xc0000)\n\t/go/src/svc/main.go:95 +0x79\n"
        "created by main.(*dispatcher).start in goroutine 1\n\t/go/src/svc/main.go:88 +0x2b\n";
    static const int clocks[3] = { 2000, 4000, 6000 };
    static char text[3][1 << 16];
    for (int k = 0; k < 3; k++) {
        pool_text(text[k], sizeof(text[k]), idle[k], 20, 7, "select", worker_frames);
        size_t len = strlen(text[k]);
        pool_text(text[k] + len, sizeof(text[k]) - len, busy[k], 500, 3, "sleep", encoding);
        len = strlen(text[k]);
        snprintf(text[k] + len, sizeof(text[k]) - len,
                 "goroutine %d [running]:\nmain.(*svc).handle(0xc0001)\n\t/go/src/svc/main.go:60 +0x2a\n"
                 "created by net/http.(*Server).Serve in goroutine 1\n"
                 "\t/usr/lib/go-1.27/src/net/http/server.go:3454 +0x485\n",
                 clocks[k]);
        s[k] = text_snapshot(text[k]);
    }
    return analyse(s, 3, false);
}

/* Idle workers that rise as the busy ones of the same pool go idle (a
 * burst ending, the pool shrinking) are no pile-up: no goroutine was added.
 * The same rise with the busy ones still busy is one. */
static void test_goroutines__workers_going_idle_are_not_a_pile(void **state)
{
    (void)state;
    static const int idle[3] = { 2, 11, 20 }, draining[3] = { 18, 9, 0 }, working[3] = { 18, 18, 18 };
    gmx_gsnapshot s[3];
    gmx_findings *f = analyse_pool_states(idle, draining, s);
    const gmx_finding *top = gmx_findings_at(f, 0);
    assert_int_equal(top->category, GMX_CAT_SELECT_BLOCKED);
    assert_int_equal(top->severity, GMX_SEV_INFO);
    assert_non_null(strstr(top->why.p, "busy or not, went 20 → 20 (workers going idle"));
    gmx_findings_free(f);
    release(s, 3);

    f = analyse_pool_states(idle, working, s);
    top = gmx_findings_at(f, 0);
    assert_int_equal(top->category, GMX_CAT_SELECT_BLOCKED);
    assert_int_equal(top->severity, GMX_SEV_WARNING);
    gmx_findings_free(f);
    release(s, 3);
}

/* callers goroutines in main.poll, waiting for what it started, after
 * the text already in buf. */
static void append_callers(char *buf, size_t cap, int callers)
{
    size_t len = strlen(buf);
    for (int i = 0; i < callers; i++)
        len += (size_t)snprintf(buf + len, cap - len,
                                "goroutine %d [semacquire]:\n"
                                "sync.runtime_Semacquire(0xc0001)\n\t/usr/lib/go-1.27/src/runtime/sema.go:71 +0x25\n"
                                "sync.(*WaitGroup).Wait(0xc0002)\n\t/usr/lib/go-1.27/src/sync/waitgroup.go:118 +0x48\n"
                                "main.poll()\n\t/go/src/svc/main.go:101 +0x30\n"
                                "created by main.serve in goroutine 1\n\t/go/src/svc/main.go:120 +0x1d\n\n",
                                9000 + i * 11);
}

/* Busy goroutines whose spawning calls are still there waiting for them
 * (scatter-gather per request) follow the calls in flight: no surge while
 * each call started fewer than a surge's worth; one call that started them
 * all still is one. Without a creator (debug=1), a closure's name says
 * which function started it. */
static void test_goroutines__a_fan_out_its_callers_wait_for_is_no_surge(void **state)
{
    (void)state;
    static char text[1 << 17];
    pool_text(text, sizeof(text), 128, 20, 5, "sleep", poller_frames);
    append_callers(text, sizeof(text), 8);
    gmx_findings *f = analyse_text(text);
    const gmx_finding *top = gmx_findings_at(f, 0);
    assert_int_equal(top->category, GMX_CAT_GOROUTINE_SURGE);
    assert_int_equal(top->severity, GMX_SEV_INFO);
    assert_non_null(strstr(top->why.p, "started by 8 calls still waiting for them (about 16 each"));
    done_text(f);

    pool_text(text, sizeof(text), 128, 20, 5, "sleep", poller_frames);
    append_callers(text, sizeof(text), 1);
    f = analyse_text(text);
    assert_int_equal(gmx_findings_at(f, 0)->category, GMX_CAT_GOROUTINE_SURGE);
    assert_int_equal(gmx_findings_at(f, 0)->severity, GMX_SEV_WARNING);
    done_text(f);

    pool_text(text, sizeof(text), 128, 20, 5, "sleep",
              "time.Sleep(0x3b9aca00)\n\t/usr/lib/go-1.27/src/runtime/time.go:363 +0x165\n"
              "main.poll.func1()\n\t/go/src/svc/main.go:109 +0x2a\n");
    append_callers(text, sizeof(text), 8);
    f = analyse_text(text);
    assert_int_equal(gmx_findings_at(f, 0)->category, GMX_CAT_GOROUTINE_SURGE);
    assert_int_equal(gmx_findings_at(f, 0)->severity, GMX_SEV_INFO);
    done_text(f);
}

/* Goroutines queued on a semaphore (`sem <- struct{}{}`) by calls that wait
 * for them in a WaitGroup, while others of the same go statement hold the
 * slots: a throttled fan-out in progress. Without the siblings at work
 * (all waiting on one another) or without a caller waiting for them, the
 * same queue is a pile. */
static void test_goroutines__a_throttled_fan_out_is_no_pile(void **state)
{
    (void)state;
    static const char *const queued =
        "main.(*checker).check(0xc0001)\n\t/go/src/svc/main.go:59 +0x45\n"
        "created by main.(*checker).crawl in goroutine 7\n\t/go/src/svc/main.go:83 +0xd2\n";
    static const char *const fetching =
        "internal/poll.runtime_pollWait(0x7f, 0x72)\n\t/usr/lib/go-1.27/src/runtime/netpoll.go:351 +0x85\n"
        "net.(*conn).Read(0xc0005, {0xc0006, 0x1000, 0x1000})\n\t/usr/lib/go-1.27/src/net/net.go:194 +0x45\n"
        "main.(*checker).check(0xc0001)\n\t/go/src/svc/main.go:62 +0x8c\n"
        "created by main.(*checker).crawl in goroutine 7\n\t/go/src/svc/main.go:83 +0xd2\n";
    static char text[1 << 17];
    size_t len;
    for (int variant = 0; variant < 3; variant++) {
        pool_text(text, sizeof(text), 80, 300, 3, "chan send", queued);
        if (variant != 1) {
            len = strlen(text);
            pool_text(text + len, sizeof(text) - len, 6, 200, 5, "IO wait", fetching);
        }
        len = strlen(text);
        for (int i = 0; i < 2; i++)
            len += (size_t)snprintf(text + len, sizeof(text) - len,
                                    "goroutine %d [%s]:\n"
                                    "sync.runtime_Semacquire(0xc0001)\n\t/usr/lib/go-1.27/src/runtime/sema.go:71 +0x25\n"
                                    "%s"
                                    "main.(*checker).crawl(0xc0002)\n\t/go/src/svc/main.go:84 +0x30\n"
                                    "created by main.main in goroutine 1\n\t/go/src/svc/main.go:120 +0x1d\n\n",
                                    7 + i * 11, variant == 2 ? "select" : "semacquire",
                                    variant == 2 ? "" : "sync.(*WaitGroup).Wait(0xc0002)\n\t/usr/lib/go-1.27/src/sync/waitgroup.go:118 +0x48\n");
        gmx_findings *f = analyse_text(text);
        const gmx_finding *top = gmx_findings_at(f, 0);
        assert_int_equal(top->category, GMX_CAT_CHAN_SEND_BLOCKED);
        assert_int_equal(top->severity, variant == 0 ? GMX_SEV_INFO : GMX_SEV_WARNING);
        if (variant == 0)
            assert_non_null(strstr(top->why.p, "queued for a slot by 2 calls waiting for them"));
        done_text(f);
    }
}

/* Three dumps of 60 senders queued in chan send (ids spread), the k-th
 * starting at firsts[k], each with a request goroutine of id firsts[k] +
 * 1000 (the highest). A goroutine blocked for good never leaves: when every
 * one of the last dump's started after the first dump, those queued then
 * have moved on (a stage waiting on a slow consumer, backpressure); when
 * some are the first dump's, they are a pile. */
static gmx_findings *analyse_three_queued(const int firsts[3], gmx_gsnapshot s[3])
{
    static const char *const queued =
        "main.parse(0xc0001)\n\t/go/src/svc/main.go:61 +0x45\n"
        "created by main.(*shipper).runSource in goroutine 9\n\t/go/src/svc/main.go:97 +0xd2\n";
    static const int counts[3] = { 60, 60, 60 };
    const int clocks[3] = { firsts[0] + 1000, firsts[1] + 1000, firsts[2] + 1000 };
    return analyse_three_dumps("chan send", queued, counts, firsts, clocks, s);
}

static void test_goroutines__a_queue_renewed_over_time_is_no_pile(void **state)
{
    (void)state;
    static const int renewed[3] = { 100, 2000, 5000 }, kept[3] = { 100, 100, 100 },
                     partly[3] = { 100, 2000, 1000 };
    gmx_gsnapshot s[3];
    gmx_findings *f = analyse_three_queued(renewed, s);
    const gmx_finding *top = gmx_findings_at(f, 0);
    assert_int_equal(top->category, GMX_CAT_CHAN_SEND_BLOCKED);
    assert_int_equal(top->severity, GMX_SEV_INFO);
    assert_non_null(strstr(top->why.p, "those waiting here then have all moved on"));
    gmx_findings_free(f);
    release(s, 3);
    /* The same goroutines in every dump, or some of the first dump's still
     * there (its highest id is 1100): blocked, a pile. */
    for (int v = 0; v < 2; v++) {
        f = analyse_three_queued(v ? partly : kept, s);
        assert_int_equal(gmx_findings_at(f, 0)->category, GMX_CAT_CHAN_SEND_BLOCKED);
        assert_int_equal(gmx_findings_at(f, 0)->severity, GMX_SEV_WARNING);
        gmx_findings_free(f);
        release(s, 3);
    }
}

/* Holds waiting in a select on their timer and a done channel, rising
 * 48 -> 75 -> 106 over three dumps, the k-th starting at id firsts[k]
 * (the first two dumps' highest id 1000 above it, the last's 4000: a pace
 * that does not level off): when every one of the last dump's started
 * after the first dump, those waiting then have all moved on and the
 * rise is arrivals outpacing waits that end, not a pile (info); when the
 * first dump's are still there, or some of them, it is a pile. */
static void test_goroutines__a_rise_renewed_over_time_is_no_pile(void **state)
{
    (void)state;
    static const char *const holding =
        "main.(*holdBook).expire(0xc0001, 0xc0002, 0x1bf08eb000)\n\t/go/src/svc/main.go:75 +0x9e\n"
        "created by main.(*holdBook).place in goroutine 310\n\t/go/src/svc/main.go:67 +0x3b4\n";
    static const int counts[3] = { 48, 75, 106 }, renewed[3] = { 100, 1300, 3000 },
                     kept[3] = { 100, 100, 100 }, partly[3] = { 100, 1300, 1000 };
    const int *const firsts[3] = { renewed, kept, partly };
    for (int v = 0; v < 3; v++) {
        gmx_gsnapshot s[3];
        const int clocks[3] = { firsts[v][0] + 1000, firsts[v][1] + 1000, 4000 };
        gmx_findings *f = analyse_three_dumps("select", holding, counts, firsts[v], clocks, s);
        const gmx_finding *top = gmx_findings_at(f, 0);
        assert_true(gmx_str_eq_cstr(top->site.function, "main.(*holdBook).expire"));
        assert_int_equal(top->category, GMX_CAT_SELECT_BLOCKED);
        assert_int_equal(top->severity, v == 0 ? GMX_SEV_INFO : GMX_SEV_WARNING);
        if (v == 0)
            assert_non_null(strstr(top->why.p, "those waiting here then have all moved on (waits that end"));
        gmx_findings_free(f);
        release(s, 3);
    }
}

/* A fixed set of clients in a loop (their ids spread), waiting[k] of them
 * on an HTTP call's response and busy[k] sleeping between calls, over
 * three dumps: when the goroutines started on their function held their
 * number (72, 72, 72) the waiting ones are the set taking turns (info,
 * though 50 or more wait); when that number grew with them, goroutines
 * were added: a pile. */
static void test_goroutines__a_fixed_set_taking_turns_is_no_pile(void **state)
{
    (void)state;
    static const char *const calling =
        "net/http.(*persistConn).roundTrip(0xc0001, 0xc0002)\n\t/usr/lib/go-1.27/src/net/http/transport.go:3092 +0x9a5\n"
        "net/http.(*Transport).roundTrip(0xc0003, 0xc0004)\n\t/usr/lib/go-1.27/src/net/http/transport.go:725 +0x9a5\n"
        "net/http.(*Client).Get(0xc0005, {0xc0006, 0x2a})\n\t/usr/lib/go-1.27/src/net/http/client.go:491 +0x85\n"
        "main.analyst(0xc0005)\n\t/go/src/svc/main.go:150 +0x2a\n"
        "created by main.main.func1 in goroutine 6\n\t/go/src/svc/main.go:174 +0x11\n";
    static const char *const pausing =
        "time.Sleep(0x3b9aca00)\n\t/usr/lib/go-1.27/src/runtime/time.go:363 +0x165\n"
        "main.analyst(0xc0001)\n\t/go/src/svc/main.go:155 +0x2a\n"
        "created by main.main.func1 in goroutine 6\n\t/go/src/svc/main.go:174 +0x11\n";
    static const int waiting[3] = { 50, 51, 55 }, turns[3] = { 22, 21, 17 }, added[3] = { 22, 22, 22 };
    static const int clocks[3] = { 2000, 4000, 6000 };
    static char text[3][1 << 16];
    for (int v = 0; v < 2; v++) {
        const int *busy = v == 0 ? turns : added;
        gmx_gsnapshot s[3];
        for (int k = 0; k < 3; k++) {
            pool_text(text[k], sizeof(text[k]), waiting[k], 20, 7, "select", calling);
            size_t len = strlen(text[k]);
            pool_text(text[k] + len, sizeof(text[k]) - len, busy[k], 23, 7, "sleep", pausing);
            len = strlen(text[k]);
            snprintf(text[k] + len, sizeof(text[k]) - len,
                     "goroutine %d [running]:\nmain.(*svc).report(0xc0001)\n\t/go/src/svc/main.go:60 +0x2a\n"
                     "created by main.main in goroutine 1\n\t/go/src/svc/main.go:240 +0x485\n",
                     clocks[k]);
            s[k] = text_snapshot(text[k]);
        }
        gmx_findings *f = analyse(s, 3, false);
        const gmx_finding *top = gmx_findings_at(f, 0);
        assert_true(gmx_str_eq_cstr(top->site.function, "main.analyst"));
        assert_int_equal(top->category, GMX_CAT_IO_NO_TIMEOUT);
        assert_int_equal(top->severity, v == 0 ? GMX_SEV_INFO : GMX_SEV_WARNING);
        if (v == 0)
            assert_non_null(strstr(top->why.p, "busy or not: 72 → 72 over 3 snapshots, none added (a fixed set taking turns"));
        gmx_findings_free(f);
        release(s, 3);
    }
}

/* 120 goroutines reading a connection without a deadline, started by an
 * application's accept loop, from one dump: when that loop is still there
 * in a listener's Accept, they are a server's connections, one per client
 * (info); started by a function that accepts nothing, a pile. */
static void test_goroutines__an_accept_loops_connections_are_no_pile(void **state)
{
    (void)state;
    static const char *const reading =
        "internal/poll.runtime_pollWait(0x7f, 0x72)\n\t/usr/lib/go-1.27/src/runtime/netpoll.go:351 +0x85\n"
        "net.(*conn).Read(0xc0005, {0xc0006, 0x1000, 0x1000})\n\t/usr/lib/go-1.27/src/net/net.go:194 +0x45\n"
        "bufio.(*Reader).ReadString(0xc0007, 0xa)\n\t/usr/lib/go-1.27/src/bufio/bufio.go:498 +0x1f\n"
        "main.(*gateway).serveDevice(0xc0001)\n\t/go/src/svc/main.go:39 +0x245\n"
        "created by main.(*gateway).listenDevices in goroutine 18\n\t/go/src/svc/main.go:89 +0x45\n";
    static char text[1 << 18];
    for (int accepting = 0; accepting < 2; accepting++) {
        pool_text(text, sizeof(text), 120, 40, 7, "IO wait", reading);
        size_t len = strlen(text);
        snprintf(text + len, sizeof(text) - len,
                 "goroutine 18 [IO wait]:\n"
                 "internal/poll.runtime_pollWait(0x7f, 0x72)\n\t/usr/lib/go-1.27/src/runtime/netpoll.go:351 +0x85\n"
                 "%s"
                 "main.(*gateway).listenDevices(0xc0001, {0x7a, 0xc0002})\n\t/go/src/svc/main.go:83 +0x3c\n"
                 "created by main.main in goroutine 1\n\t/go/src/svc/main.go:190 +0x1d\n",
                 accepting ? "net.(*TCPListener).Accept(0xc0003)\n\t/usr/lib/go-1.27/src/net/tcpsock.go:327 +0x30\n"
                           : "net.(*conn).Read(0xc0005, {0xc0006, 0x1000, 0x1000})\n\t/usr/lib/go-1.27/src/net/net.go:194 +0x45\n");
        gmx_findings *f = analyse_text(text);
        const gmx_finding *top = gmx_findings_at(f, 0);
        assert_int_equal(top->category, GMX_CAT_IO_NO_TIMEOUT);
        assert_int_equal(top->severity, accepting ? GMX_SEV_INFO : GMX_SEV_WARNING);
        if (accepting)
            assert_non_null(strstr(top->why.p, "started per connection by an accept loop"));
        done_text(f);
    }
}

/* The same accept loop's connections, 120 of them waiting to write with no
 * deadline (the netpoller's write wait under net.(*conn).Write): their
 * clients stopped reading what they were sent, which no deadline ends; no
 * idle connection waits to write: a pile, whoever accepted them. */
static void test_goroutines__accepted_connections_waiting_to_write_are_a_pile(void **state)
{
    (void)state;
    static const char *const writing =
        "internal/poll.runtime_pollWait(0x7f, 0x77)\n\t/usr/lib/go-1.19/src/runtime/netpoll.go:305 +0x89\n"
        "internal/poll.(*pollDesc).wait(0xc0008?, 0xc0009?, 0x0)\n\t/usr/lib/go-1.19/src/internal/poll/fd_poll_runtime.go:84 +0x32\n"
        "internal/poll.(*pollDesc).waitWrite(...)\n\t/usr/lib/go-1.19/src/internal/poll/fd_poll_runtime.go:93\n"
        "internal/poll.(*FD).Write(0xc0008, {0xc0006, 0x2390, 0x4000})\n\t/usr/lib/go-1.19/src/internal/poll/fd_unix.go:391 +0x2ee\n"
        "net.(*netFD).Write(0xc0008, {0xc0006?, 0x4?, 0x4?})\n\t/usr/lib/go-1.19/src/net/fd_posix.go:96 +0x29\n"
        "net.(*conn).Write(0xc0005, {0xc0006?, 0xc0007?, 0x0?})\n\t/usr/lib/go-1.19/src/net/net.go:195 +0x45\n"
        "main.(*feed).writeSnapshot(0xc0001, {0x7a, 0xc0005})\n\t/go/src/svc/main.go:91 +0x1f9\n"
        "main.(*feed).serve(0xc0001, {0x7a, 0xc0005})\n\t/go/src/svc/main.go:123 +0x4e5\n"
        "created by main.(*feed).acceptLoop\n\t/go/src/svc/main.go:196 +0xe5\n";
    static char text[1 << 19];
    pool_text(text, sizeof(text), 120, 40, 7, "IO wait", writing);
    size_t len = strlen(text);
    snprintf(text + len, sizeof(text) - len,
             "goroutine 18 [IO wait]:\n"
             "internal/poll.runtime_pollWait(0x7f, 0x72)\n\t/usr/lib/go-1.19/src/runtime/netpoll.go:305 +0x89\n"
             "net.(*TCPListener).Accept(0xc0003)\n\t/usr/lib/go-1.19/src/net/tcpsock.go:288 +0x3d\n"
             "main.(*feed).acceptLoop(0xc0001, {0x7a, 0xc0002})\n\t/go/src/svc/main.go:190 +0x3c\n"
             "created by main.main\n\t/go/src/svc/main.go:266 +0x1d\n");
    gmx_findings *f = analyse_text(text);
    const gmx_finding *top = gmx_findings_at(f, 0);
    assert_int_equal(top->category, GMX_CAT_IO_NO_TIMEOUT);
    assert_int_equal(top->goroutines, 120);
    assert_int_equal(top->severity, GMX_SEV_WARNING);
    assert_null(strstr(top->why.p, "started per connection by an accept loop"));
    done_text(f);
}

static const char *const limiter_records =
    "#\t0x1\tmain.(*bucket).wait+0x1\t/go/src/svc/main.go:52\n"
    "#\t0x2\tmain.(*indexer).refresh+0x1\t/go/src/svc/main.go:90\n";

/* Three debug=1 profiles (no ids, no waits) with counts[k] goroutines of
 * one stack (records: its frame lines, 0x1 and 0x2), beside the main
 * goroutine. */
static gmx_findings *analyse_three_stacks(const char *records, const int counts[3], gmx_gsnapshot s[3])
{
    static char text[3][1024];
    for (int k = 0; k < 3; k++) {
        snprintf(text[k], sizeof(text[k]),
                 "goroutine profile: total %d\n"
                 "%d @ 0x1 0x2\n"
                 "%s"
                 "\n"
                 "1 @ 0x3\n"
                 "#\t0x3\tmain.main+0x1\t/go/src/svc/main.go:5\n",
                 counts[k] + 1, counts[k], records);
        gmx_input *in;
        gmx_error err;
        assert_int_equal(gmx_input_from_memory("profile.txt", text[k], strlen(text[k]), &in, &err), GMX_OK);
        memset(&s[k], 0, sizeof(s[k]));
        if (gmx_ingest_goroutines_input(in, NULL, &s[k], &err) != GMX_OK)
            fail_msg("%s", err.message);
    }
    return analyse(s, 3, false);
}

/* counts[k] fetches parked in a rate limiter's wait. */
static gmx_findings *analyse_three_profiles(const int counts[3], gmx_gsnapshot s[3])
{
    return analyse_three_stacks(limiter_records, counts, s);
}

static void release_profiles(gmx_gsnapshot s[3])
{
    for (int k = 0; k < 3; k++)
        gmx_gsnapshot_release(&s[k]);
}

/* A pile-up's goroutines never leave their stack, so its count never
 * falls: one that went up and down and ended near where it began is a
 * queue being served (fetches waiting for a rate limiter's token), even
 * from profiles without ids. Up and down but well above its start still
 * is a pile. */
static void test_goroutines__a_count_up_and_down_is_no_pile(void **state)
{
    (void)state;
    static const int level[3] = { 96, 111, 109 }, rising[3] = { 96, 140, 130 };
    gmx_gsnapshot s[3];
    gmx_findings *f = analyse_three_profiles(level, s);
    const gmx_finding *top = gmx_findings_at(f, 0);
    assert_true(gmx_str_eq_cstr(top->site.function, "main.(*bucket).wait"));
    assert_int_equal(top->severity, GMX_SEV_INFO);
    assert_non_null(strstr(top->why.p, "up and down between 96 and 111 over 3 snapshots, 109 at the last"));
    gmx_findings_free(f);
    release_profiles(s);

    f = analyse_three_profiles(rising, s);
    top = gmx_findings_at(f, 0);
    assert_true(gmx_str_eq_cstr(top->site.function, "main.(*bucket).wait"));
    assert_int_equal(top->severity, GMX_SEV_WARNING);
    gmx_findings_free(f);
    release_profiles(s);
}

/* The same holds for any wait, a WaitGroup's among them: jobs' coordinators
 * waiting for their frames to be rendered, 56 → 54 → 55, some of them left
 * the Wait, which a WaitGroup that never reaches zero never lets them do.
 * Grown well past their start, they still are a pile. */
static void test_goroutines__waitgroup_waiters_up_and_down_are_no_pile(void **state)
{
    (void)state;
    static const char *const coordinators =
        "#\t0x1\tsync.(*WaitGroup).Wait+0x1\t/usr/lib/go-1.22/src/sync/waitgroup.go:116\n"
        "#\t0x2\tmain.(*farm).coordinate+0x1\t/go/src/svc/main.go:75\n";
    static const int level[3] = { 56, 54, 55 }, rising[3] = { 56, 54, 90 };
    gmx_gsnapshot s[3];
    gmx_findings *f = analyse_three_stacks(coordinators, level, s);
    const gmx_finding *top = gmx_findings_at(f, 0);
    assert_true(gmx_str_eq_cstr(top->site.function, "main.(*farm).coordinate"));
    assert_int_equal(top->category, GMX_CAT_WAITGROUP_MISMATCH);
    assert_int_equal(top->severity, GMX_SEV_INFO);
    assert_non_null(strstr(top->why.p, "over 3 snapshots, 55 at the last (goroutines leave it"));
    gmx_findings_free(f);
    release_profiles(s);

    f = analyse_three_stacks(coordinators, rising, s);
    top = gmx_findings_at(f, 0);
    assert_int_equal(top->category, GMX_CAT_WAITGROUP_MISMATCH);
    assert_int_equal(top->severity, GMX_SEV_WARNING);
    gmx_findings_free(f);
    release_profiles(s);
}

/* One protobuf or debug=1 profile says how many wait, not since when nor
 * whether they were started together: a pile of 64 in a receive is a
 * warning by its size, and the finding says which capture would tell a
 * pool from goroutines blocked for good. A full dump's ids and minutes
 * say more, and it does not need saying. */
static void test_goroutines__one_profile_says_what_would_tell(void **state)
{
    (void)state;
    static const char profile[] =
        "goroutine profile: total 65\n"
        "64 @ 0x1 0x2 0x3 0x4\n"
        "#\t0x1\truntime.gopark+0x1\t/usr/lib/go-1.27/src/runtime/proc.go:435\n"
        "#\t0x2\truntime.chanrecv+0x1\t/usr/lib/go-1.27/src/runtime/chan.go:664\n"
        "#\t0x3\truntime.chanrecv2+0x1\t/usr/lib/go-1.27/src/runtime/chan.go:511\n"
        "#\t0x4\tmain.(*dispatcher).work+0x1\t/go/src/svc/main.go:93\n"
        "\n"
        "1 @ 0x5\n"
        "#\t0x5\tmain.main+0x1\t/go/src/svc/main.go:5\n";
    gmx_input *in;
    gmx_error err;
    gmx_gsnapshot s;
    assert_int_equal(gmx_input_from_memory("profile.txt", profile, strlen(profile), &in, &err), GMX_OK);
    memset(&s, 0, sizeof(s));
    if (gmx_ingest_goroutines_input(in, NULL, &s, &err) != GMX_OK)
        fail_msg("%s", err.message);
    gmx_findings *f = analyse(&s, 1, false);
    const gmx_finding *top = gmx_findings_at(f, 0);
    assert_int_equal(top->category, GMX_CAT_CHAN_RECV_BLOCKED);
    assert_int_equal(top->severity, GMX_SEV_WARNING);
    assert_non_null(strstr(top->why.p, "one capture, without ids or minutes blocked"));
    gmx_findings_free(f);
    gmx_gsnapshot_release(&s);

    static char text[1 << 16];
    pool_text(text, sizeof(text), 64, 20, 7, "chan receive", worker_frames);
    f = analyse_text(text);
    assert_int_equal(gmx_findings_at(f, 0)->severity, GMX_SEV_WARNING);
    assert_null(strstr(gmx_findings_at(f, 0)->why.p, "one capture, without"));
    done_text(f);
}

/* A hub's connections three times: `conns[k]` read pumps (IO wait) and
 * `writers[k]` write pumps (a select on what to send) that the handler
 * upgrading each connection started, ids spread as connections came. */
static gmx_findings *analyse_hub_waiting(const int conns[3], const int writers[3], const char *writing,
                                        gmx_gsnapshot s[3]);

static const char *const hub_writing =
    "runtime.gopark(0x0?, 0x0?, 0x0?, 0x0?, 0x0?)\n\t/usr/lib/go-1.27/src/runtime/proc.go:435 +0xce\n"
    "runtime.selectgo(0xc0002, 0xc0003, 0x0?, 0x0, 0x2, 0x1)\n\t/usr/lib/go-1.27/src/runtime/select.go:351 +0x837\n"
    "main.(*hub).writePump(0xc0001)\n\t/go/src/svc/main.go:108 +0x1b5\n"
    "created by main.(*hub).serveBoard in goroutine 40\n\t/go/src/svc/main.go:150 +0x45\n";

static gmx_findings *analyse_hub(const int conns[3], const int writers[3], gmx_gsnapshot s[3])
{
    return analyse_hub_waiting(conns, writers, hub_writing, s);
}

/* As analyse_hub, the second stack waiting in the frames `writing`. */
static gmx_findings *analyse_hub_waiting(const int conns[3], const int writers[3], const char *writing,
                                        gmx_gsnapshot s[3])
{
    static const char *const reading =
        "internal/poll.runtime_pollWait(0x7f, 0x72)\n\t/usr/lib/go-1.27/src/runtime/netpoll.go:351 +0x85\n"
        "net.(*conn).Read(0xc0005, {0xc0006, 0x1000, 0x1000})\n\t/usr/lib/go-1.27/src/net/net.go:194 +0x45\n"
        "bufio.(*Reader).ReadString(0xc0007, 0xa)\n\t/usr/lib/go-1.27/src/bufio/bufio.go:498 +0x1f\n"
        "main.(*hub).readPump(0xc0001)\n\t/go/src/svc/main.go:86 +0x245\n"
        "created by main.(*hub).serveBoard in goroutine 40\n\t/go/src/svc/main.go:151 +0x45\n";
    static const int clocks[3] = { 2000, 9000, 16000 };
    static char text[3][1 << 19];
    for (int k = 0; k < 3; k++) {
        uint64_t from = (uint64_t)clocks[k] - 7 * 1200;
        pool_text(text[k], sizeof(text[k]), conns[k], from + 1, 7, "IO wait", reading);
        size_t len = strlen(text[k]);
        pool_text(text[k] + len, sizeof(text[k]) - len, writers[k], from, 7, "select", writing);
        len = strlen(text[k]);
        snprintf(text[k] + len, sizeof(text[k]) - len,
                 "goroutine %d [running]:\nmain.(*hub).report(0xc0001)\n\t/go/src/svc/main.go:60 +0x2a\n"
                 "created by main.main in goroutine 1\n\t/go/src/svc/main.go:240 +0x485\n",
                 clocks[k]);
        s[k] = text_snapshot(text[k]);
    }
    return analyse(s, 3, false);
}

static const gmx_finding *finding_at(gmx_findings *f, const char *function)
{
    for (size_t i = 0; i < gmx_findings_count(f); i++)
        if (gmx_str_eq_cstr(gmx_findings_at(f, i)->site.function, function))
            return gmx_findings_at(f, i);
    return NULL;
}

/* Goroutines of network connections rise and fall with the peers connected
 * (a hub's read and write pumps as the day's load peaks and ebbs): no
 * surge. Write pumps that rose and fell while the connections did not
 * still are one, and so are connections by the thousand. */
static void test_goroutines__connections_rising_and_falling_are_no_surge(void **state)
{
    (void)state;
    static const int load[3] = { 30, 110, 30 }, few[3] = { 5, 5, 5 }, thousands[3] = { 30, 1100, 30 },
                     none[3] = { 0, 0, 0 };
    gmx_gsnapshot s[3];
    gmx_findings *f = analyse_hub(load, load, s);
    const gmx_finding *readers = finding_at(f, "main.(*hub).readPump");
    const gmx_finding *writers = finding_at(f, "main.(*hub).writePump");
    assert_non_null(readers);
    assert_non_null(writers);
    assert_int_equal(readers->severity, GMX_SEV_INFO);
    assert_non_null(strstr(readers->why.p, "each waiting on network I/O: one per connection"));
    assert_int_equal(writers->severity, GMX_SEV_INFO);
    assert_non_null(strstr(writers->why.p, "in step with the connections read in main.(*hub).readPump"));
    assert_non_null(strstr(writers->title.p, "came and went with network connections"));
    for (size_t i = 0; i < gmx_findings_count(f); i++)
        assert_int_equal(gmx_findings_at(f, i)->severity, GMX_SEV_INFO);
    gmx_findings_free(f);
    release(s, 3);

    f = analyse_hub(few, load, s);
    writers = finding_at(f, "main.(*hub).writePump");
    assert_non_null(writers);
    assert_int_equal(writers->severity, GMX_SEV_WARNING);
    assert_non_null(strstr(writers->title.p, "surge of 110 goroutines drained to 30"));
    gmx_findings_free(f);
    release(s, 3);

    /* Calls in flight, one connection each (an HTTP request's select in
     * net/http), are a fan-out of calls: still a surge. */
    static const char *const calling =
        "runtime.gopark(0x0?, 0x0?, 0x0?, 0x0?, 0x0?)\n\t/usr/lib/go-1.27/src/runtime/proc.go:435 +0xce\n"
        "runtime.selectgo(0xc0002, 0xc0003, 0x0?, 0x0, 0x2, 0x1)\n\t/usr/lib/go-1.27/src/runtime/select.go:351 +0x837\n"
        "net/http.(*persistConn).roundTrip(0xc0004, 0xc0005)\n\t/usr/lib/go-1.27/src/net/http/transport.go:2757 +0x105\n"
        "main.(*hub).notify(0xc0001)\n\t/go/src/svc/main.go:120 +0x1b5\n"
        "created by main.(*hub).serveBoard in goroutine 40\n\t/go/src/svc/main.go:150 +0x45\n";
    f = analyse_hub_waiting(load, load, calling, s);
    writers = finding_at(f, "main.(*hub).notify");
    assert_non_null(writers);
    assert_int_equal(writers->severity, GMX_SEV_WARNING);
    gmx_findings_free(f);
    release(s, 3);

    f = analyse_hub(thousands, none, s);
    readers = finding_at(f, "main.(*hub).readPump");
    assert_non_null(readers);
    assert_int_equal(readers->severity, GMX_SEV_WARNING);
    gmx_findings_free(f);
    release(s, 3);
}

/* Thousands waiting are memory whatever started them: a batch started
 * together, or a count steady over time, is no pool's excuse there. */
static void test_goroutines__thousands_waiting_stay_critical(void **state)
{
    (void)state;
    static char text[1 << 22];
    pool_text(text, sizeof(text), 2000, 20, 1, "chan receive", worker_frames);
    gmx_findings *f = analyse_text(text);
    assert_int_equal(gmx_findings_at(f, 0)->category, GMX_CAT_CHAN_RECV_BLOCKED);
    assert_int_equal(gmx_findings_at(f, 0)->severity, GMX_SEV_CRITICAL);
    done_text(f);

    pool_text(text, sizeof(text), 2000, 20, 7, "chan receive", worker_frames);
    gmx_gsnapshot s[3];
    f = analyse_three_alike(text, s);
    assert_int_equal(gmx_findings_at(f, 0)->severity, GMX_SEV_CRITICAL);
    gmx_findings_free(f);
    release(s, 3);
}

static void test_goroutines__deadlock_is_critical_and_first(void **state)
{
    (void)state;
    gmx_gsnapshot s = snapshot(2, 0, "fatal error: all goroutines are asleep - deadlock!\n\n");
    assert_int_equal(s.info.kind, GMX_DUMP_FATAL);
    gmx_findings *f = analyse(&s, 1, false);
    assert_int_equal(gmx_findings_at(f, 0)->category, GMX_CAT_DEADLOCK);
    assert_int_equal(gmx_findings_at(f, 0)->severity, GMX_SEV_CRITICAL);
    /* It names the goroutines that wait, not only the runtime's words. */
    assert_true(gmx_str_eq_cstr(gmx_findings_at(f, 0)->site.function, "main.(*svc).publish"));
    assert_non_null(strstr(gmx_findings_at(f, 0)->why.p, "2 in main.(*svc).publish [chan send]"));
    gmx_findings_free(f);
    release(&s, 1);
}

static gmx_findings *analyse_fixture(const char *path, gmx_gsnapshot *s)
{
    size_t len;
    char *text = tu_read_fixture(path, &len);
    assert_non_null(text);
    *s = (gmx_gsnapshot){ .name = "dump" };
    s->buckets = tu_buckets(text, &s->info);
    s->info.message = (gmx_str){ NULL, 0 }; /* views into text die with it */
    gmx_findings *f = analyse(s, 1, false);
    free(text);
    return f;
}

static const gmx_finding *at_line(const gmx_findings *f, unsigned line)
{
    for (size_t i = 0; i < gmx_findings_count(f); i++)
        if (gmx_findings_at(f, i)->site.line == line)
            return gmx_findings_at(f, i);
    return NULL;
}

/* The lab's seating: move(from, to) locks from, then to, and two moves in
 * opposite directions deadlock. Both sides are named and critical: the
 * queue at the first Lock (line 39) and the holders waiting at the second
 * (line 45), which waited longest. One lock held forever (ledger) is no
 * cycle. */
static void test_goroutines__a_lock_order_deadlock_names_both_sides(void **state)
{
    (void)state;
    gmx_gsnapshot s;
    gmx_findings *f = analyse_fixture("testdata/lab/captures/go1.22/seating/goroutine-t3.debug2.txt", &s);
    const gmx_finding *queue = gmx_findings_at(f, 0), *cycle = at_line(f, 45);
    assert_int_equal(queue->site.line, 39);
    assert_int_equal(queue->severity, GMX_SEV_CRITICAL);
    assert_non_null(strstr(queue->why.p, "lock-order deadlock"));
    assert_non_null(strstr(queue->why.p, "main.go:45"));
    assert_non_null(cycle);
    assert_int_equal(cycle->severity, GMX_SEV_CRITICAL);
    assert_non_null(strstr(cycle->why.p, "main.go:39"));
    gmx_findings_free(f);
    release(&s, 1);
    f = analyse_fixture("testdata/lab/captures/go1.22/ledger/goroutine-t3.debug2.txt", &s);
    for (size_t i = 0; i < gmx_findings_count(f); i++)
        assert_null(strstr(gmx_findings_at(f, i)->why.p, "lock-order"));
    gmx_findings_free(f);
    release(&s, 1);
}

/* No finding's title holds words. */
static void assert_no_title_with(const gmx_findings *f, const char *words)
{
    for (size_t i = 0; i < gmx_findings_count(f); i++)
        assert_null(strstr(gmx_findings_at(f, i)->title.p, words));
}

/* fzf 019bfc4e (verbatim in testdata/realworld): goroutine 1 waits for the
 * terminal's mutex in (*Terminal).Input under (*EventBox).Wait, which holds
 * the box's; goroutine 11 waits for the box's in (*EventBox).Set under
 * (*Terminal).killPreview, holding the terminal's. Each side is flagged and
 * names the other with the call that holds its lock. Either stack alone,
 * or both with one side's types gone, is no crossing. */
static void test_goroutines__locks_crossed_by_type_are_a_lock_order_deadlock(void **state)
{
    (void)state;
    size_t len = 0;
    char *text = tu_read_fixture("testdata/realworld/junegunn-fzf-019bfc4e/artifact.txt", &len);
    gmx_gsnapshot s;
    gmx_findings *f = analyse_paste(text, &s);
    assert_int_equal(gmx_findings_count(f), 2);
    for (size_t i = 0; i < 2; i++) {
        const gmx_finding *fd = gmx_findings_at(f, i);
        assert_int_equal(fd->category, GMX_CAT_MUTEX_HELD);
        assert_true(fd->severity >= GMX_SEV_WARNING);
        assert_non_null(strstr(fd->title.p, "lock-order deadlock"));
        assert_non_null(strstr(fd->title.p, "(*Terminal).killPreview"));
        assert_non_null(strstr(fd->title.p, "(*EventBox).Wait"));
    }
    gmx_findings_free(f);
    gmx_gsnapshot_release(&s);
    /* goroutine 11 alone */
    char *g11 = strstr(text, "  goroutine 11 [");
    assert_non_null(g11);
    f = analyse_paste(g11, &s);
    assert_no_title_with(f, "lock-order");
    gmx_findings_free(f);
    gmx_gsnapshot_release(&s);
    /* goroutine 1 no longer under the box: its Wait frame renamed a function */
    char *wait = strstr(text, "util.(*EventBox).Wait(0xc00011a4e0");
    assert_non_null(wait);
    memcpy(wait, "util.eventBoxWaitX", strlen("util.eventBoxWaitX"));
    f = analyse_paste(text, &s);
    assert_no_title_with(f, "lock-order");
    gmx_findings_free(f);
    gmx_gsnapshot_release(&s);
    free(text);
}

/* gocql 5c76748 (scylladb's fork, verbatim in testdata/realworld): one
 * goroutine waits in (*hostConnPool).HandleError for the pool's lock, with
 * (*hostConnPool).connectToShard below it, which holds it: Put closed excess
 * connections synchronously, and Conn.Close called back into the pool. The
 * finding says the way back in, from the holder to the wait. With no method
 * of the pool below (a closure of one counts as one), it says nothing of the
 * kind. */
static void test_goroutines__a_lock_waited_for_under_its_holder_says_the_way_back_in(void **state)
{
    (void)state;
    size_t len = 0;
    char *text = tu_read_fixture("testdata/realworld/scylladb-gocql-5c76748/artifact.txt", &len);
    gmx_gsnapshot s;
    gmx_findings *f = analyse_paste(text, &s);
    const gmx_finding *top = gmx_findings_at(f, 0);
    assert_int_equal(top->category, GMX_CAT_MUTEX_HELD);
    assert_non_null(strstr(top->title.p, "gocql.(*hostConnPool).connectToShard, below it"));
    assert_non_null(strstr(top->title.p, "(*scyllaConnPicker).Put → gocql.(*scyllaConnPicker).closeExcessConns → "
                                          "gocql.(*Conn).Close → gocql.(*Conn).closeWithError"));
    gmx_findings_free(f);
    gmx_gsnapshot_release(&s);
    /* the pool's methods below the wait made functions (connectToShard, and
     * connectMany's closure the goroutine runs) */
    static const char method[] = "(*hostConnPool).connect", function[] = "hostConnPoolXYZWconnect";
    int renamed = 0;
    for (char *m = strstr(text, method); m; m = strstr(m, method), renamed++)
        memcpy(m, function, sizeof(function) - 1);
    assert_int_equal(renamed, 3); /* two frames and the created-by line */
    f = analyse_paste(text, &s);
    assert_no_title_with(f, "called back in");
    gmx_findings_free(f);
    gmx_gsnapshot_release(&s);
    free(text);
}

/* nats-server 8430 (verbatim in testdata/realworld): (*Server).SetLoggerV2
 * holds s.logging and, the old logger failing to close, calls Errorf, whose
 * executeLogCall waits for the same lock: one goroutine, no minutes. The
 * wait's own caller is a method of *Server, so every method of it below may
 * hold the lock, and all are named; no other goroutine of this whole
 * capture is in a method of *Server, so none can release it: a warning,
 * with a re-entry's advice. With another goroutine in a method of *Server
 * (goroutine 1's frame renamed), it stays info. The lab's ledger, a pile
 * behind a lock an error path left locked with their own bookAsync below
 * book, is no re-entry: a lock has one holder. */
static void test_goroutines__a_lock_no_other_goroutine_can_release_is_a_warning(void **state)
{
    (void)state;
    size_t len = 0;
    char *text = tu_read_fixture("testdata/realworld/nats-io-nats-server-8430/artifact.txt", &len);
    gmx_gsnapshot s;
    gmx_findings *f = analyse_paste(text, &s);
    const gmx_finding *top = gmx_findings_at(f, 0);
    assert_int_equal(top->category, GMX_CAT_MUTEX_HELD);
    assert_non_null(strstr(top->title.p, "a caller below it on the stack may hold: server.(*Server).Errorf, "
                                          "server.(*Server).SetLoggerV2 or server.(*Server).SetLogger"));
    assert_int_equal(top->severity, GMX_SEV_WARNING);
    assert_non_null(strstr(top->advice, "not reentrant"));
    gmx_findings_free(f);
    gmx_gsnapshot_release(&s);
    static const char writer[] = "main.main()\n", other[] = "server.(*Server).Start()";
    char *w = strstr(text, writer);
    assert_non_null(w);
    char *edited = malloc(len + sizeof(other) + 64);
    size_t head = (size_t)(w - text);
    memcpy(edited, text, head);
    size_t k = head + (size_t)sprintf(edited + head, "github.com/nats-io/nats-server/v2/%s\n", other);
    memcpy(edited + k, w + strlen(writer), len - head - strlen(writer) + 1);
    f = analyse_paste(edited, &s);
    top = gmx_findings_at(f, 0);
    assert_non_null(strstr(top->title.p, "may hold"));
    assert_int_equal(top->severity, GMX_SEV_INFO);
    gmx_findings_free(f);
    gmx_gsnapshot_release(&s);
    free(edited);
    free(text);
    f = analyse_fixture("testdata/lab/captures/go1.22/ledger/goroutine-t3.debug2.txt", &s);
    top = gmx_findings_at(f, 0);
    assert_true(gmx_str_eq_cstr(top->site.function, "main.(*ledger).book"));
    assert_true(top->goroutines > 1);
    assert_null(strstr(top->title.p, "may hold"));
    gmx_findings_free(f);
    release(&s, 1);
}

/* The lab's salestax (twelfth held-out round): a region's connection is
 * dialled inside a sync.Once and its handshake read has no deadline; one
 * goroutine runs the Once's function, main.(*engineConn).dial, in IO wait,
 * and every later request queues in doSlow's Lock. The waiters' finding
 * names that function and says what a Once does, its site staying the Do. */
static void test_goroutines__a_once_waited_for_names_its_running_function(void **state)
{
    (void)state;
    gmx_gsnapshot s;
    gmx_findings *f = analyse_fixture("testdata/lab/captures/go1.22/salestax/goroutine-t3.debug2.txt", &s);
    const gmx_finding *top = gmx_findings_at(f, 0);
    assert_int_equal(top->category, GMX_CAT_MUTEX_HELD);
    assert_true(gmx_str_eq_cstr(top->site.function, "main.(*engineConn).rate"));
    assert_non_null(strstr(top->title.p, "sync.Once"));
    assert_non_null(strstr(top->title.p, "main.(*engineConn).dial, has not returned (1 in IO wait"));
    assert_non_null(strstr(top->why.p, "salestax/main.go:45"));
    assert_non_null(strstr(top->advice, "sync.Once"));
    gmx_findings_free(f);
    release(&s, 1);
}

/* The eighteenth held-out core round's usagesync (its Go 1.19 crash
 * traceback): 143 writers of an abandoned io.Pipe wait in io.(*pipe).write
 * at writeRows's line 77, reached through encoding/csv and bufio by three
 * paths (135, 7 and 1 goroutines). They are one pile: one finding counts
 * all 143 across the three stacks, and no other finding is at writeRows.
 * The uploader and the meter, waiting elsewhere, stay apart. */
static void test_goroutines__one_pile_by_several_library_paths(void **state)
{
    (void)state;
    gmx_gsnapshot s;
    gmx_findings *f = analyse_fixture("testdata/core/go1.19/usagesync/crash.txt", &s);
    const gmx_finding *top = gmx_findings_at(f, 0);
    assert_true(gmx_str_eq_cstr(top->site.function, "main.(*exporter).writeRows"));
    assert_int_equal(top->goroutines, 143);
    assert_int_equal(top->npile, 3);
    assert_int_equal(top->bucket->count, 143);
    assert_int_equal(top->pile[0]->count, 135);
    assert_true(top->severity >= GMX_SEV_WARNING);
    assert_non_null(strstr(top->why.p, "one pile over 3 stacks"));
    bool uploader = false;
    for (size_t i = 1; i < gmx_findings_count(f); i++) {
        const gmx_finding *fd = gmx_findings_at(f, i);
        assert_false(gmx_str_eq_cstr(fd->site.function, "main.(*exporter).writeRows"));
        uploader |= gmx_str_eq_cstr(fd->site.function, "main.(*exporter).upload");
    }
    assert_true(uploader);
    gmx_findings_free(f);
    release(&s, 1);
}

/* The eleventh held-out round's parcelrates (its Go 1.19 crash traceback):
 * quotes takes the rate card's read lock at line 97 and, holding it, again
 * in surcharge; a reload's Lock came in between. The 2 holders waiting in
 * surcharge's RLock are the same deadlock as the 124 queued at line 97:
 * one critical finding counts all 126, the holders' own is folded into it.
 * The seating and ledger dumps (sync.Mutex) name no such thing. */
static void test_goroutines__a_recursive_read_lock_counts_its_holders(void **state)
{
    (void)state;
    gmx_gsnapshot s;
    gmx_findings *f = analyse_fixture("testdata/core/go1.19/parcelrates/crash.txt", &s);
    const gmx_finding *queue = gmx_findings_at(f, 0);
    assert_true(gmx_str_eq_cstr(queue->site.function, "main.(*rateCard).quotes"));
    assert_int_equal(queue->site.line, 97);
    assert_int_equal(queue->goroutines, 126);
    assert_int_equal(queue->severity, GMX_SEV_CRITICAL);
    assert_non_null(strstr(queue->title.p, "deadlocked on a read lock"));
    assert_non_null(strstr(queue->why.p, "main.go:75"));
    for (size_t i = 0; i < gmx_findings_count(f); i++)
        assert_false(gmx_str_eq_cstr(gmx_findings_at(f, i)->site.function, "main.(*rateCard).surcharge"));
    gmx_findings_free(f);
    release(&s, 1);
    const char *others[] = { "testdata/lab/captures/go1.22/seating/goroutine-t3.debug2.txt",
                             "testdata/lab/captures/go1.22/ledger/goroutine-t3.debug2.txt" };
    for (size_t k = 0; k < 2; k++) {
        f = analyse_fixture(others[k], &s);
        for (size_t i = 0; i < gmx_findings_count(f); i++)
            assert_null(strstr(gmx_findings_at(f, i)->title.p, "read lock"));
        gmx_findings_free(f);
        release(&s, 1);
    }
}

/* The fourteenth held-out round's eventhooks (its Go 1.27 crash traceback):
 * every delivery to a subscriber that answers 410 retries for good in
 * main.backoff.Do, asleep in time.Sleep at line 58; at the abort one was in
 * an attempt, its request in flight (main.go:51, into post). Both are the
 * go statement's goroutines: one surge counts all 139 the traceback prints
 * through backoff.Do, the attempt's own finding folded into it. A sleeping
 * surge with no attempt (its 1.19 gcore's dump) keeps its count and title. */
static void test_goroutines__a_retry_loops_attempt_counts_with_its_sleepers(void **state)
{
    (void)state;
    gmx_gsnapshot s;
    gmx_findings *f = analyse_fixture("testdata/core/go1.27/eventhooks/crash.txt", &s);
    const gmx_finding *surge = gmx_findings_at(f, 0);
    assert_int_equal(surge->category, GMX_CAT_GOROUTINE_SURGE);
    assert_true(gmx_str_eq_cstr(surge->site.function, "main.backoff.Do"));
    assert_int_equal(surge->goroutines, 139);
    assert_non_null(strstr(surge->title.p, "1 of them in an attempt"));
    for (size_t i = 0; i < gmx_findings_count(f); i++)
        assert_false(gmx_str_eq_cstr(gmx_findings_at(f, i)->site.function, "main.(*dispatcher).post"));
    gmx_findings_free(f);
    release(&s, 1);
    f = analyse_fixture("testdata/core/go1.19/eventhooks/goroutines.txt", &s);
    surge = gmx_findings_at(f, 0);
    assert_int_equal(surge->goroutines, 139);
    assert_null(strstr(surge->title.p, "attempt"));
    gmx_findings_free(f);
    release(&s, 1);
}

static void test_goroutines__json_follows_the_contract(void **state)
{
    (void)state;
    gmx_gsnapshot s = snapshot(60, 0, "");
    gmx_findings *f = analyse(&s, 1, true);
    gmx_input_note note = { .name = gmx_str_cstr("dump.txt"), .kind = "goroutine dump",
                            .goroutines = 61 };
    assert_int_equal(gmx_findings_add_input(f, &note), GMX_OK);
    char *out;
    size_t len;
    gmx_error err;
    gmx_render_options ro = { .show_healthy = true };
    assert_int_equal(gmx_render_json(f, &ro, &out, &len, &err), GMX_OK);
    const char *keys[] = { "\"schema\": \"gomemdx/1\"", "\"inputs\": [", "\"findings\": [",
                           "\"rank\": 1", "\"category\": \"chan-send-blocked\"",
                           "\"severity\": \"warning\"", "\"site\": {", "\"function\": \"main.(*svc).publish\"",
                           "\"line\": 44", "\"created_by\": {", "\"goroutines\": 60",
                           "\"evidence\": {", "\"advice\": \"", "\"healthy\": \"idle keep-alive server connection\"" };
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (!strstr(out, keys[i]))
            fail_msg("JSON lacks %s:\n%s", keys[i], out);
    gmx_render_free(out);

    ro.show_healthy = false;
    assert_int_equal(gmx_render_text(f, &ro, &out, &len, &err), GMX_OK);
    assert_non_null(strstr(out, "#1 WARNING chan-send-blocked: 60 goroutines blocked sending"));
    assert_null(strstr(out, "\033[")); /* no colour unless asked */
    assert_non_null(strstr(out, "not shown (--all shows them)"));
    gmx_render_free(out);
    ro.color = true;
    assert_int_equal(gmx_render_text(f, &ro, &out, &len, &err), GMX_OK);
    assert_non_null(strstr(out, "\033[33mWARNING"));
    gmx_render_free(out);
    /* A narrow terminal: evidence and advice wrap at its width. */
    ro.color = false;
    ro.width = 50;
    assert_int_equal(gmx_render_text(f, &ro, &out, &len, &err), GMX_OK);
    bool in_fix = false;
    for (const char *line = out; *line;) {
        const char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) : strlen(line);
        in_fix = strncmp(line, "   fix:", 7) == 0 || (in_fix && line[0] == ' ' && n > 15 &&
                                                     strncmp(line, "               ", 15) == 0);
        if (in_fix && n > 50)
            fail_msg("advice line of %zu columns at width 50: %.*s", n, (int)n, line);
        line = nl ? nl + 1 : line + n;
    }
    assert_non_null(strstr(out, "   fix:"));
    gmx_render_free(out);
    gmx_findings_free(f);
    release(&s, 1);
}

/* A WaitGroup's Wait in a type's Stop beside goroutines the type's Start
 * began, blocked: the Wait counts them, and they rank above it
 * (tendermint/tendermint#7030, verbatim: the maintainers fixed poolRoutine).
 * The receiver is read only from pointer methods. */
static void test_goroutines__a_waitgroup_waiter_ranks_below_what_it_waits_for(void **state)
{
    (void)state;
    gmx_str recv;
    assert_true(gmx_pointer_receiver(gmx_str_cstr("example.com/p.(*Reactor).OnStop.func1"), &recv));
    assert_true(gmx_str_eq_cstr(recv, "example.com/p.(*Reactor)"));
    assert_false(gmx_pointer_receiver(gmx_str_cstr("example.com/p.Reactor.OnStop"), &recv));
    assert_false(gmx_pointer_receiver(gmx_str_cstr("example.com/p.run.func1"), &recv));

    fixture fx;
    top_of_fixture("testdata/realworld/tendermint-tendermint-7030/artifact.txt", ".(*Reactor).poolRoutine", &fx);
    gmx_findings *f = fx.f;
    bool waiter_seen = false;
    for (size_t i = 0; i < gmx_findings_count(f); i++) {
        const gmx_finding *fd = gmx_findings_at(f, i);
        if (fd->category != GMX_CAT_WAITGROUP_MISMATCH)
            continue;
        waiter_seen = true;
        assert_int_equal(fd->severity, GMX_SEV_WARNING);
        assert_true(i >= 3); /* below the reactor's three blocked goroutines */
    }
    assert_true(waiter_seen);
    fixture_release(&fx);
}

/* A test binary's timeout ("panic: test timed out after 30m0s"): the test's
 * own goroutine, waiting 26 of the 30 minutes in the code it tests, hung
 * it, though no wait reached the hour a service's goroutine is allowed;
 * tests paused in t.Parallel for 29 minutes are the testing package's
 * scheduling, and a busy test only ran slow (grafana/dskit#948, the held-out
 * thirtieth round). */
static void test_goroutines__a_test_timeouts_hung_test_is_a_warning(void **state)
{
    (void)state;
    assert_int_equal(gmx_test_timeout_minutes(gmx_str_cstr("test timed out after 30m0s")), 30);
    assert_int_equal(gmx_test_timeout_minutes(gmx_str_cstr("test timed out after 1h0m0s")), 60);
    assert_int_equal(gmx_test_timeout_minutes(gmx_str_cstr("test timed out after 1.5s")), 1);
    assert_int_equal(gmx_test_timeout_minutes(gmx_str_cstr("runtime error: index out of range")), 0);

    fixture fx;
    const gmx_finding *top = top_of_fixture("testdata/realworld/grafana-dskit-948/artifact.txt",
                                            "ring.DoUntilQuorumWithoutSuccessfulContextCancellation", &fx);
    assert_int_equal(top->severity, GMX_SEV_WARNING);
    for (size_t i = 1; i < gmx_findings_count(fx.f); i++) /* the paused tests stay info */
        assert_int_equal(gmx_findings_at(fx.f, i)->severity, GMX_SEV_INFO);
    fixture_release(&fx);

    size_t len = 0;
    fx.text = tu_read_fixture("testdata/realworld/tendermint-tendermint-4903/artifact.txt", &len);
    fx.f = analyse_paste(fx.text, &fx.s);
    for (size_t i = 0; i < gmx_findings_count(fx.f); i++) /* busy, not hung */
        assert_int_equal(gmx_findings_at(fx.f, i)->severity, GMX_SEV_INFO);
    fixture_release(&fx);
}

/* A goroutine waiting inside a dependency vendored in the application's
 * tree (grpc's flow control under /src/github.com/cilium/tetragon/vendor/)
 * is the application's to fix at its own first frame, the stream handler
 * that called it (cilium/tetragon#511, the held-out thirtieth round). */
static void test_goroutines__a_vendored_wait_is_fixed_in_its_caller(void **state)
{
    (void)state;
    fixture fx;
    const gmx_finding *top =
        top_of_fixture("testdata/realworld/cilium-tetragon-511/artifact.txt", "pkg/server.(*Server).GetEventsWG", &fx);
    assert_int_equal(top->severity, GMX_SEV_WARNING);
    fixture_release(&fx);
}

/* Counts without stacks are summarised as what they are: a histogram of
 * states (restatedev/sdk-go#141's "305 chan send / 48 GC worker (idle)"),
 * or of creators (istio/old_issues_repo#100), not "distinct stacks". */
static void test_goroutines__counts_without_stacks_are_summarised_so(void **state)
{
    (void)state;
    size_t len = 0;
    char *text = tu_read_fixture("testdata/realworld/restatedev-sdk-go-141/artifact.txt", &len);
    char *hist = strstr(text, " 305 chan send");
    assert_non_null(hist);
    char *end = strstr(hist, "```");
    assert_non_null(end);
    *end = '\0';
    gmx_gsnapshot s;
    gmx_findings *f = analyse_paste(hist, &s);
    assert_string_equal(gmx_findings_summary(f).p, "353 goroutines in 2 states (counts without stacks).");
    gmx_findings_free(f);
    gmx_gsnapshot_release(&s);
    free(text);

    text = tu_read_fixture("testdata/realworld/istio-old_issues_repo-100/artifact.txt", &len);
    f = analyse_paste(text, &s);
    assert_string_equal(gmx_findings_summary(f).p, "95,629 goroutines from 9 creators (counts without stacks).");
    gmx_findings_free(f);
    gmx_gsnapshot_release(&s);
    free(text);
}

/* A dependency from the module cache (GOMODCACHE/<module>@<version>/...) is
 * not the code being built: a wait in it is fixed in the application's first
 * frame that called it. ooni/probe-cli#1428 (verbatim in testdata/realworld):
 * quic-go's closeServer waits on the lock its listener's close holds, called
 * from netemx's (*http3Server).Close, the maintainers' fix. */
static void test_goroutines__a_module_cache_wait_is_fixed_in_its_caller(void **state)
{
    (void)state;
    size_t len = 0;
    char *text = tu_read_fixture("testdata/realworld/ooni-probe-cli-1428/artifact.txt", &len);
    gmx_gsnapshot s;
    gmx_findings *f = analyse_paste(text, &s);
    bool caller = false;
    for (size_t i = 0; i < gmx_findings_count(f); i++) {
        const gmx_finding *fd = gmx_findings_at(f, i);
        if (gmx_str_eq_cstr(fd->site.function, "github.com/ooni/probe-cli/v3/internal/netemx.(*http3Server).Close"))
            caller = true;
        /* Only quic-go's own frames on this stack: the dependency stays the site. */
        if (strstr(fd->site.function.p, "quic-go"))
            assert_non_null(strstr(fd->site.function.p, "(*baseServer).close"));
    }
    assert_true(caller);
    gmx_findings_free(f);
    gmx_gsnapshot_release(&s);
    free(text);
}

/* A stack of the standard library only that the catalogue knows is named at
 * the frame the entry names: the leaked Transport's connection reader
 * (net/http.(*persistConn).readLoop), not the read it waits in
 * (net.(*netFD).Read). etcd's afterTest report of the unix Transport's idle
 * connection (etcd-io/etcd#12870, the held-out thirty-second round). */
static void test_goroutines__a_known_std_goroutine_is_named_by_its_entry(void **state)
{
    (void)state;
    size_t len = 0;
    char *text = tu_read_fixture("testdata/realworld/etcd-io-etcd-12870/artifact.txt", &len);
    gmx_gsnapshot s;
    gmx_findings *f = analyse_paste(text, &s);
    bool reader = false;
    for (size_t i = 0; i < gmx_findings_count(f); i++) {
        const gmx_finding *fd = gmx_findings_at(f, i);
        assert_null(strstr(fd->site.function.p, "net.(*netFD).Read"));
        if (strstr(fd->site.function.p, "net/http.(*persistConn).readLoop")) {
            reader = true;
            assert_int_equal(fd->severity, GMX_SEV_WARNING);
            assert_true(fd->site_is_mechanism);
        }
    }
    assert_true(reader);
    gmx_findings_free(f);
    gmx_gsnapshot_release(&s);
    free(text);
}

/* Three stacks pasted between a maintainer's notes on a lock cycle, one
 * without its header and goroutine 1 cut short of main.main, are picked out
 * of their dump: each is a suspect, the headerless one too, though no wait
 * is recorded for it (seaweedfs/seaweedfs#5815, the held-out thirtieth
 * round: the fix is at (*FileHandle).AddChunks). */
static void test_goroutines__a_goroutine_1_cut_short_is_picked_out(void **state)
{
    (void)state;
    fixture fx;
    top_of_fixture("testdata/realworld/seaweedfs-seaweedfs-5815/artifact.txt", "page_writer.", &fx);
    bool seen = false;
    for (size_t i = 0; i < gmx_findings_count(fx.f) && i < 3; i++) {
        const gmx_finding *fd = gmx_findings_at(fx.f, i);
        if (strstr(fd->site.function.p, "mount.(*FileHandle).AddChunks")) {
            seen = true;
            assert_int_equal(fd->severity, GMX_SEV_WARNING);
        }
    }
    assert_true(seen);
    fixture_release(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_goroutines__huge_names_are_cut_not_failed),
        cmocka_unit_test(test_goroutines__labels_are_an_object_in_json),
        cmocka_unit_test(test_goroutines__leak_ranks_first_with_site_creator_and_advice),
        cmocka_unit_test(test_goroutines__small_blocked_bucket_is_only_info),
        cmocka_unit_test(test_goroutines__growth_over_time_is_a_warning_and_summarised),
        cmocka_unit_test(test_goroutines__a_surge_that_drained_is_not_a_leak),
        cmocka_unit_test(test_goroutines__a_fan_out_its_callers_wait_for_is_no_surge),
        cmocka_unit_test(test_goroutines__a_throttled_fan_out_is_no_pile),
        cmocka_unit_test(test_goroutines__a_queue_renewed_over_time_is_no_pile),
        cmocka_unit_test(test_goroutines__a_rise_renewed_over_time_is_no_pile),
        cmocka_unit_test(test_goroutines__a_fixed_set_taking_turns_is_no_pile),
        cmocka_unit_test(test_goroutines__an_accept_loops_connections_are_no_pile),
        cmocka_unit_test(test_goroutines__accepted_connections_waiting_to_write_are_a_pile),
        cmocka_unit_test(test_goroutines__one_goroutine_blocked_for_hours_is_a_warning),
        cmocka_unit_test(test_goroutines__test_binary_main_is_the_framework),
        cmocka_unit_test(test_goroutines__workers_idle_since_start_are_not_leaks),
        cmocka_unit_test(test_goroutines__a_pool_started_together_is_not_a_pile),
        cmocka_unit_test(test_goroutines__ids_spanning_the_whole_history_are_not_one_batch),
        cmocka_unit_test(test_goroutines__a_set_filling_up_is_not_a_pile),
        cmocka_unit_test(test_goroutines__thousands_waiting_stay_critical),
        cmocka_unit_test(test_goroutines__deadlock_is_critical_and_first),
        cmocka_unit_test(test_goroutines__a_lock_order_deadlock_names_both_sides),
        cmocka_unit_test(test_goroutines__locks_crossed_by_type_are_a_lock_order_deadlock),
        cmocka_unit_test(test_goroutines__a_lock_waited_for_under_its_holder_says_the_way_back_in),
        cmocka_unit_test(test_goroutines__a_once_waited_for_names_its_running_function),
        cmocka_unit_test(test_goroutines__a_recursive_read_lock_counts_its_holders),
        cmocka_unit_test(test_goroutines__a_retry_loops_attempt_counts_with_its_sleepers),
        cmocka_unit_test(test_goroutines__json_follows_the_contract),
        cmocka_unit_test(test_goroutines__a_pasted_excerpt_is_the_suspect),
        cmocka_unit_test(test_goroutines__a_grep_count_alone_is_no_pile),
        cmocka_unit_test(test_goroutines__a_picked_record_counts_as_one_stack),
        cmocka_unit_test(test_goroutines__a_cut_profile_is_a_share_of_its_title),
        cmocka_unit_test(test_goroutines__a_reported_std_goroutine_of_the_app_is_the_apps),
        cmocka_unit_test(test_goroutines__a_vendored_dependency_is_not_the_standard_library),
        cmocka_unit_test(test_goroutines__a_waitgroup_waiter_ranks_below_what_it_waits_for),
        cmocka_unit_test(test_goroutines__workers_going_idle_are_not_a_pile),
        cmocka_unit_test(test_goroutines__connections_rising_and_falling_are_no_surge),
        cmocka_unit_test(test_goroutines__a_count_up_and_down_is_no_pile),
        cmocka_unit_test(test_goroutines__waitgroup_waiters_up_and_down_are_no_pile),
        cmocka_unit_test(test_goroutines__one_profile_says_what_would_tell),
        cmocka_unit_test(test_goroutines__a_test_timeouts_hung_test_is_a_warning),
        cmocka_unit_test(test_goroutines__a_vendored_wait_is_fixed_in_its_caller),
        cmocka_unit_test(test_goroutines__a_module_cache_wait_is_fixed_in_its_caller),
        cmocka_unit_test(test_goroutines__counts_without_stacks_are_summarised_so),
        cmocka_unit_test(test_goroutines__a_goroutine_1_cut_short_is_picked_out),
        cmocka_unit_test(test_goroutines__a_known_std_goroutine_is_named_by_its_entry),
        cmocka_unit_test(test_goroutines__one_pile_by_several_library_paths),
        cmocka_unit_test(test_goroutines__a_lock_no_other_goroutine_can_release_is_a_warning),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
