// mxrelay: the outbound mail relay. Messages are queued per recipient domain, and each
// domain has a pool of delivery workers sized to its backlog: a sizer looks at the queues
// every few seconds and gives a domain a pool of the size its backlog calls for. Workers hand
// messages to the domain's mail exchanger (a stand-in that takes 20-120 ms per message).
package main

import (
	"flag"
	"fmt"
	"log"
	"math/rand"
	"net/http"
	_ "net/http/pprof"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

type message struct {
	id     int
	rcpt   string
	domain string
	size   int
}

// domainPool delivers one domain's mail with a fixed number of workers.
type domainPool struct {
	domain  string
	workers int
	queue   chan message
	sent    *atomic.Int64
}

func newDomainPool(domain string, workers int, sent *atomic.Int64) *domainPool {
	p := &domainPool{domain: domain, workers: workers, queue: make(chan message, 64), sent: sent}
	for i := 0; i < workers; i++ {
		go p.work()
	}
	return p
}

// work delivers queued messages to the domain's exchanger.
func (p *domainPool) work() {
	for msg := range p.queue {
		deliver(p.domain, msg)
		p.sent.Add(1)
	}
}

// deliver stands in for the SMTP conversation with the domain's mail exchanger.
func deliver(domain string, msg message) {
	time.Sleep(time.Duration(20+rand.Intn(100)+msg.size/4096) * time.Millisecond)
}

type relay struct {
	mu       sync.Mutex
	pools    map[string]*domainPool
	backlog  map[string]int
	sent     atomic.Int64
	accepted atomic.Int64
	resized  atomic.Int64
}

// submit queues a message on its domain's pool.
func (r *relay) submit(msg message) {
	r.mu.Lock()
	p := r.pools[msg.domain]
	if p == nil {
		p = newDomainPool(msg.domain, 1, &r.sent)
		r.pools[msg.domain] = p
	}
	r.backlog[msg.domain]++
	r.mu.Unlock()
	r.accepted.Add(1)
	p.queue <- msg
}

// poolSize is the pool a backlog calls for: a worker per 16 messages queued, 1 to 8.
func poolSize(backlog int) int {
	n := 1 + backlog/16
	if n > 8 {
		n = 8
	}
	return n
}

// size gives every domain the pool its backlog since the last look calls for.
func (r *relay) size(every time.Duration) {
	for range time.Tick(every) {
		r.mu.Lock()
		for domain, p := range r.pools {
			want := poolSize(r.backlog[domain] + len(p.queue))
			if want != p.workers {
				np := newDomainPool(domain, want, &r.sent)
				r.pools[domain] = np
				go forward(p, np)
				r.resized.Add(1)
			}
			r.backlog[domain] = 0
		}
		r.mu.Unlock()
	}
}

// forward moves what is still queued on a replaced pool to its successor.
func forward(from, to *domainPool) {
	for {
		select {
		case msg := <-from.queue:
			to.queue <- msg
		default:
			return
		}
	}
}

func (r *relay) handleQueues(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	var lines []string
	for d, p := range r.pools {
		lines = append(lines, fmt.Sprintf("%s\t%d workers\t%d queued", d, p.workers, len(p.queue)))
	}
	r.mu.Unlock()
	sort.Strings(lines)
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
}

// senders are the applications handing mail to the relay: newsletters come in bursts to the
// big mailbox providers, receipts and password resets trickle to everyone.
func senders(r *relay) {
	big := []string{"gmail.com", "outlook.com", "yahoo.com"}
	id := 0
	for n := 0; n < 1000; n++ {
		burst := 1 + rand.Intn(3)
		domain := fmt.Sprintf("corp%d.example", rand.Intn(30))
		if rand.Intn(3) > 0 {
			domain = big[rand.Intn(len(big))]
			burst = 4 + rand.Intn(40)
		}
		for i := 0; i < burst; i++ {
			id++
			r.submit(message{id: id, rcpt: fmt.Sprintf("u%d@%s", rand.Intn(100000), domain), domain: domain, size: 2000 + rand.Intn(60000)})
		}
		time.Sleep(time.Duration(80+rand.Intn(320)) * time.Millisecond)
	}
	log.Printf("mxrelay: senders done")
}

func (r *relay) report(every time.Duration) {
	for range time.Tick(every) {
		r.mu.Lock()
		domains := len(r.pools)
		r.mu.Unlock()
		log.Printf("mxrelay: %d accepted, %d sent, %d domains, %d pool resizes",
			r.accepted.Load(), r.sent.Load(), domains, r.resized.Load())
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	r := &relay{pools: map[string]*domainPool{}, backlog: map[string]int{}}
	go r.size(5 * time.Second)
	go senders(r)
	go r.report(20 * time.Second)
	http.HandleFunc("/queues", r.handleQueues)
	log.Printf("mxrelay: listening on %s", *addr)
	log.Fatal(http.ListenAndServe(*addr, nil))
}
