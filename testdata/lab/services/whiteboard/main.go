// whiteboard: a collaborative whiteboard. Browsers open a websocket-style connection (an
// HTTP request upgraded by hijacking it) to a board; the server gives every connection a
// read pump and a write pump, as gorilla/websocket's chat example does: the read pump
// reads strokes and pongs under a 60 s read deadline that every message refreshes, the
// write pump sends the board's broadcasts and a ping every 20 s. A hub goroutine keeps the
// boards' members. Sessions last 20-100 s; how many are open follows the working day (a
// morning peak, then a quiet afternoon), so the pumps rise and fall with the load.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"strings"
	"sync/atomic"
	"time"
)

const (
	pongWait   = 60 * time.Second
	pingPeriod = 20 * time.Second
	writeWait  = 10 * time.Second
)

type client struct {
	board string
	conn  net.Conn
	send  chan string
}

type stroke struct {
	board string
	line  string
}

type hub struct {
	boards     map[string]map[*client]bool
	register   chan *client
	unregister chan *client
	broadcast  chan stroke
	open       atomic.Int64
	strokes    atomic.Int64
}

// run owns the boards' member sets.
func (h *hub) run() {
	for {
		select {
		case c := <-h.register:
			if h.boards[c.board] == nil {
				h.boards[c.board] = map[*client]bool{}
			}
			h.boards[c.board][c] = true
		case c := <-h.unregister:
			if _, ok := h.boards[c.board][c]; ok {
				delete(h.boards[c.board], c)
				close(c.send)
			}
		case s := <-h.broadcast:
			for c := range h.boards[s.board] {
				select {
				case c.send <- s.line:
				default: // a member too slow to keep up is dropped
					delete(h.boards[s.board], c)
					close(c.send)
				}
			}
		}
	}
}

// readPump reads the member's strokes and pongs; a member silent past pongWait is gone.
func (h *hub) readPump(c *client, r *bufio.Reader) {
	defer func() {
		h.unregister <- c
		c.conn.Close()
		h.open.Add(-1)
	}()
	c.conn.SetReadDeadline(time.Now().Add(pongWait))
	for {
		msg, err := r.ReadString('\n')
		if err != nil {
			return
		}
		c.conn.SetReadDeadline(time.Now().Add(pongWait))
		if strings.HasPrefix(msg, "pong") {
			continue
		}
		h.strokes.Add(1)
		h.broadcast <- stroke{c.board, msg}
	}
}

// writePump sends the board's strokes and keeps the connection alive with pings.
func (h *hub) writePump(c *client) {
	ticker := time.NewTicker(pingPeriod)
	defer func() {
		ticker.Stop()
		c.conn.Close()
	}()
	w := bufio.NewWriter(c.conn)
	for {
		select {
		case line, ok := <-c.send:
			c.conn.SetWriteDeadline(time.Now().Add(writeWait))
			if !ok {
				w.WriteString("close\n")
				w.Flush()
				return
			}
			w.WriteString(line)
			if w.Flush() != nil {
				return
			}
		case <-ticker.C:
			c.conn.SetWriteDeadline(time.Now().Add(writeWait))
			w.WriteString("ping\n")
			if w.Flush() != nil {
				return
			}
		}
	}
}

// serveBoard upgrades the request to a board connection and hands it to the pumps.
func (h *hub) serveBoard(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Upgrade") != "whiteboard" {
		http.Error(w, "upgrade required", http.StatusUpgradeRequired)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "cannot upgrade", http.StatusInternalServerError)
		return
	}
	conn, rw, err := hj.Hijack()
	if err != nil {
		return
	}
	rw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: whiteboard\r\nConnection: Upgrade\r\n\r\n")
	rw.Flush()
	c := &client{board: r.URL.Query().Get("board"), conn: conn, send: make(chan string, 64)}
	h.open.Add(1)
	h.register <- c
	go h.writePump(c)
	go h.readPump(c, rw.Reader)
}

// participant is one browser tab: it draws now and then, answers pings, and leaves.
func participant(addr, board string, stay time.Duration) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET /board?board=%s HTTP/1.1\r\nHost: %s\r\nUpgrade: whiteboard\r\nConnection: Upgrade\r\n\r\n", board, addr)
	r := bufio.NewReader(conn)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		if line == "\r\n" {
			break
		}
	}
	pings := make(chan struct{}, 4)
	go func() {
		for {
			line, err := r.ReadString('\n')
			if err != nil || line == "close\n" {
				close(pings)
				return
			}
			if line == "ping\n" {
				pings <- struct{}{}
			}
		}
	}()
	drawer := rand.Intn(3) == 0 // most tabs only watch
	leave := time.After(stay)
	for {
		next := time.Duration(2+rand.Intn(8)) * time.Second
		select {
		case <-leave:
			return
		case _, ok := <-pings:
			if !ok {
				return
			}
			fmt.Fprintf(conn, "pong\n")
		case <-time.After(next):
			if drawer {
				fmt.Fprintf(conn, "stroke %d,%d %d,%d\n", rand.Intn(1920), rand.Intn(1080), rand.Intn(1920), rand.Intn(1080))
			}
		}
	}
}

// openSessions is how many tabs are open t into the day: a morning peak, then quiet.
func openSessions(t time.Duration) int {
	s := t.Seconds()
	switch {
	case s < 20:
		return 30
	case s < 70:
		return 30 + int((s-20)*1.6)
	case s < 110:
		return 110 - int((s-70)*2)
	default:
		return 30
	}
}

func browsers(addr string, h *hub) {
	start := time.Now()
	boards := []string{"roadmap", "retro", "design-review", "incident-42", "onboarding", "q3-planning", "arch", "standup"}
	for {
		if int(h.open.Load()) < openSessions(time.Since(start)) {
			stay := time.Duration(20+rand.Intn(80)) * time.Second
			go participant(addr, boards[rand.Intn(len(boards))], stay)
		}
		time.Sleep(time.Duration(80+rand.Intn(80)) * time.Millisecond)
	}
}

func (h *hub) report(every time.Duration) {
	for range time.Tick(every) {
		log.Printf("whiteboard: %d connections open, %d strokes", h.open.Load(), h.strokes.Load())
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
	h := &hub{boards: map[string]map[*client]bool{}, register: make(chan *client),
		unregister: make(chan *client), broadcast: make(chan stroke, 16)}
	go h.run()
	http.HandleFunc("/board", h.serveBoard)
	go browsers(*addr, h)
	go h.report(20 * time.Second)
	log.Printf("whiteboard: listening on %s", *addr)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
