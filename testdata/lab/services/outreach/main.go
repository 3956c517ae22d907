// outreach: the outbound side of an SMS gateway. Transactional messages (codes, receipts)
// trickle in all the time; marketing campaigns arrive as one batch of thousands of
// recipients. Everything goes through one FIFO that the carrier link drains at its
// contracted rate, so a campaign waits in the queue for a while and then is gone.
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
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type outbound struct {
	to       string
	body     string
	campaign int
	attempts int
	queuedAt time.Time
}

// sendQueue is a FIFO over a slice: append at the tail, advance the head; once more
// than half of the backing array lies before the head, the rest is copied to a new one.
type sendQueue struct {
	mu    sync.Mutex
	items []*outbound
	head  int
}

func (q *sendQueue) push(m *outbound) {
	q.mu.Lock()
	q.items = append(q.items, m)
	q.mu.Unlock()
}

func (q *sendQueue) pop() *outbound {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.head == len(q.items) {
		q.items, q.head = q.items[:0], 0
		return nil
	}
	m := q.items[q.head]
	q.items[q.head] = nil
	q.head++
	if q.head > 1024 && q.head > len(q.items)/2 {
		rest := make([]*outbound, len(q.items)-q.head, (len(q.items)-q.head)*2)
		copy(rest, q.items[q.head:])
		q.items, q.head = rest, 0
	}
	return m
}

func (q *sendQueue) depth() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items) - q.head
}

type gateway struct {
	queue    sendQueue
	accepted atomic.Int64
	sent     atomic.Int64
}

func (g *gateway) handleSend(w http.ResponseWriter, r *http.Request) {
	to := r.FormValue("to")
	body := r.FormValue("body")
	if to == "" || body == "" {
		http.Error(w, "to and body required", http.StatusBadRequest)
		return
	}
	g.queue.push(&outbound{to: to, body: body, queuedAt: time.Now()})
	g.accepted.Add(1)
	w.WriteHeader(http.StatusAccepted)
}

// handleCampaign takes a template and a recipient list and queues one personalised
// message per recipient.
func (g *gateway) handleCampaign(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	lines := strings.Split(string(raw), "\n")
	id, _ := strconv.Atoi(r.URL.Query().Get("id"))
	tmpl := lines[0]
	for _, rcpt := range lines[1:] {
		name, phone, ok := strings.Cut(rcpt, ",")
		if !ok {
			continue
		}
		body := strings.ReplaceAll(tmpl, "{name}", name)
		g.queue.push(&outbound{to: phone, body: body, campaign: id, queuedAt: time.Now()})
	}
	g.accepted.Add(int64(len(lines) - 1))
	w.WriteHeader(http.StatusAccepted)
}

// carrierLink sends at the carrier's contracted rate (~650 messages a second).
func (g *gateway) carrierLink() {
	tick := time.NewTicker(20 * time.Millisecond)
	frame := make([]byte, 0, 512)
	for range tick.C {
		for i := 0; i < 13; i++ {
			m := g.queue.pop()
			if m == nil {
				break
			}
			frame = append(frame[:0], m.to...)
			frame = append(frame, 0)
			frame = append(frame, m.body...)
			g.sent.Add(1)
		}
	}
}

func apps(base string, seed int64) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(seed))
	for range time.Tick(50 * time.Millisecond) {
		form := fmt.Sprintf("to=%%2B4477%08d&body=Your+verification+code+is+%06d.+It+expires+in+10+minutes.", rng.Intn(1e8), rng.Intn(1e6))
		resp, err := client.Post(base+"/v1/send", "application/x-www-form-urlencoded", strings.NewReader(form))
		if err != nil {
			log.Printf("app: %v", err)
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

// marketing posts a campaign every 30 s, first a few seconds after start.
func marketing(base string) {
	client := &http.Client{Timeout: 30 * time.Second}
	rng := rand.New(rand.NewSource(7))
	tmpl := "Hi {name}, our spring collection is here: 20% off everything in store and online until Sunday. " +
		"Show this message at the till or use code SPRING20 at checkout. Reply STOP to opt out of marketing messages."
	time.Sleep(4 * time.Second)
	for id := 1; ; id++ {
		var b strings.Builder
		b.WriteString(tmpl)
		n := 9000 + rng.Intn(5000)
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "\ncustomer%06d,+4477%08d", rng.Intn(1e6), rng.Intn(1e8))
		}
		resp, err := client.Post(base+"/v1/campaigns?id="+strconv.Itoa(id), "text/plain", strings.NewReader(b.String()))
		if err != nil {
			log.Printf("marketing: %v", err)
		} else {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			log.Printf("campaign %d: %d recipients queued", id, n)
		}
		time.Sleep(30 * time.Second)
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
	g := &gateway{}
	http.HandleFunc("/v1/send", g.handleSend)
	http.HandleFunc("/v1/campaigns", g.handleCampaign)
	go g.carrierLink()
	go func() {
		for range time.Tick(15 * time.Second) {
			log.Printf("stats: accepted=%d sent=%d queued=%d", g.accepted.Load(), g.sent.Load(), g.queue.depth())
		}
	}()
	go apps("http://"+*addr, 1)
	go marketing("http://" + *addr)
	log.Printf("outreach: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
