// reservations: seat holds for a ticketing site. Picking seats places a hold on them for two
// minutes while the buyer pays; each hold has a goroutine that releases its seats when the
// two minutes are up, unless the hold is bought (or let go) first. Buyers who pay do so within
// seconds; the others wander off and their holds run out.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math/rand"
	"net/http"
	_ "net/http/pprof"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

const holdTTL = 2 * time.Minute

type hold struct {
	id    string
	event string
	seats []int
	done  chan struct{} // closed when the hold is bought or let go
}

type holdBook struct {
	mu      sync.Mutex
	holds   map[string]*hold
	taken   map[string]map[int]string // event -> seat -> hold id (held or sold)
	next    int
	placed  atomic.Int64
	bought  atomic.Int64
	expired atomic.Int64
}

func newHoldBook() *holdBook {
	return &holdBook{holds: map[string]*hold{}, taken: map[string]map[int]string{}}
}

// place holds n seats of an event next to each other, if they are free.
func (b *holdBook) place(event string, n int) (*hold, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	seats := b.taken[event]
	if seats == nil {
		seats = map[int]string{}
		b.taken[event] = seats
	}
	first := rand.Intn(4000 - n)
	for i := 0; i < n; i++ {
		if _, busy := seats[first+i]; busy {
			return nil, fmt.Errorf("seats %d-%d of %s are taken", first, first+n-1, event)
		}
	}
	b.next++
	h := &hold{id: "H" + strconv.Itoa(b.next), event: event, done: make(chan struct{})}
	for i := 0; i < n; i++ {
		seats[first+i] = h.id
		h.seats = append(h.seats, first+i)
	}
	b.holds[h.id] = h
	b.placed.Add(1)
	go b.expire(h, holdTTL)
	return h, nil
}

// expire releases the hold's seats when its time is up, unless it ended first.
func (b *holdBook) expire(h *hold, ttl time.Duration) {
	t := time.NewTimer(ttl)
	defer t.Stop()
	select {
	case <-t.C:
		if b.end(h.id, false) {
			b.expired.Add(1)
		}
	case <-h.done:
	}
}

// end closes a hold: bought seats stay taken (sold), released ones are free again.
func (b *holdBook) end(id string, sold bool) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	h := b.holds[id]
	if h == nil {
		return false
	}
	delete(b.holds, id)
	if !sold {
		for _, s := range h.seats {
			delete(b.taken[h.event], s)
		}
	}
	close(h.done)
	return true
}

func (b *holdBook) handleHold(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.URL.Query().Get("n"))
	if n < 1 || n > 8 {
		n = 2
	}
	h, err := b.place(r.URL.Query().Get("event"), n)
	if err != nil {
		http.Error(w, err.Error(), http.StatusConflict)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]interface{}{"hold": h.id, "seats": h.seats, "expires_in": holdTTL.Seconds()})
}

func (b *holdBook) handleBuy(w http.ResponseWriter, r *http.Request) {
	if !b.end(r.URL.Query().Get("hold"), true) {
		http.Error(w, "hold expired", http.StatusGone)
		return
	}
	b.bought.Add(1)
	fmt.Fprintln(w, "ok")
}

// buyer is one shopper: picks seats, and either pays after a while or wanders off.
func buyer(client *http.Client, base string) {
	events := []string{"opera-fri", "opera-sat", "derby", "jazz-late", "comedy", "ballet"}
	for {
		resp, err := client.Post(fmt.Sprintf("%s/holds?event=%s&n=%d", base, events[rand.Intn(len(events))], 1+rand.Intn(4)), "text/plain", nil)
		if err != nil {
			time.Sleep(time.Second)
			continue
		}
		var got struct {
			Hold string `json:"hold"`
		}
		json.NewDecoder(resp.Body).Decode(&got)
		resp.Body.Close()
		if got.Hold == "" || rand.Intn(100) >= 55 {
			time.Sleep(time.Duration(1000+rand.Intn(5000)) * time.Millisecond)
			continue
		}
		time.Sleep(time.Duration(3+rand.Intn(38)) * time.Second) // card details
		if resp, err := client.Post(base+"/buy?hold="+got.Hold, "text/plain", nil); err == nil {
			resp.Body.Close()
		}
		time.Sleep(time.Duration(500+rand.Intn(1500)) * time.Millisecond)
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	b := newHoldBook()
	http.HandleFunc("/holds", b.handleHold)
	http.HandleFunc("/buy", b.handleBuy)
	go func() {
		for range time.Tick(20 * time.Second) {
			b.mu.Lock()
			open := len(b.holds)
			b.mu.Unlock()
			log.Printf("holds placed %d, bought %d, expired %d, open %d", b.placed.Load(), b.bought.Load(), b.expired.Load(), open)
		}
	}()
	go func() {
		time.Sleep(200 * time.Millisecond)
		client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 32}}
		for i := 0; i < 24; i++ {
			go buyer(client, "http://"+*addr)
		}
	}()
	log.Printf("reservations listening on %s", *addr)
	log.Fatal(http.ListenAndServe(*addr, nil))
}
