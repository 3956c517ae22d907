// payroll: a payroll API. A pay run recomputes a company's payslips, ledger postings and tax
// filings; two runs of one company must never overlap, so each run holds its company's lock
// (a sync.Mutex per company) for its whole run (up to 9 s). HR staff start runs from the admin
// console and wait for the result; the big companies are busy, so their runs queue on the
// company's lock, for up to a minute, by design: each is served in turn.
package main

import (
	"flag"
	"fmt"
	"hash/fnv"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"sync"
	"sync/atomic"
	"time"
)

type company struct {
	id        string
	employees int
	mu        sync.Mutex // one pay run at a time
	runs      int
}

type payroll struct {
	mu        sync.Mutex
	companies map[string]*company
	completed atomic.Int64
	queued    atomic.Int64
}

func (p *payroll) company(id string) *company {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := p.companies[id]
	if c == nil {
		c = &company{id: id, employees: 20 + rand.Intn(3000)}
		p.companies[id] = c
	}
	return c
}

// runPayroll computes and posts one pay run; the company's lock keeps runs apart.
func (p *payroll) runPayroll(c *company, period string) (int, error) {
	p.queued.Add(1)
	c.mu.Lock()
	p.queued.Add(-1)
	defer c.mu.Unlock()
	total := 0
	for e := 0; e < c.employees; e += 250 {
		total += computeSlips(c.id, period, e)
		time.Sleep(time.Duration(80+rand.Intn(120)) * time.Millisecond) // ledger and tax postings
	}
	c.runs++
	return total, nil
}

func computeSlips(company, period string, from int) int {
	h := fnv.New32a()
	fmt.Fprintf(h, "%s/%s/%d", company, period, from)
	return int(h.Sum32() % 100000)
}

func (p *payroll) handleRun(w http.ResponseWriter, r *http.Request) {
	c := p.company(r.URL.Query().Get("company"))
	total, err := p.runPayroll(c, r.URL.Query().Get("period"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	p.completed.Add(1)
	fmt.Fprintf(w, "run %d for %s: %d\n", c.runs, c.id, total)
}

// hrStaff is one person at the admin console: start a run, wait for it, look at it a while.
func hrStaff(base string, hot []string) {
	client := &http.Client{Timeout: 5 * time.Minute}
	for {
		co := fmt.Sprintf("co-%03d", rand.Intn(200))
		if rand.Intn(3) > 0 { // most staff work for the big customers
			co = hot[rand.Intn(len(hot))]
		}
		resp, err := client.Get(base + "/run?company=" + co + "&period=2026-11")
		if err == nil {
			resp.Body.Close()
		}
		time.Sleep(time.Duration(2+rand.Intn(8)) * time.Second)
	}
}

func (p *payroll) report(every time.Duration) {
	for range time.Tick(every) {
		log.Printf("payroll: %d runs completed, %d waiting for their company", p.completed.Load(), p.queued.Load())
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
	p := &payroll{companies: map[string]*company{}}
	hot := []string{"co-acme", "co-globex", "co-initech", "co-umbrella"}
	for _, id := range hot {
		p.companies[id] = &company{id: id, employees: 12000 + rand.Intn(4000)}
	}
	http.HandleFunc("/run", p.handleRun)
	for i := 0; i < 40; i++ {
		go hrStaff("http://"+*addr, hot)
		time.Sleep(50 * time.Millisecond)
	}
	go p.report(20 * time.Second)
	log.Printf("payroll: listening on %s", *addr)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
