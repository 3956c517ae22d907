// replayguard receives the payment providers' webhooks: POST /v1/hooks/<provider> with a
// Webhook-Id and a Webhook-Signature (HMAC-SHA256 of the body). A provider retries a
// delivery for up to 24 hours, so a delivery id seen within that replay window is
// answered 200 without being processed again. Seen deliveries are kept in time windows,
// one map per second, oldest first, so that expiry drops whole maps instead of walking
// every id; the support console can re-show a delivery's body, so the body is kept with
// its id. The guard runs in a small container: it sets GOGC to 25.
package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"runtime/debug"
	"strings"
	"sync"
	"time"
)

type seenDelivery struct {
	id       string
	provider string
	event    string
	received time.Time
	digest   [32]byte
	body     []byte
}

// replayWindows holds the deliveries seen in the replay window, one map per second.
type replayWindows struct {
	mu      sync.Mutex
	keep    time.Duration
	starts  []time.Time
	windows []map[string]*seenDelivery
}

var guard = &replayWindows{keep: 24 * time.Hour}

// rotate opens a new window and drops the windows older than the replay window.
func (g *replayWindows) rotate(now time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	drop := 0
	for drop < len(g.starts) && now.Sub(g.starts[drop]) > g.keep {
		drop++
	}
	g.starts = append(g.starts[drop:], now)
	g.windows = append(g.windows[drop:], make(map[string]*seenDelivery))
}

// seen reports whether the delivery id is in the replay window.
func (g *replayWindows) seen(id string) *seenDelivery {
	g.mu.Lock()
	defer g.mu.Unlock()
	for i := len(g.windows) - 1; i >= 0; i-- {
		if d := g.windows[i][id]; d != nil {
			return d
		}
	}
	return nil
}

func (g *replayWindows) record(d *seenDelivery) {
	g.mu.Lock()
	if len(g.windows) == 0 {
		g.starts = append(g.starts, d.received)
		g.windows = append(g.windows, make(map[string]*seenDelivery))
	}
	g.windows[len(g.windows)-1][d.id] = d
	g.mu.Unlock()
}

type providerStats struct {
	mu       sync.Mutex
	received map[string]int
	replayed map[string]int
	byEvent  map[string]int
}

var stats = &providerStats{received: map[string]int{}, replayed: map[string]int{}, byEvent: map[string]int{}}

var secrets = map[string][]byte{
	"stripe":  []byte("whsec_5f1c0e8a7d"),
	"adyen":   []byte("hmac_adyen_29b4"),
	"mollie":  []byte("mollie_hook_77aa"),
	"paypal":  []byte("pp_webhook_c3d1"),
	"klarna":  []byte("klarna_sig_0042"),
	"braintr": []byte("bt_hook_9e9e9e"),
}

func sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

func handleHook(w http.ResponseWriter, r *http.Request) {
	provider := strings.TrimPrefix(r.URL.Path, "/v1/hooks/")
	secret, ok := secrets[provider]
	if !ok {
		http.NotFound(w, r)
		return
	}
	id := r.Header.Get("Webhook-Id")
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil || id == "" {
		http.Error(w, "a delivery needs a body and a Webhook-Id", http.StatusBadRequest)
		return
	}
	if !hmac.Equal([]byte(sign(secret, body)), []byte(r.Header.Get("Webhook-Signature"))) {
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	if d := guard.seen(id); d != nil {
		stats.mu.Lock()
		stats.replayed[provider]++
		stats.mu.Unlock()
		w.WriteHeader(http.StatusOK)
		return
	}
	var ev map[string]interface{}
	if err := json.Unmarshal(body, &ev); err != nil {
		http.Error(w, "bad event", http.StatusBadRequest)
		return
	}
	kind, _ := ev["type"].(string)
	guard.record(&seenDelivery{id: id, provider: provider, event: kind, received: time.Now(), digest: sha256.Sum256(body), body: body})
	stats.mu.Lock()
	stats.received[provider]++
	stats.byEvent[provider+"/"+kind]++
	stats.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func drive(addr string) {
	rng := rand.New(rand.NewSource(23))
	client := &http.Client{Timeout: 5 * time.Second}
	providers := []string{"stripe", "adyen", "mollie", "paypal", "klarna", "braintr"}
	events := []string{"payment.succeeded", "payment.failed", "refund.created", "charge.dispute.created", "payout.paid"}
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	type sent struct {
		provider, id string
		body         []byte
	}
	var recent []sent
	for n := 0; n < 1000000; n++ {
		<-tick.C
		if len(recent) > 0 && rng.Intn(25) == 0 { // a provider retrying after a slow answer
			s := recent[rng.Intn(len(recent))]
			deliver(client, addr, s.provider, s.id, s.body)
			continue
		}
		p := providers[rng.Intn(len(providers))]
		id := fmt.Sprintf("evt_%d_%08x", n, rng.Uint32())
		lines := make([]map[string]interface{}, 1+rng.Intn(6))
		for i := range lines {
			lines[i] = map[string]interface{}{"sku": fmt.Sprintf("SKU-%05d", rng.Intn(99999)), "qty": 1 + rng.Intn(4),
				"amount": 100 + rng.Intn(90000), "description": strings.Repeat("item ", 20+rng.Intn(40))}
		}
		ev := map[string]interface{}{"id": id, "type": events[rng.Intn(len(events))], "created": time.Now().Unix(),
			"data": map[string]interface{}{"object": map[string]interface{}{"amount": 100 + rng.Intn(500000), "currency": "eur",
				"customer": fmt.Sprintf("cus_%06d", rng.Intn(900000)), "lines": lines,
				"billing_details": map[string]string{"name": "Customer " + fmt.Sprint(rng.Intn(1e6)), "address": "Hauptstrasse " + fmt.Sprint(1+rng.Intn(200)) + ", 10115 Berlin"}}}}
		body, _ := json.Marshal(ev)
		recent = append(recent, sent{p, id, body})
		if len(recent) > 100 {
			recent = recent[1:]
		}
		deliver(client, addr, p, id, body)
	}
}

func deliver(client *http.Client, addr, provider, id string, body []byte) {
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/v1/hooks/"+provider, bytes.NewReader(body))
	req.Header.Set("Webhook-Id", id)
	req.Header.Set("Webhook-Signature", sign(secrets[provider], body))
	resp, err := client.Do(req)
	if err != nil {
		return
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	debug.SetGCPercent(25)
	http.HandleFunc("/v1/hooks/", handleHook)
	go func() {
		for now := range time.Tick(time.Second) {
			guard.rotate(now)
		}
	}()
	go func() {
		for range time.Tick(10 * time.Second) {
			stats.mu.Lock()
			log.Printf("deliveries %v, replays %v", stats.received, stats.replayed)
			stats.mu.Unlock()
		}
	}()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("replayguard listening")
	go drive(*addr)
	log.Fatal(http.Serve(ln, nil))
}
