// chargeapi takes card charges from the merchants' checkouts: POST /v1/charges with an
// Idempotency-Key header. A retried request with a key already seen gets the first
// answer again, byte for byte, so the API keeps every key's request fingerprint and the
// response it sent, for the 24 hours the public docs promise; a sweeper drops the
// expired ones every hour. The keys live in a fixed array of shards, each its own map
// under its own lock, so that concurrent checkouts do not contend. The API runs in a
// small container: it sets GOGC to 25.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"hash/fnv"
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

type chargeRequest struct {
	Merchant    string            `json:"merchant"`
	Amount      int64             `json:"amount"`
	Currency    string            `json:"currency"`
	Card        string            `json:"card"`
	Description string            `json:"description"`
	Metadata    map[string]string `json:"metadata"`
}

type charge struct {
	ID          string            `json:"id"`
	Merchant    string            `json:"merchant"`
	Amount      int64             `json:"amount"`
	Currency    string            `json:"currency"`
	Status      string            `json:"status"`
	RiskScore   int               `json:"risk_score"`
	Description string            `json:"description"`
	Metadata    map[string]string `json:"metadata"`
	Receipt     string            `json:"receipt"`
	Created     time.Time         `json:"created"`
}

// idemRecord is what a retried request with the same key gets back.
type idemRecord struct {
	fingerprint [32]byte
	status      int
	response    []byte
	created     time.Time
}

type idemShard struct {
	mu      sync.Mutex
	records map[string]*idemRecord
}

const idemShards = 16

type idemStore struct {
	ttl    time.Duration
	shards [idemShards]idemShard
}

func (s *idemStore) shard(key string) *idemShard {
	h := fnv.New32a()
	h.Write([]byte(key))
	return &s.shards[h.Sum32()%idemShards]
}

func (s *idemStore) lookup(key string) *idemRecord {
	sh := s.shard(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return sh.records[key]
}

func (s *idemStore) remember(key string, rec *idemRecord) {
	sh := s.shard(key)
	sh.mu.Lock()
	if sh.records == nil {
		sh.records = make(map[string]*idemRecord)
	}
	sh.records[key] = rec
	sh.mu.Unlock()
}

// sweep drops the keys older than the ttl.
func (s *idemStore) sweep(now time.Time) (dropped int) {
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.Lock()
		for k, r := range sh.records {
			if now.Sub(r.created) > s.ttl {
				delete(sh.records, k)
				dropped++
			}
		}
		sh.mu.Unlock()
	}
	return dropped
}

// riskModel keeps per-merchant running figures for the fraud score.
type riskModel struct {
	mu     sync.Mutex
	totals map[string]*merchantRisk
}

type merchantRisk struct {
	charges int
	amount  int64
	recent  [64]int64
	next    int
}

func (m *riskModel) score(req *chargeRequest) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	mr := m.totals[req.Merchant]
	if mr == nil {
		mr = &merchantRisk{}
		m.totals[req.Merchant] = mr
	}
	mr.charges++
	mr.amount += req.Amount
	mr.recent[mr.next%len(mr.recent)] = req.Amount
	mr.next++
	var sum int64
	for _, a := range mr.recent {
		sum += a
	}
	avg := sum / int64(len(mr.recent))
	if avg > 0 && req.Amount > 5*avg {
		return 80
	}
	return int(req.Amount % 37)
}

type api struct {
	risk    riskModel
	idem    idemStore
	mu      sync.Mutex
	nextID  int
	charges int
	replays int
}

func (a *api) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("Idempotency-Key")
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
	if err != nil || key == "" {
		http.Error(w, "a charge needs a body and an Idempotency-Key", http.StatusBadRequest)
		return
	}
	fp := sha256.Sum256(raw)
	if rec := a.idem.lookup(key); rec != nil {
		if rec.fingerprint != fp {
			http.Error(w, "idempotency key reused with another request", http.StatusUnprocessableEntity)
			return
		}
		a.mu.Lock()
		a.replays++
		a.mu.Unlock()
		w.WriteHeader(rec.status)
		w.Write(rec.response)
		return
	}
	var req chargeRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		http.Error(w, "bad charge", http.StatusBadRequest)
		return
	}
	a.mu.Lock()
	a.nextID++
	a.charges++
	id := fmt.Sprintf("ch_%012d", a.nextID)
	a.mu.Unlock()
	ch := charge{ID: id, Merchant: req.Merchant, Amount: req.Amount, Currency: req.Currency,
		Status: "succeeded", RiskScore: a.risk.score(&req), Description: req.Description,
		Metadata: req.Metadata, Created: time.Now()}
	if ch.RiskScore > 75 {
		ch.Status = "review"
	}
	ch.Receipt = renderReceipt(&ch, &req)
	resp, _ := json.Marshal(&ch)
	a.idem.remember(key, &idemRecord{fingerprint: fp, status: http.StatusOK, response: resp, created: ch.Created})
	w.Header().Set("Content-Type", "application/json")
	w.Write(resp)
}

func renderReceipt(ch *charge, req *chargeRequest) string {
	var b strings.Builder
	fmt.Fprintf(&b, "RECEIPT %s\nMerchant: %s\nCard: **** %s\n", ch.ID, ch.Merchant, req.Card[len(req.Card)-4:])
	for k, v := range req.Metadata {
		fmt.Fprintf(&b, "%-24s %s\n", k, v)
	}
	fmt.Fprintf(&b, "Amount: %d.%02d %s\n%s\n", ch.Amount/100, ch.Amount%100, ch.Currency, strings.Repeat("Thank you for your purchase. ", 100))
	return b.String()
}

func drive(addr string) {
	rng := rand.New(rand.NewSource(11))
	client := &http.Client{Timeout: 5 * time.Second}
	merchants := []string{"bookhaven", "cyclecity", "gadgetry", "petpalace", "teatime", "urbanwear"}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	type sent struct {
		key  string
		body []byte
	}
	var recent []sent
	for n := 0; n < 200000; n++ {
		<-tick.C
		if len(recent) > 0 && rng.Intn(20) == 0 { // a checkout retrying after a timeout
			r := recent[rng.Intn(len(recent))]
			post(client, addr, r.key, r.body)
			continue
		}
		key := fmt.Sprintf("idk_%d_%08x", n, rng.Uint32())
		req := chargeRequest{Merchant: merchants[rng.Intn(len(merchants))], Amount: int64(500 + rng.Intn(20000)),
			Currency: "EUR", Card: fmt.Sprintf("4242%012d", rng.Int63n(1e12)), Description: "Order " + key,
			Metadata: map[string]string{"order_id": key, "cart_items": fmt.Sprint(1 + rng.Intn(9)), "channel": "web", "customer": fmt.Sprintf("cus_%06d", rng.Intn(900000))}}
		body, _ := json.Marshal(&req)
		recent = append(recent, sent{key, body})
		if len(recent) > 50 {
			recent = recent[1:]
		}
		post(client, addr, key, body)
	}
}

func post(client *http.Client, addr, key string, body []byte) {
	hreq, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/v1/charges", bytes.NewReader(body))
	hreq.Header.Set("Idempotency-Key", key)
	resp, err := client.Do(hreq)
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
	a := &api{risk: riskModel{totals: map[string]*merchantRisk{}}, idem: idemStore{ttl: 24 * time.Hour}}
	http.Handle("/v1/charges", a)
	go func() {
		for now := range time.Tick(time.Hour) {
			log.Printf("idempotency sweep dropped %d keys", a.idem.sweep(now))
		}
	}()
	go func() {
		for range time.Tick(10 * time.Second) {
			a.mu.Lock()
			log.Printf("%d charges, %d replays", a.charges, a.replays)
			a.mu.Unlock()
		}
	}()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("chargeapi listening")
	go drive(*addr)
	log.Fatal(http.Serve(ln, nil))
}
