// feeds serves the activity feed of the mobile app, one page at a time. Rendering a page
// is expensive, so rendered pages are cached by (user, cursor) for the app's pull-to-refresh.
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
	"sync"
	"sync/atomic"
	"time"
)

type renderedPage struct {
	etag       string
	body       []byte
	renderedAt time.Time
	nextCursor string
}

// pageCache keeps rendered feed pages; pages of a cursor never change once rendered.
type pageCache struct {
	pages  sync.Map // "user/cursor" -> *renderedPage
	hits   atomic.Int64
	misses atomic.Int64
}

var verbs = []string{"liked", "commented on", "shared", "followed", "mentioned you in", "reposted"}

func renderPage(user string, cursor int64, rng *rand.Rand) *renderedPage {
	var b bytes.Buffer
	b.WriteString(`{"items":[`)
	for i := 0; i < 25; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"act_%d_%02d","actor":"usr_%05d","verb":%q,"object":"post_%08d","at":%d,"preview":"%s"}`,
			cursor, i, rng.Intn(50000), verbs[rng.Intn(len(verbs))], rng.Int63n(1e8), cursor-int64(i)*37,
			"https://cdn.example.org/p/"+strconv.FormatInt(rng.Int63(), 36))
	}
	next := strconv.FormatInt(cursor-25*37, 10)
	fmt.Fprintf(&b, `],"next":%q}`, next)
	return &renderedPage{etag: fmt.Sprintf(`"%s-%d"`, user, cursor), body: b.Bytes(), renderedAt: time.Now(), nextCursor: next}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	cache := &pageCache{}
	var mu sync.Mutex
	rng := rand.New(rand.NewSource(3))
	http.HandleFunc("/v1/feed", func(w http.ResponseWriter, r *http.Request) {
		user := r.URL.Query().Get("user")
		cursor, err := strconv.ParseInt(r.URL.Query().Get("cursor"), 10, 64)
		if user == "" || err != nil {
			http.Error(w, "missing user or cursor", http.StatusBadRequest)
			return
		}
		key := user + "/" + strconv.FormatInt(cursor, 10)
		var page *renderedPage
		if v, ok := cache.pages.Load(key); ok {
			cache.hits.Add(1)
			page = v.(*renderedPage)
		} else {
			cache.misses.Add(1)
			mu.Lock()
			page = renderPage(user, cursor, rng)
			mu.Unlock()
			cache.pages.Store(key, page)
		}
		w.Header().Set("ETag", page.etag)
		w.Header().Set("Content-Type", "application/json")
		w.Write(page.body)
	})
	go func() {
		for range time.Tick(10 * time.Second) {
			log.Printf("stats: hits=%d misses=%d", cache.hits.Load(), cache.misses.Load())
		}
	}()
	go mobileApps("http://" + *addr)
	log.Printf("feeds: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}

// mobileApps plays app users opening their feed: the first page's cursor is the time of the
// request, so every open renders a new page; a pull-to-refresh asks for the same page again.
func mobileApps(base string) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(9))
	var last string
	for {
		url := last
		if url == "" || rng.Intn(6) != 0 {
			url = fmt.Sprintf("%s/v1/feed?user=usr_%05d&cursor=%d", base, rng.Intn(50000), time.Now().UnixNano()/1000)
		}
		last = url
		if resp, err := client.Get(url); err != nil {
			log.Printf("app: %v", err)
		} else {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		time.Sleep(5 * time.Millisecond)
	}
}
