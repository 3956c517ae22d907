// inbound: receives partner event batches (webhooks) and forwards each event once. Partners
// retry batches they had no answer for, so every event id seen is remembered for a day.
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
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type Receiver struct {
	mu   sync.Mutex
	seen map[string]int64 // event id -> unix time first seen

	batches   atomic.Int64
	events    atomic.Int64
	duplicate atomic.Int64
}

// eventIDs finds the "id" of every event of a batch without decoding the whole document.
func eventIDs(doc string) []string {
	var ids []string
	const tag = `"event_id":"`
	for i := 0; ; {
		k := strings.Index(doc[i:], tag)
		if k < 0 {
			return ids
		}
		start := i + k + len(tag)
		end := strings.IndexByte(doc[start:], '"')
		if end < 0 {
			return ids
		}
		ids = append(ids, doc[start:start+end])
		i = start + end
	}
}

func (rc *Receiver) firstTime(id string, now int64) bool {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if _, ok := rc.seen[id]; ok {
		return false
	}
	rc.seen[id] = now
	return true
}

func (rc *Receiver) handleEvents(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	doc := string(raw)
	now := time.Now().Unix()
	fresh := 0
	for _, id := range eventIDs(doc) {
		if rc.firstTime(id, now) {
			fresh++
		} else {
			rc.duplicate.Add(1)
		}
	}
	rc.batches.Add(1)
	rc.events.Add(int64(fresh))
	fmt.Fprintf(w, "{\"accepted\":%d}\n", fresh)
}

// janitor forgets ids older than a day, once an hour.
func (rc *Receiver) janitor() {
	for range time.Tick(time.Hour) {
		cut := time.Now().Add(-24 * time.Hour).Unix()
		rc.mu.Lock()
		for id, t := range rc.seen {
			if t < cut {
				delete(rc.seen, id)
			}
		}
		rc.mu.Unlock()
	}
}

// partner posts batches of order events, each with a long payload; one in ten is a retry.
func partner(base string) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(9))
	var last []byte
	for n := 0; ; n++ {
		body := last
		if last == nil || rng.Intn(10) != 0 {
			var b bytes.Buffer
			b.WriteString(`{"partner":"acme-logistics","events":[`)
			for e, ne := 0, 20+rng.Intn(30); e < ne; e++ {
				if e > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, `{"event_id":"evt-%08x-%04x","type":"parcel.scanned","payload":"`, rng.Uint32(), e)
				for k := 0; k < 1500; k++ {
					b.WriteByte("abcdefghijklmnopqrstuvwxyz0123456789"[rng.Intn(36)])
				}
				b.WriteString(`"}`)
			}
			b.WriteString("]}")
			body = b.Bytes()
		}
		last = body
		if resp, err := client.Post(base+"/v1/events", "application/json", bytes.NewReader(body)); err != nil {
			log.Printf("partner: %v", err)
		} else {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		time.Sleep(600 * time.Millisecond)
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
	rc := &Receiver{seen: make(map[string]int64)}
	http.HandleFunc("/v1/events", rc.handleEvents)
	go rc.janitor()
	go func() {
		for range time.Tick(15 * time.Second) {
			log.Printf("stats: batches=%d events=%d duplicates=%d", rc.batches.Load(), rc.events.Load(), rc.duplicate.Load())
		}
	}()
	go partner("http://" + *addr)
	log.Printf("inbound: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
