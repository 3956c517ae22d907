// userdir answers the company directory's profile lookups: GET /v1/profile?id=N returns the
// profile (name, team, desk, manager) from the profile store. The store keeps every shard on a
// primary and a replica; to keep the tail latency down a read is hedged: it goes to the
// primary, and if the primary has not answered within the hedge delay, to the replica too;
// whichever answers first wins.
package main

import (
	"encoding/json"
	"errors"
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

type profile struct {
	ID      int    `json:"id"`
	Name    string `json:"name"`
	Team    string `json:"team"`
	Desk    string `json:"desk"`
	Manager int    `json:"manager"`
}

var errMoved = errors.New("shard moved: retry against the new owner")

// storeNode stands in for one node of the profile store: a few ms a read, now and then a slow
// one (compaction), and a shard being moved to another node answers errMoved.
type storeNode struct {
	name   string
	mu     sync.Mutex
	rng    *rand.Rand
	moving map[int]bool // shards being moved off this node
}

const shards = 32

func (n *storeNode) get(id int) (profile, error) {
	n.mu.Lock()
	d := time.Duration(2+n.rng.Intn(6)) * time.Millisecond
	if n.rng.Intn(10) == 0 {
		d = time.Duration(40+n.rng.Intn(80)) * time.Millisecond
	}
	moving := n.moving[id%shards]
	n.mu.Unlock()
	time.Sleep(d)
	if moving {
		return profile{}, fmt.Errorf("%s: shard %d: %w", n.name, id%shards, errMoved)
	}
	teams := []string{"payments", "search", "infra", "mobile", "growth", "support"}
	return profile{ID: id, Name: "employee-" + strconv.Itoa(id), Team: teams[id%len(teams)],
		Desk: fmt.Sprintf("B%d-%03d", id%4+1, id%250), Manager: id / 12}, nil
}

// rebalance moves shards between nodes: a shard is in flight on both its primary and its
// replica for a few seconds (both answer errMoved until the directory learns the new owner).
func rebalance(primary, replica *storeNode) {
	rng := rand.New(rand.NewSource(99))
	for {
		time.Sleep(time.Duration(1500+rng.Intn(1500)) * time.Millisecond)
		s := rng.Intn(shards)
		for _, n := range []*storeNode{primary, replica} {
			n.mu.Lock()
			n.moving[s] = true
			n.mu.Unlock()
		}
		time.Sleep(time.Duration(2+rng.Intn(4)) * time.Second)
		for _, n := range []*storeNode{primary, replica} {
			n.mu.Lock()
			delete(n.moving, s)
			n.mu.Unlock()
		}
	}
}

type result struct {
	p    profile
	from string
}

// hedgedReader reads a profile from the primary and, after the hedge delay, from the replica.
type hedgedReader struct {
	primary, replica *storeNode
	hedgeAfter       time.Duration
	stop             chan struct{} // closed on shutdown
	hedged, failed   atomic.Int64
}

// fetch reads id from node and sends the profile on out. The channel has room for the answer,
// so the loser of the race does not block once the winner's caller has gone.
func (h *hedgedReader) fetch(n *storeNode, id int, out chan<- result) {
	p, err := n.get(id)
	if err != nil {
		h.failed.Add(1)
		log.Printf("hedged read %d: %v", id, err)
		return
	}
	out <- result{p: p, from: n.name}
}

// read returns the first answer of the primary or, once hedged, the replica.
func (h *hedgedReader) read(id int) (result, bool) {
	primary := make(chan result, 1)
	replica := make(chan result, 1)
	go h.fetch(h.primary, id, primary)
	hedge := time.NewTimer(h.hedgeAfter)
	defer hedge.Stop()
	for {
		select {
		case r := <-primary:
			return r, true
		case r := <-replica:
			return r, true
		case <-hedge.C:
			h.hedged.Add(1)
			go h.fetch(h.replica, id, replica)
		case <-h.stop:
			return result{}, false
		}
	}
}

func (h *hedgedReader) handleProfile(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(r.URL.Query().Get("id"))
	if err != nil || id <= 0 {
		http.Error(w, "bad id", http.StatusBadRequest)
		return
	}
	res, ok := h.read(id)
	if !ok {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Served-By", res.from)
	json.NewEncoder(w).Encode(res.p)
}

func (h *hedgedReader) handleStats(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintf(w, "hedged %d\nfailed %d\n", h.hedged.Load(), h.failed.Load())
}

// browser plays the directory's web page: the org chart looks up a person, then their manager.
func browser(base string, n int) {
	client := &http.Client{Timeout: 2 * time.Second}
	rng := rand.New(rand.NewSource(int64(n) + 5))
	for {
		id := 1 + rng.Intn(6000)
		for hop := 0; hop < 3 && id > 0; hop++ {
			resp, err := client.Get(fmt.Sprintf("%s/v1/profile?id=%d", base, id))
			if err != nil {
				break
			}
			var p profile
			json.NewDecoder(resp.Body).Decode(&p)
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			id = p.Manager
		}
		time.Sleep(time.Duration(150+rng.Intn(250)) * time.Millisecond)
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	log.SetOutput(io.Discard) // the store's errors go to the access log in production
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	primary := &storeNode{name: "store-a", rng: rand.New(rand.NewSource(1)), moving: map[int]bool{}}
	replica := &storeNode{name: "store-b", rng: rand.New(rand.NewSource(2)), moving: map[int]bool{}}
	h := &hedgedReader{primary: primary, replica: replica, hedgeAfter: 20 * time.Millisecond, stop: make(chan struct{})}
	http.HandleFunc("/v1/profile", h.handleProfile)
	http.HandleFunc("/v1/stats", h.handleStats)
	go rebalance(primary, replica)
	for i := 0; i < 6; i++ {
		go browser("http://"+*addr, i)
	}
	log.Printf("userdir: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
