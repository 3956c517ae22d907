// logship: ships application logs to the log store. Each source's pipeline is three stages
// joined by unbuffered channels: a tailer reads lines, a pool of parsers turns them into
// records, and one shipper sends them to the store in batches of 50, which takes a few hundred
// milliseconds. The store is the slow end, so the tailer and the parsers wait to hand on their
// work most of the time: that is the backpressure that keeps memory bounded, by design. A
// source's pipeline is drained and started again when its file is rotated.
package main

import (
	"flag"
	"fmt"
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

const parsersPerSource = 6

type record struct {
	source string
	level  string
	fields map[string]string
}

type shipper struct {
	shipped atomic.Int64
	batches atomic.Int64
	rotated atomic.Int64
}

// tail reads the source's lines until the file is rotated.
func tail(source string, rotate <-chan struct{}, lines chan<- string) {
	defer close(lines)
	for n := 0; ; n++ {
		line := fmt.Sprintf("ts=%d level=%s source=%s msg=\"request %d served\" ms=%d",
			time.Now().UnixNano(), [...]string{"info", "info", "warn", "error"}[rand.Intn(4)], source, n, rand.Intn(900))
		select {
		case lines <- line:
		case <-rotate:
			return
		}
	}
}

// parse turns lines into records.
func parse(source string, lines <-chan string, records chan<- record) {
	for line := range lines {
		r := record{source: source, fields: map[string]string{}}
		for _, f := range strings.Fields(line) {
			if k, v, ok := strings.Cut(f, "="); ok {
				r.fields[k] = v
			}
		}
		r.level = r.fields["level"]
		records <- r
	}
}

// ship sends records to the store in batches.
func (s *shipper) ship(records <-chan record) {
	batch := make([]record, 0, 50)
	for r := range records {
		batch = append(batch, r)
		if len(batch) == cap(batch) {
			s.send(batch)
			batch = batch[:0]
		}
	}
	if len(batch) > 0 {
		s.send(batch)
	}
}

// send stands in for the log store's bulk API: a batch takes 150-450 ms.
func (s *shipper) send(batch []record) {
	time.Sleep(time.Duration(150+rand.Intn(300)) * time.Millisecond)
	s.shipped.Add(int64(len(batch)))
	s.batches.Add(1)
}

// runSource runs a source's pipeline, draining and restarting it at every rotation.
func (s *shipper) runSource(source string) {
	for {
		rotate := make(chan struct{})
		lines := make(chan string)
		records := make(chan record)
		var parsers sync.WaitGroup
		go tail(source, rotate, lines)
		for i := 0; i < parsersPerSource; i++ {
			parsers.Add(1)
			go func() {
				defer parsers.Done()
				parse(source, lines, records)
			}()
		}
		done := make(chan struct{})
		go func() {
			s.ship(records)
			close(done)
		}()
		time.Sleep(time.Duration(40+rand.Intn(50)) * time.Second)
		close(rotate)
		parsers.Wait()
		close(records)
		<-done
		s.rotated.Add(1)
	}
}

func (s *shipper) handleStats(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintf(w, "shipped %d batches %d rotations %d\n", s.shipped.Load(), s.batches.Load(), s.rotated.Load())
}

func (s *shipper) report(every time.Duration) {
	for range time.Tick(every) {
		log.Printf("logship: %d records in %d batches, %d rotations", s.shipped.Load(), s.batches.Load(), s.rotated.Load())
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
	s := &shipper{}
	go func() {
		for i := 0; i < 10; i++ {
			go s.runSource(fmt.Sprintf("app-%02d", i))
			time.Sleep(time.Duration(rand.Intn(3000)) * time.Millisecond)
		}
	}()
	http.HandleFunc("/ship/stats", s.handleStats)
	go s.report(20 * time.Second)
	log.Printf("logship: listening on %s", *addr)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
