// routeplan: delivery route planning. The road graph is split into regions that are fetched
// from the map store in the background after start-up, one after the other, so that the
// service takes traffic at once; a request for a region not loaded yet is planned by straight
// lines (a worse estimate) until its region arrives.
package main

import (
	"container/heap"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

const (
	regions      = 10
	nodesPer     = 12000
	edgesPerNode = 3
)

type edge struct {
	to     int32
	meters float32
}

type region struct {
	id    int
	lat   []float32
	lon   []float32
	edges [][]edge
}

type roadGraph struct {
	mu      sync.RWMutex
	regions [regions]*region
	loaded  atomic.Int32
}

// fetchRegion stands in for downloading and decoding one region from the map store.
func fetchRegion(id int) *region {
	rng := rand.New(rand.NewSource(int64(1000 + id)))
	r := &region{id: id, lat: make([]float32, nodesPer), lon: make([]float32, nodesPer), edges: make([][]edge, nodesPer)}
	for i := 0; i < nodesPer; i++ {
		r.lat[i] = 48 + float32(id)*0.1 + rng.Float32()*0.1
		r.lon[i] = 11 + rng.Float32()*0.1
	}
	for i := 0; i < nodesPer; i++ {
		es := make([]edge, 0, edgesPerNode)
		for k := 0; k < edgesPerNode; k++ {
			j := (i + 1 + rng.Intn(40)) % nodesPer
			es = append(es, edge{to: int32(j), meters: 50 + rng.Float32()*400})
		}
		r.edges[i] = es
	}
	return r
}

// loadRegions fetches the regions in the background, one every few seconds (the map store
// throttles bulk downloads).
func (g *roadGraph) loadRegions() {
	for id := 0; id < regions; id++ {
		time.Sleep(5 * time.Second)
		r := fetchRegion(id)
		g.mu.Lock()
		g.regions[id] = r
		g.mu.Unlock()
		g.loaded.Add(1)
		log.Printf("region %d loaded (%d of %d)", id, g.loaded.Load(), regions)
	}
}

type item struct {
	node int32
	dist float32
}
type frontier []item

func (f frontier) Len() int            { return len(f) }
func (f frontier) Less(i, j int) bool  { return f[i].dist < f[j].dist }
func (f frontier) Swap(i, j int)       { f[i], f[j] = f[j], f[i] }
func (f *frontier) Push(x interface{}) { *f = append(*f, x.(item)) }
func (f *frontier) Pop() interface{} {
	old := *f
	x := old[len(old)-1]
	*f = old[:len(old)-1]
	return x
}

// shortest runs Dijkstra over one region; each call has its own distance table.
func shortest(r *region, from, to int32) float32 {
	dist := make(map[int32]float32, 256)
	f := &frontier{{from, 0}}
	dist[from] = 0
	for f.Len() > 0 {
		it := heap.Pop(f).(item)
		if it.node == to {
			return it.dist
		}
		if it.dist > dist[it.node] {
			continue
		}
		for _, e := range r.edges[it.node] {
			d := it.dist + e.meters
			if old, ok := dist[e.to]; !ok || d < old {
				dist[e.to] = d
				heap.Push(f, item{e.to, d})
			}
		}
	}
	return float32(math.Inf(1))
}

func (g *roadGraph) handleRoute(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.Atoi(r.URL.Query().Get("region"))
	from, _ := strconv.Atoi(r.URL.Query().Get("from"))
	to, _ := strconv.Atoi(r.URL.Query().Get("to"))
	if id < 0 || id >= regions || from < 0 || from >= nodesPer || to < 0 || to >= nodesPer {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	g.mu.RLock()
	reg := g.regions[id]
	g.mu.RUnlock()
	if reg == nil {
		fmt.Fprintf(w, "{\"meters\":%d,\"estimate\":true}\n", 130*abs(to-from))
		return
	}
	fmt.Fprintf(w, "{\"meters\":%.0f}\n", shortest(reg, int32(from), int32(to)))
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// dispatcher asks for routes between nearby stops, as the courier app does.
func dispatcher(base string, id int) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(int64(70 + id)))
	for {
		from := rng.Intn(nodesPer - 300)
		url := fmt.Sprintf("%s/v1/route?region=%d&from=%d&to=%d", base, rng.Intn(regions), from, from+20+rng.Intn(200))
		resp, err := client.Get(url)
		if err != nil {
			log.Printf("dispatcher %d: %v", id, err)
		} else {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		time.Sleep(time.Duration(20+rng.Intn(30)) * time.Millisecond)
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
	g := &roadGraph{}
	go g.loadRegions()
	http.HandleFunc("/v1/route", g.handleRoute)
	for d := 0; d < 6; d++ {
		go dispatcher("http://"+*addr, d)
	}
	log.Printf("routeplan: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
