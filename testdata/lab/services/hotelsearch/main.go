// hotelsearch: hotel search across booking partners. A search asks every partner at once and
// collects their offers until all have answered or the request's deadline passes; a closer
// goroutine waits for the partners and closes the offers channel so the collector knows when
// all are in.
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
	"sync"
	"sync/atomic"
	"time"
)

type offer struct {
	Partner string `json:"partner"`
	Hotel   string `json:"hotel"`
	Price   int    `json:"price"`
}

type partner struct {
	name   string
	cities map[string]bool // nil: every city
}

func (p *partner) covers(city string) bool { return p.cities == nil || p.cities[city] }

type aggregator struct {
	partners []*partner
	searches atomic.Int64
	partial  atomic.Int64
}

func (a *aggregator) search(ctx context.Context, city string) ([]offer, error) {
	out := make(chan offer)
	var wg sync.WaitGroup
	for _, p := range a.partners {
		wg.Add(1)
		go a.askPartner(ctx, p, city, out, &wg)
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	var offers []offer
	for {
		select {
		case o, ok := <-out:
			if !ok {
				return offers, nil
			}
			offers = append(offers, o)
		case <-ctx.Done():
			return offers, ctx.Err()
		}
	}
}

// askPartner asks one partner for its offers in the city (100-600 ms).
func (a *aggregator) askPartner(ctx context.Context, p *partner, city string, out chan<- offer, wg *sync.WaitGroup) {
	if !p.covers(city) {
		return
	}
	defer wg.Done()
	select {
	case <-time.After(time.Duration(100+rand.Intn(500)) * time.Millisecond):
	case <-ctx.Done():
		return
	}
	o := offer{Partner: p.name, Hotel: fmt.Sprintf("%s hotel %d", city, rand.Intn(40)), Price: 60 + rand.Intn(300)}
	select {
	case out <- o:
	case <-ctx.Done():
	}
}

func (a *aggregator) handleSearch(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 1200*time.Millisecond)
	defer cancel()
	a.searches.Add(1)
	offers, err := a.search(ctx, r.URL.Query().Get("city"))
	if err != nil {
		a.partial.Add(1)
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(offers)
}

var cities = []string{"lisbon", "porto", "madrid", "seville", "paris", "lyon", "rome", "milan",
	"vienna", "prague", "berlin", "munich", "zurich", "geneva", "oslo", "bergen"}

// shoppers search a city, look at the offers for a while, and search again.
func shoppers(base string, n, budget int) {
	client := &http.Client{Timeout: 5 * time.Second}
	var left atomic.Int64
	left.Store(int64(budget))
	for i := 0; i < n; i++ {
		go func() {
			for left.Add(-1) >= 0 {
				resp, err := client.Get(base + "/hotels/search?city=" + cities[rand.Intn(len(cities))])
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				time.Sleep(time.Duration(300+rand.Intn(900)) * time.Millisecond)
			}
		}()
	}
}

func (a *aggregator) report(every time.Duration) {
	for range time.Tick(every) {
		log.Printf("hotelsearch: %d searches, %d partial", a.searches.Load(), a.partial.Load())
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
	a := &aggregator{partners: []*partner{
		{name: "bedbank"}, {name: "roomsnow"}, {name: "staylocal"}, {name: "grandlink"},
		{name: "citybreaks", cities: map[string]bool{"madrid": true, "paris": true, "lyon": true, "rome": true,
			"milan": true, "vienna": true, "prague": true, "berlin": true, "munich": true, "zurich": true, "geneva": true, "oslo": true}},
	}}
	http.HandleFunc("/hotels/search", a.handleSearch)
	go shoppers("http://"+*addr, 6, 700)
	go a.report(20 * time.Second)
	log.Printf("hotelsearch: listening on %s", *addr)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
