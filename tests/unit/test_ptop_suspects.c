/* Suspects of one pasted go tool pprof -top table: ranked by cum, the
 * runtime and plain standard-library rows left out, severity kept to what
 * one snapshot proves. Tables verbatim from the public threads named. */
#include "testutil.h"
#include "analyze/ptop_suspects.h"
#include "gomemdx/ptoptext.h"

#include <stdio.h>
#include <string.h>

#include "util/str.h"

static gmx_findings *suspects(const char *text, gmx_ptop_info *info)
{
    gmx_hsnapshot *h = gmx_hsnapshot_new(0);
    gmx_error err;
    assert_int_equal(gmx_ptoptext_parse("t.txt", text, strlen(text), h, info, &err), GMX_OK);
    gmx_hsnapshot_free(h);
    gmx_findings *f = gmx_findings_new();
    assert_int_equal(gmx_ptop_suspects(info, f), GMX_OK);
    gmx_findings_rank(f);
    return f;
}

static bool site_is(const gmx_finding *fd, const char *func)
{
    return fd->has_site && gmx_str_eq_cstr(fd->site.function, func);
}

/* https://github.com/nats-io/stan.go/issues/365 (inuse_space): library
 * sites outside the standard library rank by cum; context.WithValue (the
 * standard library, no leak mechanism) is left out. */
static void test_inuse_ranked_by_cum(void **state)
{
    (void)state;
    static const char t[] =
        "Type: inuse_space\n"
        "      flat  flat%   sum%        cum   cum%\n"
        "   81.52MB 28.68% 28.68%   126.02MB 44.33%  google.golang.org/grpc/internal/transport.(*http2Server).operateHeaders\n"
        "   18.50MB  6.51% 35.19%    18.50MB  6.51%  golang.org/x/net/http2/hpack.(*Decoder).readString\n"
        "   18.46MB  6.49% 41.68%    40.71MB 14.32%  github.com/nats-io/stan%2ego.(*conn).subscribe\n"
        "   15.50MB  5.45% 47.13%    15.50MB  5.45%  context.WithValue\n";
    gmx_ptop_info info;
    gmx_findings *f = suspects(t, &info);
    assert_int_equal(gmx_findings_count(f), 3);
    assert_true(site_is(gmx_findings_at(f, 0), "google.golang.org/grpc/internal/transport.(*http2Server).operateHeaders"));
    assert_true(site_is(gmx_findings_at(f, 1), "github.com/nats-io/stan%2ego.(*conn).subscribe"));
    assert_int_equal(gmx_findings_at(f, 1)->severity, GMX_SEV_WARNING);
    assert_int_equal(gmx_findings_at(f, 2)->severity, GMX_SEV_INFO); /* 6.51% < a tenth */
    assert_int_equal(gmx_findings_at(f, 0)->category, GMX_CAT_HEAP_GROWTH);
    gmx_findings_free(f);
}

/* https://github.com/census-instrumentation/opencensus-go/pull/1203: main.main
 * reaches every row alike and ranks by what it holds itself (29%); of two
 * rows reaching 66%, the one holding it (evictedQueue.add) beats its
 * inlined wrapper (EQ.Add, flat 0). */
static void test_entry_ranked_by_flat(void **state)
{
    (void)state;
    static const char t[] =
        "Type: inuse_space\n"
        "      flat  flat%   sum%        cum   cum%\n"
        "  425.91MB 66.34% 66.34%   425.91MB 66.34%  go.opencensus.io/trace.(*evictedQueue).add (inline)\n"
        "     187MB 29.13% 95.47%   641.46MB 99.92%  main.main\n"
        "    2.50MB  0.39% 99.92%       25MB  3.89%  go.opencensus.io/trace.NewEQ (inline)\n"
        "         0     0% 99.92%   425.91MB 66.34%  go.opencensus.io/trace.(*EQ).Add (inline)\n";
    gmx_ptop_info info;
    gmx_findings *f = suspects(t, &info);
    assert_true(site_is(gmx_findings_at(f, 0), "go.opencensus.io/trace.(*evictedQueue).add"));
    assert_true(site_is(gmx_findings_at(f, 1), "go.opencensus.io/trace.(*EQ).Add"));
    assert_true(site_is(gmx_findings_at(f, 2), "main.main"));
    gmx_findings_free(f);
}

/* https://github.com/grafana-cold-storage/metrictank/issues/83: GetOrCreate
 * reaches 97.06% holding 0.21%; NewAggMetric, reaching no more, holds 96.85%
 * itself: GetOrCreate wraps it and ranks right after it. */
static void test_wrapper_after_holder(void **state)
{
    (void)state;
    static const char t[] =
        "(pprof) top\n"
        "4.96GB of 4.99GB total (99.46%)\n"
        "      flat  flat%   sum%        cum   cum%\n"
        "    4.83GB 96.85% 96.85%     4.83GB 96.85%  main.NewAggMetric\n"
        "    0.06GB  1.11% 97.96%     0.06GB  1.11%  bytes.makeSlice\n"
        "    0.01GB  0.21% 99.26%     4.84GB 97.06%  main.(*AggMetrics).GetOrCreate\n"
        "         0     0% 99.46%     4.97GB 99.64%  github.com/nsqio/go-nsq.(*Consumer).handlerLoop\n";
    gmx_ptop_info info;
    gmx_findings *f = suspects(t, &info);
    assert_int_equal(gmx_findings_count(f), 2);
    assert_true(site_is(gmx_findings_at(f, 0), "main.NewAggMetric"));
    assert_true(site_is(gmx_findings_at(f, 1), "main.(*AggMetrics).GetOrCreate"));
    gmx_findings_free(f);
}

/* https://github.com/hashicorp/raft/issues/291: (*Raft).VerifyLeader reaches
 * 91.34% and holds 31.54% itself beside the 59.80% of the future helper
 * inlined into it: an allocation site, not a wrapper, so it ranks by its
 * reach, first (fixed by hashicorp/raft#292 in VerifyLeader's futures). */
static void test_allocating_caller_not_wrapper(void **state)
{
    (void)state;
    static const char t[] =
        "(pprof) top3\n"
        "Showing nodes accounting for 278.57MB, 96.01% of 290.15MB total\n"
        "Dropped 96 nodes (cum <= 1.45MB)\n"
        "Showing top 3 nodes out of 85\n"
        "      flat  flat%   sum%        cum   cum%\n"
        "  173.51MB 59.80% 59.80%   173.51MB 59.80%  ucore/vendor/github.com/hashicorp/consul/vendor/github.com/hashicorp/raft.(*deferError).init (inline)\n"
        "   91.51MB 31.54% 91.34%   265.02MB 91.34%  ucore/vendor/github.com/hashicorp/consul/vendor/github.com/hashicorp/raft.(*Raft).VerifyLeader\n"
        "   13.55MB  4.67% 96.01%    13.55MB  4.67%  ucore/vendor/github.com/hashicorp/consul/vendor/github.com/hashicorp/raft.(*Raft).verifyLeader\n";
    gmx_ptop_info info;
    gmx_findings *f = suspects(t, &info);
    assert_true(gmx_findings_count(f) >= 2);
    assert_true(site_is(gmx_findings_at(f, 0), "ucore/vendor/github.com/hashicorp/consul/vendor/github.com/hashicorp/raft.(*Raft).VerifyLeader"));
    assert_true(site_is(gmx_findings_at(f, 1), "ucore/vendor/github.com/hashicorp/consul/vendor/github.com/hashicorp/raft.(*deferError).init"));
    gmx_findings_free(f);
}

/* https://github.com/golang/go/issues/30380 and minio/minio#9781: alloc_space
 * is churn; a user site is info, a timer mechanism a warning. */
static void test_churn(void **state)
{
    (void)state;
    static const char user[] = "go tool pprof -alloc_space\n"
                               "flat flat% sum% cum  cum%\n"
                               "22MB 9.17% 88.82% 223.91MB 92.99% github.com/x/svc.ReqMsgDispath\n";
    gmx_ptop_info info;
    gmx_findings *f = suspects(user, &info);
    assert_true(info.churn);
    assert_int_equal(gmx_findings_count(f), 1);
    assert_int_equal(gmx_findings_at(f, 0)->severity, GMX_SEV_INFO);
    gmx_findings_free(f);
    static const char timer[] = "Type: alloc_space\n"
                                "      flat  flat%   sum%        cum   cum%\n"
                                "    5.95TB 66.50% 66.50%     5.95TB 66.50%  time.NewTimer\n"
                                "    1.16TB 13.02% 79.51%     1.16TB 13.02%  github.com/ncw/directio.AlignedBlock\n";
    f = suspects(timer, &info);
    assert_true(site_is(gmx_findings_at(f, 0), "time.NewTimer"));
    assert_int_equal(gmx_findings_at(f, 0)->severity, GMX_SEV_WARNING);
    assert_int_equal(gmx_findings_at(f, 0)->category, GMX_CAT_TIMER_LEAK);
    assert_true(gmx_findings_at(f, 0)->site_is_mechanism);
    assert_int_equal(gmx_findings_at(f, 1)->severity, GMX_SEV_INFO);
    gmx_findings_free(f);
}

/* https://github.com/open-policy-agent/opa/issues/2172 (no leak): only
 * standard-library rows without a mechanism: no suspect at all. */
static void test_std_only(void **state)
{
    (void)state;
    static const char t[] =
        "Type: inuse_space\n"
        "      flat  flat%   sum%        cum   cum%\n"
        "  256.10MB 27.47% 27.47%   931.42MB 99.89%  encoding/json.(*decodeState).objectInterface\n"
        "     119MB 12.76% 86.86%      119MB 12.76%  encoding/json.(*decodeState).convertNumber\n";
    gmx_ptop_info info;
    gmx_findings *f = suspects(t, &info);
    assert_int_equal(gmx_findings_count(f), 0);
    gmx_findings_free(f);
}

/* https://github.com/authzed/spicedb/issues/235: a goroutine table; the
 * wait (chansend) covers both sites; runtime rows and a root are left out. */
static void test_goroutines(void **state)
{
    (void)state;
    static const char t[] =
        "      flat  flat%   sum%        cum   cum%\n"
        "     44362   100%   100%      44362   100%  runtime.gopark\n"
        "         0     0%   100%      44364   100%  main.main\n"
        "         0     0%   100%       6888 15.53%  github.com/authzed/spicedb/internal/datastore/proxy.hedgingProxy.ReadNamespace.func1\n"
        "         0     0%   100%      37158 83.76%  github.com/authzed/spicedb/internal/datastore/proxy.hedgingProxy.Revision.func1\n"
        "         0     0%   100%      44260 99.77%  runtime.chansend\n";
    gmx_ptop_info info;
    gmx_findings *f = suspects(t, &info);
    assert_true(info.goroutines);
    assert_int_equal(gmx_findings_count(f), 2);
    const gmx_finding *top = gmx_findings_at(f, 0);
    assert_true(site_is(top, "github.com/authzed/spicedb/internal/datastore/proxy.hedgingProxy.Revision.func1"));
    assert_int_equal(top->category, GMX_CAT_CHAN_SEND_BLOCKED);
    assert_int_equal(top->severity, GMX_SEV_CRITICAL);
    assert_true(top->has_goroutines && top->goroutines == 37158);
    assert_false(top->has_bytes);
    gmx_findings_free(f);
}

/* https://github.com/open-telemetry/opentelemetry-ebpf-instrumentation/issues/3226
 * (names shortened as pasted): maps.clone holds what (*FileInfo).ServiceAttrs
 * reaches; the caller is named, not the pipeline's goroutine above it, and
 * "pipe/swarm" or "internal/procs" are no standard-library paths. */
static void test_std_holder_named_by_caller(void **state)
{
    (void)state;
    static const char t[] =
        "Showing nodes accounting for 1656.72MB, 98.34% of 1684.65MB total\n"
        "      flat  flat%   sum%        cum   cum%\n"
        "         0     0%     0%   960.19MB 57.00%  pipe/swarm.(*Runner).Start.func2\n"
        "         0     0%     0%   925.66MB 54.95%  appolly/discover/exec.(*FileInfo).ServiceAttrs\n"
        "  925.66MB 54.95% 54.95%   925.66MB 54.95%  maps.clone\n"
        "  691.31MB 41.04% 96.01%   691.31MB 41.04%  internal/procs.envStrsToMap\n";
    gmx_ptop_info info;
    gmx_findings *f = suspects(t, &info);
    assert_true(site_is(gmx_findings_at(f, 0), "appolly/discover/exec.(*FileInfo).ServiceAttrs"));
    assert_true(site_is(gmx_findings_at(f, 1), "pipe/swarm.(*Runner).Start.func2"));
    assert_true(site_is(gmx_findings_at(f, 2), "internal/procs.envStrsToMap"));
    gmx_findings_free(f);
}

/* https://github.com/influxdata/telegraf/issues/942 ("not a memory leak"):
 * a 2.8 MB heap is a suspect of no consequence; a timer mechanism is one
 * at any size. */
static void test_small_heap_info(void **state)
{
    (void)state;
    static const char t[] =
        "(pprof) top\n"
        "2816.90kB of 2816.90kB total (  100%)\n"
        "      flat  flat%   sum%        cum   cum%\n"
        " 2304.77kB 81.82% 81.82%  2304.77kB 81.82%  github.com/zensqlmonitor/go-mssqldb.init\n"
        "  512.12kB 18.18%   100%   512.12kB 18.18%  time.NewTimer\n";
    gmx_ptop_info info;
    gmx_findings *f = suspects(t, &info);
    assert_int_equal(gmx_findings_count(f), 2);
    for (size_t i = 0; i < 2; i++) {
        const gmx_finding *fd = gmx_findings_at(f, i);
        assert_int_equal(fd->severity, site_is(fd, "time.NewTimer") ? GMX_SEV_WARNING : GMX_SEV_INFO);
    }
    gmx_findings_free(f);
}

/* https://github.com/grafana-cold-storage/metrictank/issues/1058: the
 * vendored gocql holds more, the application's chunk cache is named first. */
static void test_own_code_before_vendored(void **state)
{
    (void)state;
    static const char t[] =
        "Showing nodes accounting for 3.59GB, 91.62% of 3.92GB total\n"
        "      flat  flat%   sum%        cum   cum%\n"
        "    1.10GB 27.98% 27.98%     1.10GB 27.98%  github.com/grafana/metrictank/vendor/github.com/gocql/gocql.copyBytes\n"
        "    0.66GB 16.86% 44.84%     0.66GB 16.86%  github.com/grafana/metrictank/mdata/cache.(*CCacheMetric).AddRange\n"
        "    0.27GB  6.83% 51.67%     0.27GB  6.83%  container/list.(*List).insertValue (inline)\n";
    gmx_ptop_info info;
    gmx_findings *f = suspects(t, &info);
    assert_int_equal(gmx_findings_count(f), 2);
    assert_true(site_is(gmx_findings_at(f, 0), "github.com/grafana/metrictank/mdata/cache.(*CCacheMetric).AddRange"));
    assert_true(site_is(gmx_findings_at(f, 1), "github.com/grafana/metrictank/vendor/github.com/gocql/gocql.copyBytes"));
    gmx_findings_free(f);
}

/* https://github.com/dgraph-io/badger/issues/106 (verbatim rows): 442 MB in a
 * pool's Get, the arenas badger keeps for reuse, is no warning in one
 * snapshot; a cache's buffers (https://github.com/coocood/freecache/issues/26,
 * several caches made where one was meant) stay one. */
static void test_pool_free_list_info(void **state)
{
    (void)state;
    static const char badger[] =
        "455.49MB of 456.50MB total (99.78%)\n"
        "flat  flat%   sum%        cum   cum%\n"
        "441.61MB 96.74% 96.74%   441.61MB 96.74%  github.com/dgraph-io/badger/skl.(*ArenaPool).Get\n"
        "13.88MB  3.04% 99.78%    14.38MB  3.15%  github.com/dgraph-io/badger.(*valueLog).Open\n";
    gmx_ptop_info info;
    gmx_findings *f = suspects(badger, &info);
    assert_true(gmx_findings_count(f) >= 1);
    assert_true(site_is(gmx_findings_at(f, 0), "github.com/dgraph-io/badger/skl.(*ArenaPool).Get"));
    for (size_t i = 0; i < gmx_findings_count(f); i++)
        assert_int_equal(gmx_findings_at(f, i)->severity, GMX_SEV_INFO);
    assert_non_null(strstr(gmx_findings_at(f, 0)->why.p, "a pool's Get"));
    gmx_findings_free(f);
    static const char freecache[] =
        "      flat  flat%   sum%        cum   cum%\n"
        " 1278.15MB 98.40% 98.40%  1278.15MB 98.40%  .../vendor/github.com/coocood/freecache.NewRingBuf /go/src/.../vendor/github.com/coocood/freecache/ringbuf.go (inline)\n"
        "   13.55MB  1.04% 99.44%  1291.70MB 99.44% .../vendor/github.com/coocood/freecache.newSegment /go/src/.../vendor/github.com/coocood/freecache/segment.go (inline)\n";
    f = suspects(freecache, &info);
    assert_true(site_is(gmx_findings_at(f, 0), ".../vendor/github.com/coocood/freecache.NewRingBuf"));
    assert_int_equal(gmx_findings_at(f, 0)->severity, GMX_SEV_WARNING);
    gmx_findings_free(f);
}

/* The table's first finding is a timer leak named at caller, and no later
 * finding names caller or the timer row again. */
static void assert_timer_leak_at(gmx_findings *f, const char *caller, const char *timer)
{
    assert_true(site_is(gmx_findings_at(f, 0), caller));
    assert_int_equal(gmx_findings_at(f, 0)->category, GMX_CAT_TIMER_LEAK);
    assert_false(gmx_findings_at(f, 0)->site_is_mechanism);
    for (size_t i = 1; i < gmx_findings_count(f); i++)
        assert_false(site_is(gmx_findings_at(f, i), caller) || site_is(gmx_findings_at(f, i), timer));
}

/* https://github.com/cbeuw/Cloak/issues/137 (verbatim rows): time.AfterFunc's
 * 54.70MB is all that (*streamBufferedPipe).WriteTo reaches beyond its own
 * 12.50MB; the maintainer's fix was in that loop. One finding, a timer
 * leak named at the caller; time.startTimer under AfterFunc is the same. */
static void test_mechanism_named_at_table_caller(void **state)
{
    (void)state;
    static const char t[] =
        "Showing nodes accounting for 71.75MB, 100% of 71.75MB total\n"
        "      flat  flat%   sum%        cum   cum%\n"
        "      49MB 68.30% 68.30%    54.70MB 76.23%  time.AfterFunc\n"
        "   12.50MB 17.42% 85.72%    67.20MB 93.66%  github.com/cbeuw/Cloak/internal/multiplex.(*streamBufferedPipe).WriteTo\n"
        "    5.69MB  7.93% 93.66%     5.69MB  7.93%  time.startTimer\n"
        "    2.02MB  2.81% 96.46%     2.52MB  3.51%  github.com/cbeuw/Cloak/internal/multiplex.MakeSession\n";
    gmx_ptop_info info;
    gmx_findings *f = suspects(t, &info);
    assert_timer_leak_at(f, "github.com/cbeuw/Cloak/internal/multiplex.(*streamBufferedPipe).WriteTo",
                         "time.startTimer");
    gmx_findings_free(f);
}

/* https://github.com/apache/pulsar/issues/5626 (verbatim rows): three rows
 * reach the timers' 100% with nothing of their own; main.main is the entry,
 * and of the other two the table cannot tell the caller: the first is named,
 * the second said in the title. */
static void test_mechanism_caller_tie(void **state)
{
    (void)state;
    static const char t[] =
        "Showing nodes accounting for 31.29MB, 100% of 31.29MB total\n"
        "      flat  flat%   sum%        cum   cum%\n"
        "      30MB 95.88% 95.88%    31.29MB   100%  time.NewTimer\n"
        "    1.29MB  4.12%   100%     1.29MB  4.12%  time.startTimer\n"
        "         0     0%   100%    31.29MB   100%  github.com/apache/pulsar/pulsar-function-go/pf.(*goInstance).startFunction\n"
        "         0     0%   100%    31.29MB   100%  github.com/apache/pulsar/pulsar-function-go/pf.Start\n"
        "         0     0%   100%    31.29MB   100%  main.main\n"
        "         0     0%   100%    31.29MB   100%  runtime.main\n";
    gmx_ptop_info info;
    gmx_findings *f = suspects(t, &info);
    assert_int_equal(gmx_findings_count(f), 1);
    const gmx_finding *fd = gmx_findings_at(f, 0);
    assert_true(site_is(fd, "github.com/apache/pulsar/pulsar-function-go/pf.(*goInstance).startFunction"));
    assert_true(gmx_str_find(fd->title, "pf.Start: the table cannot tell") != SIZE_MAX);
    assert_int_equal(fd->severity, GMX_SEV_WARNING); /* 31 MB: a mechanism at any size */
    gmx_findings_free(f);
}

/* https://github.com/jellydator/ttlcache/pull/18 (verbatim): a -peek block
 * names time.NewTimer's caller, which no -top row shows; the block's own
 * row is the table's, read once. */
static void test_mechanism_named_at_peek_caller(void **state)
{
    (void)state;
    static const char t[] =
        "Showing nodes accounting for 1181.16MB, 99.36% of 1188.80MB total\n"
        "      flat  flat%   sum%        cum   cum%\n"
        "  983.58MB 82.74% 82.74%  1034.31MB 87.00%  time.NewTimer\n"
        "   50.73MB  4.27% 87.00%    50.73MB  4.27%  time.startTimer\n"
        "\n"
        "[...]\n"
        "----------------------------------------------------------+-------------\n"
        "      flat  flat%   sum%        cum   cum%   calls calls% + context \t \t \n"
        "----------------------------------------------------------+-------------\n"
        "                                         1034.31MB   100% |   github.com/ReneKroon/ttlcache.(*Cache).startExpirationProcessing\n"
        "  983.58MB 82.74% 82.74%  1034.31MB 87.00%                | time.NewTimer\n"
        "                                           50.73MB  4.90% |   time.startTimer\n";
    gmx_ptop_info info;
    gmx_findings *f = suspects(t, &info);
    assert_int_equal(info.ntop, 2);
    assert_int_equal(info.nedges, 1);
    assert_string_equal(info.edges[0].callee, "time.NewTimer");
    assert_int_equal(gmx_findings_count(f), 1);
    assert_true(site_is(gmx_findings_at(f, 0), "github.com/ReneKroon/ttlcache.(*Cache).startExpirationProcessing"));
    assert_int_equal(gmx_findings_at(f, 0)->category, GMX_CAT_TIMER_LEAK);
    gmx_findings_free(f);
}

/* https://github.com/olivere/elastic/pull/83 (verbatim rows): a Ticker made
 * on every pass of the client's healthchecker and never stopped. The
 * healthchecker reaches 66.75% of the table, less than the tickers' 71.86%
 * (other code makes tickers too), so it is no single caller by reach; but
 * all flats add up to the total, so at least 66.75 + 71.86 - 100 = 38.61%,
 * most of the tickers, are under it: the timer leak is named there. */
static void test_mechanism_named_at_majority_caller(void **state)
{
    (void)state;
    static const char t[] =
        "91.51MB of 127.35MB total (71.86%)\n"
        "Dropped 735 nodes (cum <= 0.64MB)\n"
        "Showing top 30 nodes out of 67 (cum >= 6.50MB)\n"
        "      flat  flat%   sum%        cum   cum%\n"
        "         0     0%     0%   117.35MB 92.15%  runtime.goexit\n"
        "   91.51MB 71.86% 71.86%    91.51MB 71.86%  time.NewTicker\n"
        "         0     0% 71.86%    85.01MB 66.75%  github.com/olivere/elastic.(*Client).healthchecker\n"
        "         0     0% 71.86%     9.40MB  7.38%  main.(*Server).main\n";
    gmx_ptop_info info;
    gmx_findings *f = suspects(t, &info);
    assert_timer_leak_at(f, "github.com/olivere/elastic.(*Client).healthchecker", "time.NewTicker");
    gmx_findings_free(f);
}

/* go tool pprof 1.27's -top -base of the lab's ingestor (heap-t1 as the
 * base of heap-t3), pasted with its command: every row grew, so only the
 * command tells the table is a change, 13.55 MB between two profiles, and
 * the finding says so. A change this small is info, as a small heap is. */
static void test_base_table_grew(void **state)
{
    (void)state;
    static const char t[] =
        "$ go tool pprof -top -base heap-t1.pb.gz heap-t3.pb.gz\n"
        "File: ingestor\n"
        "Build ID: 437b6597e900454b1488b92aba8247f8c60c9c71\n"
        "Type: inuse_space\n"
        "Time: 2026-12-05 07:27:08 UTC\n"
        "Showing nodes accounting for 13.55MB, 100% of 13.55MB total\n"
        "      flat  flat%   sum%        cum   cum%\n"
        "   13.55MB   100%   100%    13.55MB   100%  main.(*ingestor).newLineScanner\n"
        "         0     0%   100%    13.55MB   100%  main.(*ingestor).index\n";
    gmx_ptop_info info;
    gmx_findings *f = suspects(t, &info);
    assert_true(info.diff);
    assert_int_equal(gmx_findings_count(f), 1);
    const gmx_finding *fd = gmx_findings_at(f, 0);
    assert_true(site_is(fd, "main.(*ingestor).newLineScanner"));
    assert_true(gmx_str_find(fd->title, "between the two profiles") != SIZE_MAX);
    assert_true(gmx_str_find(fd->title, "pprof -base table") != SIZE_MAX);
    assert_int_equal(fd->bytes, (uint64_t)(13.55 * 1024 * 1024 + 0.5));
    assert_int_equal(fd->severity, GMX_SEV_INFO);
    gmx_findings_free(f);

    /* The same table without its command is a profile's own table, and so
     * it is after prose that names the flag. */
    f = suspects(strchr(t, '\n') + 1, &info);
    assert_false(info.diff);
    assert_true(gmx_str_find(gmx_findings_at(f, 0)->title, "one snapshot") != SIZE_MAX);
    gmx_findings_free(f);
    char prose[1024];
    snprintf(prose, sizeof(prose), "I will compare with -base later.\n%s", strchr(t, '\n') + 1);
    f = suspects(prose, &info);
    assert_false(info.diff);
    gmx_findings_free(f);
}

/* go tool pprof 1.27's -top -base of the lab's backups (heap-t2 as the
 * base of heap-t3), no command pasted: a row that shrank tells it is a
 * change. What shrank is no suspect; what grew is, at its own bytes. */
static void test_base_table_mixed(void **state)
{
    (void)state;
    static const char t[] =
        "File: backups\n"
        "Type: inuse_space\n"
        "Showing nodes accounting for 3803.88kB, 30.67% of 12402.12kB total\n"
        "      flat  flat%   sum%        cum   cum%\n"
        " 3818.04kB 30.79% 30.79%  3818.04kB 30.79%  io.ReadAll\n"
        " -528.17kB  4.26% 26.53%  -528.17kB  4.26%  net/http.init.func2\n"
        "     514kB  4.14% 30.67%      514kB  4.14%  bufio.NewWriterSize (inline)\n"
        "         0     0% 30.67%  3818.04kB 30.79%  main.(*receiver).handleChunk\n"
        "         0     0% 30.67%  -528.17kB  4.26%  net/http.(*Request).write\n"
        "         0     0% 30.67%  3818.04kB 30.79%  net/http.(*ServeMux).ServeHTTP\n"
        "         0     0% 30.67%      514kB  4.14%  net/http.(*Transport).dialConn\n";
    gmx_ptop_info info;
    gmx_findings *f = suspects(t, &info);
    assert_true(info.diff);
    assert_true(gmx_findings_count(f) >= 1);
    assert_true(site_is(gmx_findings_at(f, 0), "main.(*receiver).handleChunk"));
    for (size_t i = 0; i < gmx_findings_count(f); i++) {
        const gmx_finding *fd = gmx_findings_at(f, i);
        assert_false(site_is(fd, "net/http.(*Request).write"));
        assert_true(fd->bytes <= (uint64_t)(12402.12 * 1024));
    }
    gmx_findings_free(f);
}

/* https://github.com/kubernetes-sigs/cluster-api/commit/adc903e: a -base
 * table of alloc_space after a fix against before it, every row negative
 * (what the fix removed). Nothing grew: no suspect, and no byte count
 * wrapped from a negative figure (it read 18446744073619353109). */
static void test_base_table_shrank(void **state)
{
    (void)state;
    static const char t[] =
        "$ go tool pprof -sample_index=alloc_space -base=pre-patch.pb.gz post-patch.pb.gz\n"
        "(pprof) top5\n"
        "Showing nodes accounting for -222.10MB, 15.86% of 1400.21MB total\n"
        "Dropped 1132 nodes (cum <= 7MB)\n"
        "Showing top 5 nodes out of 345\n"
        "      flat  flat%   sum%        cum   cum%\n"
        "  -86.02MB  6.14%  6.14%   -86.02MB  6.14%  k8s.io/apimachinery/pkg/runtime.DeepCopyJSONValue\n"
        "  -54.51MB  3.89% 10.04%   -81.52MB  5.82%  github.com/evanphx/json-patch/v5/internal/json.(*decodeState).objectInterface\n"
        "  -32.73MB  2.34% 12.37%   -64.27MB  4.59%  encoding/json.Marshal\n"
        "  -24.70MB  1.76% 14.14%   -24.70MB  1.76%  text/template.addValueFuncs\n"
        "  -24.13MB  1.72% 15.86%   -23.11MB  1.65%  io.ReadAll\n";
    gmx_ptop_info info;
    gmx_findings *f = suspects(t, &info);
    assert_true(info.diff);
    assert_true(info.churn);
    assert_int_equal(gmx_findings_count(f), 0);
    gmx_findings_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inuse_ranked_by_cum),
        cmocka_unit_test(test_entry_ranked_by_flat),
        cmocka_unit_test(test_wrapper_after_holder),
        cmocka_unit_test(test_allocating_caller_not_wrapper),
        cmocka_unit_test(test_churn),
        cmocka_unit_test(test_std_only),
        cmocka_unit_test(test_goroutines),
        cmocka_unit_test(test_std_holder_named_by_caller),
        cmocka_unit_test(test_small_heap_info),
        cmocka_unit_test(test_own_code_before_vendored),
        cmocka_unit_test(test_pool_free_list_info),
        cmocka_unit_test(test_mechanism_named_at_table_caller),
        cmocka_unit_test(test_mechanism_caller_tie),
        cmocka_unit_test(test_mechanism_named_at_peek_caller),
        cmocka_unit_test(test_mechanism_named_at_majority_caller),
        cmocka_unit_test(test_base_table_grew),
        cmocka_unit_test(test_base_table_mixed),
        cmocka_unit_test(test_base_table_shrank),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
