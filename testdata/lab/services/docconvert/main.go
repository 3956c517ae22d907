// docconvert: converts office documents to PDF for the document-management product. A
// conversion holds memory in proportion to the document (the layout engine keeps every page),
// so requests are admitted against a memory budget by a weighted semaphore, as
// golang.org/x/sync/semaphore does it (rewritten here in a few lines, standard library only):
// a request that does not fit waits, in arrival order, until conversions ahead of it release
// enough, or until its caller gives up. Uploads come in bursts when a customer migrates a
// folder, so at busy times a few dozen requests wait their turn for some seconds.
package main

import (
	"bytes"
	"container/list"
	"context"
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

type waiter struct {
	n     int64
	ready chan struct{} // closed when the semaphore is acquired
}

// weighted is a semaphore with a weight per Acquire; waiters are served in order.
type weighted struct {
	size    int64
	cur     int64
	mu      sync.Mutex
	waiters list.List
}

func newWeighted(n int64) *weighted { return &weighted{size: n} }

// Acquire takes n of the semaphore's weight, waiting for it or for ctx.
func (s *weighted) Acquire(ctx context.Context, n int64) error {
	s.mu.Lock()
	if s.size-s.cur >= n && s.waiters.Len() == 0 {
		s.cur += n
		s.mu.Unlock()
		return nil
	}
	if n > s.size {
		s.mu.Unlock()
		<-ctx.Done()
		return ctx.Err()
	}
	ready := make(chan struct{})
	elem := s.waiters.PushBack(waiter{n: n, ready: ready})
	s.mu.Unlock()

	select {
	case <-ctx.Done():
		err := ctx.Err()
		s.mu.Lock()
		select {
		case <-ready: // acquired after all: keep it, the caller's error wins on the way out
			s.cur -= n
			s.notifyWaiters()
		default:
			isFront := s.waiters.Front() == elem
			s.waiters.Remove(elem)
			if isFront && s.size > s.cur {
				s.notifyWaiters()
			}
		}
		s.mu.Unlock()
		return err
	case <-ready:
		return nil
	}
}

// Release gives back n of the weight and admits the waiters that now fit.
func (s *weighted) Release(n int64) {
	s.mu.Lock()
	s.cur -= n
	if s.cur < 0 {
		s.mu.Unlock()
		panic("semaphore: released more than held")
	}
	s.notifyWaiters()
	s.mu.Unlock()
}

func (s *weighted) notifyWaiters() {
	for {
		next := s.waiters.Front()
		if next == nil {
			break
		}
		w := next.Value.(waiter)
		if s.size-s.cur < w.n {
			break // in order: a large request is not starved by small ones behind it
		}
		s.cur += w.n
		s.waiters.Remove(next)
		close(w.ready)
	}
}

func (s *weighted) waiting() (int, int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.waiters.Len(), s.cur
}

type converter struct {
	mem       *weighted
	converted atomic.Int64
	gaveUp    atomic.Int64
	pages     atomic.Int64
}

// handleConvert admits the upload against the memory budget (weight: MiB the layout engine
// will hold, 4 per MiB of document, at least 8) and converts it.
func (c *converter) handleConvert(w http.ResponseWriter, r *http.Request) {
	size := r.ContentLength
	if size <= 0 {
		http.Error(w, "Content-Length required", http.StatusLengthRequired)
		return
	}
	doc, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	weight := 4 * (size >> 20)
	if weight < 8 {
		weight = 8
	}
	if err := c.mem.Acquire(r.Context(), weight); err != nil {
		c.gaveUp.Add(1)
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	defer c.mem.Release(weight)
	pages := c.layout(doc)
	c.converted.Add(1)
	c.pages.Add(int64(pages))
	w.Header().Set("Content-Type", "application/pdf")
	fmt.Fprintf(w, "%%PDF-1.7 %d pages\n", pages)
}

// layout stands in for the layout engine: 20-35 ms a page, a page per 24 KiB.
func (c *converter) layout(doc []byte) int {
	pages := 1 + len(doc)/(24<<10)
	time.Sleep(time.Duration(pages*(20+rand.Intn(15))) * time.Millisecond)
	return pages
}

// tenant plays a customer's document system: it converts what its users save now and then,
// and every few minutes migrates a folder (a burst of 10-40 documents sent at once).
func tenant(base string, client *http.Client, start time.Duration) {
	time.Sleep(start)
	doc := make([]byte, 8<<20)
	rand.Read(doc)
	send := func() {
		size := 64<<10 + rand.Intn(3<<20)
		if rand.Intn(10) == 0 {
			size = 4<<20 + rand.Intn(4<<20)
		}
		resp, err := client.Post(base+"/v1/convert", "application/octet-stream", bytes.NewReader(doc[:size]))
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	for {
		if rand.Intn(4) == 0 {
			var wg sync.WaitGroup
			for i := 10 + rand.Intn(30); i > 0; i-- {
				wg.Add(1)
				go func() { defer wg.Done(); send() }()
			}
			wg.Wait()
		} else {
			send()
		}
		time.Sleep(time.Duration(3000+rand.Intn(12000)) * time.Millisecond)
	}
}

func (c *converter) report(every time.Duration) {
	for range time.Tick(every) {
		n, held := c.mem.waiting()
		log.Printf("docconvert: %d waiting, %d MiB of %d held, %d converted (%d pages), %d gave up",
			n, held, c.mem.size, c.converted.Load(), c.pages.Load(), c.gaveUp.Load())
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	c := &converter{mem: newWeighted(192)}
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/convert", c.handleConvert)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go http.Serve(ln, mux)
	client := &http.Client{Timeout: 90 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	for i := 0; i < 14; i++ {
		go tenant("http://"+ln.Addr().String(), client, time.Duration(rand.Intn(10000))*time.Millisecond)
	}
	go c.report(20 * time.Second)
	log.Printf("docconvert: conversions on %s, listening on %s", ln.Addr(), *addr)
	log.Fatal(http.ListenAndServe(*addr, nil))
}
