// pricing: prices orders by asking the pricing engine over one multiplexed connection. Every
// call gets an id and its own reply channel; a single reader goroutine reads the engine's
// replies and hands each to the call waiting for it. The engine takes 0.2-3 s per quote,
// so the handlers of the requests in flight wait on their reply channels meanwhile.
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
	"strings"
	"sync"
	"time"
)

// ---- the pricing engine stand-in: "id sku qty" in, "id price" out, replies out of order

func serveEngine() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go engineSession(c)
		}
	}()
	return ln.Addr().String()
}

func engineSession(c net.Conn) {
	defer c.Close()
	var wmu sync.Mutex
	rd := bufio.NewReader(c)
	for {
		line, err := rd.ReadString('\n')
		if err != nil {
			return
		}
		var id, qty int
		var sku string
		fmt.Sscanf(line, "%d %s %d", &id, &sku, &qty)
		delay := time.Duration(200+rand.Intn(2800)) * time.Millisecond
		time.AfterFunc(delay, func() {
			wmu.Lock()
			fmt.Fprintf(c, "%d %d\n", id, qty*(100+len(sku)))
			wmu.Unlock()
		})
	}
}

// ---- the multiplexed client

type engineClient struct {
	conn    net.Conn
	wmu     sync.Mutex
	mu      sync.Mutex
	nextID  int
	pending map[int]chan string
}

func dialEngine(addr string) *engineClient {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		log.Fatal(err)
	}
	ec := &engineClient{conn: c, pending: map[int]chan string{}}
	go ec.readReplies()
	return ec
}

// readReplies hands every reply to the call waiting for its id.
func (ec *engineClient) readReplies() {
	rd := bufio.NewReader(ec.conn)
	for {
		line, err := rd.ReadString('\n')
		if err != nil {
			log.Printf("pricing: engine connection: %v", err)
			return
		}
		var id int
		var price string
		fmt.Sscanf(line, "%d %s", &id, &price)
		ec.mu.Lock()
		ch := ec.pending[id]
		delete(ec.pending, id)
		ec.mu.Unlock()
		if ch != nil {
			ch <- strings.TrimSpace(price)
		}
	}
}

// quote sends one request and waits for its reply.
func (ec *engineClient) quote(sku string, qty int) (string, error) {
	ch := make(chan string, 1)
	ec.mu.Lock()
	ec.nextID++
	id := ec.nextID
	ec.pending[id] = ch
	ec.mu.Unlock()
	ec.wmu.Lock()
	_, err := fmt.Fprintf(ec.conn, "%d %s %d\n", id, sku, qty)
	ec.wmu.Unlock()
	if err != nil {
		return "", err
	}
	price, ok := <-ch
	if !ok {
		return "", errors.New("engine connection closed")
	}
	return price, nil
}

type pricingAPI struct {
	engine *engineClient
	mu     sync.Mutex
	quoted int
}

func (p *pricingAPI) handlePrice(w http.ResponseWriter, r *http.Request) {
	sku := r.URL.Query().Get("sku")
	price, err := p.engine.quote(sku, 1+rand.Intn(9))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	p.mu.Lock()
	p.quoted++
	p.mu.Unlock()
	fmt.Fprintf(w, "%s %s\n", sku, price)
}

// shoppers price their carts: each request on a fresh connection, as the storefront's
// edge proxy sends them, so the handlers in flight are the requests of the moment.
func shoppers(base string, n int) {
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	for i := 0; i < n; i++ {
		go func() {
			for {
				resp, err := client.Get(fmt.Sprintf("%s/price?sku=sku-%d", base, rand.Intn(5000)))
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				time.Sleep(time.Duration(rand.Intn(1500)) * time.Millisecond)
			}
		}()
		time.Sleep(100 * time.Millisecond)
	}
}

func (p *pricingAPI) report(every time.Duration) {
	for range time.Tick(every) {
		p.mu.Lock()
		log.Printf("pricing: %d quotes served", p.quoted)
		p.mu.Unlock()
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
	p := &pricingAPI{engine: dialEngine(serveEngine())}
	http.HandleFunc("/price", p.handlePrice)
	go shoppers("http://"+*addr, 20)
	go p.report(20 * time.Second)
	log.Printf("pricing: listening on %s", *addr)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
