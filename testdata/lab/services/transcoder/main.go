// transcoder turns uploaded videos into preview clips. Jobs come from the upload queue;
// each runs in its own goroutine, and a limiter keeps at most four encoders busy at once,
// since an encoder takes a whole core.
package main

import (
	"errors"
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

// limiter is a counting semaphore: a slot is a value in the buffered channel.
type limiter struct {
	slots chan struct{}
}

func newLimiter(n int) *limiter { return &limiter{slots: make(chan struct{}, n)} }

func (l *limiter) acquire() { l.slots <- struct{}{} }
func (l *limiter) release() { <-l.slots }

type job struct {
	id      int
	object  string
	header  []byte
	seconds int
}

type clip struct {
	jobID    int
	checksum uint32
	frames   int
}

type transcoder struct {
	encoders *limiter
	queue    chan job
	mu       sync.Mutex
	done     map[int]clip
	failed   atomic.Int64
	encoded  atomic.Int64
}

var errBadContainer = errors.New("unsupported container")

// probe reads the container header, as ffprobe would.
func probe(header []byte) (int, error) {
	if len(header) < 8 || string(header[4:8]) != "ftyp" {
		return 0, errBadContainer
	}
	return int(header[3]) + 1, nil
}

// process encodes one job's preview clip under an encoder slot.
func (t *transcoder) process(j job) {
	t.encoders.acquire()
	streams, err := probe(j.header)
	if err != nil {
		t.failed.Add(1)
		log.Printf("job %d (%s): %v", j.id, j.object, err)
		return
	}
	frames := j.seconds * 24 * streams
	sum := crc32.NewIEEE()
	buf := make([]byte, 4096)
	for f := 0; f < frames; f++ {
		buf[f%len(buf)] = byte(f)
		if f%240 == 0 {
			sum.Write(buf)
		}
	}
	time.Sleep(time.Duration(20+j.seconds) * time.Millisecond)
	t.mu.Lock()
	t.done[j.id] = clip{jobID: j.id, checksum: sum.Sum32(), frames: frames}
	t.mu.Unlock()
	t.encoded.Add(1)
	t.encoders.release()
}

// poll takes jobs off the upload queue, one goroutine each.
func (t *transcoder) poll() {
	for j := range t.queue {
		go t.process(j)
	}
}

func (t *transcoder) handleStatus(w http.ResponseWriter, r *http.Request) {
	t.mu.Lock()
	n := len(t.done)
	t.mu.Unlock()
	fmt.Fprintf(w, `{"encoded":%d,"failed":%d,"clips":%d,"busy_encoders":%d}`+"\n",
		t.encoded.Load(), t.failed.Load(), n, len(t.encoders.slots))
}

// uploads plays the upload service feeding the queue: mostly MP4s, now and then a file in
// a container the encoder does not take (an AVI renamed .mp4).
func uploads(q chan<- job, n int) {
	rng := rand.New(rand.NewSource(11))
	for i := 0; i < n; i++ {
		h := []byte{0, 0, 0, byte(rng.Intn(2)), 'f', 't', 'y', 'p', 'i', 's', 'o', 'm'}
		if rng.Intn(25) == 0 {
			copy(h, "RIFF\x00\x00\x00\x00AVI ")
		}
		q <- job{id: i, object: fmt.Sprintf("uploads/%08x.mp4", rng.Uint32()), header: h, seconds: 5 + rng.Intn(40)}
		time.Sleep(300 * time.Millisecond)
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
	t := &transcoder{encoders: newLimiter(4), queue: make(chan job, 16), done: make(map[int]clip)}
	go t.poll()
	go uploads(t.queue, 2000)
	go func() {
		for range time.Tick(10 * time.Second) {
			log.Printf("transcoder: encoded=%d failed=%d", t.encoded.Load(), t.failed.Load())
		}
	}()
	http.HandleFunc("/v1/status", t.handleStatus)
	log.Printf("transcoder listening on %s", ln.Addr())
	log.Fatal(http.Serve(ln, nil))
}
