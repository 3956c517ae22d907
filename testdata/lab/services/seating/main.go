// seating: seat maps for a concert venue. Moving a group between sections (an upgrade,
// friends swapping seats) holds both sections while the seats change hands, and writes
// an audit record while the first one is held.
package main

import (
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
	"sync"
	"sync/atomic"
	"time"
)

type section struct {
	name  string
	mu    sync.Mutex
	free  int
	holds map[string]int
}

type venue struct {
	sections map[string]*section
	moved    atomic.Int64
	refused  atomic.Int64
}

var errNotHeld = errors.New("group holds fewer seats in that section")

// move hands n seats of a group from one section to another.
func (v *venue) move(group string, from, to *section, n int) error {
	from.mu.Lock()
	defer from.mu.Unlock()
	if from.holds[group] < n {
		return errNotHeld
	}
	v.audit(group, from.name, to.name, n)
	to.mu.Lock()
	defer to.mu.Unlock()
	if to.free < n {
		return fmt.Errorf("section %s has %d free seats", to.name, to.free)
	}
	from.holds[group] -= n
	from.free += n
	to.holds[group] += n
	to.free -= n
	return nil
}

// audit stands in for the write to the audit log, ~30 ms.
func (v *venue) audit(group, from, to string, n int) {
	time.Sleep(time.Duration(25+rand.Intn(10)) * time.Millisecond)
}

func (v *venue) handleMove(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	from, to := v.sections[q.Get("from")], v.sections[q.Get("to")]
	if from == nil || to == nil || from == to {
		http.Error(w, "unknown section", http.StatusBadRequest)
		return
	}
	n, _ := strconv.Atoi(q.Get("n"))
	if err := v.move(q.Get("group"), from, to, n); err != nil {
		v.refused.Add(1)
		http.Error(w, err.Error(), http.StatusConflict)
		return
	}
	v.moved.Add(1)
	fmt.Fprintln(w, "moved")
}

func (v *venue) report(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for range t.C {
		log.Printf("seating: moved=%d refused=%d", v.moved.Load(), v.refused.Load())
	}
}

var names = []string{"floor", "balcony", "box", "terrace"}

// boxOffice replays seat changes, ~2/s, a budget of requests; now and then two friends
// swap seats between two sections at the same moment.
func boxOffice(base string, requests int) {
	client := &http.Client{Timeout: 3 * time.Second}
	send := func(group, from, to string) {
		resp, err := client.Get(fmt.Sprintf("%s/move?group=%s&from=%s&to=%s&n=%d", base, group, from, to, 1+rand.Intn(2)))
		if err != nil {
			return // the box office retries later
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for i := 0; i < requests; i++ {
		<-tick.C
		group := fmt.Sprintf("g%d", rand.Intn(40))
		a, b := names[rand.Intn(len(names))], names[rand.Intn(len(names))]
		if a == b {
			b = names[(rand.Intn(len(names)-1)+1+indexOf(a))%len(names)]
		}
		if i%25 == 6 {
			go send(group, a, b)
			go send(fmt.Sprintf("g%d", rand.Intn(40)), b, a)
			i++
			continue
		}
		go send(group, a, b)
	}
	log.Printf("boxoffice: replay finished")
}

func indexOf(s string) int {
	for i, n := range names {
		if n == s {
			return i
		}
	}
	return 0
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	v := &venue{sections: map[string]*section{}}
	for _, n := range names {
		s := &section{name: n, free: 200, holds: map[string]int{}}
		for g := 0; g < 40; g++ {
			s.holds[fmt.Sprintf("g%d", g)] = 4
		}
		v.sections[n] = s
	}
	http.HandleFunc("/move", v.handleMove)
	go v.report(15 * time.Second)
	go boxOffice("http://"+*addr, 320)
	log.Printf("seating: listening on %s", *addr)
	srv := &http.Server{IdleTimeout: 2 * time.Minute, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
