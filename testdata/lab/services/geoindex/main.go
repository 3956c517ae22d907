// geoindex: reverse geocoding. A postcode table (loaded once at startup, ~30 MB) answers
// point lookups; answers for hot tiles are kept in an LRU of fixed capacity; batch requests
// are fanned out to one goroutine per chunk, so the goroutine count follows the load.
package main

import (
	"bytes"
	"container/list"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"sync"
	"sync/atomic"
	"time"
)

type Place struct {
	Postcode string
	Lat, Lon float64
	Region   uint16
	Name     [48]byte
}

// PostcodeTable is sorted by grid cell; loaded once, never changed.
type PostcodeTable struct {
	cells  map[uint32][]int32
	places []Place
}

func cellOf(lat, lon float64) uint32 {
	return uint32(int(math.Floor((lat+90)*10)))<<16 | uint32(int(math.Floor((lon+180)*10)))
}

func loadPostcodes(n int) *PostcodeTable {
	rng := rand.New(rand.NewSource(1))
	t := &PostcodeTable{cells: make(map[uint32][]int32), places: make([]Place, n)}
	for i := range t.places {
		p := &t.places[i]
		p.Lat, p.Lon = 47+rng.Float64()*8, 5+rng.Float64()*10
		p.Postcode = fmt.Sprintf("%05d", i%99999)
		p.Region = uint16(rng.Intn(400))
		copy(p.Name[:], fmt.Sprintf("place-%d", i))
		c := cellOf(p.Lat, p.Lon)
		t.cells[c] = append(t.cells[c], int32(i))
	}
	return t
}

func (t *PostcodeTable) nearest(lat, lon float64) *Place {
	var best *Place
	bestD := math.MaxFloat64
	for _, i := range t.cells[cellOf(lat, lon)] {
		p := &t.places[i]
		if d := (p.Lat-lat)*(p.Lat-lat) + (p.Lon-lon)*(p.Lon-lon); d < bestD {
			best, bestD = p, d
		}
	}
	return best
}

// ---- LRU of rendered answers, bounded by entry count

type answer struct {
	key  string
	body []byte
}

type LRU struct {
	mu    sync.Mutex
	max   int
	order *list.List
	items map[string]*list.Element
	hits  atomic.Int64
}

func (c *LRU) get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		c.order.MoveToFront(e)
		c.hits.Add(1)
		return e.Value.(*answer).body, true
	}
	return nil, false
}

func (c *LRU) add(key string, body []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[key]; ok {
		return
	}
	c.items[key] = c.order.PushFront(&answer{key: key, body: body})
	if c.order.Len() > c.max {
		old := c.order.Back()
		c.order.Remove(old)
		delete(c.items, old.Value.(*answer).key)
	}
}

// ---- service

type Geocoder struct {
	table   *PostcodeTable
	cache   *LRU
	lookups atomic.Int64
}

type point struct{ Lat, Lon float64 }

func (g *Geocoder) resolve(pt point) []byte {
	key := fmt.Sprintf("%.3f,%.3f", pt.Lat, pt.Lon)
	if body, ok := g.cache.get(key); ok {
		return body
	}
	p := g.table.nearest(pt.Lat, pt.Lon)
	var buf bytes.Buffer
	if p == nil {
		buf.WriteString(`{"found":false}`)
	} else {
		json.NewEncoder(&buf).Encode(map[string]any{"postcode": p.Postcode, "region": p.Region,
			"name": string(bytes.TrimRight(p.Name[:], "\x00"))})
	}
	g.cache.add(key, buf.Bytes())
	g.lookups.Add(1)
	return buf.Bytes()
}

// resolveBatch fans a batch out to one goroutine per chunk of 50 points.
func (g *Geocoder) resolveBatch(points []point) [][]byte {
	out := make([][]byte, len(points))
	var wg sync.WaitGroup
	for start := 0; start < len(points); start += 50 {
		end := start + 50
		if end > len(points) {
			end = len(points)
		}
		wg.Add(1)
		go func(start, end int) {
			defer wg.Done()
			for i := start; i < end; i++ {
				out[i] = g.resolve(points[i])
			}
			time.Sleep(time.Duration(50+rand.Intn(150)) * time.Millisecond) // the tile store
		}(start, end)
	}
	wg.Wait()
	return out
}

func (g *Geocoder) handleBatch(w http.ResponseWriter, r *http.Request) {
	var points []point
	if err := json.NewDecoder(r.Body).Decode(&points); err != nil {
		http.Error(w, "bad batch", http.StatusBadRequest)
		return
	}
	answers := g.resolveBatch(points)
	w.Header().Set("Content-Type", "application/json")
	for _, a := range answers {
		w.Write(a)
	}
}

func (g *Geocoder) report(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for range t.C {
		log.Printf("geoindex: lookups=%d cache_hits=%d cached=%d", g.lookups.Load(), g.cache.hits.Load(), g.cache.order.Len())
	}
}

// fleetTraffic plays the delivery fleet: batches of positions, heavier in waves.
func fleetTraffic(base string) {
	client := &http.Client{Timeout: 10 * time.Second}
	for wave := 0; ; wave++ {
		batches := 2 + 6*(wave%3)
		var wg sync.WaitGroup
		for b := 0; b < batches; b++ {
			n := 200 + rand.Intn(800)
			pts := make([]point, n)
			for i := range pts {
				pts[i] = point{47 + rand.Float64()*8, 5 + rand.Float64()*10}
			}
			body, _ := json.Marshal(pts)
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := client.Post(base+"/batch", "application/json", bytes.NewReader(body))
				if err != nil {
					log.Printf("fleet: %v", err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}()
		}
		wg.Wait()
		time.Sleep(time.Duration(400+rand.Intn(800)) * time.Millisecond)
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
	g := &Geocoder{table: loadPostcodes(300000), cache: &LRU{max: 20000, order: list.New(), items: map[string]*list.Element{}}}
	log.Printf("geoindex: %d postcodes in %d cells", len(g.table.places), len(g.table.cells))
	http.HandleFunc("/batch", g.handleBatch)
	go g.report(15 * time.Second)
	go fleetTraffic("http://" + *addr)
	log.Printf("geoindex: listening on %s", *addr)
	srv := &http.Server{Addr: *addr, IdleTimeout: 2 * time.Minute, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
