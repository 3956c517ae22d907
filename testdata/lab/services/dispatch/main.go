// dispatch: order-event dispatcher. Incoming order events are queued to a fixed pool of
// workers; processed events are published to in-process subscribers (search indexer,
// mailer, analytics, ...), each with its own goroutine and inbox; calls to the rate-limited
// carrier API go through a small semaphore, so bursts wait their turn briefly.
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
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type OrderEvent struct {
	Order  int64  `json:"order"`
	Kind   string `json:"kind"`
	Amount int64  `json:"amount"`
}

// ---- broker: one goroutine per subscriber, blocked on its inbox between events

type Broker struct {
	mu          sync.RWMutex
	subscribers map[string]chan OrderEvent
	delivered   atomic.Int64
	dropped     atomic.Int64
}

func (b *Broker) subscribe(name string, handle func(OrderEvent)) {
	inbox := make(chan OrderEvent, 16)
	b.mu.Lock()
	b.subscribers[name] = inbox
	b.mu.Unlock()
	go func() {
		for ev := range inbox {
			handle(ev)
			b.delivered.Add(1)
		}
	}()
}

func (b *Broker) publish(ev OrderEvent) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	for _, inbox := range b.subscribers {
		select {
		case inbox <- ev:
		default:
			b.dropped.Add(1)
		}
	}
}

// ---- carrier API: at most 4 calls in flight

type Carrier struct {
	slots  chan struct{}
	booked atomic.Int64
}

func (c *Carrier) bookPickup(order int64) {
	c.slots <- struct{}{}
	defer func() { <-c.slots }()
	time.Sleep(time.Duration(20+rand.Intn(60)) * time.Millisecond)
	c.booked.Add(1)
}

// ---- dispatcher: fixed worker pool over a job queue

type Dispatcher struct {
	jobs      chan OrderEvent
	broker    *Broker
	carrier   *Carrier
	processed atomic.Int64
}

func (d *Dispatcher) startWorkers(n int) {
	for i := 0; i < n; i++ {
		go d.work()
	}
}

func (d *Dispatcher) work() {
	for ev := range d.jobs {
		if ev.Kind == "paid" {
			d.carrier.bookPickup(ev.Order)
		}
		d.broker.publish(ev)
		d.processed.Add(1)
	}
}

func (d *Dispatcher) handleEvent(w http.ResponseWriter, r *http.Request) {
	var ev OrderEvent
	if err := json.NewDecoder(r.Body).Decode(&ev); err != nil {
		http.Error(w, "bad event", http.StatusBadRequest)
		return
	}
	select {
	case d.jobs <- ev:
		w.WriteHeader(http.StatusAccepted)
	case <-time.After(2 * time.Second):
		http.Error(w, "queue full", http.StatusServiceUnavailable)
	}
}

func (d *Dispatcher) report(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for range t.C {
		log.Printf("dispatch: processed=%d delivered=%d dropped=%d pickups=%d", d.processed.Load(),
			d.broker.delivered.Load(), d.broker.dropped.Load(), d.carrier.booked.Load())
	}
}

// shopTraffic posts order events in bursts, as checkouts arrive after a campaign mail.
func shopTraffic(base string) {
	client := &http.Client{Timeout: 5 * time.Second}
	kinds := []string{"created", "paid", "paid", "shipped", "cancelled"}
	var order int64
	for {
		burst := 5 + rand.Intn(30)
		var wg sync.WaitGroup
		for i := 0; i < burst; i++ {
			order++
			ev := OrderEvent{Order: order, Kind: kinds[rand.Intn(len(kinds))], Amount: int64(500 + rand.Intn(20000))}
			body, _ := json.Marshal(ev)
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := client.Post(base+"/events", "application/json", strings.NewReader(string(body)))
				if err != nil {
					log.Printf("shop: %v", err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}()
		}
		wg.Wait()
		time.Sleep(time.Duration(800+rand.Intn(1500)) * time.Millisecond)
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
	broker := &Broker{subscribers: map[string]chan OrderEvent{}}
	var indexed, mailed, revenue atomic.Int64
	broker.subscribe("search-indexer", func(OrderEvent) { indexed.Add(1) })
	broker.subscribe("mailer", func(ev OrderEvent) {
		if ev.Kind == "shipped" {
			mailed.Add(1)
		}
	})
	broker.subscribe("analytics", func(ev OrderEvent) { revenue.Add(ev.Amount) })
	for i := 0; i < 24; i++ {
		broker.subscribe(fmt.Sprintf("webhook-%02d", i), func(OrderEvent) { time.Sleep(time.Millisecond) })
	}
	d := &Dispatcher{jobs: make(chan OrderEvent, 256), broker: broker, carrier: &Carrier{slots: make(chan struct{}, 4)}}
	d.startWorkers(64)
	http.HandleFunc("/events", d.handleEvent)
	go d.report(15 * time.Second)
	go shopTraffic("http://" + *addr)
	log.Printf("dispatch: listening on %s", *addr)
	srv := &http.Server{Addr: *addr, IdleTimeout: 2 * time.Minute, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
