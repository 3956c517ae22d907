// beacons collects the mobile app's analytics: the app batches its events (screen views, taps,
// purchases) and posts them to POST /v1/beacon, one event a line, "seq=N t=... ev=... k=v...".
// The collector forwards the events to the analytics pipeline and remembers, per install, the
// last sequence token it took, so a batch the app resends after a lost answer is not counted
// twice. Installs not heard from for 30 minutes are forgotten.
package main

import (
	"bufio"
	"bytes"
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
	"sync/atomic"
	"time"
)

// install is what the collector remembers of one app install.
type install struct {
	lastSeq  []byte // the newest batch's last "seq=" token, to drop resends
	seen     time.Time
	platform string
	batches  int
}

// dedup remembers every install's newest sequence token.
type dedup struct {
	mu       sync.Mutex
	installs map[string]install
}

// fresh reports whether a batch ending at seq is new for the install, and records it.
func (d *dedup) fresh(id, platform string, seq []byte) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	in, ok := d.installs[id]
	if ok && bytes.Compare(seq, in.lastSeq) <= 0 && len(seq) == len(in.lastSeq) {
		return false
	}
	in.lastSeq, in.seen, in.platform = seq, time.Now(), platform
	in.batches++
	d.installs[id] = in
	return true
}

// expire forgets the installs not heard from since before.
func (d *dedup) expire(before time.Time) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for id, in := range d.installs {
		if in.seen.Before(before) {
			delete(d.installs, id)
			n++
		}
	}
	return n
}

type collector struct {
	seen      *dedup
	forwarded atomic.Int64
	dropped   atomic.Int64
	pipeline  chan int // events per batch, to the pipeline's writer
}

func (c *collector) handleBeacon(w http.ResponseWriter, r *http.Request) {
	id := r.Header.Get("X-Install-Id")
	if id == "" {
		http.Error(w, "no install id", http.StatusBadRequest)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	// The batch's last line carries the newest sequence number.
	events := bytes.Count(body, []byte{'\n'})
	last := bytes.TrimRight(body, "\n")
	if i := bytes.LastIndexByte(last, '\n'); i >= 0 {
		last = last[i+1:]
	}
	var seq []byte
	if i := bytes.Index(last, []byte("seq=")); i >= 0 {
		seq = last[i+4:]
		if j := bytes.IndexByte(seq, ' '); j >= 0 {
			seq = seq[:j]
		}
	}
	if !c.seen.fresh(id, r.Header.Get("X-Platform"), seq) {
		c.dropped.Add(1)
		w.WriteHeader(http.StatusAlreadyReported)
		return
	}
	c.forwarded.Add(int64(events))
	select {
	case c.pipeline <- events:
	default:
	}
	w.WriteHeader(http.StatusAccepted)
}

func (c *collector) handleStats(w http.ResponseWriter, r *http.Request) {
	c.seen.mu.Lock()
	n := len(c.seen.installs)
	c.seen.mu.Unlock()
	fmt.Fprintf(w, "installs %d\nforwarded %d\ndropped %d\n", n, c.forwarded.Load(), c.dropped.Load())
}

// writer stands in for the pipeline's writer.
func (c *collector) writer() {
	total := 0
	for n := range c.pipeline {
		total += n
	}
}

var screens = []string{"home", "search", "product", "cart", "checkout", "orders", "settings", "wishlist"}
var actions = []string{"view", "tap", "scroll", "add_to_cart", "purchase", "share"}

// phone plays app installs one after another: a session of a few batches, then the next
// install (the app is installed on new phones all day).
func phone(base string, n int) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(int64(n) * 7919))
	for {
		id := fmt.Sprintf("%08x-%04x-%04x", rng.Uint32(), rng.Intn(1<<16), rng.Intn(1<<16))
		platform := []string{"ios", "android"}[rng.Intn(2)]
		seq := 0
		for b := 1 + rng.Intn(2); b > 0; b-- {
			var body strings.Builder
			bw := bufio.NewWriter(&body)
			for k := 100 + rng.Intn(150); k > 0; k-- {
				seq++
				fmt.Fprintf(bw, "seq=%s t=%d ev=%s screen=%s ms=%d\n", strconv.Itoa(seq), time.Now().UnixMilli(),
					actions[rng.Intn(len(actions))], screens[rng.Intn(len(screens))], rng.Intn(4000))
			}
			bw.Flush()
			req, _ := http.NewRequest("POST", base+"/v1/beacon", strings.NewReader(body.String()))
			req.Header.Set("X-Install-Id", id)
			req.Header.Set("X-Platform", platform)
			resp, err := client.Do(req)
			if err != nil {
				time.Sleep(time.Second)
				continue
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			time.Sleep(time.Duration(100+rng.Intn(200)) * time.Millisecond)
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
	c := &collector{seen: &dedup{installs: map[string]install{}}, pipeline: make(chan int, 256)}
	http.HandleFunc("/v1/beacon", c.handleBeacon)
	http.HandleFunc("/v1/stats", c.handleStats)
	go c.writer()
	go func() {
		for range time.Tick(time.Minute) {
			c.seen.expire(time.Now().Add(-30 * time.Minute))
		}
	}()
	for i := 0; i < 8; i++ {
		go phone("http://"+*addr, i)
	}
	log.Printf("beacons: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
