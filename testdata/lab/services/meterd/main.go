// meterd: usage metering for the API platform. Gateways report what each tenant used; the
// records are spooled as lines and shipped to the billing collector every two seconds. A
// shipment that fails stays in the spool and goes out with the next one, so that no usage
// is ever lost (billing depends on it).
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
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type usageSpool struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	records int

	shipped atomic.Int64
	failed  atomic.Int64
}

// add appends one usage record: tenant, metric, quantity, time.
func (s *usageSpool) add(tenant, metric string, qty int64, at time.Time) {
	var line [160]byte
	b := append(line[:0], tenant...)
	b = append(b, '\t')
	b = append(b, metric...)
	b = append(b, '\t')
	b = strconv.AppendInt(b, qty, 10)
	b = append(b, '\t')
	b = at.UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, '\n')
	s.mu.Lock()
	s.buf.Write(b)
	s.records++
	s.mu.Unlock()
}

// ship sends the spool to the collector. It holds the lock across the call so that records
// added meanwhile are neither lost nor sent twice.
func (s *usageSpool) ship(client *http.Client, url string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.buf.Len() == 0 {
		return nil
	}
	resp, err := client.Post(url, "text/tab-separated-values", bytes.NewReader(s.buf.Bytes()))
	if err != nil {
		s.failed.Add(1)
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		s.failed.Add(1)
		return fmt.Errorf("collector: %s (%d records, %d bytes kept for the next shipment)", resp.Status, s.records, s.buf.Len())
	}
	s.shipped.Add(int64(s.records))
	s.buf.Reset()
	s.records = 0
	return nil
}

func (s *usageSpool) shipLoop(url string) {
	client := &http.Client{Timeout: 10 * time.Second}
	for range time.Tick(2 * time.Second) {
		if err := s.ship(client, url); err != nil {
			log.Printf("ship: %v", err)
		}
	}
}

func (s *usageSpool) handleUsage(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	now := time.Now()
	n := 0
	for _, rec := range strings.Split(strings.TrimSpace(string(body)), "\n") {
		f := strings.Split(rec, " ")
		if len(f) != 3 {
			continue
		}
		qty, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil {
			continue
		}
		s.add(f[0], f[1], qty, now)
		n++
	}
	fmt.Fprintf(w, "{\"accepted\":%d}\n", n)
}

// collector stands in for the billing collector: it takes shipments up to 256 KiB and was
// redeployed a few seconds after this process started (503 while it restarted).
func collector(started time.Time) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	var received atomic.Int64
	mux.HandleFunc("/ingest", func(w http.ResponseWriter, r *http.Request) {
		if up := time.Since(started); up > 6*time.Second && up < 13*time.Second {
			http.Error(w, "collector restarting", http.StatusServiceUnavailable)
			return
		}
		if r.ContentLength > 256<<10 {
			http.Error(w, "shipment too large", http.StatusRequestEntityTooLarge)
			return
		}
		n, _ := io.Copy(io.Discard, r.Body)
		received.Add(n)
	})
	go http.Serve(ln, mux)
	return "http://" + ln.Addr().String() + "/ingest"
}

var metrics = []string{"api.calls", "egress.bytes", "storage.gb_hours", "compute.ms", "search.queries"}

// gateway reports usage in small batches, as the API gateways do.
func gateway(base string, id int) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(int64(40 + id)))
	var b strings.Builder
	for {
		b.Reset()
		for i := 0; i < 10; i++ {
			fmt.Fprintf(&b, "tenant-%04d %s %d\n", rng.Intn(3000), metrics[rng.Intn(len(metrics))], 1+rng.Intn(5000))
		}
		resp, err := client.Post(base+"/v1/usage", "text/plain", strings.NewReader(b.String()))
		if err != nil {
			log.Printf("gateway %d: %v", id, err)
		} else {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		time.Sleep(time.Duration(40+rng.Intn(40)) * time.Millisecond)
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	started := time.Now()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	s := &usageSpool{}
	http.HandleFunc("/v1/usage", s.handleUsage)
	go s.shipLoop(collector(started))
	go func() {
		for range time.Tick(15 * time.Second) {
			log.Printf("stats: records shipped=%d failed shipments=%d", s.shipped.Load(), s.failed.Load())
		}
	}()
	for g := 0; g < 4; g++ {
		go gateway("http://"+*addr, g)
	}
	log.Printf("meterd: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
