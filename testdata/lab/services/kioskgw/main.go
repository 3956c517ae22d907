// kioskgw: the gateway the in-store kiosks (price checkers, loyalty terminals) talk to. A
// kiosk opens a TCP connection, says HELLO with its id, sends a few SCAN lines and reads a
// price line back for each. The gateway keeps its sessions in a registry so that the
// back office can push a message to a kiosk (/admin/push) and list what is connected.
package main

import (
	"bufio"
	"encoding/json"
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

type session struct {
	kiosk string
	conn  net.Conn
	rw    *bufio.ReadWriter
	since time.Time
	mu    sync.Mutex
}

type gateway struct {
	mu       sync.Mutex
	sessions map[string]*session // by remote address
	scans    atomic.Int64
	opened   atomic.Int64
}

func (g *gateway) register(s *session) {
	g.mu.Lock()
	g.sessions[s.conn.RemoteAddr().String()] = s
	g.mu.Unlock()
}

func (g *gateway) unregister(s *session) {
	g.mu.Lock()
	delete(g.sessions, s.conn.RemoteAddr().String())
	g.mu.Unlock()
}

func price(sku string) int {
	h := 0
	for _, c := range sku {
		h = h*31 + int(c)
	}
	if h < 0 {
		h = -h
	}
	return 99 + h%9900
}

// serveConn speaks the kiosk protocol on one connection.
func (g *gateway) serveConn(c net.Conn) {
	defer c.Close()
	s := &session{conn: c, since: time.Now(), rw: bufio.NewReadWriter(bufio.NewReaderSize(c, 8<<10), bufio.NewWriterSize(c, 8<<10))}
	g.opened.Add(1)
	g.register(s)
	for {
		c.SetReadDeadline(time.Now().Add(30 * time.Second))
		line, err := s.rw.ReadString('\n')
		if err != nil {
			return
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		s.mu.Lock()
		switch f[0] {
		case "HELLO":
			if len(f) > 1 {
				s.kiosk = f[1]
			}
			fmt.Fprintf(s.rw, "WELCOME %s\n", s.kiosk)
		case "SCAN":
			if len(f) > 1 {
				g.scans.Add(1)
				fmt.Fprintf(s.rw, "PRICE %s %d\n", f[1], price(f[1]))
			}
		case "QUIT":
			fmt.Fprintf(s.rw, "BYE\n")
			s.rw.Flush()
			s.mu.Unlock()
			g.unregister(s)
			return
		default:
			fmt.Fprintf(s.rw, "ERR unknown command\n")
		}
		s.rw.Flush()
		s.mu.Unlock()
	}
}

func (g *gateway) handleSessions(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	n := len(g.sessions)
	g.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]int{"sessions": n})
}

func (g *gateway) handlePush(w http.ResponseWriter, r *http.Request) {
	kiosk := r.URL.Query().Get("kiosk")
	msg := r.URL.Query().Get("msg")
	g.mu.Lock()
	var targets []*session
	for _, s := range g.sessions {
		if s.kiosk == kiosk {
			targets = append(targets, s)
		}
	}
	g.mu.Unlock()
	for _, s := range targets {
		s.mu.Lock()
		fmt.Fprintf(s.rw, "MSG %s\n", msg)
		s.rw.Flush()
		s.mu.Unlock()
	}
	fmt.Fprintf(w, "pushed to %d sessions\n", len(targets))
}

// kiosk connects, scans a few items and goes away; the newer firmware just closes the
// socket when the customer walks off, only the old firmware says QUIT.
func kiosk(gw string, id int, rng *rand.Rand) {
	c, err := net.DialTimeout("tcp", gw, 2*time.Second)
	if err != nil {
		log.Printf("kiosk %d: %v", id, err)
		return
	}
	defer c.Close()
	r := bufio.NewReader(c)
	fmt.Fprintf(c, "HELLO kiosk-%03d\n", id)
	r.ReadString('\n')
	for i := 0; i < 1+rng.Intn(5); i++ {
		fmt.Fprintf(c, "SCAN %013d\n", rng.Int63n(1e13))
		r.ReadString('\n')
	}
	if id%10 == 0 {
		fmt.Fprintf(c, "QUIT\n")
		r.ReadString('\n')
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
	kl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	g := &gateway{sessions: make(map[string]*session)}
	go func() {
		for {
			c, err := kl.Accept()
			if err != nil {
				log.Printf("accept: %v", err)
				return
			}
			go g.serveConn(c)
		}
	}()
	http.HandleFunc("/admin/sessions", g.handleSessions)
	http.HandleFunc("/admin/push", g.handlePush)
	go func() {
		for range time.Tick(15 * time.Second) {
			g.mu.Lock()
			n := len(g.sessions)
			g.mu.Unlock()
			log.Printf("stats: connections=%d scans=%d registered=%d", g.opened.Load(), g.scans.Load(), n)
		}
	}()
	go func() {
		rng := rand.New(rand.NewSource(5))
		for range time.Tick(180 * time.Millisecond) {
			kiosk(kl.Addr().String(), rng.Intn(300), rng)
		}
	}()
	log.Printf("kioskgw: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
