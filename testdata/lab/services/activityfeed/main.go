// activityfeed: keeps the most recent account events (logins, password changes, payouts …)
// for the support console's "what happened lately" view. It holds a fixed number of them in
// a ring: once the ring is full, each new event overwrites the oldest.
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
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const ringCapacity = 60000

type event struct {
	At      time.Time
	Account int64
	Kind    string
	Detail  string
}

// ring is a fixed-capacity buffer of the latest events, oldest overwritten first.
type ring struct {
	mu    sync.RWMutex
	slots []event
	next  int
	full  bool
}

func newRing(n int) *ring { return &ring{slots: make([]event, n)} }

func (r *ring) add(e event) {
	r.mu.Lock()
	r.slots[r.next] = e
	r.next++
	if r.next == len(r.slots) {
		r.next, r.full = 0, true
	}
	r.mu.Unlock()
}

func (r *ring) len() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.full {
		return len(r.slots)
	}
	return r.next
}

// forAccount walks back from the newest event and returns up to limit of the account's.
func (r *ring) forAccount(acct int64, limit int) []event {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []event
	n := r.next
	if r.full {
		n = len(r.slots)
	}
	for i := 0; i < n && len(out) < limit; i++ {
		j := (r.next - 1 - i + len(r.slots)) % len(r.slots)
		if r.slots[j].Account == acct {
			out = append(out, r.slots[j])
		}
	}
	return out
}

type server struct {
	feed     *ring
	received atomic.Int64
}

// describe renders the one-line description the console shows from a bus message
// "account<TAB>kind<TAB>key=value<TAB>...".
func describe(msg []byte) (int64, string, string, bool) {
	f := bytes.Split(msg, []byte{'\t'})
	if len(f) < 2 {
		return 0, "", "", false
	}
	acct, err := strconv.ParseInt(string(f[0]), 10, 64)
	if err != nil {
		return 0, "", "", false
	}
	var b strings.Builder
	b.Grow(len(msg) + 32)
	b.WriteString(string(f[1]))
	b.WriteString(" on account ")
	b.Write(f[0])
	for _, kv := range f[2:] {
		b.WriteByte(' ')
		b.Write(kv)
	}
	return acct, string(f[1]), b.String(), true
}

// consume takes the account services' events off the bus (a Kafka consumer in production).
func (s *server) consume(bus <-chan []byte) {
	for msg := range bus {
		acct, kind, detail, ok := describe(msg)
		if !ok {
			continue
		}
		s.feed.add(event{At: time.Now(), Account: acct, Kind: kind, Detail: detail})
		s.received.Add(1)
	}
}

func (s *server) handleRecent(w http.ResponseWriter, r *http.Request) {
	acct, err := strconv.ParseInt(r.URL.Query().Get("account"), 10, 64)
	if err != nil {
		http.Error(w, "bad account", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(s.feed.forAccount(acct, 20))
}

var kinds = []string{"login", "login", "login", "logout", "password_change", "payout", "card_added", "email_change", "2fa_enabled"}
var notes = []string{"via-mobile-app", "via-web", "from-a-new-device", "after-a-reset-link", "scheduled-by-the-user", "flagged-for-review"}

// publishers stand in for the account services publishing on the bus, ~900 events/s.
func publishers(bus chan<- []byte, seed int64) {
	rng := rand.New(rand.NewSource(seed))
	countries := []string{"DE", "FR", "US", "BR", "IN", "JP"}
	for range time.Tick(10 * time.Millisecond) {
		for k := 0; k < 3; k++ {
			kind := kinds[rng.Intn(len(kinds))]
			msg := fmt.Sprintf("%d\t%s\tip=10.%d.%d.%d\tdevice=dev-%012x\tcountry=%s\tnote=%s", 100000+rng.Int63n(400000), kind,
				rng.Intn(256), rng.Intn(256), rng.Intn(256), rng.Int63()&0xffffffffffff, countries[rng.Intn(6)], notes[rng.Intn(len(notes))])
			if kind == "payout" {
				msg += fmt.Sprintf("\tamount=%d.%02dEUR\tmethod=sepa", rng.Intn(5000), rng.Intn(100))
			}
			bus <- []byte(msg)
		}
	}
}

// console is a support agent looking up accounts now and then.
func console(base string) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(99))
	for range time.Tick(500 * time.Millisecond) {
		resp, err := client.Get(fmt.Sprintf("%s/recent?account=%d", base, 100000+rng.Int63n(400000)))
		if err != nil {
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
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
	s := &server{feed: newRing(ringCapacity)}
	http.HandleFunc("/recent", s.handleRecent)
	go func() {
		for range time.Tick(15 * time.Second) {
			log.Printf("stats: received=%d held=%d/%d", s.received.Load(), s.feed.len(), ringCapacity)
		}
	}()
	bus := make(chan []byte, 256)
	go s.consume(bus)
	for i := int64(1); i <= 3; i++ {
		go publishers(bus, i)
	}
	go console("http://" + *addr)
	log.Printf("activityfeed: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
