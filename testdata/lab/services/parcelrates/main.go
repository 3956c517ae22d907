// parcelrates quotes parcel shipping for the shop's checkout: POST /v1/quote with the
// destination zone and the parcels answers each carrier's price. The rate card (base price
// and per-kilo price of every carrier for every zone) is reloaded from the tariff feed now and
// then, and the fuel surcharge, which carriers publish daily, is kept beside it.
package main

import (
	"bytes"
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
	"sync"
	"time"
)

type parcel struct {
	Grams    int `json:"grams"`
	LengthCm int `json:"length_cm"`
	WidthCm  int `json:"width_cm"`
	HeightCm int `json:"height_cm"`
}

type quoteRequest struct {
	Zone    string   `json:"zone"`
	Parcels []parcel `json:"parcels"`
}

type quote struct {
	Carrier string `json:"carrier"`
	Cents   int    `json:"cents"`
	Days    int    `json:"days"`
}

type lane struct {
	baseCents    int
	perKiloCents int
	days         int
}

// rateCard is the carriers' prices, read by every quote and replaced by the reloader.
type rateCard struct {
	mu        sync.RWMutex
	version   int
	lanes     map[string]map[string]lane // carrier -> zone -> lane
	fuelPct   map[string]int             // carrier -> surcharge, percent
	etaClient *http.Client
	etaURL    string
}

var carriers = []string{"postnl", "dhl", "dpd", "gls", "ups"}
var zones = []string{"NL", "BE", "DE", "FR", "ES", "IT", "PL", "SE", "UK", "US"}

func newRateCard(version int, rng *rand.Rand) (map[string]map[string]lane, map[string]int) {
	lanes := map[string]map[string]lane{}
	fuel := map[string]int{}
	for _, c := range carriers {
		lanes[c] = map[string]lane{}
		for i, z := range zones {
			lanes[c][z] = lane{baseCents: 395 + i*110 + rng.Intn(80), perKiloCents: 35 + i*9 + rng.Intn(12), days: 1 + i/3}
		}
		fuel[c] = 4 + rng.Intn(9)
	}
	return lanes, fuel
}

// surcharge is the carrier's fuel surcharge on cents.
func (rc *rateCard) surcharge(carrier string, cents int) int {
	rc.mu.RLock()
	defer rc.mu.RUnlock()
	return cents * rc.fuelPct[carrier] / 100
}

// transitDays asks the carriers' tracking partner for its current delay in the zone (strikes,
// weather) on top of the lane's days.
func (rc *rateCard) transitDays(carrier, zone string, days int) int {
	resp, err := rc.etaClient.Get(fmt.Sprintf("%s/delay?carrier=%s&zone=%s", rc.etaURL, carrier, zone))
	if err != nil {
		return days
	}
	defer resp.Body.Close()
	var d struct{ ExtraDays int }
	if json.NewDecoder(resp.Body).Decode(&d) == nil {
		days += d.ExtraDays
	}
	return days
}

// quotes prices the parcels with every carrier serving the zone, cheapest first.
func (rc *rateCard) quotes(req quoteRequest) []quote {
	rc.mu.RLock()
	defer rc.mu.RUnlock()
	var out []quote
	for _, c := range carriers {
		ln, ok := rc.lanes[c][req.Zone]
		if !ok {
			continue
		}
		cents := 0
		for _, p := range req.Parcels {
			// volumetric weight: carriers bill the greater of actual and L*W*H/5000 kg.
			g := p.Grams
			if v := p.LengthCm * p.WidthCm * p.HeightCm / 5; v > g {
				g = v
			}
			cents += ln.baseCents + (g+999)/1000*ln.perKiloCents
		}
		days := rc.transitDays(c, req.Zone, ln.days)
		cents += rc.surcharge(c, cents)
		out = append(out, quote{Carrier: c, Cents: cents, Days: days})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Cents < out[j].Cents })
	return out
}

// reload replaces the rate card with the tariff feed's newest version.
func (rc *rateCard) reload(every time.Duration) {
	rng := rand.New(rand.NewSource(7))
	for range time.Tick(every) {
		lanes, fuel := newRateCard(rc.version+1, rng)
		rc.mu.Lock()
		rc.version++
		rc.lanes, rc.fuelPct = lanes, fuel
		rc.mu.Unlock()
	}
}

func (rc *rateCard) handleQuote(w http.ResponseWriter, r *http.Request) {
	var req quoteRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 16<<10)).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(rc.quotes(req))
}

// trackingPartner stands in for the tracking partner's delay API: it answers in 5-30 ms.
func trackingPartner(w http.ResponseWriter, r *http.Request) {
	time.Sleep(time.Duration(5+rand.Intn(25)) * time.Millisecond)
	extra := 0
	if r.URL.Query().Get("zone") == "UK" {
		extra = 2
	}
	fmt.Fprintf(w, `{"ExtraDays":%d}`, extra)
}

// checkout plays the shop's checkout page asking for shipping options.
func checkout(base string, n int) {
	client := &http.Client{Timeout: 3 * time.Second}
	rng := rand.New(rand.NewSource(int64(n) + 41))
	for {
		req := quoteRequest{Zone: zones[rng.Intn(len(zones))]}
		for k := 1 + rng.Intn(3); k > 0; k-- {
			req.Parcels = append(req.Parcels, parcel{Grams: 200 + rng.Intn(9000), LengthCm: 10 + rng.Intn(50), WidthCm: 10 + rng.Intn(30), HeightCm: 5 + rng.Intn(30)})
		}
		body, _ := json.Marshal(req)
		resp, err := client.Post(base+"/v1/quote", "application/json", bytes.NewReader(body))
		if err != nil {
			time.Sleep(500 * time.Millisecond)
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		time.Sleep(time.Duration(200+rng.Intn(300)) * time.Millisecond)
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
	lanes, fuel := newRateCard(1, rand.New(rand.NewSource(1)))
	rc := &rateCard{version: 1, lanes: lanes, fuelPct: fuel,
		etaClient: &http.Client{Timeout: 2 * time.Second}, etaURL: "http://" + *addr + "/partner"}
	http.HandleFunc("/v1/quote", rc.handleQuote)
	http.HandleFunc("/partner/delay", trackingPartner)
	go rc.reload(3 * time.Second)
	for i := 0; i < 6; i++ {
		go checkout("http://"+*addr, i)
	}
	log.Printf("parcelrates: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
