// auditlog: collects audit records from every tenant's applications and writes them in
// batches. Each tenant gets its own batch writer goroutine when its first record arrives;
// the writer flushes on size or on its ticker and retires after two quiet minutes.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"sync"
	"sync/atomic"
	"time"
)

type record struct {
	Tenant string `json:"tenant"`
	Actor  string `json:"actor"`
	Action string `json:"action"`
	At     int64  `json:"at"`
}

type segmentStore struct {
	mu      sync.Mutex
	written atomic.Int64
	last    bytes.Buffer
}

func (s *segmentStore) write(tenant string, batch []record) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.last.Reset()
	enc := json.NewEncoder(&s.last)
	for _, r := range batch {
		enc.Encode(r)
	}
	s.written.Add(int64(len(batch)))
}

type batchWriter struct {
	tenant   string
	in       chan record
	routed   int64 // records routed to it, under router.mu
	received int64 // records it took, its own
}

type router struct {
	mu      sync.Mutex
	writers map[string]*batchWriter
	store   *segmentStore
	started atomic.Int64
	retired atomic.Int64
}

// route hands the record to its tenant's writer, starting one for a tenant seen first.
func (rt *router) route(r record) {
	rt.mu.Lock()
	w := rt.writers[r.Tenant]
	if w == nil {
		w = &batchWriter{tenant: r.Tenant, in: make(chan record, 64)}
		rt.writers[r.Tenant] = w
		rt.started.Add(1)
		go rt.runWriter(w)
	}
	w.routed++
	rt.mu.Unlock()
	w.in <- r
}

// retire removes an idle writer, unless a record was routed to it meanwhile.
func (rt *router) retire(w *batchWriter) bool {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if w.routed != w.received {
		return false
	}
	delete(rt.writers, w.tenant)
	rt.retired.Add(1)
	return true
}

const (
	flushEvery = 5 * time.Second
	maxBatch   = 50
	quietFor   = 2 * time.Minute
)

func (rt *router) runWriter(w *batchWriter) {
	t := time.NewTicker(flushEvery)
	defer t.Stop()
	batch := make([]record, 0, maxBatch)
	lastRecord := time.Now()
	for {
		select {
		case r := <-w.in:
			w.received++
			lastRecord = time.Now()
			batch = append(batch, r)
			if len(batch) >= maxBatch {
				rt.store.write(w.tenant, batch)
				batch = batch[:0]
			}
		case <-t.C:
			if len(batch) > 0 {
				rt.store.write(w.tenant, batch)
				batch = batch[:0]
			} else if time.Since(lastRecord) > quietFor && rt.retire(w) {
				return
			}
		}
	}
}

func (rt *router) handleIngest(w http.ResponseWriter, r *http.Request) {
	var recs []record
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&recs); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	for _, rec := range recs {
		rt.route(rec)
	}
	fmt.Fprintf(w, "{\"accepted\":%d}\n", len(recs))
}

func (rt *router) report(every time.Duration) {
	for range time.Tick(every) {
		rt.mu.Lock()
		n := len(rt.writers)
		rt.mu.Unlock()
		log.Printf("auditlog: %d tenant writers (%d started, %d retired), %d records written", n, rt.started.Load(), rt.retired.Load(), rt.store.written.Load())
	}
}

var actions = []string{"login", "logout", "export", "update-user", "delete-item", "grant-role", "rotate-key"}

// applications send batches of records: 40 busy tenants all the time, 200 others now and
// then (about once a minute each), as a multi-tenant SaaS sees them.
func applications(base string) {
	c := &http.Client{Timeout: 5 * time.Second}
	for {
		time.Sleep(time.Duration(40+rand.Intn(60)) * time.Millisecond)
		tenant := fmt.Sprintf("t%03d", rand.Intn(40))
		if rand.Intn(4) == 0 {
			tenant = fmt.Sprintf("t%03d", 40+rand.Intn(200))
		}
		recs := make([]record, 1+rand.Intn(8))
		for i := range recs {
			recs[i] = record{Tenant: tenant, Actor: fmt.Sprintf("u%d", rand.Intn(500)), Action: actions[rand.Intn(len(actions))], At: time.Now().UnixNano()}
		}
		body, _ := json.Marshal(recs)
		resp, err := c.Post(base+"/ingest", "application/json", bytes.NewReader(body))
		if err != nil {
			log.Printf("application: %v", err)
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	rt := &router{writers: make(map[string]*batchWriter), store: &segmentStore{}}
	http.HandleFunc("/ingest", rt.handleIngest)
	go applications("http://" + *addr)
	go rt.report(20 * time.Second)
	log.Printf("auditlog: listening on %s", *addr)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
