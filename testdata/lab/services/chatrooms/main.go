// chatrooms: team chat rooms read by long polling. A listener joins the room, waits up to
// 25 s for the next message, and leaves; each member of a room has a relay goroutine that
// queues the room's messages for it, so a slow reader never holds up the room.
package main

import (
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

type message struct {
	From string
	Text string
	At   time.Time
}

type member struct {
	inbox   chan message
	out     chan message
	done    chan struct{}
	pending []message
}

// relay queues the room's messages for its member until the member leaves.
func (m *member) relay() {
	for {
		var out chan message
		var next message
		if len(m.pending) > 0 {
			out, next = m.out, m.pending[0]
		}
		select {
		case msg := <-m.inbox:
			m.pending = append(m.pending, msg)
		case out <- next:
			m.pending = m.pending[1:]
		case <-m.done:
			return
		}
	}
}

type room struct {
	name    string
	mu      sync.Mutex
	members map[*member]struct{}
	dropped atomic.Int64
}

func (r *room) join() *member {
	m := &member{inbox: make(chan message, 16), out: make(chan message), done: make(chan struct{})}
	r.mu.Lock()
	r.members[m] = struct{}{}
	r.mu.Unlock()
	go m.relay()
	return m
}

func (r *room) leave(m *member) {
	r.mu.Lock()
	delete(r.members, m)
	r.mu.Unlock()
	close(m.done)
}

func (r *room) post(msg message) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for m := range r.members {
		select {
		case m.inbox <- msg:
		default:
			r.dropped.Add(1)
		}
	}
}

type chatServer struct {
	mu        sync.Mutex
	rooms     map[string]*room
	polls     atomic.Int64
	delivered atomic.Int64
	gone      atomic.Int64
}

func (s *chatServer) room(name string) *room {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.rooms[name]
	if r == nil {
		r = &room{name: name, members: make(map[*member]struct{})}
		s.rooms[name] = r
	}
	return r
}

func (s *chatServer) handleListen(w http.ResponseWriter, req *http.Request) {
	s.polls.Add(1)
	rm := s.room(req.URL.Query().Get("room"))
	m := rm.join()
	select {
	case msg := <-m.out:
		rm.leave(m)
		s.delivered.Add(1)
		fmt.Fprintf(w, "{\"from\":%q,\"text\":%q}\n", msg.From, msg.Text)
	case <-time.After(25 * time.Second):
		rm.leave(m)
		w.WriteHeader(http.StatusNoContent)
	case <-req.Context().Done():
		s.gone.Add(1)
		return
	}
}

func (s *chatServer) handlePost(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(req.Body, 4<<10))
	s.room(req.URL.Query().Get("room")).post(message{From: req.URL.Query().Get("from"), Text: string(body), At: time.Now()})
	w.WriteHeader(http.StatusAccepted)
}

func (s *chatServer) report(every time.Duration) {
	for range time.Tick(every) {
		s.mu.Lock()
		rooms := len(s.rooms)
		s.mu.Unlock()
		log.Printf("chatrooms: %d polls, %d delivered, %d listeners gone, %d rooms", s.polls.Load(), s.delivered.Load(), s.gone.Load(), rooms)
	}
}

func roomName(i int) string { return fmt.Sprintf("team-%02d", i) }

// listeners are browser tabs: mobile clients give up on a poll after 3-20 s (their network
// stack's timeout), desktop ones wait the server's 25 s.
func (s *chatServer) listeners(base string, n int, stopAfter int64) {
	for i := 0; i < n; i++ {
		go func(i int) {
			c := &http.Client{Timeout: 30 * time.Second}
			if i%2 == 0 {
				c.Timeout = time.Duration(3+rand.Intn(17)) * time.Second
			}
			for s.gone.Load() < stopAfter {
				resp, err := c.Get(base + "/listen?room=" + roomName(rand.Intn(30)))
				if err != nil {
					time.Sleep(500 * time.Millisecond)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}(i)
	}
}

// posters write in the rooms, most of them quiet.
func posters(base string) {
	c := &http.Client{Timeout: 5 * time.Second}
	for {
		time.Sleep(time.Duration(200+rand.Intn(600)) * time.Millisecond)
		r := rand.Intn(30)
		if rand.Intn(2) == 0 {
			r = rand.Intn(5)
		}
		resp, err := c.Post(base+"/post?room="+roomName(r)+"&from=u"+fmt.Sprint(rand.Intn(90)), "text/plain", strings.NewReader("standup in 5"))
		if err != nil {
			log.Printf("poster: %v", err)
			continue
		}
		resp.Body.Close()
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
	s := &chatServer{rooms: make(map[string]*room)}
	http.HandleFunc("/listen", s.handleListen)
	http.HandleFunc("/post", s.handlePost)
	go s.listeners("http://"+*addr, 24, 260)
	go posters("http://" + *addr)
	go s.report(20 * time.Second)
	log.Printf("chatrooms: listening on %s", *addr)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
