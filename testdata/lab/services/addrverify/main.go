// addrverify checks shipping addresses for the checkout and the warehouse. The
// address provider charges per call and takes up to 100 addresses a call, so
// requests are gathered into batches: a request joins the open batch and waits on
// the batcher's condition variable until its batch has been answered. A batch is
// sent when it is full or a second after its first address, up to three at once.
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

type verdict struct {
	Valid      bool   `json:"valid"`
	Normalized string `json:"normalized"`
}

type batch struct {
	seq       int64
	addresses []string
	results   []verdict
	err       error
	done      bool
}

type batcher struct {
	mu       sync.Mutex
	answered *sync.Cond
	open     *batch
	full     chan *batch
	seq      int64
	maxSize  int
	provider *providerClient
	inFlight chan struct{}
	sent     int64
}

func newBatcher(p *providerClient, maxSize, parallel int) *batcher {
	b := &batcher{full: make(chan *batch, 8), maxSize: maxSize, provider: p, inFlight: make(chan struct{}, parallel)}
	b.answered = sync.NewCond(&b.mu)
	return b
}

// verify adds the address to the open batch and waits until the batch is answered.
func (b *batcher) verify(address string) (verdict, error) {
	b.mu.Lock()
	if b.open == nil {
		b.seq++
		b.open = &batch{seq: b.seq}
		go b.closeAfter(b.open, time.Second)
	}
	bt, i := b.open, len(b.open.addresses)
	bt.addresses = append(bt.addresses, address)
	if len(bt.addresses) == b.maxSize {
		b.open = nil
		b.full <- bt
	}
	for !bt.done {
		b.answered.Wait()
	}
	b.mu.Unlock()
	if bt.err != nil {
		return verdict{}, bt.err
	}
	return bt.results[i], nil
}

// closeAfter sends a batch that has not filled up within d.
func (b *batcher) closeAfter(bt *batch, d time.Duration) {
	time.Sleep(d)
	b.mu.Lock()
	if b.open == bt {
		b.open = nil
		b.full <- bt
	}
	b.mu.Unlock()
}

// dispatch sends closed batches to the provider, a few at a time.
func (b *batcher) dispatch() {
	for bt := range b.full {
		b.inFlight <- struct{}{}
		go func(bt *batch) {
			defer func() { <-b.inFlight }()
			results, err := b.provider.check(bt.addresses)
			b.mu.Lock()
			bt.results, bt.err, bt.done = results, err, true
			b.answered.Broadcast()
			b.mu.Unlock()
			atomic.AddInt64(&b.sent, 1)
		}(bt)
	}
}

type providerClient struct {
	base   string
	client *http.Client
}

func (p *providerClient) check(addresses []string) ([]verdict, error) {
	body, _ := json.Marshal(addresses)
	resp, err := p.client.Post(p.base+"/v1/verify", "application/json", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out []verdict
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, err
	}
	if len(out) != len(addresses) {
		return nil, fmt.Errorf("provider answered %d of %d", len(out), len(addresses))
	}
	return out, nil
}

// addressProvider stands in for the address-data provider: a call takes 0.3-1.5 s,
// and for a few seconds every 15-30 s (its own batch jobs) 4-9 s.
func addressProvider() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatalf("provider: %v", err)
	}
	var slowUntil int64
	go func() {
		for {
			time.Sleep(time.Duration(15+rand.Intn(15)) * time.Second)
			atomic.StoreInt64(&slowUntil, time.Now().Add(time.Duration(3+rand.Intn(4))*time.Second).UnixNano())
		}
	}()
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/verify", func(w http.ResponseWriter, r *http.Request) {
		var in []string
		json.NewDecoder(r.Body).Decode(&in)
		d := time.Duration(300+rand.Intn(1200)) * time.Millisecond
		if time.Now().UnixNano() < atomic.LoadInt64(&slowUntil) {
			d = time.Duration(4000+rand.Intn(5000)) * time.Millisecond
		}
		time.Sleep(d)
		out := make([]verdict, len(in))
		for i, a := range in {
			out[i] = verdict{Valid: !strings.Contains(a, "PO Box 0"), Normalized: strings.ToUpper(a)}
		}
		json.NewEncoder(w).Encode(out)
	})
	go http.Serve(ln, mux)
	return "http://" + ln.Addr().String()
}

func (b *batcher) handleVerify(w http.ResponseWriter, r *http.Request) {
	address := r.URL.Query().Get("address")
	if address == "" {
		http.Error(w, "address required", http.StatusBadRequest)
		return
	}
	v, err := b.verify(address)
	if err != nil {
		http.Error(w, "provider: "+err.Error(), http.StatusBadGateway)
		return
	}
	json.NewEncoder(w).Encode(v)
}

// checkouts replays the checkout and warehouse callers, each verifying one address
// after another.
func checkouts(base string, callers int) {
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	streets := []string{"High Street", "Station Road", "Church Lane", "Mill Road", "PO Box 0", "Victoria Road"}
	for i := 0; i < callers; i++ {
		go func(id int) {
			for n := 0; ; n++ {
				addr := fmt.Sprintf("%d %s, Leeds LS%d", 1+rand.Intn(200), streets[rand.Intn(len(streets))], 1+rand.Intn(28))
				resp, err := client.Get(base + "/verify?address=" + strings.ReplaceAll(addr, " ", "+"))
				if err != nil {
					log.Printf("caller %d: %v", id, err)
				} else {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				time.Sleep(time.Duration(100+rand.Intn(900)) * time.Millisecond)
			}
		}(i)
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	b := newBatcher(&providerClient{base: addressProvider(), client: &http.Client{Timeout: 20 * time.Second}}, 100, 3)
	go b.dispatch()
	http.HandleFunc("/verify", b.handleVerify)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("listen: %v", err)
	}
	log.Printf("addrverify listening on %s", ln.Addr())
	go checkouts("http://"+ln.Addr().String(), 60)
	go func() {
		for range time.Tick(10 * time.Second) {
			log.Printf("addrverify: batches sent=%d", atomic.LoadInt64(&b.sent))
		}
	}()
	log.Fatal(http.Serve(ln, nil))
}
