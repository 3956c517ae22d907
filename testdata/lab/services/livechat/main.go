// livechat: the support chat of a help centre. Visitors join a room, post, and long-poll
// /v1/poll for what others said; the hub appends every message to each member's
// outbound buffer, which the member's next poll drains.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type member struct {
	id   string
	room string
	out  bytes.Buffer
	seen time.Time
}

type hub struct {
	mu      sync.Mutex
	members map[string]*member
	rooms   map[string]map[string]*member
	posted  atomic.Int64
	joined  atomic.Int64
}

func newHub() *hub {
	return &hub{members: make(map[string]*member), rooms: make(map[string]map[string]*member)}
}

func (h *hub) join(id, room string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	m := &member{id: id, room: room, seen: time.Now()}
	h.members[id] = m
	if h.rooms[room] == nil {
		h.rooms[room] = make(map[string]*member)
	}
	h.rooms[room][id] = m
	h.joined.Add(1)
}

func (h *hub) leave(id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if m, ok := h.members[id]; ok {
		delete(h.rooms[m.room], id)
		delete(h.members, id)
	}
}

// broadcast frames a message as one server-sent line and queues it for every member of the room.
func (h *hub) broadcast(room, from, text string) {
	line := fmt.Sprintf("data: {\"room\":%q,\"from\":%q,\"at\":%d,\"text\":%q}\n\n", room, from, time.Now().UnixMilli(), text)
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, m := range h.rooms[room] {
		if m.id == from {
			continue
		}
		m.out.WriteString(line)
	}
	h.posted.Add(1)
}

func (h *hub) drain(id string, w io.Writer) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	m, ok := h.members[id]
	if !ok {
		return false
	}
	m.seen = time.Now()
	m.out.WriteTo(w)
	return true
}

func (h *hub) handleJoin(w http.ResponseWriter, r *http.Request) {
	h.join(r.FormValue("id"), r.FormValue("room"))
	io.WriteString(w, "ok\n")
}

func (h *hub) handleLeave(w http.ResponseWriter, r *http.Request) {
	h.leave(r.FormValue("id"))
	io.WriteString(w, "bye\n")
}

func (h *hub) handlePost(w http.ResponseWriter, r *http.Request) {
	h.broadcast(r.FormValue("room"), r.FormValue("id"), r.FormValue("text"))
	io.WriteString(w, "sent\n")
}

func (h *hub) handlePoll(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/event-stream")
	if !h.drain(r.URL.Query().Get("id"), w) {
		http.Error(w, "unknown member", http.StatusNotFound)
	}
}

var rooms = []string{"billing", "shipping", "returns", "accounts", "api", "mobile", "checkout", "general"}

var phrases = []string{
	"Hi, my order has not arrived yet, the tracking page says it left the depot on Monday.",
	"Could you check why my card was charged twice for the same invoice this month?",
	"Thanks, that solved it. Have a nice day!",
	"I am trying to change the delivery address but the form keeps rejecting the postcode.",
	"The app crashes when I open the returns page on my phone, is this a known problem?",
	"Let me look that up for you, one moment please while I open your account.",
}

// visitor joins a room, chats and polls for a while, then leaves; many simply close the tab.
func visitor(client *http.Client, base string, n int, rng *rand.Rand) {
	id := "v" + strconv.Itoa(n)
	room := rooms[rng.Intn(len(rooms))]
	form := func(path string, extra url.Values) {
		v := url.Values{"id": {id}, "room": {room}}
		for k, x := range extra {
			v[k] = x
		}
		resp, err := client.Post(base+path, "application/x-www-form-urlencoded", strings.NewReader(v.Encode()))
		if err != nil {
			log.Printf("visitor %s: %v", id, err)
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	form("/v1/join", nil)
	stay := time.Now().Add(time.Duration(4+rng.Intn(12)) * time.Second)
	for time.Now().Before(stay) {
		if rng.Intn(2) == 0 {
			form("/v1/post", url.Values{"text": {phrases[rng.Intn(len(phrases))]}})
		}
		if resp, err := client.Get(base + "/v1/poll?id=" + id); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		time.Sleep(time.Duration(250+rng.Intn(250)) * time.Millisecond)
	}
	if rng.Intn(5) < 3 {
		form("/v1/leave", nil)
	}
}

func visitors(base string) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(7))
	for n := 1; ; n++ {
		go visitor(client, base, n, rand.New(rand.NewSource(rng.Int63())))
		time.Sleep(time.Duration(250+rng.Intn(200)) * time.Millisecond)
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
	h := newHub()
	http.HandleFunc("/v1/join", h.handleJoin)
	http.HandleFunc("/v1/leave", h.handleLeave)
	http.HandleFunc("/v1/post", h.handlePost)
	http.HandleFunc("/v1/poll", h.handlePoll)
	go func() {
		for range time.Tick(15 * time.Second) {
			h.mu.Lock()
			n := len(h.members)
			h.mu.Unlock()
			log.Printf("stats: joined=%d members=%d posted=%d", h.joined.Load(), n, h.posted.Load())
		}
	}()
	go visitors("http://" + *addr)
	log.Printf("livechat: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
