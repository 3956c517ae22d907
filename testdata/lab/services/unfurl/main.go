// unfurl renders the link previews a chat client shows under a message: GET
// /v1/unfurl?url=U fetches the page, reads its title, description, site name and image
// from the <meta property="og:..."> tags and answers the preview with the embed HTML the
// client inlines (~2-5 KB). Previews are cached so that a link pasted in a busy channel is
// fetched once. The cache is read on every message and written rarely, so it is
// copy-on-write: readers load the current map from an atomic.Value without a lock, and a
// single writer goroutine collects new previews and publishes a fresh copy of the map
// every 100 ms. Entries carry an expiry that a read checks (an expired preview is fetched
// again and replaces its entry) but nothing ever removes a key, and chat links carry
// per-message tracking parameters, so nearly every URL is new and the map only grows.
// The unfurler runs in a small container: it sets GOGC to 25.
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
	"net/url"
	"regexp"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"
)

type preview struct {
	url      string
	title    string
	desc     string
	site     string
	image    string
	embed    string // the HTML the client inlines
	fetched  time.Time
	expires  time.Time
	bytesIn  int
	statusOK bool
}

// previews holds the current map[string]*preview; it is replaced, never written.
var previews atomic.Value

var pending = make(chan *preview, 1024)

func lookup(u string) *preview {
	m, _ := previews.Load().(map[string]*preview)
	p := m[u]
	if p == nil || time.Now().After(p.expires) {
		return nil
	}
	return p
}

// publisher copies the map with the previews fetched since the last copy and publishes it.
func publisher() {
	var batch []*preview
	flush := time.NewTicker(100 * time.Millisecond)
	for {
		select {
		case p := <-pending:
			batch = append(batch, p)
		case <-flush.C:
			if len(batch) == 0 {
				continue
			}
			old, _ := previews.Load().(map[string]*preview)
			next := make(map[string]*preview, len(old)+len(batch))
			for k, v := range old {
				next[k] = v
			}
			for _, p := range batch {
				next[p.url] = p
			}
			previews.Store(next)
			batch = batch[:0]
		}
	}
}

var metaRe = regexp.MustCompile(`<meta\s+property="og:(\w+)"\s+content="([^"]*)"`)
var titleRe = regexp.MustCompile(`<title>([^<]*)</title>`)

var client = &http.Client{Timeout: 3 * time.Second}

func fetch(u string) (*preview, error) {
	resp, err := client.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	page, err := io.ReadAll(io.LimitReader(resp.Body, 512<<10))
	if err != nil {
		return nil, err
	}
	p := &preview{url: u, fetched: time.Now(), expires: time.Now().Add(6 * time.Hour), bytesIn: len(page), statusOK: resp.StatusCode == 200}
	if m := titleRe.FindSubmatch(page); m != nil {
		p.title = string(m[1])
	}
	for _, m := range metaRe.FindAllSubmatch(page, -1) {
		switch string(m[1]) {
		case "title":
			p.title = string(m[2])
		case "description":
			p.desc = string(m[2])
		case "site_name":
			p.site = string(m[2])
		case "image":
			p.image = string(m[2])
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<div class="unfurl"><a href="%s"><img src="%s" loading="lazy"></a><div class="unfurl-body">`, html.EscapeString(u), html.EscapeString(p.image))
	fmt.Fprintf(&b, `<div class="unfurl-site">%s</div><a class="unfurl-title" href="%s">%s</a><p class="unfurl-desc">%s</p></div></div>`,
		html.EscapeString(p.site), html.EscapeString(u), html.EscapeString(p.title), html.EscapeString(p.desc))
	p.embed = b.String()
	return p, nil
}

func handleUnfurl(w http.ResponseWriter, r *http.Request) {
	u := r.URL.Query().Get("url")
	if _, err := url.ParseRequestURI(u); err != nil {
		http.Error(w, "url required", http.StatusBadRequest)
		return
	}
	p := lookup(u)
	if p == nil {
		var err error
		if p, err = fetch(u); err != nil {
			http.Error(w, "fetch failed", http.StatusBadGateway)
			return
		}
		pending <- p
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	io.WriteString(w, p.embed)
}

// origin stands for the sites the links point at: articles with Open Graph tags.
func origin(w http.ResponseWriter, r *http.Request) {
	rng := rand.New(rand.NewSource(int64(len(r.URL.RawQuery)) + time.Now().UnixNano()))
	words := strings.Fields("market launch quarterly review engineering platform release notes incident security update team growth design roadmap data privacy cloud migration")
	var title, desc strings.Builder
	for i := 0; i < 6+rng.Intn(6); i++ {
		title.WriteString(words[rng.Intn(len(words))] + " ")
	}
	for i := 0; i < 60+rng.Intn(160); i++ {
		desc.WriteString(words[rng.Intn(len(words))] + " ")
	}
	fmt.Fprintf(w, "<html><head><title>%s</title>\n", title.String())
	fmt.Fprintf(w, `<meta property="og:title" content="%s">`+"\n", title.String())
	fmt.Fprintf(w, `<meta property="og:description" content="%s">`+"\n", desc.String())
	fmt.Fprintf(w, `<meta property="og:site_name" content="%s">`+"\n", r.URL.Path[1:strings.IndexByte(r.URL.Path[1:], '/')+1])
	fmt.Fprintf(w, `<meta property="og:image" content="https://cdn.example.com/img/%08x.jpg?w=1200&h=630">`+"\n", rng.Uint32())
	fmt.Fprintf(w, "</head><body>%s</body></html>", strings.Repeat("<p>"+desc.String()+"</p>", 4))
}

// chat simulates the clients: messages with links, a few re-pasted, most new.
func chat(addr string) {
	rng := rand.New(rand.NewSource(5))
	sites := []string{"news", "blog", "docs", "status", "shop", "video"}
	var recent []string
	for n := 0; ; n++ {
		time.Sleep(4 * time.Millisecond)
		var link string
		if len(recent) > 0 && rng.Intn(5) == 0 {
			link = recent[rng.Intn(len(recent))]
		} else {
			link = fmt.Sprintf("http://%s/%s/article-%d?utm_source=chat&utm_medium=msg&mid=%08x", addr, sites[rng.Intn(len(sites))], rng.Intn(5000), rng.Uint32())
			recent = append(recent, link)
			if len(recent) > 200 {
				recent = recent[1:]
			}
		}
		resp, err := client.Get("http://" + addr + "/v1/unfurl?url=" + url.QueryEscape(link))
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
	debug.SetGCPercent(25)
	previews.Store(map[string]*preview{})
	go publisher()
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/unfurl", handleUnfurl)
	mux.HandleFunc("/", origin)
	mux.Handle("/debug/pprof/", http.DefaultServeMux)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("unfurl listening")
	go chat(*addr)
	log.Fatal(http.Serve(ln, mux))
}
