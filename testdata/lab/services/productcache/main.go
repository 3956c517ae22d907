// productcache: renders product detail fragments for the storefront and keeps them in an
// LRU whose budget is in bytes (the size of each rendered fragment), evicting the least
// recently used once over it. The service starts with a small budget while the new region
// is trialled; at ~45 s the operator raises it (/admin/budget) to the production figure, so
// the cache fills twice: a step to the first budget, flat, a step to the second, flat.
package main

import (
	"bytes"
	"container/list"
	"encoding/json"
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

type entry struct {
	id   int
	html []byte
}

// lru is bounded by the bytes of the fragments it holds, not by their number.
type lru struct {
	mu     sync.Mutex
	budget int64
	used   int64
	order  *list.List // front: most recently used
	byID   map[int]*list.Element
}

func newLRU(budget int64) *lru {
	return &lru{budget: budget, order: list.New(), byID: make(map[int]*list.Element)}
}

func (c *lru) get(id int) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byID[id]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*entry).html, true
}

func (c *lru) put(id int, html []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byID[id]; ok {
		c.used += int64(len(html)) - int64(len(el.Value.(*entry).html))
		el.Value.(*entry).html = html
		c.order.MoveToFront(el)
	} else {
		c.byID[id] = c.order.PushFront(&entry{id: id, html: html})
		c.used += int64(len(html))
	}
	c.evictLocked()
}

func (c *lru) evictLocked() {
	for c.used > c.budget && c.order.Len() > 0 {
		el := c.order.Back()
		e := el.Value.(*entry)
		c.order.Remove(el)
		delete(c.byID, e.id)
		c.used -= int64(len(e.html))
	}
}

func (c *lru) setBudget(b int64) {
	c.mu.Lock()
	c.budget = b
	c.evictLocked()
	c.mu.Unlock()
}

func (c *lru) stats() (int, int64, int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len(), c.used, c.budget
}

type server struct {
	cache        *lru
	hits, misses atomic.Int64
}

var adjectives = []string{"organic", "stainless", "compact", "wireless", "hand-made", "recycled", "heavy-duty", "travel"}
var nouns = []string{"kettle", "backpack", "lamp", "chair", "blender", "jacket", "speaker", "planter"}

// render builds a product fragment: title, price, a variant table and review snippets.
// Its size varies with the product (2-12 KiB).
func render(id int) []byte {
	rng := rand.New(rand.NewSource(int64(id)))
	var b bytes.Buffer
	title := adjectives[rng.Intn(len(adjectives))] + " " + nouns[rng.Intn(len(nouns))]
	fmt.Fprintf(&b, "<section class=\"product\" data-id=\"%d\"><h1>%s</h1>", id, strings.Title(title))
	fmt.Fprintf(&b, "<p class=\"price\">%d.%02d EUR</p><table class=\"variants\">", 5+rng.Intn(300), rng.Intn(100))
	for v, n := 0, 4+rng.Intn(30); v < n; v++ {
		fmt.Fprintf(&b, "<tr><td>SKU-%d-%03d</td><td>%s</td><td>%d in stock</td></tr>", id, v, adjectives[rng.Intn(len(adjectives))], rng.Intn(80))
	}
	b.WriteString("</table><ul class=\"reviews\">")
	for r, n := 0, 2+rng.Intn(12); r < n; r++ {
		fmt.Fprintf(&b, "<li><b>%d/5</b> %s</li>", 1+rng.Intn(5), strings.Repeat("good value, arrived quickly. ", 2+rng.Intn(8)))
	}
	b.WriteString("</ul></section>")
	return append([]byte(nil), b.Bytes()...)
}

func (s *server) handleProduct(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(r.URL.Query().Get("id"))
	if err != nil || id < 0 {
		http.Error(w, "bad id", http.StatusBadRequest)
		return
	}
	html, ok := s.cache.get(id)
	if ok {
		s.hits.Add(1)
	} else {
		s.misses.Add(1)
		html = render(id)
		s.cache.put(id, html)
	}
	w.Header().Set("Content-Type", "text/html")
	w.Write(html)
}

func (s *server) handleBudget(w http.ResponseWriter, r *http.Request) {
	var req struct {
		MiB int64 `json:"mib"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.MiB <= 0 {
		http.Error(w, "bad budget", http.StatusBadRequest)
		return
	}
	s.cache.setBudget(req.MiB << 20)
	log.Printf("admin: budget set to %d MiB", req.MiB)
}

// shoppers browse a catalogue of 20,000 products, a few thousand of them popular.
func shoppers(base string, seed int64) {
	rng := rand.New(rand.NewSource(seed))
	client := &http.Client{Timeout: 5 * time.Second}
	for range time.Tick(10 * time.Millisecond) {
		id := rng.Intn(20000)
		if rng.Intn(3) > 0 {
			id = rng.Intn(3000)
		}
		resp, err := client.Get(base + "/product?id=" + strconv.Itoa(id))
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
	s := &server{cache: newLRU(6 << 20)}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("/product", s.handleProduct)
	http.HandleFunc("/admin/budget", s.handleBudget)
	go func() {
		for range time.Tick(15 * time.Second) {
			n, used, budget := s.cache.stats()
			log.Printf("stats: entries=%d used=%d budget=%d hits=%d misses=%d", n, used, budget, s.hits.Load(), s.misses.Load())
		}
	}()
	for i := int64(1); i <= 3; i++ {
		go shoppers("http://"+*addr, i)
	}
	// the region passed its trial: the operator raises the budget to the production figure
	go func() {
		time.Sleep(45 * time.Second)
		resp, err := http.Post("http://"+*addr+"/admin/budget", "application/json", strings.NewReader(`{"mib":18}`))
		if err != nil {
			log.Printf("operator: %v", err)
			return
		}
		resp.Body.Close()
	}()
	log.Printf("productcache: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
