// thumbnails: accepts image uploads and renders thumbnails in the background. Uploads are
// acknowledged at once (202) and queued; one renderer works through the queue in order.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"hash/crc32"
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

type job struct {
	id       uint64
	owner    string
	image    []byte
	accepted time.Time
}

type Renderer struct {
	mu      sync.Mutex
	pending []*job
	nextID  uint64
	wake    chan struct{}

	accepted atomic.Int64
	rendered atomic.Int64
}

// readUpload reads the whole image; Content-Length is required by the upload API.
func readUpload(r *http.Request) ([]byte, error) {
	if r.ContentLength <= 0 || r.ContentLength > 1<<20 {
		return nil, fmt.Errorf("bad content length %d", r.ContentLength)
	}
	img := make([]byte, r.ContentLength)
	if _, err := io.ReadFull(r.Body, img); err != nil {
		return nil, err
	}
	return img, nil
}

func (rd *Renderer) enqueue(owner string, img []byte) uint64 {
	rd.mu.Lock()
	rd.nextID++
	j := &job{id: rd.nextID, owner: owner, image: img, accepted: time.Now()}
	rd.pending = append(rd.pending, j)
	rd.mu.Unlock()
	select {
	case rd.wake <- struct{}{}:
	default:
	}
	return j.id
}

func (rd *Renderer) handleUpload(w http.ResponseWriter, r *http.Request) {
	img, err := readUpload(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	id := rd.enqueue(r.Header.Get("X-Owner"), img)
	rd.accepted.Add(1)
	w.WriteHeader(http.StatusAccepted)
	fmt.Fprintf(w, "{\"job\":%d}\n", id)
}

func (rd *Renderer) next() *job {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	if len(rd.pending) == 0 {
		return nil
	}
	j := rd.pending[0]
	rd.pending[0] = nil
	rd.pending = rd.pending[1:]
	return j
}

// run renders one job at a time; scaling a real image takes a few milliseconds.
func (rd *Renderer) run() {
	for {
		j := rd.next()
		if j == nil {
			<-rd.wake
			continue
		}
		thumb := scale(j.image, 8)
		_ = crc32.ChecksumIEEE(thumb)
		rd.rendered.Add(1)
		time.Sleep(11 * time.Millisecond)
	}
}

func scale(img []byte, f int) []byte {
	out := make([]byte, 0, len(img)/f+1)
	for i := 0; i < len(img); i += f {
		out = append(out, img[i])
	}
	return out
}

// photographers upload from the mobile app, a bit faster than one renderer keeps up with.
func photographers(base string) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(5))
	for n := 0; ; n++ {
		img := make([]byte, 2048+rng.Intn(3072))
		rng.Read(img)
		req, _ := http.NewRequest(http.MethodPost, base+"/v1/thumbnails", bytes.NewReader(img))
		req.Header.Set("X-Owner", "user-"+strconv.Itoa(rng.Intn(5000)))
		if resp, err := client.Do(req); err != nil {
			log.Printf("upload: %v", err)
		} else {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		time.Sleep(8 * time.Millisecond)
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
	rd := &Renderer{wake: make(chan struct{}, 1)}
	http.HandleFunc("/v1/thumbnails", rd.handleUpload)
	go rd.run()
	go func() {
		for range time.Tick(15 * time.Second) {
			log.Printf("stats: accepted=%d rendered=%d", rd.accepted.Load(), rd.rendered.Load())
		}
	}()
	go photographers("http://" + *addr)
	log.Printf("thumbnails: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
