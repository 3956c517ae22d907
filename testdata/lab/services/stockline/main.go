// stockline is the storefront's stock API: GET /v1/stock?sku=S answers how many of S the
// warehouse holds and where. The warehouse management system is a legacy one that speaks a
// line protocol over TCP ("STOCK S\n", answered "OK S QTY BIN\n" or "ERR S REASON\n"), so
// stockline keeps a pool of connections to its gateway and sends each query on an idle one.
// Replies are read by one generic helper, roundTrip, shared by every verb of the protocol.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// wmsConn is one connection to the warehouse gateway.
type wmsConn struct {
	c    net.Conn
	r    *bufio.Reader
	used int
}

// linePool keeps idle connections to the gateway; a connection that failed is dropped and a
// new one dialled on demand.
type linePool struct {
	addr   string
	mu     sync.Mutex
	idle   []*wmsConn
	dialed atomic.Int64
}

func (p *linePool) get() (*wmsConn, error) {
	p.mu.Lock()
	if n := len(p.idle); n > 0 {
		wc := p.idle[n-1]
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		return wc, nil
	}
	p.mu.Unlock()
	c, err := net.DialTimeout("tcp", p.addr, 2*time.Second)
	if err != nil {
		return nil, err
	}
	p.dialed.Add(1)
	return &wmsConn{c: c, r: bufio.NewReaderSize(c, 4096)}, nil
}

func (p *linePool) put(wc *wmsConn, err error) {
	if err != nil {
		wc.c.Close()
		return
	}
	wc.used++
	p.mu.Lock()
	p.idle = append(p.idle, wc)
	p.mu.Unlock()
}

var errRefused = errors.New("wms refused")

// roundTrip sends one request line and parses the reply line with parse. The gateway always
// answers, OK or ERR, so the reply is read without a deadline.
func roundTrip[R any](p *linePool, req string, parse func(fields []string) (R, error)) (R, error) {
	var zero R
	wc, err := p.get()
	if err != nil {
		return zero, err
	}
	if _, err = io.WriteString(wc.c, req+"\n"); err != nil {
		p.put(wc, err)
		return zero, err
	}
	line, err := wc.r.ReadString('\n')
	if err != nil {
		p.put(wc, err)
		return zero, err
	}
	fields := strings.Fields(line)
	if len(fields) < 2 {
		p.put(wc, nil)
		return zero, fmt.Errorf("wms: short reply %q", line)
	}
	if fields[0] == "ERR" {
		p.put(wc, nil)
		return zero, fmt.Errorf("%w: %s", errRefused, strings.Join(fields[2:], " "))
	}
	r, err := parse(fields[1:])
	p.put(wc, nil)
	return r, err
}

type stockLevel struct {
	SKU string `json:"sku"`
	Qty int    `json:"qty"`
	Bin string `json:"bin"`
}

func parseStock(f []string) (stockLevel, error) {
	if len(f) != 3 {
		return stockLevel{}, fmt.Errorf("wms: stock reply of %d fields", len(f))
	}
	q, err := strconv.Atoi(f[1])
	return stockLevel{SKU: f[0], Qty: q, Bin: f[2]}, err
}

type api struct {
	wms    *linePool
	served atomic.Int64
}

func (a *api) handleStock(w http.ResponseWriter, r *http.Request) {
	sku := r.URL.Query().Get("sku")
	if sku == "" || strings.ContainsAny(sku, " \n") {
		http.Error(w, "sku required", http.StatusBadRequest)
		return
	}
	lvl, err := roundTrip(a.wms, "STOCK "+sku, parseStock)
	if errors.Is(err, errRefused) {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	a.served.Add(1)
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"sku":%q,"qty":%d,"bin":%q}`+"\n", lvl.SKU, lvl.Qty, lvl.Bin)
}

// gateway stands in for the warehouse gateway. A SKU stored in an aisle under a cycle count
// is not answered until the count is closed: the query is parked with the count, the
// connection with it. The floor staff's scanner closes counts; aisle 17's count was opened
// from a scanner that crashed, and nothing closes it.
type gateway struct {
	mu     sync.Mutex
	parked map[int][]net.Conn // aisle -> connections waiting for its count to close
	counts map[int]bool       // aisles under a cycle count
}

func (g *gateway) serve(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go g.session(c)
	}
}

func (g *gateway) session(c net.Conn) {
	r := bufio.NewReader(c)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			c.Close()
			return
		}
		f := strings.Fields(line)
		if len(f) != 2 || f[0] != "STOCK" {
			fmt.Fprintf(c, "ERR %s bad request\n", strings.Join(f, "_"))
			continue
		}
		sku := f[1]
		n, _ := strconv.Atoi(strings.TrimPrefix(sku, "SKU-"))
		aisle := n % 40
		g.mu.Lock()
		counting := g.counts[aisle]
		if counting {
			g.parked[aisle] = append(g.parked[aisle], c)
		}
		g.mu.Unlock()
		if counting {
			return // answered when the count closes
		}
		time.Sleep(time.Duration(1+n%3) * time.Millisecond)
		if n%97 == 0 {
			fmt.Fprintf(c, "ERR %s discontinued\n", sku)
			continue
		}
		fmt.Fprintf(c, "OK %s %d A%02d-%d\n", sku, n%250, aisle, n%12)
	}
}

// floor opens and closes cycle counts the way the staff does, a few aisles at a time.
func (g *gateway) floor() {
	rng := rand.New(rand.NewSource(7))
	g.mu.Lock()
	g.counts[17] = true // opened from the crashed scanner
	g.mu.Unlock()
	for {
		aisle := rng.Intn(40)
		if aisle == 17 {
			continue
		}
		g.mu.Lock()
		g.counts[aisle] = true
		g.mu.Unlock()
		time.Sleep(time.Duration(50+rng.Intn(100)) * time.Millisecond)
		g.mu.Lock()
		delete(g.counts, aisle)
		waiting := g.parked[aisle]
		delete(g.parked, aisle)
		g.mu.Unlock()
		for _, c := range waiting {
			fmt.Fprintf(c, "OK SKU-%d 0 COUNTED\n", aisle)
			go g.session(c)
		}
		time.Sleep(time.Duration(200+rng.Intn(400)) * time.Millisecond)
	}
}

// shopper plays the storefront's product pages: each asks the stock of what it shows.
func shopper(base string, n int) {
	client := &http.Client{Timeout: 2 * time.Second}
	rng := rand.New(rand.NewSource(int64(n) + 3))
	for {
		sku := fmt.Sprintf("SKU-%d", 1000+rng.Intn(9000))
		resp, err := client.Get(base + "/v1/stock?sku=" + sku)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		time.Sleep(time.Duration(25+rng.Intn(20)) * time.Millisecond)
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
	gln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	g := &gateway{parked: map[int][]net.Conn{}, counts: map[int]bool{}}
	go g.serve(gln)
	go g.floor()
	a := &api{wms: &linePool{addr: gln.Addr().String()}}
	http.HandleFunc("/v1/stock", a.handleStock)
	for i := 0; i < 3; i++ {
		go shopper("http://"+*addr, i)
	}
	log.Printf("stockline: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
