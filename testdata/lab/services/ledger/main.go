// ledger keeps account balances and a journal of transfers. Transfers arrive
// over HTTP and are booked asynchronously.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
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

type transfer struct {
	From   string `json:"from"`
	To     string `json:"to"`
	Amount int64  `json:"amount"`
}

type ledger struct {
	mu       sync.Mutex
	balances map[string]int64
	journal  []transfer
	booked   int64
	failed   int64
}

var errInsufficientFunds = errors.New("insufficient funds")

func (l *ledger) book(t transfer) error {
	l.mu.Lock()
	if l.balances[t.From] < t.Amount {
		return fmt.Errorf("transfer %s -> %s of %d: %w", t.From, t.To, t.Amount, errInsufficientFunds)
	}
	l.balances[t.From] -= t.Amount
	l.balances[t.To] += t.Amount
	l.journal = append(l.journal, t)
	if len(l.journal) > 1000 {
		l.journal = append(l.journal[:0], l.journal[500:]...)
	}
	l.mu.Unlock()
	return nil
}

func (l *ledger) bookAsync(t transfer) {
	if err := l.book(t); err != nil {
		atomic.AddInt64(&l.failed, 1)
		log.Printf("booking failed: %v", err)
		return
	}
	atomic.AddInt64(&l.booked, 1)
}

func (l *ledger) handleTransfer(w http.ResponseWriter, r *http.Request) {
	var t transfer
	if err := json.NewDecoder(r.Body).Decode(&t); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	go l.bookAsync(t)
	w.WriteHeader(http.StatusAccepted)
}

// paymentTraffic replays the transfers sent by the payments service.
func paymentTraffic(base string, transfers int) {
	client := &http.Client{Timeout: 5 * time.Second}
	tick := time.NewTicker(333 * time.Millisecond)
	defer tick.Stop()
	for i := 0; i < transfers; i++ {
		<-tick.C
		t := transfer{From: fmt.Sprintf("acct-%d", i%5), To: fmt.Sprintf("acct-%d", (i+1)%5), Amount: int64(10 + i%7)}
		if i%4 == 3 {
			t = transfer{From: "refunds", To: fmt.Sprintf("acct-%d", i%5), Amount: 120}
		}
		body, _ := json.Marshal(t)
		resp, err := client.Post(base+"/transfers", "application/json", bytes.NewReader(body))
		if err != nil {
			log.Printf("transfer request failed: %v", err)
			continue
		}
		resp.Body.Close()
	}
	log.Printf("transfer replay finished")
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	l := &ledger{balances: map[string]int64{"refunds": 500}}
	for i := 0; i < 5; i++ {
		l.balances[fmt.Sprintf("acct-%d", i)] = 10000
	}
	http.HandleFunc("/transfers", l.handleTransfer)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("listen: %v", err)
	}
	log.Printf("ledger listening on %s", ln.Addr())
	go paymentTraffic("http://"+ln.Addr().String(), 470)
	go func() {
		for range time.Tick(10 * time.Second) {
			log.Printf("ledger: booked=%d failed=%d", atomic.LoadInt64(&l.booked), atomic.LoadInt64(&l.failed))
		}
	}()
	log.Fatal(http.Serve(ln, nil))
}
