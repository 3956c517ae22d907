// adstats: counts ad impressions and clicks per (campaign, country, device) in one-minute
// windows. The open window takes events; when a minute ends it is closed and kept for one
// more minute so late events (clock skew, retried beacons) still land in the right minute,
// then it is flushed to the warehouse stand-in and dropped.
package main

import (
	"bytes"
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
	"sync"
	"sync/atomic"
	"time"
)

type key struct {
	campaign int
	country  string
	device   string
}

type counters struct {
	impressions int64
	clicks      int64
	spendMicros int64
	visitors    [64]uint32 // a small sketch of distinct visitors
}

type window struct {
	start time.Time
	cells map[key]*counters
}

type aggregator struct {
	mu      sync.Mutex
	open    *window
	closing *window
	late    atomic.Int64
	flushed atomic.Int64
	events  atomic.Int64
}

func newWindow(start time.Time) *window {
	return &window{start: start, cells: make(map[key]*counters)}
}

func (a *aggregator) add(at time.Time, k key, click bool, spend int64, visitor uint32) {
	a.mu.Lock()
	defer a.mu.Unlock()
	w := a.open
	if at.Before(w.start) && a.closing != nil {
		w = a.closing
		a.late.Add(1)
	}
	c := w.cells[k]
	if c == nil {
		c = &counters{}
		w.cells[k] = c
	}
	c.impressions++
	if click {
		c.clicks++
	}
	c.spendMicros += spend
	c.visitors[visitor%64] = visitor
	a.events.Add(1)
}

// rotate closes the open window at the minute and flushes the one closed before it.
func (a *aggregator) rotate(warehouse io.Writer) {
	for now := range time.Tick(time.Minute) {
		a.mu.Lock()
		done := a.closing
		a.closing = a.open
		a.open = newWindow(now)
		a.mu.Unlock()
		if done != nil {
			flush(done, warehouse)
			a.flushed.Add(1)
		}
	}
}

type row struct {
	Minute      string `json:"minute"`
	Campaign    int    `json:"campaign"`
	Country     string `json:"country"`
	Device      string `json:"device"`
	Impressions int64  `json:"impressions"`
	Clicks      int64  `json:"clicks"`
	Spend       int64  `json:"spend_micros"`
}

func flush(w *window, warehouse io.Writer) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	minute := w.start.UTC().Format(time.RFC3339)
	for k, c := range w.cells {
		enc.Encode(row{minute, k.campaign, k.country, k.device, c.impressions, c.clicks, c.spendMicros})
	}
	warehouse.Write(buf.Bytes())
	log.Printf("flushed window %s: %d cells, %d bytes", minute, len(w.cells), buf.Len())
}

var countries = []string{"DE", "FR", "GB", "IT", "ES", "NL", "BE", "AT", "CH", "PL", "SE", "DK", "NO", "FI", "IE", "PT",
	"CZ", "HU", "RO", "GR", "US", "CA", "MX", "BR", "AR", "JP", "KR", "AU", "NZ", "IN"}
var devices = []string{"desktop", "mobile", "tablet", "tv"}

func (a *aggregator) handleBeacon(w http.ResponseWriter, r *http.Request) {
	var ev struct {
		At       int64  `json:"at"`
		Campaign int    `json:"campaign"`
		Country  string `json:"country"`
		Device   string `json:"device"`
		Click    bool   `json:"click"`
		Spend    int64  `json:"spend"`
		Visitor  uint32 `json:"visitor"`
	}
	if err := json.NewDecoder(r.Body).Decode(&ev); err != nil {
		http.Error(w, "bad beacon", http.StatusBadRequest)
		return
	}
	a.add(time.UnixMilli(ev.At), key{ev.Campaign, ev.Country, ev.Device}, ev.Click, ev.Spend, ev.Visitor)
	w.WriteHeader(http.StatusNoContent)
}

// beacons: ad servers report impressions in small batches; a few arrive seconds late.
func beacons(base string, seed int64) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(seed))
	for {
		at := time.Now()
		if rng.Intn(20) == 0 {
			at = at.Add(-time.Duration(rng.Intn(8000)) * time.Millisecond)
		}
		body := fmt.Sprintf(`{"at":%d,"campaign":%d,"country":%q,"device":%q,"click":%t,"spend":%d,"visitor":%d}`,
			at.UnixMilli(), 1000+rng.Intn(400), countries[rng.Intn(len(countries))], devices[rng.Intn(len(devices))],
			rng.Intn(40) == 0, 100+rng.Intn(5000), rng.Uint32())
		if resp, err := client.Post(base+"/v1/beacon", "application/json", bytes.NewBufferString(body)); err != nil {
			log.Printf("beacon: %v", err)
		} else {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		time.Sleep(time.Duration(4+rng.Intn(4)) * time.Millisecond)
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
	a := &aggregator{open: newWindow(time.Now())}
	http.HandleFunc("/v1/beacon", a.handleBeacon)
	go a.rotate(io.Discard)
	go func() {
		for range time.Tick(15 * time.Second) {
			log.Printf("stats: events=%d late=%d windows_flushed=%d", a.events.Load(), a.late.Load(), a.flushed.Load())
		}
	}()
	for i := int64(1); i <= 2; i++ {
		go beacons("http://"+*addr, i*31+strconv.IntSize)
	}
	log.Printf("adstats: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
