// storefront: the shop's web front. Browsers (played here by a pool of keep-alive
// clients) load product pages; pages are rendered from an in-memory catalogue and the
// request counters are flushed to the log by a ticker.
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
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type Product struct {
	ID    int
	Title string
	Price int64
	Tags  []string
}

type Catalogue struct {
	mu       sync.RWMutex
	products map[int]Product
}

func newCatalogue(n int) *Catalogue {
	c := &Catalogue{products: make(map[int]Product, n)}
	for i := 1; i <= n; i++ {
		c.products[i] = Product{ID: i, Title: fmt.Sprintf("Product %d", i), Price: int64(199 + i%4000),
			Tags: []string{"new", "sale", "brand-" + strconv.Itoa(i%17)}}
	}
	return c
}

func (c *Catalogue) product(id int) (Product, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	p, ok := c.products[id]
	return p, ok
}

type Storefront struct {
	catalogue *Catalogue
	pages     atomic.Int64
	notFound  atomic.Int64
	bytesOut  atomic.Int64
}

func (s *Storefront) renderPage(w io.Writer, p Product) int {
	var b strings.Builder
	fmt.Fprintf(&b, "<html><head><title>%s</title></head><body><h1>%s</h1>", p.Title, p.Title)
	fmt.Fprintf(&b, "<p class=price>%d.%02d EUR</p><ul>", p.Price/100, p.Price%100)
	for _, t := range p.Tags {
		fmt.Fprintf(&b, "<li>%s</li>", t)
	}
	b.WriteString("</ul></body></html>\n")
	n, _ := io.WriteString(w, b.String())
	return n
}

func (s *Storefront) handleProduct(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/p/"))
	p, ok := s.catalogue.product(id)
	if err != nil || !ok {
		s.notFound.Add(1)
		http.NotFound(w, r)
		return
	}
	time.Sleep(time.Duration(40+rand.Intn(40)) * time.Millisecond) // price and stock lookups
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	s.bytesOut.Add(int64(s.renderPage(w, p)))
	s.pages.Add(1)
}

// flushMetrics writes the counters every interval, as a metrics agent would scrape them.
func (s *Storefront) flushMetrics(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for range t.C {
		log.Printf("metrics: pages=%d not_found=%d bytes_out=%d", s.pages.Load(), s.notFound.Load(), s.bytesOut.Load())
	}
}

// browse plays the browsers behind a corporate proxy: their page views arrive in waves
// (every few seconds, all at once), so the shared Transport opens as many connections as
// a wave needs and keeps them idle in its pool until the next one.
func browse(base string, browsers int, every time.Duration) {
	tr := &http.Transport{MaxIdleConns: browsers, MaxIdleConnsPerHost: browsers, IdleConnTimeout: 10 * time.Minute}
	client := &http.Client{Timeout: 5 * time.Second, Transport: tr}
	for i := 0; i < browsers; i++ {
		go func(i int) {
			rng := rand.New(rand.NewSource(int64(i)))
			for {
				time.Sleep(time.Until(time.Now().Truncate(every).Add(every)))
				resp, err := client.Get(fmt.Sprintf("%s/p/%d", base, 1+rng.Intn(2200)))
				if err != nil {
					log.Printf("browse: %v", err)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
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
	s := &Storefront{catalogue: newCatalogue(2000)}
	http.HandleFunc("/p/", s.handleProduct)
	go s.flushMetrics(15 * time.Second)
	go browse("http://"+*addr, 128, 4*time.Second)
	srv := &http.Server{Addr: *addr, IdleTimeout: 10 * time.Minute, ReadHeaderTimeout: 10 * time.Second}
	log.Printf("storefront: listening on %s", *addr)
	log.Fatal(srv.Serve(ln))
}
