// uptimed: an uptime monitor. One prober goroutine per monitored target waits in a select on
// its ticker and its stop channel, and at each tick asks the target's health endpoint with a
// timeout. The target list is synced from the inventory every minute: targets removed are
// stopped (their stop channel closed), new ones get a prober. Between probes (10-30 s apart)
// every prober waits in its select, by design.
package main

import (
	"context"
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

type status struct {
	up        bool
	latency   time.Duration
	checkedAt time.Time
}

type prober struct {
	target  string
	url     string
	every   time.Duration
	timeout time.Duration
	client  *http.Client
	stop    chan struct{}
	last    atomic.Value // status
}

func (p *prober) run() {
	t := time.NewTicker(p.every)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			p.probe()
		case <-p.stop:
			return
		}
	}
}

func (p *prober) probe() {
	ctx, cancel := context.WithTimeout(context.Background(), p.timeout)
	defer cancel()
	start := time.Now()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.url, nil)
	st := status{checkedAt: start}
	if resp, err := p.client.Do(req); err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		st.up = resp.StatusCode == http.StatusOK
	}
	st.latency = time.Since(start)
	p.last.Store(st)
}

type monitor struct {
	mu      sync.Mutex
	probers map[string]*prober
	base    string
	client  *http.Client
	syncs   atomic.Int64
}

// sync brings the running probers in line with the inventory's target list.
func (m *monitor) sync(targets []string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	want := map[string]bool{}
	for _, t := range targets {
		want[t] = true
		if _, ok := m.probers[t]; ok {
			continue
		}
		p := &prober{target: t, url: m.base + "/targets/" + t + "/healthz",
			every:   time.Duration(10+rand.Intn(20)) * time.Second,
			timeout: 2 * time.Second, client: m.client, stop: make(chan struct{})}
		m.probers[t] = p
		go p.run()
	}
	for t, p := range m.probers {
		if !want[t] {
			close(p.stop)
			delete(m.probers, t)
		}
	}
	m.syncs.Add(1)
}

// inventory returns the targets to monitor: a fleet of about 30 hosts, a few replaced each time.
type inventory struct{ next, first int }

func (inv *inventory) targets() []string {
	if rand.Intn(2) == 0 {
		inv.first += 1 + rand.Intn(2) // decommissioned
		inv.next += 1 + rand.Intn(2)  // provisioned
	}
	var ts []string
	for i := inv.first; i < inv.next; i++ {
		ts = append(ts, fmt.Sprintf("host-%03d", i))
	}
	return ts
}

func (m *monitor) syncLoop(inv *inventory, every time.Duration) {
	for {
		m.sync(inv.targets())
		time.Sleep(every)
	}
}

// handleHealthz plays the targets: most answer in milliseconds, some are slow or failing.
func handleHealthz(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/targets/"), "/healthz")
	n := 0
	fmt.Sscanf(name, "host-%d", &n)
	switch {
	case n%9 == 4:
		time.Sleep(time.Duration(1500+rand.Intn(1500)) * time.Millisecond) // overloaded
	case n%7 == 3:
		http.Error(w, "unhealthy", http.StatusServiceUnavailable)
		return
	default:
		time.Sleep(time.Duration(2+rand.Intn(30)) * time.Millisecond)
	}
	io.WriteString(w, "ok\n")
}

func (m *monitor) handleStatus(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for t, p := range m.probers {
		st, _ := p.last.Load().(status)
		fmt.Fprintf(w, "%s up=%v latency=%s\n", t, st.up, st.latency)
	}
}

func (m *monitor) report(every time.Duration) {
	for range time.Tick(every) {
		m.mu.Lock()
		up := 0
		for _, p := range m.probers {
			if st, _ := p.last.Load().(status); st.up {
				up++
			}
		}
		log.Printf("uptimed: %d targets, %d up, %d syncs", len(m.probers), up, m.syncs.Load())
		m.mu.Unlock()
	}
}

// viewers poll the status page, as the dashboard does.
func viewers(base string) {
	client := &http.Client{Timeout: 5 * time.Second}
	for {
		if resp, err := client.Get(base + "/status"); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		time.Sleep(time.Duration(1+rand.Intn(3)) * time.Second)
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
	base := "http://" + *addr
	m := &monitor{probers: map[string]*prober{}, base: base,
		client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4, IdleConnTimeout: 90 * time.Second}}}
	http.HandleFunc("/targets/", handleHealthz)
	http.HandleFunc("/status", m.handleStatus)
	go m.syncLoop(&inventory{next: 30}, time.Minute)
	go viewers(base)
	go m.report(20 * time.Second)
	log.Printf("uptimed: listening on %s", *addr)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
