// ordersapi: the order lookup API of a shop back office. Every request is timed and
// recorded in an in-process metrics registry (a latency histogram plus a window of
// recent samples per series) that the /metrics endpoint renders for the scraper.
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
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

var latencyBounds = [...]float64{0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5}

// series is one labelled latency series: histogram buckets, totals and the last 96
// observations for the p50/p99 the dashboard shows.
type series struct {
	route   string
	method  string
	code    int
	buckets [len(latencyBounds) + 1]uint64
	count   uint64
	sum     float64
	recent  [96]float64
	next    int
}

type registry struct {
	mu     sync.Mutex
	series map[string]*series
}

func newRegistry() *registry { return &registry{series: make(map[string]*series)} }

func (r *registry) observe(route, method string, code int, seconds float64) {
	key := method + " " + route + " " + strconv.Itoa(code)
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.series[key]
	if !ok {
		s = &series{route: route, method: method, code: code}
		r.series[key] = s
	}
	i := sort.SearchFloat64s(latencyBounds[:], seconds)
	s.buckets[i]++
	s.count++
	s.sum += seconds
	s.recent[s.next%len(s.recent)] = seconds
	s.next++
}

func (r *registry) render(w io.Writer) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(w, "# series %d\n", len(r.series))
	n := 0
	for key, s := range r.series {
		fmt.Fprintf(w, "http_request_seconds_count{%s} %d\nhttp_request_seconds_sum{%s} %g\n", key, s.count, key, s.sum)
		if n++; n == 50 {
			break
		}
	}
}

// instrument wraps a handler with the request timer.
func instrument(reg *registry, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
		h(rec, r)
		reg.observe(r.URL.Path, r.Method, rec.code, time.Since(start).Seconds())
	}
}

type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.code = code
	s.ResponseWriter.WriteHeader(code)
}

type orderBook struct {
	served atomic.Int64
}

func (o *orderBook) handleOrder(w http.ResponseWriter, r *http.Request) {
	o.served.Add(1)
	id := strings.TrimPrefix(r.URL.Path, "/v1/orders/")
	n, err := strconv.Atoi(strings.TrimSuffix(id, "/items"))
	if err != nil {
		http.Error(w, "bad order id", http.StatusBadRequest)
		return
	}
	if n%37 == 0 {
		http.Error(w, "order not found", http.StatusNotFound)
		return
	}
	fmt.Fprintf(w, `{"order":%d,"status":"shipped","lines":%d,"total":"%d.%02d"}`, n, 1+n%5, 10+n%300, n%100)
}

// backOffice: clerks and the packing station look orders up; most lookups are for
// orders placed today (new ids), some reopen recent ones.
func backOffice(base string, seed int64) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(seed))
	next := 4100000 + int(seed)*1000000
	for {
		id := next
		if rng.Intn(8) == 0 && next > 4100100 {
			id = next - 1 - rng.Intn(100)
		} else {
			next++
		}
		path := "/v1/orders/" + strconv.Itoa(id)
		if rng.Intn(3) == 0 {
			path += "/items"
		}
		if resp, err := client.Get(base + path); err != nil {
			log.Printf("back office: %v", err)
		} else {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		time.Sleep(time.Duration(20+rng.Intn(10)) * time.Millisecond)
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
	reg := newRegistry()
	book := &orderBook{}
	http.HandleFunc("/v1/orders/", instrument(reg, book.handleOrder))
	http.HandleFunc("/metrics", func(w http.ResponseWriter, r *http.Request) { reg.render(w) })
	go func() {
		for range time.Tick(15 * time.Second) {
			reg.mu.Lock()
			n := len(reg.series)
			reg.mu.Unlock()
			log.Printf("stats: served=%d series=%d", book.served.Load(), n)
		}
	}()
	for i := int64(1); i <= 4; i++ {
		go backOffice("http://"+*addr, i)
	}
	log.Printf("ordersapi: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
