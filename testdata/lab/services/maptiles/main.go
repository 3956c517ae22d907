// maptiles: serves raster map tiles for the store locator. Tiles are rendered on demand
// from the vector data and kept in an LRU cache sized in megabytes, so that people panning
// around the same city get their tiles from memory.
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
	"sync"
	"sync/atomic"
	"time"
)

type tileKey struct{ z, x, y int }

type tile struct {
	key  tileKey
	png  []byte
	etag string
}

// tileCache is an LRU with a budget in megabytes.
type tileCache struct {
	mu     sync.Mutex
	maxMB  int
	usedMB int
	order  *list.List
	items  map[tileKey]*list.Element
}

func newTileCache(maxMB int) *tileCache {
	return &tileCache{maxMB: maxMB, order: list.New(), items: make(map[tileKey]*list.Element)}
}

func (c *tileCache) get(k tileKey) (*tile, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*tile), true
	}
	return nil, false
}

func (c *tileCache) add(t *tile) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[t.key]; ok {
		return
	}
	c.items[t.key] = c.order.PushFront(t)
	c.usedMB += len(t.png) >> 20
	for c.usedMB > c.maxMB {
		e := c.order.Back()
		old := e.Value.(*tile)
		c.order.Remove(e)
		delete(c.items, old.key)
		c.usedMB -= len(old.png) >> 20
	}
}

func (c *tileCache) size() (int, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items), c.usedMB
}

// renderTile rasterises one 256x256 tile; dense city centres compress worse.
func renderTile(k tileKey) *tile {
	n := 1800 + (k.x*7+k.y*13)%4000
	png := make([]byte, n)
	for i := 0; i < n; i += 16 {
		png[i] = byte(k.x ^ k.y ^ i)
	}
	return &tile{key: k, png: png, etag: fmt.Sprintf("\"%d-%d-%d\"", k.z, k.x, k.y)}
}

type server struct {
	cache    *tileCache
	rendered atomic.Int64
	served   atomic.Int64
}

func (s *server) handleTile(w http.ResponseWriter, r *http.Request) {
	var k tileKey
	if _, err := fmt.Sscanf(r.URL.Path, "/tiles/%d/%d/%d.png", &k.z, &k.x, &k.y); err != nil {
		http.Error(w, "bad tile path", http.StatusBadRequest)
		return
	}
	t, ok := s.cache.get(k)
	if !ok {
		t = renderTile(k)
		s.rendered.Add(1)
		s.cache.add(t)
	}
	s.served.Add(1)
	w.Header().Set("ETag", t.etag)
	w.Header().Set("Content-Type", "image/png")
	w.Write(t.png)
}

// visitors open the store locator somewhere and pan: a 3x3 block of tiles around each view.
func visitors(base string, seed int64) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(seed))
	x, y := 8000+rng.Intn(400), 5400+rng.Intn(300)
	for range time.Tick(250 * time.Millisecond) {
		if rng.Intn(20) == 0 {
			x, y = 8000+rng.Intn(400), 5400+rng.Intn(300)
		}
		x += rng.Intn(3) - 1
		y += rng.Intn(3) - 1
		for dx := -1; dx <= 1; dx++ {
			for dy := -1; dy <= 1; dy++ {
				resp, err := client.Get(fmt.Sprintf("%s/tiles/14/%d/%d.png", base, x+dx, y+dy))
				if err != nil {
					log.Printf("visitor: %v", err)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}
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
	s := &server{cache: newTileCache(64)}
	http.HandleFunc("/tiles/", s.handleTile)
	go func() {
		for range time.Tick(15 * time.Second) {
			n, mb := s.cache.size()
			log.Printf("stats: served=%d rendered=%d cached=%d tiles (%d MB)", s.served.Load(), s.rendered.Load(), n, mb)
		}
	}()
	for i := int64(1); i <= 3; i++ {
		go visitors("http://"+*addr, i)
	}
	log.Printf("maptiles: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
