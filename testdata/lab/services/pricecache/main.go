// pricecache: serves rendered price fragments for product pages. Rendering a fragment
// is expensive, so fragments are kept in an LRU of fixed capacity; it starts cold and fills
// as shoppers browse, then evicts the least recently used fragment for every new one.
package main

import (
	"container/list"
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

type fragment struct {
	sku  int
	html string
}

type LRU struct {
	mu    sync.Mutex
	cap   int
	order *list.List
	items map[int]*list.Element
}

func newLRU(capacity int) *LRU {
	return &LRU{cap: capacity, order: list.New(), items: make(map[int]*list.Element, capacity)}
}

func (c *LRU) get(sku int) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[sku]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*fragment).html, true
	}
	return "", false
}

func (c *LRU) put(sku int, html string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[sku]; ok {
		e.Value.(*fragment).html = html
		c.order.MoveToFront(e)
		return
	}
	c.items[sku] = c.order.PushFront(&fragment{sku: sku, html: html})
	if c.order.Len() > c.cap {
		old := c.order.Back()
		c.order.Remove(old)
		delete(c.items, old.Value.(*fragment).sku)
	}
}

type Shop struct {
	cache  *LRU
	hits   atomic.Int64
	misses atomic.Int64
}

// renderPrice builds the price box of a product page (tiers, taxes, availability).
func renderPrice(sku int) string {
	var b strings.Builder
	b.Grow(1024)
	fmt.Fprintf(&b, `<div class="price" data-sku="%d">`, sku)
	for tier := 1; tier <= 6+sku%8; tier++ {
		fmt.Fprintf(&b, `<span class="tier">%d+ units: %d.%02d EUR incl. VAT</span>`, tier*10, 10+sku%90, (sku*tier)%100)
	}
	b.WriteString(`</div>`)
	return b.String()
}

func (s *Shop) handlePrice(w http.ResponseWriter, r *http.Request) {
	sku, err := strconv.Atoi(r.URL.Query().Get("sku"))
	if err != nil {
		http.Error(w, "bad sku", http.StatusBadRequest)
		return
	}
	html, ok := s.cache.get(sku)
	if ok {
		s.hits.Add(1)
	} else {
		s.misses.Add(1)
		html = renderPrice(sku)
		s.cache.put(sku, html)
	}
	io.WriteString(w, html)
}

// browsers: product page views; popular products are viewed far more often than the tail.
// Traffic ramps up over the first 40 s after a deploy (the load balancer adds the instance
// gradually), then stays steady.
func browsers(base string) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(21))
	zipf := rand.NewZipf(rng, 1.05, 1000, 59999)
	start := time.Now()
	for {
		sku := 100000 + int(zipf.Uint64())
		if resp, err := client.Get(base + "/v1/price?sku=" + strconv.Itoa(sku)); err != nil {
			log.Printf("browser: %v", err)
		} else {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		pause := 12*time.Millisecond - time.Duration(9e6*time.Since(start).Seconds()/40)
		if pause < 3*time.Millisecond {
			pause = 3 * time.Millisecond
		}
		time.Sleep(pause)
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
	s := &Shop{cache: newLRU(8000)}
	http.HandleFunc("/v1/price", s.handlePrice)
	go func() {
		for range time.Tick(15 * time.Second) {
			log.Printf("stats: hits=%d misses=%d cached=%d", s.hits.Load(), s.misses.Load(), s.cache.order.Len())
		}
	}()
	go browsers("http://" + *addr)
	log.Printf("pricecache: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
