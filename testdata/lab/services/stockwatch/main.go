// stockwatch: "tell me when it is back in stock". A shopper's watch registers a listener on
// the inventory event bus for one SKU; when a stock event says the SKU is available again,
// the listener mails the notice that was composed when the watch was placed.
package main

import (
	"flag"
	"fmt"
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

type stockEvent struct {
	sku   string
	level int
}

// eventBus fans stock events out to the listeners registered for a SKU.
type eventBus struct {
	mu        sync.Mutex
	listeners map[string][]*listener
	nextID    uint64
}

type listener struct {
	id uint64
	fn func(stockEvent)
}

func newEventBus() *eventBus { return &eventBus{listeners: make(map[string][]*listener)} }

// Subscribe registers fn for events of sku and returns the function that removes it.
func (b *eventBus) Subscribe(sku string, fn func(stockEvent)) (unsubscribe func()) {
	b.mu.Lock()
	b.nextID++
	l := &listener{id: b.nextID, fn: fn}
	b.listeners[sku] = append(b.listeners[sku], l)
	b.mu.Unlock()
	return func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		ls := b.listeners[sku]
		for i, x := range ls {
			if x.id == l.id {
				b.listeners[sku] = append(ls[:i:i], ls[i+1:]...)
				break
			}
		}
	}
}

func (b *eventBus) Publish(ev stockEvent) int {
	b.mu.Lock()
	ls := append([]*listener(nil), b.listeners[ev.sku]...)
	b.mu.Unlock()
	for _, l := range ls {
		l.fn(ev)
	}
	return len(ls)
}

type mailer struct{ sent atomic.Int64 }

func (m *mailer) send(to string, body []byte) {
	if len(body) > 0 && to != "" {
		m.sent.Add(1)
	}
}

type watchService struct {
	bus    *eventBus
	mail   *mailer
	placed atomic.Int64
}

// composeNotice renders the back-in-stock mail now, while the product page data is at hand.
func (s *watchService) composeNotice(customer, sku string) []byte {
	body := make([]byte, 0, 1536)
	body = append(body, "To: "...)
	body = append(body, customer...)
	body = append(body, "\r\nSubject: Back in stock: "...)
	body = append(body, sku...)
	body = append(body, "\r\nContent-Type: text/html\r\n\r\n<html><body><p>Good news!</p><p>The item you asked about is available again.</p>"...)
	for i := 0; len(body) < 1400; i++ {
		body = append(body, "<p>Similar items: "...)
		body = strconv.AppendInt(body, int64(i), 10)
		body = append(body, " &middot; free returns &middot; ships in 24h</p>"...)
	}
	body = append(body, "</body></html>\r\n"...)
	return body
}

func (s *watchService) handleWatch(w http.ResponseWriter, r *http.Request) {
	customer := r.URL.Query().Get("customer")
	sku := r.URL.Query().Get("sku")
	if customer == "" || sku == "" {
		http.Error(w, "customer and sku are required", http.StatusBadRequest)
		return
	}
	notice := s.composeNotice(customer, sku)
	var once sync.Once
	s.bus.Subscribe(sku, func(ev stockEvent) {
		if ev.level > 0 {
			once.Do(func() { s.mail.send(customer, notice) })
		}
	})
	s.placed.Add(1)
	w.WriteHeader(http.StatusCreated)
	fmt.Fprintf(w, "{\"sku\":%q,\"watching\":true}\n", sku)
}

// warehouse publishes stock movements: most SKUs of the long tail stay sold out for weeks.
func warehouse(bus *eventBus, stop <-chan struct{}) {
	rng := rand.New(rand.NewSource(7))
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			sku := fmt.Sprintf("SKU-%05d", rng.Intn(40000))
			bus.Publish(stockEvent{sku: sku, level: rng.Intn(3) - 1})
		}
	}
}

// shoppers place watches on sold-out product pages.
func shoppers(base string) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(11))
	for n := 0; ; n++ {
		url := fmt.Sprintf("%s/v1/watch?customer=c%07d@example.com&sku=SKU-%05d", base, rng.Intn(5000000), rng.Intn(40000))
		resp, err := client.Post(url, "text/plain", nil)
		if err != nil {
			log.Printf("shopper: %v", err)
		} else {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		time.Sleep(time.Duration(10+rng.Intn(6)) * time.Millisecond)
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
	s := &watchService{bus: newEventBus(), mail: &mailer{}}
	http.HandleFunc("/v1/watch", s.handleWatch)
	go warehouse(s.bus, make(chan struct{}))
	go func() {
		for range time.Tick(15 * time.Second) {
			log.Printf("stats: watches placed=%d notices sent=%d", s.placed.Load(), s.mail.sent.Load())
		}
	}()
	go shoppers("http://" + *addr)
	log.Printf("stockwatch: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
