// broadcast: alert fan-out service. Incoming alerts are delivered to every subscriber of
// the alert's topic through an outbound provider (SMS/push/e-mail gateway).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
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

type Alert struct {
	ID       int64  `json:"id"`
	Topic    string `json:"topic"`
	Severity string `json:"severity"`
	Locale   string `json:"locale"`
	Text     string `json:"text"`
}

type Subscriber struct {
	ID      int
	Channel string
	Address string
}

// Provider is the outbound gateway. Its acknowledgement time grows when it is throttling us.
type Provider struct {
	name    string
	ackMin  time.Duration
	ackJit  time.Duration
	timeout time.Duration
	sent    atomic.Int64
	failed  atomic.Int64
}

type Dispatcher struct {
	mu       sync.RWMutex
	subs     map[string][]Subscriber
	provider *Provider
	inflight atomic.Int64
	accepted atomic.Int64

	digestMu sync.Mutex
	digest   map[string]map[string]int // locale -> topic -> alerts
}

func NewDispatcher(p *Provider) *Dispatcher {
	d := &Dispatcher{subs: map[string][]Subscriber{}, provider: p, digest: map[string]map[string]int{}}
	for _, loc := range []string{"en", "de", "fr"} {
		d.digest[loc] = map[string]int{}
	}
	id := 1
	for _, topic := range []string{"checkout", "payments", "search", "storage"} {
		for i := 0; i < 12; i++ {
			ch := []string{"sms", "push", "email"}[i%3]
			d.subs[topic] = append(d.subs[topic], Subscriber{ID: id, Channel: ch, Address: fmt.Sprintf("oncall-%d@%s", id, ch)})
			id++
		}
	}
	return d
}

// deliver sends one alert to one subscriber and waits for the provider's acknowledgement.
func (d *Dispatcher) deliver(ctx context.Context, sub Subscriber, a Alert) {
	defer d.inflight.Add(-1)
	ctx, cancel := context.WithTimeout(ctx, d.provider.timeout)
	defer cancel()
	ack := time.NewTimer(d.provider.ackMin + time.Duration(rand.Int63n(int64(d.provider.ackJit))))
	defer ack.Stop()
	select {
	case <-ack.C:
		d.provider.sent.Add(1)
	case <-ctx.Done():
		d.provider.failed.Add(1)
	}
}

// fanOut hands the alert to every subscriber of its topic.
func (d *Dispatcher) fanOut(a Alert) int {
	d.mu.RLock()
	subs := d.subs[a.Topic]
	d.mu.RUnlock()
	for _, sub := range subs {
		d.inflight.Add(1)
		go d.deliver(context.Background(), sub, a)
	}
	return len(subs)
}

func (d *Dispatcher) record(a Alert) {
	d.digestMu.Lock()
	defer d.digestMu.Unlock()
	byTopic := d.digest[a.Locale]
	byTopic[a.Topic]++
}

func (d *Dispatcher) handleAlert(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	var a Alert
	if err := json.NewDecoder(r.Body).Decode(&a); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	d.accepted.Add(1)
	n := d.fanOut(a)
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"id":%d,"recipients":%d}`+"\n", a.ID, n)
}

// digestLoop summarises accepted alerts per locale for the hourly on-call digest.
func (d *Dispatcher) digestLoop(alerts <-chan Alert, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	var pending []Alert
	for {
		select {
		case a := <-alerts:
			pending = append(pending, a)
		case <-t.C:
			for _, a := range pending {
				d.record(a)
			}
			log.Printf("digest: %d alerts summarised, %d deliveries in flight", len(pending), d.inflight.Load())
			pending = pending[:0]
		}
	}
}

func (d *Dispatcher) statsLoop() {
	for range time.Tick(10 * time.Second) {
		log.Printf("stats: accepted=%d in_flight=%d sent=%d failed=%d",
			d.accepted.Load(), d.inflight.Load(), d.provider.sent.Load(), d.provider.failed.Load())
	}
}

// monitor simulates the upstream monitoring system: quiet, then an incident storm, then quiet.
func monitor(base string, locales []string, digest chan<- Alert) {
	client := &http.Client{Timeout: 10 * time.Second}
	topics := []string{"checkout", "payments", "search", "storage"}
	start := time.Now()
	var id int64
	for {
		el := time.Since(start)
		every := 15 * time.Second
		if el < 4*time.Second {
			every = 4*time.Second - el
		} else if el < 66*time.Second {
			every = 1200 * time.Millisecond // incident: alert storm
		}
		id++
		a := Alert{ID: id, Topic: topics[rand.Intn(len(topics))], Severity: "critical",
			Locale: locales[rand.Intn(len(locales))], Text: "error rate above SLO"}
		body, _ := json.Marshal(a)
		resp, err := client.Post(base+"/v1/alerts", "application/json", bytes.NewReader(body))
		if err != nil {
			log.Printf("monitor: %v", err)
		} else {
			resp.Body.Close()
			digest <- a
		}
		time.Sleep(every)
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	locales := flag.String("locales", "en,de,fr", "locales used by the alert sources")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}

	p := &Provider{name: "notify-gw", ackMin: 36 * time.Second, ackJit: 12 * time.Second, timeout: 60 * time.Second}
	d := NewDispatcher(p)
	http.HandleFunc("/v1/alerts", d.handleAlert)
	digest := make(chan Alert, 64)
	go d.digestLoop(digest, 20*time.Second)
	go d.statsLoop()
	go monitor("http://"+*addr, strings.Split(*locales, ","), digest)
	log.Printf("broadcast: listening on %s (provider %s)", *addr, p.name)
	log.Fatal(http.Serve(ln, nil))
}
