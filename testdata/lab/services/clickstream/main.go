// clickstream collects the page events of the sites' analytics snippet (/v1/collect) and
// keeps each visit's events until the visit ends, when the visit is summarised for the
// reports. Event payloads are copied into 64 KiB slabs rather than allocated one by one,
// and the store is swapped whole on a schema reload, so readers take it with one atomic load.
package main

import (
	"bytes"
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

const slabSize = 64 << 10

// visitKey names one visit: the site and the visitor's cookie id.
type visitKey struct {
	site    string
	visitor uint64
}

type pageEvent struct {
	at   int64
	kind string
	raw  []byte // the payload as posted, a sub-slice of a slab
}

type eventStore struct {
	mu      sync.Mutex
	schema  int
	slab    []byte
	visits  map[visitKey][]pageEvent
	summary map[string]int
}

var current atomic.Pointer[eventStore]

var bodyBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// keep copies p into the current slab and returns the copy.
func (s *eventStore) keep(p []byte) []byte {
	if len(s.slab)+len(p) > cap(s.slab) {
		s.slab = make([]byte, 0, slabSize)
	}
	start := len(s.slab)
	s.slab = append(s.slab, p...)
	return s.slab[start:len(s.slab):len(s.slab)]
}

// record adds one event to its visit; a visit's end summarises and forgets it.
func (s *eventStore) record(k visitKey, kind string, payload []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if kind == "visit_end" {
		s.summary[k.site] += len(s.visits[k])
		delete(s.visits, k)
		return
	}
	s.visits[k] = append(s.visits[k], pageEvent{at: time.Now().UnixNano(), kind: kind, raw: s.keep(payload)})
}

func handleCollect(w http.ResponseWriter, r *http.Request) {
	var vis uint64
	if _, err := fmt.Sscanf(r.URL.Query().Get("vid"), "%x", &vis); err != nil {
		http.Error(w, "bad vid", http.StatusBadRequest)
		return
	}
	buf := bodyBufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer bodyBufs.Put(buf)
	if _, err := buf.ReadFrom(io.LimitReader(r.Body, 8<<10)); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	current.Load().record(visitKey{site: r.URL.Query().Get("site"), visitor: vis}, r.URL.Query().Get("e"), buf.Bytes())
	w.WriteHeader(http.StatusNoContent)
}

func handleStats(w http.ResponseWriter, r *http.Request) {
	s := current.Load()
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintf(w, "schema %d: %d open visits\n", s.schema, len(s.visits))
	for site, n := range s.summary {
		fmt.Fprintf(w, "%s: %d events summarised\n", site, n)
	}
}

var sites = []string{"shop.example.com", "blog.example.com", "docs.example.com", "status.example.com"}
var pages = []string{"/", "/pricing", "/cart", "/checkout", "/docs/getting-started", "/blog/2026/launch"}

// snippet plays the browsers running the analytics snippet: a visit posts a page view and
// a few clicks and scrolls, then "pagehide" when the tab goes away.
func snippet(base string, n int) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(int64(n) + 7))
	post := func(site string, vid uint64, kind string, body []byte) {
		resp, err := client.Post(fmt.Sprintf("%s/v1/collect?site=%s&vid=%x&e=%s", base, site, vid, kind),
			"application/json", bytes.NewReader(body))
		if err != nil {
			log.Printf("snippet %d: %v", n, err)
			time.Sleep(time.Second)
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	var body bytes.Buffer
	for i := 1; ; i++ {
		site, vid := sites[rng.Intn(len(sites))], rng.Uint64()
		for _, kind := range []string{"page_view", "click", "scroll", "click", "pagehide"} {
			body.Reset()
			fmt.Fprintf(&body, `{"site":%q,"page":%q,"event":%q,"ts":%d,"viewport":"1280x720",`+
				`"ua":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",`+
				`"referrer":"https://www.example.net/search?q=%s","path":[`, site, pages[rng.Intn(len(pages))], kind,
				time.Now().UnixMilli(), kind)
			for j := 0; j < 12; j++ {
				fmt.Fprintf(&body, `{"sel":"main > div.content > section:nth-child(%d) > a.button","x":%d,"y":%d},`,
					j+1, rng.Intn(1280), rng.Intn(720))
			}
			body.WriteString(`{}]}`)
			post(site, vid, kind, body.Bytes())
			time.Sleep(2 * time.Millisecond)
		}
		if i%500 == 0 {
			log.Printf("snippet %d: %d visits", n, i)
		}
		time.Sleep(5 * time.Millisecond)
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
	current.Store(&eventStore{schema: 3, visits: make(map[visitKey][]pageEvent), summary: make(map[string]int)})
	http.HandleFunc("/v1/collect", handleCollect)
	http.HandleFunc("/v1/stats", handleStats)
	for i := 0; i < 2; i++ {
		go snippet("http://"+*addr, i)
	}
	log.Printf("clickstream: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
