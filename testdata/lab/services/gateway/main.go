// gateway: public API gateway in front of the catalog backend. Proxies product reads
// over pooled keep-alive connections, caches them briefly, and hands audit records to
// a fixed pool of writers.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

type Product struct {
	SKU   int    `json:"sku"`
	Name  string `json:"name"`
	Price int64  `json:"price"`
	Stock int    `json:"stock"`
}

// ---- catalog backend (its own listener, as it would be its own process)

func startCatalog() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/products/", func(w http.ResponseWriter, r *http.Request) {
		sku, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/products/"))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		time.Sleep(time.Duration(2+rand.Intn(6)) * time.Millisecond)
		json.NewEncoder(w).Encode(Product{SKU: sku, Name: fmt.Sprintf("item-%d", sku), Price: int64(100 + sku%900), Stock: sku % 37})
	})
	srv := &http.Server{Handler: mux, IdleTimeout: 5 * time.Minute}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String()
}

// ---- bounded cache

type entry struct {
	p       Product
	fetched time.Time
}

type Cache struct {
	mu    sync.Mutex
	max   int
	items map[int]entry
	order []int
}

func (c *Cache) get(sku int) (Product, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[sku]
	if !ok || time.Since(e.fetched) > 30*time.Second {
		return Product{}, false
	}
	return e.p, true
}

func (c *Cache) put(p Product) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[p.SKU]; !ok {
		if len(c.order) >= c.max {
			delete(c.items, c.order[0])
			c.order = append(c.order[:0], c.order[1:]...)
		}
		c.order = append(c.order, p.SKU)
	}
	c.items[p.SKU] = entry{p: p, fetched: time.Now()}
}

// ---- audit writers: a fixed pool draining a buffered channel

type AuditRecord struct {
	Route  string
	Status int
	At     time.Time
}

type Auditor struct {
	jobs    chan AuditRecord
	written atomic.Int64
	dropped atomic.Int64
}

func (a *Auditor) start(workers int) {
	for i := 0; i < workers; i++ {
		go a.writer(i)
	}
}

func (a *Auditor) writer(id int) {
	for rec := range a.jobs {
		_ = rec
		a.written.Add(1)
	}
}

func (a *Auditor) submit(rec AuditRecord) {
	select {
	case a.jobs <- rec:
	default:
		a.dropped.Add(1)
	}
}

// ---- gateway

type Gateway struct {
	backend string
	client  *http.Client
	cache   *Cache
	audit   *Auditor
	served  atomic.Int64
	misses  atomic.Int64
}

func (g *Gateway) fetchProduct(sku int) (Product, error) {
	if p, ok := g.cache.get(sku); ok {
		return p, nil
	}
	g.misses.Add(1)
	resp, err := g.client.Get(fmt.Sprintf("%s/products/%d", g.backend, sku))
	if err != nil {
		return Product{}, err
	}
	defer resp.Body.Close()
	var p Product
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
		return Product{}, err
	}
	io.Copy(io.Discard, resp.Body)
	g.cache.put(p)
	return p, nil
}

func (g *Gateway) handleProduct(w http.ResponseWriter, r *http.Request) {
	g.served.Add(1)
	sku, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/api/products/"))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	p, err := g.fetchProduct(sku)
	if err != nil {
		g.audit.submit(AuditRecord{Route: "product", Status: 502, At: time.Now()})
		http.Error(w, "bad gateway", http.StatusBadGateway)
		return
	}
	if sku%10 == 0 {
		g.audit.submit(AuditRecord{Route: "product", Status: 200, At: time.Now()})
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(p)
}

func (g *Gateway) flushMetrics(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for range t.C {
		log.Printf("metrics: served=%d backend_fetches=%d audit_written=%d audit_dropped=%d",
			g.served.Load(), g.misses.Load(), g.audit.written.Load(), g.audit.dropped.Load())
	}
}

func watchSignals(reload func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGHUP, syscall.SIGTERM)
	for sig := range ch {
		if sig == syscall.SIGTERM {
			log.Printf("gateway: SIGTERM, exiting")
			os.Exit(0)
		}
		reload()
	}
}

// clients plays the mobile apps: a few keep-alive clients with think time.
func clients(base string, n int) {
	tr := &http.Transport{MaxIdleConnsPerHost: n, IdleConnTimeout: 10 * time.Minute}
	client := &http.Client{Timeout: 5 * time.Second, Transport: tr}
	for i := 0; i < n; i++ {
		go func(i int) {
			rng := rand.New(rand.NewSource(int64(i)))
			for {
				resp, err := client.Get(fmt.Sprintf("%s/api/products/%d", base, 1+rng.Intn(120)))
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				time.Sleep(time.Duration(300+rng.Intn(900)) * time.Millisecond)
			}
		}(i)
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
	g := &Gateway{
		backend: startCatalog(),
		client: &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{
			MaxIdleConnsPerHost: 4, IdleConnTimeout: 10 * time.Minute}},
		cache: &Cache{max: 256, items: map[int]entry{}},
		audit: &Auditor{jobs: make(chan AuditRecord, 128)},
	}
	g.audit.start(6)
	for sku := 1; sku <= 120; sku++ {
		g.fetchProduct(sku)
	}
	http.HandleFunc("/api/products/", g.handleProduct)
	go g.flushMetrics(10 * time.Second)
	go watchSignals(func() { log.Printf("gateway: SIGHUP, routes reloaded") })
	go clients("http://"+*addr, 6)
	srv := &http.Server{Addr: *addr, IdleTimeout: 10 * time.Minute, ReadHeaderTimeout: 10 * time.Second}
	log.Printf("gateway: listening on %s", *addr)
	log.Fatal(srv.Serve(ln))
}
