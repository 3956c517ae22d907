// docrender: renders help-centre articles. An article is a tree of blocks (headings,
// paragraphs, callouts, code samples), and nested partials render into one scratch buffer
// per request, so the renderer keeps a scratch buffer for each request in flight, keyed by
// the request, handed out by scratchFor and given back by done. Only the preview handler
// calls done; the article handler (nearly all the traffic) never does, so each article
// request's scratch buffer stays in the renderer's map, keyed by a request nobody holds.
package main

import (
	"flag"
	"fmt"
	"html"
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

type block struct {
	kind string // h2, p, callout, code
	text string
	kids []block
}

type article struct {
	id     int
	title  string
	blocks []block
}

type renderer struct {
	mu       sync.Mutex
	scratch  map[*http.Request][]byte
	rendered atomic.Int64
}

// scratchFor returns the request's scratch buffer, making it on first use.
func (rd *renderer) scratchFor(r *http.Request) []byte {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	buf, ok := rd.scratch[r]
	if !ok {
		buf = make([]byte, 0, 6<<10)
		rd.scratch[r] = buf
	}
	return buf[:0]
}

// keep stores the (possibly grown) buffer back for the request's next partial.
func (rd *renderer) keep(r *http.Request, buf []byte) {
	rd.mu.Lock()
	rd.scratch[r] = buf
	rd.mu.Unlock()
}

// done gives the request's scratch buffer back.
func (rd *renderer) done(r *http.Request) {
	rd.mu.Lock()
	delete(rd.scratch, r)
	rd.mu.Unlock()
}

func renderBlock(buf []byte, b block, depth int) []byte {
	switch b.kind {
	case "h2":
		buf = append(buf, "<h2>"...)
		buf = append(buf, html.EscapeString(b.text)...)
		buf = append(buf, "</h2>\n"...)
	case "code":
		buf = append(buf, "<pre><code>"...)
		buf = append(buf, html.EscapeString(b.text)...)
		buf = append(buf, "</code></pre>\n"...)
	case "callout":
		buf = append(buf, `<aside class="callout">`...)
		for _, k := range b.kids {
			buf = renderBlock(buf, k, depth+1)
		}
		buf = append(buf, "</aside>\n"...)
	default:
		buf = append(buf, "<p>"...)
		buf = append(buf, html.EscapeString(b.text)...)
		buf = append(buf, "</p>\n"...)
	}
	return buf
}

// render writes the article's body, one top-level block (a partial) at a time.
func (rd *renderer) render(w io.Writer, r *http.Request, a *article) {
	fmt.Fprintf(w, "<article id=\"a%d\"><h1>%s</h1>\n", a.id, html.EscapeString(a.title))
	for _, b := range a.blocks {
		buf := rd.scratchFor(r)
		buf = renderBlock(buf, b, 0)
		w.Write(buf)
		rd.keep(r, buf)
	}
	io.WriteString(w, "</article>\n")
	rd.rendered.Add(1)
}

type site struct {
	rd       *renderer
	articles []*article
}

func (s *site) lookup(w http.ResponseWriter, r *http.Request) *article {
	id, err := strconv.Atoi(r.URL.Query().Get("id"))
	if err != nil || id < 0 || id >= len(s.articles) {
		http.NotFound(w, r)
		return nil
	}
	return s.articles[id]
}

func (s *site) handleArticle(w http.ResponseWriter, r *http.Request) {
	a := s.lookup(w, r)
	if a == nil {
		return
	}
	w.Header().Set("Content-Type", "text/html")
	s.rd.render(w, r, a)
}

func (s *site) handlePreview(w http.ResponseWriter, r *http.Request) {
	a := s.lookup(w, r)
	if a == nil {
		return
	}
	defer s.rd.done(r)
	w.Header().Set("Content-Type", "text/html")
	io.WriteString(w, `<div class="draft-banner">Preview</div>`)
	s.rd.render(w, r, a)
}

var lorem = strings.Fields("to reset your password open settings then security and choose reset the link expires after one hour if you use single sign-on ask your administrator instead")

func sentence(rng *rand.Rand, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(lorem[rng.Intn(len(lorem))])
		b.WriteByte(' ')
	}
	return b.String()
}

// corpus builds the help centre: 400 articles of 6-20 blocks.
func corpus() []*article {
	rng := rand.New(rand.NewSource(1))
	out := make([]*article, 400)
	for i := range out {
		a := &article{id: i, title: sentence(rng, 6)}
		for j, n := 0, 6+rng.Intn(15); j < n; j++ {
			switch rng.Intn(5) {
			case 0:
				a.blocks = append(a.blocks, block{kind: "h2", text: sentence(rng, 5)})
			case 1:
				a.blocks = append(a.blocks, block{kind: "code", text: "$ helpctl reset --user " + strconv.Itoa(rng.Intn(1000))})
			case 2:
				a.blocks = append(a.blocks, block{kind: "callout", kids: []block{{kind: "p", text: sentence(rng, 30)}, {kind: "p", text: sentence(rng, 20)}}})
			default:
				a.blocks = append(a.blocks, block{kind: "p", text: sentence(rng, 40+rng.Intn(80))})
			}
		}
		out[i] = a
	}
	return out
}

func readers(base string, seed int64) {
	rng := rand.New(rand.NewSource(seed))
	c := &http.Client{Timeout: 5 * time.Second}
	for range time.Tick(40 * time.Millisecond) {
		path := "/article"
		if rng.Intn(20) == 0 { // an editor previewing a draft
			path = "/preview"
		}
		resp, err := c.Get(base + path + "?id=" + strconv.Itoa(rng.Intn(400)))
		if err != nil {
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	s := &site{rd: &renderer{scratch: make(map[*http.Request][]byte)}, articles: corpus()}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("/article", s.handleArticle)
	http.HandleFunc("/preview", s.handlePreview)
	go func() {
		for range time.Tick(15 * time.Second) {
			s.rd.mu.Lock()
			n := len(s.rd.scratch)
			s.rd.mu.Unlock()
			log.Printf("stats: rendered=%d scratch buffers=%d", s.rd.rendered.Load(), n)
		}
	}()
	for i := int64(1); i <= 2; i++ {
		go readers("http://"+*addr, 30+i)
	}
	log.Printf("docrender: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
