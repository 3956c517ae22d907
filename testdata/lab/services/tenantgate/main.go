// tenantgate: the API gateway of a multi-tenant SaaS. Every request carries its tenant's
// key; the gateway keeps one limiter per tenant (a token bucket, plus the recent request
// times the dashboard's burst graph reads), created the first time the tenant is seen and
// kept for the life of the process. Limiters are keyed by tenant, and there are 9,000
// tenants: the map grows as tenants first call in after a restart, ever slower as fewer
// remain unseen, and stops at the tenant count.
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
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const recentN = 96

type limiter struct {
	mu       sync.Mutex
	tenant   string
	plan     string
	rate     float64 // tokens per second
	burst    float64
	tokens   float64
	last     time.Time
	recent   [recentN]int64 // unix nanos of the latest requests, a ring
	next     int
	rejected int64
}

func (l *limiter) allow(now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.tokens += now.Sub(l.last).Seconds() * l.rate
	if l.tokens > l.burst {
		l.tokens = l.burst
	}
	l.last = now
	l.recent[l.next] = now.UnixNano()
	l.next = (l.next + 1) % recentN
	if l.tokens < 1 {
		l.rejected++
		return false
	}
	l.tokens--
	return true
}

type gateway struct {
	mu       sync.RWMutex
	limiters map[string]*limiter
	plans    map[string]string // tenant -> plan, from the account service at start
	allowed  atomic.Int64
	denied   atomic.Int64
}

var planRates = map[string][2]float64{"free": {2, 5}, "team": {20, 40}, "enterprise": {200, 400}}

// limiterFor returns the tenant's limiter, creating it on the tenant's first request.
func (g *gateway) limiterFor(tenant string) (*limiter, bool) {
	g.mu.RLock()
	l := g.limiters[tenant]
	plan, known := g.plans[tenant]
	g.mu.RUnlock()
	if l != nil || !known {
		return l, known
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if l = g.limiters[tenant]; l == nil {
		r := planRates[plan]
		l = &limiter{tenant: tenant, plan: plan, rate: r[0], burst: r[1], tokens: r[1], last: time.Now()}
		g.limiters[tenant] = l
	}
	return l, true
}

func (g *gateway) handleAPI(w http.ResponseWriter, r *http.Request) {
	tenant := strings.TrimPrefix(r.Header.Get("Authorization"), "Tenant ")
	l, ok := g.limiterFor(tenant)
	if !ok {
		http.Error(w, "unknown tenant", http.StatusUnauthorized)
		return
	}
	if !l.allow(time.Now()) {
		g.denied.Add(1)
		w.Header().Set("Retry-After", "1")
		http.Error(w, "rate limited", http.StatusTooManyRequests)
		return
	}
	g.allowed.Add(1)
	// the upstream stand-in: a small JSON answer built per request
	items := make([]map[string]any, 0, 8)
	for i := 0; i < 8; i++ {
		items = append(items, map[string]any{"id": fmt.Sprintf("%s-%d", tenant, i), "path": r.URL.Path, "ok": true})
	}
	json.NewEncoder(w).Encode(map[string]any{"tenant": tenant, "items": items})
}

// handleBursts is what the dashboard polls: the busiest tenants' recent request counts.
func (g *gateway) handleBursts(w http.ResponseWriter, r *http.Request) {
	cut := time.Now().Add(-10 * time.Second).UnixNano()
	out := map[string]int{}
	g.mu.RLock()
	for t, l := range g.limiters {
		l.mu.Lock()
		n := 0
		for _, ts := range l.recent {
			if ts > cut {
				n++
			}
		}
		l.mu.Unlock()
		if n >= recentN/2 {
			out[t] = n
		}
	}
	g.mu.RUnlock()
	json.NewEncoder(w).Encode(out)
}

func tenantName(i int) string { return fmt.Sprintf("t%05d-%s", i, []string{"acme", "globex", "initech", "umbrella", "hooli"}[i%5]) }

// clients: tenants call in independently; every tenant is equally likely to be next.
func clients(base string, seed int64) {
	rng := rand.New(rand.NewSource(seed))
	c := &http.Client{Timeout: 5 * time.Second}
	paths := []string{"/api/orders", "/api/items", "/api/users", "/api/reports"}
	for range time.Tick(12 * time.Millisecond) {
		req, _ := http.NewRequest("GET", base+paths[rng.Intn(len(paths))], nil)
		req.Header.Set("Authorization", "Tenant "+tenantName(rng.Intn(9000)))
		resp, err := c.Do(req)
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
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	g := &gateway{limiters: make(map[string]*limiter), plans: make(map[string]string)}
	for i := 0; i < 9000; i++ { // the account service's tenant list
		g.plans[tenantName(i)] = []string{"free", "free", "team", "enterprise"}[i%4]
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("/api/", g.handleAPI)
	http.HandleFunc("/admin/bursts", g.handleBursts)
	go func() {
		for range time.Tick(15 * time.Second) {
			g.mu.RLock()
			n := len(g.limiters)
			g.mu.RUnlock()
			log.Printf("stats: tenants seen=%d allowed=%d denied=%d", n, g.allowed.Load(), g.denied.Load())
		}
	}()
	go func() {
		c := &http.Client{Timeout: 5 * time.Second}
		for range time.Tick(2 * time.Second) {
			if resp, err := c.Get("http://" + *addr + "/admin/bursts"); err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}
	}()
	for i := int64(1); i <= 3; i++ {
		go clients("http://"+*addr, 20+i)
	}
	log.Printf("tenantgate: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
