// billing generates monthly invoices. A scheduler hands out batches of accounts;
// each batch renders its invoices in parallel and then reports completion.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof"
	"sync"
	"sync/atomic"
	"time"
)

type account struct {
	ID        string
	Plan      string
	Suspended bool
}

type invoice struct {
	Account string
	Lines   []string
	Total   int64
}

type billing struct {
	rendered  int64
	batches   int64
	completed int64
}

func (b *billing) renderInvoice(a account) invoice {
	time.Sleep(3 * time.Millisecond)
	atomic.AddInt64(&b.rendered, 1)
	return invoice{Account: a.ID, Lines: []string{a.Plan + " subscription"}, Total: 4900}
}

func (b *billing) runInvoiceBatch(batch []account) {
	var wg sync.WaitGroup
	wg.Add(len(batch))
	invoices := make([]invoice, len(batch))
	for i, acct := range batch {
		if acct.Suspended {
			continue
		}
		go func(i int, a account) {
			defer wg.Done()
			invoices[i] = b.renderInvoice(a)
		}(i, acct)
	}
	wg.Wait()
	atomic.AddInt64(&b.completed, 1)
}

func (b *billing) scheduleBatches(batches int, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for n := 0; n < batches; n++ {
		<-tick.C
		batch := make([]account, 5)
		for i := range batch {
			id := n*5 + i
			batch[i] = account{ID: fmt.Sprintf("acct-%06d", id), Plan: "pro"}
			if id%10 == 7 {
				batch[i].Suspended = true
			}
		}
		atomic.AddInt64(&b.batches, 1)
		go b.runInvoiceBatch(batch)
	}
	log.Printf("billing run scheduled %d batches", batches)
}

func (b *billing) handleStats(w http.ResponseWriter, r *http.Request) {
	json.NewEncoder(w).Encode(map[string]int64{
		"batches":   atomic.LoadInt64(&b.batches),
		"completed": atomic.LoadInt64(&b.completed),
		"rendered":  atomic.LoadInt64(&b.rendered),
	})
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	b := &billing{}
	http.HandleFunc("/stats", b.handleStats)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("listen: %v", err)
	}
	log.Printf("billing listening on %s", ln.Addr())
	go b.scheduleBatches(900, 167*time.Millisecond)
	go func() {
		for range time.Tick(10 * time.Second) {
			log.Printf("billing: batches=%d completed=%d invoices=%d", atomic.LoadInt64(&b.batches),
				atomic.LoadInt64(&b.completed), atomic.LoadInt64(&b.rendered))
		}
	}()
	log.Fatal(http.Serve(ln, nil))
}
