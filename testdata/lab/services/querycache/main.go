// querycache is the log search API's front: POST /v1/search?index=I takes a search body in
// the store's JSON query language and answers its hits. Parsing a body and compiling its plan
// (the fields it reads, its filters) costs more than most searches, so plans are kept in a
// generic cost-bounded cache, Cache[K, V], keyed by the index and the body's SHA-256: a
// dashboard that refreshes sends the same bodies again. The cache evicts its oldest plans once
// their cost passes its budget, 64 MiB; the cost of a plan is estimated by the length of its
// body.
package main

import (
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"sort"
	"strings"
	"sync"
	"time"
)

// entry is one cached value and what it was charged.
type entry[V any] struct {
	val   V
	cost  int
	hits  int
	added time.Time
}

// Cache keeps values under keys until their total cost passes max, then drops the oldest.
type Cache[K comparable, V any] struct {
	mu    sync.Mutex
	items map[K]*entry[V]
	order []K // oldest first
	used  int
	max   int
}

func NewCache[K comparable, V any](max int) *Cache[K, V] {
	return &Cache[K, V]{items: make(map[K]*entry[V]), max: max}
}

func (c *Cache[K, V]) Get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[k]
	if !ok {
		var zero V
		return zero, false
	}
	e.hits++
	return e.val, true
}

func (c *Cache[K, V]) Put(k K, v V, cost int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.items[k]; ok {
		c.used -= old.cost
	} else {
		c.order = append(c.order, k)
	}
	c.items[k] = &entry[V]{val: v, cost: cost, added: time.Now()}
	c.used += cost
	for c.used > c.max && len(c.order) > 0 {
		oldest := c.order[0]
		c.order = c.order[1:]
		if e, ok := c.items[oldest]; ok {
			c.used -= e.cost
			delete(c.items, oldest)
		}
	}
}

func (c *Cache[K, V]) Stats() (n, used int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items), c.used
}

type planKey struct {
	index string
	sum   [sha256.Size]byte
}

// plan is a compiled search: the parsed body, kept for the executor's filters, and the
// fields it reads.
type plan struct {
	index   string
	tree    map[string]any
	fields  []string
	filters []any
	built   time.Time
}

var plans = NewCache[planKey, any](64 << 20)

// compile walks the parsed body for the fields it reads and its filter clauses.
func compile(index string, tree map[string]any) *plan {
	p := &plan{index: index, tree: tree, built: time.Now()}
	seen := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			for k, x := range t {
				if k == "field" || k == "term" || k == "range" {
					if s, ok := x.(string); ok && !seen[s] {
						seen[s] = true
						p.fields = append(p.fields, s)
					}
					if m, ok := x.(map[string]any); ok {
						for f := range m {
							if !seen[f] {
								seen[f] = true
								p.fields = append(p.fields, f)
							}
						}
					}
				}
				if k == "filter" {
					if l, ok := x.([]any); ok {
						p.filters = append(p.filters, l...)
					}
				}
				walk(x)
			}
		case []any:
			for _, x := range t {
				walk(x)
			}
		}
	}
	walk(tree)
	sort.Strings(p.fields)
	return p
}

func handleSearch(w http.ResponseWriter, r *http.Request) {
	index := r.URL.Query().Get("index")
	if r.Method != http.MethodPost || index == "" {
		http.Error(w, "POST /v1/search?index=I", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 256<<10))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	k := planKey{index: index, sum: sha256.Sum256(body)}
	var p *plan
	if v, ok := plans.Get(k); ok {
		p = v.(*plan)
	} else {
		var tree map[string]any
		if err := json.Unmarshal(body, &tree); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		p = compile(index, tree)
		plans.Put(k, p, len(body))
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"index":%q,"fields":%d,"filters":%d,"hits":%d}`+"\n", p.index, len(p.fields), len(p.filters), len(body)%977)
}

func handleStats(w http.ResponseWriter, r *http.Request) {
	n, used := plans.Stats()
	fmt.Fprintf(w, "plans %d, charged %d bytes of %d\n", n, used, 64<<20)
}

var services = []string{"checkout", "payments", "search", "cart", "auth", "shipping", "ledger", "inventory"}
var levels = []string{"error", "warn", "info"}

// panelBody is one dashboard panel's search over the last 15 minutes: its range is absolute,
// to the millisecond, as the dashboard computes it at each refresh.
func panelBody(rng *rand.Rand, panel int, now time.Time) []byte {
	svc := services[panel%len(services)]
	var b strings.Builder
	b.WriteString(`{"size":0,"query":{"bool":{"filter":[`)
	fmt.Fprintf(&b, `{"range":{"@timestamp":{"gte":%q,"lte":%q,"format":"strict_date_optional_time"}}},`,
		now.Add(-15*time.Minute).UTC().Format("2006-01-02T15:04:05.000Z"), now.UTC().Format("2006-01-02T15:04:05.000Z"))
	fmt.Fprintf(&b, `{"term":{"service.name":%q}},{"terms":{"log.level":["%s","%s"]}}`, svc, levels[panel%3], levels[(panel+1)%3])
	b.WriteString(`],"must_not":[{"term":{"http.route":"/healthz"}},{"term":{"user_agent.name":"kube-probe"}}]}},"aggs":{`)
	for i := 0; i < 6+panel%4; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"by_%d":{"terms":{"field":"labels.k%d","size":%d,"order":{"_count":"desc"}},"aggs":{"p95":{"percentiles":{"field":"event.duration","percents":[50,95,99]}},"over_time":{"date_histogram":{"field":"@timestamp","fixed_interval":"30s","min_doc_count":0}}}}`,
			i, i+rng.Intn(3), 10+rng.Intn(10))
	}
	b.WriteString(`},"_source":[`)
	for i := 0; i < 12; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"labels.k%d","trace.id","span.id","message","service.version"`, i)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

// dashboard plays a team's wall screen: its panels refresh every few seconds.
func dashboard(base string, n int) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(int64(n) + 5))
	for {
		now := time.Now()
		for panel := 0; panel < 12; panel++ {
			req, _ := http.NewRequest(http.MethodPost, base+"/v1/search?index=logs-"+services[(n+panel)%len(services)], strings.NewReader(string(panelBody(rng, panel, now))))
			req.Header.Set("Content-Type", "application/json")
			resp, err := client.Do(req)
			if err != nil {
				continue
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			time.Sleep(60 * time.Millisecond)
		}
		time.Sleep(time.Duration(1000+rng.Intn(1000)) * time.Millisecond)
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
	http.HandleFunc("/v1/search", handleSearch)
	http.HandleFunc("/v1/stats", handleStats)
	for i := 0; i < 3; i++ {
		go dashboard("http://"+*addr, i)
	}
	log.Printf("querycache: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
