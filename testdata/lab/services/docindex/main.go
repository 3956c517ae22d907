// docindex is the help center's search indexer: PUT /v1/docs?id=N takes an article (JSON,
// a few KB) from the CMS and queues it; one indexer goroutine applies the writes to the
// in-memory index (document frequencies and each article's metadata) and commits them in
// batches, when a batch is full or every 250 ms, to the snapshot the search front reads. A
// commit can fail (the snapshot store is busy); then the batch is rolled back, so every
// write applied records an undo closure that reverts it.
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
	"strings"
	"sync"
	"time"
)

type article struct {
	ID      int      `json:"id"`
	Title   string   `json:"title"`
	Section string   `json:"section"`
	Tags    []string `json:"tags"`
	Body    string   `json:"body"`
	raw     []byte   // as the CMS sent it, for the snapshot
	terms   []string // the body's words, lower case
}

type docMeta struct {
	title   string
	section string
	version int
	words   int
}

// index is what the search front reads: how many articles hold each word, and each
// article's metadata.
type index struct {
	mu      sync.RWMutex
	df      map[string]int
	docs    map[int]*docMeta
	commits int
	fails   int
}

// apply adds an article (replacing its previous version) and returns what undoes it.
func (ix *index) apply(a *article) func() {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	prev := ix.docs[a.ID]
	for _, t := range a.terms {
		ix.df[t]++
	}
	v := 1
	if prev != nil {
		v = prev.version + 1
	}
	ix.docs[a.ID] = &docMeta{title: a.Title, section: a.Section, version: v, words: len(a.terms)}
	return func() {
		ix.mu.Lock()
		defer ix.mu.Unlock()
		for _, t := range a.terms {
			if ix.df[t]--; ix.df[t] <= 0 {
				delete(ix.df, t)
			}
		}
		if prev != nil {
			ix.docs[a.ID] = prev
		} else {
			delete(ix.docs, a.ID)
		}
	}
}

var errBusy = errors.New("snapshot store busy")

// commit publishes the batch to the snapshot store, which is seldom busy.
func (ix *index) commit(batch []*article, rng *rand.Rand) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if rng.Intn(2000) == 0 {
		ix.fails++
		return errBusy
	}
	ix.commits++
	return nil
}

type indexer struct {
	ix    *index
	queue chan *article
	batch int
}

// run applies queued articles and commits them in batches.
func (w *indexer) run() {
	rng := rand.New(rand.NewSource(7))
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	var pending []*article
	var undo []func()
	rollback := func() {
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
		undo = undo[:0]
	}
	for {
		select {
		case a := <-w.queue:
			pending = append(pending, a)
			undo = append(undo, w.ix.apply(a))
			if len(pending) < w.batch {
				continue
			}
			if err := w.ix.commit(pending, rng); err != nil {
				log.Printf("docindex: commit of %d failed: %v; rolled back", len(pending), err)
				rollback()
			}
			pending = pending[:0]
			undo = undo[:0]
		case <-tick.C:
			if len(pending) == 0 {
				continue
			}
			if err := w.ix.commit(pending, rng); err != nil {
				log.Printf("docindex: commit of %d failed: %v; rolled back", len(pending), err)
				rollback()
			}
			pending = pending[:0]
		}
	}
}

func (w *indexer) handleDoc(rw http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(r.URL.Query().Get("id"))
	if r.Method != http.MethodPut || err != nil || r.ContentLength <= 0 || r.ContentLength > 256<<10 {
		http.Error(rw, "PUT /v1/docs?id=N with a body", http.StatusBadRequest)
		return
	}
	raw := make([]byte, r.ContentLength)
	if _, err := io.ReadFull(r.Body, raw); err != nil {
		http.Error(rw, err.Error(), http.StatusBadRequest)
		return
	}
	a := &article{raw: raw}
	if err := json.Unmarshal(raw, a); err != nil {
		http.Error(rw, err.Error(), http.StatusBadRequest)
		return
	}
	a.ID = id
	a.terms = strings.Fields(strings.ToLower(a.Body))
	w.queue <- a
	rw.WriteHeader(http.StatusAccepted)
}

func (w *indexer) handleStats(rw http.ResponseWriter, r *http.Request) {
	w.ix.mu.RLock()
	defer w.ix.mu.RUnlock()
	fmt.Fprintf(rw, "articles %d, words %d, commits %d, failed %d\n", len(w.ix.docs), len(w.ix.df), w.ix.commits, w.ix.fails)
}

var words = strings.Fields(`account password reset login billing invoice refund payment card
	subscription plan upgrade downgrade cancel export import csv report dashboard team member
	invite role permission admin api key token webhook integration slack email notification
	mobile app android ios browser cache cookie session timeout error sync offline backup
	restore delete archive search filter sort tag label project workspace folder file upload`)

var sections = []string{"getting-started", "billing", "account", "integrations", "troubleshooting"}

// cms plays the editors' tool: it saves articles as they are edited.
func cms(base string, n int) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(int64(n) + 3))
	var b strings.Builder
	for {
		id := rng.Intn(4000)
		b.Reset()
		for i := 0; i < 300+rng.Intn(200); i++ {
			b.WriteString(words[rng.Intn(len(words))])
			b.WriteByte(' ')
		}
		body, _ := json.Marshal(article{
			Title:   "How to " + words[rng.Intn(len(words))] + " your " + words[rng.Intn(len(words))],
			Section: sections[id%len(sections)],
			Tags:    []string{words[id%len(words)], words[(id/3)%len(words)]},
			Body:    b.String(),
		})
		req, _ := http.NewRequest(http.MethodPut, base+"/v1/docs?id="+strconv.Itoa(id), strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		if resp, err := client.Do(req); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		time.Sleep(time.Duration(20+rng.Intn(40)) * time.Millisecond)
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
	w := &indexer{
		ix:    &index{df: map[string]int{}, docs: map[int]*docMeta{}},
		queue: make(chan *article, 256),
		batch: 128,
	}
	go w.run()
	http.HandleFunc("/v1/docs", w.handleDoc)
	http.HandleFunc("/v1/stats", w.handleStats)
	for i := 0; i < 2; i++ {
		go cms("http://"+*addr, i)
	}
	log.Printf("docindex: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
