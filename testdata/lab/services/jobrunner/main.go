// jobrunner: runs the back office's background jobs. Each named queue has a fixed pool of
// workers waiting on the queue's sync.Cond; most queues see a job every few minutes. Each
// schedule (nightly exports, reminder sweeps, ...) has a goroutine sleeping until its next run.
package main

import (
	"flag"
	"fmt"
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
	id   int64
	kind string
	cost time.Duration
}

type queue struct {
	name  string
	mu    sync.Mutex
	ready *sync.Cond
	jobs  []job
	done  atomic.Int64
}

func newQueue(name string) *queue {
	q := &queue{name: name}
	q.ready = sync.NewCond(&q.mu)
	return q
}

func (q *queue) push(j job) {
	q.mu.Lock()
	q.jobs = append(q.jobs, j)
	q.mu.Unlock()
	q.ready.Signal()
}

// work takes the queue's jobs one at a time; an idle worker waits on the condition.
func (q *queue) work() {
	for {
		q.mu.Lock()
		for len(q.jobs) == 0 {
			q.ready.Wait()
		}
		j := q.jobs[0]
		q.jobs = q.jobs[1:]
		q.mu.Unlock()
		runJob(j)
		q.done.Add(1)
	}
}

func runJob(j job) {
	time.Sleep(j.cost)
}

type schedule struct {
	name  string
	every time.Duration
	q     *queue
}

// run sleeps until the schedule's next slot, then queues its job.
func (s *schedule) run(ids *atomic.Int64) {
	for {
		now := time.Now()
		next := now.Truncate(s.every).Add(s.every)
		time.Sleep(next.Sub(now))
		s.q.push(job{id: ids.Add(1), kind: s.name, cost: time.Duration(50+rand.Intn(400)) * time.Millisecond})
	}
}

type runner struct {
	queues map[string]*queue
	ids    atomic.Int64
}

func (r *runner) handleEnqueue(w http.ResponseWriter, req *http.Request) {
	q := r.queues[req.URL.Query().Get("queue")]
	if q == nil {
		http.Error(w, "no such queue", http.StatusNotFound)
		return
	}
	id := r.ids.Add(1)
	q.push(job{id: id, kind: "api", cost: time.Duration(5+rand.Intn(40)) * time.Millisecond})
	fmt.Fprintf(w, "{\"id\":%d}\n", id)
}

func (r *runner) report(every time.Duration) {
	for range time.Tick(every) {
		var done int64
		for _, q := range r.queues {
			done += q.done.Load()
		}
		log.Printf("jobrunner: %d jobs done over %d queues", done, len(r.queues))
	}
}

var queueNames = []string{
	"invoices", "reminders", "exports", "imports", "thumbnails", "emails", "sms", "webhooks",
	"search-index", "price-sync", "stock-sync", "payouts", "refunds", "reports", "cleanup", "audit",
	"newsletters", "feeds", "sitemaps", "backups", "geocoding", "fraud-review", "tax-filing", "archive",
}

// clients keeps a few busy queues busy and the rest quiet, as the back office does.
func clients(base string, busy []string) {
	c := &http.Client{Timeout: 5 * time.Second}
	for {
		time.Sleep(time.Duration(80+rand.Intn(120)) * time.Millisecond)
		q := busy[rand.Intn(len(busy))]
		resp, err := c.Post(base+"/jobs?queue="+q, "application/json", nil)
		if err != nil {
			log.Printf("client: %v", err)
			continue
		}
		resp.Body.Close()
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
	r := &runner{queues: make(map[string]*queue)}
	for _, name := range queueNames {
		q := newQueue(name)
		r.queues[name] = q
		for i := 0; i < 4; i++ {
			go q.work()
		}
	}
	periods := []time.Duration{30 * time.Second, time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour}
	for i, name := range queueNames[4:] {
		s := &schedule{name: name + "-sweep", every: periods[i%len(periods)], q: r.queues[name]}
		go s.run(&r.ids)
	}
	http.HandleFunc("/jobs", r.handleEnqueue)
	go r.report(20 * time.Second)
	go clients("http://"+*addr, queueNames[:4])
	log.Printf("jobrunner: listening on %s", *addr)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
