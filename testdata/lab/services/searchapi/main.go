// searchapi: product search. A query fans out to the index shards under a context
// derived from the server's base context, so that shutting down cancels in-flight work;
// answers for popular queries are served from a small result cache.
package main

import (
	"context"
	"flag"
	"fmt"
	"hash/fnv"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type shard struct {
	docs []string
}

type query struct {
	text    string
	limit   int
	ctx     context.Context
	cancel  context.CancelFunc
	started time.Time
}

type Server struct {
	base   context.Context
	stop   context.CancelFunc
	shards []shard

	mu    sync.Mutex
	cache map[string][]int

	served atomic.Int64
	hits   atomic.Int64
}

func newServer(nshards, ndocs int) *Server {
	base, stop := context.WithCancel(context.Background())
	s := &Server{base: base, stop: stop, cache: make(map[string][]int)}
	rng := rand.New(rand.NewSource(3))
	words := []string{"red", "blue", "shoe", "shirt", "lamp", "desk", "chair", "mug", "cable", "phone", "case", "bag"}
	for i := 0; i < nshards; i++ {
		sh := shard{docs: make([]string, ndocs)}
		for d := range sh.docs {
			sh.docs[d] = words[rng.Intn(len(words))] + " " + words[rng.Intn(len(words))]
		}
		s.shards = append(s.shards, sh)
	}
	return s
}

func (s *Server) newQuery(text string, limit int) *query {
	q := &query{text: text, limit: limit, started: time.Now()}
	q.ctx, q.cancel = context.WithCancel(s.base)
	return q
}

func (s *Server) cached(text string) ([]int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	hits, ok := s.cache[text]
	return hits, ok
}

func (s *Server) store(text string, hits []int) {
	s.mu.Lock()
	if len(s.cache) >= 256 {
		for k := range s.cache {
			delete(s.cache, k)
			break
		}
	}
	s.cache[text] = hits
	s.mu.Unlock()
}

// search answers one query; the shards stop early when the query's context ends.
func (s *Server) search(text string, limit int) []int {
	q := s.newQuery(text, limit)
	if hits, ok := s.cached(q.text); ok {
		s.hits.Add(1)
		return hits
	}
	defer q.cancel()
	var hits []int
	for i := range s.shards {
		select {
		case <-q.ctx.Done():
			return hits
		default:
		}
		hits = append(hits, s.scan(i, q)...)
	}
	sort.Ints(hits)
	if len(hits) > q.limit {
		hits = hits[:q.limit]
	}
	s.store(q.text, hits)
	return hits
}

func (s *Server) scan(i int, q *query) []int {
	var out []int
	for d, doc := range s.shards[i].docs {
		if strings.Contains(doc, q.text) {
			out = append(out, i<<16|d)
			if len(out) >= q.limit {
				break
			}
		}
	}
	return out
}

func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	text := r.URL.Query().Get("q")
	hits := s.search(text, 20)
	s.served.Add(1)
	fmt.Fprintf(w, "{\"q\":%q,\"hits\":%d}\n", text, len(hits))
}

// shoppers: the storefront's search box, called in-process by the web tier's batches.
func shoppers(s *Server) {
	rng := rand.New(rand.NewSource(11))
	terms := []string{"red", "blue", "shoe", "shirt", "lamp", "desk", "chair", "mug", "cable", "phone", "case", "bag",
		"red shoe", "blue shirt", "desk lamp", "phone case"}
	h := fnv.New32a()
	for range time.Tick(10 * time.Millisecond) {
		for i := 0; i < 8; i++ {
			t := terms[rng.Intn(len(terms))]
			if rng.Intn(4) == 0 {
				h.Reset()
				fmt.Fprintf(h, "%d", rng.Int())
				t = fmt.Sprintf("%s %x", t, h.Sum32()%4096)
			}
			s.search(t, 20)
			s.served.Add(1)
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
	s := newServer(4, 1000)
	http.HandleFunc("/v1/search", s.handleSearch)
	go func() {
		for range time.Tick(15 * time.Second) {
			log.Printf("stats: served=%d cache_hits=%d", s.served.Load(), s.hits.Load())
		}
	}()
	go shoppers(s)
	log.Printf("searchapi: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
