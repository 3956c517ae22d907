// dnsfwd: a caching DNS forwarder for the cluster's resolvers. Queries that miss the cache
// go to the upstream resolver over UDP from a pool of sockets, each bound to its own random
// source port (as resolvers do against spoofed answers) and each with a reader that matches
// answers to queries by their id. Every socket is replaced after a minute or two, so the
// source ports keep changing. Answers are cached for their TTL.
package main

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"sync"
	"sync/atomic"
	"time"
)

type answer struct {
	addr    string
	expires time.Time
}

// upstreamSock is one UDP socket to the upstream resolver and the queries waiting on it.
type upstreamSock struct {
	conn    *net.UDPConn
	mu      sync.Mutex
	waiting map[uint16]chan string
	born    time.Time
	life    time.Duration
}

type forwarder struct {
	upstream *net.UDPAddr
	mu       sync.Mutex
	socks    []*upstreamSock
	cache    map[string]answer
	queries  atomic.Int64
	misses   atomic.Int64
	timeouts atomic.Int64
	rotated  atomic.Int64
}

func (f *forwarder) openSock() (*upstreamSock, error) {
	c, err := net.DialUDP("udp", nil, f.upstream)
	if err != nil {
		return nil, err
	}
	s := &upstreamSock{conn: c, waiting: map[uint16]chan string{}, born: time.Now(),
		life: time.Duration(60+rand.Intn(90)) * time.Second}
	go s.readReplies()
	return s, nil
}

// readReplies hands each answer to the query waiting for its id, until the socket closes.
func (s *upstreamSock) readReplies() {
	buf := make([]byte, 512)
	for {
		n, err := s.conn.Read(buf)
		if err != nil {
			return
		}
		if n < 3 {
			continue
		}
		id := binary.BigEndian.Uint16(buf[:2])
		s.mu.Lock()
		ch := s.waiting[id]
		delete(s.waiting, id)
		s.mu.Unlock()
		if ch != nil {
			ch <- string(buf[2:n])
		}
	}
}

var errTimeout = errors.New("upstream timeout")

// resolve answers from the cache, or asks upstream on one of the pool's sockets.
func (f *forwarder) resolve(name string) (string, error) {
	f.queries.Add(1)
	f.mu.Lock()
	if a, ok := f.cache[name]; ok && time.Now().Before(a.expires) {
		f.mu.Unlock()
		return a.addr, nil
	}
	s := f.socks[rand.Intn(len(f.socks))]
	f.mu.Unlock()
	f.misses.Add(1)
	id := uint16(rand.Intn(65536))
	ch := make(chan string, 1)
	s.mu.Lock()
	s.waiting[id] = ch
	s.mu.Unlock()
	msg := make([]byte, 2+len(name))
	binary.BigEndian.PutUint16(msg, id)
	copy(msg[2:], name)
	s.conn.Write(msg)
	t := time.NewTimer(2 * time.Second)
	defer t.Stop()
	select {
	case addr := <-ch:
		f.mu.Lock()
		f.cache[name] = answer{addr: addr, expires: time.Now().Add(time.Duration(5+rand.Intn(55)) * time.Second)}
		f.mu.Unlock()
		return addr, nil
	case <-t.C:
		s.mu.Lock()
		delete(s.waiting, id)
		s.mu.Unlock()
		f.timeouts.Add(1)
		return "", errTimeout
	}
}

// rotate replaces sockets past their life with fresh ones on new source ports.
func (f *forwarder) rotate() {
	for range time.Tick(2 * time.Second) {
		var old []*upstreamSock
		f.mu.Lock()
		for i, s := range f.socks {
			if time.Since(s.born) > s.life {
				if n, err := f.openSock(); err == nil {
					f.socks[i] = n
					old = append(old, s)
				}
			}
		}
		f.mu.Unlock()
		for _, s := range old {
			go func(s *upstreamSock) { // answers in flight still arrive for a moment
				time.Sleep(3 * time.Second)
				s.conn.Close()
			}(s)
			f.rotated.Add(1)
		}
	}
}

// upstreamResolver stands in for the datacenter's recursive resolver: it answers each query
// after 2-300 ms.
func upstreamResolver(conn *net.UDPConn) {
	buf := make([]byte, 512)
	for {
		n, from, err := conn.ReadFromUDP(buf)
		if err != nil {
			return
		}
		q := append([]byte(nil), buf[:n]...)
		time.AfterFunc(time.Duration(2+rand.Intn(300))*time.Millisecond, func() {
			ans := append(q[:2:2], fmt.Sprintf("10.%d.%d.%d", rand.Intn(256), rand.Intn(256), 1+rand.Intn(254))...)
			conn.WriteToUDP(ans, from)
		})
	}
}

func (f *forwarder) handleResolve(w http.ResponseWriter, r *http.Request) {
	addr, err := f.resolve(r.URL.Query().Get("name"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusGatewayTimeout)
		return
	}
	fmt.Fprintln(w, addr)
}

// clients are the cluster's services looking names up: a few hot names, a long tail.
func clients(f *forwarder, n int) {
	for i := 0; i < n; i++ {
		go func() {
			for {
				name := fmt.Sprintf("svc-%d.prod.internal", rand.Intn(40))
				if rand.Intn(3) == 0 {
					name = fmt.Sprintf("host-%d.example.net", rand.Intn(5000))
				}
				f.resolve(name)
				time.Sleep(time.Duration(200+rand.Intn(1200)) * time.Millisecond)
			}
		}()
	}
}

func (f *forwarder) report(every time.Duration) {
	for range time.Tick(every) {
		log.Printf("dnsfwd: %d queries, %d misses, %d timeouts, %d sockets rotated",
			f.queries.Load(), f.misses.Load(), f.timeouts.Load(), f.rotated.Load())
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	up, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		log.Fatal(err)
	}
	go upstreamResolver(up)
	f := &forwarder{upstream: up.LocalAddr().(*net.UDPAddr), cache: map[string]answer{}}
	for i := 0; i < 96; i++ {
		s, err := f.openSock()
		if err != nil {
			log.Fatal(err)
		}
		f.socks = append(f.socks, s)
	}
	go f.rotate()
	clients(f, 12)
	go f.report(20 * time.Second)
	http.HandleFunc("/resolve", f.handleResolve)
	log.Printf("dnsfwd: %d upstream sockets, listening on %s", len(f.socks), *addr)
	log.Fatal(http.ListenAndServe(*addr, nil))
}
