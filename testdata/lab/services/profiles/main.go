// profiles serves user profiles from an in-memory cache that is refreshed from
// the user database every few seconds. Page views enrich profiles in the background.
package main

import (
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof"
	"sync"
	"sync/atomic"
	"time"
)

type profile struct {
	ID       string
	Name     string
	Segments []string
}

type profileCache struct {
	mu       sync.RWMutex
	profiles map[string]profile
	loadedAt time.Time
}

var errUnknownUser = errors.New("unknown user")

func (c *profileCache) lookup(id string) (profile, error) {
	c.mu.RLock()
	p, ok := c.profiles[id]
	if !ok {
		return profile{}, fmt.Errorf("profile %s: %w", id, errUnknownUser)
	}
	c.mu.RUnlock()
	return p, nil
}

func (c *profileCache) refreshEvery(d time.Duration) {
	for range time.Tick(d) {
		fresh := loadProfiles(200)
		c.mu.Lock()
		c.profiles = fresh
		c.loadedAt = time.Now()
		c.mu.Unlock()
	}
}

func loadProfiles(n int) map[string]profile {
	m := make(map[string]profile, n)
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("u%05d", i)
		m[id] = profile{ID: id, Name: "user " + id, Segments: []string{"retail", "newsletter"}}
	}
	return m
}

type profileService struct {
	cache    *profileCache
	enriched int64
	misses   int64
}

func (s *profileService) enrich(id string) {
	p, err := s.cache.lookup(id)
	if err != nil {
		atomic.AddInt64(&s.misses, 1)
		return
	}
	time.Sleep(time.Millisecond * time.Duration(len(p.Segments)))
	atomic.AddInt64(&s.enriched, 1)
}

func (s *profileService) handleView(w http.ResponseWriter, r *http.Request) {
	go s.enrich(r.URL.Query().Get("user"))
	w.WriteHeader(http.StatusNoContent)
}

// pageViews replays page views of the web shop.
func pageViews(base string, views int) {
	client := &http.Client{Timeout: 5 * time.Second}
	tick := time.NewTicker(333 * time.Millisecond)
	defer tick.Stop()
	for i := 0; i < views; i++ {
		<-tick.C
		user := fmt.Sprintf("u%05d", (i*37)%200)
		if i == 12 {
			user = "u99999" // a user deleted since the last refresh
		}
		resp, err := client.Get(base + "/view?user=" + user)
		if err != nil {
			log.Printf("page view failed: %v", err)
			continue
		}
		resp.Body.Close()
	}
	log.Printf("page view replay finished")
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	svc := &profileService{cache: &profileCache{profiles: loadProfiles(200), loadedAt: time.Now()}}
	go svc.cache.refreshEvery(3 * time.Second)
	http.HandleFunc("/view", svc.handleView)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("listen: %v", err)
	}
	log.Printf("profiles listening on %s", ln.Addr())
	go pageViews("http://"+ln.Addr().String(), 470)
	go func() {
		for range time.Tick(10 * time.Second) {
			log.Printf("profiles: enriched=%d misses=%d", atomic.LoadInt64(&svc.enriched), atomic.LoadInt64(&svc.misses))
		}
	}()
	log.Fatal(http.Serve(ln, nil))
}
