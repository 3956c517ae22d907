// shopindex: a price index that keeps merchants' product pages fresh. A scheduler walks the
// pages due for a refresh every second and starts a fetch for each, up to ten in flight per
// merchant. Fetches honour each merchant's crawl rate with a token bucket (as
// golang.org/x/time/rate's Wait does: reserve the next token under a lock, then wait in a
// select on a timer and the context), so a slow merchant's fetches queue on its bucket for
// up to a minute, by design, while the fast ones go through at once.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// bucket is a token bucket: rate tokens a second, at most burst saved up.
type bucket struct {
	mu     sync.Mutex
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

// wait takes a token, waiting until one is due or ctx ends.
func (b *bucket) wait(ctx context.Context) error {
	b.mu.Lock()
	now := time.Now()
	b.tokens += now.Sub(b.last).Seconds() * b.rate
	if b.tokens > b.burst {
		b.tokens = b.burst
	}
	b.last = now
	b.tokens--
	delay := time.Duration(-b.tokens / b.rate * float64(time.Second))
	b.mu.Unlock()
	if delay <= 0 {
		return nil
	}
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		b.mu.Lock()
		b.tokens++ // give the reserved token back
		b.mu.Unlock()
		return ctx.Err()
	}
}

type merchant struct {
	name     string
	bucket   *bucket
	inflight atomic.Int32
	pages    []*page
}

type page struct {
	path  string
	due   time.Time
	price int
}

type indexer struct {
	client    *http.Client
	origin    string
	merchants []*merchant
	mu        sync.Mutex
	fetched   atomic.Int64
	failed    atomic.Int64
}

// refresh fetches one page within its merchant's crawl rate and records its price.
func (ix *indexer) refresh(m *merchant, p *page) {
	defer m.inflight.Add(-1)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := m.bucket.wait(ctx); err != nil {
		ix.failed.Add(1)
		return
	}
	price, err := ix.fetchPrice(ctx, m.name, p.path)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if err != nil {
		ix.failed.Add(1)
		p.due = time.Now().Add(30 * time.Second)
		return
	}
	ix.fetched.Add(1)
	p.price = price
	p.due = time.Now().Add(time.Duration(20+rand.Intn(40)) * time.Second)
}

func (ix *indexer) fetchPrice(ctx context.Context, merchant, path string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", ix.origin+"/"+merchant+path, nil)
	if err != nil {
		return 0, err
	}
	resp, err := ix.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		return 0, errors.New("fetch failed")
	}
	return strconv.Atoi(string(body))
}

// schedule starts a fetch for every page due, ten in flight per merchant at most.
func (ix *indexer) schedule() {
	for range time.Tick(time.Second) {
		now := time.Now()
		ix.mu.Lock()
		for _, m := range ix.merchants {
			for _, p := range m.pages {
				if m.inflight.Load() >= 10 {
					break
				}
				if p.due.After(now) {
					continue
				}
				p.due = now.Add(time.Hour) // taken; refresh sets the next due time
				m.inflight.Add(1)
				go ix.refresh(m, p)
			}
		}
		ix.mu.Unlock()
	}
}

// merchantSite stands in for the merchants' shops: a product page answers its price.
func merchantSite(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Duration(30+rand.Intn(200)) * time.Millisecond)
	fmt.Fprintf(w, "%d", 500+rand.Intn(50000))
}

func (ix *indexer) handlePrice(w http.ResponseWriter, r *http.Request) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for _, m := range ix.merchants {
		if m.name == r.URL.Query().Get("merchant") && len(m.pages) > 0 {
			fmt.Fprintf(w, "%d\n", m.pages[rand.Intn(len(m.pages))].price)
			return
		}
	}
	http.NotFound(w, r)
}

func (ix *indexer) report(every time.Duration) {
	for range time.Tick(every) {
		log.Printf("shopindex: %d pages fetched, %d failed", ix.fetched.Load(), ix.failed.Load())
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
	shops, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go http.Serve(shops, http.HandlerFunc(merchantSite))
	ix := &indexer{client: &http.Client{Timeout: 10 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 16, IdleConnTimeout: 90 * time.Second}},
		origin: "http://" + shops.Addr().String()}
	// Crawl rates as the merchants' robots.txt ask (Crawl-delay): most are generous,
	// a few small shops ask for one page every few seconds.
	rates := []float64{8, 6, 5, 5, 4, 3, 2, 1, 0.5, 0.4, 0.25, 0.2}
	start := time.Now()
	for i, r := range rates {
		m := &merchant{name: fmt.Sprintf("shop%02d", i+1),
			bucket: &bucket{rate: r, burst: 2, tokens: 2, last: start}}
		for j := 0; j < 300; j++ {
			m.pages = append(m.pages, &page{path: fmt.Sprintf("/p/%d", j),
				due: start.Add(time.Duration(rand.Intn(60000)) * time.Millisecond)})
		}
		ix.merchants = append(ix.merchants, m)
	}
	http.HandleFunc("/price", ix.handlePrice)
	go ix.schedule()
	go ix.report(20 * time.Second)
	log.Printf("shopindex: listening on %s", *addr)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
