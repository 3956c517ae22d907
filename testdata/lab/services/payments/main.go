// payments accepts card payment batches from merchants and settles them: every
// batch is posted to the ledger, and the settler waits for the ledger's answer.
package main

import (
	"bytes"
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

type payment struct {
	ID       int    `json:"id"`
	Merchant string `json:"merchant"`
	Amount   int64  `json:"amount_cents"`
	Currency string `json:"currency"`
}

type ledgerClient struct {
	mu     sync.Mutex
	posted int
}

func (l *ledgerClient) post(batch []payment, ack chan<- error) {
	for _, p := range batch {
		if p.Currency != "EUR" && p.Currency != "USD" {
			log.Printf("ledger: batch rejected, payment %d has unsupported currency %s", p.ID, p.Currency)
			return
		}
	}
	time.Sleep(5 * time.Millisecond)
	l.mu.Lock()
	l.posted += len(batch)
	l.mu.Unlock()
	ack <- nil
}

type settler struct {
	ledger  *ledgerClient
	queue   chan []payment
	settled int64
}

func (s *settler) run() {
	for batch := range s.queue {
		go s.settleBatch(batch)
	}
}

func (s *settler) settleBatch(batch []payment) {
	ack := make(chan error)
	go s.ledger.post(batch, ack)
	if err := <-ack; err != nil {
		log.Printf("settlement failed: %v", err)
		return
	}
	atomic.AddInt64(&s.settled, int64(len(batch)))
}

func (s *settler) handleBatch(w http.ResponseWriter, r *http.Request) {
	var batch []payment
	if err := json.NewDecoder(r.Body).Decode(&batch); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.queue <- batch
	w.WriteHeader(http.StatusAccepted)
}

// replayMerchants sends the merchants' recorded settlement batches.
func replayMerchants(base string, batches int) {
	client := &http.Client{Timeout: 5 * time.Second}
	tick := time.NewTicker(167 * time.Millisecond)
	defer tick.Stop()
	for i := 0; i < batches; i++ {
		<-tick.C
		merchant := fmt.Sprintf("m-%03d", i%40)
		currency := "EUR"
		if i%2 == 1 {
			currency = "GBP" // the UK merchants
		}
		var batch []payment
		for j := 0; j < 3; j++ {
			batch = append(batch, payment{ID: i*3 + j, Merchant: merchant, Amount: int64(100 + (i*7+j)%900), Currency: currency})
		}
		body, _ := json.Marshal(batch)
		resp, err := client.Post(base+"/settle", "application/json", bytes.NewReader(body))
		if err != nil {
			log.Printf("merchant upload failed: %v", err)
			continue
		}
		resp.Body.Close()
	}
	log.Printf("merchant replay finished after %d batches", batches)
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	s := &settler{ledger: &ledgerClient{}, queue: make(chan []payment, 32)}
	go s.run()
	http.HandleFunc("/settle", s.handleBatch)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("listen: %v", err)
	}
	log.Printf("payments listening on %s", ln.Addr())
	go replayMerchants("http://"+ln.Addr().String(), 900)
	log.Fatal(http.Serve(ln, nil))
}
