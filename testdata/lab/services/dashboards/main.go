// dashboards: serves the values of dashboard panels. A panel's query is computed once and
// then kept fresh in the background, so that the next page load reads it from the cache.
package main

import (
	"flag"
	"fmt"
	"hash/fnv"
	"log"
	"math"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"sync"
	"sync/atomic"
	"time"
)

type panelCache struct {
	mu     sync.Mutex
	values map[string]float64
}

func (c *panelCache) get(q string) (float64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.values[q]
	return v, ok
}

func (c *panelCache) put(q string, v float64) {
	c.mu.Lock()
	c.values[q] = v
	c.mu.Unlock()
}

type dashboards struct {
	cache     panelCache
	evaluated atomic.Int64
	served    atomic.Int64
}

// evaluate stands in for the metrics backend: a few ms of work per query.
func (d *dashboards) evaluate(q string) float64 {
	h := fnv.New64a()
	h.Write([]byte(q))
	x := float64(h.Sum64()%10000) / 100
	for i := 0; i < 2000; i++ {
		x = math.Sqrt(x*x + 1)
	}
	d.evaluated.Add(1)
	return x + float64(time.Now().Unix()%60)
}

// keepFresh re-evaluates a panel's query every refresh interval.
func (d *dashboards) keepFresh(q string, every time.Duration) {
	t := time.NewTicker(every)
	for range t.C {
		d.cache.put(q, d.evaluate(q))
	}
}

func (d *dashboards) handlePanel(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("q")
	d.served.Add(1)
	v, ok := d.cache.get(q)
	if !ok {
		v = d.evaluate(q)
		d.cache.put(q, v)
		go d.keepFresh(q, 10*time.Second)
	}
	fmt.Fprintf(w, "{\"q\":%q,\"value\":%.3f}\n", q, v)
}

func (d *dashboards) report(every time.Duration) {
	for range time.Tick(every) {
		d.cache.mu.Lock()
		n := len(d.cache.values)
		d.cache.mu.Unlock()
		log.Printf("dashboards: %d panel loads, %d panels cached, %d evaluations", d.served.Load(), n, d.evaluated.Load())
	}
}

var metrics = []string{"http_requests_total", "latency_p99", "error_rate", "queue_depth", "cpu_seconds", "heap_bytes"}

// viewers open dashboards: the panels of the saved dashboards repeat, but every "last N
// minutes" view built in the explorer carries its own time range, so it is a new query.
func viewers(base string, budget int) {
	c := &http.Client{Timeout: 5 * time.Second}
	for i := 0; i < budget; i++ {
		time.Sleep(time.Duration(100+rand.Intn(200)) * time.Millisecond)
		m := metrics[rand.Intn(len(metrics))]
		q := fmt.Sprintf("%s{service=\"svc%d\"}[5m]", m, rand.Intn(4))
		if rand.Intn(3) == 0 {
			q = fmt.Sprintf("%s{service=\"svc%d\"}[%dm] @ %d", m, rand.Intn(4), 5+rand.Intn(55), time.Now().Unix())
		}
		resp, err := c.Get(base + "/panel?q=" + urlEscape(q))
		if err != nil {
			log.Printf("viewer: %v", err)
			continue
		}
		resp.Body.Close()
	}
	log.Printf("viewers: done")
}

func urlEscape(s string) string {
	const hex = "0123456789ABCDEF"
	out := make([]byte, 0, len(s)*3)
	for i := 0; i < len(s); i++ {
		b := s[i]
		if ('a' <= b && b <= 'z') || ('A' <= b && b <= 'Z') || ('0' <= b && b <= '9') || b == '_' || b == '-' || b == '.' {
			out = append(out, b)
			continue
		}
		out = append(out, '%', hex[b>>4], hex[b&15])
	}
	return string(out)
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	d := &dashboards{cache: panelCache{values: make(map[string]float64)}}
	http.HandleFunc("/panel", d.handlePanel)
	go viewers("http://"+*addr, 1200)
	go d.report(20 * time.Second)
	log.Printf("dashboards: listening on %s", *addr)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
