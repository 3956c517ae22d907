// matching: the order-matching engine of a small exchange. Orders arrive on an intake queue;
// a pool of runtime.NumCPU()*16 matchers takes them, and each locks the one order book (a
// sync.Mutex) to match the order and append the fill to the journal before unlocking, so a
// crash never loses a fill. The book is the service's one shared state: matchers spend most
// of their time waiting for its lock, by design, and the queue stays short.
package main

import (
	"flag"
	"fmt"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"runtime"
	"sort"
	"sync"
	"time"
)

type order struct {
	id    int64
	buy   bool
	price int // cents
	qty   int
}

type orderBook struct {
	mu      sync.Mutex
	bids    []order // best (highest) first
	asks    []order // best (lowest) first
	fills   int
	journal []string
}

// appendJournal stands in for the replicated journal: an append is acknowledged after
// about half a millisecond.
func (b *orderBook) appendJournal(line string) {
	time.Sleep(time.Duration(200+rand.Intn(600)) * time.Microsecond)
	b.journal = append(b.journal, line)
	if len(b.journal) > 4096 {
		b.journal = b.journal[:0]
	}
}

// match journals the order, crosses it against the other side of the book and rests what
// is left; every fill is journalled too.
func (b *orderBook) match(o order) {
	b.mu.Lock()
	defer b.mu.Unlock()
	other := &b.asks
	if !o.buy {
		other = &b.bids
	}
	b.appendJournal(fmt.Sprintf("order %d %v %d@%d", o.id, o.buy, o.qty, o.price))
	for o.qty > 0 && len(*other) > 0 {
		best := &(*other)[0]
		if (o.buy && best.price > o.price) || (!o.buy && best.price < o.price) {
			break
		}
		q := o.qty
		if best.qty < q {
			q = best.qty
		}
		o.qty -= q
		best.qty -= q
		b.fills++
		b.appendJournal(fmt.Sprintf("fill %d %d %d@%d", o.id, best.id, q, best.price))
		if best.qty == 0 {
			*other = (*other)[1:]
		}
	}
	if o.qty > 0 {
		b.rest(o)
	}
}

func (b *orderBook) rest(o order) {
	side := &b.bids
	if !o.buy {
		side = &b.asks
	}
	*side = append(*side, o)
	s := *side
	sort.Slice(s, func(i, j int) bool {
		if o.buy {
			return s[i].price > s[j].price
		}
		return s[i].price < s[j].price
	})
	if len(s) > 500 {
		*side = s[:500]
	}
}

type engine struct {
	book    orderBook
	intake  chan order
	matched int64
	mu      sync.Mutex
}

// matcher takes orders off the intake queue for the life of the process.
func (e *engine) matcher() {
	for o := range e.intake {
		e.book.match(o)
		e.mu.Lock()
		e.matched++
		e.mu.Unlock()
	}
}

func (e *engine) handleDepth(w http.ResponseWriter, r *http.Request) {
	e.book.mu.Lock()
	bids, asks, fills := len(e.book.bids), len(e.book.asks), e.book.fills
	e.book.mu.Unlock()
	fmt.Fprintf(w, "bids %d asks %d fills %d\n", bids, asks, fills)
}

// traders submit orders around a drifting mid price, faster than one matcher alone could
// take them.
func (e *engine) traders(n int) {
	var id int64
	var mu sync.Mutex
	for i := 0; i < n; i++ {
		go func() {
			for {
				mu.Lock()
				id++
				o := order{id: id, buy: rand.Intn(2) == 0, price: 10000 + rand.Intn(40) - 20, qty: 1 + rand.Intn(10)}
				mu.Unlock()
				e.intake <- o
				time.Sleep(time.Duration(4+rand.Intn(8)) * time.Millisecond)
			}
		}()
	}
}

func (e *engine) watchDepth(base string) {
	for range time.Tick(2 * time.Second) {
		resp, err := http.Get(base + "/book/depth")
		if err == nil {
			resp.Body.Close()
		}
	}
}

func (e *engine) report(every time.Duration) {
	for range time.Tick(every) {
		e.mu.Lock()
		n := e.matched
		e.mu.Unlock()
		log.Printf("matching: %d orders matched, %d waiting", n, len(e.intake))
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
	e := &engine{intake: make(chan order, 256)}
	matchers := runtime.NumCPU() * 16
	for i := 0; i < matchers; i++ {
		go e.matcher()
	}
	http.HandleFunc("/book/depth", e.handleDepth)
	e.traders(12)
	go e.watchDepth("http://" + *addr)
	go e.report(20 * time.Second)
	log.Printf("matching: %d matchers, listening on %s", matchers, *addr)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
