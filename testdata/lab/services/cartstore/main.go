// cartstore: shopping carts kept in a key-value store reached over a line protocol. The
// client keeps a pool of connections to the store; each connection has a reader goroutine
// that waits for the store's replies under a read deadline the pool's keepalive refreshes,
// so a connection idle between bursts stays open instead of being dialled again.
package main

import (
	"bufio"
	"errors"
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

// ---- the store stand-in: GET/SET/PING, one goroutine per connection

type store struct {
	mu   sync.Mutex
	data map[string]string
}

func (st *store) serve(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			log.Printf("store: %v", err)
			return
		}
		go st.session(c)
	}
}

func (st *store) session(c net.Conn) {
	defer c.Close()
	rd := bufio.NewReader(c)
	for {
		line, err := rd.ReadString('\n')
		if err != nil {
			return
		}
		f := strings.Fields(line)
		var reply string
		switch {
		case len(f) == 1 && f[0] == "PING":
			reply = "PONG"
		case len(f) == 2 && f[0] == "GET":
			st.mu.Lock()
			reply = "VAL " + st.data[f[1]]
			st.mu.Unlock()
		case len(f) == 3 && f[0] == "SET":
			st.mu.Lock()
			st.data[f[1]] = f[2]
			st.mu.Unlock()
			reply = "OK"
		default:
			reply = "ERR"
		}
		if _, err := fmt.Fprintf(c, "%s\n", reply); err != nil {
			return
		}
	}
}

// ---- the client pool

const idleDeadline = 90 * time.Second

type storeConn struct {
	c       net.Conn
	replies chan string
	lastUse atomic.Int64
	broken  atomic.Bool
}

// readReplies hands each reply to the request waiting for it; an idle connection waits
// here until the next reply or the keepalive's.
func (sc *storeConn) readReplies() {
	rd := bufio.NewReader(sc.c)
	for {
		sc.c.SetReadDeadline(time.Now().Add(idleDeadline))
		line, err := rd.ReadString('\n')
		if err != nil {
			sc.broken.Store(true)
			close(sc.replies)
			return
		}
		sc.replies <- strings.TrimSpace(line)
	}
}

func (sc *storeConn) call(cmd string) (string, error) {
	sc.lastUse.Store(time.Now().UnixNano())
	if _, err := fmt.Fprintf(sc.c, "%s\n", cmd); err != nil {
		return "", err
	}
	select {
	case r, ok := <-sc.replies:
		if !ok {
			return "", errors.New("store connection closed")
		}
		return r, nil
	case <-time.After(2 * time.Second):
		sc.broken.Store(true)
		sc.c.Close()
		return "", errors.New("store timeout")
	}
}

type pool struct {
	addr   string
	max    int
	mu     sync.Mutex
	idle   []*storeConn // most recently used last: bursts reuse the warm ones
	open   int
	dialed atomic.Int64
}

func (p *pool) get() (*storeConn, error) {
	p.mu.Lock()
	if n := len(p.idle); n > 0 {
		sc := p.idle[n-1]
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		return sc, nil
	}
	p.open++
	p.mu.Unlock()
	c, err := net.DialTimeout("tcp", p.addr, time.Second)
	if err != nil {
		p.mu.Lock()
		p.open--
		p.mu.Unlock()
		return nil, err
	}
	p.dialed.Add(1)
	sc := &storeConn{c: c, replies: make(chan string, 1)}
	go sc.readReplies()
	return sc, nil
}

func (p *pool) put(sc *storeConn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if sc.broken.Load() || len(p.idle) >= p.max {
		p.open--
		sc.c.Close()
		return
	}
	p.idle = append(p.idle, sc)
}

func (p *pool) do(cmd string) (string, error) {
	sc, err := p.get()
	if err != nil {
		return "", err
	}
	r, err := sc.call(cmd)
	p.put(sc)
	return r, err
}

// keepalive pings every connection idle for 30 s, so that its reader's deadline moves on
// and the store does not see it as dead.
func (p *pool) keepalive(every time.Duration) {
	for range time.Tick(every) {
		p.mu.Lock()
		stale := make([]*storeConn, 0, len(p.idle))
		keep := p.idle[:0]
		for _, sc := range p.idle {
			if time.Since(time.Unix(0, sc.lastUse.Load())) > 30*time.Second {
				stale = append(stale, sc)
			} else {
				keep = append(keep, sc)
			}
		}
		p.idle = keep
		p.mu.Unlock()
		for _, sc := range stale {
			if _, err := sc.call("PING"); err != nil {
				log.Printf("keepalive: %v", err)
			}
			p.put(sc)
		}
	}
}

// ---- the cart API

type carts struct {
	p     *pool
	calls atomic.Int64
}

func (ct *carts) handleCart(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	ct.calls.Add(1)
	if r.Method == http.MethodPost {
		if _, err := ct.p.do("SET cart:" + id + " " + r.URL.Query().Get("items")); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
	}
	v, err := ct.p.do("GET cart:" + id)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	fmt.Fprintf(w, "{\"cart\":%q}\n", strings.TrimPrefix(v, "VAL "))
}

// shoppers come in bursts (a newsletter, a flash sale): up to 40 at once, then a lull.
func shoppers(base string) {
	c := &http.Client{Timeout: 5 * time.Second}
	for {
		n := 5 + rand.Intn(36)
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				id := rand.Intn(5000)
				url := fmt.Sprintf("%s/cart?id=%d&items=sku%d", base, id, rand.Intn(900))
				resp, err := c.Post(url, "text/plain", nil)
				if err != nil {
					return
				}
				resp.Body.Close()
			}()
		}
		wg.Wait()
		time.Sleep(time.Duration(500+rand.Intn(2500)) * time.Millisecond)
	}
}

func (ct *carts) report(every time.Duration) {
	for range time.Tick(every) {
		ct.p.mu.Lock()
		open, idle := ct.p.open, len(ct.p.idle)
		ct.p.mu.Unlock()
		log.Printf("cartstore: %d cart calls, store pool %d open (%d idle), %d dialled", ct.calls.Load(), open, idle, ct.p.dialed.Load())
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
	sln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	st := &store{data: make(map[string]string)}
	go st.serve(sln)
	ct := &carts{p: &pool{addr: sln.Addr().String(), max: 48}}
	go ct.p.keepalive(10 * time.Second)
	http.HandleFunc("/cart", ct.handleCart)
	go shoppers("http://" + *addr)
	go ct.report(20 * time.Second)
	log.Printf("cartstore: listening on %s", *addr)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
