// transcode: a media transcoding service whose worker pool is resized at runtime. Workers
// wait in a select on the job queue and their own quit channel. An autoscaler looks at the
// queue every few seconds: while jobs back up it adds workers (up to 40), and when the
// queue has been empty for a while it retires some (down to 12, closing their quit
// channels). Uploads arrive in a burst at start, then trickle in, so after the burst most
// workers wait on an empty queue for minutes, by design.
package main

import (
	"flag"
	"fmt"
	"hash/crc32"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"sync"
	"sync/atomic"
	"time"
)

type job struct {
	id     int
	frames int
}

type worker struct {
	id   int
	quit chan struct{}
}

type pool struct {
	jobs     chan job
	mu       sync.Mutex
	workers  []*worker
	nextID   int
	done     atomic.Int64
	min, max int
}

func (p *pool) work(w *worker) {
	for {
		select {
		case j := <-p.jobs:
			p.encode(j)
		case <-w.quit:
			return
		}
	}
}

func (p *pool) encode(j job) {
	var sum uint32
	buf := make([]byte, 4096)
	for f := 0; f < j.frames; f++ {
		buf[f%len(buf)] = byte(f)
		sum = crc32.Update(sum, crc32.IEEETable, buf)
		time.Sleep(2 * time.Millisecond)
	}
	_ = sum
	p.done.Add(1)
}

func (p *pool) resize(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.workers) < n {
		w := &worker{id: p.nextID, quit: make(chan struct{})}
		p.nextID++
		p.workers = append(p.workers, w)
		go p.work(w)
	}
	for len(p.workers) > n {
		w := p.workers[len(p.workers)-1]
		p.workers = p.workers[:len(p.workers)-1]
		close(w.quit)
	}
}

func (p *pool) size() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.workers)
}

// autoscale grows the pool while jobs queue up and shrinks it after a quiet spell.
func (p *pool) autoscale(every time.Duration) {
	quiet := 0
	for range time.Tick(every) {
		n, backlog := p.size(), len(p.jobs)
		switch {
		case backlog > 4 && n < p.max:
			quiet = 0
			p.resize(min(n+8, p.max))
		case backlog == 0:
			quiet++
			if quiet >= 12 && n > p.min {
				quiet = 0
				p.resize(max(n-4, p.min))
			}
		default:
			quiet = 0
		}
	}
}

func min(a, b int) int {
	if a < b {
		return a
	}
	return b
}

func max(a, b int) int {
	if a > b {
		return a
	}
	return b
}

func (p *pool) handleUpload(w http.ResponseWriter, r *http.Request) {
	j := job{id: rand.Int(), frames: 50 + rand.Intn(200)}
	select {
	case p.jobs <- j:
		fmt.Fprintf(w, "queued %d\n", j.id)
	default:
		http.Error(w, "busy", http.StatusServiceUnavailable)
	}
}

// uploads: a burst of uploads at start (a batch import), then a trickle.
func uploads(base string) {
	c := &http.Client{Timeout: 5 * time.Second}
	start := time.Now()
	for {
		if resp, err := c.Post(base+"/upload", "video/mp4", nil); err == nil {
			resp.Body.Close()
		}
		if time.Since(start) < 25*time.Second {
			time.Sleep(20 * time.Millisecond)
		} else {
			time.Sleep(time.Duration(2000+rand.Intn(3000)) * time.Millisecond)
		}
	}
}

func (p *pool) report(every time.Duration) {
	for range time.Tick(every) {
		log.Printf("transcode: %d jobs done, %d workers, %d queued", p.done.Load(), p.size(), len(p.jobs))
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
	p := &pool{jobs: make(chan job, 64), min: 12, max: 40}
	p.resize(p.min)
	http.HandleFunc("/upload", p.handleUpload)
	go p.autoscale(2 * time.Second)
	go uploads("http://" + *addr)
	go p.report(20 * time.Second)
	log.Printf("transcode: listening on %s", *addr)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
