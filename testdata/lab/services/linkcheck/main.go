// linkcheck: a link checker for the docs sites. A crawl of a site checks every link of its
// sitemap, one goroutine per link, and a semaphore channel lets at most 6 requests reach
// the sites at once: during a crawl the rest queue on the semaphore (a send on a full
// channel) and drain as checks finish. The three sites are crawled at once, each
// again after a short pause.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"sync"
	"time"
)

// ---- the docs sites stand-in: pages answer in 100-400 ms, a few are missing

func serveSites() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Duration(100+rand.Intn(300)) * time.Millisecond)
		if rand.Intn(40) == 0 {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, "<html><body>%s</body></html>", r.URL.Path)
	})
	go http.Serve(ln, mux)
	return "http://" + ln.Addr().String()
}

// ---- the checker

type result struct {
	url    string
	status int
}

type checker struct {
	client *http.Client
	sem    chan struct{}
	mu     sync.Mutex
	broken map[string]int
	checks int
	crawls int
}

// check waits for a slot, fetches the link and reports its status.
func (c *checker) check(url string, out *[]result, mu *sync.Mutex, wg *sync.WaitGroup) {
	defer wg.Done()
	c.sem <- struct{}{}
	defer func() { <-c.sem }()
	status := 0
	resp, err := c.client.Get(url)
	if err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		status = resp.StatusCode
	}
	mu.Lock()
	*out = append(*out, result{url, status})
	mu.Unlock()
}

// crawlSite checks every link of the site's sitemap and records the broken ones.
func (c *checker) crawlSite(base, site string, links int) {
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		results []result
	)
	for i := 0; i < links; i++ {
		wg.Add(1)
		go c.check(fmt.Sprintf("%s/%s/page-%d.html", base, site, i), &results, &mu, &wg)
	}
	wg.Wait()
	broken := 0
	for _, r := range results {
		if r.status != http.StatusOK {
			broken++
		}
	}
	c.mu.Lock()
	c.broken[site] = broken
	c.checks += len(results)
	c.crawls++
	c.mu.Unlock()
}

// crawlForever crawls one site again and again, a short pause between crawls.
func (c *checker) crawlForever(base, site string) {
	for {
		c.crawlSite(base, site, 40+rand.Intn(50))
		time.Sleep(time.Duration(500+rand.Intn(1500)) * time.Millisecond)
	}
}

func (c *checker) handleReport(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for site, n := range c.broken {
		fmt.Fprintf(w, "%s: %d broken links\n", site, n)
	}
}

func readers(base string) {
	client := &http.Client{Timeout: 5 * time.Second}
	for {
		resp, err := client.Get(base + "/report")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		time.Sleep(2 * time.Second)
	}
}

func (c *checker) report(every time.Duration) {
	for range time.Tick(every) {
		c.mu.Lock()
		log.Printf("linkcheck: %d crawls, %d links checked", c.crawls, c.checks)
		c.mu.Unlock()
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
	c := &checker{
		client: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 6}},
		sem:    make(chan struct{}, 6),
		broken: map[string]int{},
	}
	http.HandleFunc("/report", c.handleReport)
	sites := serveSites()
	for _, site := range []string{"guides", "api", "blog"} {
		go c.crawlForever(sites, site)
	}
	go readers("http://" + *addr)
	go c.report(20 * time.Second)
	log.Printf("linkcheck: listening on %s", *addr)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
