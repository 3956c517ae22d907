// eventhooks is the order platform's webhook dispatcher: POST /v1/events?topic=T takes an
// event and delivers it to every endpoint subscribed to T, each delivery in its own
// goroutine so that a slow subscriber never holds up the others. A delivery that fails is
// retried by a shared backoff policy, doubling its pause up to 30 s; a permanent failure (a
// 4xx other than 408 and 429: the subscriber rejects the event or is gone) ends it at once.
package main

import (
	"bytes"
	"errors"
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

// statusError is a subscriber's non-2xx answer.
type statusError struct {
	code int
}

func (e *statusError) Error() string { return fmt.Sprintf("status %d", e.code) }

// backoff retries a call until it succeeds or fails for good. Max 0 means no limit: a
// subscriber that is down is expected to come back, and its events must not be lost.
type backoff struct {
	Base, Cap time.Duration
	Max       int
}

// permanent tells failures that retrying cannot fix.
func permanent(err error) bool {
	var se *statusError
	if errors.As(err, &se) {
		return se.code >= 400 && se.code < 500 && se.code != 408 && se.code != 429
	}
	return false
}

func (b backoff) Do(fn func() error) error {
	pause := b.Base
	for attempt := 1; ; attempt++ {
		err := fn()
		if err == nil || permanent(err) {
			return err
		}
		if b.Max > 0 && attempt >= b.Max {
			return err
		}
		time.Sleep(pause/2 + time.Duration(rand.Int63n(int64(pause/2)+1)))
		if pause *= 2; pause > b.Cap {
			pause = b.Cap
		}
	}
}

type subscription struct {
	Name   string
	URL    string
	Topics []string
}

type dispatcher struct {
	mu        sync.RWMutex
	subs      []subscription
	client    *http.Client
	policy    backoff
	delivered atomic.Int64
	failed    atomic.Int64
}

// post sends one event to one subscriber.
func (d *dispatcher) post(s subscription, topic string, body []byte) error {
	req, err := http.NewRequest(http.MethodPost, s.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Event-Topic", topic)
	resp, err := d.client.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %v", s.Name, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		// The subscriber's name, for the log line the caller writes.
		return fmt.Errorf("%s: %v", s.Name, &statusError{resp.StatusCode})
	}
	return nil
}

func (d *dispatcher) deliver(s subscription, topic string, body []byte) {
	err := d.policy.Do(func() error { return d.post(s, topic, body) })
	if err != nil {
		d.failed.Add(1)
		log.Printf("eventhooks: %s gave up: %v", s.Name, err)
		return
	}
	d.delivered.Add(1)
}

// publish starts one delivery per subscriber of the topic.
func (d *dispatcher) publish(topic string, body []byte) int {
	d.mu.RLock()
	defer d.mu.RUnlock()
	n := 0
	for _, s := range d.subs {
		for _, t := range s.Topics {
			if t == topic {
				go d.deliver(s, topic, body)
				n++
				break
			}
		}
	}
	return n
}

func (d *dispatcher) handleEvents(w http.ResponseWriter, r *http.Request) {
	topic := r.URL.Query().Get("topic")
	if r.Method != http.MethodPost || topic == "" {
		http.Error(w, "POST /v1/events?topic=T", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	n := d.publish(topic, body)
	w.WriteHeader(http.StatusAccepted)
	fmt.Fprintf(w, `{"topic":%q,"deliveries":%d}`+"\n", topic, n)
}

func (d *dispatcher) handleStats(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintf(w, "delivered %d, failed %d\n", d.delivered.Load(), d.failed.Load())
}

// The subscribers, played in process: the warehouse, the mailer and analytics take every
// event; the old CRM integration was switched off last quarter and answers 410 Gone, but
// its subscription was never deleted.
func subscriberHandler(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if name == "legacy-crm" {
			http.Error(w, "integration disabled", http.StatusGone)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

var topics = []string{"order.created", "order.paid", "order.shipped", "cart.updated", "refund.issued"}

// shop plays the order service publishing its events.
func shop(base string, n int) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(int64(n) + 11))
	for i := 0; ; i++ {
		topic := topics[rng.Intn(len(topics))]
		body := fmt.Sprintf(`{"id":"evt_%d_%d","topic":%q,"order":"ord_%06d","amount_cents":%d,"currency":"EUR","at":%q}`,
			n, i, topic, rng.Intn(1000000), 500+rng.Intn(50000), time.Now().UTC().Format(time.RFC3339Nano))
		resp, err := client.Post(base+"/v1/events?topic="+topic, "application/json", strings.NewReader(body))
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		time.Sleep(time.Duration(300+rng.Intn(700)) * time.Millisecond)
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
	base := "http://" + *addr
	d := &dispatcher{
		client: &http.Client{Timeout: 10 * time.Second},
		policy: backoff{Base: 250 * time.Millisecond, Cap: 30 * time.Second},
		subs: []subscription{
			{"warehouse", base + "/hooks/warehouse", []string{"order.paid", "refund.issued"}},
			{"mailer", base + "/hooks/mailer", []string{"order.created", "order.shipped", "refund.issued"}},
			{"analytics", base + "/hooks/analytics", topics},
			{"legacy-crm", base + "/hooks/legacy-crm", []string{"order.created", "order.paid"}},
		},
	}
	for _, s := range d.subs {
		http.Handle("/hooks/"+s.Name, subscriberHandler(s.Name))
	}
	http.HandleFunc("/v1/events", d.handleEvents)
	http.HandleFunc("/v1/stats", d.handleStats)
	for i := 0; i < 2; i++ {
		go shop(base, i)
	}
	log.Printf("eventhooks: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
