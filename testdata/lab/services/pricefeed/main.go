// pricefeed: keeps the shop's price sheet current. Suppliers push price changes; the feed
// quotes prices, publishes updates to the cache refresher, keeps an audit trail of recent
// changes, renders the CSV price sheet for partners and records metrics for each change.
package main

import (
	"flag"
	"fmt"
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

type Quote struct {
	SKU      string
	Currency string
	Cents    int64
	TaxCents int64
}

// quotePrice applies the regional tax to a supplier price.
func quotePrice(sku string, cents int64, region byte) *Quote {
	q := Quote{SKU: sku, Currency: "EUR", Cents: cents}
	switch region {
	case 'D':
		q.TaxCents = cents * 19 / 100
	case 'F':
		q.TaxCents = cents * 20 / 100
	case 'N':
		q.TaxCents = cents * 21 / 100
	case 'I':
		q.TaxCents = cents * 22 / 100
	default:
		q.TaxCents = cents / 10
		q.Currency = "USD"
	}
	for i := 0; i < len(sku); i++ {
		if sku[i] == '-' {
			q.Cents += int64(i)
		}
	}
	return &q
}

type PriceUpdate struct {
	SKU      string
	Currency string
	Cents    int64
	Seq      uint64
	At       int64
}

type Feed struct {
	updates chan *PriceUpdate
	seq     uint64
	latest  map[string]int64
	mu      sync.Mutex
}

// publish hands a price change to the cache refresher.
func (f *Feed) publish(sku string, cents int64) {
	f.seq++
	u := &PriceUpdate{SKU: sku, Currency: "EUR", Cents: cents, Seq: f.seq, At: time.Now().UnixNano()}
	f.updates <- u
}

// refreshCache applies published updates to the price cache.
func (f *Feed) refreshCache() {
	for u := range f.updates {
		f.mu.Lock()
		f.latest[u.SKU] = u.Cents
		f.mu.Unlock()
	}
}

type AuditEntry struct {
	SKU    string
	Actor  string
	Action string
	Old    int64
	New    int64
	At     int64
}

// AuditLog keeps the most recent price changes for the support console.
type AuditLog struct {
	entries []*AuditEntry
	next    int
}

func (a *AuditLog) record(sku, actor string, old, new int64) {
	a.entries[a.next] = &AuditEntry{SKU: sku, Actor: actor, Action: "price-change", Old: old, New: new, At: time.Now().UnixNano()}
	a.next = (a.next + 1) % len(a.entries)
}

// renderSheet writes the partner price sheet as CSV.
func renderSheet(skus []string, prices map[string]int64) int {
	buf := make([]byte, 0, 96<<10)
	for _, sku := range skus {
		buf = append(buf, sku...)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, prices[sku], 10)
		buf = append(buf, '\n')
	}
	return len(buf)
}

type Sample struct {
	Name  string
	Unit  string
	Value float64
	At    int64
}

type MetricSink interface {
	Emit(v any)
}

type counterSink struct {
	count int64
	total float64
}

func (c *counterSink) Emit(v any) {
	if s, ok := v.(Sample); ok {
		c.count++
		c.total += s.Value
	}
}

type Recorder struct {
	sink MetricSink
}

// observe records one metric sample.
func (r *Recorder) observe(name string, value float64) {
	s := Sample{Name: name, Unit: "cents", Value: value, At: time.Now().UnixNano()}
	r.sink.Emit(s)
}

type service struct {
	feed     *Feed
	audit    *AuditLog
	metrics  *Recorder
	skus     []string
	changes  atomic.Int64
	rendered atomic.Int64
}

// applyChanges processes one batch of supplier price changes.
func (s *service) applyChanges(tick int) {
	regions := []byte("DFNU")
	for i := 0; i < 20; i++ {
		sku := s.skus[(tick*20+i)%len(s.skus)]
		q := quotePrice(sku, int64(100+rand.Intn(9000)), regions[i%4])
		if q.Cents < 0 {
			log.Printf("negative price for %s", q.SKU)
		}
	}
	for i := 0; i < 120; i++ {
		s.feed.publish(s.skus[(tick+i)%len(s.skus)], int64(100+rand.Intn(9000)))
	}
	for i := 0; i < 40; i++ {
		s.audit.record(s.skus[(tick+i)%len(s.skus)], "supplier-sync", int64(i), int64(i+1))
	}
	for i := 0; i < 400; i++ {
		s.metrics.observe("price_change", float64(i))
	}
	if tick%5 < 2 {
		s.feed.mu.Lock()
		n := renderSheet(s.skus, s.feed.latest)
		s.feed.mu.Unlock()
		s.rendered.Add(int64(n))
	}
	s.changes.Add(1)
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	s := &service{
		feed:    &Feed{updates: make(chan *PriceUpdate, 256), latest: map[string]int64{}},
		audit:   &AuditLog{entries: make([]*AuditEntry, 512)},
		metrics: &Recorder{sink: &counterSink{}},
	}
	for i := 0; i < 400; i++ {
		s.skus = append(s.skus, fmt.Sprintf("SKU-%05d", i))
	}
	go s.feed.refreshCache()
	go func() {
		for tick := 0; ; tick++ {
			s.applyChanges(tick)
			time.Sleep(10 * time.Millisecond)
		}
	}()
	go func() {
		for range time.Tick(15 * time.Second) {
			log.Printf("stats: batches=%d sheet bytes=%d", s.changes.Load(), s.rendered.Load())
		}
	}()
	log.Printf("pricefeed: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
