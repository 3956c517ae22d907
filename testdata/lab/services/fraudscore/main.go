// fraudscore: scores card payments against per-merchant rules. The rule set is recompiled
// from the rules store every 20 seconds and swapped in; the previous compiled set is kept
// for an instant rollback should the new one misbehave (the risk team's requirement).
package main

import (
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

const merchants = 20000

type merchantRule struct {
	merchant   string
	maxAmount  int64
	velocity   int
	countries  []string
	blockedBIN map[uint32]bool
}

type ruleSet struct {
	version  int
	compiled time.Time
	byID     map[string]*merchantRule
}

type engine struct {
	mu       sync.Mutex
	current  atomic.Value // *ruleSet
	previous *ruleSet
	version  int

	scored atomic.Int64
}

var countries = []string{"DE", "FR", "NL", "AT", "PL", "IT", "ES", "SE", "DK", "BE", "CZ", "PT"}

// compile builds the rule set from the store's current rules (the store is the generator).
func compile(version int) *ruleSet {
	rng := rand.New(rand.NewSource(int64(version)))
	rs := &ruleSet{version: version, compiled: time.Now(), byID: make(map[string]*merchantRule, merchants)}
	for m := 0; m < merchants; m++ {
		id := "M" + strconv.Itoa(100000+m)
		r := &merchantRule{merchant: id, maxAmount: int64(5000 + rng.Intn(500000)), velocity: 3 + rng.Intn(20)}
		r.countries = append(r.countries, countries[rng.Intn(len(countries))], countries[rng.Intn(len(countries))])
		if rng.Intn(8) == 0 {
			r.blockedBIN = make(map[uint32]bool)
			for k := 0; k < 4+rng.Intn(12); k++ {
				r.blockedBIN[uint32(400000+rng.Intn(100000))] = true
			}
		}
		rs.byID[id] = r
	}
	return rs
}

func (e *engine) recompile() {
	e.mu.Lock()
	e.version++
	v := e.version
	e.mu.Unlock()
	rs := compile(v)
	e.mu.Lock()
	if cur, ok := e.current.Load().(*ruleSet); ok {
		e.previous = cur
	}
	e.current.Store(rs)
	e.mu.Unlock()
}

func (e *engine) rollback() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.previous == nil {
		return false
	}
	e.current.Store(e.previous)
	e.previous = nil
	return true
}

func (e *engine) score(merchant string, amount int64, bin uint32, country string) (int, string) {
	rs := e.current.Load().(*ruleSet)
	r := rs.byID[merchant]
	if r == nil {
		return 50, "unknown merchant"
	}
	if r.blockedBIN[bin] {
		return 100, "blocked BIN"
	}
	s := 0
	if amount > r.maxAmount {
		s += 40
	}
	home := false
	for _, c := range r.countries {
		home = home || c == country
	}
	if !home {
		s += 25
	}
	h := fnv.New32a()
	fmt.Fprintf(h, "%s/%d/%d", merchant, amount, bin)
	s += int(h.Sum32() % 10)
	return s, fmt.Sprintf("rules v%d", rs.version)
}

func (e *engine) handleScore(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	amount, err1 := strconv.ParseInt(q.Get("amount"), 10, 64)
	bin, err2 := strconv.ParseUint(q.Get("bin"), 10, 32)
	if err1 != nil || err2 != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	s, why := e.score(q.Get("merchant"), amount, uint32(bin), q.Get("country"))
	e.scored.Add(1)
	fmt.Fprintf(w, "{\"score\":%d,\"reason\":%q}\n", s, why)
}

func (e *engine) handleRollback(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintf(w, "{\"rolled_back\":%v}\n", e.rollback())
}

// acquirer sends the payments of its terminals to be scored before authorisation.
func acquirer(base string, id int) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(int64(90 + id)))
	for {
		url := fmt.Sprintf("%s/v1/score?merchant=M%d&amount=%d&bin=%d&country=%s", base, 100000+rng.Intn(merchants),
			100+rng.Intn(300000), 400000+rng.Intn(100000), countries[rng.Intn(len(countries))])
		resp, err := client.Get(url)
		if err != nil {
			log.Printf("acquirer %d: %v", id, err)
		} else {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		time.Sleep(time.Duration(5+rng.Intn(10)) * time.Millisecond)
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
	e := &engine{}
	e.recompile()
	go func() {
		for range time.Tick(20 * time.Second) {
			e.recompile()
			log.Printf("rules recompiled: v%d; payments scored=%d", e.version, e.scored.Load())
		}
	}()
	http.HandleFunc("/v1/score", e.handleScore)
	http.HandleFunc("/v1/rules/rollback", e.handleRollback)
	for a := 0; a < 4; a++ {
		go acquirer("http://"+*addr, a)
	}
	log.Printf("fraudscore: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
