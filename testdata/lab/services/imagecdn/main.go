// imagecdn: the resize edge of a product-image CDN. Product pages ask for an image at
// one of three widths; a miss fetches the original, resizes it and keeps the variant in
// a memory cache with a byte budget. Over the budget the cache evicts its least recently
// used variants down to a low-water mark, so bursts of misses do not evict one by one.
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
	"sync"
	"sync/atomic"
	"time"
)

type variant struct {
	key  string
	data []byte
}

// variantCache is an LRU bounded by the bytes it holds, not by its entry count.
type variantCache struct {
	mu        sync.Mutex
	items     map[string]*list.Element
	order     *list.List
	used      int64
	budget    int64
	lowWater  int64
	evictions int64
}

func newVariantCache(budget int64) *variantCache {
	return &variantCache{items: make(map[string]*list.Element), order: list.New(),
		budget: budget, lowWater: budget * 3 / 4}
}

func (c *variantCache) get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*variant).data, true
	}
	return nil, false
}

func (c *variantCache) put(key string, data []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[key]; ok {
		return
	}
	c.items[key] = c.order.PushFront(&variant{key: key, data: data})
	c.used += int64(len(data))
	if c.used <= c.budget {
		return
	}
	for c.used > c.lowWater {
		e := c.order.Back()
		v := e.Value.(*variant)
		c.order.Remove(e)
		delete(c.items, v.key)
		c.used -= int64(len(v.data))
		c.evictions++
	}
}

// fetchOriginal stands in for the origin bucket: the master image, a few hundred KiB.
func fetchOriginal(id int) []byte {
	b := make([]byte, 96<<10+id%7*32<<10)
	for i := 0; i < len(b); i += 64 {
		b[i] = byte(id + i)
	}
	return b
}

// resize scales the original down to the requested width (the bytes are a stand-in).
func resize(orig []byte, width int) []byte {
	n := len(orig) * width / 3200
	out := make([]byte, n)
	for i := range out {
		out[i] = orig[i*len(orig)/n]
	}
	return out
}

type server struct {
	cache  *variantCache
	hits   atomic.Int64
	misses atomic.Int64
}

func (s *server) handleImage(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(r.URL.Query().Get("id"))
	if err != nil {
		http.Error(w, "bad id", http.StatusBadRequest)
		return
	}
	width, _ := strconv.Atoi(r.URL.Query().Get("w"))
	if width != 160 && width != 320 && width != 640 {
		http.Error(w, "unsupported width", http.StatusBadRequest)
		return
	}
	key := fmt.Sprintf("%d@%d", id, width)
	data, ok := s.cache.get(key)
	if ok {
		s.hits.Add(1)
	} else {
		s.misses.Add(1)
		data = resize(fetchOriginal(id), width)
		s.cache.put(key, data)
	}
	w.Header().Set("Content-Type", "image/webp")
	w.Write(data)
}

// shoppers browse the catalogue: popular products far more often than the long tail.
func shoppers(base string, seed int64) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(seed))
	widths := []int{160, 320, 640}
	tick := time.NewTicker(200 * time.Millisecond)
	for range tick.C {
		f := rng.Float64()
		id := int(f * f * f * 60000)
		url := fmt.Sprintf("%s/img?id=%d&w=%d", base, id, widths[rng.Intn(3)])
		resp, err := client.Get(url)
		if err != nil {
			log.Printf("shopper: %v", err)
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
	s := &server{cache: newVariantCache(16 << 20)}
	http.HandleFunc("/img", s.handleImage)
	go func() {
		for range time.Tick(15 * time.Second) {
			s.cache.mu.Lock()
			used, n, ev := s.cache.used, len(s.cache.items), s.cache.evictions
			s.cache.mu.Unlock()
			log.Printf("stats: hits=%d misses=%d variants=%d cached=%d KiB evicted=%d", s.hits.Load(), s.misses.Load(), n, used>>10, ev)
		}
	}()
	for i := int64(1); i <= 2; i++ {
		go shoppers("http://"+*addr, i)
	}
	log.Printf("imagecdn: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
