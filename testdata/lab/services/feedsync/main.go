// feedsync: keeps a marketplace's listings in step with its suppliers' product feeds. A sync
// of one supplier runs as a group (errgroup-style: the first error cancels the group's
// context, Wait returns it): one goroutine pages through the supplier's feed and hands the
// items to four upserters over a buffered channel. The scheduler starts a sync per supplier
// that is due and records the outcome when it ends.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"math/rand"
	"net/http"
	_ "net/http/pprof"
	"sync"
	"sync/atomic"
	"time"
)

// group runs functions in goroutines; the first error cancels its context (as
// golang.org/x/sync/errgroup, which this service does not vendor).
type group struct {
	wg     sync.WaitGroup
	once   sync.Once
	err    error
	cancel context.CancelFunc
}

func withContext(ctx context.Context) (*group, context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	return &group{cancel: cancel}, ctx
}

func (g *group) Go(f func() error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		if err := f(); err != nil {
			g.once.Do(func() {
				g.err = err
				g.cancel()
			})
		}
	}()
}

func (g *group) Wait() error {
	g.wg.Wait()
	g.cancel()
	return g.err
}

type item struct {
	sku   string
	price int
	stock int
}

type syncer struct {
	mu       sync.Mutex
	listings map[string]item
	synced   atomic.Int64
	failed   atomic.Int64
	running  atomic.Int64
}

// fetchPages pages through a supplier's feed, handing every item to the upserters.
func (s *syncer) fetchPages(ctx context.Context, supplier string, items chan<- item) error {
	defer close(items)
	pages := 3 + rand.Intn(6)
	for p := 0; p < pages; p++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		time.Sleep(time.Duration(20+rand.Intn(60)) * time.Millisecond) // the supplier's API
		for i := 0; i < 25; i++ {
			it := item{sku: fmt.Sprintf("%s-%d-%d", supplier, p, i), price: 100 + rand.Intn(9900), stock: rand.Intn(50)}
			items <- it
		}
	}
	return nil
}

var errBadPrice = errors.New("price below the marketplace floor")

// upsert writes items to the listings; a supplier's malformed item fails the sync.
func (s *syncer) upsert(ctx context.Context, items <-chan item, strict bool) error {
	for it := range items {
		if strict && it.price < 200 {
			return fmt.Errorf("%s: %w", it.sku, errBadPrice)
		}
		time.Sleep(2 * time.Millisecond) // the listings store
		s.mu.Lock()
		s.listings[it.sku] = it
		s.mu.Unlock()
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return nil
}

// syncSupplier runs one supplier's sync to its end.
func (s *syncer) syncSupplier(ctx context.Context, supplier string, strict bool) error {
	g, ctx := withContext(ctx)
	items := make(chan item, 16)
	g.Go(func() error { return s.fetchPages(ctx, supplier, items) })
	for i := 0; i < 4; i++ {
		g.Go(func() error { return s.upsert(ctx, items, strict) })
	}
	return g.Wait()
}

func (s *syncer) runSync(supplier string, strict bool) {
	s.running.Add(1)
	defer s.running.Add(-1)
	if err := s.syncSupplier(context.Background(), supplier, strict); err != nil {
		s.failed.Add(1)
		return
	}
	s.synced.Add(1)
}

// schedule starts the syncs that are due: every supplier about every 30 s; suppliers on the
// strict tier (one in four) have their prices checked against the floor.
func (s *syncer) schedule(suppliers int) {
	started := 0
	for {
		for n := 0; n < suppliers; n++ {
			strict := n%4 == 0 && started < 1800
			started++
			go s.runSync(fmt.Sprintf("sup%03d", n), strict)
			time.Sleep(time.Duration(100+rand.Intn(200)) * time.Millisecond)
		}
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	s := &syncer{listings: map[string]item{}}
	http.HandleFunc("/stats", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		n := len(s.listings)
		s.mu.Unlock()
		fmt.Fprintf(w, "listings %d, syncs ok %d, failed %d, running %d\n", n, s.synced.Load(), s.failed.Load(), s.running.Load())
	})
	go s.schedule(150)
	go func() {
		for range time.Tick(20 * time.Second) {
			log.Printf("syncs ok %d, failed %d, running %d", s.synced.Load(), s.failed.Load(), s.running.Load())
		}
	}()
	log.Printf("feedsync listening on %s", *addr)
	log.Fatal(http.ListenAndServe(*addr, nil))
}
