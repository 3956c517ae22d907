// scoreboard: live match scores pushed to browsers as server-sent events. Each open page
// holds one stream; the hub fans every score change out to all of them.
package main

import (
	"bufio"
	"context"
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

type viewer struct {
	events chan string
}

type hub struct {
	mu      sync.Mutex
	viewers map[*viewer]struct{}
	dropped atomic.Int64
	streams atomic.Int64
}

func (h *hub) join(v *viewer) {
	h.mu.Lock()
	h.viewers[v] = struct{}{}
	h.mu.Unlock()
	h.streams.Add(1)
}

func (h *hub) leave(v *viewer) {
	h.mu.Lock()
	delete(h.viewers, v)
	h.mu.Unlock()
}

// publish never waits for a slow page: its event is dropped, the next one catches up.
func (h *hub) publish(ev string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for v := range h.viewers {
		select {
		case v.events <- ev:
		default:
			h.dropped.Add(1)
		}
	}
}

func (h *hub) handleStream(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	v := &viewer{events: make(chan string, 8)}
	h.join(v)
	defer h.leave(v)
	heartbeat := time.NewTicker(10 * time.Second)
	defer heartbeat.Stop()
	fmt.Fprint(w, ": connected\n\n")
	flusher.Flush()
	for {
		select {
		case ev := <-v.events:
			fmt.Fprintf(w, "event: score\ndata: %s\n\n", ev)
			flusher.Flush()
		case <-heartbeat.C:
			fmt.Fprint(w, ": ping\n\n")
			flusher.Flush()
		case <-r.Context().Done():
			return
		}
	}
}

var teams = []string{"Lions", "Falcons", "Rovers", "Harriers", "United", "Athletic", "Wanderers", "City"}

// matchFeed turns the data provider's updates into score events, one every 1-4 s.
func (h *hub) matchFeed() {
	score := make([]int, len(teams))
	for {
		time.Sleep(time.Duration(1000+rand.Intn(3000)) * time.Millisecond)
		t := rand.Intn(len(teams))
		score[t]++
		h.publish(fmt.Sprintf(`{"team":%q,"goals":%d,"at":%d}`, teams[t], score[t], time.Now().Unix()))
	}
}

func (h *hub) report(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for range t.C {
		h.mu.Lock()
		open := len(h.viewers)
		h.mu.Unlock()
		log.Printf("scoreboard: %d open streams, %d opened, %d events dropped", open, h.streams.Load(), h.dropped.Load())
	}
}

// fans keeps n pages open: each watches for 15-90 s, closes the tab, and another opens.
func fans(base string, n int) {
	client := &http.Client{}
	for i := 0; i < n; i++ {
		go func(i int) {
			time.Sleep(time.Duration(i*110) * time.Millisecond)
			for {
				watch(client, base, time.Duration(15000+rand.Intn(75000))*time.Millisecond)
			}
		}(i)
	}
}

func watch(client *http.Client, base string, d time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/scores/stream", nil)
	resp, err := client.Do(req)
	if err != nil {
		log.Printf("fan: %v", err)
		time.Sleep(time.Second)
		return
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
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
	h := &hub{viewers: make(map[*viewer]struct{})}
	http.HandleFunc("/scores/stream", h.handleStream)
	go h.matchFeed()
	go h.report(15 * time.Second)
	go fans("http://"+*addr, 32)
	log.Printf("scoreboard: listening on %s", *addr)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
