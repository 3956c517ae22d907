// renderer produces page previews for the document editor. Rasterizing a page
// needs a glyph table and a raster buffer; the editor waits a short while for the preview
// and, if it arrives in time, tells the rasterizer to publish it to the cache.
package main

import (
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof"
	"strings"
	"sync/atomic"
	"time"
)

var errPreviewLate = errors.New("preview not ready before deadline")

type previewJob struct {
	doc     string
	pages   chan int
	publish chan bool
}

type renderer struct {
	deadline  time.Duration
	served    int64
	late      int64
	published int64
	checksum  uint64
}

// layoutGlyphs lays the document text out into the raster using the glyph
// table and returns the number of raster bytes used.
func layoutGlyphs(raster, glyphs []byte, doc string, cost time.Duration) int {
	time.Sleep(cost)
	for i := range glyphs {
		glyphs[i] = byte(i)
	}
	n := 0
	for i := 0; i < len(raster); i += 64 {
		raster[i] = glyphs[int(doc[i%len(doc)])*64]
		n = i + 1
	}
	return n
}

func (r *renderer) rasterize(job *previewJob) {
	var glyphs [96 << 10]byte
	var raster [96 << 10]byte
	cost := 20 * time.Millisecond
	if strings.HasPrefix(job.doc, "handbook") {
		cost = 260 * time.Millisecond
	}
	n := layoutGlyphs(raster[:], glyphs[:], job.doc, cost)
	job.pages <- n
	if <-job.publish {
		var sum uint64
		for i := 0; i < n; i += 64 {
			sum += uint64(raster[i])
		}
		atomic.AddUint64(&r.checksum, sum)
		atomic.AddInt64(&r.published, 1)
	}
}

func (r *renderer) renderPreview(doc string) (int, error) {
	job := &previewJob{doc: doc, pages: make(chan int, 1), publish: make(chan bool)}
	go r.rasterize(job)
	select {
	case n := <-job.pages:
		job.publish <- true
		return n, nil
	case <-time.After(r.deadline):
		atomic.AddInt64(&r.late, 1)
		return 0, fmt.Errorf("render %q: %w", doc, errPreviewLate)
	}
}

func (r *renderer) handlePreview(w http.ResponseWriter, req *http.Request) {
	doc := req.URL.Query().Get("doc")
	if doc == "" {
		http.Error(w, "missing doc", http.StatusBadRequest)
		return
	}
	n, err := r.renderPreview(doc)
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	atomic.AddInt64(&r.served, 1)
	fmt.Fprintf(w, "preview %s: %d bytes\n", doc, n)
}

// replayEditors replays the editors' preview traffic against the service.
func replayEditors(base string, requests int) {
	docs := []string{"release-notes", "handbook-onboarding", "invoice-2291", "handbook-security"}
	client := &http.Client{Timeout: 5 * time.Second}
	tick := time.NewTicker(185 * time.Millisecond)
	defer tick.Stop()
	for i := 0; i < requests; i++ {
		<-tick.C
		resp, err := client.Get(base + "/preview?doc=" + docs[i%len(docs)])
		if err != nil {
			log.Printf("preview request failed: %v", err)
			continue
		}
		resp.Body.Close()
	}
	log.Printf("editor replay finished after %d requests", requests)
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	r := &renderer{deadline: 200 * time.Millisecond}
	http.HandleFunc("/preview", r.handlePreview)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("listen: %v", err)
	}
	log.Printf("renderer listening on %s", ln.Addr())
	go replayEditors("http://"+ln.Addr().String(), 900)
	go func() {
		for range time.Tick(10 * time.Second) {
			log.Printf("renderer: served=%d late=%d published=%d",
				atomic.LoadInt64(&r.served), atomic.LoadInt64(&r.late), atomic.LoadInt64(&r.published))
		}
	}()
	log.Fatal(http.Serve(ln, nil))
}
