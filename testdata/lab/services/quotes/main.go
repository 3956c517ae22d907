// quotes serves price quotes for trading symbols. Prices come from the pricing
// backend, which is slow for illiquid symbols; callers get an error after a deadline.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"sync/atomic"
	"time"
)

type Quote struct {
	Symbol string    `json:"symbol"`
	Bid    float64   `json:"bid"`
	Ask    float64   `json:"ask"`
	At     time.Time `json:"at"`
}

type pricingBackend struct {
	illiquid map[string]bool
}

func (b *pricingBackend) price(symbol string) Quote {
	delay := 10 * time.Millisecond
	if b.illiquid[symbol] {
		delay = 400 * time.Millisecond
	}
	time.Sleep(delay + time.Duration(rand.Intn(20))*time.Millisecond)
	mid := 50 + rand.Float64()*100
	return Quote{Symbol: symbol, Bid: mid - 0.05, Ask: mid + 0.05, At: time.Now()}
}

type quoteService struct {
	backend  *pricingBackend
	timeout  time.Duration
	served   int64
	timeouts int64
}

func (s *quoteService) fetchQuote(symbol string) (Quote, error) {
	result := make(chan Quote)
	go s.lookup(symbol, result)
	select {
	case q := <-result:
		return q, nil
	case <-time.After(s.timeout):
		atomic.AddInt64(&s.timeouts, 1)
		return Quote{}, fmt.Errorf("pricing backend timed out for %s", symbol)
	}
}

func (s *quoteService) lookup(symbol string, result chan Quote) {
	q := s.backend.price(symbol)
	result <- q
}

func (s *quoteService) handleQuote(w http.ResponseWriter, r *http.Request) {
	q, err := s.fetchQuote(r.URL.Query().Get("symbol"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusGatewayTimeout)
		return
	}
	atomic.AddInt64(&s.served, 1)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(q)
}

// simulateClients replays the trading desk's quote traffic against the service.
func simulateClients(base string, requests int) {
	symbols := []string{"AAPL", "ZZLQ", "MSFT", "XQTR"}
	client := &http.Client{Timeout: 5 * time.Second}
	tick := time.NewTicker(167 * time.Millisecond)
	defer tick.Stop()
	for i := 0; i < requests; i++ {
		<-tick.C
		resp, err := client.Get(base + "/quote?symbol=" + symbols[i%len(symbols)])
		if err != nil {
			log.Printf("quote request failed: %v", err)
			continue
		}
		resp.Body.Close()
	}
	log.Printf("client replay finished after %d requests", requests)
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	svc := &quoteService{
		backend: &pricingBackend{illiquid: map[string]bool{"ZZLQ": true, "XQTR": true}},
		timeout: 150 * time.Millisecond,
	}
	http.HandleFunc("/quote", svc.handleQuote)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("listen: %v", err)
	}
	log.Printf("quotes listening on %s", ln.Addr())
	go simulateClients("http://"+ln.Addr().String(), 900)
	go func() {
		for range time.Tick(10 * time.Second) {
			log.Printf("quotes: served=%d timeouts=%d", atomic.LoadInt64(&svc.served), atomic.LoadInt64(&svc.timeouts))
		}
	}()
	log.Fatal(http.Serve(ln, nil))
}
