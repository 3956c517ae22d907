// catalog: product search over a sharded index. Every query goes to all shards at once
// and the handler merges what they return, so a query takes as long as its slowest shard.
package main

import (
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
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type Hit struct {
	SKU   string  `json:"sku"`
	Title string  `json:"title"`
	Score float64 `json:"score"`
}

type shard struct {
	id     int
	titles []string
}

// search scans the shard's slice of the index; the slow part is the shard's storage,
// 10-250 ms depending on how cold its pages are.
func (s *shard) search(term string) []Hit {
	time.Sleep(time.Duration(10+rand.Intn(240)) * time.Millisecond)
	var hits []Hit
	for i, t := range s.titles {
		if strings.Contains(t, term) {
			h := fnv.New32a()
			h.Write([]byte(t))
			hits = append(hits, Hit{SKU: fmt.Sprintf("S%02d-%05d", s.id, i), Title: t, Score: float64(h.Sum32()%1000) / 1000})
			if len(hits) == 5 {
				break
			}
		}
	}
	return hits
}

type searcher struct {
	shards  []*shard
	queries atomic.Int64
}

// query asks every shard in parallel and merges the best hits.
func (s *searcher) query(term string) []Hit {
	results := make(chan []Hit)
	var wg sync.WaitGroup
	for _, sh := range s.shards {
		wg.Add(1)
		go func(sh *shard) {
			defer wg.Done()
			results <- sh.search(term)
		}(sh)
	}
	go func() {
		wg.Wait()
		close(results)
	}()
	var merged []Hit
	for hits := range results {
		merged = append(merged, hits...)
	}
	sort.Slice(merged, func(i, j int) bool { return merged[i].Score > merged[j].Score })
	if len(merged) > 10 {
		merged = merged[:10]
	}
	return merged
}

func (s *searcher) handleSearch(w http.ResponseWriter, r *http.Request) {
	hits := s.query(r.URL.Query().Get("q"))
	s.queries.Add(1)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(hits)
}

func (s *searcher) report(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for range t.C {
		log.Printf("catalog: served %d queries", s.queries.Load())
	}
}

var words = []string{"oak", "steel", "linen", "walnut", "glass", "wool", "brass", "cedar", "denim", "marble", "cotton", "slate"}
var things = []string{"table", "lamp", "chair", "shelf", "rug", "mirror", "vase", "desk", "stool", "cabinet"}

func buildShards(n, rows int) []*shard {
	shards := make([]*shard, n)
	for i := range shards {
		sh := &shard{id: i}
		for j := 0; j < rows; j++ {
			sh.titles = append(sh.titles, words[rand.Intn(len(words))]+" "+things[rand.Intn(len(things))])
		}
		shards[i] = sh
	}
	return shards
}

// shoppers replays the storefront's search box: each shopper types a query, reads the
// results for a moment and searches again.
func shoppers(base string, n int) {
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: n}}
	for i := 0; i < n; i++ {
		go func(i int) {
			time.Sleep(time.Duration(i*37) * time.Millisecond)
			for {
				resp, err := client.Get(base + "/search?q=" + words[rand.Intn(len(words))])
				if err != nil {
					log.Printf("shopper %d: %v", i, err)
				} else {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				time.Sleep(time.Duration(100+rand.Intn(300)) * time.Millisecond)
			}
		}(i)
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
	s := &searcher{shards: buildShards(16, 2000)}
	http.HandleFunc("/search", s.handleSearch)
	go s.report(15 * time.Second)
	go shoppers("http://"+*addr, 20)
	log.Printf("catalog: %d shards, listening on %s", len(s.shards), *addr)
	srv := &http.Server{IdleTimeout: 2 * time.Minute, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
