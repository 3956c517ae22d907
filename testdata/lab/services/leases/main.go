// leases: a shard coordinator. For every shard this node owns it keeps a lease renewer
// (a select on its renewal timer and its stop channel) and a watcher that ranges over the
// shard's key changes from the coordination store. Every few seconds the balancer hands a
// shard or two to another node and takes others back, so renewers and watchers are stopped
// and started over time; most shards are quiet and their watchers wait for minutes.
package main

import (
	"flag"
	"fmt"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"sync"
	"time"
)

const shardCount = 40

// ---- the coordination store stand-in: leases and watch channels per shard

type store struct {
	mu       sync.Mutex
	leases   map[int]time.Time
	watchers map[int]chan string
}

func (st *store) grant(shard int, ttl time.Duration) {
	st.mu.Lock()
	st.leases[shard] = time.Now().Add(ttl)
	st.mu.Unlock()
}

func (st *store) watch(shard int) chan string {
	ch := make(chan string, 4)
	st.mu.Lock()
	st.watchers[shard] = ch
	st.mu.Unlock()
	return ch
}

func (st *store) unwatch(shard int) {
	st.mu.Lock()
	if ch, ok := st.watchers[shard]; ok {
		close(ch)
		delete(st.watchers, shard)
	}
	st.mu.Unlock()
}

// put notifies the shard's watcher, if this node watches it.
func (st *store) put(shard int, key string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if ch, ok := st.watchers[shard]; ok {
		select {
		case ch <- key:
		default:
		}
	}
}

// ---- the shard owner

type shard struct {
	id      int
	stop    chan struct{}
	renewed int
	applied int
}

type coordinator struct {
	st     *store
	mu     sync.Mutex
	owned  map[int]*shard
	moves  int
	events int
}

func (c *coordinator) acquire(id int) {
	sh := &shard{id: id, stop: make(chan struct{})}
	c.st.grant(id, 90*time.Second)
	events := c.st.watch(id)
	c.mu.Lock()
	c.owned[id] = sh
	c.mu.Unlock()
	go c.renewLease(sh)
	go c.watchShard(sh, events)
}

func (c *coordinator) release(id int) {
	c.mu.Lock()
	sh, ok := c.owned[id]
	delete(c.owned, id)
	c.mu.Unlock()
	if ok {
		close(sh.stop)
		c.st.unwatch(id)
	}
}

// renewLease renews the shard's 90 s lease every 20-40 s until the shard is handed off.
func (c *coordinator) renewLease(sh *shard) {
	t := time.NewTimer(time.Duration(20+rand.Intn(20)) * time.Second)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			c.st.grant(sh.id, 90*time.Second)
			sh.renewed++
			t.Reset(time.Duration(20+rand.Intn(20)) * time.Second)
		case <-sh.stop:
			return
		}
	}
}

// watchShard applies the shard's key changes as the store reports them.
func (c *coordinator) watchShard(sh *shard, events chan string) {
	for key := range events {
		c.mu.Lock()
		c.events++
		c.mu.Unlock()
		sh.applied++
		_ = key
	}
}

// rebalance hands a shard to another node now and then and takes one back.
func (c *coordinator) rebalance() {
	away := map[int]bool{}
	for {
		time.Sleep(time.Duration(3000+rand.Intn(3000)) * time.Millisecond)
		id := rand.Intn(shardCount)
		if away[id] {
			delete(away, id)
			c.acquire(id)
		} else if len(away) < 6 {
			away[id] = true
			c.release(id)
		}
		c.mu.Lock()
		c.moves++
		c.mu.Unlock()
	}
}

// writers change keys: a few hot shards every second, the rest rarely.
func (c *coordinator) writers() {
	for n := 0; ; n++ {
		time.Sleep(150 * time.Millisecond)
		id := rand.Intn(4)
		if n%20 == 0 {
			id = rand.Intn(shardCount)
		}
		c.st.put(id, fmt.Sprintf("k%d", n))
	}
}

func (c *coordinator) handleOwner(w http.ResponseWriter, r *http.Request) {
	var id int
	fmt.Sscanf(r.URL.Query().Get("shard"), "%d", &id)
	c.mu.Lock()
	_, ok := c.owned[id%shardCount]
	c.mu.Unlock()
	fmt.Fprintf(w, "shard %d owned=%v\n", id%shardCount, ok)
}

func lookups(base string) {
	client := &http.Client{Timeout: 5 * time.Second}
	for n := 0; ; n++ {
		resp, err := client.Get(fmt.Sprintf("%s/owner?shard=%d", base, rand.Intn(1000)))
		if err == nil {
			resp.Body.Close()
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (c *coordinator) report(every time.Duration) {
	for range time.Tick(every) {
		c.mu.Lock()
		log.Printf("leases: %d shards owned, %d moves, %d events applied", len(c.owned), c.moves, c.events)
		c.mu.Unlock()
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
	c := &coordinator{st: &store{leases: map[int]time.Time{}, watchers: map[int]chan string{}}, owned: map[int]*shard{}}
	for id := 0; id < shardCount; id++ {
		c.acquire(id)
	}
	http.HandleFunc("/owner", c.handleOwner)
	go c.rebalance()
	go c.writers()
	go lookups("http://" + *addr)
	go c.report(20 * time.Second)
	log.Printf("leases: listening on %s", *addr)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
