// printshop renders invoices as print-ready text for the mailing house: POST /v1/render
// takes an invoice (customer, lines as SKU and quantity) and answers the rendered document.
// Rendering allocates a lot of short-lived buffers, so they come from a pool of size
// classes (1 KiB to 32 KiB), each class a free list of buffers of that size.
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
	"strconv"
	"sync"
	"time"
)

// sizeClass is a free list of buffers of one capacity.
type sizeClass struct {
	size   int
	mu     sync.Mutex
	free   [][]byte
	hits   int64
	misses int64
}

type bufferPool struct {
	classes [6]sizeClass
}

func newBufferPool() *bufferPool {
	p := &bufferPool{}
	for i := range p.classes {
		p.classes[i].size = 1024 << i
	}
	return p
}

// class is the smallest class whose buffers hold n bytes, or nil past the largest.
func (p *bufferPool) class(n int) *sizeClass {
	for i := range p.classes {
		if p.classes[i].size >= n {
			return &p.classes[i]
		}
	}
	return nil
}

// Get returns an empty buffer with room for at least n bytes.
func (p *bufferPool) Get(n int) []byte {
	c := p.class(n)
	if c == nil {
		return make([]byte, 0, n)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if k := len(c.free); k > 0 {
		b := c.free[k-1]
		c.free = c.free[:k-1]
		c.hits++
		return b
	}
	c.misses++
	return make([]byte, 0, c.size)
}

// Put gives a buffer back to the class of its capacity.
func (p *bufferPool) Put(b []byte) {
	c := p.class(cap(b))
	if c == nil {
		return // oversized: let the GC have it
	}
	c.mu.Lock()
	c.free = append(c.free, b[:0])
	c.mu.Unlock()
}

var buffers = newBufferPool()

type invoice struct {
	Number   string `json:"number"`
	Customer string `json:"customer"`
	Address  string `json:"address"`
	Lines    []struct {
		SKU string `json:"sku"`
		Qty int    `json:"qty"`
	} `json:"lines"`
}

type product struct {
	name  string
	price int // cents
}

var catalogue = func() map[string]product {
	m := map[string]product{}
	for i := 0; i < 400; i++ {
		m[fmt.Sprintf("SKU-%04d", i)] = product{
			name:  fmt.Sprintf("Replacement part %d, stainless, with fitting kit and instructions", i),
			price: 199 + i*37%9000,
		}
	}
	return m
}()

// lineEstimate is the bytes a rendered line takes, for sizing the buffer up front.
const lineEstimate = 64

func handleRender(w http.ResponseWriter, r *http.Request) {
	var inv invoice
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&inv); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	buf := buffers.Get(lineEstimate * (len(inv.Lines) + 4))
	buf = append(buf, "INVOICE "...)
	buf = append(buf, inv.Number...)
	buf = append(buf, "\n"...)
	buf = append(buf, inv.Customer...)
	buf = append(buf, "\n"...)
	buf = append(buf, inv.Address...)
	buf = append(buf, "\n\n"...)
	total := 0
	for i, l := range inv.Lines {
		p, ok := catalogue[l.SKU]
		if !ok {
			http.Error(w, "unknown SKU "+l.SKU, http.StatusUnprocessableEntity)
			buffers.Put(buf)
			return
		}
		sum := p.price * l.Qty
		total += sum
		buf = append(buf, fmt.Sprintf("%3d  %-10s %-72s %4d x %8.2f = %10.2f\n",
			i+1, l.SKU, p.name, l.Qty, float64(p.price)/100, float64(sum)/100)...)
	}
	buf = append(buf, "\nTOTAL "...)
	buf = strconv.AppendFloat(buf, float64(total)/100, 'f', 2, 64)
	buf = append(buf, " EUR\n"...)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write(buf)
	buffers.Put(buf)
}

func handleStats(w http.ResponseWriter, r *http.Request) {
	for i := range buffers.classes {
		c := &buffers.classes[i]
		c.mu.Lock()
		fmt.Fprintf(w, "%6d B: %d free, %d hits, %d misses\n", c.size, len(c.free), c.hits, c.misses)
		c.mu.Unlock()
	}
}

// billing plays the billing run: invoices of 20 to 60 lines.
func billing(base string, n int) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(int64(n) + 5))
	for i := 1; ; i++ {
		inv := invoice{Number: fmt.Sprintf("INV-%d-%07d", n, i), Customer: fmt.Sprintf("Customer %d", rng.Intn(90000)),
			Address: fmt.Sprintf("%d Harbour Road, Unit %d, Port Town", rng.Intn(300), rng.Intn(40))}
		for k := 20 + rng.Intn(41); k > 0; k-- {
			inv.Lines = append(inv.Lines, struct {
				SKU string `json:"sku"`
				Qty int    `json:"qty"`
			}{fmt.Sprintf("SKU-%04d", rng.Intn(400)), 1 + rng.Intn(20)})
		}
		body, _ := json.Marshal(inv)
		resp, err := client.Post(base+"/v1/render", "application/json", bytes.NewReader(body))
		if err != nil {
			log.Printf("billing %d: %v", n, err)
			time.Sleep(time.Second)
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		time.Sleep(15 * time.Millisecond)
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
	http.HandleFunc("/v1/render", handleRender)
	http.HandleFunc("/v1/stats", handleStats)
	for i := 0; i < 2; i++ {
		go billing("http://"+*addr, i)
	}
	log.Printf("printshop: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
