// faresearch answers the travel site's fare searches: GET /v1/fares?from=AMS&to=LIS&date=...
// asks every airline's fare API at once and answers the offers sorted by price. Each airline
// sits behind a circuit breaker: after three failures in a row its breaker opens for a few
// seconds and searches skip that airline until it closes again.
package main

import (
	"context"
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
	"net/url"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

type offer struct {
	Airline string `json:"airline"`
	Flight  string `json:"flight"`
	Depart  string `json:"depart"`
	Cabin   string `json:"cabin"`
	Cents   int    `json:"cents"`
}

type query struct {
	from, to, date string
}

// breaker opens after maxFails failures in a row and stays open for cooldown.
type breaker struct {
	mu        sync.Mutex
	fails     int
	openUntil time.Time
}

const (
	maxFails = 3
	cooldown = 4 * time.Second
)

func (b *breaker) allow() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return time.Now().After(b.openUntil)
}

func (b *breaker) record(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err == nil {
		b.fails = 0
		return
	}
	b.fails++
	if b.fails >= maxFails {
		b.fails = 0
		b.openUntil = time.Now().Add(cooldown)
	}
}

// airline is one carrier's fare API.
type airline struct {
	code    string
	base    string
	client  *http.Client
	breaker breaker
}

func (a *airline) fetch(ctx context.Context, q query) ([]offer, error) {
	u := fmt.Sprintf("%s/fares?from=%s&to=%s&date=%s", a.base, url.QueryEscape(q.from), url.QueryEscape(q.to), url.QueryEscape(q.date))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, resp.Body)
		return nil, fmt.Errorf("%s: %s", a.code, resp.Status)
	}
	var offers []offer
	if err := json.NewDecoder(resp.Body).Decode(&offers); err != nil {
		return nil, err
	}
	return offers, nil
}

type searcher struct {
	airlines []*airline
	searches atomic.Int64
	skipped  atomic.Int64
}

// search asks every airline whose breaker is closed and merges their offers.
func (s *searcher) search(ctx context.Context, q query) []offer {
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		offers = make([]offer, 0, 32)
	)
	wg.Add(len(s.airlines))
	for _, a := range s.airlines {
		if !a.breaker.allow() {
			s.skipped.Add(1)
			continue
		}
		go func(a *airline) {
			defer wg.Done()
			fs, err := a.fetch(ctx, q)
			a.breaker.record(err)
			if err != nil {
				log.Printf("search %s-%s: %v", q.from, q.to, err)
				return
			}
			mu.Lock()
			offers = append(offers, fs...)
			mu.Unlock()
		}(a)
	}
	wg.Wait()
	sort.Slice(offers, func(i, j int) bool { return offers[i].Cents < offers[j].Cents })
	return offers
}

func (s *searcher) handleFares(w http.ResponseWriter, r *http.Request) {
	q := query{from: r.FormValue("from"), to: r.FormValue("to"), date: r.FormValue("date")}
	if len(q.from) != 3 || len(q.to) != 3 || q.date == "" {
		http.Error(w, "from, to (IATA codes) and date are required", http.StatusBadRequest)
		return
	}
	n := s.searches.Add(1)
	if n%500 == 0 {
		log.Printf("served %d searches (%d airline calls skipped by open breakers)", n, s.skipped.Load())
	}
	offers := s.search(r.Context(), q)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(offers)
}

var errMaintenance = errors.New("maintenance")

// fareAPI stands in for the airlines' fare APIs, one path prefix each. Skyways' API fails
// now and then in short bursts (a deploy, a cache flush), as real carriers' APIs do.
func fareAPI(ln net.Listener, codes []string) {
	mux := http.NewServeMux()
	var burstUntil atomic.Int64
	for i, code := range codes {
		code, seed := code, int64(i)
		var mu sync.Mutex
		rng := rand.New(rand.NewSource(seed + 3))
		mux.HandleFunc("/"+code+"/fares", func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			flaky := code == "SW" && rng.Intn(25) == 0
			k, price := 2+rng.Intn(5), 4000+rng.Intn(30000)
			mu.Unlock()
			now := time.Now().UnixNano()
			if flaky {
				burstUntil.Store(now + int64(300*time.Millisecond))
			}
			if code == "SW" && now < burstUntil.Load() {
				http.Error(w, errMaintenance.Error(), http.StatusServiceUnavailable)
				return
			}
			time.Sleep(time.Duration(20+price%60) * time.Millisecond)
			offers := make([]offer, k)
			for j := range offers {
				offers[j] = offer{Airline: code, Flight: fmt.Sprintf("%s%d", code, 100+(price+j*37)%900),
					Depart: r.FormValue("date") + fmt.Sprintf("T%02d:%02d", 6+j*3%16, j*25%60),
					Cabin:  []string{"economy", "premium", "business"}[j%3], Cents: price + j*1250}
			}
			json.NewEncoder(w).Encode(offers)
		})
	}
	http.Serve(ln, mux)
}

// shopper plays a visitor of the travel site searching fares.
func shopper(base string, n int) {
	client := &http.Client{Timeout: 2 * time.Second}
	rng := rand.New(rand.NewSource(int64(n) + 41))
	airports := []string{"AMS", "LIS", "MAD", "CDG", "FCO", "BER", "CPH", "DUB", "VIE", "ATH"}
	for {
		from, to := airports[rng.Intn(len(airports))], airports[rng.Intn(len(airports))]
		if from == to {
			continue
		}
		date := time.Now().AddDate(0, 0, 7+rng.Intn(90)).Format("2006-01-02")
		resp, err := client.Get(fmt.Sprintf("%s/v1/fares?from=%s&to=%s&date=%s", base, from, to, date))
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		time.Sleep(time.Duration(150+rng.Intn(200)) * time.Millisecond)
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
	aln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	codes := []string{"NA", "SW", "IB", "LX", "OS"}
	go fareAPI(aln, codes)
	s := &searcher{}
	for _, code := range codes {
		s.airlines = append(s.airlines, &airline{code: code, base: "http://" + aln.Addr().String() + "/" + code,
			client: &http.Client{Timeout: 800 * time.Millisecond}})
	}
	http.HandleFunc("/v1/fares", s.handleFares)
	for i := 0; i < 4; i++ {
		go shopper("http://"+*addr, i)
	}
	log.Printf("faresearch: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
