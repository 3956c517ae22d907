// batchload: imports a wholesaler's price-and-stock feed. The wholesaler streams CSV lines
// all day; the importer parses each into a record, deduplicates by SKU within the current
// batch (the latest line wins) and, once a minute, commits the batch to the catalogue store
// in one transaction and starts the next one empty. So the heap holds one batch in the
// making: it grows for 60 s, drops at the commit, and grows again (a saw-tooth).
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"hash/crc32"
	"io"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type record struct {
	SKU         string   `json:"sku"`
	Title       string   `json:"title"`
	PriceCents  int      `json:"price_cents"`
	Stock       int      `json:"stock"`
	Warehouses  []string `json:"warehouses"`
	Description string   `json:"description"`
}

// batch is the records received since the last commit.
type batch struct {
	started time.Time
	records []*record
	bySKU   map[string]int // index into records
}

func newBatch() *batch { return &batch{started: time.Now(), bySKU: make(map[string]int)} }

type importer struct {
	mu        sync.Mutex
	cur       *batch
	lines     atomic.Int64
	bad       atomic.Int64
	committed atomic.Int64
	lastSum   atomic.Uint32
}

// parseLine reads "sku;title;price;stock;wh1|wh2;description".
func parseLine(line string) (*record, error) {
	f := strings.SplitN(line, ";", 6)
	if len(f) != 6 {
		return nil, fmt.Errorf("want 6 fields, got %d", len(f))
	}
	price, err := strconv.Atoi(f[2])
	if err != nil {
		return nil, err
	}
	stock, err := strconv.Atoi(f[3])
	if err != nil {
		return nil, err
	}
	return &record{SKU: strings.Clone(f[0]), Title: strings.Clone(f[1]), PriceCents: price, Stock: stock,
		Warehouses: strings.Split(f[4], "|"), Description: strings.Clone(f[5])}, nil
}

func (im *importer) add(r *record) {
	im.mu.Lock()
	defer im.mu.Unlock()
	b := im.cur
	if i, ok := b.bySKU[r.SKU]; ok {
		b.records[i] = r
		return
	}
	b.bySKU[r.SKU] = len(b.records)
	b.records = append(b.records, r)
}

// consume reads the wholesaler's stream line by line.
func (im *importer) consume(rd io.Reader) {
	sc := bufio.NewScanner(rd)
	for sc.Scan() {
		im.lines.Add(1)
		r, err := parseLine(sc.Text())
		if err != nil {
			im.bad.Add(1)
			continue
		}
		im.add(r)
	}
}

// committer swaps in an empty batch every minute and writes the full one out.
func (im *importer) committer(store io.Writer) {
	for range time.Tick(60 * time.Second) {
		im.mu.Lock()
		full := im.cur
		im.cur = newBatch()
		im.mu.Unlock()
		h := crc32.NewIEEE()
		enc := json.NewEncoder(io.MultiWriter(store, h))
		for _, r := range full.records {
			enc.Encode(r)
		}
		im.committed.Add(int64(len(full.records)))
		im.lastSum.Store(h.Sum32())
		log.Printf("commit: %d records (batch of %s)", len(full.records), time.Since(full.started).Round(time.Second))
	}
}

func (im *importer) handleStatus(w http.ResponseWriter, r *http.Request) {
	im.mu.Lock()
	pending := len(im.cur.records)
	im.mu.Unlock()
	json.NewEncoder(w).Encode(map[string]int64{"lines": im.lines.Load(), "bad": im.bad.Load(),
		"pending": int64(pending), "committed": im.committed.Load(), "last_checksum": int64(im.lastSum.Load())})
}

func (im *importer) handleLookup(w http.ResponseWriter, r *http.Request) {
	sku := r.URL.Query().Get("sku")
	im.mu.Lock()
	var rec *record
	if i, ok := im.cur.bySKU[sku]; ok {
		rec = im.cur.records[i]
	}
	im.mu.Unlock()
	if rec == nil {
		http.NotFound(w, r)
		return
	}
	json.NewEncoder(w).Encode(rec)
}

var words = strings.Fields("steel oak cotton blue large small set of two pack spare replacement premium basic outdoor kitchen garden office")

// wholesaler writes ~450 lines a second over 60,000 SKUs to w.
func wholesaler(w io.WriteCloser) {
	defer w.Close()
	rng := rand.New(rand.NewSource(3))
	bw := bufio.NewWriter(w)
	for range time.Tick(20 * time.Millisecond) {
		for i := 0; i < 9; i++ {
			sku := rng.Intn(60000)
			var desc strings.Builder
			for j, n := 0, 20+rng.Intn(30); j < n; j++ {
				desc.WriteString(words[rng.Intn(len(words))])
				desc.WriteByte(' ')
			}
			fmt.Fprintf(bw, "WH-%06d;%s %s %s;%d;%d;%s;%s\n", sku, words[rng.Intn(len(words))], words[rng.Intn(len(words))],
				words[rng.Intn(len(words))], 100+rng.Intn(90000), rng.Intn(500), strings.Join(words[:1+rng.Intn(4)], "|"), desc.String())
		}
		if bw.Flush() != nil {
			return
		}
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	im := &importer{cur: newBatch()}
	pr, pw := io.Pipe()
	go wholesaler(pw)
	go im.consume(pr)
	go im.committer(io.Discard) // the catalogue store stand-in
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("/status", im.handleStatus)
	http.HandleFunc("/lookup", im.handleLookup)
	go func() {
		rng := rand.New(rand.NewSource(9))
		client := &http.Client{Timeout: 5 * time.Second}
		for range time.Tick(50 * time.Millisecond) {
			resp, err := client.Get(fmt.Sprintf("http://%s/lookup?sku=WH-%06d", *addr, rng.Intn(60000)))
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}
	}()
	log.Printf("batchload: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
