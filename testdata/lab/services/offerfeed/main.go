// offerfeed answers the travel site's "best fares" widget: GET /v1/offers?from=X&to=Y asks
// the two fare partners (a cached fare index and the live airline GDS) at once, each
// through a goroutine that streams the partner's offers on a channel and closes it when
// the partner is done, and merges both streams into one: the handler takes what the
// merge gives it until the merge closes its output or the widget's 250 ms budget is
// spent. The merge is a nil-channel fan-in: a partner's channel is set to nil once it is
// closed, so that the select stops picking it.
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
	"sort"
	"sync/atomic"
	"time"
)

type offer struct {
	Partner  string    `json:"partner"`
	Carrier  string    `json:"carrier"`
	Flight   string    `json:"flight"`
	From     string    `json:"from"`
	To       string    `json:"to"`
	Depart   time.Time `json:"depart"`
	Cents    int64     `json:"cents"`
	Currency string    `json:"currency"`
	Cabin    string    `json:"cabin"`
}

type partner struct {
	name   string
	url    string
	client *http.Client
}

// stream asks the partner and sends its offers, one by one, on the channel it returns;
// the channel is closed when the partner has answered (or failed).
func (p *partner) stream(ctx context.Context, from, to string) <-chan offer {
	out := make(chan offer, 32)
	go func() {
		defer close(out)
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s?from=%s&to=%s", p.url, from, to), nil)
		if err != nil {
			return
		}
		resp, err := p.client.Do(req)
		if err != nil {
			return
		}
		defer resp.Body.Close()
		var offers []offer
		if err := json.NewDecoder(resp.Body).Decode(&offers); err != nil {
			return
		}
		for _, o := range offers {
			o.Partner = p.name
			out <- o
		}
	}()
	return out
}

// mergeOffers fans the two partners' streams into one. A closed stream is set to nil so
// that its case never fires again; the output is closed once both are done.
func mergeOffers(index, gds <-chan offer) <-chan offer {
	out := make(chan offer, 64)
	go func() {
		for {
			select {
			case o, ok := <-index:
				if !ok {
					index = nil
					continue
				}
				out <- o
			case o, ok := <-gds:
				if !ok {
					gds = nil
					if index == nil {
						close(out)
						return
					}
					continue
				}
				out <- o
			}
		}
	}()
	return out
}

type service struct {
	index, gds *partner
	served     int64
	partial    int64
}

func (s *service) handleOffers(w http.ResponseWriter, r *http.Request) {
	from, to := r.URL.Query().Get("from"), r.URL.Query().Get("to")
	if len(from) != 3 || len(to) != 3 {
		http.Error(w, "from and to are IATA codes", http.StatusBadRequest)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	merged := mergeOffers(s.index.stream(ctx, from, to), s.gds.stream(ctx, from, to))
	budget := time.NewTimer(250 * time.Millisecond)
	defer budget.Stop()
	var best []offer
collect:
	for {
		select {
		case o, ok := <-merged:
			if !ok {
				break collect
			}
			best = append(best, o)
		case <-budget.C:
			atomic.AddInt64(&s.partial, 1)
			break collect
		}
	}
	sort.Slice(best, func(i, j int) bool { return best[i].Cents < best[j].Cents })
	if len(best) > 10 {
		best = best[:10]
	}
	atomic.AddInt64(&s.served, 1)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(best)
}

// runPartner stands in for a fare partner: the fare index answers from its cache in a
// few ms but, for a route it has to refresh, after ~40 ms; the GDS takes 10-20 ms.
func runPartner(name string, seed int64, delay func(*rand.Rand) time.Duration) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	rng := rand.New(rand.NewSource(seed))
	var mu = make(chan struct{}, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("/fares", func(w http.ResponseWriter, r *http.Request) {
		mu <- struct{}{}
		d := delay(rng)
		n := 3 + rng.Intn(12)
		carriers := []string{"LH", "AF", "KL", "BA", "IB", "AZ", "LX", "OS"}
		offers := make([]offer, 0, n)
		for i := 0; i < n; i++ {
			c := carriers[rng.Intn(len(carriers))]
			offers = append(offers, offer{Carrier: c, Flight: fmt.Sprintf("%s%d", c, 100+rng.Intn(900)),
				From: r.URL.Query().Get("from"), To: r.URL.Query().Get("to"),
				Depart: time.Now().Add(time.Duration(24+rng.Intn(600)) * time.Hour).Truncate(time.Minute),
				Cents: int64(4900 + rng.Intn(60000)), Currency: "EUR", Cabin: []string{"economy", "premium", "business"}[rng.Intn(3)]})
		}
		<-mu
		time.Sleep(d)
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(offers)
	})
	go http.Serve(ln, mux)
	return "http://" + ln.Addr().String() + "/fares"
}

func drive(addr string) {
	rng := rand.New(rand.NewSource(17))
	client := &http.Client{Timeout: 5 * time.Second}
	airports := []string{"FRA", "CDG", "AMS", "LHR", "MAD", "FCO", "ZRH", "VIE", "BCN", "MUC", "LIS", "CPH"}
	tick := time.NewTicker(40 * time.Millisecond)
	defer tick.Stop()
	for n := 0; n < 100000; n++ {
		<-tick.C
		from := airports[rng.Intn(len(airports))]
		to := airports[rng.Intn(len(airports))]
		if from == to {
			continue
		}
		go func(from, to string) {
			resp, err := client.Get("http://" + addr + "/v1/offers?from=" + from + "&to=" + to)
			if err != nil {
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}(from, to)
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	pc := &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	s := &service{
		index: &partner{name: "fareindex", client: pc, url: runPartner("fareindex", 3, func(rng *rand.Rand) time.Duration {
			if rng.Intn(8) == 0 { // a route whose cached fares are stale
				return 40 * time.Millisecond
			}
			return 2 * time.Millisecond
		})},
		gds: &partner{name: "gds", client: pc, url: runPartner("gds", 5, func(rng *rand.Rand) time.Duration {
			return time.Duration(10+rng.Intn(10)) * time.Millisecond
		})},
	}
	http.HandleFunc("/v1/offers", s.handleOffers)
	go func() {
		for range time.Tick(10 * time.Second) {
			log.Printf("served %d offer pages, %d partial", atomic.LoadInt64(&s.served), atomic.LoadInt64(&s.partial))
		}
	}()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("offerfeed listening")
	go drive(*addr)
	log.Fatal(http.Serve(ln, nil))
}
