// eventbus: the in-house pub/sub broker. Every component that wants a topic's events
// subscribes; each subscription has its own delivery goroutine, so one slow handler never
// holds up the others. Components come and go: an unsubscribe closes the subscription's done.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"sync"
	"sync/atomic"
	"time"
)

type event struct {
	Topic string          `json:"topic"`
	Body  json.RawMessage `json:"body"`
	At    int64           `json:"at"`
}

type subscription struct {
	id      int64
	topic   string
	inbox   chan event
	done    chan struct{}
	handled atomic.Int64
}

// deliver hands the subscription its events until it is unsubscribed.
func (s *subscription) deliver(handle func(*subscription, event)) {
	for {
		select {
		case ev := <-s.inbox:
			handle(s, ev)
			s.handled.Add(1)
		case <-s.done:
			return
		}
	}
}

type broker struct {
	mu      sync.RWMutex
	topics  map[string]map[int64]*subscription
	nextID  atomic.Int64
	dropped atomic.Int64
	handled atomic.Int64
}

func (b *broker) subscribe(topic string) *subscription {
	s := &subscription{id: b.nextID.Add(1), topic: topic, inbox: make(chan event, 16), done: make(chan struct{})}
	b.mu.Lock()
	if b.topics[topic] == nil {
		b.topics[topic] = make(map[int64]*subscription)
	}
	b.topics[topic][s.id] = s
	b.mu.Unlock()
	go s.deliver(b.handle)
	return s
}

func (b *broker) unsubscribe(s *subscription) {
	b.mu.Lock()
	delete(b.topics[s.topic], s.id)
	b.mu.Unlock()
	close(s.done)
}

// publish never waits for a subscriber: a full inbox drops the event (it is counted).
func (b *broker) publish(ev event) int {
	b.mu.RLock()
	defer b.mu.RUnlock()
	n := 0
	for _, s := range b.topics[ev.Topic] {
		select {
		case s.inbox <- ev:
			n++
		default:
			b.dropped.Add(1)
		}
	}
	return n
}

func (b *broker) handle(s *subscription, ev event) {
	var v map[string]any
	_ = json.Unmarshal(ev.Body, &v)
	b.handled.Add(1)
}

func (b *broker) handlePublish(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	ev := event{Topic: r.URL.Query().Get("topic"), Body: body, At: time.Now().UnixNano()}
	fmt.Fprintf(w, "{\"delivered\":%d}\n", b.publish(ev))
}

var topicNames []string

func init() {
	for _, area := range []string{"orders", "stock", "prices", "users", "carts", "shipments", "invoices", "reviews"} {
		for _, ev := range []string{"created", "updated", "deleted", "audited", "expired"} {
			topicNames = append(topicNames, area+"."+ev)
		}
	}
}

// components keeps n subscriptions open: each lives 20-240 s, then its component is
// redeployed and subscribes again, maybe to another topic.
func (b *broker) components(n int) {
	type member struct {
		s     *subscription
		until time.Time
	}
	live := make([]member, 0, n)
	for i := 0; i < n; i++ {
		live = append(live, member{b.subscribe(topicNames[rand.Intn(len(topicNames))]), time.Now().Add(time.Duration(20+rand.Intn(220)) * time.Second)})
	}
	for range time.Tick(250 * time.Millisecond) {
		now := time.Now()
		for i := range live {
			if now.After(live[i].until) {
				b.unsubscribe(live[i].s)
				live[i] = member{b.subscribe(topicNames[rand.Intn(len(topicNames))]), now.Add(time.Duration(20+rand.Intn(220)) * time.Second)}
			}
		}
	}
}

// producers publish ~25 events/s, most of them on a few busy topics.
func producers(base string) {
	c := &http.Client{Timeout: 5 * time.Second}
	for {
		time.Sleep(time.Duration(20+rand.Intn(40)) * time.Millisecond)
		t := topicNames[rand.Intn(6)]
		if rand.Intn(5) == 0 {
			t = topicNames[rand.Intn(len(topicNames))]
		}
		resp, err := c.Post(base+"/publish?topic="+t, "application/json", nil)
		if err != nil {
			log.Printf("producer: %v", err)
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

func (b *broker) report(every time.Duration) {
	for range time.Tick(every) {
		b.mu.RLock()
		subs := 0
		for _, m := range b.topics {
			subs += len(m)
		}
		b.mu.RUnlock()
		log.Printf("eventbus: %d subscriptions, %d subscribed so far, %d events handled, %d dropped", subs, b.nextID.Load(), b.handled.Load(), b.dropped.Load())
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
	b := &broker{topics: make(map[string]map[int64]*subscription)}
	http.HandleFunc("/publish", b.handlePublish)
	go b.components(220)
	go producers("http://" + *addr)
	go b.report(20 * time.Second)
	log.Printf("eventbus: listening on %s", *addr)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
