// dbproxy: a TCP proxy in front of the orders database. Application servers keep pools of
// long-lived connections to it; each client connection gets its own backend connection and
// two copiers, one per direction. A connection idle for longer than the idle timeout is
// closed by the read deadline each copier sets before every read.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"strings"
	"sync/atomic"
	"time"
)

// idleConn refreshes the read deadline before every read, so a silent peer is dropped.
type idleConn struct {
	net.Conn
	idle time.Duration
}

func (c idleConn) Read(p []byte) (int, error) {
	c.Conn.SetReadDeadline(time.Now().Add(c.idle))
	return c.Conn.Read(p)
}

type proxy struct {
	backend string
	idle    time.Duration
	open    atomic.Int64
	total   atomic.Int64
	bytes   atomic.Int64
}

func (p *proxy) serve(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			log.Printf("dbproxy: accept: %v", err)
			return
		}
		go p.handleConn(c)
	}
}

func (p *proxy) handleConn(client net.Conn) {
	defer client.Close()
	server, err := net.DialTimeout("tcp", p.backend, 3*time.Second)
	if err != nil {
		log.Printf("dbproxy: backend: %v", err)
		return
	}
	defer server.Close()
	p.open.Add(1)
	p.total.Add(1)
	defer p.open.Add(-1)
	done := make(chan struct{})
	go func() {
		p.pipe(server, client)
		server.(*net.TCPConn).CloseWrite()
		close(done)
	}()
	p.pipe(client, server)
	client.(*net.TCPConn).CloseWrite()
	<-done
}

func (p *proxy) pipe(dst, src net.Conn) {
	n, _ := io.Copy(dst, idleConn{Conn: src, idle: p.idle})
	p.bytes.Add(n)
}

// ordersDB stands in for the database: one session per connection, a query per line.
func ordersDB(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go session(c)
	}
}

func session(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	for {
		q, err := r.ReadString('\n')
		if err != nil {
			return
		}
		time.Sleep(time.Duration(1+rand.Intn(8)) * time.Millisecond)
		fmt.Fprintf(c, "OK %d rows for %s\n", rand.Intn(50), strings.TrimSpace(q))
	}
}

// appPool is an application server's connection pool: n connections, each used now and
// then, recycled after its maximum lifetime.
func appPool(addr string, n int, lifetime time.Duration) {
	for i := 0; i < n; i++ {
		go func(i int) {
			time.Sleep(time.Duration(i*220) * time.Millisecond)
			for {
				useConnection(addr, i, lifetime+time.Duration(rand.Intn(20000))*time.Millisecond)
			}
		}(i)
	}
}

func useConnection(addr string, id int, lifetime time.Duration) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		log.Printf("pool: %v", err)
		time.Sleep(time.Second)
		return
	}
	defer c.Close()
	r := bufio.NewReader(c)
	until := time.Now().Add(lifetime)
	for q := 0; time.Now().Before(until); q++ {
		fmt.Fprintf(c, "SELECT status FROM orders WHERE id = %d\n", id*100000+q)
		if _, err := r.ReadString('\n'); err != nil {
			log.Printf("pool: %v", err)
			return
		}
		time.Sleep(time.Duration(2000+rand.Intn(10000)) * time.Millisecond)
	}
}

func (p *proxy) report(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for range t.C {
		log.Printf("dbproxy: %d open, %d accepted, %d bytes", p.open.Load(), p.total.Load(), p.bytes.Load())
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
	dbln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	pln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go ordersDB(dbln)
	p := &proxy{backend: dbln.Addr().String(), idle: 5 * time.Minute}
	go p.serve(pln)
	go p.report(15 * time.Second)
	go appPool(pln.Addr().String(), 32, 40*time.Second)
	log.Printf("dbproxy: listening on %s", *addr)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
