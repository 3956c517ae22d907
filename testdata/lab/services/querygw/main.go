// querygw is the query gateway in front of the reporting database's replicas: POST
// /v1/query takes a tenant's statement (JSON), leases a replica session from the pool,
// forwards the statement and answers with the rows. A lease is tied to a context: when
// the lease's context ends (the request released it, or the pool is shutting down), a
// goroutine started with the lease returns the session to the pool. Writes are meant for
// the primary; the routing table sends a tenant's statements to a replica until the
// tenant is marked as writable.
package main

import (
	"bytes"
	"context"
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
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type statement struct {
	Tenant string   `json:"tenant"`
	SQL    string   `json:"sql"`
	Args   []string `json:"args"`
}

type resultSet struct {
	Columns []string   `json:"columns"`
	Rows    [][]string `json:"rows"`
}

// session is one connection's state on a replica.
type session struct {
	id       int
	replica  string
	prepared map[string]string
	lastUsed time.Time
}

type lease struct {
	sess   *session
	ctx    context.Context
	cancel context.CancelFunc
}

type sessionPool struct {
	mu      sync.Mutex
	idle    []*session
	nextID  int
	inUse   int
	closed  chan struct{}
	backend string
}

func newSessionPool(backend string) *sessionPool {
	return &sessionPool{closed: make(chan struct{}), backend: backend}
}

// acquire leases an idle session (or opens one); the session goes back to the pool when
// the lease's context ends.
func (p *sessionPool) acquire() *lease {
	p.mu.Lock()
	var s *session
	if n := len(p.idle); n > 0 {
		s = p.idle[n-1]
		p.idle = p.idle[:n-1]
	} else {
		p.nextID++
		s = &session{id: p.nextID, replica: p.backend, prepared: map[string]string{}}
	}
	p.inUse++
	p.mu.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	l := &lease{sess: s, ctx: ctx, cancel: cancel}
	go p.reclaim(ctx, s)
	return l
}

// reclaim returns a leased session to the pool once its lease ends.
func (p *sessionPool) reclaim(ctx context.Context, s *session) {
	select {
	case <-ctx.Done():
	case <-p.closed:
		return
	}
	s.lastUsed = time.Now()
	p.mu.Lock()
	p.inUse--
	if len(p.idle) < 32 {
		p.idle = append(p.idle, s)
	}
	p.mu.Unlock()
}

func (l *lease) release() { l.cancel() }

func (p *sessionPool) stats() (idle, inUse int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.idle), p.inUse
}

type gateway struct {
	pool     *sessionPool
	client   *http.Client
	served   int64
	failed   int64
}

var errReadOnly = errors.New("replica is read-only")

func (g *gateway) forward(l *lease, st *statement) (*resultSet, error) {
	body, _ := json.Marshal(st)
	req, _ := http.NewRequestWithContext(l.ctx, http.MethodPost, "http://"+l.sess.replica+"/exec", bytes.NewReader(body))
	req.Header.Set("X-Session", fmt.Sprint(l.sess.id))
	resp, err := g.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusConflict {
		io.Copy(io.Discard, resp.Body)
		return nil, errReadOnly
	}
	var rs resultSet
	if err := json.NewDecoder(resp.Body).Decode(&rs); err != nil {
		return nil, err
	}
	return &rs, nil
}

func (g *gateway) handleQuery(w http.ResponseWriter, r *http.Request) {
	var st statement
	if err := json.NewDecoder(r.Body).Decode(&st); err != nil {
		http.Error(w, "bad statement", http.StatusBadRequest)
		return
	}
	l := g.pool.acquire()
	rs, err := g.forward(l, &st)
	if err != nil {
		atomic.AddInt64(&g.failed, 1)
		if errors.Is(err, errReadOnly) {
			http.Error(w, "tenant is read-only, retry later", http.StatusServiceUnavailable)
			return
		}
		l.release()
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	l.release()
	atomic.AddInt64(&g.served, 1)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(rs)
}

// replica stands in for a reporting replica: it runs reads and refuses writes.
func runReplica() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/exec", func(w http.ResponseWriter, r *http.Request) {
		var st statement
		if err := json.NewDecoder(r.Body).Decode(&st); err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		verb := strings.ToUpper(strings.Fields(st.SQL + " x")[0])
		if verb == "INSERT" || verb == "UPDATE" || verb == "DELETE" {
			http.Error(w, "cannot execute in a read-only transaction", http.StatusConflict)
			return
		}
		rs := resultSet{Columns: []string{"day", "orders", "revenue"}}
		for i := 0; i < 20; i++ {
			rs.Rows = append(rs.Rows, []string{fmt.Sprintf("2026-11-%02d", i+1), fmt.Sprint(100 + i*7), fmt.Sprintf("%d.%02d", 5000+i*31, i)})
		}
		json.NewEncoder(w).Encode(&rs)
	})
	go http.Serve(ln, mux)
	return ln.Addr().String()
}

func drive(addr string) {
	rng := rand.New(rand.NewSource(7))
	client := &http.Client{Timeout: 5 * time.Second}
	tenants := []string{"acme", "globex", "initech", "umbrella", "hooli", "vandelay", "stark", "wayne"}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for n := 0; n < 20000; n++ {
		<-tick.C
		st := statement{Tenant: tenants[rng.Intn(len(tenants))], SQL: "SELECT day, count(*), sum(total) FROM orders WHERE tenant = $1 GROUP BY day", Args: []string{"t"}}
		if rng.Intn(10) == 0 {
			st.SQL = "UPDATE report_jobs SET state = 'queued' WHERE tenant = $1"
		}
		body, _ := json.Marshal(&st)
		resp, err := client.Post("http://"+addr+"/v1/query", "application/json", bytes.NewReader(body))
		if err != nil {
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	g := &gateway{pool: newSessionPool(runReplica()), client: &http.Client{Timeout: 2 * time.Second}}
	http.HandleFunc("/v1/query", g.handleQuery)
	go func() {
		for range time.Tick(10 * time.Second) {
			idle, inUse := g.pool.stats()
			log.Printf("served %d queries, %d failed; sessions idle %d, leased %d",
				atomic.LoadInt64(&g.served), atomic.LoadInt64(&g.failed), idle, inUse)
		}
	}()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("querygw listening")
	go drive(*addr)
	log.Fatal(http.Serve(ln, nil))
}
