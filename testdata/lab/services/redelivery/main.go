// redelivery: a webhook redelivery scheduler. An event is delivered to its subscriber's endpoint;
// a delivery that fails is retried with capped exponential backoff and jitter (1 s doubling up to
// 2 minutes, 12 attempts), each delivery in its own goroutine that sleeps between attempts.
// Subscribers' endpoints go down for minutes at a time, so most deliveries wait in time.Sleep
// for a long while, by design; a semaphore bounds how many are in flight.
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
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const (
	maxInFlight = 40
	maxAttempts = 12
	maxBackoff  = 2 * time.Minute
)

type event struct {
	ID       int64  `json:"id"`
	Endpoint string `json:"-"`
	Kind     string `json:"kind"`
	Payload  string `json:"payload"`
}

type scheduler struct {
	client    *http.Client
	base      string
	inFlight  chan struct{}
	delivered atomic.Int64
	retried   atomic.Int64
	dropped   atomic.Int64
	shed      atomic.Int64
}

// submit starts a delivery when there is room, and sheds the event (it stays in the outbox
// table for the next sweep) when there is not.
func (s *scheduler) submit(ev *event) bool {
	select {
	case s.inFlight <- struct{}{}:
		go s.deliver(ev)
		return true
	default:
		s.shed.Add(1)
		return false
	}
}

// deliver tries an event until its endpoint accepts it, sleeping a growing, jittered backoff
// between attempts.
func (s *scheduler) deliver(ev *event) {
	defer func() { <-s.inFlight }()
	backoff := time.Second
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		if err := s.post(ev); err == nil {
			s.delivered.Add(1)
			return
		}
		s.retried.Add(1)
		wait := backoff/2 + time.Duration(rand.Int63n(int64(backoff)))
		time.Sleep(wait)
		if backoff *= 2; backoff > maxBackoff {
			backoff = maxBackoff
		}
	}
	s.dropped.Add(1)
}

func (s *scheduler) post(ev *event) error {
	body, _ := json.Marshal(ev)
	resp, err := s.client.Post(s.base+"/hooks/"+ev.Endpoint, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s: %s", ev.Endpoint, resp.Status)
	}
	return nil
}

// subscribers: the receiving side, each endpoint up for a while and then down for minutes.
type subscribers struct {
	mu   sync.Mutex
	down map[string]time.Time // down until
}

func (sb *subscribers) handleHook(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/hooks/")
	io.Copy(io.Discard, r.Body)
	sb.mu.Lock()
	until, isDown := sb.down[name]
	sb.mu.Unlock()
	time.Sleep(time.Duration(5+rand.Intn(40)) * time.Millisecond)
	if isDown && time.Now().Before(until) || rand.Intn(10) == 0 {
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// outages takes endpoints down for 1-4 minutes now and then.
func (sb *subscribers) outages(names []string) {
	for {
		name := names[rand.Intn(len(names))]
		sb.mu.Lock()
		sb.down[name] = time.Now().Add(time.Duration(60+rand.Intn(180)) * time.Second)
		sb.mu.Unlock()
		time.Sleep(time.Duration(8+rand.Intn(20)) * time.Second)
	}
}

var endpoints = []string{"crm", "billing", "chatops", "warehouse", "analytics", "mailer", "ledger", "search"}
var kinds = []string{"order.created", "order.paid", "invoice.sent", "user.updated", "stock.low"}

// outbox produces events as the application commits them (~3 a second).
func (s *scheduler) outbox() {
	var id int64
	for {
		id++
		ev := &event{ID: id, Endpoint: endpoints[rand.Intn(len(endpoints))], Kind: kinds[rand.Intn(len(kinds))],
			Payload: fmt.Sprintf("ref-%06d", rand.Intn(1000000))}
		s.submit(ev)
		time.Sleep(time.Duration(150+rand.Intn(350)) * time.Millisecond)
	}
}

func (s *scheduler) report(every time.Duration) {
	for range time.Tick(every) {
		log.Printf("redelivery: %d in flight, %d delivered, %d retries, %d dropped, %d shed",
			len(s.inFlight), s.delivered.Load(), s.retried.Load(), s.dropped.Load(), s.shed.Load())
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
	sb := &subscribers{down: map[string]time.Time{}}
	for _, e := range endpoints[:5] { // five are down when the service starts
		sb.down[e] = time.Now().Add(time.Duration(40+rand.Intn(120)) * time.Second)
	}
	http.HandleFunc("/hooks/", sb.handleHook)
	s := &scheduler{client: &http.Client{Timeout: 5 * time.Second}, base: "http://" + *addr,
		inFlight: make(chan struct{}, maxInFlight)}
	go sb.outages(endpoints)
	go s.outbox()
	go s.report(20 * time.Second)
	log.Printf("redelivery: listening on %s", *addr)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
