// peersync: a replication agent that forwards membership and key updates to its peers.
// Each peer has two goroutines: a queue that buffers updates without bound (a select on its
// input, on its output -- a nil channel while the buffer is empty, so that case is off --
// and its stop channel), and a sender that ranges over the output and posts to the peer.
// Updates are rare and most peers only get the few that concern their key range, so both
// goroutines of a quiet peer wait for minutes, by design. Peers leave and join now and then.
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

type update struct {
	key     string
	version int64
}

type peer struct {
	name string
	url  string
	in   chan update
	out  chan update
	stop chan struct{}
}

// queue buffers updates for one peer so that a slow peer never blocks the replicator.
func (p *peer) queue() {
	defer close(p.out)
	var buf []update
	for {
		var out chan update // nil while there is nothing to send: that case stays off
		var next update
		if len(buf) > 0 {
			out, next = p.out, buf[0]
		}
		select {
		case u := <-p.in:
			buf = append(buf, u)
		case out <- next:
			buf = buf[1:]
		case <-p.stop:
			return
		}
	}
}

func (p *peer) send(c *http.Client, sent *atomic.Int64) {
	for u := range p.out {
		body := fmt.Sprintf(`{"key":%q,"version":%d}`, u.key, u.version)
		if resp, err := c.Post(p.url, "application/json", bytes.NewBufferString(body)); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			sent.Add(1)
		}
	}
}

type replicator struct {
	mu     sync.Mutex
	peers  map[string]*peer
	base   string
	client *http.Client
	sent   atomic.Int64
	seq    int
}

func (r *replicator) join() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seq++
	p := &peer{name: fmt.Sprintf("node-%03d", r.seq), in: make(chan update), out: make(chan update),
		stop: make(chan struct{})}
	p.url = r.base + "/replicate/" + p.name
	r.peers[p.name] = p
	go p.queue()
	go p.send(r.client, &r.sent)
}

func (r *replicator) leave() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for name, p := range r.peers {
		close(p.stop)
		delete(r.peers, name)
		return
	}
}

// publish hands an update to the peers owning the key's range (a few of them).
func (r *replicator) publish(u update) {
	r.mu.Lock()
	var owners []*peer
	for _, p := range r.peers {
		if len(owners) < 3 && rand.Intn(10) == 0 {
			owners = append(owners, p)
		}
	}
	r.mu.Unlock()
	for _, p := range owners {
		select {
		case p.in <- u:
		case <-p.stop:
		}
	}
}

func handleReplicate(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	w.WriteHeader(http.StatusNoContent)
}

func (r *replicator) writes() {
	for v := int64(1); ; v++ {
		r.publish(update{key: fmt.Sprintf("k%d", rand.Intn(5000)), version: v})
		time.Sleep(time.Duration(3+rand.Intn(5)) * time.Second)
	}
}

func (r *replicator) membership() {
	for range time.Tick(45 * time.Second) {
		r.leave()
		r.join()
	}
}

func (r *replicator) report(every time.Duration) {
	for range time.Tick(every) {
		r.mu.Lock()
		n := len(r.peers)
		r.mu.Unlock()
		log.Printf("peersync: %d peers, %d updates sent", n, r.sent.Load())
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
	r := &replicator{peers: map[string]*peer{}, base: "http://" + *addr,
		client: &http.Client{Timeout: 3 * time.Second}}
	for i := 0; i < 24; i++ {
		r.join()
	}
	http.HandleFunc("/replicate/", handleReplicate)
	go r.writes()
	go r.membership()
	go r.report(20 * time.Second)
	log.Printf("peersync: listening on %s", *addr)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
