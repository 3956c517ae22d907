// configd: a configuration store with a watch API in the style of blocking queries. A client
// reads a key with the index it last saw (GET /v1/kv/<key>?index=N&wait=5m); when the key has
// not changed since, the request waits in a select on the key's change notification (a channel
// closed on every write), its own deadline and the client going away. Most keys change rarely,
// so most watches wait for minutes, by design, and are asked again at once.
package main

import (
	"bufio"
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
	"time"
)

const maxWait = 10 * time.Minute

type entry struct {
	value   string
	index   int
	changed chan struct{} // closed on the next write
}

type kvStore struct {
	mu      sync.Mutex
	entries map[string]*entry
	index   int
	waits   int
}

func (s *kvStore) lookup(key string) *entry {
	e, ok := s.entries[key]
	if !ok {
		e = &entry{changed: make(chan struct{})}
		s.entries[key] = e
	}
	return e
}

func (s *kvStore) put(key, value string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.index++
	e := s.lookup(key)
	e.value, e.index = value, s.index
	close(e.changed)
	e.changed = make(chan struct{})
}

type reply struct {
	Key   string `json:"key"`
	Value string `json:"value"`
	Index int    `json:"index"`
}

// handleGet answers at once unless the caller asks to wait for a change past its index.
func (s *kvStore) handleGet(w http.ResponseWriter, r *http.Request) {
	key := strings.TrimPrefix(r.URL.Path, "/v1/kv/")
	seen, _ := strconv.Atoi(r.URL.Query().Get("index"))
	wait, err := time.ParseDuration(r.URL.Query().Get("wait"))
	if err != nil || wait > maxWait {
		wait = maxWait
	}
	s.mu.Lock()
	e := s.lookup(key)
	changed := e.changed
	fresh := e.index > seen
	s.waits++
	s.mu.Unlock()
	if !fresh && seen > 0 {
		// a little jitter so that watches asked together do not all time out together
		wait += time.Duration(rand.Int63n(int64(wait / 16)))
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-changed:
		case <-t.C:
		case <-r.Context().Done():
			return
		}
	}
	s.mu.Lock()
	e = s.lookup(key)
	out := reply{Key: key, Value: e.value, Index: e.index}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out)
}

func (s *kvStore) handlePut(w http.ResponseWriter, r *http.Request) {
	key := strings.TrimPrefix(r.URL.Path, "/v1/put/")
	s.put(key, r.URL.Query().Get("value"))
	fmt.Fprintln(w, "ok")
}

// ---- the fleet: every service instance watches the key it is configured by; a deploy tool
// writes a few hot keys every few seconds and the others now and then.

var keys = func() []string {
	var k []string
	for i := 0; i < 30; i++ {
		k = append(k, fmt.Sprintf("services/svc-%02d/config", i))
	}
	return k
}()

// watchKey is a service instance's config agent: one connection to the store, a blocking
// read of its key after another, each answered when the key changes or the wait runs out.
func watchKey(addr, key string) {
	index := 0
	var c net.Conn
	var rd *bufio.Reader
	for {
		if c == nil {
			var err error
			if c, err = net.Dial("tcp", addr); err != nil {
				time.Sleep(time.Second)
				continue
			}
			rd = bufio.NewReader(c)
		}
		fmt.Fprintf(c, "GET /v1/kv/%s?index=%d&wait=5m HTTP/1.1\r\nHost: configd\r\n\r\n", key, index)
		c.SetReadDeadline(time.Now().Add(maxWait + time.Minute))
		resp, err := http.ReadResponse(rd, nil)
		if err != nil {
			c.Close()
			c = nil
			continue
		}
		var rep reply
		if json.NewDecoder(resp.Body).Decode(&rep) == nil {
			index = rep.Index
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

func deployer(client *http.Client, base string) {
	for n := 0; ; n++ {
		key := keys[rand.Intn(3)]
		if rand.Intn(8) == 0 {
			key = keys[rand.Intn(len(keys))]
		}
		resp, err := client.Get(fmt.Sprintf("%s/v1/put/%s?value=rev-%d", base, key, n))
		if err == nil {
			resp.Body.Close()
		}
		time.Sleep(time.Duration(2000+rand.Intn(4000)) * time.Millisecond)
	}
}

func (s *kvStore) report(every time.Duration) {
	for range time.Tick(every) {
		s.mu.Lock()
		log.Printf("configd: index %d, %d reads", s.index, s.waits)
		s.mu.Unlock()
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
	s := &kvStore{entries: map[string]*entry{}}
	for _, k := range keys {
		s.put(k, "rev-0")
	}
	http.HandleFunc("/v1/kv/", s.handleGet)
	http.HandleFunc("/v1/put/", s.handlePut)
	go s.report(20 * time.Second)
	base := "http://" + *addr
	client := &http.Client{Timeout: 10 * time.Second}
	go deployer(client, base)
	go func() {
		for i := 0; i < 56; i++ {
			go watchKey(*addr, keys[i%len(keys)])
			time.Sleep(time.Duration(50+rand.Intn(200)) * time.Millisecond)
		}
	}()
	log.Printf("configd: listening on %s", *addr)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
