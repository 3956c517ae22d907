/* analyze/gclassify: each bucket's cause from its wait reason and frames.
 * The stacks below follow real captures (lab, Go 1.19 and 1.27) trimmed to
 * the frames that matter. */
#include "testutil.h"
#include "analyze/gclassify.h"
#include "util/buf.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

/* The verdict on the one bucket of a dump's text of n goroutines. */
static gmx_gverdict classify_text(const char *text, uint64_t n)
{
    gmx_gbuckets *set = tu_buckets(text, NULL);
    assert_int_equal(gmx_gbuckets_count(set), 1);
    gmx_goroot root = { { 0 }, 0 };
    const gmx_gbucket *b = gmx_gbuckets_at(set, 0);
    assert_int_equal(b->count, n);
    for (uint32_t i = 0; i < b->nframes; i++)
        gmx_goroot_learn(&root, &b->frames[i]);
    gmx_signatures *sigs = gmx_signatures_new();
    assert_int_equal(gmx_signatures_add_builtin(sigs, NULL), GMX_OK);
    gmx_gverdict v = gmx_gclassify(b, &root, sigs, false);
    /* The verdict's names point into the catalogue: keep only whether. */
    v.healthy = v.healthy ? "healthy" : NULL;
    v.healthy_zh = NULL;
    v.signature = NULL;
    gmx_signatures_free(sigs);
    gmx_gbuckets_free(set);
    return v;
}

static gmx_gverdict classify(const char *status, const char *frames)
{
    char text[4096];
    snprintf(text, sizeof(text), "goroutine 42 [%s]:\n%screated by main.serve in goroutine 1\n"
             "\t/go/src/svc/main.go:99 +0x1\n", status, frames);
    return classify_text(text, 1);
}

#define USER "main.(*svc).handle(0xc0000)\n\t/go/src/svc/main.go:40 +0x2a\n"

static void expect(const char *status, const char *frames, gmx_category want)
{
    gmx_gverdict v = classify(status, frames);
    if (v.category != want || v.healthy)
        fail_msg("[%s] classified %s%s, want %s", status, gmx_category_id(v.category),
                 v.healthy ? " (healthy)" : "", gmx_category_id(want));
}

static void expect_healthy(const char *status, const char *frames)
{
    gmx_gverdict v = classify(status, frames);
    if (!v.healthy)
        fail_msg("[%s] not recognised as healthy (got %s)", status, gmx_category_id(v.category));
}

static void test_gclassify__channels_select_nil(void **state)
{
    (void)state;
    expect("chan send", USER, GMX_CAT_CHAN_SEND_BLOCKED);
    expect("chan receive", USER, GMX_CAT_CHAN_RECV_BLOCKED);
    expect("chan send (nil chan)", USER, GMX_CAT_NIL_CHAN);
    expect("chan receive (nil chan)", USER, GMX_CAT_NIL_CHAN);
    expect("select", USER, GMX_CAT_SELECT_BLOCKED);
    expect("select (no cases)", USER, GMX_CAT_SELECT_BLOCKED);
}

static void test_gclassify__sync_waits_on_old_and_new_runtimes(void **state)
{
    (void)state;
    /* Go 1.19 says semacquire for all three; the frames tell them apart. */
    expect("semacquire",
           "sync.runtime_SemacquireMutex(0xc0001, 0x0, 0x1)\n\t/usr/lib/go-1.19/src/runtime/sema.go:77 +0x25\n"
           "sync.(*Mutex).lockSlow(0xc0001)\n\t/usr/lib/go-1.19/src/sync/mutex.go:171 +0x165\n"
           "sync.(*Mutex).Lock(...)\n\t/usr/lib/go-1.19/src/sync/mutex.go:90\n" USER,
           GMX_CAT_MUTEX_HELD);
    expect("semacquire",
           "sync.runtime_Semacquire(0xc0002)\n\t/usr/lib/go-1.19/src/runtime/sema.go:62 +0x25\n"
           "sync.(*WaitGroup).Wait(0xc0002)\n\t/usr/lib/go-1.19/src/sync/waitgroup.go:139 +0x52\n" USER,
           GMX_CAT_WAITGROUP_MISMATCH);
    expect("semacquire",
           "sync.runtime_SemacquireMutex(0xc0001, 0x0, 0x0)\n\t/usr/lib/go-1.19/src/runtime/sema.go:77 +0x25\n"
           "sync.(*RWMutex).RLock(...)\n\t/usr/lib/go-1.19/src/sync/rwmutex.go:71\n" USER,
           GMX_CAT_MUTEX_HELD);
    /* Go 1.20+ and 1.24+ name the primitive in the wait reason. */
    expect("sync.Mutex.Lock",
           "internal/sync.runtime_SemacquireMutex(0xc0001, 0x0, 0x1)\n\t/usr/lib/go-1.27/src/runtime/sema.go:95 +0x25\n"
           "sync.(*Mutex).Lock(...)\n\t/usr/lib/go-1.27/src/sync/mutex.go:46\n" USER,
           GMX_CAT_MUTEX_HELD);
    expect("sync.RWMutex.Lock", USER, GMX_CAT_MUTEX_HELD);
    expect("sync.RWMutex.RLock", USER, GMX_CAT_MUTEX_HELD);
    /* A trimmed stack keeps the runtime's semaphore frame and drops the
     * Lock above it; a header the tolerant reader made up says "unknown". */
    expect("semacquire",
           "sync.runtime_SemacquireMutex(0xc0001, 0x0, 0x1)\n\t/usr/lib/go-1.19/src/runtime/sema.go:77 +0x25\n" USER,
           GMX_CAT_MUTEX_HELD);
    expect("unknown",
           "sync.runtime_SemacquireRWMutex(0xc0001, 0x0, 0x1)\n\t/usr/lib/go-1.22/src/runtime/sema.go:87 +0x25\n" USER,
           GMX_CAT_MUTEX_HELD);
    expect("sync.WaitGroup.Wait", USER, GMX_CAT_WAITGROUP_MISMATCH);
    expect("sync.Cond.Wait", USER, GMX_CAT_COND_WAIT);
}

static void test_gclassify__http_client_wait_is_not_a_server_idle_read(void **state)
{
    (void)state;
    /* The caller of an HTTP client with no timeout waits in a select inside
     * the transport's round trip. */
    expect("select",
           "net/http.(*persistConn).roundTrip(0xc0003, 0xc0004)\n\t/usr/lib/go-1.27/src/net/http/transport.go:2890 +0x9a\n"
           "net/http.(*Transport).roundTrip(0xc0005, 0xc0006)\n\t/usr/lib/go-1.27/src/net/http/transport.go:703 +0x8bd\n"
           "net/http.(*Client).Do(...)\n\t/usr/lib/go-1.27/src/net/http/client.go:590\n" USER,
           GMX_CAT_IO_NO_TIMEOUT);
    /* A raw read with no deadline in user code. */
    expect("IO wait",
           "internal/poll.runtime_pollWait(0x7f, 0x72)\n\t/usr/lib/go-1.27/src/runtime/netpoll.go:351 +0x85\n"
           "internal/poll.(*FD).Read(0xc0007, {0xc0008, 0x1000, 0x1000})\n\t/usr/lib/go-1.27/src/internal/poll/fd_unix.go:165 +0x27a\n"
           "net.(*conn).Read(0xc0009, {0xc0008, 0x1000, 0x1000})\n\t/usr/lib/go-1.27/src/net/net.go:194 +0x45\n" USER,
           GMX_CAT_IO_NO_TIMEOUT);
    expect_healthy("IO wait",
                   "internal/poll.runtime_pollWait(0x7f, 0x72)\n\t/usr/lib/go-1.27/src/runtime/netpoll.go:351 +0x85\n"
                   "net/http.(*connReader).backgroundRead(0xc000a)\n\t/usr/lib/go-1.27/src/net/http/server.go:690 +0x37\n");
    expect_healthy("IO wait",
                   "internal/poll.runtime_pollWait(0x7f, 0x72)\n\t/usr/lib/go-1.27/src/runtime/netpoll.go:351 +0x85\n"
                   "net.(*TCPListener).Accept(0xc000b)\n\t/usr/lib/go-1.27/src/net/tcpsock.go:380 +0x30\n"
                   "net/http.(*Server).Serve(0xc000c, {0x7, 0xc000b})\n\t/usr/lib/go-1.27/src/net/http/server.go:3424 +0x30c\n");
    expect_healthy("select",
                   "net/http.(*persistConn).writeLoop(0xc000d)\n\t/usr/lib/go-1.27/src/net/http/transport.go:2600 +0xe7\n");
}

/* n goroutines of net/http's server, each on its own connection, in one stack. */
static gmx_gverdict classify_served(const char *status, const char *frames, int n)
{
    gmx_buf text;
    gmx_buf_init(&text, 1 << 20);
    for (int i = 0; i < n; i++) {
        char g[4096];
        int len = snprintf(g, sizeof(g), "goroutine %d [%s]:\n%s"
                           "net/http.(*conn).serve(0xc00f0, {0x7, 0xc00f1})\n"
                           "\t/usr/lib/go-1.19/src/net/http/server.go:1991 +0x606\n"
                           "created by net/http.(*Server).Serve\n"
                           "\t/usr/lib/go-1.19/src/net/http/server.go:3102 +0x4db\n\n",
                           100 + i, status, frames);
        assert_true(len > 0 && (size_t)len < sizeof(g));
        assert_int_equal(gmx_buf_append(&text, g, (size_t)len), 0);
    }
    gmx_gverdict v = classify_text(text.data, (uint64_t)n);
    gmx_buf_release(&text);
    return v;
}

#define POLL_READ                                                                                       \
    "internal/poll.runtime_pollWait(0x7f, 0x72)\n\t/usr/lib/go-1.19/src/runtime/netpoll.go:305 +0x89\n" \
    "internal/poll.(*FD).Read(0xc0007, {0xc0008, 0x1000, 0x1000})\n\t/usr/lib/go-1.19/src/internal/poll/fd_unix.go:167 +0x25a\n" \
    "net.(*conn).Read(0xc0009, {0xc0008, 0x1000, 0x1000})\n\t/usr/lib/go-1.19/src/net/net.go:183 +0x45\n"
#define HANDLER                                                                                         \
    "main.(*api).handleStock(0xc0010, {0x7, 0xc0011}, 0xc0012)\n\t/go/src/svc/main.go:128 +0x145\n"   \
    "net/http.HandlerFunc.ServeHTTP(0xc0013, {0x7, 0xc0011}, 0xc0012)\n\t/usr/lib/go-1.19/src/net/http/server.go:2109 +0x2f\n" \
    "net/http.serverHandler.ServeHTTP({0xc0014}, {0x7, 0xc0011}, 0xc0012)\n\t/usr/lib/go-1.19/src/net/http/server.go:2947 +0x30c\n"

static void test_gclassify__a_handlers_own_socket_read_is_no_idle_server_connection(void **state)
{
    (void)state;
    /* A handler reading a socket it dialled, without a deadline (the lab's
     * stockline, Go 1.19): 134 of them is the leak, not idle keep-alives. */
    const char *own = POLL_READ
        "bufio.(*Reader).fill(0xc0015)\n\t/usr/lib/go-1.19/src/bufio/bufio.go:106 +0x103\n"
        "bufio.(*Reader).ReadString(0xc0015, 0xa)\n\t/usr/lib/go-1.19/src/bufio/bufio.go:495 +0x49\n"
        "main.roundTrip[...](0xc0016, {0xc0017, 0xe}, 0x8)\n\t/go/src/svc/main.go:84 +0x105\n" HANDLER;
    gmx_gverdict v = classify_served("IO wait", own, 134);
    assert_null(v.healthy);
    assert_int_equal(v.category, GMX_CAT_IO_NO_TIMEOUT);
    /* A few are calls in flight. */
    assert_non_null(classify_served("IO wait", own, 3).healthy);
    /* The server reading its client: a handler's request body, the next
     * request on an idle connection, a slow client taking a response. */
    const char *body = POLL_READ
        "net/http.(*connReader).Read(0xc0018, {0xc0019, 0x200, 0x200})\n\t/usr/lib/go-1.19/src/net/http/server.go:786 +0x171\n"
        "net/http.(*body).Read(0xc001a, {0xc0019, 0x200, 0x200})\n\t/usr/lib/go-1.19/src/net/http/transfer.go:829 +0x3c\n"
        "io.ReadAll({0x7, 0xc001a})\n\t/usr/lib/go-1.19/src/io/io.go:661 +0xe3\n" HANDLER;
    assert_non_null(classify_served("IO wait", body, 134).healthy);
    const char *idle = POLL_READ
        "net/http.(*connReader).Read(0xc0018, {0xc0019, 0x1000, 0x1000})\n\t/usr/lib/go-1.19/src/net/http/server.go:786 +0x171\n"
        "bufio.(*Reader).fill(0xc001b)\n\t/usr/lib/go-1.19/src/bufio/bufio.go:106 +0x103\n"
        "bufio.(*Reader).Peek(0xc001b, 0x4)\n\t/usr/lib/go-1.19/src/bufio/bufio.go:144 +0x5d\n";
    assert_non_null(classify_served("IO wait", idle, 134).healthy);
    const char *slow = "internal/poll.runtime_pollWait(0x7f, 0x77)\n\t/usr/lib/go-1.19/src/runtime/netpoll.go:305 +0x89\n"
        "internal/poll.(*FD).Write(0xc0007, {0xc0008, 0x1000, 0x1000})\n\t/usr/lib/go-1.19/src/internal/poll/fd_unix.go:383 +0x36e\n"
        "net.(*conn).Write(0xc0009, {0xc0008, 0x1000, 0x1000})\n\t/usr/lib/go-1.19/src/net/net.go:195 +0x45\n"
        "net/http.checkConnErrorWriter.Write({0xc001c}, {0xc0008, 0x1000, 0x1000})\n\t/usr/lib/go-1.19/src/net/http/server.go:3604 +0x37\n"
        "bufio.(*Writer).Flush(0xc001d)\n\t/usr/lib/go-1.19/src/bufio/bufio.go:628 +0x62\n" HANDLER;
    assert_non_null(classify_served("IO wait", slow, 134).healthy);
    /* A websocket's read loop in the handler that upgraded it (gorilla's
     * ReadMessage on the connection it hijacked): one per client, waiting
     * for the next message by design. */
    const char *websocket = POLL_READ
        "bufio.(*Reader).fill(0xc001e)\n\t/usr/lib/go-1.19/src/bufio/bufio.go:106 +0x103\n"
        "bufio.(*Reader).Peek(0xc001e, 0x2)\n\t/usr/lib/go-1.19/src/bufio/bufio.go:144 +0x5d\n"
        "github.com/gorilla/websocket.(*Conn).read(0xc001f, 0x2)\n\t/go/pkg/mod/github.com/gorilla/websocket@v1.5.0/conn.go:371 +0x2c\n"
        "github.com/gorilla/websocket.(*Conn).advanceFrame(0xc001f)\n\t/go/pkg/mod/github.com/gorilla/websocket@v1.5.0/conn.go:809 +0x7b\n"
        "github.com/gorilla/websocket.(*Conn).NextReader(0xc001f)\n\t/go/pkg/mod/github.com/gorilla/websocket@v1.5.0/conn.go:1009 +0xc5\n"
        "github.com/gorilla/websocket.(*Conn).ReadMessage(0xc001f)\n\t/go/pkg/mod/github.com/gorilla/websocket@v1.5.0/conn.go:1093 +0x2f\n" HANDLER;
    assert_non_null(classify_served("IO wait", websocket, 134).healthy);
}

/* io.Copy into a TCP connection (TCPConn.ReadFrom, io.ReaderFrom) splices
 * from the source socket or sends a file: a stream copy waiting on its
 * peer, shown in the syscall when the format recorded no wait. */
#define TCP_READ_FROM                                                                                  \
    "net.(*TCPConn).readFrom(0xc0010, {0x7, 0xc0011})\n\t/usr/lib/go-1.27/src/net/tcpsock_posix.go:48 +0x27\n" \
    "net.(*TCPConn).ReadFrom(0xc0010, {0x7, 0xc0011})\n\t/usr/lib/go-1.27/src/net/tcpsock.go:130 +0x2f\n"     \
    "io.copyBuffer({0x7, 0xc0010}, {0x7, 0xc0011}, {0x0, 0x0, 0x0})\n\t/usr/lib/go-1.27/src/io/io.go:416 +0x146\n" \
    "io.Copy(...)\n\t/usr/lib/go-1.27/src/io/io.go:389\n" USER

static void test_gclassify__socket_copies_are_network_io_not_packet_listeners(void **state)
{
    (void)state;
    expect("unknown",
           "syscall.Syscall6(0x113, 0x1d, 0x0, 0x1e, 0x0, 0x100000, 0x3)\n\t/usr/lib/go-1.27/src/syscall/syscall_linux.go:91 +0x2f\n"
           "syscall.Splice(...)\n\t/usr/lib/go-1.27/src/syscall/zsyscall_linux_amd64.go:1356\n"
           "internal/poll.splice(...)\n\t/usr/lib/go-1.27/src/internal/poll/splice_linux.go:155\n"
           "internal/poll.spliceDrain(0x1e, 0xc0012, 0x100000)\n\t/usr/lib/go-1.27/src/internal/poll/splice_linux.go:92 +0x161\n"
           "internal/poll.Splice(0xc0013, 0xc0012, 0x7fffffffffffffff)\n\t/usr/lib/go-1.27/src/internal/poll/splice_linux.go:42 +0x172\n"
           "net.splice(0xc0014, {0x7, 0xc0011})\n\t/usr/lib/go-1.27/src/net/splice_linux.go:39 +0xde\n" TCP_READ_FROM,
           GMX_CAT_IO_NO_TIMEOUT);
    expect("unknown",
           "syscall.Syscall6(0x28, 0x1d, 0x1e, 0x0, 0x400000, 0x0, 0x0)\n\t/usr/lib/go-1.27/src/syscall/syscall_linux.go:91 +0x2f\n"
           "syscall.Sendfile(...)\n\t/usr/lib/go-1.27/src/syscall/zsyscall_linux_amd64.go:1372\n"
           "internal/poll.SendFile(0xc0013, 0x1e, 0x400000)\n\t/usr/lib/go-1.27/src/internal/poll/sendfile_linux.go:30 +0x11b\n"
           "net.sendFile(0xc0014, {0x7, 0xc0011})\n\t/usr/lib/go-1.27/src/net/sendfile_linux.go:40 +0x1f2\n" TCP_READ_FROM,
           GMX_CAT_IO_NO_TIMEOUT);
    /* Parked in the poller, the same copy is no packet listener. */
    expect("IO wait",
           "internal/poll.runtime_pollWait(0x7f, 0x72)\n\t/usr/lib/go-1.27/src/runtime/netpoll.go:351 +0x85\n"
           "internal/poll.(*pollDesc).waitRead(...)\n\t/usr/lib/go-1.27/src/internal/poll/fd_poll_runtime.go:89\n"
           "internal/poll.spliceDrain(0x1e, 0xc0012, 0x100000)\n\t/usr/lib/go-1.27/src/internal/poll/splice_linux.go:106 +0x1e5\n"
           "internal/poll.Splice(0xc0013, 0xc0012, 0x7fffffffffffffff)\n\t/usr/lib/go-1.27/src/internal/poll/splice_linux.go:42 +0x172\n"
           "net.splice(0xc0014, {0x7, 0xc0011})\n\t/usr/lib/go-1.27/src/net/splice_linux.go:39 +0xde\n" TCP_READ_FROM,
           GMX_CAT_IO_NO_TIMEOUT);
    /* A datagram reader is one. */
    expect_healthy("IO wait",
                   "internal/poll.runtime_pollWait(0x7f, 0x72)\n\t/usr/lib/go-1.27/src/runtime/netpoll.go:351 +0x85\n"
                   "internal/poll.(*FD).ReadFromInet4(0xc0015, {0xc0016, 0x5dc, 0x5dc}, 0xc0017)\n\t/usr/lib/go-1.27/src/internal/poll/fd_unix.go:249 +0x1ee\n"
                   "net.(*UDPConn).ReadFrom(0xc0018, {0xc0016, 0x5dc, 0x5dc})\n\t/usr/lib/go-1.27/src/net/udpsock.go:132 +0x53\n" USER);
}

/* A writer into an io.Pipe whose reader is gone parks in the pipe's select
 * (io/pipe.go): debug=1 text and protobuf profiles leave the runtime frames
 * out, the io frames tell it (frames of the lab's invoices, Go 1.19). */
static void test_gclassify__an_io_pipe_end_waits_in_a_select(void **state)
{
    (void)state;
    expect("unknown",
           "io.(*pipe).write(0xc0001, {0xc0002, 0x24, 0x40})\n\t/usr/lib/go-1.19/src/io/pipe.go:86 +0x1f2\n"
           "io.(*PipeWriter).Write(0xc0003, {0xc0002, 0x24, 0x40})\n\t/usr/lib/go-1.19/src/io/pipe.go:165 +0x25\n"
           "fmt.Fprintf({0x7, 0xc0003}, {0x6, 0x10}, {0xc0004, 0x4, 0x4})\n\t/usr/lib/go-1.19/src/fmt/print.go:205 +0x9a\n" USER,
           GMX_CAT_SELECT_BLOCKED);
    expect("unknown",
           "io.(*pipe).read(0xc0001, {0xc0002, 0x1000, 0x1000})\n\t/usr/lib/go-1.19/src/io/pipe.go:57 +0xa5\n"
           "io.(*PipeReader).Read(0xc0003, {0xc0002, 0x1000, 0x1000})\n\t/usr/lib/go-1.19/src/io/pipe.go:136 +0x25\n" USER,
           GMX_CAT_SELECT_BLOCKED);
}

static void test_gclassify__runtime_and_signal_workers_are_healthy(void **state)
{
    (void)state;
    expect_healthy("GC worker (idle)",
                   "runtime.gopark(0x1, 0x2, 0x0, 0x0, 0x0)\n\t/usr/lib/go-1.27/src/runtime/proc.go:460 +0xce\n");
    expect_healthy("finalizer wait",
                   "runtime.runfinq()\n\t/usr/lib/go-1.27/src/runtime/mfinal.go:196 +0x107\n");
    expect_healthy("syscall",
                   "os/signal.signal_recv()\n\t/usr/lib/go-1.27/src/runtime/sigqueue.go:152 +0x29\n"
                   "os/signal.loop()\n\t/usr/lib/go-1.27/src/os/signal/signal_unix.go:23 +0x13\n");
}

static void test_gclassify__site_is_the_first_user_frame(void **state)
{
    (void)state;
    const char *text =
        "goroutine 42 [sync.Mutex.Lock]:\n"
        "internal/sync.runtime_SemacquireMutex(0x1, 0x0, 0x1)\n\t/usr/lib/go-1.27/src/runtime/sema.go:95 +0x25\n"
        "sync.(*Mutex).Lock(...)\n\t/usr/lib/go-1.27/src/sync/mutex.go:46\n"
        "main.(*ledger).book(0xc0000)\n\t/go/src/ledger/main.go:37 +0x2a\n"
        "created by main.serve in goroutine 1\n\t/go/src/ledger/main.go:66 +0x1\n";
    gmx_gbuckets *set = tu_buckets(text, NULL);
    gmx_goroot root = { { 0 }, 0 };
    const gmx_gbucket *b = gmx_gbuckets_at(set, 0);
    for (uint32_t i = 0; i < b->nframes; i++)
        gmx_goroot_learn(&root, &b->frames[i]);
    assert_string_equal(root.prefix, "/usr/lib/go-1.27/src/");
    gmx_frame site;
    bool mechanism;
    assert_true(gmx_gsite(b, &root, &site, &mechanism));
    assert_false(mechanism);
    assert_true(gmx_str_eq_cstr(site.func, "main.(*ledger).book"));
    assert_int_equal(site.line, 37);
    gmx_gbuckets_free(set);
}

/* The site of the one bucket of a dump's text. */
static gmx_frame site_of(const char *text, gmx_gbuckets **set)
{
    *set = tu_buckets(text, NULL);
    gmx_goroot root = { { 0 }, 0 };
    const gmx_gbucket *b = gmx_gbuckets_at(*set, 0);
    for (uint32_t i = 0; i < b->nframes; i++)
        gmx_goroot_learn(&root, &b->frames[i]);
    gmx_frame site;
    bool mechanism;
    assert_true(gmx_gsite(b, &root, &site, &mechanism));
    assert_false(mechanism);
    return site;
}

/* Whether the site of the one bucket of a dump's text is the function want. */
static bool site_is(const char *text, const char *want)
{
    gmx_gbuckets *set;
    gmx_frame site = site_of(text, &set);
    bool is = gmx_str_eq_cstr(site.func, want);
    gmx_gbuckets_free(set);
    return is;
}

/* Whether the one goroutine of a dump's text waits for a lock whose code to
 * fix is the function want. */
static bool lock_site_is(const char *text, const char *want)
{
    return classify_text(text, 1).category == GMX_CAT_MUTEX_HELD && site_is(text, want);
}

/* gVisor's pkg/sync is a fork of sync that links sync.runtime_Semacquire:
 * no frame of package sync is left, the fork's RWMutex methods are right
 * above the semaphore (google/gvisor 4950ccd and 4076153, verbatim frames).
 * The wait is a lock's, and the code to fix is the lock's caller. */
static void test_gclassify__a_forked_sync_lock_is_a_mutex_wait(void **state)
{
    (void)state;
    const char *self =
        "goroutine 53 [semacquire, 3 minutes]:\n"
        "runtime.gopark(0xfd4278, 0x1896320, 0xc000301912, 0x4)\n"
        "\tGOROOT/src/runtime/proc.go:304 +0xe0 fp=0xc0000e25f8 sp=0xc0000e25d8 pc=0x437170\n"
        "runtime.semacquire1(0xc0001220b0, 0xc00000a300, 0x1, 0x0)\n"
        "\tGOROOT/src/runtime/sema.go:144 +0x1c0 fp=0xc0000e2660 sp=0xc0000e25f8 pc=0x4484e0\n"
        "sync.runtime_Semacquire(0xc0001220b0)\n"
        "\tGOROOT/src/runtime/sema.go:56 +0x42 fp=0xc0000e2690 sp=0xc0000e2660 pc=0x448132\n"
        "gvisor.dev/gvisor/pkg/sync.(*RWMutex).RLock(...)\n"
        "\tpkg/sync/rwmutex_unsafe.go:76\n"
        "gvisor.dev/gvisor/pkg/tcpip/transport/udp.(*endpoint).HandleControlPacket(0xc000122000, 0x7ee5)\n"
        "\tpkg/tcpip/transport/udp/endpoint.go:1345 +0x169 fp=0xc0000e26d8 sp=0xc0000e2690 pc=0x9843f9\n"
        "gvisor.dev/gvisor/pkg/tcpip/transport/udp.(*endpoint).write(0xc000122000, 0x11104e0)\n"
        "\tpkg/tcpip/transport/udp/endpoint.go:510 +0x4ad fp=0xc0000ed658 sp=0xc0000ed390 pc=0x97f2dd\n";
    assert_true(lock_site_is(self, "gvisor.dev/gvisor/pkg/tcpip/transport/udp.(*endpoint).HandleControlPacket"));

    /* Two lock methods in a row, the fork's wrapper over its own lock. */
    const char *nested =
        "goroutine 60 [semacquire]:\n"
        "sync.runtime_Semacquire(0x62c957)\n"
        "\tgo/gc/src/runtime/sema.go:56 +0x25\n"
        "gvisor/pkg/sync/sync.(*CrossGoroutineRWMutex).RLock(0xc0006c4870)\n"
        "\tgvisor/pkg/sync/rwmutex_unsafe.go:76 +0x57\n"
        "gvisor/pkg/sync/sync.(*RWMutex).RLock(...)\n"
        "\tgvisor/pkg/sync/rwmutex_unsafe.go:254\n"
        "gvisor/pkg/tcpip/transport/internal/network/network.(*Endpoint).State(0xc0006c4858)\n"
        "\tgvisor/pkg/tcpip/transport/internal/network/endpoint.go:123 +0x3c\n"
        "gvisor/pkg/tcpip/transport/udp/udp.(*endpoint).HandleError(0xc0006c4840, {0x1c3a418, 0x2847498}, 0xc0006bdeea)\n"
        "\tgvisor/pkg/tcpip/transport/udp/endpoint.go:983 +0x5c\n";
    assert_true(lock_site_is(nested, "gvisor/pkg/tcpip/transport/internal/network/network.(*Endpoint).State"));

    /* Controls: the same semaphore under a WaitGroup is no lock, and a
     * method that is not a mutex's Lock above it names no lock either. */
    expect("semacquire",
           "sync.runtime_Semacquire(0xc0001220b0)\n\t/usr/lib/go-1.19/src/runtime/sema.go:62 +0x25\n"
           "sync.(*WaitGroup).Wait(0xc0001220b0)\n\t/usr/lib/go-1.19/src/sync/waitgroup.go:139 +0x52\n" USER,
           GMX_CAT_WAITGROUP_MISMATCH);
    gmx_gverdict v = classify("semacquire",
                              "sync.runtime_Semacquire(0xc0001220b0)\n\t/usr/lib/go-1.19/src/runtime/sema.go:62 +0x25\n"
                              "example.com/pool.(*Gate).Enter(0xc0001220b0)\n\t/go/src/example.com/pool/gate.go:30 +0x52\n" USER);
    assert_int_equal(v.category, GMX_CAT_NONE);
}

/* A goroutine that takes a read lock it already holds: protoactor's event
 * stream published from a subscriber that its own Publish was running
 * (asynkron/protoactor-go#371, commit 36ca4af8, verbatim frames). The code
 * to fix is the subscriber that called back in, past the stream's wrapper. */
#define INNER_PUBLISH                                                                                         \
    "goroutine 179 [semacquire, 25 minutes]:\n"                                                                \
    "sync.runtime_SemacquireMutex(0x193226c, 0xc00016e000, 0x0)\n"                                             \
    "\t/usr/local/go/src/runtime/sema.go:71 +0x47\n"                                                           \
    "sync.(*RWMutex).RLock(...)\n"                                                                             \
    "\t/usr/local/go/src/sync/rwmutex.go:50\n"                                                                 \
    "github.com/AsynkronIT/protoactor-go/eventstream.(*EventStream).Publish(0x1932260, 0xef6060, 0xc025126270)\n" \
    "\t/go/src/github.com/AsynkronIT/protoactor-go/eventstream/eventstream.go:65 +0x161\n"
#define UPDATE_AND_NOTIFY                                                                                     \
    "github.com/AsynkronIT/protoactor-go/cluster.(*memberListValue).updateAndNotify(0xc00079b640, 0xc01b7640c0, " \
    "0xc02584ba40)\n"                                                                                         \
    "\t/go/src/github.com/AsynkronIT/protoactor-go/cluster/member_list.go:193 +0x4c9\n"

static void test_gclassify__a_reentered_lock_names_the_caller_that_came_back(void **state)
{
    (void)state;
    const char *reentered =
        INNER_PUBLISH
        "github.com/AsynkronIT/protoactor-go/eventstream.Publish(...)\n"
        "\t/go/src/github.com/AsynkronIT/protoactor-go/eventstream/eventstream.go:21\n"
        UPDATE_AND_NOTIFY
        "github.com/AsynkronIT/protoactor-go/cluster.(*memberListValue).updateClusterTopology(0xc00079b640, 0xe9ca00, 0xc01c927300)\n"
        "\t/go/src/github.com/AsynkronIT/protoactor-go/cluster/member_list.go:105 +0x364\n"
        "github.com/AsynkronIT/protoactor-go/eventstream.(*EventStream).Publish(0x1932260, 0xe9ca00, 0xc01c927300)\n"
        "\t/go/src/github.com/AsynkronIT/protoactor-go/eventstream/eventstream.go:70 +0xd4\n"
        "github.com/AsynkronIT/protoactor-go/eventstream.Publish(...)\n"
        "\t/go/src/github.com/AsynkronIT/protoactor-go/eventstream/eventstream.go:21\n"
        "github.com/AsynkronIT/protoactor-go/cluster/consul.(*ConsulProvider).notifyStatuses(0xc000208540)\n"
        "\t/go/src/github.com/AsynkronIT/protoactor-go/cluster/consul/consul_provider.go:276 +0x99f\n";
    assert_true(lock_site_is(reentered, "github.com/AsynkronIT/protoactor-go/cluster.(*memberListValue).updateAndNotify"));

    /* Controls: the same wait without the outer Publish is the lock's
     * caller as before, and the same recursion in a channel wait is no lock
     * taken twice. */
    assert_true(lock_site_is(INNER_PUBLISH UPDATE_AND_NOTIFY,
                             "github.com/AsynkronIT/protoactor-go/eventstream.(*EventStream).Publish"));
    const char *channel = "goroutine 180 [chan send, 25 minutes]:\n"
                          "example.com/bus.(*Bus).Publish(0x1932260)\n\t/go/src/example.com/bus/bus.go:65 +0x161\n"
                          "example.com/app.(*view).update(0xc00079b640)\n\t/go/src/example.com/app/view.go:193 +0x4c9\n"
                          "example.com/bus.(*Bus).Publish(0x1932260)\n\t/go/src/example.com/bus/bus.go:70 +0xd4\n";
    assert_true(site_is(channel, "example.com/bus.(*Bus).Publish"));
}

static void test_gclassify__package_of_a_function(void **state)
{
    (void)state;
    assert_true(gmx_str_eq_cstr(gmx_func_package(gmx_str_cstr("net/http.(*conn).serve")), "net/http"));
    assert_true(gmx_str_eq_cstr(gmx_func_package(gmx_str_cstr("github.com/a/b.v2.F")), "github.com/a/b"));
    assert_true(gmx_str_eq_cstr(gmx_func_package(gmx_str_cstr("main.main.func1")), "main"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gclassify__channels_select_nil),
        cmocka_unit_test(test_gclassify__sync_waits_on_old_and_new_runtimes),
        cmocka_unit_test(test_gclassify__http_client_wait_is_not_a_server_idle_read),
        cmocka_unit_test(test_gclassify__a_handlers_own_socket_read_is_no_idle_server_connection),
        cmocka_unit_test(test_gclassify__socket_copies_are_network_io_not_packet_listeners),
        cmocka_unit_test(test_gclassify__an_io_pipe_end_waits_in_a_select),
        cmocka_unit_test(test_gclassify__runtime_and_signal_workers_are_healthy),
        cmocka_unit_test(test_gclassify__site_is_the_first_user_frame),
        cmocka_unit_test(test_gclassify__a_forked_sync_lock_is_a_mutex_wait),
        cmocka_unit_test(test_gclassify__a_reentered_lock_names_the_caller_that_came_back),
        cmocka_unit_test(test_gclassify__package_of_a_function),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
