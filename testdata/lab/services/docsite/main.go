// docsite serves the product documentation. Pages are addressed by path
// (/guides/billing/v3/invoices); a path index, a tree of path segments, gives each page its
// breadcrumb and its siblings for the side navigation without asking the content store.
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
	"strings"
	"sync"
	"time"
)

// pageMeta is what the navigation needs of a page, rendered once.
type pageMeta struct {
	title      string
	updated    time.Time
	breadcrumb string
	sidebar    []byte
}

// pathNode is one path segment; a node with a page is a document.
type pathNode struct {
	segment  string
	parent   *pathNode
	children []*pathNode
	page     *pageMeta
}

func (n *pathNode) child(segment string) *pathNode {
	for _, c := range n.children {
		if c.segment == segment {
			return c
		}
	}
	c := &pathNode{segment: segment, parent: n}
	n.children = append(n.children, c)
	return c
}

func (n *pathNode) path() string {
	if n.parent == nil {
		return ""
	}
	return n.parent.path() + "/" + n.segment
}

// pathIndex is the tree of every path served so far.
type pathIndex struct {
	mu    sync.Mutex
	root  *pathNode
	pages int
}

// lookup returns the node of path, adding the nodes it lacks.
func (x *pathIndex) lookup(path string) *pathNode {
	n := x.root
	for _, seg := range strings.Split(strings.Trim(path, "/"), "/") {
		if seg != "" {
			n = n.child(seg)
		}
	}
	return n
}

func renderSidebar(n *pathNode) []byte {
	var b strings.Builder
	b.WriteString(`<nav class="sidebar"><ul>`)
	if n.parent != nil {
		for _, s := range n.parent.children {
			fmt.Fprintf(&b, `<li><a href="%s">%s</a></li>`, html.EscapeString(s.path()), html.EscapeString(s.segment))
		}
	}
	b.WriteString(`</ul>`)
	// the footer lists the sections, each with its blurb
	for i := 0; i < 12; i++ {
		fmt.Fprintf(&b, `<section class="footer-col"><h4>%s</h4><p>%s</p></section>`, sections[i%len(sections)],
			strings.Repeat("Everything about accounts, invoices, payouts and webhooks. ", 3))
	}
	b.WriteString(`</nav>`)
	return []byte(b.String())
}

type docServer struct {
	index *pathIndex
	rng   *rand.Rand
}

func (s *docServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, "/docs/") {
		http.NotFound(w, r)
		return
	}
	s.index.mu.Lock()
	n := s.index.lookup(strings.TrimPrefix(r.URL.Path, "/docs"))
	if n.page == nil {
		var crumbs []string
		for p := n; p.parent != nil; p = p.parent {
			crumbs = append([]string{p.segment}, crumbs...)
		}
		n.page = &pageMeta{title: strings.Title(strings.ReplaceAll(n.segment, "-", " ")), updated: time.Now(),
			breadcrumb: strings.Join(crumbs, " › "), sidebar: renderSidebar(n)}
		s.index.pages++
	}
	page := n.page
	s.index.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, "<html><head><title>%s</title></head><body><div class=crumbs>%s</div>", html.EscapeString(page.title), html.EscapeString(page.breadcrumb))
	w.Write(page.sidebar)
	io.WriteString(w, "</body></html>")
}

var sections = []string{"guides", "api", "sdks", "changelog", "billing", "payouts", "webhooks", "security"}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	srv := &docServer{index: &pathIndex{root: &pathNode{}}, rng: rand.New(rand.NewSource(5))}
	http.Handle("/docs/", srv)
	go func() {
		for range time.Tick(10 * time.Second) {
			srv.index.mu.Lock()
			log.Printf("path index: %d pages", srv.index.pages)
			srv.index.mu.Unlock()
		}
	}()
	go readers("http://" + *addr)
	log.Printf("docsite: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}

// readers browse the docs; links shared from the changelog carry a tracking query in the
// path (/docs/changelog/2024-11/ref-8f3a...), so every shared link is a new path.
func readers(base string) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(17))
	for n := 1; ; n++ {
		sec := sections[rng.Intn(len(sections))]
		url := fmt.Sprintf("%s/docs/%s/v%d/%s", base, sec, 1+rng.Intn(4), []string{"overview", "quickstart", "errors", "limits"}[rng.Intn(4)])
		if rng.Intn(3) != 0 {
			url = fmt.Sprintf("%s/docs/%s/%d-%02d/ref-%x", base, sec, 2023+rng.Intn(2), 1+rng.Intn(12), rng.Int63())
		}
		resp, err := client.Get(url)
		if err != nil {
			log.Printf("reader: %v", err)
		} else {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		if n%2000 == 0 {
			log.Printf("served %d pages", n)
		}
		time.Sleep(3 * time.Millisecond)
	}
}
