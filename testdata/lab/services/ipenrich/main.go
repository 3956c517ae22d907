// ipenrich: enriches CDN access-log lines with the visitor's network and location
// before they go to the analytics store. Lines arrive in batches over HTTP; a fixed pool
// of enricher workers parses them and looks each client address up in the geo database.
// Each worker remembers its lookups so that a busy visitor costs one lookup.
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
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type geoRecord struct {
	country [2]byte
	region  uint16
	city    uint32
	asn     uint32
	lat     float32
	lon     float32
	netmask uint8
	flags   uint8
}

// geoDB stands in for the MaxMind-style range database: a lookup costs a binary search.
type geoDB struct {
	starts []uint32
	recs   []geoRecord
}

func openGeoDB(n int) *geoDB {
	db := &geoDB{starts: make([]uint32, n), recs: make([]geoRecord, n)}
	step := uint32(1<<32/uint64(n)) - 1
	for i := range db.starts {
		db.starts[i] = uint32(i) * step
		db.recs[i] = geoRecord{country: [2]byte{byte('A' + i%26), byte('A' + i/26%26)}, region: uint16(i % 4000),
			city: uint32(i), asn: uint32(64512 + i%1000), lat: float32(i%180) - 90, lon: float32(i%360) - 180, netmask: 24}
	}
	return db
}

func (db *geoDB) find(ip uint32) geoRecord {
	lo, hi := 0, len(db.starts)
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if db.starts[mid] <= ip {
			lo = mid
		} else {
			hi = mid
		}
	}
	return db.recs[lo]
}

type accessLine struct {
	ip     uint32
	path   string
	status int
	bytes  int
}

type enricher struct {
	id    int
	db    *geoDB
	cache map[uint32]geoRecord
	lines <-chan accessLine
	stats *countryStats
}

func (e *enricher) lookup(ip uint32) geoRecord {
	if r, ok := e.cache[ip]; ok {
		return r
	}
	r := e.db.find(ip)
	e.cache[ip] = r
	return r
}

func (e *enricher) run() {
	for ln := range e.lines {
		rec := e.lookup(ln.ip)
		e.stats.add(rec.country, ln.bytes)
	}
}

type countryStats struct {
	mu    sync.Mutex
	bytes map[[2]byte]int64
	lines atomic.Int64
}

func (c *countryStats) add(cc [2]byte, n int) {
	c.mu.Lock()
	c.bytes[cc] += int64(n)
	c.mu.Unlock()
	c.lines.Add(1)
}

func parseLine(s string) (accessLine, bool) {
	f := strings.Fields(s)
	if len(f) < 5 {
		return accessLine{}, false
	}
	ip := net.ParseIP(f[0]).To4()
	if ip == nil {
		return accessLine{}, false
	}
	var st, n int
	fmt.Sscanf(f[3]+" "+f[4], "%d %d", &st, &n)
	return accessLine{ip: uint32(ip[0])<<24 | uint32(ip[1])<<16 | uint32(ip[2])<<8 | uint32(ip[3]), path: f[2], status: st, bytes: n}, true
}

func handleBatch(lines chan<- accessLine) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		raw, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		for _, s := range strings.Split(string(raw), "\n") {
			if ln, ok := parseLine(s); ok {
				lines <- ln
			}
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

// edges: the CDN's edge nodes ship their access logs every 50 ms; most visitors are new.
func edges(base string, seed int64) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(seed))
	paths := []string{"/", "/static/app.js", "/static/app.css", "/api/feed", "/img/hero.webp"}
	for range time.Tick(50 * time.Millisecond) {
		var b strings.Builder
		for i := 0; i < 20; i++ {
			ip := rng.Uint32()
			if rng.Intn(5) == 0 {
				ip = 0x5db80000 + uint32(rng.Intn(300))
			}
			fmt.Fprintf(&b, "%d.%d.%d.%d GET %s %d %d\n", ip>>24, ip>>16&255, ip>>8&255, ip&255, paths[rng.Intn(len(paths))], 200, 500+rng.Intn(90000))
		}
		resp, err := client.Post(base+"/v1/logs", "text/plain", strings.NewReader(b.String()))
		if err != nil {
			log.Printf("edge: %v", err)
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
	db := openGeoDB(50000)
	stats := &countryStats{bytes: make(map[[2]byte]int64)}
	lines := make(chan accessLine, 1024)
	for i := 0; i < 4; i++ {
		e := &enricher{id: i, db: db, cache: make(map[uint32]geoRecord), lines: lines, stats: stats}
		go e.run()
	}
	http.HandleFunc("/v1/logs", handleBatch(lines))
	go func() {
		for range time.Tick(15 * time.Second) {
			log.Printf("stats: lines=%d", stats.lines.Load())
		}
	}()
	for i := int64(1); i <= 2; i++ {
		go edges("http://"+*addr, i)
	}
	log.Printf("ipenrich: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
