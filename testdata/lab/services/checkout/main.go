// checkout: prices carts and answers retries idempotently. A client that retries a
// request with the same X-Request-Id gets the quote computed the first time.
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
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

type Quote struct {
	Subtotal  int64
	Discount  int64
	Tax       int64
	Shipping  int64
	Total     int64
	Currency  [4]byte
	Items     uint16
	Region    uint16
	Status    uint16
	Warehouse uint32
	PricedAt  int64
	ValidTill int64
	Carrier   [16]byte
	Promo     [32]byte
}

type CartLine struct {
	SKU   int    `json:"sku"`
	Qty   int    `json:"qty"`
	Price int64  `json:"price"`
	Name  string `json:"name,omitempty"`
}

type Cart struct {
	Region int        `json:"region"`
	Promo  string     `json:"promo"`
	Lines  []CartLine `json:"lines"`
}

type Pricer struct {
	mu      sync.Mutex
	replies map[uint64]Quote // request id -> first answer
	priced  atomic.Int64
	replays atomic.Int64
}

func (p *Pricer) price(c *Cart) Quote {
	var q Quote
	for _, l := range c.Lines {
		q.Subtotal += l.Price * int64(l.Qty)
		q.Items += uint16(l.Qty)
	}
	if c.Promo != "" && q.Subtotal > 5000 {
		q.Discount = q.Subtotal / 10
		copy(q.Promo[:], c.Promo)
	}
	q.Tax = (q.Subtotal - q.Discount) * 19 / 100
	if q.Subtotal < 4000 {
		q.Shipping = 495
	}
	q.Total = q.Subtotal - q.Discount + q.Tax + q.Shipping
	copy(q.Currency[:], "EUR")
	copy(q.Carrier[:], "dhl-express")
	q.Region = uint16(c.Region)
	q.Warehouse = uint32(100 + c.Region%7)
	q.PricedAt = time.Now().Unix()
	q.ValidTill = q.PricedAt + 900
	q.Status = 200
	return q
}

func (p *Pricer) remember(id uint64, q Quote) {
	p.mu.Lock()
	p.replies[id] = q
	p.mu.Unlock()
}

func (p *Pricer) lookup(id uint64) (Quote, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	q, ok := p.replies[id]
	return q, ok
}

func (p *Pricer) handleQuote(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseUint(r.Header.Get("X-Request-Id"), 16, 64)
	if err != nil {
		http.Error(w, "missing X-Request-Id", http.StatusBadRequest)
		return
	}
	q, ok := p.lookup(id)
	if ok {
		p.replays.Add(1)
	} else {
		var c Cart
		if err := json.NewDecoder(r.Body).Decode(&c); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		q = p.price(&c)
		p.remember(id, q)
		p.priced.Add(1)
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"total":%d,"tax":%d,"shipping":%d,"currency":"EUR"}`+"\n", q.Total, q.Tax, q.Shipping)
}

type BatchItem struct {
	RequestID string `json:"request_id"`
	Cart      Cart   `json:"cart"`
}

// handleBatch prices the carts of a marketplace partner; every cart has its own request id.
func (p *Pricer) handleBatch(w http.ResponseWriter, r *http.Request) {
	var items []BatchItem
	if err := json.NewDecoder(r.Body).Decode(&items); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, "[")
	for i := range items {
		id, err := strconv.ParseUint(items[i].RequestID, 16, 64)
		if err != nil {
			continue
		}
		q, ok := p.lookup(id)
		if ok {
			p.replays.Add(1)
		} else {
			q = p.price(&items[i].Cart)
			p.remember(id, q)
			p.priced.Add(1)
		}
		if i > 0 {
			io.WriteString(w, ",")
		}
		fmt.Fprintf(w, `{"request_id":%q,"total":%d}`, items[i].RequestID, q.Total)
	}
	io.WriteString(w, "]\n")
}

func randomCart(rng *rand.Rand) Cart {
	c := Cart{Region: rng.Intn(40), Promo: []string{"", "", "SPRING10"}[rng.Intn(3)]}
	for i := 0; i < 1+rng.Intn(4); i++ {
		c.Lines = append(c.Lines, CartLine{SKU: 1000 + rng.Intn(9000), Qty: 1 + rng.Intn(3), Price: int64(199 + rng.Intn(9000))})
	}
	return c
}

// storefront plays the web shop (single carts, a few retried) and a marketplace partner (batches).
func storefront(base string) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(7))
	var last uint64
	for n := 0; ; n++ {
		id := rng.Uint64()
		if last != 0 && rng.Intn(20) == 0 {
			id = last // client retry
		}
		last = id
		c := randomCart(rng)
		body, _ := json.Marshal(&c)
		req, _ := http.NewRequest(http.MethodPost, base+"/v1/quote", bytesReader(body))
		req.Header.Set("X-Request-Id", strconv.FormatUint(id, 16))
		if resp, err := client.Do(req); err != nil {
			log.Printf("storefront: %v", err)
		} else {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		if n%2 == 0 {
			batch := make([]BatchItem, 12)
			for i := range batch {
				batch[i] = BatchItem{RequestID: strconv.FormatUint(rng.Uint64(), 16), Cart: randomCart(rng)}
			}
			body, _ := json.Marshal(batch)
			if resp, err := client.Post(base+"/v1/quotes", "application/json", bytesReader(body)); err != nil {
				log.Printf("partner: %v", err)
			} else {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}
		time.Sleep(12 * time.Millisecond)
	}
}

type byteReader struct {
	b []byte
	i int
}

func (r *byteReader) Read(p []byte) (int, error) {
	if r.i >= len(r.b) {
		return 0, io.EOF
	}
	n := copy(p, r.b[r.i:])
	r.i += n
	return n, nil
}

func bytesReader(b []byte) io.Reader { return &byteReader{b: b} }

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	p := &Pricer{replies: make(map[uint64]Quote)}
	http.HandleFunc("/v1/quote", p.handleQuote)
	http.HandleFunc("/v1/quotes", p.handleBatch)
	go func() {
		for range time.Tick(15 * time.Second) {
			log.Printf("stats: priced=%d replayed=%d", p.priced.Load(), p.replays.Load())
		}
	}()
	go storefront("http://" + *addr)
	log.Printf("checkout: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
