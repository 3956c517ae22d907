// logsearch: full-text search over the last hour of application logs for the support console.
// The segments are held in memory; each query tokenises the lines it scans. Operations run
// it the way the Go GC guide suggests for a service with a known container size: GC off
// (GOGC=off) and a soft memory limit (GOMEMLIMIT), so the collector runs only as the heap
// nears the limit. The process sets both itself because its launcher passes no environment.
package main

import (
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
	"sort"
	"strings"
	"sync/atomic"
	"time"
)

const memoryLimit = 64 << 20

type segment struct {
	start time.Time
	lines []string
}

type index struct {
	segments []*segment
}

var services = []string{"checkout", "cart", "payments", "search", "accounts", "shipping", "inventory", "pricing"}
var levels = []string{"INFO", "INFO", "INFO", "WARN", "ERROR", "DEBUG"}
var words = []string{"request", "completed", "timeout", "retrying", "upstream", "cache", "miss", "order", "user",
	"session", "token", "expired", "connection", "reset", "latency", "slow", "query", "rows", "commit", "rollback"}

// loadSegments builds the hour of logs the service starts with (in production: read from the shipper's spool).
func loadSegments(n, perSegment int) *index {
	rng := rand.New(rand.NewSource(7))
	idx := &index{}
	t0 := time.Now().Add(-time.Hour)
	for s := 0; s < n; s++ {
		seg := &segment{start: t0.Add(time.Duration(s) * time.Minute), lines: make([]string, 0, perSegment)}
		for i := 0; i < perSegment; i++ {
			var b strings.Builder
			fmt.Fprintf(&b, "%s %s svc=%s req=%08x", seg.start.Add(time.Duration(i)*time.Millisecond).Format(time.RFC3339Nano),
				levels[rng.Intn(len(levels))], services[rng.Intn(len(services))], rng.Uint32())
			for w := 0; w < 6+rng.Intn(6); w++ {
				b.WriteByte(' ')
				b.WriteString(words[rng.Intn(len(words))])
			}
			seg.lines = append(seg.lines, b.String())
		}
		idx.segments = append(idx.segments, seg)
	}
	return idx
}

type hit struct {
	Segment int    `json:"segment"`
	Line    string `json:"line"`
	Score   int    `json:"score"`
}

// search scans the newest segments, tokenising each line and scoring it against the terms.
func (idx *index) search(terms []string, span int) []hit {
	var hits []hit
	for si := len(idx.segments) - 1; si >= 0 && si >= len(idx.segments)-span; si-- {
		for _, line := range idx.segments[si].lines {
			tokens := strings.Fields(strings.ToLower(line))
			score := 0
			for _, t := range tokens {
				for _, q := range terms {
					if t == q {
						score++
					}
				}
			}
			if score > 0 {
				hits = append(hits, hit{Segment: si, Line: line, Score: score})
			}
		}
	}
	sort.Slice(hits, func(i, j int) bool { return hits[i].Score > hits[j].Score })
	if len(hits) > 50 {
		hits = hits[:50]
	}
	return hits
}

type server struct {
	idx     *index
	queries atomic.Int64
}

func (s *server) handleSearch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	terms := strings.Fields(strings.ToLower(q.Get("q")))
	span := 3
	fmt.Sscanf(q.Get("span"), "%d", &span)
	if span < 1 || span > 10 {
		span = 3
	}
	hits := s.idx.search(terms, span)
	s.queries.Add(1)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]interface{}{"terms": terms, "hits": hits})
}

// agents type queries into the console: two or three words over the last few minutes.
func agents(base string, seed int64) {
	client := &http.Client{Timeout: 10 * time.Second}
	rng := rand.New(rand.NewSource(seed))
	for range time.Tick(100 * time.Millisecond) {
		q := words[rng.Intn(len(words))] + "+" + services[rng.Intn(len(services))]
		if rng.Intn(3) == 0 {
			q += "+" + strings.ToLower(levels[rng.Intn(len(levels))])
		}
		resp, err := client.Get(fmt.Sprintf("%s/search?q=%s&span=%d", base, q, 1+rng.Intn(4)))
		if err != nil {
			log.Printf("agent: %v", err)
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(memoryLimit)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	s := &server{idx: loadSegments(60, 1000)}
	http.HandleFunc("/search", s.handleSearch)
	go func() {
		for range time.Tick(15 * time.Second) {
			log.Printf("stats: queries=%d", s.queries.Load())
		}
	}()
	for i := int64(1); i <= 3; i++ {
		go agents("http://"+*addr, i)
	}
	log.Printf("logsearch: listening on %s (GOGC=off, limit %d MiB)", *addr, memoryLimit>>20)
	log.Fatal(http.Serve(ln, nil))
}
