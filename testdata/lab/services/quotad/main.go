// quotad: the API-quota service of a SaaS platform. Every API gateway asks it whether a
// tenant may make one more call; the counters live in memory. Every 30 s the whole state
// is written out as one JSON snapshot, kept for the standby to pull (/v1/snapshot) so a
// failover loses at most 30 s of counts.
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
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

type tenantQuota struct {
	Tenant    string    `json:"tenant"`
	Plan      string    `json:"plan"`
	Limit     int64     `json:"limit"`
	Used      int64     `json:"used"`
	Denied    int64     `json:"denied"`
	Hourly    [24]int32 `json:"hourly"`
	UpdatedAt int64     `json:"updated_at"`
}

type quotaStore struct {
	mu       sync.Mutex
	tenants  map[string]*tenantQuota
	snapshot []byte
	snapAt   time.Time
}

var plans = []struct {
	name  string
	limit int64
}{{"free", 1000}, {"team", 50000}, {"business", 500000}, {"enterprise", 5000000}}

func loadTenants(n int) *quotaStore {
	s := &quotaStore{tenants: make(map[string]*tenantQuota, n)}
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < n; i++ {
		p := plans[rng.Intn(len(plans))]
		id := fmt.Sprintf("tn_%07d", i)
		s.tenants[id] = &tenantQuota{Tenant: id, Plan: p.name, Limit: p.limit}
	}
	return s
}

func (s *quotaStore) allow(tenant string) (bool, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q, ok := s.tenants[tenant]
	if !ok {
		return false, false
	}
	now := time.Now()
	q.UpdatedAt = now.Unix()
	if q.Used >= q.Limit {
		q.Denied++
		return false, true
	}
	q.Used++
	q.Hourly[now.Hour()]++
	return true, true
}

// writeSnapshot copies the counters under the lock and encodes them outside it.
func (s *quotaStore) writeSnapshot() int {
	s.mu.Lock()
	rows := make([]tenantQuota, 0, len(s.tenants))
	for _, q := range s.tenants {
		rows = append(rows, *q)
	}
	s.mu.Unlock()
	sort.Slice(rows, func(i, j int) bool { return rows[i].Tenant < rows[j].Tenant })
	data, err := json.Marshal(rows)
	if err != nil {
		log.Printf("snapshot: %v", err)
		return 0
	}
	s.mu.Lock()
	s.snapshot, s.snapAt = data, time.Now()
	s.mu.Unlock()
	return len(data)
}

type server struct {
	store   *quotaStore
	checks  atomic.Int64
	denials atomic.Int64
}

func (sv *server) handleCheck(w http.ResponseWriter, r *http.Request) {
	sv.checks.Add(1)
	ok, known := sv.store.allow(r.URL.Query().Get("tenant"))
	switch {
	case !known:
		http.Error(w, "unknown tenant", http.StatusNotFound)
	case !ok:
		sv.denials.Add(1)
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, `{"allowed":false}`)
	default:
		io.WriteString(w, `{"allowed":true}`)
	}
}

func (sv *server) handleSnapshot(w http.ResponseWriter, r *http.Request) {
	sv.store.mu.Lock()
	data, at := sv.store.snapshot, sv.store.snapAt
	sv.store.mu.Unlock()
	w.Header().Set("Last-Modified", at.UTC().Format(http.TimeFormat))
	w.Write(data)
}

func gateways(base string, seed int64, tenants int) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(seed))
	for range time.Tick(10 * time.Millisecond) {
		t := rng.Intn(tenants)
		if rng.Intn(2) == 0 {
			t = rng.Intn(500)
		}
		resp, err := client.Get(base + "/v1/check?tenant=tn_" + fmt.Sprintf("%07d", t))
		if err != nil {
			log.Printf("gateway: %v", err)
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
	const tenants = 24000
	sv := &server{store: loadTenants(tenants)}
	http.HandleFunc("/v1/check", sv.handleCheck)
	http.HandleFunc("/v1/snapshot", sv.handleSnapshot)
	go func() {
		for range time.Tick(30 * time.Second) {
			n := sv.store.writeSnapshot()
			log.Printf("snapshot: %d tenants, %s bytes", tenants, strconv.Itoa(n))
		}
	}()
	go func() {
		for range time.Tick(15 * time.Second) {
			log.Printf("stats: checks=%d denied=%d", sv.checks.Load(), sv.denials.Load())
		}
	}()
	for i := int64(1); i <= 2; i++ {
		go gateways("http://"+*addr, i, tenants)
	}
	log.Printf("quotad: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
