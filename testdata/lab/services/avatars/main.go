// avatars: serves resized avatars from a short-lived cache in front of the image origin.
// A miss is fetched once: concurrent requests for the same key wait for the fetch in flight
// (request coalescing, as golang.org/x/sync/singleflight does it) on its WaitGroup instead
// of asking the origin again. Two avatars are very hot (nine requests in ten), so when one of them expires a
// crowd of requests waits on its one fetch for the origin's 0.5-2 s.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"sync"
	"time"
)

// ---- the image origin stand-in

func serveOrigin() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/img/", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Duration(500+rand.Intn(1500)) * time.Millisecond)
		w.Write(make([]byte, 2048+rand.Intn(4096)))
	})
	go http.Serve(ln, mux)
	return "http://" + ln.Addr().String()
}

// ---- request coalescing

type flight struct {
	wg  sync.WaitGroup
	val []byte
	err error
}

type flightGroup struct {
	mu      sync.Mutex
	flights map[string]*flight
}

// do runs fetch once per key at a time; callers arriving meanwhile wait for its result.
func (g *flightGroup) do(key string, fetch func() ([]byte, error)) ([]byte, error) {
	g.mu.Lock()
	if f, ok := g.flights[key]; ok {
		g.mu.Unlock()
		f.wg.Wait()
		return f.val, f.err
	}
	f := &flight{}
	f.wg.Add(1)
	g.flights[key] = f
	g.mu.Unlock()
	f.val, f.err = fetch()
	f.wg.Done()
	g.mu.Lock()
	delete(g.flights, key)
	g.mu.Unlock()
	return f.val, f.err
}

// ---- the cache

type entry struct {
	img     []byte
	expires time.Time
}

type avatarCache struct {
	origin  string
	client  *http.Client
	group   flightGroup
	mu      sync.Mutex
	entries map[string]entry
	hits    int
	fetches int
}

func (ac *avatarCache) get(key string) ([]byte, error) {
	ac.mu.Lock()
	e, ok := ac.entries[key]
	if ok && time.Now().Before(e.expires) {
		ac.hits++
		ac.mu.Unlock()
		return e.img, nil
	}
	ac.mu.Unlock()
	return ac.group.do(key, func() ([]byte, error) { return ac.fetchOrigin(key) })
}

func (ac *avatarCache) fetchOrigin(key string) ([]byte, error) {
	resp, err := ac.client.Get(ac.origin + "/img/" + key)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	img, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	ac.mu.Lock()
	ac.entries[key] = entry{img, time.Now().Add(time.Second)}
	ac.fetches++
	ac.mu.Unlock()
	return img, nil
}

func (ac *avatarCache) handleAvatar(w http.ResponseWriter, r *http.Request) {
	img, err := ac.get(r.URL.Query().Get("user"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Write(img)
}

// viewers load timelines: most avatars shown are of a handful of popular accounts.
func viewers(base string, n int) {
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: n}}
	for i := 0; i < n; i++ {
		go func() {
			for {
				user := fmt.Sprintf("u%d", rand.Intn(2))
				if rand.Intn(10) == 0 {
					user = fmt.Sprintf("u%d", rand.Intn(400))
				}
				resp, err := client.Get(base + "/avatar?user=" + user)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				time.Sleep(time.Duration(20+rand.Intn(200)) * time.Millisecond)
			}
		}()
	}
}

func (ac *avatarCache) report(every time.Duration) {
	for range time.Tick(every) {
		ac.mu.Lock()
		log.Printf("avatars: %d cache hits, %d origin fetches", ac.hits, ac.fetches)
		ac.mu.Unlock()
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
	ac := &avatarCache{
		origin:  serveOrigin(),
		client:  &http.Client{Timeout: 5 * time.Second},
		group:   flightGroup{flights: map[string]*flight{}},
		entries: map[string]entry{},
	}
	http.HandleFunc("/avatar", ac.handleAvatar)
	go viewers("http://"+*addr, 20)
	go ac.report(20 * time.Second)
	log.Printf("avatars: listening on %s", *addr)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
