// shardgw: a gateway in front of 16 storage shards. Every request is routed by key to its
// shard's HTTP API through one shared http.Transport that keeps connections alive
// (MaxIdleConnsPerHost 2, IdleConnTimeout 5 minutes), so each shard holds one or two idle
// keep-alive connections: on the client side a persistConn readLoop waiting for the next
// response and a writeLoop waiting for the next request, on the shard's side a server
// connection waiting for the next request. Traffic is skewed: hot keys hit a few shards
// every second, the rest see a request every few minutes, so most pooled connections
// sit idle for minutes, by design.
package main

import (
	"flag"
	"fmt"
	"hash/fnv"
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

type shard struct {
	id   int
	base string
	mu   sync.Mutex
	data map[string]string
}

func (s *shard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := strings.TrimPrefix(r.URL.Path, "/kv/")
	s.mu.Lock()
	v, ok := s.data[key]
	if !ok {
		v = fmt.Sprintf("value-%d-%s", s.id, key)
		s.data[key] = v
	}
	s.mu.Unlock()
	io.WriteString(w, v)
}

func startShard(id int) *shard {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	s := &shard{id: id, base: "http://" + ln.Addr().String(), data: map[string]string{}}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 10 * time.Minute}
	go srv.Serve(ln)
	return s
}

type gateway struct {
	shards []*shard
	client *http.Client
	served atomic.Int64
}

func (g *gateway) route(key string) *shard {
	h := fnv.New32a()
	h.Write([]byte(key))
	return g.shards[int(h.Sum32())%len(g.shards)]
}

func (g *gateway) handleGet(w http.ResponseWriter, r *http.Request) {
	key := strings.TrimPrefix(r.URL.Path, "/get/")
	sh := g.route(key)
	resp, err := g.client.Get(sh.base + "/kv/" + key)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	g.served.Add(1)
	io.Copy(w, resp.Body)
}

// clients sends the traffic: most requests go to a few hot keys, the rest to any key.
func clients(base string) {
	c := &http.Client{Timeout: 5 * time.Second}
	hot := []string{"user:1", "user:2", "cart:7"}
	for i := 0; ; i++ {
		key := hot[rand.Intn(len(hot))]
		if i%40 == 0 {
			key = fmt.Sprintf("item:%d", rand.Intn(100000))
		}
		if resp, err := c.Get(base + "/get/" + key); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		time.Sleep(time.Duration(150+rand.Intn(100)) * time.Millisecond)
	}
}

func (g *gateway) report(every time.Duration) {
	for range time.Tick(every) {
		log.Printf("shardgw: served %d requests over %d shards", g.served.Load(), len(g.shards))
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
	g := &gateway{client: &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{
		MaxIdleConnsPerHost: 2, IdleConnTimeout: 5 * time.Minute}}}
	for i := 0; i < 16; i++ {
		g.shards = append(g.shards, startShard(i))
	}
	// warm the pool: one request per shard at start, as the health check does
	for _, sh := range g.shards {
		if resp, err := g.client.Get(sh.base + "/kv/warmup"); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	http.HandleFunc("/get/", g.handleGet)
	go clients("http://" + *addr)
	go g.report(20 * time.Second)
	log.Printf("shardgw: listening on %s", *addr)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
