// blocklist: answers "is this client address blocked?" for the edge proxies. The table comes
// from a threat feed that is re-fetched every 30 s and swapped in whole; which feed is
// configured is an operator's choice (/admin/config): the starter feed (~20,000 prefixes)
// or the full one (~90,000), which operations switch to once the service is proven.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
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

type entry struct {
	reason string
	until  int64
}

// table maps a /24 prefix (the address's top 24 bits) to why it is listed.
type table struct {
	feed    string
	loaded  time.Time
	entries map[uint32]entry
}

type service struct {
	current  atomic.Value // *table
	mu       sync.Mutex
	feedURL  string
	reload   chan struct{}
	checked  atomic.Int64
	blocked  atomic.Int64
	feedHost string
}

// renderFeed renders a threat feed the way the vendor publishes it (a static file, regenerated
// hourly on their side): one "a.b.c.0/24 reason ttl" per line.
func renderFeed(n int, seed int64) []byte {
	rng := rand.New(rand.NewSource(seed))
	reasons := []string{"botnet-c2", "credential-stuffing", "scanner", "spam-source", "tor-exit", "abuse-report"}
	var b bytes.Buffer
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "%d.%d.%d.0/24 %s-%d %d\n", 1+rng.Intn(222), rng.Intn(256), rng.Intn(256),
			reasons[rng.Intn(len(reasons))], rng.Intn(1000), 3600+rng.Intn(86400))
	}
	return b.Bytes()
}

func parsePrefix(s string) (uint32, bool) {
	s = strings.TrimSuffix(s, ".0/24")
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return 0, false
	}
	var v uint32
	for _, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 255 {
			return 0, false
		}
		v = v<<8 | uint32(n)
	}
	return v, true
}

// buildTable fetches the configured feed and parses it into a fresh table.
func (s *service) buildTable(url string) (*table, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	t := &table{feed: url, loaded: time.Now(), entries: make(map[uint32]entry)}
	sc := bufio.NewScanner(resp.Body)
	now := time.Now().Unix()
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 3 {
			continue
		}
		p, ok := parsePrefix(f[0])
		if !ok {
			continue
		}
		ttl, _ := strconv.ParseInt(f[2], 10, 64)
		t.entries[p] = entry{reason: strings.Clone(f[1]), until: now + ttl}
	}
	return t, sc.Err()
}

func (s *service) refresher() {
	tick := time.NewTicker(30 * time.Second)
	defer tick.Stop()
	for {
		s.mu.Lock()
		url := s.feedURL
		s.mu.Unlock()
		t, err := s.buildTable(url)
		if err != nil {
			log.Printf("feed: %v (keeping the table loaded %s)", err, s.current.Load().(*table).loaded.Format("15:04:05"))
		} else {
			s.current.Store(t)
			log.Printf("feed: %d prefixes from %s", len(t.entries), url[strings.LastIndex(url, "/"):])
		}
		select {
		case <-tick.C:
		case <-s.reload:
			tick.Reset(30 * time.Second)
		}
	}
}

func (s *service) handleCheck(w http.ResponseWriter, r *http.Request) {
	ip := net.ParseIP(r.URL.Query().Get("ip")).To4()
	if ip == nil {
		http.Error(w, "bad ip", http.StatusBadRequest)
		return
	}
	s.checked.Add(1)
	key := uint32(ip[0])<<16 | uint32(ip[1])<<8 | uint32(ip[2])
	t := s.current.Load().(*table)
	e, ok := t.entries[key]
	w.Header().Set("Content-Type", "application/json")
	if !ok {
		w.Write([]byte(`{"blocked":false}`))
		return
	}
	s.blocked.Add(1)
	json.NewEncoder(w).Encode(map[string]interface{}{"blocked": true, "reason": e.reason, "until": e.until, "client": ip.String()})
}

type config struct {
	Feed string `json:"feed"`
}

func (s *service) handleConfig(w http.ResponseWriter, r *http.Request) {
	var c config
	if err := json.NewDecoder(r.Body).Decode(&c); err != nil || (c.Feed != "starter" && c.Feed != "full") {
		http.Error(w, "feed must be starter or full", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.feedURL = "http://" + s.feedHost + "/feeds/" + c.Feed
	s.mu.Unlock()
	log.Printf("config: feed set to %s by %s", c.Feed, r.RemoteAddr)
	select {
	case s.reload <- struct{}{}:
	default:
	}
	w.WriteHeader(http.StatusNoContent)
}

// proxies ask about every new client; most addresses are clean.
func proxies(base string, seed int64) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(seed))
	for range time.Tick(10 * time.Millisecond) {
		resp, err := client.Get(fmt.Sprintf("%s/check?ip=%d.%d.%d.%d", base, 1+rng.Intn(222), rng.Intn(256), rng.Intn(256), rng.Intn(256)))
		if err != nil {
			log.Printf("proxy: %v", err)
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

	// the vendor's feed stand-in
	fl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	feeds := http.NewServeMux()
	starter, full := renderFeed(20000, 1), renderFeed(90000, 2)
	feeds.HandleFunc("/feeds/starter", func(w http.ResponseWriter, r *http.Request) { w.Write(starter) })
	feeds.HandleFunc("/feeds/full", func(w http.ResponseWriter, r *http.Request) { w.Write(full) })
	go http.Serve(fl, feeds)

	s := &service{reload: make(chan struct{}, 1), feedHost: fl.Addr().String()}
	s.feedURL = "http://" + s.feedHost + "/feeds/starter"
	t, err := s.buildTable(s.feedURL)
	if err != nil {
		log.Fatal(err)
	}
	s.current.Store(t)
	log.Printf("feed: %d prefixes at start", len(t.entries))
	go s.refresher()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("/check", s.handleCheck)
	http.HandleFunc("/admin/config", s.handleConfig)
	go func() {
		for range time.Tick(15 * time.Second) {
			log.Printf("stats: checked=%d blocked=%d", s.checked.Load(), s.blocked.Load())
		}
	}()
	for i := int64(1); i <= 3; i++ {
		go proxies("http://"+*addr, 10+i)
	}
	// the operator switches to the full feed once the service has been up a while
	go func() {
		time.Sleep(35 * time.Second)
		resp, err := http.Post("http://"+*addr+"/admin/config", "application/json", bytes.NewReader([]byte(`{"feed":"full"}`)))
		if err != nil {
			log.Printf("operator: %v", err)
			return
		}
		resp.Body.Close()
	}()
	log.Printf("blocklist: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
