// apilimits is the public API's edge: it enforces each tenant's request rate with a
// token bucket and forwards admitted requests to the API backend. Each tenant's
// bucket is refilled by its own goroutine at the tenant plan's rate; a request over
// the rate waits up to 4 s for a token before it is turned away with 429.
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
	"sync"
	"sync/atomic"
	"time"
)

type plan struct {
	name  string
	every time.Duration // one token per interval
	burst int
}

var plans = map[string]plan{
	"free":       {"free", 500 * time.Millisecond, 4},
	"team":       {"team", 150 * time.Millisecond, 10},
	"enterprise": {"enterprise", 40 * time.Millisecond, 40},
}

type bucket struct {
	tenant   string
	tokens   chan struct{}
	stop     chan struct{}
	lastUsed int64 // unix nanoseconds
}

// refill adds a token every interval until the bucket is retired.
func (b *bucket) refill(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			select {
			case b.tokens <- struct{}{}:
			default: // full: the tenant is under its rate
			}
		case <-b.stop:
			return
		}
	}
}

// take waits for a token or for the request's admission deadline.
func (b *bucket) take(ctx context.Context) bool {
	atomic.StoreInt64(&b.lastUsed, time.Now().UnixNano())
	select {
	case <-b.tokens:
		return true
	case <-ctx.Done():
		return false
	}
}

type limiter struct {
	mu      sync.Mutex
	buckets map[string]*bucket
}

func (l *limiter) bucketFor(tenant, planName string) *bucket {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b, ok := l.buckets[tenant]; ok {
		return b
	}
	p := plans[planName]
	b := &bucket{tenant: tenant, tokens: make(chan struct{}, p.burst), stop: make(chan struct{}), lastUsed: time.Now().UnixNano()}
	for i := 0; i < p.burst; i++ {
		b.tokens <- struct{}{}
	}
	l.buckets[tenant] = b
	go b.refill(p.every)
	return b
}

// retireIdle stops the buckets of tenants quiet for longer than idle.
func (l *limiter) retireIdle(idle time.Duration) {
	for range time.Tick(5 * time.Second) {
		cutoff := time.Now().Add(-idle).UnixNano()
		l.mu.Lock()
		for name, b := range l.buckets {
			if atomic.LoadInt64(&b.lastUsed) < cutoff {
				close(b.stop)
				delete(l.buckets, name)
			}
		}
		n := len(l.buckets)
		l.mu.Unlock()
		log.Printf("apilimits: %d tenant buckets", n)
	}
}

type edge struct {
	limits   *limiter
	backend  string
	client   *http.Client
	admitted int64
	limited  int64
}

func (e *edge) handle(w http.ResponseWriter, r *http.Request) {
	tenant, planName := r.Header.Get("X-Tenant"), r.Header.Get("X-Plan")
	if _, ok := plans[planName]; !ok || tenant == "" {
		http.Error(w, "unknown tenant", http.StatusUnauthorized)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 4*time.Second)
	defer cancel()
	if !e.limits.bucketFor(tenant, planName).take(ctx) {
		atomic.AddInt64(&e.limited, 1)
		w.Header().Set("Retry-After", "1")
		http.Error(w, "rate limited", http.StatusTooManyRequests)
		return
	}
	atomic.AddInt64(&e.admitted, 1)
	resp, err := e.client.Get(e.backend + r.URL.Path)
	if err != nil {
		http.Error(w, "backend unavailable", http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}

// apiBackend stands in for the API servers behind the edge.
func apiBackend() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatalf("backend: %v", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Duration(15+rand.Intn(60)) * time.Millisecond)
		fmt.Fprintf(w, `{"path":%q,"ok":true}`, r.URL.Path)
	})
	go http.Serve(ln, mux)
	return "http://" + ln.Addr().String()
}

// integrations replays tenants' API clients: most call now and then; a few run
// sync jobs with several workers calling as fast as they are let through, well over
// their plan's rate, so their requests queue for tokens. Tenants come and go.
func integrations(base string) {
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	call := func(tenant, planName, path string) {
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Header.Set("X-Tenant", tenant)
		req.Header.Set("X-Plan", planName)
		resp, err := client.Do(req)
		if err != nil {
			log.Printf("%s: %v", tenant, err)
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	names := []string{"free", "team", "enterprise"}
	for i := 0; i < 60; i++ {
		go func(id int) {
			tenant, planName := fmt.Sprintf("tenant-%04d", id), names[id%3]
			for {
				// an active spell of 20-90 s, then quiet for 30-120 s
				end := time.Now().Add(time.Duration(20+rand.Intn(70)) * time.Second)
				for time.Now().Before(end) {
					call(tenant, planName, "/v2/orders")
					time.Sleep(time.Duration(1+rand.Intn(8)) * time.Second)
				}
				time.Sleep(time.Duration(30+rand.Intn(90)) * time.Second)
			}
		}(i)
	}
	for i := 0; i < 4; i++ {
		go func(id int) {
			tenant := fmt.Sprintf("tenant-sync-%02d", id)
			planName := names[id%2]
			for {
				var wg sync.WaitGroup
				for w := 0; w < 5+rand.Intn(5); w++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for n := 0; n < 40; n++ {
							call(tenant, planName, "/v2/products")
						}
					}()
				}
				wg.Wait()
				time.Sleep(time.Duration(2+rand.Intn(10)) * time.Second)
			}
		}(i)
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	lim := &limiter{buckets: map[string]*bucket{}}
	go lim.retireIdle(45 * time.Second)
	e := &edge{limits: lim, backend: apiBackend(), client: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}}
	http.HandleFunc("/v2/", e.handle)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("listen: %v", err)
	}
	log.Printf("apilimits listening on %s", ln.Addr())
	go integrations("http://" + ln.Addr().String())
	go func() {
		for range time.Tick(10 * time.Second) {
			log.Printf("apilimits: admitted=%d limited=%d", atomic.LoadInt64(&e.admitted), atomic.LoadInt64(&e.limited))
		}
	}()
	log.Fatal(http.Serve(ln, nil))
}
