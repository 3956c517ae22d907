// fxrates: currency conversion for checkout. A quote asks all eight rate providers at
// once and answers with the median rate; a provider error fails the quote, so the shop
// retries it a moment later.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"sort"
	"sync/atomic"
	"time"
)

type provider struct {
	name    string
	calls   atomic.Int64
	quota   int64 // every quota-th call is refused (the provider's rate limit)
	latency time.Duration
}

var errRateLimited = errors.New("429 too many requests")

func (p *provider) rate(pair string) (float64, error) {
	n := p.calls.Add(1)
	if p.quota > 0 && n%p.quota == 0 {
		time.Sleep(2 * time.Millisecond)
		return 0, fmt.Errorf("%s: %w", p.name, errRateLimited)
	}
	time.Sleep(p.latency + time.Duration(rand.Intn(40))*time.Millisecond)
	return 1.05 + float64(len(pair)+len(p.name)%5)/1000 + rand.Float64()/500, nil
}

type answer struct {
	rate float64
	err  error
}

type fxService struct {
	providers []*provider
	quoted    atomic.Int64
	failed    atomic.Int64
}

// collectRates asks every provider in parallel and returns all rates, or the first error.
func (s *fxService) collectRates(pair string) ([]float64, error) {
	answers := make(chan answer)
	for _, p := range s.providers {
		go func(p *provider) {
			r, err := p.rate(pair)
			answers <- answer{rate: r, err: err}
		}(p)
	}
	rates := make([]float64, 0, len(s.providers))
	for range s.providers {
		a := <-answers
		if a.err != nil {
			return nil, a.err
		}
		rates = append(rates, a.rate)
	}
	return rates, nil
}

func (s *fxService) handleQuote(w http.ResponseWriter, r *http.Request) {
	pair := r.URL.Query().Get("pair")
	rates, err := s.collectRates(pair)
	if err != nil {
		s.failed.Add(1)
		http.Error(w, "rates unavailable: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	sort.Float64s(rates)
	s.quoted.Add(1)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"pair": pair, "rate": rates[len(rates)/2], "sources": len(rates)})
}

func (s *fxService) report(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for range t.C {
		log.Printf("fxrates: quoted=%d failed=%d", s.quoted.Load(), s.failed.Load())
	}
}

// checkoutTraffic converts basket totals, ~4 quotes/s, a budget of requests.
func checkoutTraffic(base string, requests int) {
	pairs := []string{"EURUSD", "EURGBP", "EURCHF", "EURJPY", "EURSEK", "EURPLN"}
	client := &http.Client{Timeout: 5 * time.Second}
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for i := 0; i < requests; i++ {
		<-tick.C
		resp, err := client.Get(base + "/quote?pair=" + pairs[i%len(pairs)])
		if err != nil {
			log.Printf("checkout: %v", err)
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	log.Printf("checkout: replay finished")
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	s := &fxService{}
	for i, name := range []string{"ecb", "fed", "boe", "snb", "boj", "riksbank", "nbp", "marketfeed"} {
		p := &provider{name: name, latency: time.Duration(5+i*6) * time.Millisecond}
		if name == "marketfeed" {
			p.quota = 20
		}
		s.providers = append(s.providers, p)
	}
	http.HandleFunc("/quote", s.handleQuote)
	go s.report(15 * time.Second)
	go checkoutTraffic("http://"+*addr, 660)
	log.Printf("fxrates: listening on %s", *addr)
	srv := &http.Server{IdleTimeout: 2 * time.Minute, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
