// pushnotify: sends push notifications to phones through the vendor's push gateway and
// waits for the delivery receipt the gateway posts back. Each send arms a receipt timeout
// with time.AfterFunc, kept in a map by notification id with the rendered payload, so
// that a notification without a receipt in time is sent again. When the receipt comes,
// the handler marks the entry acknowledged and leaves the clean-up to the timeout; but the
// timeout returns early for an acknowledged entry, before the line that deletes it. So
// every delivered notification (nearly all) stays in the map, payload and timer included.
package main

import (
	"bytes"
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
	"sync"
	"sync/atomic"
	"time"
)

type pending struct {
	id      uint64
	device  string
	payload []byte
	timer   *time.Timer
	tries   int
	acked   bool
}

type notifier struct {
	mu        sync.Mutex
	pending   map[uint64]*pending
	nextID    atomic.Uint64
	gateway   string
	client    *http.Client
	sent      atomic.Int64
	receipts  atomic.Int64
	resent    atomic.Int64
	receiptIn time.Duration
}

type alert struct {
	Device string            `json:"device"`
	Title  string            `json:"title"`
	Body   string            `json:"body"`
	Data   map[string]string `json:"data"`
}

// send renders the notification, posts it to the gateway and arms its receipt timeout.
func (n *notifier) send(a alert) error {
	id := n.nextID.Add(1)
	payload := make([]byte, 0, 2<<10)
	payload = append(payload, `{"id":`...)
	payload = strconv.AppendUint(payload, id, 10)
	payload = append(payload, `,"message":`...)
	msg, err := json.Marshal(a)
	if err != nil {
		return err
	}
	payload = append(payload, msg...)
	payload = append(payload, '}')
	p := &pending{id: id, device: a.Device, payload: payload}
	n.mu.Lock()
	n.pending[id] = p
	p.timer = time.AfterFunc(n.receiptIn, func() { n.timeout(id) })
	n.mu.Unlock()
	n.sent.Add(1)
	return n.post(payload)
}

func (n *notifier) post(payload []byte) error {
	resp, err := n.client.Post(n.gateway+"/push", "application/json", bytes.NewReader(payload))
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return nil
}

// timeout runs when a notification's receipt is overdue: send it again, or give up.
func (n *notifier) timeout(id uint64) {
	n.mu.Lock()
	p, ok := n.pending[id]
	if !ok || p.acked {
		n.mu.Unlock()
		return
	}
	if p.tries >= 3 {
		delete(n.pending, id)
		n.mu.Unlock()
		log.Printf("notification %d to %s: no receipt after %d tries", id, p.device, p.tries)
		return
	}
	p.tries++
	p.timer = time.AfterFunc(n.receiptIn, func() { n.timeout(id) })
	n.mu.Unlock()
	n.resent.Add(1)
	n.post(p.payload)
}

// handleReceipt is the gateway's callback: {"id": N, "status": "delivered"}.
func (n *notifier) handleReceipt(w http.ResponseWriter, r *http.Request) {
	var rc struct {
		ID     uint64 `json:"id"`
		Status string `json:"status"`
	}
	if err := json.NewDecoder(r.Body).Decode(&rc); err != nil {
		http.Error(w, "bad receipt", http.StatusBadRequest)
		return
	}
	n.receipts.Add(1)
	n.mu.Lock()
	if p, ok := n.pending[rc.ID]; ok {
		p.acked = true // the timeout cleans up
	}
	n.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// vendorGateway stands in for the push vendor: it accepts a push and, 50-400 ms later,
// posts the delivery receipt back (one push in 50 is lost and never gets one).
func vendorGateway(receiptURL string) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	var seq atomic.Int64
	client := &http.Client{Timeout: 5 * time.Second}
	mux := http.NewServeMux()
	mux.HandleFunc("/push", func(w http.ResponseWriter, r *http.Request) {
		var m struct {
			ID uint64 `json:"id"`
		}
		json.NewDecoder(r.Body).Decode(&m)
		w.WriteHeader(http.StatusAccepted)
		if seq.Add(1)%50 == 0 {
			return
		}
		go func(id uint64, d time.Duration) {
			time.Sleep(d)
			resp, err := client.Post(receiptURL, "application/json", bytes.NewReader([]byte(fmt.Sprintf(`{"id":%d,"status":"delivered"}`, id))))
			if err == nil {
				resp.Body.Close()
			}
		}(m.ID, time.Duration(50+rand.Intn(350))*time.Millisecond)
	})
	go http.Serve(ln, mux)
	return "http://" + ln.Addr().String()
}

var titles = []string{"Your order has shipped", "Payment received", "New message", "Price drop on your watchlist", "Your table is ready"}

// events: the order, chat and payment systems asking for notifications (~90/s).
func events(n *notifier) {
	rng := rand.New(rand.NewSource(7))
	for range time.Tick(11 * time.Millisecond) {
		a := alert{Device: fmt.Sprintf("dev-%08x", rng.Uint32()), Title: titles[rng.Intn(len(titles))],
			Data: map[string]string{"order": strconv.Itoa(rng.Intn(1e7)), "locale": "en-GB", "campaign": "none"}}
		body := make([]byte, 200+rng.Intn(900))
		for i := range body {
			body[i] = "abcdefghijklmnopqrstuvwxyz     "[rng.Intn(31)]
		}
		a.Body = string(body)
		if err := n.send(a); err != nil {
			log.Printf("send: %v", err)
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
	n := &notifier{pending: make(map[uint64]*pending), client: &http.Client{Timeout: 5 * time.Second}, receiptIn: 2 * time.Second}
	n.gateway = vendorGateway("http://" + *addr + "/receipts")
	http.HandleFunc("/receipts", n.handleReceipt)
	go func() {
		for range time.Tick(15 * time.Second) {
			n.mu.Lock()
			k := len(n.pending)
			n.mu.Unlock()
			log.Printf("stats: sent=%d receipts=%d resent=%d pending=%d", n.sent.Load(), n.receipts.Load(), n.resent.Load(), k)
		}
	}()
	go events(n)
	log.Printf("pushnotify: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
