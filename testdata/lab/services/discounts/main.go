// discounts prices shopping carts against the merchandising team's promotion
// rules. The rules are reloaded from the rules store every few seconds; a cart is
// priced line by line under the rule set's read lock so that one cart sees one
// version of the rules.
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
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type rule struct {
	SKU      string
	MinQty   int
	Percent  float64
	Campaign string
}

type cartLine struct {
	SKU   string
	Qty   int
	Price float64
}

type quote struct {
	Lines    int     `json:"lines"`
	Total    float64 `json:"total"`
	Discount float64 `json:"discount"`
	Rules    int     `json:"rules_version"`
}

type ruleSet struct {
	mu      sync.RWMutex
	rules   map[string]rule
	version int
}

// discountFor is the single-SKU lookup the product page uses; it takes the read
// lock itself.
func (rs *ruleSet) discountFor(sku string, qty int) float64 {
	rs.mu.RLock()
	defer rs.mu.RUnlock()
	r, ok := rs.rules[sku]
	if !ok || qty < r.MinQty {
		return 0
	}
	return r.Percent
}

// priceCart prices every line with one version of the rules.
func (rs *ruleSet) priceCart(lines []cartLine) quote {
	rs.mu.RLock()
	defer rs.mu.RUnlock()
	q := quote{Lines: len(lines), Rules: rs.version}
	for _, l := range lines {
		pct := rs.discountFor(l.SKU, l.Qty)
		landed := landedCost(l)
		q.Total += landed
		q.Discount += landed * pct / 100
	}
	return q
}

// landedCost stands in for the shipping-weight and duty lookup of a line.
func landedCost(l cartLine) float64 {
	time.Sleep(time.Duration(4+rand.Intn(8)) * time.Millisecond)
	return l.Price * float64(l.Qty) * 1.04
}

func (rs *ruleSet) reloadEvery(min, max time.Duration) {
	time.Sleep(2 * time.Second)
	for {
		fresh := fetchRules(rs.version + 1)
		rs.mu.Lock()
		rs.rules = fresh
		rs.version++
		rs.mu.Unlock()
		time.Sleep(min + time.Duration(rand.Int63n(int64(max-min))))
	}
}

// fetchRules stands in for the rules store's export of active promotions.
func fetchRules(version int) map[string]rule {
	time.Sleep(30 * time.Millisecond)
	m := make(map[string]rule, 400)
	for i := 0; i < 400; i++ {
		sku := fmt.Sprintf("SKU-%05d", i)
		m[sku] = rule{SKU: sku, MinQty: 1 + i%3, Percent: float64(5 + (i+version)%20), Campaign: "spring"}
	}
	return m
}

type service struct {
	rules  *ruleSet
	quoted int64
}

func (s *service) handleQuote(w http.ResponseWriter, r *http.Request) {
	var lines []cartLine
	if err := json.NewDecoder(r.Body).Decode(&lines); err != nil {
		http.Error(w, "bad cart", http.StatusBadRequest)
		return
	}
	q := s.rules.priceCart(lines)
	atomic.AddInt64(&s.quoted, 1)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(q)
}

func (s *service) handleDiscount(w http.ResponseWriter, r *http.Request) {
	qty, _ := strconv.Atoi(r.URL.Query().Get("qty"))
	fmt.Fprintf(w, "%.1f\n", s.rules.discountFor(r.URL.Query().Get("sku"), qty))
}

// shoppers replays checkout pages asking for cart quotes; a page gives up after 2 s
// and the shopper reloads it.
func shoppers(base string, n int, budget *int64) {
	for i := 0; i < n; i++ {
		go func(id int) {
			client := &http.Client{Timeout: 2 * time.Second}
			rng := rand.New(rand.NewSource(int64(id)))
			for atomic.AddInt64(budget, -1) >= 0 {
				lines := make([]cartLine, 8+rng.Intn(14))
				for j := range lines {
					lines[j] = cartLine{SKU: fmt.Sprintf("SKU-%05d", rng.Intn(500)), Qty: 1 + rng.Intn(4), Price: 3 + float64(rng.Intn(9000))/100}
				}
				body, _ := json.Marshal(lines)
				resp, err := client.Post(base+"/quote", "application/json", strings.NewReader(string(body)))
				if err != nil {
					log.Printf("quote: %v", err)
				} else {
					resp.Body.Close()
				}
				time.Sleep(time.Duration(700+rng.Intn(600)) * time.Millisecond)
			}
		}(i)
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	rs := &ruleSet{rules: fetchRules(0)}
	svc := &service{rules: rs}
	go rs.reloadEvery(2*time.Second, 5*time.Second)
	http.HandleFunc("/quote", svc.handleQuote)
	http.HandleFunc("/discount", svc.handleDiscount)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("listen: %v", err)
	}
	log.Printf("discounts listening on %s", ln.Addr())
	budget := int64(490)
	shoppers("http://"+ln.Addr().String(), 9, &budget)
	go func() {
		for range time.Tick(10 * time.Second) {
			log.Printf("discounts: quoted=%d", atomic.LoadInt64(&svc.quoted))
		}
	}()
	log.Fatal(http.Serve(ln, nil))
}
