// tariffs: customs-duty quotes for cross-border parcels. Each quote asks the duty
// engine, which is fast for common goods but slow for restricted HS codes; the handler
// answers with an estimate when the engine misses the request's deadline.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"strconv"
	"sync/atomic"
	"time"
)

type Duty struct {
	HSCode  string  `json:"hs_code"`
	Country string  `json:"country"`
	Rate    float64 `json:"rate"`
	Amount  int64   `json:"amount"`
	Exact   bool    `json:"exact"`
}

type dutyEngine struct {
	restricted map[string]bool
}

func (e *dutyEngine) compute(hs, country string, value int64) Duty {
	delay := 5 * time.Millisecond
	if e.restricted[hs] {
		delay = 900 * time.Millisecond // manual rule tables
	}
	time.Sleep(delay + time.Duration(rand.Intn(10))*time.Millisecond)
	rate := 0.02 + float64(len(hs)%7)/100
	return Duty{HSCode: hs, Country: country, Rate: rate, Amount: int64(float64(value) * rate), Exact: true}
}

type tariffService struct {
	engine    *dutyEngine
	deadline  time.Duration
	quoted    atomic.Int64
	estimated atomic.Int64
}

func (s *tariffService) handleQuote(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	hs, country := q.Get("hs"), q.Get("country")
	value, _ := strconv.ParseInt(q.Get("value"), 10, 64)
	ctx, cancel := context.WithTimeout(r.Context(), s.deadline)
	defer cancel()

	duties := make(chan Duty)
	go func() {
		d := s.engine.compute(hs, country, value)
		duties <- d
	}()

	var d Duty
	select {
	case d = <-duties:
		s.quoted.Add(1)
	case <-ctx.Done():
		d = Duty{HSCode: hs, Country: country, Rate: 0.05, Amount: value / 20}
		s.estimated.Add(1)
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(d)
}

func (s *tariffService) report(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for range t.C {
		log.Printf("tariffs: quoted=%d estimated=%d", s.quoted.Load(), s.estimated.Load())
	}
}

// checkoutTraffic replays the shop's checkout calls, ~8/s, a budget of requests.
func checkoutTraffic(base string, requests int) {
	codes := []string{"8471.30", "6403.99", "9303.20", "4202.21", "8517.12", "3004.90", "6109.10", "9504.50", "8528.72", "2208.30"}
	countries := []string{"CH", "NO", "GB", "US"}
	client := &http.Client{Timeout: 5 * time.Second}
	tick := time.NewTicker(125 * time.Millisecond)
	defer tick.Stop()
	for i := 0; i < requests; i++ {
		<-tick.C
		go func(i int) {
			url := fmt.Sprintf("%s/quote?hs=%s&country=%s&value=%d", base, codes[rand.Intn(len(codes))],
				countries[i%len(countries)], 1000+rand.Intn(90000))
			resp, err := client.Get(url)
			if err != nil {
				log.Printf("checkout: %v", err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}(i)
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
	s := &tariffService{
		engine:   &dutyEngine{restricted: map[string]bool{"9303.20": true, "3004.90": true, "2208.30": true}},
		deadline: 400 * time.Millisecond,
	}
	http.HandleFunc("/quote", s.handleQuote)
	go s.report(15 * time.Second)
	go checkoutTraffic("http://"+*addr, 1500)
	log.Printf("tariffs: listening on %s", *addr)
	srv := &http.Server{Addr: *addr, IdleTimeout: 2 * time.Minute, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
