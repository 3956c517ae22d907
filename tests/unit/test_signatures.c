/* analyze/signatures: the catalogue as data — the built-in one parses, a
 * bad user file is refused naming its line, a leak entry applies from its
 * threshold on, user entries come before built-in ones. */
#include "testutil.h"
#include "analyze/sigmatch.h"
#include "gomemdx/signatures.h"
#include "util/str.h"

#include <string.h>

static void test_signatures__builtin_parses_and_cites_sources(void **state)
{
    (void)state;
    gmx_signatures *s = gmx_signatures_new();
    assert_int_equal(gmx_signatures_add_builtin(s, NULL), GMX_OK);
    assert_true(gmx_signatures_count(s) >= 20);
    for (size_t i = 0; i < gmx_signatures_count(s); i++) {
        const gmx_signature *e = gmx_signatures_at(s, i);
        assert_true(strncmp(e->source, "http", 4) == 0);
        assert_true(e->leak == (e->category != GMX_CAT_NONE));
    }
    gmx_signatures_free(s);
}

static void test_signatures__bad_file_names_its_line(void **state)
{
    (void)state;
    static const char bad[] = "format\t1\n# ok\n"
                              "benign\ttop\t^x$\t-\t-\t-\t-\tx\thttps://e.org\n"
                              "leak\ttop\t^y$\t-\t-\t0\tchan-send-blocked\ty\thttps://e.org\n";
    gmx_signatures *s = gmx_signatures_new();
    gmx_error err;
    assert_int_equal(gmx_signatures_parse(s, "mine.tsv", bad, sizeof(bad) - 1, &err), GMX_EFORMAT);
    assert_int_equal(err.line, 4);
    assert_string_equal(err.source, "mine.tsv");
    assert_int_equal(gmx_signatures_count(s), 0); /* nothing half-added */
    static const char noregex[] = "leak\tany\t^(\t-\t-\t1\tchan-send-blocked\ty\thttps://e.org\n";
    assert_int_equal(gmx_signatures_parse(s, "mine.tsv", noregex, sizeof(noregex) - 1, &err),
                     GMX_EFORMAT);
    assert_int_equal(err.line, 1);
    static const char nosource[] = "benign\tany\t^x$\t-\t-\t-\t-\tx\t-\n";
    assert_int_equal(gmx_signatures_parse(s, "mine.tsv", nosource, sizeof(nosource) - 1, &err),
                     GMX_EFORMAT);
    gmx_signatures_free(s);
}

static void test_signatures__leak_threshold_and_user_first(void **state)
{
    (void)state;
    static const char mine[] = "benign\ttop\t^main\\.worker$\t^chan receive$\t-\t-\t-\tmy pool|池\t"
                               "https://e.org/pool\n";
    gmx_signatures *s = gmx_signatures_new();
    assert_int_equal(gmx_signatures_parse(s, "mine.tsv", mine, sizeof(mine) - 1, NULL), GMX_OK);
    assert_int_equal(gmx_signatures_add_builtin(s, NULL), GMX_OK);
    gmx_frame frames[] = {
        { gmx_str_cstr("runtime.gopark"), gmx_str_cstr("/x/runtime/proc.go"), 1 },
        { gmx_str_cstr("main.worker"), gmx_str_cstr("/app/main.go"), 2 },
    };
    gmx_gbucket b = { .frames = frames, .nframes = 2, .count = 3 };
    const gmx_signature *e = gmx_signatures_match(s, &b, gmx_str_cstr("chan receive"), false);
    assert_non_null(e);
    assert_string_equal(e->name, "my pool");
    assert_string_equal(e->name_zh, "池");
    assert_null(gmx_signatures_match(s, &b, gmx_str_cstr("chan send"), false));

    /* net/http readLoop: an idle connection below the pile-up threshold,
     * a leak mechanism from it on. */
    frames[1] = (gmx_frame){ gmx_str_cstr("net/http.(*persistConn).readLoop"),
                             gmx_str_cstr("/x/net/http/transport.go"), 3 };
    e = gmx_signatures_match(s, &b, gmx_str_cstr("IO wait"), false);
    assert_non_null(e);
    assert_false(e->leak);
    b.count = 5000;
    e = gmx_signatures_match(s, &b, gmx_str_cstr("IO wait"), false);
    assert_non_null(e);
    assert_true(e->leak);
    assert_int_equal(e->category, GMX_CAT_IO_NO_TIMEOUT);
    /* Reported by a leak checker after its test: one is already a leak. */
    b.count = 1;
    b.flags = GMX_G_REPORTED;
    e = gmx_signatures_match(s, &b, gmx_str_cstr("IO wait"), false);
    assert_non_null(e);
    assert_true(e->leak);
    assert_int_equal(e->min_reported, 1);
    gmx_signatures_free(s);
}

/* "N/R": R for reported goroutines; a malformed one names its line. */
static void test_signatures__reported_threshold(void **state)
{
    (void)state;
    static const char ok[] = "leak\ttop\t^main\\.f$\t-\t-\t50/2\tchan-send-blocked\tf\thttps://e.org\n";
    gmx_signatures *s = gmx_signatures_new();
    assert_int_equal(gmx_signatures_parse(s, "ok.tsv", ok, sizeof(ok) - 1, NULL), GMX_OK);
    assert_int_equal(gmx_signatures_at(s, 0)->min, 50);
    assert_int_equal(gmx_signatures_at(s, 0)->min_reported, 2);
    gmx_frame frames[] = { { gmx_str_cstr("main.f"), gmx_str_cstr("/app/main.go"), 2 } };
    gmx_gbucket b = { .frames = frames, .nframes = 1, .count = 2 };
    assert_null(gmx_signatures_match(s, &b, gmx_str_cstr(""), false));
    b.flags = GMX_G_REPORTED;
    assert_non_null(gmx_signatures_match(s, &b, gmx_str_cstr(""), false));
    b.count = 1;
    assert_null(gmx_signatures_match(s, &b, gmx_str_cstr(""), false));
    /* Pasted on its own as the suspect: R applies as for a report. */
    b.flags = 0;
    b.count = 2;
    assert_non_null(gmx_signatures_match(s, &b, gmx_str_cstr(""), true));
    b.count = 1;
    assert_null(gmx_signatures_match(s, &b, gmx_str_cstr(""), true));
    gmx_signatures_free(s);
    /* One goroutine picked is no pile, even where R is 1. */
    static const char one[] = "leak\ttop\t^main\\.f$\t-\t-\t50/1\tchan-send-blocked\tf\thttps://e.org\n";
    s = gmx_signatures_new();
    assert_int_equal(gmx_signatures_parse(s, "one.tsv", one, sizeof(one) - 1, NULL), GMX_OK);
    assert_null(gmx_signatures_match(s, &b, gmx_str_cstr(""), true));
    b.count = 2;
    assert_non_null(gmx_signatures_match(s, &b, gmx_str_cstr(""), true));
    gmx_signatures_free(s);

    /* "-/R": only what a leak checker reported, never a pile in a dump. */
    static const char only[] = "leak\ttop\t^main\\.f$\t-\t-\t-/1\tchan-send-blocked\tf\thttps://e.org\n";
    s = gmx_signatures_new();
    assert_int_equal(gmx_signatures_parse(s, "only.tsv", only, sizeof(only) - 1, NULL), GMX_OK);
    assert_int_equal(gmx_signatures_at(s, 0)->min_reported, 1);
    b.flags = 0;
    b.count = 100000;
    assert_null(gmx_signatures_match(s, &b, gmx_str_cstr(""), false));
    /* Nor a daemon pasted on its own: harmless in a live process. */
    b.count = 1;
    assert_null(gmx_signatures_match(s, &b, gmx_str_cstr(""), true));
    b.flags = GMX_G_REPORTED;
    assert_non_null(gmx_signatures_match(s, &b, gmx_str_cstr(""), false));
    /* "-" alone is no count. */
    static const char dash[] = "leak\ttop\t^main\\.f$\t-\t-\t-\tchan-send-blocked\tf\thttps://e.org\n";
    assert_int_equal(gmx_signatures_parse(s, "dash.tsv", dash, sizeof(dash) - 1, NULL), GMX_EFORMAT);
    static const char bad[] = "leak\ttop\t^main\\.f$\t-\t-\t50/0\tchan-send-blocked\tf\thttps://e.org\n";
    gmx_error err;
    assert_int_equal(gmx_signatures_parse(s, "bad.tsv", bad, sizeof(bad) - 1, &err), GMX_EFORMAT);
    assert_int_equal(err.line, 1);
    gmx_signatures_free(s);
}

/* os/exec: a command started with a context keeps a watchCtx goroutine until
 * Cmd.Wait; a pile of them is commands never waited for. The names are the
 * runtime's (Go 1.19 prints the closure, watchCtx.func1; Go 1.20 on, the
 * method), as debug=1 profiles of a program that reaps 60 such commands with
 * Process.Wait show them. */
static void test_signatures__exec_watchctx(void **state)
{
    (void)state;
    gmx_signatures *s = gmx_signatures_new();
    assert_int_equal(gmx_signatures_add_builtin(s, NULL), GMX_OK);
    static const char *const names[] = { "os/exec.(*Cmd).watchCtx", "os/exec.(*Cmd).watchCtx.func1" };
    for (size_t i = 0; i < 2; i++) {
        gmx_frame frames[] = {
            { gmx_str_cstr("runtime.gopark"), gmx_str_cstr("/x/runtime/proc.go"), 1 },
            { gmx_str_cstr(names[i]), gmx_str_cstr("/x/os/exec/exec.go"), 808 },
        };
        /* Commands still running keep one each: no pile below 50. */
        gmx_gbucket b = { .frames = frames, .nframes = 2, .count = 49 };
        const gmx_signature *e = gmx_signatures_match(s, &b, gmx_str_cstr("select"), false);
        assert_true(e == NULL || !e->leak);
        b.count = 60;
        e = gmx_signatures_match(s, &b, gmx_str_cstr("select"), false);
        assert_non_null(e);
        assert_true(e->leak);
        assert_int_equal(e->category, GMX_CAT_SELECT_BLOCKED);
        /* One outliving its test: a command the test never waited for. */
        b.count = 1;
        b.flags = GMX_G_REPORTED;
        e = gmx_signatures_match(s, &b, gmx_str_cstr("select"), false);
        assert_non_null(e);
        assert_true(e->leak);
    }
    /* Other os/exec closures (the pipe copiers) are not this entry. */
    gmx_frame other[] = { { gmx_str_cstr("os/exec.(*Cmd).Start.func2"), gmx_str_cstr("/x/os/exec/exec.go"), 1 } };
    gmx_gbucket o = { .frames = other, .nframes = 1, .count = 60 };
    const gmx_signature *e = gmx_signatures_match(s, &o, gmx_str_cstr("IO wait"), false);
    assert_true(e == NULL || strcmp(e->source, "https://pkg.go.dev/os/exec#Cmd.Start") != 0);
    gmx_signatures_free(s);
}

/* os/exec: a command whose output goes to a Writer that is no *os.File has a
 * goroutine copying it off a pipe for as long as the child runs; a build
 * agent running 64 test shards at once has 64 of them in IO wait, its
 * children's, no calls to a peer (the frames as ciagent's lab dumps print
 * them on Go 1.19-1.27; stdin's copier, stdin.func1 before Go 1.20). */
static void test_signatures__exec_output_copier(void **state)
{
    (void)state;
    gmx_signatures *s = gmx_signatures_new();
    assert_int_equal(gmx_signatures_add_builtin(s, NULL), GMX_OK);
    static const char *const names[] = { "os/exec.(*Cmd).writerDescriptor.func1",
                                         "os/exec.(*Cmd).childStdin.func1", "os/exec.(*Cmd).stdin.func1" };
    for (size_t i = 0; i < 3; i++) {
        gmx_frame frames[] = {
            { gmx_str_cstr("internal/poll.runtime_pollWait"), gmx_str_cstr("/x/runtime/netpoll.go"), 345 },
            { gmx_str_cstr("os.(*File).read"), gmx_str_cstr("/x/os/file_posix.go"), 29 },
            { gmx_str_cstr("io.copyBuffer"), gmx_str_cstr("/x/io/io.go"), 415 },
            { gmx_str_cstr(names[i]), gmx_str_cstr("/x/os/exec/exec.go"), 580 },
            { gmx_str_cstr("os/exec.(*Cmd).Start.func2"), gmx_str_cstr("/x/os/exec/exec.go"), 733 },
        };
        gmx_gbucket b = { .frames = frames, .nframes = 5, .count = 64 };
        const gmx_signature *e = gmx_signatures_match(s, &b, gmx_str_cstr("IO wait"), false);
        assert_non_null(e);
        assert_false(e->leak);
        assert_string_equal(e->source, "https://pkg.go.dev/os/exec#Cmd");
    }
    gmx_signatures_free(s);
}

/* gRPC's CallbackSerializer: each live ClientConn keeps a few, one goroutine
 * each in run until Close cancels their context. One pasted on its own is a
 * live connection's (ydb-go-sdk#1044, "not leak"); a pile of them is
 * ClientConns never closed. */
static void test_signatures__grpc_callback_serializer(void **state)
{
    (void)state;
    gmx_signatures *s = gmx_signatures_new();
    assert_int_equal(gmx_signatures_add_builtin(s, NULL), GMX_OK);
    gmx_frame frames[] = {
        { gmx_str_cstr("runtime.gopark"), gmx_str_cstr("/x/runtime/proc.go"), 1 },
        { gmx_str_cstr("google.golang.org/grpc/internal/grpcsync.(*CallbackSerializer).run"),
          gmx_str_cstr("/x/grpc/internal/grpcsync/callback_serializer.go"), 83 },
    };
    gmx_gbucket b = { .frames = frames, .nframes = 2, .count = 1 };
    const gmx_signature *e = gmx_signatures_match(s, &b, gmx_str_cstr("select"), true);
    assert_non_null(e);
    assert_false(e->leak);
    b.count = 500;
    e = gmx_signatures_match(s, &b, gmx_str_cstr("select"), false);
    assert_non_null(e);
    assert_true(e->leak);
    assert_int_equal(e->category, GMX_CAT_SELECT_BLOCKED);
    gmx_signatures_free(s);
}

/* etcd's client closing a watch substream: sendCloseSubstream gives up
 * after 250 ms and ends, so one a leak checker lists (etcd-io/etcd#12418,
 * verbatim in testdata/realworld) is benign, under each name the package
 * and the type have had; the substream's other goroutines are not it. */
static void test_signatures__etcd_close_substream(void **state)
{
    (void)state;
    gmx_signatures *s = gmx_signatures_new();
    assert_int_equal(gmx_signatures_add_builtin(s, NULL), GMX_OK);
    static const char *const names[] = {
        "go.etcd.io/etcd/v3/clientv3.(*watchGrpcStream).sendCloseSubstream",
        "go.etcd.io/etcd/client/v3.(*watchGRPCStream).sendCloseSubstream",
        "github.com/coreos/etcd/clientv3.(*watchGrpcStream).sendCloseSubstream",
    };
    for (size_t i = 0; i < 3; i++) {
        gmx_frame frames[] = { { gmx_str_cstr(names[i]), gmx_str_cstr("/go/src/clientv3/watch.go"), 464 } };
        gmx_gbucket b = { .frames = frames, .nframes = 1, .count = 1, .flags = GMX_G_REPORTED };
        const gmx_signature *e = gmx_signatures_match(s, &b, gmx_str_cstr("select"), true);
        assert_non_null(e);
        assert_false(e->leak);
    }
    gmx_frame other[] = { { gmx_str_cstr("go.etcd.io/etcd/client/v3.(*watchGRPCStream).run"),
                            gmx_str_cstr("/go/src/client/v3/watch.go"), 600 } };
    gmx_gbucket o = { .frames = other, .nframes = 1, .count = 1, .flags = GMX_G_REPORTED };
    const gmx_signature *e = gmx_signatures_match(s, &o, gmx_str_cstr("select"), true);
    assert_true(e == NULL || strcmp(e->source, "https://github.com/etcd-io/etcd/pull/12418") != 0);
    gmx_signatures_free(s);
}

/* PingCAP's fork of goleveldb runs the same background workers as
 * syndtr's, ending asynchronously after Close: one goleak lists after the
 * restore tests (pingcap/tidb#42124, verbatim in testdata/realworld) is
 * benign, as TiDB's leak checks ignore it (pingcap/tidb#14538); the fork's
 * other goroutines are not. */
static void test_signatures__goleveldb_fork_workers(void **state)
{
    (void)state;
    gmx_signatures *s = gmx_signatures_new();
    assert_int_equal(gmx_signatures_add_builtin(s, NULL), GMX_OK);
    gmx_frame frames[] = {
        { gmx_str_cstr("github.com/pingcap/goleveldb/leveldb.(*DB).mpoolDrain"),
          gmx_str_cstr("external/com_github_pingcap_goleveldb/leveldb/db_state.go"), 110 },
    };
    gmx_gbucket b = { .frames = frames, .nframes = 1, .count = 1, .flags = GMX_G_REPORTED };
    const gmx_signature *e = gmx_signatures_match(s, &b, gmx_str_cstr("select"), true);
    assert_non_null(e);
    assert_false(e->leak);
    assert_string_equal(e->source, "https://github.com/pingcap/tidb/pull/14538");
    gmx_frame other[] = { { gmx_str_cstr("github.com/pingcap/goleveldb/leveldb.(*DB).Get"),
                            gmx_str_cstr("external/com_github_pingcap_goleveldb/leveldb/db.go"), 800 } };
    gmx_gbucket o = { .frames = other, .nframes = 1, .count = 1, .flags = GMX_G_REPORTED };
    e = gmx_signatures_match(s, &o, gmx_str_cstr("select"), true);
    assert_true(e == NULL || strcmp(e->source, "https://github.com/pingcap/tidb/pull/14538") != 0);
    gmx_signatures_free(s);
}

/* NATS server Raft groups: each node's run loop lives as long as the node
 * ("expected ... to run for the entire life of the Raft node once started",
 * server/raft.go). The three labelled debug=1 records a maintainer pasted as
 * the example of a running server (nats-io/nats-server#4545, verbatim in
 * testdata/realworld) are benign, pasted on their own or not; one a leak
 * checker lists after a test is a node never stopped. */
static void test_signatures__nats_raft_run_loop(void **state)
{
    (void)state;
    gmx_signatures *s = gmx_signatures_new();
    assert_int_equal(gmx_signatures_add_builtin(s, NULL), GMX_OK);
    static const char *const tops[] = {
        "github.com/nats-io/nats-server/v2/server.(*raft).runAsFollower",
        "github.com/nats-io/nats-server/v2/server.(*raft).runAsLeader",
    };
    for (size_t i = 0; i < 2; i++) {
        gmx_frame frames[] = {
            { gmx_str_cstr(tops[i]), gmx_str_cstr("server/raft.go"), 1795 },
            { gmx_str_cstr("github.com/nats-io/nats-server/v2/server.(*raft).run"),
              gmx_str_cstr("server/raft.go"), 1715 },
            { gmx_str_cstr("github.com/nats-io/nats-server/v2/server.(*Server).startGoRoutine.func1"),
              gmx_str_cstr("server/server.go"), 3609 },
        };
        gmx_gbucket b = { .frames = frames, .nframes = 3, .count = 1 };
        const gmx_signature *e = gmx_signatures_match(s, &b, gmx_str_cstr(""), true);
        assert_non_null(e);
        assert_false(e->leak);
        b.count = 2000;
        e = gmx_signatures_match(s, &b, gmx_str_cstr(""), false);
        assert_non_null(e);
        assert_false(e->leak);
        b.count = 1;
        b.flags = GMX_G_REPORTED;
        e = gmx_signatures_match(s, &b, gmx_str_cstr("select"), false);
        assert_non_null(e);
        assert_true(e->leak);
    }
    /* The server's other goroutines are not it. */
    gmx_frame other[] = { { gmx_str_cstr("github.com/nats-io/nats-server/v2/server.(*raft).runCatchup"),
                            gmx_str_cstr("server/raft.go"), 3560 } };
    gmx_gbucket o = { .frames = other, .nframes = 1, .count = 1 };
    const gmx_signature *e = gmx_signatures_match(s, &o, gmx_str_cstr("select"), true);
    assert_true(e == NULL || strcmp(e->source, "https://github.com/nats-io/nats-server/blob/main/server/raft.go") != 0);
    gmx_signatures_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signatures__builtin_parses_and_cites_sources),
        cmocka_unit_test(test_signatures__bad_file_names_its_line),
        cmocka_unit_test(test_signatures__leak_threshold_and_user_first),
        cmocka_unit_test(test_signatures__reported_threshold),
        cmocka_unit_test(test_signatures__exec_watchctx),
        cmocka_unit_test(test_signatures__exec_output_copier),
        cmocka_unit_test(test_signatures__grpc_callback_serializer),
        cmocka_unit_test(test_signatures__etcd_close_substream),
        cmocka_unit_test(test_signatures__goleveldb_fork_workers),
        cmocka_unit_test(test_signatures__nats_raft_run_loop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
