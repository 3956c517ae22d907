// pdfgate is the gateway in front of the document render farm: POST /v1/render takes a
// job (a template name and its data, JSON, a couple of KB), hands it to a renderer and
// answers with the rendered document. Every job has a deadline (batch statements may
// take up to an hour on a busy farm); a reaper fails the jobs whose deadline passed. The
// tracker keeps the jobs in flight in a map by id and their deadlines in a min-heap
// (container/heap), so the reaper only looks at the earliest one. The gateway runs in a
// small container: it sets GOGC to 25.
package main

import (
	"bytes"
	"container/heap"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"runtime/debug"
	"strings"
	"sync"
	"time"
)

type renderRequest struct {
	Template string            `json:"template"`
	Account  string            `json:"account"`
	Fields   map[string]string `json:"fields"`
	Lines    []statementLine   `json:"lines"`
}

type statementLine struct {
	Date   string  `json:"date"`
	Text   string  `json:"text"`
	Amount float64 `json:"amount"`
}

type job struct {
	id       uint64
	raw      []byte // the request as posted, for the audit log of failed jobs
	req      renderRequest
	deadline time.Time
	index    int // in the deadline heap
	done     bool
	result   []byte
	finished chan struct{}
}

// deadlineQueue is a min-heap of jobs by deadline (container/heap.Interface).
type deadlineQueue []*job

func (q deadlineQueue) Len() int           { return len(q) }
func (q deadlineQueue) Less(i, j int) bool { return q[i].deadline.Before(q[j].deadline) }
func (q deadlineQueue) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].index, q[j].index = i, j
}
func (q *deadlineQueue) Push(x interface{}) {
	j := x.(*job)
	j.index = len(*q)
	*q = append(*q, j)
}
func (q *deadlineQueue) Pop() interface{} {
	old := *q
	j := old[len(old)-1]
	old[len(old)-1] = nil
	*q = old[:len(old)-1]
	return j
}

type jobTracker struct {
	mu        sync.Mutex
	nextID    uint64
	inFlight  map[uint64]*job
	deadlines deadlineQueue
	expired   int
	completed int
}

func (t *jobTracker) start(raw []byte, req renderRequest, timeout time.Duration) *job {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.nextID++
	j := &job{id: t.nextID, raw: raw, req: req, deadline: time.Now().Add(timeout), finished: make(chan struct{})}
	t.inFlight[j.id] = j
	heap.Push(&t.deadlines, j)
	return j
}

// complete marks a job done. Its deadline entry is left in the heap, to be discarded when
// the reaper reaches it, which keeps completion O(1).
func (t *jobTracker) complete(j *job, result []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if j.done {
		return
	}
	j.done = true
	j.result = result
	delete(t.inFlight, j.id)
	t.completed++
	close(j.finished)
}

// reap fails the jobs whose deadline passed and drops the done ones it meets on the way.
func (t *jobTracker) reap() {
	for range time.Tick(time.Second) {
		now := time.Now()
		t.mu.Lock()
		for len(t.deadlines) > 0 && t.deadlines[0].deadline.Before(now) {
			j := heap.Pop(&t.deadlines).(*job)
			if !j.done {
				j.done = true
				delete(t.inFlight, j.id)
				t.expired++
				log.Printf("job %d expired: %.200s", j.id, j.raw)
				close(j.finished)
			}
		}
		t.mu.Unlock()
	}
}

type gateway struct {
	tracker *jobTracker
	farm    chan *job
}

var errBadRequest = errors.New("bad request")

func (g *gateway) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/v1/render":
		g.render(rw, r)
	case "/v1/stats":
		g.tracker.mu.Lock()
		defer g.tracker.mu.Unlock()
		fmt.Fprintf(rw, "in flight %d, deadlines %d, completed %d, expired %d\n",
			len(g.tracker.inFlight), len(g.tracker.deadlines), g.tracker.completed, g.tracker.expired)
	default:
		http.NotFound(rw, r)
	}
}

func (g *gateway) render(rw http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(rw, err.Error(), http.StatusBadRequest)
		return
	}
	var req renderRequest
	if err := json.Unmarshal(raw, &req); err != nil || req.Template == "" {
		http.Error(rw, errBadRequest.Error(), http.StatusBadRequest)
		return
	}
	timeout := 2 * time.Minute
	if req.Template == "statement" {
		timeout = time.Hour // a month's statement waits behind the batch runs
	}
	j := g.tracker.start(raw, req, timeout)
	g.farm <- j
	select {
	case <-j.finished:
	case <-r.Context().Done():
		return
	}
	if j.result == nil {
		http.Error(rw, "render deadline passed", http.StatusGatewayTimeout)
		return
	}
	rw.Header().Set("Content-Type", "application/pdf")
	rw.Write(j.result)
}

// renderer plays a node of the farm: it lays the document out (here, as text pages).
func (g *gateway) renderer() {
	for j := range g.farm {
		var b bytes.Buffer
		fmt.Fprintf(&b, "%%PDF-1.7\n%% %s for %s\n", j.req.Template, j.req.Account)
		for k, v := range j.req.Fields {
			fmt.Fprintf(&b, "(%s: %s) Tj\n", k, v)
		}
		total := 0.0
		for i, l := range j.req.Lines {
			total += l.Amount
			fmt.Fprintf(&b, "BT /F1 9 Tf 40 %d Td (%s  %-48s %12.2f %12.2f) Tj ET\n", 800-12*(i%60), l.Date, l.Text, l.Amount, total)
		}
		b.WriteString("%%EOF\n")
		time.Sleep(time.Duration(2+rand.Intn(6)) * time.Millisecond)
		g.tracker.complete(j, b.Bytes())
	}
}

var merchants = strings.Fields(`GROCERY-MART FUEL-STOP CITY-TRANSIT COFFEE-HOUSE BOOKSHOP PHARMACY
	HARDWARE-DEPOT CINEMA-PLEX RESTAURANT-ROMA ONLINE-MARKET TELCO-MONTHLY UTILITY-POWER GYM-CLUB`)

// backOffice plays the billing and CRM systems asking for documents.
func backOffice(base string, n int) {
	client := &http.Client{Timeout: 10 * time.Second}
	rng := rand.New(rand.NewSource(int64(n) + 11))
	for {
		req := renderRequest{Template: "statement", Account: fmt.Sprintf("ACC-%08d", rng.Intn(1e8)),
			Fields: map[string]string{"name": "Customer " + fmt.Sprint(rng.Intn(1e6)), "period": "2026-11", "branch": "0042"}}
		if rng.Intn(4) == 0 {
			req.Template = "receipt"
		}
		for i := 0; i < 15+rng.Intn(20); i++ {
			req.Lines = append(req.Lines, statementLine{Date: fmt.Sprintf("2026-11-%02d", 1+rng.Intn(30)),
				Text: merchants[rng.Intn(len(merchants))] + " card ****" + fmt.Sprint(1000+rng.Intn(9000)), Amount: float64(rng.Intn(20000)) / 100})
		}
		body, _ := json.Marshal(req)
		if resp, err := client.Post(base+"/v1/render", "application/json", bytes.NewReader(body)); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		time.Sleep(time.Duration(30+rng.Intn(40)) * time.Millisecond)
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	debug.SetGCPercent(25)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	g := &gateway{tracker: &jobTracker{inFlight: map[uint64]*job{}}, farm: make(chan *job, 64)}
	go g.tracker.reap()
	for i := 0; i < 4; i++ {
		go g.renderer()
	}
	http.Handle("/v1/", g)
	for i := 0; i < 3; i++ {
		go backOffice("http://"+*addr, i)
	}
	log.Printf("pdfgate: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
