// auditship is the accounts API's audit trail: every change to an account (PUT
// /v1/accounts/ID) records who changed what, with the account's JSON before and after, and
// queues the event for the shipper, which posts batches of 64 to the security team's intake.
// Handlers never wait for the intake: an event is queued without blocking, and dropped
// (counted) if the queue is full.
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
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type auditEvent struct {
	at      time.Time
	actor   string
	action  string
	account string
	before  []byte // the account as stored before the change
	after   []byte
}

// auditQueue holds the events not shipped yet; room for a busy hour.
var auditQueue = make(chan auditEvent, 16384)

var dropped, shipped atomic.Int64

type account struct {
	ID       string            `json:"id"`
	Owner    string            `json:"owner"`
	Email    string            `json:"email"`
	Plan     string            `json:"plan"`
	Limits   map[string]int    `json:"limits"`
	Settings map[string]string `json:"settings"`
	Notes    string            `json:"notes"`
}

var (
	mu       sync.Mutex
	accounts = map[string][]byte{}
)

func handleAccount(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/v1/accounts/")
	if r.Method != http.MethodPut || id == "" {
		http.Error(w, "PUT /v1/accounts/ID", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var a account
	if err := json.Unmarshal(body, &a); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	mu.Lock()
	before := accounts[id]
	accounts[id] = body
	mu.Unlock()
	ev := auditEvent{at: time.Now(), actor: r.Header.Get("X-Actor"), action: "account.update",
		account: id, before: before, after: body}
	select {
	case auditQueue <- ev:
	default:
		dropped.Add(1)
	}
	w.WriteHeader(http.StatusNoContent)
}

// ship posts the queued events to the intake in batches of 64.
func ship(intake string) {
	client := &http.Client{} // the intake is on the same network
	batch := make([]auditEvent, 0, 64)
	var buf bytes.Buffer
	for ev := range auditQueue {
		batch = append(batch, ev)
		if len(batch) < cap(batch) {
			continue
		}
		buf.Reset()
		for _, e := range batch {
			fmt.Fprintf(&buf, `{"at":%q,"actor":%q,"action":%q,"account":%q,"before":%s,"after":%s}`+"\n",
				e.at.Format(time.RFC3339Nano), e.actor, e.action, e.account, orNull(e.before), e.after)
		}
		resp, err := client.Post(intake, "application/x-ndjson", bytes.NewReader(buf.Bytes()))
		if err != nil {
			log.Printf("ship: %v", err)
		} else {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			shipped.Add(int64(len(batch)))
		}
		batch = batch[:0]
	}
}

func orNull(b []byte) []byte {
	if b == nil {
		return []byte("null")
	}
	return b
}

// intake stands in for the security team's log intake: it takes a few batches, then its
// indexer stalls and it stops answering, without closing the connection.
func intake(ln net.Listener) {
	var n atomic.Int64
	http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if n.Add(1) > 5 {
			select {}
		}
		w.WriteHeader(http.StatusAccepted)
	}))
}

func handleStats(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintf(w, "%d queued, %d shipped, %d dropped\n", len(auditQueue), shipped.Load(), dropped.Load())
}

// console plays the back office: operators editing accounts.
func console(base string, n int) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(int64(n) + 3))
	plans := []string{"free", "team", "business", "enterprise"}
	for i := 1; ; i++ {
		id := fmt.Sprintf("acct-%06d", rng.Intn(600))
		a := account{ID: id, Owner: fmt.Sprintf("Customer %d", rng.Intn(90000)),
			Email: fmt.Sprintf("billing+%d@example.com", rng.Intn(90000)), Plan: plans[rng.Intn(len(plans))],
			Limits: map[string]int{"seats": rng.Intn(500), "projects": rng.Intn(80), "storage_gb": rng.Intn(2000)},
			Settings: map[string]string{"sso": "saml", "region": "eu-west-1", "retention": "400d", "mfa": "required"},
			Notes: strings.Repeat(fmt.Sprintf("renewal call %d; ", rng.Intn(12)), 30)}
		body, _ := json.Marshal(a)
		req, _ := http.NewRequest(http.MethodPut, base+"/v1/accounts/"+id, bytes.NewReader(body))
		req.Header.Set("X-Actor", fmt.Sprintf("operator-%d", n))
		resp, err := client.Do(req)
		if err != nil {
			log.Printf("console %d: %v", n, err)
			time.Sleep(time.Second)
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if i%1000 == 0 {
			log.Printf("console %d: %d edits", n, i)
		}
		time.Sleep(3 * time.Millisecond)
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
	iln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go intake(iln)
	go ship("http://" + iln.Addr().String() + "/v1/events")
	http.HandleFunc("/v1/accounts/", handleAccount)
	http.HandleFunc("/v1/stats", handleStats)
	for i := 0; i < 2; i++ {
		go console("http://"+*addr, i)
	}
	log.Printf("auditship: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
