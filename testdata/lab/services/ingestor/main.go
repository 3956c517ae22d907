// ingestor: receives batches of log lines from the fleet's shippers and keeps per-service,
// per-level counters for the dashboards. Batches are acknowledged at once and indexed by one
// indexer goroutine, in order.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"sync"
	"sync/atomic"
	"time"
)

const scratchSize = 4096

// lineScanner splits a batch into lines; long lines are assembled in its scratch buffer.
type lineScanner struct {
	data    []byte
	pos     int
	scratch []byte
	owner   *ingestor
}

func (ing *ingestor) newLineScanner(batch []byte) *lineScanner {
	ing.mu.Lock()
	var buf []byte
	if n := len(ing.spare); n > 0 {
		buf, ing.spare = ing.spare[n-1], ing.spare[:n-1]
	}
	ing.mu.Unlock()
	if buf == nil {
		buf = make([]byte, 0, scratchSize)
	}
	return &lineScanner{data: batch, scratch: buf[:0], owner: ing}
}

// release hands the scratch buffer back for the next batch.
func (sc *lineScanner) release() {
	sc.owner.mu.Lock()
	sc.owner.spare = append(sc.owner.spare, sc.scratch)
	sc.owner.mu.Unlock()
	sc.scratch = nil
}

func (sc *lineScanner) next() ([]byte, bool) {
	if sc.pos >= len(sc.data) {
		sc.data = nil // the batch can go as soon as it is read
		return nil, false
	}
	rest := sc.data[sc.pos:]
	i := bytes.IndexByte(rest, '\n')
	if i < 0 {
		i = len(rest)
	}
	sc.pos += i + 1
	line := rest[:i]
	if bytes.HasSuffix(line, []byte{'\\'}) { // a continued line is joined in scratch
		sc.scratch = append(sc.scratch[:0], line[:len(line)-1]...)
		return sc.scratch, true
	}
	return line, true
}

type ingestor struct {
	mu      sync.Mutex
	spare   [][]byte
	counts  map[string]map[string]int64
	batches chan []byte

	received atomic.Int64
	indexed  atomic.Int64
}

var levels = [][]byte{[]byte("DEBUG"), []byte("INFO"), []byte("WARN"), []byte("ERROR")}

func (ing *ingestor) count(line []byte) {
	f := bytes.Fields(line)
	if len(f) < 3 {
		return
	}
	svc, lvl := string(f[1]), "OTHER"
	for _, l := range levels {
		if bytes.Equal(f[2], l) {
			lvl = string(l)
		}
	}
	ing.mu.Lock()
	m := ing.counts[svc]
	if m == nil {
		m = make(map[string]int64)
		ing.counts[svc] = m
	}
	m[lvl]++
	ing.mu.Unlock()
}

// index works through the batches as they arrive.
func (ing *ingestor) index() {
	for batch := range ing.batches {
		sc := ing.newLineScanner(batch)
		defer sc.release()
		for {
			line, ok := sc.next()
			if !ok {
				break
			}
			ing.count(line)
		}
		ing.indexed.Add(1)
	}
}

func (ing *ingestor) handleBatch(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	ing.received.Add(1)
	ing.batches <- body
	w.WriteHeader(http.StatusAccepted)
}

var services = []string{"checkout", "search", "cart", "payments", "auth", "catalog", "email", "ledger"}

// shipper sends what a host's agent collected: a few dozen lines per batch.
func shipper(base string, host int) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(int64(100 + host)))
	var b bytes.Buffer
	for {
		b.Reset()
		for i, n := 0, 8+rng.Intn(16); i < n; i++ {
			fmt.Fprintf(&b, "2026-12-05T07:%02d:%02d %s %s request_id=%08x took=%dms\n", rng.Intn(60), rng.Intn(60),
				services[rng.Intn(len(services))], levels[rng.Intn(len(levels))], rng.Uint32(), rng.Intn(900))
			if rng.Intn(10) == 0 {
				fmt.Fprintf(&b, "    at handler.go:%d \\\n", rng.Intn(400))
			}
		}
		resp, err := client.Post(base+"/v1/batch", "text/plain", bytes.NewReader(b.Bytes()))
		if err != nil {
			log.Printf("shipper %d: %v", host, err)
		} else {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		time.Sleep(time.Duration(400+rng.Intn(400)) * time.Millisecond)
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
	ing := &ingestor{counts: make(map[string]map[string]int64), batches: make(chan []byte, 64)}
	go ing.index()
	http.HandleFunc("/v1/batch", ing.handleBatch)
	go func() {
		for range time.Tick(15 * time.Second) {
			log.Printf("stats: batches received=%d indexed=%d", ing.received.Load(), ing.indexed.Load())
		}
	}()
	for h := 0; h < 16; h++ {
		go shipper("http://"+*addr, h)
	}
	log.Printf("ingestor: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
