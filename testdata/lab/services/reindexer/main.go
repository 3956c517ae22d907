// reindexer: rebuilds the marketplace's per-merchant search indexes when a merchant's product
// feed changes. A rebuild splits the catalogue into partitions, starts one builder per
// partition and waits for all of them (a sync.WaitGroup) before it swaps the new index in.
// Builders send their documents to the analyzer cluster a batch at a time, at most 40 batches
// in flight across the service. Most catalogues rebuild in seconds; the big merchants' take a
// minute or two, so their rebuild's coordinator waits that long in Wait.
package main

import (
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

type merchant struct {
	id       int
	products int
}

type indexer struct {
	analyzer chan struct{} // batches in flight at the analyzer cluster
	mu       sync.Mutex
	running  map[int]bool
	indexes  map[int]int // merchant -> documents in its live index
	rebuilt  atomic.Int64
	docs     atomic.Int64
}

// analyze sends one batch to the analyzer and waits for its answer.
func (ix *indexer) analyze(batch int) {
	ix.analyzer <- struct{}{}
	time.Sleep(time.Duration(2*batch+rand.Intn(400)) * time.Millisecond)
	<-ix.analyzer
	ix.docs.Add(int64(batch))
}

// buildPartition analyzes one partition's documents, 500 at a time.
func (ix *indexer) buildPartition(m merchant, part, parts int, wg *sync.WaitGroup) {
	defer wg.Done()
	for left := m.products / parts; left > 0; left -= 500 {
		n := left
		if n > 500 {
			n = 500
		}
		ix.analyze(n)
	}
}

// rebuild builds a merchant's index partition by partition and swaps it in when all are done.
func (ix *indexer) rebuild(m merchant) {
	defer func() {
		ix.mu.Lock()
		delete(ix.running, m.id)
		ix.mu.Unlock()
	}()
	parts := 2 + m.products/20000
	if parts > 4 {
		parts = 4
	}
	var wg sync.WaitGroup
	for p := 0; p < parts; p++ {
		wg.Add(1)
		go ix.buildPartition(m, p, parts, &wg)
	}
	wg.Wait()
	ix.mu.Lock()
	ix.indexes[m.id] = m.products
	ix.mu.Unlock()
	ix.rebuilt.Add(1)
}

// schedule starts a rebuild for every merchant whose feed changed, one rebuild per merchant
// at a time (a change that arrives during a rebuild is picked up by the next poll).
func (ix *indexer) schedule(changes <-chan merchant) {
	for m := range changes {
		ix.mu.Lock()
		busy := ix.running[m.id]
		if !busy {
			ix.running[m.id] = true
		}
		ix.mu.Unlock()
		if !busy {
			go ix.rebuild(m)
		}
	}
}

// feedWatcher plays the feed poller: a merchant's feed changes every half second or so; one
// merchant in twenty is a big one, with a catalogue of 40,000-80,000 products.
func feedWatcher(changes chan<- merchant) {
	for {
		id := rand.Intn(400)
		m := merchant{id: id, products: 500 + rand.Intn(7500)}
		if id%20 == 0 {
			m.products = 40000 + (id%7)*6000
		}
		changes <- m
		time.Sleep(time.Duration(300+rand.Intn(600)) * time.Millisecond)
	}
}

func (ix *indexer) handleStatus(w http.ResponseWriter, r *http.Request) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	fmt.Fprintf(w, "{\"rebuilding\":%d,\"indexes\":%d,\"rebuilt\":%d}\n", len(ix.running), len(ix.indexes), ix.rebuilt.Load())
}

func (ix *indexer) report(every time.Duration) {
	for range time.Tick(every) {
		ix.mu.Lock()
		n := len(ix.running)
		ix.mu.Unlock()
		log.Printf("reindexer: %d rebuilding, %d rebuilt, %d documents analyzed", n, ix.rebuilt.Load(), ix.docs.Load())
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	ix := &indexer{analyzer: make(chan struct{}, 40), running: map[int]bool{}, indexes: map[int]int{}}
	changes := make(chan merchant)
	go ix.schedule(changes)
	go feedWatcher(changes)
	go ix.report(20 * time.Second)
	http.HandleFunc("/v1/status", ix.handleStatus)
	log.Printf("reindexer: listening on %s", *addr)
	srv := &http.Server{Addr: *addr, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
