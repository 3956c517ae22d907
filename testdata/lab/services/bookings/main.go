// bookings: a ticket booking API. A booking first holds the seats, then charges the card.
// Each hold gets a watcher goroutine that gives the seats back when the hold's context ends
// or when its expiry fires (events without a hold TTL pass a nil expiry channel). The hold's
// context derives from the server's root context, and its cancel is called once the booking
// is confirmed or released.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"sync"
	"sync/atomic"
	"time"
)

type hold struct {
	id    int64
	event string
	seats int
	done  context.CancelFunc // ends the hold's watcher
	sold  *atomic.Bool       // set once the booking is confirmed
}

type store struct {
	root      context.Context
	mu        sync.Mutex
	available map[string]int
	nextID    atomic.Int64
	booked    atomic.Int64
	declined  atomic.Int64
	ttl       map[string]time.Duration
}

// watchHold gives the seats back when the hold ends (its context) or expires.
func (s *store) watchHold(ctx context.Context, h hold, expiry <-chan time.Time) {
	select {
	case <-ctx.Done():
	case <-expiry:
	}
	s.release(h)
}

func (s *store) reserve(event string, seats int) (hold, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.available[event] < seats {
		return hold{}, errors.New("sold out")
	}
	s.available[event] -= seats
	return hold{id: s.nextID.Add(1), event: event, seats: seats, sold: new(atomic.Bool)}, nil
}

func (s *store) release(h hold) {
	if h.sold.Load() {
		return
	}
	s.mu.Lock()
	s.available[h.event] += h.seats
	s.mu.Unlock()
}

// confirm makes the hold a booking: the seats stay sold and the watcher is told to stop.
func (s *store) confirm(h hold) {
	s.booked.Add(1)
	h.sold.Store(true)
	h.done()
}

func charge(card string, amount int) error {
	time.Sleep(time.Duration(5+rand.Intn(20)) * time.Millisecond)
	if card == "" || rand.Intn(4) == 0 {
		return errors.New("card declined")
	}
	return nil
}

type bookRequest struct {
	Event string `json:"event"`
	Seats int    `json:"seats"`
	Card  string `json:"card"`
}

func (s *store) handleBook(w http.ResponseWriter, r *http.Request) {
	var req bookRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h, err := s.reserve(req.Event, req.Seats)
	if err != nil {
		http.Error(w, err.Error(), http.StatusConflict)
		return
	}
	ctx, cancel := context.WithCancel(s.root)
	h.done = cancel
	var expiry <-chan time.Time
	if d := s.ttl[req.Event]; d > 0 {
		expiry = time.After(d)
	}
	go s.watchHold(ctx, h, expiry)
	if err := charge(req.Card, req.Seats*40); err != nil {
		s.declined.Add(1)
		http.Error(w, err.Error(), http.StatusPaymentRequired)
		return
	}
	s.confirm(h)
	fmt.Fprintf(w, "booking %d confirmed\n", h.id)
}

func customers(base string) {
	c := &http.Client{Timeout: 5 * time.Second}
	events := []string{"opera-fri", "jazz-sat", "derby-sun", "talk-mon"}
	for {
		body, _ := json.Marshal(bookRequest{Event: events[rand.Intn(len(events))], Seats: 1 + rand.Intn(3), Card: "4242"})
		if resp, err := c.Post(base+"/book", "application/json", bytes.NewReader(body)); err == nil {
			resp.Body.Close()
		}
		time.Sleep(time.Duration(200+rand.Intn(150)) * time.Millisecond)
	}
}

func (s *store) report(every time.Duration) {
	for range time.Tick(every) {
		log.Printf("bookings: %d booked, %d declined", s.booked.Load(), s.declined.Load())
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
	s := &store{root: context.Background(), available: map[string]int{},
		ttl: map[string]time.Duration{"derby-sun": 10 * time.Second}}
	for _, e := range []string{"opera-fri", "jazz-sat", "derby-sun", "talk-mon"} {
		s.available[e] = 1 << 20
	}
	http.HandleFunc("/book", s.handleBook)
	go customers("http://" + *addr)
	go s.report(20 * time.Second)
	log.Printf("bookings: listening on %s", *addr)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
