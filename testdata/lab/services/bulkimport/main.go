// bulkimport: CSV bulk imports into the product catalogue. Each import gets a job id and a
// progress reporter that publishes the job's progress every 2 s until the import is done, so
// that the UI's progress bar moves.
package main

import (
	"bufio"
	"bytes"
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
	"sync/atomic"
	"time"
)

type importJob struct {
	id    int64
	rows  atomic.Int64
	total int
	state string
}

type importer struct {
	mu       sync.Mutex
	progress map[int64]string // job -> last published progress
	nextID   atomic.Int64
	imported atomic.Int64
	rejected atomic.Int64
}

// reportProgress publishes the job's progress on every tick until done is closed.
func (s *importer) reportProgress(job *importJob, done <-chan struct{}) {
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			s.publish(job, "running")
		case <-done:
			s.publish(job, "done")
			return
		}
	}
}

func (s *importer) publish(job *importJob, state string) {
	s.mu.Lock()
	s.progress[job.id] = fmt.Sprintf("%s %d/%d", state, job.rows.Load(), job.total)
	if state == "done" {
		delete(s.progress, job.id)
	}
	s.mu.Unlock()
}

type product struct {
	sku   string
	name  string
	price int
}

func parseRows(r io.Reader) ([]product, error) {
	var out []product
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		f := strings.Split(sc.Text(), ",")
		if len(f) != 3 {
			return nil, fmt.Errorf("line %d: want 3 fields, have %d", line, len(f))
		}
		price, err := strconv.Atoi(f[2])
		if err != nil {
			return nil, fmt.Errorf("line %d: price: %w", line, err)
		}
		out = append(out, product{f[0], f[1], price})
	}
	if len(out) == 0 {
		return nil, errors.New("empty file")
	}
	return out, nil
}

func (s *importer) handleImport(w http.ResponseWriter, r *http.Request) {
	job := &importJob{id: s.nextID.Add(1)}
	done := make(chan struct{})
	go s.reportProgress(job, done)
	rows, err := parseRows(r.Body)
	if err != nil {
		s.rejected.Add(1)
		http.Error(w, err.Error(), http.StatusUnprocessableEntity)
		return
	}
	defer close(done)
	job.total = len(rows)
	for range rows {
		time.Sleep(time.Duration(2+rand.Intn(6)) * time.Millisecond) // upsert one product
		job.rows.Add(1)
	}
	s.imported.Add(int64(len(rows)))
	fmt.Fprintf(w, "job %d: %d rows\n", job.id, len(rows))
}

// merchants upload their price lists now and then; about one file in ten has a bad line.
func merchants(base string, n int) {
	client := &http.Client{Timeout: 30 * time.Second}
	for i := 0; i < n; i++ {
		go func() {
			for {
				var b bytes.Buffer
				rows := 30 + rand.Intn(150)
				bad := rand.Intn(10) == 0
				for j := 0; j < rows; j++ {
					if bad && j == rows/2 {
						fmt.Fprintf(&b, "SKU-%05d,widget %d,%d.99\n", rand.Intn(99999), j, rand.Intn(90))
						continue
					}
					fmt.Fprintf(&b, "SKU-%05d,widget %d,%d\n", rand.Intn(99999), j, 100+rand.Intn(9000))
				}
				if resp, err := client.Post(base+"/imports", "text/csv", &b); err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				time.Sleep(time.Duration(200+rand.Intn(800)) * time.Millisecond)
			}
		}()
	}
}

func (s *importer) report(every time.Duration) {
	for range time.Tick(every) {
		s.mu.Lock()
		n := len(s.progress)
		s.mu.Unlock()
		log.Printf("bulkimport: %d jobs, %d rows imported, %d rejected, %d in progress",
			s.nextID.Load(), s.imported.Load(), s.rejected.Load(), n)
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
	s := &importer{progress: map[int64]string{}}
	http.HandleFunc("/imports", s.handleImport)
	go merchants("http://"+*addr, 4)
	go s.report(20 * time.Second)
	log.Printf("bulkimport: listening on %s", *addr)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
