// catalogcache: serves product lookups from an in-memory index. Shortly after start an
// operator uploads a large catalogue: the index is rebuilt from it, entry by entry, into one
// map that explodes to ~100 MiB within a minute and then stays as it is (nothing else is
// allocated afterwards, so the runtime collects rarely).
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	_ "net/http/pprof"
	"strconv"
	"sync"
	"time"
)

type product struct {
	sku   string
	title string
	attrs []byte
}

type Catalog struct {
	mu    sync.RWMutex
	index map[string]*product
}

func (c *Catalog) lookup(sku string) (*product, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	p, ok := c.index[sku]
	return p, ok
}

// importUpload adds every row of an uploaded catalogue to the index.
func (c *Catalog) importUpload(rows int) {
	for i := 0; i < rows; i++ {
		sku := "sku-" + strconv.Itoa(i)
		p := &product{sku: sku, title: fmt.Sprintf("product %d", i), attrs: make([]byte, 512)}
		c.mu.Lock()
		c.index[sku] = p
		c.mu.Unlock()
		if i%200 == 199 {
			time.Sleep(50 * time.Millisecond)
		}
	}
	log.Printf("catalogue imported: %d products", rows)
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	cat := &Catalog{index: make(map[string]*product)}
	http.HandleFunc("/product", func(w http.ResponseWriter, r *http.Request) {
		if p, ok := cat.lookup(r.URL.Query().Get("sku")); ok {
			fmt.Fprintln(w, p.title)
			return
		}
		http.NotFound(w, r)
	})
	go func() {
		time.Sleep(10 * time.Second)
		cat.importUpload(150000)
	}()
	log.Printf("catalogcache listening on %s", *addr)
	log.Fatal(http.ListenAndServe(*addr, nil))
}
