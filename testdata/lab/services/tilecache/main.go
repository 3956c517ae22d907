// tilecache serves rendered map tiles (/tiles/STYLE/Z/X/Y.png) to the web map. Rendering a
// tile takes a few milliseconds, so rendered tiles are kept in an LRU cache in the style of
// groupcache's: a container/list in recency order and a map from key to list element. The
// cache's size comes from the environment (TILE_CACHE_ENTRIES); zero means no limit.
package main

import (
	"container/list"
	"flag"
	"fmt"
	"hash/crc32"
	"io"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// lruCache is an LRU cache; MaxEntries zero means no limit.
type lruCache struct {
	MaxEntries int
	OnEvicted  func(key interface{}, value interface{})
	ll         *list.List
	cache      map[interface{}]*list.Element
}

type lruEntry struct {
	key   interface{}
	value interface{}
}

func newLRU(maxEntries int) *lruCache {
	return &lruCache{MaxEntries: maxEntries, ll: list.New(), cache: make(map[interface{}]*list.Element)}
}

// Add adds a value to the cache, evicting the oldest entry past MaxEntries.
func (c *lruCache) Add(key, value interface{}) {
	if e, ok := c.cache[key]; ok {
		c.ll.MoveToFront(e)
		e.Value.(*lruEntry).value = value
		return
	}
	e := c.ll.PushFront(&lruEntry{key, value})
	c.cache[key] = e
	if c.MaxEntries != 0 && c.ll.Len() > c.MaxEntries {
		c.removeOldest()
	}
}

// Get looks a key up and marks it recently used.
func (c *lruCache) Get(key interface{}) (interface{}, bool) {
	if e, ok := c.cache[key]; ok {
		c.ll.MoveToFront(e)
		return e.Value.(*lruEntry).value, true
	}
	return nil, false
}

func (c *lruCache) removeOldest() {
	e := c.ll.Back()
	if e == nil {
		return
	}
	c.ll.Remove(e)
	kv := e.Value.(*lruEntry)
	delete(c.cache, kv.key)
	if c.OnEvicted != nil {
		c.OnEvicted(kv.key, kv.value)
	}
}

// tileKey names one rendered tile: its style, its coordinates and the query it was asked
// with (style overrides such as ?lang= change the rendering).
type tileKey struct {
	style   string
	z, x, y int
	query   string
}

type tile struct {
	png      []byte
	etag     string
	rendered time.Time
}

type tileServer struct {
	mu      sync.Mutex
	tiles   *lruCache
	renders int
	hits    int
}

// render draws a tile: a palette-indexed raster, row by row, behind a PNG-like header.
func render(k tileKey) *tile {
	const side = 56
	png := make([]byte, 0, 8+side*side)
	png = append(png, 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n')
	for row := 0; row < side; row++ {
		land := (k.x*7 + k.y*3 + row*k.z) % side
		for col := 0; col < side; col++ {
			c := byte(2)
			if col < land {
				c = byte(5 + (row/8+k.z)%4)
			}
			if (col+row+k.x)%23 == 0 {
				c = 11 // a road
			}
			png = append(png, c)
		}
	}
	return &tile{png: png, etag: fmt.Sprintf("%08x", crc32.ChecksumIEEE(png)), rendered: time.Now()}
}

func (s *tileServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/tiles/"), ".png"), "/")
	if len(parts) != 4 {
		http.NotFound(w, r)
		return
	}
	k := tileKey{style: parts[0], query: r.URL.RawQuery}
	var err error
	for i, p := range []*int{&k.z, &k.x, &k.y} {
		if *p, err = strconv.Atoi(parts[i+1]); err != nil {
			http.Error(w, "bad tile coordinate", http.StatusBadRequest)
			return
		}
	}
	s.mu.Lock()
	v, ok := s.tiles.Get(k)
	if ok {
		s.hits++
	}
	s.mu.Unlock()
	if !ok {
		t := render(k)
		s.mu.Lock()
		s.tiles.Add(k, t)
		s.renders++
		s.mu.Unlock()
		v = t
	}
	t := v.(*tile)
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("ETag", t.etag)
	w.Write(t.png)
}

func (s *tileServer) stats(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintf(w, "%d tiles cached, %d renders, %d hits\n", s.tiles.ll.Len(), s.renders, s.hits)
}

// webMap plays the browsers panning the web map: each view asks for the tiles around its
// centre; the map script adds a cache-busting parameter to every tile URL it builds.
func webMap(base string, n int) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(int64(n) + 11))
	styles := []string{"streets", "satellite", "transit"}
	for i := 1; ; i++ {
		style, z := styles[rng.Intn(len(styles))], 10+rng.Intn(6)
		cx, cy := rng.Intn(1<<z), rng.Intn(1<<z)
		for dx := -1; dx <= 1; dx++ {
			for dy := -1; dy <= 1; dy++ {
				url := fmt.Sprintf("%s/tiles/%s/%d/%d/%d.png?lang=en&_=%d", base, style, z, cx+dx, cy+dy, time.Now().UnixNano())
				resp, err := client.Get(url)
				if err != nil {
					log.Printf("map %d: %v", n, err)
					time.Sleep(time.Second)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}
		if i%200 == 0 {
			log.Printf("map %d: %d views", n, i)
		}
		time.Sleep(40 * time.Millisecond)
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	max, _ := strconv.Atoi(os.Getenv("TILE_CACHE_ENTRIES"))
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	srv := &tileServer{tiles: newLRU(max)}
	mux := http.NewServeMux()
	mux.Handle("/tiles/", srv)
	mux.HandleFunc("/stats", srv.stats)
	mux.Handle("/debug/pprof/", http.DefaultServeMux)
	for i := 0; i < 2; i++ {
		go webMap("http://"+*addr, i)
	}
	log.Printf("tilecache: listening on %s, cache of %d tiles (0: no limit)", *addr, max)
	log.Fatal(http.Serve(ln, mux))
}
