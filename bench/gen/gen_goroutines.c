/*
 * gen_goroutines — write a large, realistic full goroutine dump
 * (the /debug/pprof/goroutine?debug=2 and runtime.Stack(buf, true) format)
 * for benchmarking goroutine-dump parsers and aggregators.
 *
 *   gen_goroutines -n 100000 [-s 300] [--seed 1] [--go 1.27] [--leak 0.45]
 *                  [--labels PCT] -o FILE
 *
 * Standalone C11, no dependencies: cc -O2 -std=c11 -o gen_goroutines gen_goroutines.c
 *
 * How the dump is built
 * ---------------------
 * A catalogue of ~35 stack templates (below) models what a production Go service
 * shows: net/http server conns, the per-request connReader.backgroundRead goroutine,
 * http client persistConn read/write loops, database/sql, gRPC transports and
 * handlers, worker pools, tickers, mutex / WaitGroup / Cond waits, chan send /
 * receive, sleeps, accept loops and a few pathologically deep recursions.
 * The standard-library frames (function names, files, lines, +0x offsets and the
 * shape of the argument words) were captured from real go1.27.4 and go1.19.8 dumps;
 * third-party frames (gin, gRPC, otel) are modelled on their real layouts.
 *
 * Templates are multiplied into S distinct stacks by generating user code around
 * them: a call chain of user functions (package, receiver type, method, file,
 * line, +0x offset, inlined or not), a request-router chain (net/http ServeMux
 * with middleware, otelhttp, gin, or a gRPC unary interceptor chain) and the
 * `created by` site. Goroutines are spread over the stacks with a skewed
 * distribution: one leaking bucket holds --leak of them, the rest follow a
 * Zipf law, so a few buckets hold most goroutines as in a real leak.
 *
 * Realism details: in-flight net/http handlers come with their
 * connReader.backgroundRead goroutine, in-flight client requests with their
 * persistConn readLoop/writeLoop pair (created by a dialer goroutine that has
 * already exited); argument words vary per goroutine (heap pointers, stale `?`
 * words, lengths), a goroutine reuses the same pointer across frames where Go
 * would; `, N minutes` grows with goroutine age in the leaking buckets; the
 * goroutine that serves /debug/pprof comes first ([running]) as in real output;
 * goroutine ids are unique and increase after it, with gaps for exited
 * goroutines.
 *
 * Go flavours: --go 1.27 (default): `created by F in goroutine N`, 50+50 frame
 * elision with `...N frames elided...`, wait reasons sync.Mutex.Lock,
 * sync.RWMutex.RLock, sync.WaitGroup.Wait, internal/sync mutex frames,
 * randomized heap addresses. --go 1.19: `semacquire`, no ` in goroutine N`,
 * 100 frames then `...additional frames elided...`, 0xc000... heap addresses,
 * go1.19 sync frames. Standard-library line numbers are go1.27's in both.
 *
 * Output depends only on the options: the same seed gives the same bytes, and
 * the set of distinct stacks depends only on --seed, -s and --go (not on -n).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------- */
/* utilities                                                                  */

static void die(const char *fmt, ...)
{
	va_list ap;
	fputs("gen_goroutines: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		die("out of memory");
	return q;
}

/* splitmix64: small, fast, good enough for synthetic data */
typedef struct { uint64_t s; } rng_t;

static inline uint64_t rnd(rng_t *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* uniform in [0, n) */
static inline uint64_t rndn(rng_t *r, uint64_t n)
{
	return n ? rnd(r) % n : 0;
}

/* uniform in [lo, hi] */
static inline long rndr(rng_t *r, long lo, long hi)
{
	return hi <= lo ? lo : lo + (long)rndn(r, (uint64_t)(hi - lo + 1));
}

static inline int chance(rng_t *r, int pct)
{
	return (int)rndn(r, 100) < pct;
}

#define PICK(r, arr) ((arr)[rndn((r), sizeof(arr) / sizeof((arr)[0]))])

/* growable string */
typedef struct { char *p; size_t n, cap; } sb_t;

static void sb_add(sb_t *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
	if (n)
		memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}

static void sb_puts(sb_t *b, const char *s) { sb_add(b, s, strlen(s)); }

static void sb_printf(sb_t *b, const char *fmt, ...)
{
	char tmp[2048];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof tmp)
		die("internal: formatted string too long");
	sb_add(b, tmp, (size_t)n);
}

/* ------------------------------------------------------------------------- */
/* buffered output                                                            */

#define OBSZ (1u << 20)
static char obuf[OBSZ];
static size_t olen;
static FILE *ofp;
static uint64_t obytes;

static void oflush(void)
{
	if (olen && fwrite(obuf, 1, olen, ofp) != olen)
		die("write failed: %s", strerror(errno));
	obytes += olen;
	olen = 0;
}

static int count_only;        /* size calibration: count bytes, write nothing */

static inline void oput(const char *s, size_t n)
{
	if (count_only) {
		obytes += n;
		return;
	}
	if (olen + n > OBSZ) {
		oflush();
		if (n > OBSZ) {
			if (fwrite(s, 1, n, ofp) != n)
				die("write failed: %s", strerror(errno));
			obytes += n;
			return;
		}
	}
	memcpy(obuf + olen, s, n);
	olen += n;
}

static inline void oputs(const char *s) { oput(s, strlen(s)); }

static inline void ohex(uint64_t v)
{
	char t[20];
	int i = 20;
	do {
		t[--i] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	t[--i] = 'x';
	t[--i] = '0';
	oput(t + i, (size_t)(20 - i));
}

static inline void odec(uint64_t v)
{
	char t[24];
	int i = 24;
	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	oput(t + i, (size_t)(24 - i));
}

/* ------------------------------------------------------------------------- */
/* options and process-wide context                                           */

static int go119;              /* 0: go1.27 flavour, 1: go1.19 flavour */
static const char *GOROOT = "/usr/local/go/src/";
static const char *MODCACHE = "/go/pkg/mod/";
static char svc[32];           /* service name */
static char modpath[96];       /* github.com/<org>/<svc> */
static char approot[160];      /* /go/src/<modpath>/ */
static uint64_t heap_base;     /* where "heap pointers" live */
static long uptime_min;        /* process age in minutes */

/* ------------------------------------------------------------------------- */
/* the template catalogue                                                     */
/*
 * Line kinds (fields separated by '|'):
 *   =NAME                          start a macro (ends at the next '=' or '@')
 *   @NAME|R127|R119|AGE|FLAGS      start a template; R = wait reason per flavour;
 *                                  AGE: leak|idle|busy|boot; FLAGS: comma list
 *   I|NAME                         include macro
 *   F|func|args|path:line|off      a frame (off "-" = inlined, args must be "...")
 *   F7|... / F9|...                a frame only in the go1.27 / go1.19 flavour
 *   U|min|max|role                 generated user call chain, depth min..max
 *   H                              request router chain + created by (http/gin/grpc)
 *   CU|mode                        created by a generated user function
 *   C|func|path:line|off|mode      created by a fixed function
 *   R|min|max                      deep recursion of a generated user function
 * Paths: "$" = GOROOT/src/, "%" = module cache, "&" = application root; "%S" in
 * a function or path = the service name.
 * Args (see render_args): p/P heap pointer (p = stale "?"), p1..p9/P1..P9 the
 * same pointer reused within one goroutine, n/N small number, k/c constant
 * (k with "?"), x runtime pointer (0x7f...), z 0x0, literal 0x.. words, {..},
 * "...", "_".
 * Parent modes for created-by: main, serve, gserve, gconn, uaccept, boot, rand,
 * self (the goroutine this one accompanies), dial (an exited dialer goroutine).
 */
static const char *const CATALOGUE[] = {
	/* ---- macros: netpoller read / write / accept ---- */
	"=netread",
	"F|internal/poll.runtime_pollWait|x,0x72|$runtime/netpoll.go:351|0x85",
	"F|internal/poll.(*pollDesc).wait|p1,p2,0x0|$internal/poll/fd_poll_runtime.go:84|0x27",
	"F|internal/poll.(*pollDesc).waitRead|...|$internal/poll/fd_poll_runtime.go:89|-",
	"F|internal/poll.(*FD).Read|P1,{P2,0x1000,0x1000}|$internal/poll/fd_unix.go:170|0x2a8",
	"F|net.(*netFD).Read|P1,{p2,k,k}|$net/fd_posix.go:68|0x25",
	"F|net.(*conn).Read|P3,{p2,n,n}|$net/net.go:196|0x45",
	"=netread1",
	"F|internal/poll.runtime_pollWait|x,0x72|$runtime/netpoll.go:351|0x85",
	"F|internal/poll.(*pollDesc).wait|p1,p2,0x0|$internal/poll/fd_poll_runtime.go:84|0x27",
	"F|internal/poll.(*pollDesc).waitRead|...|$internal/poll/fd_poll_runtime.go:89|-",
	"F|internal/poll.(*FD).Read|P1,{P2,0x1,0x1}|$internal/poll/fd_unix.go:170|0x2a8",
	"F|net.(*netFD).Read|P1,{p2,z?,z?}|$net/fd_posix.go:68|0x25",
	"F|net.(*conn).Read|P3,{p2,z?,z?}|$net/net.go:196|0x45",
	"=netwrite",
	"F|internal/poll.runtime_pollWait|x,0x77|$runtime/netpoll.go:351|0x85",
	"F|internal/poll.(*pollDesc).wait|p1,p2,0x0|$internal/poll/fd_poll_runtime.go:84|0x27",
	"F|internal/poll.(*pollDesc).waitWrite|...|$internal/poll/fd_poll_runtime.go:93|-",
	"F|internal/poll.(*FD).Write|P1,{P2,N,N}|$internal/poll/fd_unix.go:395|0x32a",
	"F|net.(*netFD).Write|P1,{p2,0x1?,z?}|$net/fd_posix.go:109|0x25",
	"F|net.(*conn).Write|P3,{p2,p,p}|$net/net.go:208|0x45",
	"=accept",
	"F|internal/poll.runtime_pollWait|x,0x72|$runtime/netpoll.go:351|0x85",
	"F|internal/poll.(*pollDesc).wait|p1,k,0x0|$internal/poll/fd_poll_runtime.go:84|0x27",
	"F|internal/poll.(*pollDesc).waitRead|...|$internal/poll/fd_poll_runtime.go:89|-",
	"F|internal/poll.(*FD).Accept|P1|$internal/poll/fd_unix.go:618|0x27d",
	"F|net.(*netFD).accept|P1|$net/fd_unix.go:149|0x29",
	"F|net.(*TCPListener).accept|P2|$net/tcpsock_posix.go:159|0x1b",
	"F|net.(*TCPListener).Accept|P2|$net/tcpsock.go:387|0x30",
	"=h2frame",
	"F|bufio.(*Reader).Read|P5,{P6,0x9,0x9}|$bufio/bufio.go:245|0x197",
	"F|io.ReadAtLeast|{c,P5},{P6,0x9,0x9},0x9|$io/io.go:335|0x90",
	"F|io.ReadFull|...|$io/io.go:354|-",
	"F|golang.org/x/net/http2.readFrameHeader|{P6,0x9,n},{c,P5}|%golang.org/x/net@v0.26.0/http2/frame.go:237|0x65",
	"F|golang.org/x/net/http2.(*Framer).ReadFrame|P7|%golang.org/x/net@v0.26.0/http2/frame.go:501|0x85",
	"=mutex",
	"F7|internal/sync.runtime_SemacquireMutex|z?,z?,z?|$runtime/sema.go:95|0x25",
	"F7|internal/sync.(*Mutex).lockSlow|P1|$internal/sync/mutex.go:149|0x15a",
	"F7|internal/sync.(*Mutex).Lock|...|$internal/sync/mutex.go:70|-",
	"F7|sync.(*Mutex).Lock|...|$sync/mutex.go:46|-",
	"F9|sync.runtime_SemacquireMutex|k,n,z?|$runtime/sema.go:77|0x25",
	"F9|sync.(*Mutex).lockSlow|P1|$sync/mutex.go:171|0x165",
	"F9|sync.(*Mutex).Lock|...|$sync/mutex.go:90|-",

	/* ---- process skeleton (one goroutine each) ---- */
	"@running|running|running|busy|std,single,special",
	"F|runtime/pprof.writeGoroutineStacks|{c,P1}|$runtime/pprof/pprof.go:816|0x69",
	"F|runtime/pprof.writeGoroutine|{k,p1},p|$runtime/pprof/pprof.go:779|0x25",
	"F|runtime/pprof.(*Profile).WriteTo|k,{k,p1},0xc?|$runtime/pprof/pprof.go:405|0x149",
	"F|net/http/pprof.handler.ServeHTTP|{P,0x9},{c,P1},P2|$net/http/pprof/pprof.go:272|0x554",
	"F|net/http/pprof.Index|{c,P1},p2|$net/http/pprof/pprof.go:391|0xdc",
	"F|net/http.HandlerFunc.ServeHTTP|k,{k,p1},k|$net/http/server.go:2362|0x29",
	"F|net/http.(*ServeMux).ServeHTTP|k,{c,P1},P2|$net/http/server.go:2927|0x1cf",
	"F|net/http.serverHandler.ServeHTTP|{p},{k,p1},0x1?|$net/http/server.go:3440|0x8e",
	"F|net/http.(*conn).serve|P3,{c,P4}|$net/http/server.go:2161|0x6dc",
	"C|net/http.(*Server).Serve|$net/http/server.go:3608|0x4fd|serve",

	"@main|chan receive|chan receive|boot|std,single,special",
	"F|main.run|{c,P},{P,0x3,0x3}|&cmd/%S/main.go:118|0x6a5",
	"F|main.main||&cmd/%S/main.go:41|0x65",

	"@http_serve|IO wait|IO wait|idle|std,single",
	"I|accept",
	"F|net/http.(*Server).Serve|P3,{c,P2}|$net/http/server.go:3578|0x379",
	"F|net/http.(*Server).ListenAndServe|P3|$net/http/server.go:3489|0x6e",
	"F|main.run.func2||&cmd/%S/main.go:83|0x25",
	"C|main.run|&cmd/%S/main.go:81|0x3b4|main",

	"@grpc_serve|IO wait|IO wait|idle|std,single",
	"I|accept",
	"F|google.golang.org/grpc.(*Server).Serve|P3,{c,P2}|%google.golang.org/grpc@v1.64.0/server.go:885|0x469",
	"F|main.run.func3||&cmd/%S/main.go:94|0x2a",
	"C|main.run|&cmd/%S/main.go:92|0x4c5|main",

	"@signal_loop|syscall|syscall|boot|std,single",
	"F|os/signal.signal_recv||$runtime/sigqueue.go:152|0x98",
	"F|os/signal.loop||$os/signal/signal_unix.go:23|0x13",
	"C|os/signal.Notify.func2.1|$os/signal/signal.go:164|0x1f|main",

	"@db_opener|select|select|boot|std,single",
	"F|database/sql.(*DB).connectionOpener|P1,{c,P}|$database/sql/sql.go:1266|0x89",
	"C|database/sql.OpenDB|$database/sql/sql.go:846|0x135|main",

	"@user_accept|IO wait|IO wait|idle|single",
	"I|accept",
	"U|1|2|accept",
	"CU|main",

	/* ---- standard stacks with many goroutines ---- */
	"@http_idle|IO wait|IO wait|idle|std",
	"I|netread",
	"F|net/http.(*connReader).Read|P4,{P2,0x1000,0x1000}|$net/http/server.go:852|0x150",
	"F|bufio.(*Reader).fill|P5|$bufio/bufio.go:113|0x103",
	"F|bufio.(*Reader).Peek|P5,0x4|$bufio/bufio.go:152|0x52",
	"F|net/http.(*conn).serve|P6,{c,P}|$net/http/server.go:2197|0x833",
	"C|net/http.(*Server).Serve|$net/http/server.go:3608|0x4fd|serve",

	"@http_bgread|IO wait|IO wait|busy|std,companion",
	"I|netread1",
	"F|net/http.(*connReader).backgroundRead|P4|$net/http/server.go:742|0x32",
	"C|net/http.(*connReader).startBackgroundRead|$net/http/server.go:738|0xba|self",

	"@pconn_read|IO wait|IO wait|idle|std,+pconn_write",
	"I|netread",
	"F|net/http.(*persistConn).Read|P4,{p2,k,k}|$net/http/transport.go:2300|0x47",
	"F|bufio.(*Reader).fill|P5|$bufio/bufio.go:113|0x103",
	"F|bufio.(*Reader).Peek|P5,0x1|$bufio/bufio.go:152|0x52",
	"F|net/http.(*persistConn).readLoop|P4|$net/http/transport.go:2493|0x17e",
	"C|net/http.(*Transport).dialConn|$net/http/transport.go:2123|0x1da5|dial",

	"@pconn_write|select|select|idle|std,companion",
	"F|net/http.(*persistConn).writeLoop|P4|$net/http/transport.go:2833|0xe6",
	"C|net/http.(*Transport).dialConn|$net/http/transport.go:2124|0x1e05|dial",

	"@grpc_conn|IO wait|IO wait|idle|std,boot8",
	"I|netread",
	"I|h2frame",
	"F|google.golang.org/grpc/internal/transport.(*http2Server).HandleStreams|P8,{c,P},P|%google.golang.org/grpc@v1.64.0/internal/transport/http2_server.go:636|0x102",
	"F|google.golang.org/grpc.(*Server).serveStreams|P9,{c,P},{c,P8}|%google.golang.org/grpc@v1.64.0/server.go:1032|0x395",
	"F|google.golang.org/grpc.(*Server).handleRawConn.func1||%google.golang.org/grpc@v1.64.0/server.go:958|0x45",
	"C|google.golang.org/grpc.(*Server).handleRawConn|%google.golang.org/grpc@v1.64.0/server.go:957|0x1b6|gserve",

	"@grpc_client_reader|IO wait|IO wait|idle|std",
	"I|netread",
	"I|h2frame",
	"F|google.golang.org/grpc/internal/transport.(*http2Client).reader|P8,P|%google.golang.org/grpc@v1.64.0/internal/transport/http2_client.go:1606|0x22d",
	"C|google.golang.org/grpc/internal/transport.newHTTP2Client|%google.golang.org/grpc@v1.64.0/internal/transport/http2_client.go:404|0x1d2b|rand",

	"@grpc_loopy|select|select|idle|std",
	"F|google.golang.org/grpc/internal/transport.(*controlBuffer).get|P1,0x1|%google.golang.org/grpc@v1.64.0/internal/transport/controlbuf.go:418|0x206",
	"F|google.golang.org/grpc/internal/transport.(*loopyWriter).run|P2|%google.golang.org/grpc@v1.64.0/internal/transport/controlbuf.go:552|0x86",
	"F|google.golang.org/grpc/internal/transport.newHTTP2Client.func6||%google.golang.org/grpc@v1.64.0/internal/transport/http2_client.go:467|0xbd",
	"C|google.golang.org/grpc/internal/transport.newHTTP2Client|%google.golang.org/grpc@v1.64.0/internal/transport/http2_client.go:465|0x2031|rand",

	"@grpc_keepalive|select|select|idle|std",
	"F|google.golang.org/grpc/internal/transport.(*http2Client).keepalive|P1|%google.golang.org/grpc@v1.64.0/internal/transport/http2_client.go:1720|0x24a",
	"C|google.golang.org/grpc/internal/transport.newHTTP2Client|%google.golang.org/grpc@v1.64.0/internal/transport/http2_client.go:400|0x1cd6|rand",

	"@grpc_cbser|select|select|idle|std",
	"F|google.golang.org/grpc/internal/grpcsync.(*CallbackSerializer).run|P1,{c,P}|%google.golang.org/grpc@v1.64.0/internal/grpcsync/callback_serializer.go:83|0x115",
	"C|google.golang.org/grpc/internal/grpcsync.NewCallbackSerializer|%google.golang.org/grpc@v1.64.0/internal/grpcsync/callback_serializer.go:52|0x11a|rand",

	/* ---- request handlers blocked on something (the usual leaks) ---- */
	"@h_client_rt|select|select|leak|leaky,handler,+pconn_read,+pconn_write",
	"F|net/http.(*persistConn).roundTrip|P1,P2|$net/http/transport.go:3092|0x84b",
	"F|net/http.(*Transport).roundTrip|P3,P4|$net/http/transport.go:725|0xada",
	"F|net/http.(*Transport).RoundTrip|p,k|$net/http/roundtrip.go:33|0x18",
	"F|net/http.send|P4,{c,P3},{p,k,z?}|$net/http/client.go:266|0x654",
	"F|net/http.(*Client).send|P5,P4,{k,0x1?,z?}|$net/http/client.go:187|0x250",
	"F|net/http.(*Client).do|P5,P4|$net/http/client.go:745|0x9f7",
	"F|net/http.(*Client).Do|...|$net/http/client.go:604|-",
	"U|2|6|client",
	"H",

	"@h_chan_send|chan send|chan send|leak|leaky,handler",
	"U|3|8|publish",
	"H",

	"@h_chan_recv|chan receive|chan receive|leak|leaky,handler",
	"U|3|8|wait",
	"H",

	"@h_select|select|select|leak|leaky,handler",
	"U|3|8|wait",
	"H",

	"@h_mutex|sync.Mutex.Lock|semacquire|leak|leaky,handler",
	"I|mutex",
	"U|2|7|store",
	"H",

	"@h_rlock|sync.RWMutex.RLock|semacquire|leak|leaky,handler",
	"F7|sync.runtime_SemacquireRWMutexR|z?,z?,k|$runtime/sema.go:100|0x25",
	"F7|sync.(*RWMutex).RLock|...|$sync/rwmutex.go:74|-",
	"F9|sync.runtime_SemacquireMutex|z?,z?,k|$runtime/sema.go:77|0x25",
	"F9|sync.(*RWMutex).RLock|...|$sync/rwmutex.go:71|-",
	"U|2|6|cache",
	"H",

	"@h_wg|sync.WaitGroup.Wait|semacquire|leak|leaky,handler",
	"F7|sync.runtime_SemacquireWaitGroup|z?,n|$runtime/sema.go:114|0x2e",
	"F7|sync.(*WaitGroup).Wait|P1|$sync/waitgroup.go:206|0x85",
	"F9|sync.runtime_Semacquire|z?|$runtime/sema.go:62|0x25",
	"F9|sync.(*WaitGroup).Wait|k|$sync/waitgroup.go:139|0x52",
	"U|2|6|fanout",
	"H",

	"@h_cond|sync.Cond.Wait|sync.Cond.Wait|leak|handler",
	"F|sync.runtime_notifyListWait|P1,n|$runtime/sema.go:617|0x1b3",
	"F|sync.(*Cond).Wait|k|$sync/cond.go:71|0x73",
	"U|2|5|wait",
	"H",

	"@h_db_wait|select|select|leak|leaky,handler",
	"F|database/sql.(*DB).conn|P1,{c,P2},0x1|$database/sql/sql.go:1374|0x40e",
	"F|database/sql.(*DB).query|P1,{c,P2},{P,n},{P,n,n},0x1?|$database/sql/sql.go:1764|0x5d",
	"F|database/sql.(*DB).QueryContext.func1|0x1?|$database/sql/sql.go:1747|0x4f",
	"F|database/sql.(*DB).retry|z?,P|$database/sql/sql.go:1581|0x42",
	"F|database/sql.(*DB).QueryContext|P1,{c,P2},{P,n},{P,n,n}|$database/sql/sql.go:1746|0xc5",
	"U|2|6|store",
	"H",

	"@h_slow_write|IO wait|IO wait|busy|handler",
	"I|netwrite",
	"F|net/http.checkConnErrorWriter.Write|{p},{p,n,p}|$net/http/server.go:4283|0x26",
	"F|bufio.(*Writer).Write|P5,{p,k,n}|$bufio/bufio.go:682|0xec",
	"F|net/http.(*chunkWriter).Write|P6,{P7,N,N}|$net/http/server.go:392|0x105",
	"F|bufio.(*Writer).Write|P8,{p7,k,k}|$bufio/bufio.go:682|0xec",
	"F|net/http.(*response).write|P9,N,{P7,N,N},{0x0,0x0}|$net/http/server.go:1712|0x1ca",
	"F|net/http.(*response).Write|z?,{p7,z?,z?}|$net/http/server.go:1675|0x2a",
	"F|encoding/json.(*Encoder).Encode|P,{c,P}|$encoding/json/stream.go:233|0x2bd",
	"U|1|4|render",
	"H",

	"@h_runnable|runnable|runnable|busy|handler",
	"F|encoding/json.(*encodeState).marshal|P1,{c,P},{0x1?,0x0?}|$encoding/json/encode.go:342|0xb9",
	"F|encoding/json.Marshal|{c,P}|$encoding/json/encode.go:208|0x89",
	"U|2|5|render",
	"H",

	"@grpc_stream_recv|select|select|idle|",
	"F|google.golang.org/grpc/internal/transport.(*recvBufferReader).read|P1,{P2,0x5,0x5}|%google.golang.org/grpc@v1.64.0/internal/transport/transport.go:193|0x8c",
	"F|google.golang.org/grpc/internal/transport.(*recvBufferReader).Read|P1,{p2,k,k}|%google.golang.org/grpc@v1.64.0/internal/transport/transport.go:173|0x12f",
	"F|google.golang.org/grpc/internal/transport.(*transportReader).Read|P3,{p2,k,k}|%google.golang.org/grpc@v1.64.0/internal/transport/transport.go:525|0x2c",
	"F|io.ReadAtLeast|{c,P3},{P2,0x5,0x5},0x5|$io/io.go:335|0x90",
	"F|io.ReadFull|...|$io/io.go:354|-",
	"F|google.golang.org/grpc/internal/transport.(*Stream).Read|P4,{P2,0x5,0x5}|%google.golang.org/grpc@v1.64.0/internal/transport/transport.go:509|0x96",
	"F|google.golang.org/grpc.(*parser).recvMsg|P5,0x400000|%google.golang.org/grpc@v1.64.0/rpc_util.go:614|0x46",
	"F|google.golang.org/grpc.recvAndDecompress|P5,P4,{0x0,0x0},0x400000,0x0,{0x0,0x0}|%google.golang.org/grpc@v1.64.0/rpc_util.go:753|0x85",
	"F|google.golang.org/grpc.recv|0x4?,{x,c},p,{0x0?,0x0?},{c,P},0x0?,0x0,...|%google.golang.org/grpc@v1.64.0/rpc_util.go:833|0x7d",
	"F|google.golang.org/grpc.(*serverStream).RecvMsg|P6,{c,P}|%google.golang.org/grpc@v1.64.0/stream.go:1717|0x16f",
	"U|2|5|stream",
	"C|google.golang.org/grpc.(*Server).serveStreams.func2|%google.golang.org/grpc@v1.64.0/server.go:1038|0x135|gconn",

	/* ---- goroutines started by user code ---- */
	"@worker_select|select|select|idle|",
	"U|1|3|worker",
	"CU|boot",

	"@worker_range|chan receive|chan receive|idle|",
	"U|1|3|worker",
	"CU|boot",

	"@worker_mutex|sync.Mutex.Lock|semacquire|leak|leaky",
	"I|mutex",
	"U|2|4|worker",
	"CU|boot",

	"@worker_sleep|sleep|sleep|busy|",
	"F|time.Sleep|N|$runtime/time.go:368|0x165",
	"U|1|3|loop",
	"CU|boot",

	"@ticker_loop|select|select|busy|",
	"U|1|2|loop",
	"CU|boot",

	"@spawned_send|chan send|chan send|leak|leaky",
	"U|1|2|closure",
	"CU|rand",

	"@spawned_select|select|select|leak|leaky",
	"U|1|3|closure",
	"CU|rand",

	"@spawned_recv|chan receive|chan receive|leak|leaky",
	"U|1|3|closure",
	"CU|rand",

	"@nil_chan|chan receive (nil chan)|chan receive (nil chan)|leak|",
	"U|1|2|closure",
	"CU|rand",

	"@select_forever|select (no cases)|select (no cases)|boot|",
	"U|1|1|loop",
	"CU|main",

	"@tcp_conn|IO wait|IO wait|idle|",
	"I|netread",
	"F|bufio.(*Reader).fill|P5|$bufio/bufio.go:113|0x103",
	"F|bufio.(*Reader).ReadSlice|P5,0xa|$bufio/bufio.go:377|0x29",
	"F|bufio.(*Reader).collectFragments|P5,0xa|$bufio/bufio.go:452|0x85",
	"F|bufio.(*Reader).ReadString|k,0xa?|$bufio/bufio.go:499|0x1f",
	"U|1|3|conn",
	"CU|uaccept",

	"@deep|chan send|chan send|leak|deep",
	"R|400|60000",
	"CU|rand",
	NULL,
};

/* ------------------------------------------------------------------------- */
/* parsed catalogue                                                           */

enum { AGE_LEAK, AGE_IDLE, AGE_BUSY, AGE_BOOT };

enum {
	FL_STD = 1 << 0,       /* one fixed stack, no generated parts */
	FL_SINGLE = 1 << 1,    /* exactly one goroutine */
	FL_SPECIAL = 1 << 2,   /* placed by hand (running, main) */
	FL_LEAKY = 1 << 3,     /* may be the leaking bucket */
	FL_HANDLER = 1 << 4,   /* ends in a request router chain */
	FL_COMPANION = 1 << 5, /* only exists alongside another goroutine */
	FL_DEEP = 1 << 6,      /* pathologically deep, elided */
	FL_BOOT8 = 1 << 7,     /* a fixed handful of long-lived goroutines */
};

typedef struct {
	char name[32];
	char r127[48], r119[48];
	int age;
	unsigned flags;
	char comp[2][32];      /* companion template names */
	int ncomp;
	const char **lines;
	int nlines;
} tmpl_t;

static tmpl_t *tmpls;
static int ntmpl;

typedef struct { char name[32]; int first, count; } macro_t;

static int tmpl_find(const char *name)
{
	for (int i = 0; i < ntmpl; i++)
		if (!strcmp(tmpls[i].name, name))
			return i;
	return -1;
}

/* copy field i of a '|'-separated line into out */
static void field(const char *line, int i, char *out, size_t cap)
{
	const char *p = line;
	for (int k = 0; k < i && p; k++) {
		p = strchr(p, '|');
		if (p)
			p++;
	}
	if (!p) {
		out[0] = 0;
		return;
	}
	const char *e = strchr(p, '|');
	size_t n = e ? (size_t)(e - p) : strlen(p);
	if (n >= cap)
		die("internal: catalogue field too long: %s", line);
	memcpy(out, p, n);
	out[n] = 0;
}

static void parse_catalogue(void)
{
	macro_t macros[32];
	int nmacro = 0;
	int i = 0;
	/* pass 1: macros */
	for (i = 0; CATALOGUE[i]; i++) {
		if (CATALOGUE[i][0] == '=') {
			if (nmacro == 32)
				die("internal: too many macros");
			snprintf(macros[nmacro].name, sizeof macros[0].name, "%s", CATALOGUE[i] + 1);
			macros[nmacro].first = i + 1;
			int j = i + 1;
			while (CATALOGUE[j] && CATALOGUE[j][0] != '=' && CATALOGUE[j][0] != '@')
				j++;
			macros[nmacro].count = j - i - 1;
			nmacro++;
		}
	}
	/* pass 2: templates with macros expanded */
	for (i = 0; CATALOGUE[i]; i++) {
		const char *l = CATALOGUE[i];
		if (l[0] == '@') {
			tmpls = xrealloc(tmpls, sizeof *tmpls * (size_t)(ntmpl + 1));
			tmpl_t *t = &tmpls[ntmpl++];
			memset(t, 0, sizeof *t);
			char age[16], flags[128];
			field(l + 1, 0, t->name, sizeof t->name);
			field(l + 1, 1, t->r127, sizeof t->r127);
			field(l + 1, 2, t->r119, sizeof t->r119);
			field(l + 1, 3, age, sizeof age);
			field(l + 1, 4, flags, sizeof flags);
			t->age = !strcmp(age, "leak") ? AGE_LEAK : !strcmp(age, "idle") ? AGE_IDLE
			       : !strcmp(age, "boot") ? AGE_BOOT : AGE_BUSY;
			for (char *tok = strtok(flags, ","); tok; tok = strtok(NULL, ",")) {
				if (!strcmp(tok, "std")) t->flags |= FL_STD;
				else if (!strcmp(tok, "single")) t->flags |= FL_SINGLE;
				else if (!strcmp(tok, "special")) t->flags |= FL_SPECIAL;
				else if (!strcmp(tok, "leaky")) t->flags |= FL_LEAKY;
				else if (!strcmp(tok, "handler")) t->flags |= FL_HANDLER;
				else if (!strcmp(tok, "companion")) t->flags |= FL_COMPANION;
				else if (!strcmp(tok, "deep")) t->flags |= FL_DEEP;
				else if (!strcmp(tok, "boot8")) t->flags |= FL_BOOT8;
				else if (tok[0] == '+' && t->ncomp < 2)
					snprintf(t->comp[t->ncomp++], 32, "%s", tok + 1);
				else
					die("internal: bad flag %s", tok);
			}
			continue;
		}
		if (l[0] == '=') {
			/* skip macro body */
			while (CATALOGUE[i + 1] && CATALOGUE[i + 1][0] != '=' && CATALOGUE[i + 1][0] != '@')
				i++;
			continue;
		}
		if (!ntmpl)
			die("internal: catalogue line outside template: %s", l);
		tmpl_t *t = &tmpls[ntmpl - 1];
		if (l[0] == 'I' && l[1] == '|') {
			int m;
			for (m = 0; m < nmacro; m++)
				if (!strcmp(macros[m].name, l + 2))
					break;
			if (m == nmacro)
				die("internal: unknown macro %s", l + 2);
			t->lines = xrealloc(t->lines, sizeof *t->lines * (size_t)(t->nlines + macros[m].count));
			for (int k = 0; k < macros[m].count; k++)
				t->lines[t->nlines++] = CATALOGUE[macros[m].first + k];
			continue;
		}
		t->lines = xrealloc(t->lines, sizeof *t->lines * (size_t)(t->nlines + 1));
		t->lines[t->nlines++] = l;
	}
	for (i = 0; i < ntmpl; i++)
		for (int c = 0; c < tmpls[i].ncomp; c++)
			if (tmpl_find(tmpls[i].comp[c]) < 0)
				die("internal: unknown companion %s", tmpls[i].comp[c]);
}

/* ------------------------------------------------------------------------- */
/* stack construction                                                         */

/* compiled-body tokens: 0x01 followed by a code byte (and a slot digit) */
#define TK 0x01
enum {
	TK_PTR = 'P', TK_PTRQ = 'p',      /* fresh heap pointer, live / stale */
	TK_SLOT = 'S', TK_SLOTQ = 's',    /* + digit: reused heap pointer */
	TK_NUM = 'N', TK_NUMQ = 'n',      /* small number */
	TK_RT = 'x',                      /* runtime-side pointer 0x7f... */
	TK_PARENT = 'g',                  /* parent goroutine id */
};

enum { PM_NONE, PM_MAIN, PM_SERVE, PM_GSERVE, PM_GCONN, PM_UACCEPT, PM_BOOT, PM_RAND, PM_SELF, PM_DIAL };

typedef struct {
	sb_t fn, args, file;           /* args already rendered (with tokens) */
	int line;
	unsigned off;                  /* 0 = inlined (no +0x) */
} frame_t;

typedef struct {
	frame_t *f;
	int n, cap;
	/* created by */
	char cfn[256], cfile[256];
	int cline;
	unsigned coff;
	int cmode;
	int has_created;
	long deep_total;               /* >0: logical frame count of a deep stack */
} build_t;

typedef struct {
	int tmpl;
	char *body;                    /* compiled frames + created-by, with tokens */
	size_t bodylen;
	const char *reason;
	int age;
	int pmode;                     /* parent mode of the created-by line */
	long boot_parent;              /* for PM_BOOT */
	int comp[3], ncomp;            /* companion stacks (indices) */
	int cost;                      /* goroutines per primary (1 + companions) */
	uint64_t prim;                 /* number of primary goroutines */
	uint64_t total;                /* all goroutines with this stack */
	int labels;                    /* eligible for pprof labels */
	char route[128];               /* for labels */
	const char *lkey;
	uint64_t key;                  /* hash of the static text, for distinctness */
} stack_t_;

static stack_t_ *stacks;
static int nstacks;

/* per-stack constants (type / itab addresses) */
static uint64_t rconst(rng_t *r)
{
	return 0x400000 + (rndn(r, 0x1800000) & ~(uint64_t)7);
}

/* Render an argument pattern into text plus tokens (see the catalogue notes). */
static void render_args(sb_t *out, const char *pat, rng_t *r)
{
	char tmp[40];
	for (const char *p = pat; *p;) {
		char ch = *p;
		if (ch == ',') {
			sb_puts(out, ", ");
			p++;
		} else if (ch == '{' || ch == '}' || ch == '_') {
			sb_add(out, p, 1);
			p++;
		} else if (ch == '.') {
			while (*p == '.')
				p++;
			sb_puts(out, "...");
		} else if (ch == 'p' || ch == 'P') {
			p++;
			char t[3] = { TK, 0, 0 };
			if (*p >= '1' && *p <= '9') {
				t[1] = ch == 'p' ? TK_SLOTQ : TK_SLOT;
				t[2] = *p++;
				sb_add(out, t, 3);
			} else {
				t[1] = ch == 'p' ? TK_PTRQ : TK_PTR;
				sb_add(out, t, 2);
			}
		} else if (ch == 'n' || ch == 'N') {
			char t[2] = { TK, ch == 'n' ? TK_NUMQ : TK_NUM };
			sb_add(out, t, 2);
			p++;
		} else if (ch == 'x') {
			char t[2] = { TK, TK_RT };
			sb_add(out, t, 2);
			p++;
		} else if (ch == 'c' || ch == 'k') {
			snprintf(tmp, sizeof tmp, "0x%" PRIx64 "%s", rconst(r), ch == 'k' ? "?" : "");
			sb_puts(out, tmp);
			p++;
		} else if (ch == 'z') {
			p++;
			if (*p == '?') {
				sb_puts(out, "0x0?");
				p++;
			} else {
				sb_puts(out, "0x0");
			}
		} else if (ch == '0') {
			const char *e = p;
			while (*e && *e != ',' && *e != '}')
				e++;
			sb_add(out, p, (size_t)(e - p));
			p = e;
		} else {
			die("internal: bad arg pattern '%s'", pat);
		}
	}
}

/* expand the path prefixes and %S */
static void expand_path(sb_t *out, const char *s)
{
	if (*s == '$') {
		sb_puts(out, GOROOT);
		s++;
	} else if (*s == '%' && s[1] != 'S') {
		sb_puts(out, MODCACHE);
		s++;
	} else if (*s == '&') {
		sb_puts(out, approot);
		s++;
	}
	for (; *s; s++) {
		if (s[0] == '%' && s[1] == 'S') {
			sb_puts(out, svc);
			s++;
		} else {
			sb_add(out, s, 1);
		}
	}
}

static frame_t *add_frame(build_t *b)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 32;
		b->f = xrealloc(b->f, sizeof *b->f * (size_t)b->cap);
	}
	frame_t *f = &b->f[b->n++];
	memset(f, 0, sizeof *f);
	return f;
}

/* add a frame; fn and file are expanded, args is a pattern */
static void addf(build_t *b, rng_t *r, const char *fn, const char *args, const char *file, int line, unsigned off)
{
	frame_t *f = add_frame(b);
	expand_path(&f->fn, fn);
	if (off)
		render_args(&f->args, args, r);
	else
		sb_puts(&f->args, "...");
	expand_path(&f->file, file);
	f->line = line;
	f->off = off;
}

static void free_build(build_t *b)
{
	for (int i = 0; i < b->n; i++) {
		free(b->f[i].fn.p);
		free(b->f[i].args.p);
		free(b->f[i].file.p);
	}
	free(b->f);
	memset(b, 0, sizeof *b);
}

static int parse_mode(const char *m)
{
	static const char *names[] = { "none", "main", "serve", "gserve", "gconn", "uaccept", "boot", "rand", "self", "dial" };
	for (int i = 0; i < (int)(sizeof names / sizeof names[0]); i++)
		if (!strcmp(m, names[i]))
			return i;
	die("internal: bad parent mode %s", m);
	return 0;
}

static unsigned roff(rng_t *r)
{
	/* +0x offsets: mostly small, some large functions */
	return chance(r, 80) ? (unsigned)rndr(r, 0x12, 0x3ff) : (unsigned)rndr(r, 0x400, 0x1fff);
}

/* ---- user code vocabulary ---- */
static const char *const PKGS[] = {
	"internal/api", "internal/orders", "internal/billing", "internal/inventory", "internal/users",
	"internal/auth", "internal/search", "internal/notify", "internal/store", "internal/cache",
	"internal/queue", "internal/ingest", "internal/report", "internal/pricing", "internal/session",
	"internal/shipping", "internal/catalog", "internal/payments", "internal/ledger", "internal/fraud",
	"internal/recommend", "internal/webhooks", "pkg/httpx", "pkg/retry", "pkg/pool", "pkg/events",
	"pkg/kv", "pkg/feature", "pkg/ratelimit", "pkg/circuit",
};
static const char *const TYPES[] = {
	"Service", "Handler", "Repository", "Client", "Cache", "Manager", "Worker", "Processor", "Store",
	"Publisher", "Consumer", "Syncer", "Indexer", "Limiter", "Gateway", "Resolver", "Dispatcher",
	"Aggregator", "Coordinator", "Controller",
};
static const char *const VERBS[] = {
	"Get", "List", "Create", "Update", "Delete", "Fetch", "Load", "Save", "Sync", "Process", "Handle",
	"Publish", "Consume", "Refresh", "Lookup", "Validate", "Resolve", "Apply", "Flush", "Watch",
	"Dispatch", "Reconcile", "Compute", "Enrich", "Reserve", "Settle", "Notify", "Import", "Export",
	"Index", "Batch", "Prefetch",
};
static const char *const NOUNS[] = {
	"Order", "Orders", "Invoice", "User", "Account", "Prices", "Item", "Items", "Batch", "Events",
	"Session", "Token", "Stock", "Report", "Shipment", "Cart", "Payment", "Refund", "Customer",
	"Profile", "Quote", "Ledger", "Balance", "Catalog", "Rates", "Webhook", "Snapshot", "Metrics",
	"Coupons", "Addresses", "Recommendations", "Permissions",
};
static const char *const FILES[] = {
	"service.go", "handler.go", "repository.go", "client.go", "cache.go", "worker.go",
	"processor.go", "store.go", "consumer.go", "publisher.go", "sync.go", "api.go", "routes.go",
	"queries.go", "events.go", "validate.go", "convert.go",
};
static const char *const MIDDLEWARE[] = {
	"Logging", "Recoverer", "Authenticate", "RequestID", "Timeout", "Metrics", "CORS",
	"RateLimit", "Tracing", "Compress", "TenantFromHeader", "AuditLog",
};

typedef struct {
	const char *pkg, *type, *verb, *noun;
} uname_t;

static void lower_all(char *dst, const char *src, size_t cap)
{
	size_t i = 0;
	for (; src[i] && i + 1 < cap; i++)
		dst[i] = (src[i] >= 'A' && src[i] <= 'Z') ? (char)(src[i] - 'A' + 'a') : src[i];
	dst[i] = 0;
}

static void lower_first(char *s)
{
	if (*s >= 'A' && *s <= 'Z')
		*s = (char)(*s - 'A' + 'a');
}

static void user_args(sb_t *pat, rng_t *r, int method, int ctx)
{
	int n = 0;
	if (method) {
		sb_puts(pat, chance(r, 70) ? "P" : "p");
		n++;
	}
	if (ctx) {
		sb_puts(pat, n ? ",{c,P}" : "{c,P}");
		n++;
	}
	int extra = (int)rndn(r, 4);
	static const char *const kinds[] = { "{P,n}", "{P,n,n}", "p", "n", "z?", "N", "{p,n}", "{c,p}", "P", "0x1?" };
	for (int i = 0; i < extra; i++) {
		if (n)
			sb_puts(pat, ",");
		sb_puts(pat, PICK(r, kinds));
		n++;
	}
}

/* one user frame; role picks the shape of the innermost frames */
static void user_frame(build_t *b, rng_t *r, const char *role, int innermost, uname_t *nm, int inl_pct)
{
	char fn[256], file[256];
	sb_t pat = { 0 };
	nm->pkg = PICK(r, PKGS);
	nm->type = PICK(r, TYPES);
	nm->verb = PICK(r, VERBS);
	nm->noun = PICK(r, NOUNS);
	const char *type = nm->type;
	char meth[96];
	snprintf(meth, sizeof meth, "%s%s", nm->verb, nm->noun);
	int method = 1, ctx = chance(r, 75);
	if (innermost && role) {
		if (!strcmp(role, "publish")) {
			static const char *const v[] = { "publish", "emit", "enqueue", "notifyAll", "broadcast", "send" };
			type = chance(r, 50) ? "Publisher" : "Bus";
			snprintf(meth, sizeof meth, "%s", PICK(r, v));
		} else if (!strcmp(role, "client")) {
			type = "Client";
			snprintf(meth, sizeof meth, "%s%s", chance(r, 30) ? "do" : "Fetch", nm->noun);
			if (chance(r, 30))
				nm->pkg = "pkg/httpx";
		} else if (!strcmp(role, "store")) {
			type = chance(r, 50) ? "Repository" : "Store";
		} else if (!strcmp(role, "cache")) {
			type = "Cache";
			snprintf(meth, sizeof meth, "%s", chance(r, 50) ? "Get" : "lookup");
			ctx = 0;
		} else if (!strcmp(role, "worker")) {
			static const char *const t[] = { "Pool", "Worker", "Consumer", "Dispatcher", "Processor" };
			static const char *const m[] = { "worker", "run", "loop", "consume", "process" };
			type = PICK(r, t);
			snprintf(meth, sizeof meth, "%s", PICK(r, m));
		} else if (!strcmp(role, "loop")) {
			static const char *const m[] = { "refreshLoop", "janitor", "watch", "flushLoop", "reportLoop", "gcLoop", "heartbeat", "pollLoop" };
			snprintf(meth, sizeof meth, "%s", PICK(r, m));
		} else if (!strcmp(role, "accept")) {
			type = "Server";
			snprintf(meth, sizeof meth, "%s", chance(r, 50) ? "acceptLoop" : "serve");
			ctx = 0;
		} else if (!strcmp(role, "conn")) {
			type = chance(r, 50) ? "conn" : "session";
			snprintf(meth, sizeof meth, "%s", chance(r, 50) ? "readLoop" : "serve");
		} else if (!strcmp(role, "fanout")) {
			snprintf(meth, sizeof meth, "fanOut%s", nm->noun);
		} else if (!strcmp(role, "render")) {
			type = "Handler";
			snprintf(meth, sizeof meth, "writeJSON");
		} else if (!strcmp(role, "stream")) {
			type = "Server";
		}
	}
	int closure = innermost && role && !strcmp(role, "closure");
	int generic = chance(r, 5);
	int valrecv = !closure && chance(r, 8);
	int func = !closure && !valrecv && chance(r, 15);
	if (func) {
		/* plain package function */
		char m2[96];
		snprintf(m2, sizeof m2, "%s", meth);
		lower_first(m2);
		snprintf(fn, sizeof fn, "%s/%s.%s%s", modpath, nm->pkg, m2, generic ? "[...]" : "");
		method = 0;
	} else if (valrecv) {
		snprintf(fn, sizeof fn, "%s/%s.%s.%s", modpath, nm->pkg, type, meth);
	} else {
		snprintf(fn, sizeof fn, "%s/%s.(*%s%s).%s", modpath, nm->pkg, type, generic ? "[...]" : "", meth);
	}
	if (closure) {
		char tail[16];
		if (chance(r, 70))
			snprintf(tail, sizeof tail, ".func%d", (int)rndr(r, 1, 4));
		else
			snprintf(tail, sizeof tail, ".func%d.%d", (int)rndr(r, 1, 3), (int)rndr(r, 1, 2));
		strncat(fn, tail, sizeof fn - strlen(fn) - 1);
		method = 0;
		ctx = chance(r, 20);
	}
	const char *fname = PICK(r, FILES);
	snprintf(file, sizeof file, "&%s/%s", nm->pkg, fname);
	user_args(&pat, r, method, ctx);
	int inl = chance(r, inl_pct);
	addf(b, r, fn, pat.n ? pat.p : "", file, (int)rndr(r, 18, 980), inl ? 0 : roff(r));
	free(pat.p);
}

/* a generated user call chain, innermost first */
static int depth_bonus;        /* added to generated user call chains (size calibration) */

static void user_chain(build_t *b, rng_t *r, int lo, int hi, const char *role, uname_t *outer)
{
	int d = (int)rndr(r, lo, hi);
	/* Extra middle layers for size calibration come from a side stream so
	 * that depth_bonus never changes the rest of the stack. Long-running
	 * loops and accept loops stay shallow; request paths grow. */
	rng_t rx = { r->s ^ 0x5851f42d4c957f2dULL };
	int extra = 0;
	if (!role || (strcmp(role, "worker") && strcmp(role, "loop") && strcmp(role, "accept") && strcmp(role, "closure")))
		extra = (int)rndr(&rx, depth_bonus / 2, depth_bonus);
	uname_t nm = { 0 }, tmp;
	for (int i = 0; i < d; i++) {
		user_frame(b, r, role, i == 0, &nm, i == 0 ? 12 : 10);
		if (i == 0)
			for (int k = 0; k < extra; k++)
				user_frame(b, &rx, NULL, 0, &tmp, 10);
	}
	if (outer)
		*outer = nm;
}

/* the request router part of a handler stack; returns 1 if it is net/http (backgroundRead companion) */
static int router_chain(build_t *b, rng_t *r, const uname_t *h, char *route, size_t routecap)
{
	int kind = (int)rndn(r, 100);
	char fn[320], file[256];
	char lnoun[64];
	snprintf(lnoun, sizeof lnoun, "%s", h->noun ? h->noun : "Order");
	lower_first(lnoun);
	snprintf(route, routecap, "/api/v%d/%s", (int)rndr(r, 1, 2), lnoun);
	if (kind < 25) {
		/* gRPC unary: pb handler closure, interceptors, pb handler, grpc server */
		char svcname[64];
		snprintf(svcname, sizeof svcname, "%s", h->pkg ? strrchr(h->pkg, '/') + 1 : "orders");
		char svcT[64];
		snprintf(svcT, sizeof svcT, "%s", svcname);
		if (svcT[0] >= 'a' && svcT[0] <= 'z')
			svcT[0] = (char)(svcT[0] - 'a' + 'A');
		const char *meth_v = h->verb ? h->verb : "Get";
		const char *meth_n = h->noun ? h->noun : "Order";
		snprintf(route, routecap, "/%s.v1.%sService/%s%s", svcname, svcT, meth_v, meth_n);
		snprintf(fn, sizeof fn, "%s/gen/%spb._%sService_%s%s_Handler.func1", modpath, svcname, svcT, meth_v, meth_n);
		snprintf(file, sizeof file, "&gen/%spb/%s_grpc.pb.go", svcname, svcname);
		int pbline = (int)rndr(r, 180, 900);
		addf(b, r, fn, "{c,P},{k,P}", file, pbline, roff(r));
		int nint = (int)rndr(r, 1, 4);
		static const char *const ints[][2] = {
			{ "github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/recovery.UnaryServerInterceptor.func1", "%github.com/grpc-ecosystem/go-grpc-middleware/v2@v2.1.0/interceptors/recovery/interceptors.go:33" },
			{ "github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/logging.UnaryServerInterceptor.func1", "%github.com/grpc-ecosystem/go-grpc-middleware/v2@v2.1.0/interceptors/logging/interceptors.go:167" },
			{ "github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/auth.UnaryServerInterceptor.func1", "%github.com/grpc-ecosystem/go-grpc-middleware/v2@v2.1.0/interceptors/auth/auth.go:67" },
			{ "go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc.UnaryServerInterceptor.func1", "%go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc@v0.52.0/interceptor.go:326" },
		};
		for (int i = 0; i < nint; i++) {
			int which = (int)rndn(r, 4);
			char pth[256];
			snprintf(pth, sizeof pth, "%s", ints[which][1]);
			char *colon = strrchr(pth, ':');
			int ln = atoi(colon + 1);
			*colon = 0;
			addf(b, r, ints[which][0], "{k,k},{k,P},k,k", pth, ln, roff(r));
			/* interceptor i>0 is reached through getChainUnaryHandler's closure;
			 * interceptor 0 is called by chainUnaryInterceptors directly */
			if (i < nint - 1)
				addf(b, r, "google.golang.org/grpc.getChainUnaryHandler.func1", "{c,P},{c,P}",
				     "%google.golang.org/grpc@v1.64.0/server.go", 1203, 0xb2);
		}
		addf(b, r, "google.golang.org/grpc.NewServer.chainUnaryServerInterceptors.chainUnaryInterceptors.func1",
		     "{c,P},{c,P},P,k", "%google.golang.org/grpc@v1.64.0/server.go", 1194, 0x85);
		snprintf(fn, sizeof fn, "%s/gen/%spb._%sService_%s%s_Handler", modpath, svcname, svcT, meth_v, meth_n);
		addf(b, r, fn, "{k,P},{c,P},P,P", file, pbline + 2, roff(r));
		addf(b, r, "google.golang.org/grpc.(*Server).processUnaryRPC", "P1,{c,P},{c,P2},P3,P,k,z",
		     "%google.golang.org/grpc@v1.64.0/server.go", 1386, 0xdf8);
		addf(b, r, "google.golang.org/grpc.(*Server).handleStream", "P1,{c,P2},P3",
		     "%google.golang.org/grpc@v1.64.0/server.go", 1797, 0xe87);
		addf(b, r, "google.golang.org/grpc.(*Server).serveStreams.func2.1", "",
		     "%google.golang.org/grpc@v1.64.0/server.go", 1027, 0x8b);
		snprintf(b->cfn, sizeof b->cfn, "google.golang.org/grpc.(*Server).serveStreams.func2");
		snprintf(b->cfile, sizeof b->cfile, "%sgoogle.golang.org/grpc@v1.64.0/server.go", MODCACHE);
		b->cline = 1038;
		b->coff = 0x135;
		b->cmode = PM_GCONN;
		b->has_created = 1;
		return 0;
	}
	if (kind < 55) {
		/* gin: handler, user middlewares with Context.Next, recovery, logger, engine */
		const char *G = "%github.com/gin-gonic/gin@v1.10.0/";
		char p[256];
		snprintf(p, sizeof p, "%scontext.go", G);
		addf(b, r, "github.com/gin-gonic/gin.(*Context).Next", "...", p, 185, 0);
		int nmw = (int)rndr(r, 1, 5);
		for (int i = 0; i < nmw; i++) {
			const char *mw = PICK(r, MIDDLEWARE);
			char mf[64];
			lower_all(mf, mw, sizeof mf);
			snprintf(fn, sizeof fn, "%s/internal/middleware.%s.func1", modpath, mw);
			snprintf(file, sizeof file, "&internal/middleware/%s.go", mf);
			addf(b, r, fn, "P1", file, (int)rndr(r, 20, 160), roff(r));
			addf(b, r, "github.com/gin-gonic/gin.(*Context).Next", "...", p, 185, 0);
		}
		snprintf(p, sizeof p, "%srecovery.go", G);
		addf(b, r, "github.com/gin-gonic/gin.CustomRecoveryWithWriter.func1", "P1", p, 102, 0x6f);
		snprintf(p, sizeof p, "%scontext.go", G);
		addf(b, r, "github.com/gin-gonic/gin.(*Context).Next", "...", p, 185, 0);
		snprintf(p, sizeof p, "%slogger.go", G);
		addf(b, r, "github.com/gin-gonic/gin.LoggerWithConfig.func1", "P1", p, 249, 0xe5);
		snprintf(p, sizeof p, "%scontext.go", G);
		addf(b, r, "github.com/gin-gonic/gin.(*Context).Next", "...", p, 185, 0);
		snprintf(p, sizeof p, "%sgin.go", G);
		addf(b, r, "github.com/gin-gonic/gin.(*Engine).handleHTTPRequest", "P2,P1", p, 633, 0x892);
		addf(b, r, "github.com/gin-gonic/gin.(*Engine).ServeHTTP", "P2,{c,P},P", p, 589, 0x1b2);
	} else {
		/* net/http ServeMux with middleware, optionally wrapped by otelhttp */
		addf(b, r, "net/http.HandlerFunc.ServeHTTP", "k,{k,p},k", "$net/http/server.go", 2362, 0x29);
		int nmw = (int)rndr(r, 0, 4);
		for (int i = 0; i < nmw; i++) {
			const char *mw = PICK(r, MIDDLEWARE);
			char mf[64];
			lower_all(mf, mw, sizeof mf);
			snprintf(fn, sizeof fn, "%s/internal/middleware.%s.func1", modpath, mw);
			snprintf(file, sizeof file, "&internal/middleware/%s.go", mf);
			addf(b, r, fn, "{c,P},P", file, (int)rndr(r, 20, 160), roff(r));
			addf(b, r, "net/http.HandlerFunc.ServeHTTP", "k,{k,p},k", "$net/http/server.go", 2362, 0x29);
		}
		addf(b, r, "net/http.(*ServeMux).ServeHTTP", "k,{c,P1},P2", "$net/http/server.go", 2927, 0x1cf);
		if (kind < 80) {
			const char *O = "%go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp@v0.52.0/handler.go";
			addf(b, r, "go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp.(*middleware).serveHTTP",
			     "P,{c,P},P,{c,P}", O, 214, 0x1a62);
			addf(b, r, "go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp.NewMiddleware.func1.1",
			     "{c,P},P", O, 72, 0x39);
			addf(b, r, "net/http.HandlerFunc.ServeHTTP", "k,{k,p},k", "$net/http/server.go", 2362, 0x29);
		}
	}
	addf(b, r, "net/http.serverHandler.ServeHTTP", "{p},{k,p},0x1?", "$net/http/server.go", 3440, 0x8e);
	addf(b, r, "net/http.(*conn).serve", "P3,{c,P4}", "$net/http/server.go", 2161, 0x6dc);
	snprintf(b->cfn, sizeof b->cfn, "net/http.(*Server).Serve");
	snprintf(b->cfile, sizeof b->cfile, "%snet/http/server.go", GOROOT);
	b->cline = 3608;
	b->coff = 0x4fd;
	b->cmode = PM_SERVE;
	b->has_created = 1;
	return 1;
}

/* created by a generated user function */
static void user_created_by(build_t *b, rng_t *r, int mode)
{
	const char *pkg = PICK(r, PKGS);
	static const char *const starters[][2] = {
		{ "Pool", "Start" }, { "Worker", "Run" }, { "Service", "Start" }, { "Manager", "Run" },
		{ "Consumer", "Start" }, { "Syncer", "Start" }, { "Dispatcher", "Start" }, { "Server", "ListenAndServe" },
	};
	int s = (int)rndn(r, 8);
	if (mode == PM_RAND) {
		/* spawned per request by a handler method or its closure */
		const char *t = PICK(r, TYPES);
		snprintf(b->cfn, sizeof b->cfn, "%s/%s.(*%s).%s%s", modpath, pkg, t, PICK(r, VERBS), PICK(r, NOUNS));
		if (chance(r, 30)) {
			char tail[16];
			snprintf(tail, sizeof tail, ".func%d", (int)rndr(r, 1, 3));
			strncat(b->cfn, tail, sizeof b->cfn - strlen(b->cfn) - 1);
		}
	} else if (mode == PM_UACCEPT) {
		snprintf(b->cfn, sizeof b->cfn, "%s/%s.(*Server).acceptLoop", modpath, pkg);
	} else if (mode == PM_MAIN && chance(r, 50)) {
		snprintf(b->cfn, sizeof b->cfn, "main.run");
	} else {
		snprintf(b->cfn, sizeof b->cfn, "%s/%s.(*%s).%s", modpath, pkg, starters[s][0], starters[s][1]);
	}
	if (!strncmp(b->cfn, "main.", 5))
		snprintf(b->cfile, sizeof b->cfile, "%scmd/%s/main.go", approot, svc);
	else
		snprintf(b->cfile, sizeof b->cfile, "%s%s/%s", approot, pkg, PICK(r, FILES));
	b->cline = (int)rndr(r, 20, 700);
	b->coff = roff(r);
	b->cmode = mode;
	b->has_created = 1;
}

/* deep recursion: a recursive walker blocked at the bottom */
static void deep_chain(build_t *b, rng_t *r, int lo, int hi)
{
	long depth = rndr(r, lo, hi);
	const char *pkg = PICK(r, PKGS);
	static const char *const t[] = { "Tree", "Node", "Graph", "Rule", "Expr", "Category" };
	static const char *const m[] = { "walk", "visit", "resolve", "expand", "flatten", "eval" };
	const char *T = PICK(r, t), *M = PICK(r, m);
	char fn[256], file[256];
	snprintf(file, sizeof file, "&%s/%s.go", pkg, chance(r, 50) ? "tree" : "walk");
	int rline = (int)rndr(r, 40, 400);
	unsigned roffv = roff(r);
	/* leaf: an inlined emit() sending on a channel */
	snprintf(fn, sizeof fn, "%s/%s.(*%s).emit", modpath, pkg, T);
	addf(b, r, fn, "...", file, rline - (int)rndr(r, 5, 30), 0);
	snprintf(fn, sizeof fn, "%s/%s.(*%s).%s", modpath, pkg, T, M);
	addf(b, r, fn, "P1,{c,P},n", file, rline - 3, roffv - 0x10);
	/* the recursion: build one frame and reference it depth times at print time */
	addf(b, r, fn, "P,{c,P},n", file, rline, roffv);
	char W[32];
	snprintf(W, sizeof W, "%s", M);
	W[0] = (char)(W[0] - 'a' + 'A');
	snprintf(fn, sizeof fn, "%s/%s.(*%s).%s", modpath, pkg, T, W);
	addf(b, r, fn, "P,{c,P}", file, rline - 60, roff(r));
	snprintf(fn, sizeof fn, "%s/%s.(*Indexer).rebuild", modpath, pkg);
	addf(b, r, fn, "P,{c,P}", file, (int)rndr(r, 20, 300), roff(r));
	b->deep_total = depth;
}

/* FNV-1a */
static uint64_t hash64(const char *s, size_t n, uint64_t h)
{
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void emit_frame_text(sb_t *o, const frame_t *f)
{
	sb_add(o, f->fn.p, f->fn.n);
	sb_puts(o, "(");
	sb_add(o, f->args.p, f->args.n);
	sb_puts(o, ")\n\t");
	sb_add(o, f->file.p, f->file.n);
	if (f->off)
		sb_printf(o, ":%d +0x%x\n", f->line, f->off);
	else
		sb_printf(o, ":%d\n", f->line);
}

/* lay out the frames (with elision) and the created-by line */
static void compile(build_t *b, stack_t_ *st)
{
	sb_t o = { 0 };
	if (b->deep_total) {
		/* frames: [0]=emit (inlined), [1]=first walk, [2]=recursive walk x depth, [3]=Walk, [4]=rebuild */
		long logical = 2 + b->deep_total + 2;
		const frame_t *seq[5] = { &b->f[0], &b->f[1], &b->f[2], &b->f[3], &b->f[4] };
#define DEEP_AT(i) ((i) < 2 ? seq[(i)] : (i) >= logical - 2 ? seq[(i) - (logical - 2) + 3] : seq[2])
		if (!go119) {
			for (long i = 0; i < 50; i++)
				emit_frame_text(&o, DEEP_AT(i));
			sb_printf(&o, "...%ld frames elided...\n", logical - 100);
			for (long i = logical - 50; i < logical; i++)
				emit_frame_text(&o, DEEP_AT(i));
		} else {
			for (long i = 0; i < 100; i++)
				emit_frame_text(&o, DEEP_AT(i));
			sb_puts(&o, "...additional frames elided...\n");
		}
#undef DEEP_AT
	} else {
		for (int i = 0; i < b->n; i++)
			emit_frame_text(&o, &b->f[i]);
	}
	if (b->has_created) {
		sb_printf(&o, "created by %s", b->cfn);
		if (!go119 && b->cmode != PM_NONE) {
			char t[2] = { TK, TK_PARENT };
			sb_puts(&o, " in goroutine ");
			sb_add(&o, t, 2);
		}
		sb_printf(&o, "\n\t%s:%d +0x%x\n", b->cfile, b->cline, b->coff);
	}
	st->body = o.p;
	st->bodylen = o.n;
	st->pmode = b->has_created ? b->cmode : PM_NONE;
	/* key: the text without tokens (tokens vary per goroutine, constants do not matter) */
	uint64_t h = 0xcbf29ce484222325ULL;
	for (int i = 0; i < b->n; i++) {
		h = hash64(b->f[i].fn.p, b->f[i].fn.n, h);
		h = hash64(b->f[i].file.p, b->f[i].file.n, h);
		h ^= (uint64_t)b->f[i].line * 0x9e3779b97f4a7c15ULL;
	}
	h = hash64(b->cfn, strlen(b->cfn), h);
	h ^= (uint64_t)b->cline;
	st->key = h;
}

/* instantiate template ti into a new stack (not yet registered) */
static void build_stack(int ti, rng_t *r, stack_t_ *st)
{
	const tmpl_t *t = &tmpls[ti];
	build_t b = { 0 };
	uname_t outer = { 0 };
	int http = 0;
	memset(st, 0, sizeof *st);
	st->tmpl = ti;
	st->age = t->age;
	st->reason = go119 ? t->r119 : t->r127;
	char f1[512], f2[512], f3[512], f4[64], f5[32];
	for (int i = 0; i < t->nlines; i++) {
		const char *l = t->lines[i];
		if (l[0] == 'F') {
			int only = l[1] == '7' ? 127 : l[1] == '9' ? 119 : 0;
			if ((only == 127 && go119) || (only == 119 && !go119))
				continue;
			field(l, 1, f1, sizeof f1);
			field(l, 2, f2, sizeof f2);
			field(l, 3, f3, sizeof f3);
			field(l, 4, f4, sizeof f4);
			char *colon = strrchr(f3, ':');
			int line = atoi(colon + 1);
			*colon = 0;
			unsigned off = f4[0] == '-' ? 0 : (unsigned)strtoul(f4, NULL, 16);
			addf(&b, r, f1, f2, f3, line, off);
		} else if (l[0] == 'U') {
			field(l, 1, f4, sizeof f4);
			field(l, 2, f5, sizeof f5);
			field(l, 3, f1, sizeof f1);
			user_chain(&b, r, atoi(f4), atoi(f5), f1[0] ? f1 : NULL, &outer);
		} else if (l[0] == 'H' && l[1] == 0) {
			/* the outermost user frame is the handler method */
			http = router_chain(&b, r, &outer, st->route, sizeof st->route);
			st->labels = 1;
		} else if (l[0] == 'C' && l[1] == 'U') {
			field(l, 1, f4, sizeof f4);
			user_created_by(&b, r, parse_mode(f4));
		} else if (l[0] == 'C') {
			field(l, 1, f1, sizeof f1);
			field(l, 2, f3, sizeof f3);
			field(l, 3, f4, sizeof f4);
			field(l, 4, f5, sizeof f5);
			char *colon = strrchr(f3, ':');
			b.cline = atoi(colon + 1);
			*colon = 0;
			sb_t fn = { 0 }, fl = { 0 };
			expand_path(&fn, f1);
			expand_path(&fl, f3);
			snprintf(b.cfn, sizeof b.cfn, "%s", fn.p);
			snprintf(b.cfile, sizeof b.cfile, "%s", fl.p);
			free(fn.p);
			free(fl.p);
			b.coff = (unsigned)strtoul(f4, NULL, 16);
			b.cmode = parse_mode(f5);
			b.has_created = 1;
		} else if (l[0] == 'R') {
			field(l, 1, f4, sizeof f4);
			field(l, 2, f5, sizeof f5);
			deep_chain(&b, r, atoi(f4), atoi(f5));
		} else {
			die("internal: bad catalogue line %s", l);
		}
	}
	compile(&b, st);
	if (st->pmode == PM_BOOT)
		st->boot_parent = chance(r, 70) ? 1 : rndr(r, 2, 40);
	for (int c = 0; c < t->ncomp; c++)
		st->comp[st->ncomp++] = -1 - tmpl_find(t->comp[c]); /* resolved later */
	if (http)
		st->comp[st->ncomp++] = -1 - tmpl_find("http_bgread");
	if (!st->labels && !(t->flags & (FL_STD | FL_SPECIAL)))
		st->labels = 1, st->lkey = "component", snprintf(st->route, sizeof st->route, "%s", t->name);
	free_build(&b);
}

/* ------------------------------------------------------------------------- */
/* choosing stacks and counts                                                 */

static int std_stack_of[64];   /* template index -> stack index for std templates */

static int add_stack(const stack_t_ *st)
{
	stacks = xrealloc(stacks, sizeof *stacks * (size_t)(nstacks + 1));
	stacks[nstacks] = *st;
	return nstacks++;
}

static int has_key(uint64_t key)
{
	for (int i = 0; i < nstacks; i++)
		if (stacks[i].key == key)
			return 1;
	return 0;
}

static void resolve_companions(void)
{
	for (int i = 0; i < nstacks; i++) {
		stack_t_ *st = &stacks[i];
		for (int c = 0; c < st->ncomp; c++)
			if (st->comp[c] < 0) {
				int ti = -1 - st->comp[c];
				if (std_stack_of[ti] < 0)
					die("internal: companion template %s has no stack", tmpls[ti].name);
				st->comp[c] = std_stack_of[ti];
			}
		st->cost = 1 + st->ncomp;
		/* pconn_read as a primary brings its writeLoop */
	}
	/* a handler with pconn companions: 3 entries max (pconn_read, pconn_write, bgread) */
}

/* user-template weights when multiplying into variants */
static int variant_weight(const tmpl_t *t)
{
	if (t->flags & (FL_STD | FL_SINGLE | FL_SPECIAL | FL_COMPANION | FL_DEEP))
		return 0;
	if (t->flags & FL_HANDLER)
		return 10;
	if (!strcmp(t->name, "grpc_stream_recv"))
		return 6;
	if (!strncmp(t->name, "worker", 6) || !strcmp(t->name, "ticker_loop"))
		return 6;
	if (!strncmp(t->name, "spawned", 7))
		return 6;
	return 3;
}

/* ------------------------------------------------------------------------- */
/* emission                                                                   */

typedef struct {
	uint64_t id;
	uint64_t self_id, dial_id;
	long minutes;                   /* <1: none */
	rng_t *r;
	uint64_t slots[10];
} gctx_t;

static long srv_gid, gsrv_gid, uaccept_gid;
static uint64_t gconn_ids[8];
static int ngconn;
static int labels_pct;
static uint64_t max_id_est;

static inline uint64_t heap_ptr(rng_t *r)
{
	/* 16-byte aligned, within 256 MiB of the heap base */
	return heap_base + (rndn(r, 1u << 28) & ~(uint64_t)15);
}

static inline void emit_num(rng_t *r)
{
	uint64_t v = rnd(r);
	unsigned sel = (unsigned)(v & 0xff);
	v >>= 8;
	if (sel < 110)
		ohex(v & 0xf);
	else if (sel < 190)
		ohex(v & 0xfff);
	else
		ohex(v & 0xfffff);
}

static uint64_t parent_id(const stack_t_ *st, gctx_t *g)
{
	switch (st->pmode) {
	case PM_MAIN: return 1;
	case PM_SERVE: return (uint64_t)srv_gid;
	case PM_GSERVE: return (uint64_t)gsrv_gid;
	case PM_GCONN: return ngconn ? gconn_ids[rndn(g->r, (uint64_t)ngconn)] : (uint64_t)gsrv_gid;
	case PM_UACCEPT: return (uint64_t)uaccept_gid;
	case PM_BOOT: return (uint64_t)st->boot_parent;
	case PM_SELF: return g->self_id;
	case PM_DIAL: return g->dial_id;
	case PM_RAND: {
		uint64_t lo = g->id > 20000 ? g->id - 20000 : 1;
		return g->id > 1 ? lo + rndn(g->r, g->id - lo) : 1;
	}
	default: return 0;
	}
}

static int first_block = 1;

static void emit_goroutine(const stack_t_ *st, gctx_t *g)
{
	rng_t *r = g->r;
	if (!first_block)
		oput("\n", 1);
	first_block = 0;
	oput("goroutine ", 10);
	odec(g->id);
	oput(" [", 2);
	oputs(st->reason);
	if (g->minutes >= 1 && strcmp(st->reason, "running") && strcmp(st->reason, "runnable")) {
		oput(", ", 2);
		odec((uint64_t)g->minutes);
		oput(" minutes", 8);
	}
	oput("]", 1);
	if (!go119 && labels_pct && st->labels && (int)rndn(r, 100) < labels_pct) {
		/* 1.27 labels: sorted keys, bare values when [A-Za-z0-9./_]* */
		oput(" {", 2);
		oputs(st->lkey ? st->lkey : "route");
		oput(": ", 2);
		oputs(st->route);
		oput(", tenant: t", 11);
		odec(rndn(r, 400));
		oput("}", 1);
	}
	oput(":\n", 2);
	memset(g->slots, 0, sizeof g->slots);
	const char *p = st->body, *end = st->body + st->bodylen;
	while (p < end) {
		const char *q = memchr(p, TK, (size_t)(end - p));
		if (!q) {
			oput(p, (size_t)(end - p));
			break;
		}
		oput(p, (size_t)(q - p));
		char code = q[1];
		p = q + 2;
		switch (code) {
		case TK_PTR: ohex(heap_ptr(r)); break;
		case TK_PTRQ: ohex(heap_ptr(r)); oput("?", 1); break;
		case TK_SLOT:
		case TK_SLOTQ: {
			int s = *p++ - '0';
			if (!g->slots[s])
				g->slots[s] = heap_ptr(r);
			ohex(g->slots[s]);
			if (code == TK_SLOTQ)
				oput("?", 1);
			break;
		}
		case TK_NUM: emit_num(r); break;
		case TK_NUMQ: emit_num(r); oput("?", 1); break;
		case TK_RT: ohex(0x7f0000000000ULL + (rndn(r, 0xffffffffffULL) & ~(uint64_t)0xff)); break;
		case TK_PARENT: odec(parent_id(st, g)); break;
		default: die("internal: bad token");
		}
	}
}

static long minutes_for(const stack_t_ *st, uint64_t id, rng_t *r)
{
	switch (st->age) {
	case AGE_LEAK: {
		/* parked once and never woken: age grows with lower ids */
		double frac = 1.0 - (double)id / (double)max_id_est;
		if (frac < 0)
			frac = 0;
		return (long)((double)uptime_min * frac * 0.95);
	}
	case AGE_IDLE: return chance(r, 35) ? rndr(r, 1, 90) : 0;
	case AGE_BOOT: return uptime_min - rndr(r, 0, 2);
	default: return 0;
	}
}

/* ------------------------------------------------------------------------- */

/* ------------------------------------------------------------------------- */
/* planning: which stacks exist and how many goroutines each holds            */

static int leak_stack, deep_first, deep_last;

static void free_stacks(void)
{
	for (int i = 0; i < nstacks; i++)
		free(stacks[i].body);
	free(stacks);
	stacks = NULL;
	nstacks = 0;
}

/* Build the stacks from the structure seed. Depends only on seed, S, flavour
 * and depth_bonus. */
static void plan_stacks(uint64_t seed, int S)
{
	rng_t rs = { seed * 0x2545f4914f6cdd1dULL + 17 };
	static const char *const svcs[] = { "shop", "checkout", "payments", "ledger", "gateway", "catalog", "fulfillment", "identity" };
	static const char *const orgs[] = { "acme", "northwind", "globex", "initech", "umbrella-corp" };
	snprintf(svc, sizeof svc, "%s", PICK(&rs, svcs));
	snprintf(modpath, sizeof modpath, "github.com/%s/%s", PICK(&rs, orgs), svc);
	snprintf(approot, sizeof approot, "/go/src/%s/", modpath);
	heap_base = go119 ? 0xc000000000ULL : (0x100000000000ULL + (rndn(&rs, 0x2f0000000000ULL) & ~0xffffffffULL));
	uptime_min = rndr(&rs, 600, 6000);

	/* Template choices come from rs; each stack is built from its own stream
	 * (seed, build number) so that depth_bonus deepens stacks without changing
	 * which stacks exist or how goroutines spread over them. */
	uint64_t nbuild = 0;
#define BUILD(ti, st) do { rng_t rb_ = { seed * 0x3c6ef372fe94f82bULL + 0x51ed27ULL * ++nbuild }; \
		build_stack((ti), &rb_, (st)); } while (0)
	/* 1. one stack per std / single template */
	for (int i = 0; i < 64; i++)
		std_stack_of[i] = -1;
	for (int ti = 0; ti < ntmpl; ti++) {
		if (!(tmpls[ti].flags & (FL_STD | FL_SINGLE)))
			continue;
		stack_t_ st;
		BUILD(ti, &st);
		std_stack_of[ti] = add_stack(&st);
	}
	/* 2. the leaking bucket: a request handler stuck on something, as in most
	 * real leaks (deep server stack) */
	int leaky[64], nleaky = 0;
	for (int ti = 0; ti < ntmpl; ti++)
		if ((tmpls[ti].flags & FL_LEAKY) && (tmpls[ti].flags & FL_HANDLER))
			leaky[nleaky++] = ti;
	{
		stack_t_ st;
		BUILD(leaky[rndn(&rs, (uint64_t)nleaky)], &st);
		leak_stack = add_stack(&st);
	}
	/* 3. deep stacks: three of them, a handful of goroutines each */
	deep_first = nstacks;
	for (int k = 0; k < 3; k++) {
		stack_t_ st;
		BUILD(tmpl_find("deep"), &st);
		add_stack(&st);
	}
	deep_last = nstacks;
	/* 4. variants of user templates up to S */
	int wsum = 0;
	for (int ti = 0; ti < ntmpl; ti++)
		wsum += variant_weight(&tmpls[ti]);
	int guard = 0;
	while (nstacks < S) {
		int x = (int)rndn(&rs, (uint64_t)wsum), ti;
		for (ti = 0; ti < ntmpl; ti++) {
			x -= variant_weight(&tmpls[ti]);
			if (x < 0)
				break;
		}
		stack_t_ st;
		BUILD(ti, &st);
		if (has_key(st.key)) {
			free(st.body);
			if (++guard > 100000)
				die("internal: cannot make %d distinct stacks", S);
			continue;
		}
		add_stack(&st);
	}
#undef BUILD
	resolve_companions();
}

/* Spread n goroutines over the stacks. Singles: one goroutine (grpc_conn: 8);
 * deep stacks: 1-3 each. The leak bucket gets `leak` of the goroutines (with its
 * companions); the other primaries share the rest by a Zipf law over a random
 * rank order, with idle keep-alive connections near the top. */
static void plan_counts(uint64_t seed, uint64_t n, double leak)
{
	rng_t rs = { seed * 0x6a09e667f3bcc909ULL + 5 };
	uint64_t fixed = 0;
	for (int i = 0; i < nstacks; i++) {
		stacks[i].prim = stacks[i].total = 0;
		const tmpl_t *t = &tmpls[stacks[i].tmpl];
		if (t->flags & FL_SINGLE)
			stacks[i].prim = 1;
		else if (t->flags & FL_BOOT8)
			stacks[i].prim = 8;
		else if (i >= deep_first && i < deep_last)
			stacks[i].prim = (uint64_t)rndr(&rs, 1, 3);
		else
			continue;
		fixed += stacks[i].prim * (uint64_t)stacks[i].cost;
	}
	if (n <= fixed + (uint64_t)nstacks * 4)
		die("-n too small for %d stacks", nstacks);
	uint64_t R = n - fixed;
	stacks[leak_stack].prim = (uint64_t)((double)R * leak / stacks[leak_stack].cost);
	if (!stacks[leak_stack].prim)
		stacks[leak_stack].prim = 1;
	uint64_t rest = R - stacks[leak_stack].prim * (uint64_t)stacks[leak_stack].cost;
	int *rank = xrealloc(NULL, sizeof *rank * (size_t)nstacks);
	int nr = 0;
	for (int i = 0; i < nstacks; i++) {
		const tmpl_t *t = &tmpls[stacks[i].tmpl];
		if (i == leak_stack || stacks[i].prim || (t->flags & FL_COMPANION))
			continue;
		rank[nr++] = i;
	}
	for (int i = nr - 1; i > 0; i--) {
		int j = (int)rndn(&rs, (uint64_t)i + 1), t = rank[i];
		rank[i] = rank[j];
		rank[j] = t;
	}
	const char *high[] = { "http_idle", "pconn_read" };
	for (int h = 0; h < 2; h++) {
		int si = std_stack_of[tmpl_find(high[h])];
		for (int k = 0; k < nr; k++)
			if (rank[k] == si) {
				int to = (int)rndr(&rs, 0, 3);
				rank[k] = rank[to];
				rank[to] = si;
			}
	}
	double zs = 0;
	for (int k = 0; k < nr; k++)
		zs += 1.0 / (k + 1);
	uint64_t used = 0;
	for (int k = 0; k < nr; k++) {
		stack_t_ *st = &stacks[rank[k]];
		double share = (1.0 / (k + 1)) / zs;
		st->prim = (uint64_t)((double)rest * share / st->cost);
		if (!st->prim)
			st->prim = 1;
		used += st->prim * (uint64_t)st->cost;
	}
	/* settle the remainder on cost-1 stacks (largest first so the shape holds) */
	while (used != rest) {
		int best = -1;
		for (int k = 0; k < nr; k++) {
			stack_t_ *st = &stacks[rank[k]];
			if (st->cost != 1 || (used > rest && st->prim <= 1))
				continue;
			if (best < 0 || st->prim > stacks[best].prim)
				best = rank[k];
		}
		if (best < 0)
			die("internal: cannot settle goroutine count (try a larger -n)");
		if (used < rest) {
			stacks[best].prim += rest - used;
			used = rest;
		} else {
			uint64_t take = used - rest;
			if (take > stacks[best].prim - 1)
				take = stacks[best].prim - 1;
			stacks[best].prim -= take;
			used -= take;
		}
	}
	free(rank);
	for (int i = 0; i < nstacks; i++) {
		stacks[i].total += stacks[i].prim;
		for (int c = 0; c < stacks[i].ncomp; c++)
			stacks[stacks[i].comp[c]].total += stacks[i].prim;
	}
}

/* average bytes per goroutine, measured by rendering a few blocks of every
 * stack into a byte counter */
static double est_avg(void)
{
	rng_t rv = { 12345 };
	gctx_t g = { 0 };
	double bytes = 0, count = 0;
	g.r = &rv;
	count_only = 1;
	for (int i = 0; i < nstacks; i++) {
		uint64_t before = obytes;
		for (int k = 0; k < 4; k++) {
			g.id = 1000 + rndn(&rv, 1000000);
			g.self_id = g.dial_id = g.id - 1;
			g.minutes = minutes_for(&stacks[i], g.id, &rv);
			emit_goroutine(&stacks[i], &g);
		}
		bytes += (double)(obytes - before) / 4.0 * (double)stacks[i].total;
		count += (double)stacks[i].total;
	}
	count_only = 0;
	obytes = 0;
	first_block = 1;
	return bytes / count;
}

/* does this goroutine group include an exited dialer goroutine's id */
static int needs_dial(const stack_t_ *st)
{
	if (st->pmode == PM_DIAL)
		return 1;
	for (int c = 0; c < st->ncomp; c++)
		if (stacks[st->comp[c]].pmode == PM_DIAL)
			return 1;
	return 0;
}

/* ------------------------------------------------------------------------- */

static void usage(FILE *f)
{
	fputs("usage: gen_goroutines -n N [-s STACKS] [--seed SEED] [--go 1.27|1.19]\n"
	      "                      [--leak FRACTION] [--avg-bytes B] [--labels PCT] -o FILE\n"
	      "  -n N           number of goroutines (default 100000)\n"
	      "  -s STACKS      number of distinct stacks (default 300, minimum 40)\n"
	      "  --seed SEED    random seed (default 1); same options, same bytes\n"
	      "  --go VER       1.27 (default) or 1.19 dump flavour\n"
	      "  --leak F       share of goroutines in the leaking bucket and its\n"
	      "                 companions (default 0.45)\n"
	      "  --avg-bytes B  aim for about B bytes per goroutine by deepening the\n"
	      "                 generated user call chains (default 2700, 0 = off)\n"
	      "  --labels PCT   percent of user goroutines with 1.27 header labels (default 0)\n"
	      "  -o FILE        output file (\"-\" = stdout)\n", f);
}

int main(int argc, char **argv)
{
	uint64_t n = 100000, seed = 1;
	int S = 300;
	double leak = 0.45, avg_target = 2700;
	const char *out = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
#define NEXT() (i + 1 < argc ? argv[++i] : (usage(stderr), die("%s needs a value", a), ""))
		if (!strcmp(a, "-n")) n = strtoull(NEXT(), NULL, 10);
		else if (!strcmp(a, "-s")) S = atoi(NEXT());
		else if (!strcmp(a, "--seed")) seed = strtoull(NEXT(), NULL, 10);
		else if (!strcmp(a, "--go")) {
			const char *v = NEXT();
			if (!strcmp(v, "1.27")) go119 = 0;
			else if (!strcmp(v, "1.19")) go119 = 1;
			else die("--go: want 1.27 or 1.19, got %s", v);
		} else if (!strcmp(a, "--leak")) leak = atof(NEXT());
		else if (!strcmp(a, "--avg-bytes")) avg_target = atof(NEXT());
		else if (!strcmp(a, "--labels")) labels_pct = atoi(NEXT());
		else if (!strcmp(a, "-o")) out = NEXT();
		else if (!strcmp(a, "-h") || !strcmp(a, "--help")) { usage(stdout); return 0; }
		else { usage(stderr); die("unknown option %s", a); }
#undef NEXT
	}
	if (!out) { usage(stderr); die("missing -o FILE"); }
	if (S < 40) die("-s must be at least 40");
	if (leak < 0 || leak > 0.9) die("--leak must be in [0, 0.9]");
	if (n < (uint64_t)S * 4) die("-n must be at least 4 x -s (%d)", S * 4);

	parse_catalogue();
	if (ntmpl > 64)
		die("internal: too many templates");

	/* Calibrate the user call-chain depth on a reference population of 1M so
	 * that the choice (hence the set of stacks) does not depend on -n. */
	depth_bonus = 0;
	max_id_est = 1000000 + 1000000 / 3 + 100;
	if (avg_target > 0) {
		for (int bonus = 0; bonus <= 24; bonus++) {
			depth_bonus = bonus;
			plan_stacks(seed, S);
			plan_counts(seed, 1000000, leak);
			double avg = est_avg();
			if (getenv("GEN_DEBUG"))
				fprintf(stderr, "bonus %d: est %.0f leak=%s\n", bonus, avg, tmpls[stacks[leak_stack].tmpl].name);
			free_stacks();
			if (avg >= avg_target * 0.98)
				break;
		}
	}
	plan_stacks(seed, S);
	plan_counts(seed, n, leak);

	/* emission order: special and boot goroutines first, then the rest shuffled */
	rng_t rs = { seed * 0xbb67ae8584caa73bULL + 3 };
	rng_t rv = { seed * 0x9e3779b97f4a7c15ULL + 99 };
	uint64_t nprim = 0;
	for (int i = 0; i < nstacks; i++)
		if (!(tmpls[stacks[i].tmpl].flags & (FL_SINGLE | FL_BOOT8)))
			nprim += stacks[i].prim;
	int *order = xrealloc(NULL, sizeof *order * (size_t)nprim);
	uint64_t k = 0;
	for (int i = 0; i < nstacks; i++)
		if (!(tmpls[stacks[i].tmpl].flags & (FL_SINGLE | FL_BOOT8)))
			for (uint64_t j = 0; j < stacks[i].prim; j++)
				order[k++] = i;
	for (uint64_t i = nprim - 1; i > 0; i--) {
		uint64_t j = rndn(&rs, i + 1);
		int t = order[i];
		order[i] = order[j];
		order[j] = t;
	}

	if (!strcmp(out, "-"))
		ofp = stdout;
	else if (!(ofp = fopen(out, "wb")))
		die("cannot open %s: %s", out, strerror(errno));

	/* boot goroutines: main is 1; hidden runtime goroutines take 2..~5 */
	uint64_t next_id = 1;
	const char *boot_names[] = { "main", "signal_loop", "db_opener", "http_serve", "grpc_serve", "user_accept", "grpc_conn" };
	uint64_t boot_ids[16];
	int nb = 0;
	for (int b = 0; b < 7; b++) {
		int ti = tmpl_find(boot_names[b]), si = std_stack_of[ti];
		for (uint64_t j = 0; j < stacks[si].prim; j++) {
			boot_ids[nb++] = next_id;
			if (b == 3) srv_gid = (long)next_id;
			if (b == 4) gsrv_gid = (long)next_id;
			if (b == 5) uaccept_gid = (long)next_id;
			if (b == 6 && ngconn < 8) gconn_ids[ngconn++] = next_id;
			next_id = next_id == 1 ? (uint64_t)rndr(&rs, 6, 9) : next_id + (uint64_t)rndr(&rs, 1, 3);
		}
	}
	next_id += (uint64_t)rndr(&rs, 5, 40);
	/* goroutine ids of the bulk: consecutive within a group (a goroutine and its
	 * companions, plus an exited dialer), random gaps for exited goroutines.
	 * A dry run finds the newest id first. */
	rng_t rgap = { seed * 0xa54ff53a5f1d36f1ULL + 7 };
	{
		rng_t r2 = rgap;
		uint64_t id = next_id;
		for (uint64_t i = 0; i < nprim; i++) {
			const stack_t_ *st = &stacks[order[i]];
			id += rndn(&r2, 4) == 0 ? rndn(&r2, 8) : 0;
			id += 1 + (uint64_t)st->ncomp + (uint64_t)needs_dial(st);
		}
		max_id_est = id;
	}
	/* the goroutine serving /debug/pprof/goroutine?debug=2 is printed first, as
	 * runtime.Stack(buf, true) does; its id is the newest one */
	gctx_t g = { 0 };
	g.r = &rv;
	g.id = max_id_est + (uint64_t)rndr(&rs, 1, 500);
	emit_goroutine(&stacks[std_stack_of[tmpl_find("running")]], &g);
	nb = 0;
	for (int b = 0; b < 7; b++) {
		int si = std_stack_of[tmpl_find(boot_names[b])];
		for (uint64_t j = 0; j < stacks[si].prim; j++) {
			g.id = boot_ids[nb++];
			g.minutes = minutes_for(&stacks[si], g.id, &rv);
			emit_goroutine(&stacks[si], &g);
		}
	}
	for (uint64_t i = 0; i < nprim; i++) {
		const stack_t_ *st = &stacks[order[i]];
		next_id += rndn(&rgap, 4) == 0 ? rndn(&rgap, 8) : 0;
		if (needs_dial(st))
			g.dial_id = next_id++;
		g.id = next_id++;
		g.self_id = g.id;
		g.minutes = minutes_for(st, g.id, &rv);
		long m = g.minutes;
		emit_goroutine(st, &g);
		for (int c = 0; c < st->ncomp; c++) {
			g.id = next_id++;
			g.minutes = m;
			emit_goroutine(&stacks[st->comp[c]], &g);
		}
	}
	oflush();
	if (ofp != stdout && fclose(ofp) != 0)
		die("close failed: %s", strerror(errno));

	/* summary on stderr */
	uint64_t total = 0;
	for (int i = 0; i < nstacks; i++)
		total += stacks[i].total;
	int *idx = xrealloc(NULL, sizeof *idx * (size_t)nstacks);
	for (int i = 0; i < nstacks; i++)
		idx[i] = i;
	for (int i = 1; i < nstacks; i++)
		for (int j = i; j > 0 && stacks[idx[j]].total > stacks[idx[j - 1]].total; j--) {
			int t = idx[j];
			idx[j] = idx[j - 1];
			idx[j - 1] = t;
		}
	fprintf(stderr, "gen_goroutines: %" PRIu64 " goroutines, %d distinct stacks, %" PRIu64
		" bytes (%.0f bytes/goroutine, depth bonus %d), go%s flavour, seed %" PRIu64 "\n",
		total, nstacks, obytes, (double)obytes / (double)total, depth_bonus,
		go119 ? "1.19" : "1.27", seed);
	fprintf(stderr, "gen_goroutines: largest buckets:");
	for (int i = 0; i < 6 && i < nstacks; i++)
		fprintf(stderr, " %s=%" PRIu64, tmpls[stacks[idx[i]].tmpl].name, stacks[idx[i]].total);
	fputc('\n', stderr);
	free(idx);
	free(order);
	free_stacks();
	return 0;
}
