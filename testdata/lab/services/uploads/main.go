// uploads accepts file uploads and has each one scanned for malware in the background.
// Scans go through a small pool of connections to the scanning daemon; a scan that
// outlives its deadline is abandoned and the connection is considered unusable.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
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

type scannerConn struct {
	id      int
	scanned int
}

// scannerPool hands out connections to the scanning daemon; callers wait while all are in use.
type scannerPool struct {
	mu      sync.Mutex
	free    []*scannerConn
	nonzero *sync.Cond
}

func newScannerPool(size int) *scannerPool {
	p := &scannerPool{}
	p.nonzero = sync.NewCond(&p.mu)
	for i := 0; i < size; i++ {
		p.free = append(p.free, &scannerConn{id: i + 1})
	}
	return p
}

func (p *scannerPool) get() *scannerConn {
	p.mu.Lock()
	for len(p.free) == 0 {
		p.nonzero.Wait()
	}
	c := p.free[len(p.free)-1]
	p.free = p.free[:len(p.free)-1]
	p.mu.Unlock()
	return c
}

func (p *scannerPool) put(c *scannerConn) {
	p.mu.Lock()
	p.free = append(p.free, c)
	p.mu.Unlock()
	p.nonzero.Signal()
}

var errScanTimeout = errors.New("scan deadline exceeded")

// scan stands in for the daemon round trip; large archives sometimes take too long.
func (c *scannerConn) scan(name string, size int) (bool, error) {
	time.Sleep(3 * time.Millisecond)
	c.scanned++
	if size > 900_000 {
		return false, errScanTimeout
	}
	return true, nil
}

type uploadServer struct {
	scanners *scannerPool
	stored   atomic.Int64
	clean    atomic.Int64
	failed   atomic.Int64
}

func (s *uploadServer) scanUpload(name string, size int) {
	c := s.scanners.get()
	ok, err := c.scan(name, size)
	if err != nil {
		s.failed.Add(1)
		log.Printf("scan %s: %v", name, err)
		return
	}
	if ok {
		s.clean.Add(1)
	}
	s.scanners.put(c)
}

func (s *uploadServer) handleUpload(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := r.URL.Query().Get("name")
	h := fnv.New64a()
	n, err := io.Copy(h, r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.stored.Add(1)
	go s.scanUpload(name, int(n))
	w.WriteHeader(http.StatusCreated)
	fmt.Fprintf(w, "{\"name\":%q,\"size\":%d,\"digest\":\"%016x\"}\n", name, n, h.Sum64())
}

// webClients replays the upload traffic of the web app: mostly small images, a few archives.
func webClients(base string, uploads int) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(11))
	sample := make([]byte, 16<<10)
	rng.Read(sample)
	body := bytes.Repeat(sample, 75) // 1.2 MB: the largest file the replay sends
	tick := time.NewTicker(300 * time.Millisecond)
	defer tick.Stop()
	for i := 0; i < uploads; i++ {
		<-tick.C
		size := 20_000 + rng.Intn(200_000)
		name := fmt.Sprintf("IMG_%04d.jpg", 1000+i)
		if i%25 == 7 {
			size = 950_000 + rng.Intn(200_000)
			name = fmt.Sprintf("export-%04d.zip", i)
		}
		resp, err := client.Post(base+"/v1/uploads?name="+name, "application/octet-stream", bytes.NewReader(body[:size]))
		if err != nil {
			log.Printf("upload failed: %v", err)
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	log.Printf("upload replay finished")
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("listen: %v", err)
	}
	s := &uploadServer{scanners: newScannerPool(4)}
	http.HandleFunc("/v1/uploads", s.handleUpload)
	log.Printf("uploads listening on %s", ln.Addr())
	go webClients("http://"+ln.Addr().String(), 450)
	go func() {
		for range time.Tick(15 * time.Second) {
			log.Printf("uploads: stored=%d clean=%d failed=%d", s.stored.Load(), s.clean.Load(), s.failed.Load())
		}
	}()
	log.Fatal(http.Serve(ln, nil))
}
