// stackfold is the log pipeline's multi-line folder: the node agents tail every container's
// stdout and post its lines, POST /v1/lines?pod=P&container=ID, one log line a line. A Java or
// Go stack trace is many lines; stackfold folds each continuation line (indented, "at ...",
// "Caused by:", "goroutine N [...]:") into the event it continues, so the indexer gets one
// event per trace, and forwards every event once the next one begins. When a container
// stops, its agent posts POST /v1/closed?pod=P&container=ID and the last event is forwarded.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// streamKey is one container's stdout.
type streamKey struct {
	pod       string
	container string // the runtime's container id, as the agent names the stream
}

// pendingEvent is an event whose end is not known yet: its lines so far.
type pendingEvent struct {
	started time.Time
	lines   int
	text    strings.Builder
}

// folder holds every stream's pending event.
type folder struct {
	mu        sync.Mutex
	pending   map[streamKey]*pendingEvent
	forwarded atomic.Int64
	index     chan string // to the indexer's writer
}

// continuation reports whether line continues the event before it.
func continuation(line []byte) bool {
	for _, p := range continuations {
		if bytes.HasPrefix(line, p) {
			return true
		}
	}
	return false
}

var continuations = [][]byte{[]byte("\t"), []byte("    "), []byte("Caused by:"), []byte("goroutine "), []byte("...")}

func (f *folder) forward(p *pendingEvent) {
	f.forwarded.Add(1)
	select {
	case f.index <- p.text.String():
	default: // the indexer is behind: it reads the spill file instead
	}
}

// add folds one line into the stream's events (line is the scanner's: copied, not kept).
func (f *folder) add(k streamKey, line []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := f.pending[k]
	if p != nil && continuation(line) {
		if p.lines == 1 {
			p.text.Grow(16 << 10) // a trace: room for a typical one at once
		}
		p.text.WriteByte('\n')
		p.text.Write(line)
		p.lines++
		return
	}
	if p != nil {
		f.forward(p)
	}
	p = &pendingEvent{started: time.Now(), lines: 1}
	p.text.Write(line)
	f.pending[k] = p
}

// closed forwards a stopped container's last event.
func (f *folder) closed(k streamKey) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if p := f.pending[k]; p != nil {
		f.forward(p)
		delete(f.pending, k)
	}
}

// shortID is the runtime's short form of a container id, the one the agents' stream names use.
func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

func (f *folder) handleLines(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	k := streamKey{pod: q.Get("pod"), container: shortID(q.Get("container"))}
	sc := bufio.NewScanner(io.LimitReader(r.Body, 4<<20))
	n := 0
	for sc.Scan() {
		f.add(k, sc.Bytes())
		n++
	}
	fmt.Fprintf(w, "%d\n", n)
}

func (f *folder) handleClosed(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f.closed(streamKey{pod: q.Get("pod"), container: q.Get("container")})
	w.WriteHeader(http.StatusNoContent)
}

func (f *folder) handleStats(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	n, held := len(f.pending), 0
	for _, p := range f.pending {
		held += p.text.Cap()
	}
	f.mu.Unlock()
	fmt.Fprintf(w, "pending %d (%d bytes)\nforwarded %d\n", n, held, f.forwarded.Load())
}

// indexer stands in for the search indexer's writer.
func (f *folder) indexer() {
	for ev := range f.index {
		_ = len(ev)
	}
}

var services = []string{"checkout", "ledger", "search", "pricing", "inventory", "payments", "auth"}
var frames = []string{"com.example.%s.Handler.handle(Handler.java:%d)", "com.example.%s.Repository.load(Repository.java:%d)",
	"org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:%d)%s",
	"com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:%d)%s", "java.base/java.lang.Thread.run(Thread.java:%d)%s"}

func stackTrace(rng *rand.Rand, svc string) []string {
	out := []string{fmt.Sprintf("%s ERROR [%s] request failed: java.sql.SQLTransientConnectionException: %s-pool - Connection is not available, request timed out after 30000ms.",
		time.Now().Format(time.RFC3339Nano), svc, svc)}
	for c := 0; c < 1+rng.Intn(3); c++ {
		if c > 0 {
			out = append(out, "Caused by: java.net.SocketTimeoutException: connect timed out")
		}
		for d := 40 + rng.Intn(60); d > 0; d-- {
			fr := frames[rng.Intn(len(frames))]
			if strings.Count(fr, "%") == 2 && strings.Index(fr, "%s") < strings.Index(fr, "%d") {
				out = append(out, "\tat "+fmt.Sprintf(fr, svc, 10+rng.Intn(900)))
			} else {
				out = append(out, "\tat "+fmt.Sprintf(fr, 10+rng.Intn(900), ""))
			}
		}
		out = append(out, fmt.Sprintf("\t... %d more", 5+rng.Intn(40)))
	}
	return out
}

// agent plays one node's log agent: containers start, log a while, and stop; most crash with
// a stack trace as their last words (a crash loop restarts each as a new container). The
// lines come from a set the agent renders at start, as a replayed capture would.
func agent(base string, n int, infos, traces []string) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(int64(n)*31 + 7))
	post := func(path string, body string) {
		resp, err := client.Post(base+path, "text/plain", strings.NewReader(body))
		if err != nil {
			time.Sleep(200 * time.Millisecond)
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	for {
		svc := services[rng.Intn(len(services))]
		pod := fmt.Sprintf("%s-%08x-%05x", svc, rng.Uint32(), rng.Intn(1<<20))
		id := fmt.Sprintf("%016x%016x%016x%016x", rng.Uint64(), rng.Uint64(), rng.Uint64(), rng.Uint64())
		q := fmt.Sprintf("?pod=%s&container=%s", pod, id)
		for b := 1 + rng.Intn(2)*rng.Intn(2); b > 0; b-- {
			post("/v1/lines"+q, infos[rng.Intn(len(infos))])
			time.Sleep(time.Duration(20+rng.Intn(60)) * time.Millisecond)
		}
		if rng.Intn(4) != 0 { // a crash: its last words are a trace
			post("/v1/lines"+q, traces[rng.Intn(len(traces))])
		}
		post("/v1/closed"+q, "")
	}
}

// replay renders the agents' lines: batches of access-log lines and stack traces.
func replay() (infos, traces []string) {
	rng := rand.New(rand.NewSource(3))
	for i := 0; i < 64; i++ {
		svc := services[rng.Intn(len(services))]
		var lines []string
		for k := 5 + rng.Intn(20); k > 0; k-- {
			lines = append(lines, fmt.Sprintf("%s INFO [%s] GET /api/v2/%s/%d 200 %dms", time.Now().Format(time.RFC3339Nano),
				svc, svc, rng.Intn(100000), rng.Intn(300)))
		}
		infos = append(infos, strings.Join(lines, "\n")+"\n")
		traces = append(traces, strings.Join(stackTrace(rng, svc), "\n")+"\n")
	}
	return infos, traces
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	f := &folder{pending: map[streamKey]*pendingEvent{}, index: make(chan string, 1024)}
	http.HandleFunc("/v1/lines", f.handleLines)
	http.HandleFunc("/v1/closed", f.handleClosed)
	http.HandleFunc("/v1/stats", f.handleStats)
	go f.indexer()
	infos, traces := replay()
	for i := 0; i < 4; i++ {
		go agent("http://"+*addr, i, infos, traces)
	}
	log.Printf("stackfold: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
