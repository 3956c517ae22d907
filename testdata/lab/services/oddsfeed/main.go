// oddsfeed: live betting odds streamed to apps as server-sent events. A stream subscribes to
// its match at the hub; each subscription has a forwarder goroutine that takes the match's
// updates off a small buffer (the hub drops updates for a subscriber that lags) and hands
// them to the stream's handler. When the match ends the handler unsubscribes, which closes
// the buffer and ends the forwarder.
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
	"sync"
	"sync/atomic"
	"time"
)

type odds struct {
	match string
	home  float64
	away  float64
	final bool
}

type subscription struct {
	match string
	in    chan odds // filled by the hub, never blocking it
	out   chan odds // read by the stream's handler
}

// forward hands the match's updates to the stream's handler, in order.
func (s *subscription) forward() {
	for o := range s.in {
		s.out <- o
	}
	close(s.out)
}

type hub struct {
	mu      sync.Mutex
	subs    map[string]map[*subscription]bool
	streams atomic.Int64
	ended   atomic.Int64
}

func (h *hub) subscribe(match string) *subscription {
	s := &subscription{match: match, in: make(chan odds, 8), out: make(chan odds)}
	h.mu.Lock()
	if h.subs[match] == nil {
		h.subs[match] = map[*subscription]bool{}
	}
	h.subs[match][s] = true
	h.mu.Unlock()
	go s.forward()
	return s
}

func (h *hub) unsubscribe(s *subscription) {
	h.mu.Lock()
	if h.subs[s.match][s] {
		delete(h.subs[s.match], s)
		close(s.in)
	}
	h.mu.Unlock()
}

func (h *hub) publish(o odds) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs[o.match] {
		select {
		case s.in <- o:
		default: // a lagging app gets the next update instead
		}
	}
}

// handleStream streams one match's odds until it ends or the app goes away.
func (h *hub) handleStream(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	h.streams.Add(1)
	sub := h.subscribe(r.URL.Query().Get("match"))
	for {
		select {
		case o, ok := <-sub.out:
			if !ok {
				return
			}
			fmt.Fprintf(w, "data: {\"match\":%q,\"home\":%.2f,\"away\":%.2f,\"final\":%t}\n\n", o.match, o.home, o.away, o.final)
			flusher.Flush()
			if o.final {
				h.ended.Add(1)
				h.unsubscribe(sub)
				return
			}
		case <-r.Context().Done():
			return
		}
	}
}

// bookmaker runs the matches: odds move every few hundred ms, a match lasts 20-40 s and is
// followed by the next one on the same pitch.
func (h *hub) bookmaker(pitch int, current []atomic.Value) {
	for round := 1; ; round++ {
		match := matchName(pitch, round)
		current[pitch].Store(match)
		end := time.Now().Add(time.Duration(20+rand.Intn(20)) * time.Second)
		home := 1.5 + rand.Float64()*2
		for time.Now().Before(end) {
			home += (rand.Float64() - 0.5) / 10
			h.publish(odds{match: match, home: home, away: 5 - home})
			time.Sleep(time.Duration(300+rand.Intn(500)) * time.Millisecond)
		}
		h.publish(odds{match: match, home: home, away: 5 - home, final: true})
	}
}

func matchName(pitch, round int) string { return fmt.Sprintf("p%d-r%d", pitch, round) }

// fan is one app: most are phones that give up on a stream after a few seconds (the app is
// backgrounded), the rest watch the match to its end.
func fan(base string, current []atomic.Value, dropped *atomic.Int64) {
	for {
		timeout := 2 * time.Minute
		if rand.Intn(3) > 0 && dropped.Load() < 260 {
			timeout = time.Duration(3+rand.Intn(15)) * time.Second
		}
		client := &http.Client{Timeout: timeout}
		match, _ := current[rand.Intn(len(current))].Load().(string)
		resp, err := client.Get(base + "/stream?match=" + match)
		if err == nil {
			sc := bufio.NewScanner(resp.Body)
			for sc.Scan() {
			}
			if sc.Err() != nil {
				dropped.Add(1)
			}
			resp.Body.Close()
		}
		client.CloseIdleConnections()
		time.Sleep(time.Duration(500+rand.Intn(2000)) * time.Millisecond)
	}
}

func (h *hub) report(every time.Duration) {
	for range time.Tick(every) {
		log.Printf("oddsfeed: %d streams served, %d to a match's end", h.streams.Load(), h.ended.Load())
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
	h := &hub{subs: map[string]map[*subscription]bool{}}
	current := make([]atomic.Value, 6)
	for p := range current {
		current[p].Store(matchName(p, 1)) // the apps' first streams find the first matches
	}
	for p := range current {
		go h.bookmaker(p, current)
	}
	http.HandleFunc("/stream", h.handleStream)
	var dropped atomic.Int64
	for i := 0; i < 30; i++ {
		go fan("http://"+*addr, current, &dropped)
	}
	go h.report(20 * time.Second)
	log.Printf("oddsfeed: listening on %s", *addr)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
