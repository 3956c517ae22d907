// inbox: team chat backend. Clients long-poll for new messages; exports are processed by
// a small consumer pool; push notifications go through an in-process delivery queue.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type Message struct {
	Seq  int64  `json:"seq"`
	From string `json:"from"`
	Text string `json:"text"`
}

// Mailbox keeps the last messages of one user and wakes that user's pollers.
type Mailbox struct {
	mu     sync.Mutex
	recent []Message // ring, at most 32
	wake   chan struct{}
}

type Hub struct {
	mu    sync.Mutex
	boxes map[int]*Mailbox
	seq   atomic.Int64
	polls atomic.Int64
}

func (h *Hub) box(user int) *Mailbox {
	h.mu.Lock()
	defer h.mu.Unlock()
	b := h.boxes[user]
	if b == nil {
		b = &Mailbox{wake: make(chan struct{})}
		h.boxes[user] = b
	}
	return b
}

func (h *Hub) post(user int, from, text string) {
	b := h.box(user)
	b.mu.Lock()
	b.recent = append(b.recent, Message{Seq: h.seq.Add(1), From: from, Text: text})
	if len(b.recent) > 32 {
		b.recent = append(b.recent[:0], b.recent[len(b.recent)-32:]...)
	}
	close(b.wake)
	b.wake = make(chan struct{})
	b.mu.Unlock()
}

func (b *Mailbox) since(seq int64) ([]Message, <-chan struct{}) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []Message
	for _, m := range b.recent {
		if m.Seq > seq {
			out = append(out, m)
		}
	}
	return out, b.wake
}

// waitForMessages is the long poll: returns new messages, or nothing at the deadline.
func (h *Hub) waitForMessages(ctx context.Context, user int, after int64) []Message {
	b := h.box(user)
	for {
		msgs, wake := b.since(after)
		if len(msgs) > 0 {
			return msgs
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return nil
		}
	}
}

func (h *Hub) handlePoll(w http.ResponseWriter, r *http.Request) {
	user, _ := strconv.Atoi(r.URL.Query().Get("user"))
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	ctx, cancel := context.WithTimeout(r.Context(), 4*time.Minute)
	defer cancel()
	h.polls.Add(1)
	msgs := h.waitForMessages(ctx, user, after)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(msgs)
}

// ---- exports: consumers waiting on a job channel that is fed now and then

type ExportJob struct {
	User  int
	Since time.Time
}

type Exporter struct {
	jobs chan ExportJob
	done atomic.Int64
}

func (e *Exporter) consume(id int) {
	for job := range e.jobs {
		time.Sleep(50 * time.Millisecond) // render the archive
		_ = job
		e.done.Add(1)
	}
}

// ---- push notifications: a sync.Cond-based queue

type PushQueue struct {
	mu    sync.Mutex
	cond  *sync.Cond
	items []string
	sent  int64
}

func NewPushQueue() *PushQueue {
	q := &PushQueue{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

func (q *PushQueue) enqueue(token string) {
	q.mu.Lock()
	q.items = append(q.items, token)
	q.mu.Unlock()
	q.cond.Signal()
}

func (q *PushQueue) sender() {
	for {
		q.mu.Lock()
		for len(q.items) == 0 {
			q.cond.Wait()
		}
		token := q.items[0]
		q.items = q.items[1:]
		q.sent++
		q.mu.Unlock()
		_ = token
		time.Sleep(20 * time.Millisecond) // talk to the push provider
	}
}

// ---- simulated users

func pollForever(client *http.Client, base string, user int) {
	var after int64
	for {
		resp, err := client.Get(fmt.Sprintf("%s/v1/poll?user=%d&after=%d", base, user, after))
		if err != nil {
			time.Sleep(time.Second)
			continue
		}
		var msgs []Message
		json.NewDecoder(resp.Body).Decode(&msgs)
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		for _, m := range msgs {
			if m.Seq > after {
				after = m.Seq
			}
		}
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
	h := &Hub{boxes: map[int]*Mailbox{}}
	ex := &Exporter{jobs: make(chan ExportJob)}
	pq := NewPushQueue()
	for i := 0; i < 3; i++ {
		go ex.consume(i)
	}
	for i := 0; i < 2; i++ {
		go pq.sender()
	}
	http.HandleFunc("/v1/poll", h.handlePoll)
	http.HandleFunc("/v1/messages", func(w http.ResponseWriter, r *http.Request) {
		user, _ := strconv.Atoi(r.URL.Query().Get("to"))
		body, _ := io.ReadAll(io.LimitReader(r.Body, 4096))
		h.post(user, r.URL.Query().Get("from"), string(body))
		pq.enqueue(fmt.Sprintf("device-%d", user))
		w.WriteHeader(http.StatusAccepted)
	})
	go func() {
		for range time.Tick(20 * time.Second) {
			pq.mu.Lock()
			sent := pq.sent
			pq.mu.Unlock()
			log.Printf("stats: polls=%d messages=%d exports=%d pushes=%d", h.polls.Load(), h.seq.Load(), ex.done.Load(), sent)
		}
	}()

	base := "http://" + *addr
	go func() {
		client := &http.Client{Timeout: 5 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 32}}
		for u := 1; u <= 12; u++ {
			go pollForever(client, base, u)
		}
		for i := 0; ; i++ {
			time.Sleep(time.Duration(6+rand.Intn(6)) * time.Second)
			to := 1 + rand.Intn(6) // only a few users are chatty
			resp, err := client.Post(fmt.Sprintf("%s/v1/messages?to=%d&from=user%d", base, to, 1+rand.Intn(12)),
				"text/plain", strings.NewReader("standup in 5"))
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			if i%5 == 4 {
				ex.jobs <- ExportJob{User: to, Since: time.Now().Add(-24 * time.Hour)}
			}
		}
	}()
	log.Printf("inbox: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
