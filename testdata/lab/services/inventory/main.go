// inventory keeps stock levels per SKU. Warehouses upload stock movements in
// batches; each batch is streamed to an applier goroutine through a channel.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof"
	"sync"
	"time"
)

type movement struct {
	SKU       string `json:"sku"`
	Warehouse string `json:"warehouse"`
	Delta     int    `json:"delta"`
}

type stockStore struct {
	mu     sync.Mutex
	levels map[string]int
}

func (s *stockStore) apply(m movement) {
	s.mu.Lock()
	s.levels[m.Warehouse+"/"+m.SKU] += m.Delta
	s.mu.Unlock()
}

func (s *stockStore) applyMovements(moves <-chan movement) {
	applied := 0
	for m := range moves {
		s.apply(m)
		applied++
	}
	if applied > 50 {
		log.Printf("applied a large batch of %d movements", applied)
	}
}

func (s *stockStore) importBatch(batch []movement) error {
	moves := make(chan movement, 8)
	go s.applyMovements(moves)
	for i, m := range batch {
		if m.SKU == "" {
			return fmt.Errorf("movement %d from %s: %w", i, m.Warehouse, errMissingSKU)
		}
		moves <- m
	}
	close(moves)
	return nil
}

var errMissingSKU = errors.New("missing SKU")

func (s *stockStore) handleMovements(w http.ResponseWriter, r *http.Request) {
	var batch []movement
	if err := json.NewDecoder(r.Body).Decode(&batch); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if err := s.importBatch(batch); err != nil {
		http.Error(w, err.Error(), http.StatusUnprocessableEntity)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// syncWarehouses replays the warehouses' stock movement uploads.
func syncWarehouses(base string, uploads int) {
	client := &http.Client{Timeout: 5 * time.Second}
	tick := time.NewTicker(167 * time.Millisecond)
	defer tick.Stop()
	rejected := 0
	for i := 0; i < uploads; i++ {
		<-tick.C
		wh := fmt.Sprintf("wh-%d", i%4)
		batch := make([]movement, 0, 6)
		for j := 0; j < 6; j++ {
			batch = append(batch, movement{SKU: fmt.Sprintf("SKU-%05d", (i*13+j)%2000), Warehouse: wh, Delta: j - 2})
		}
		if i%2 == 1 {
			batch[4].SKU = "" // scanner glitch at the older warehouses
		}
		body, _ := json.Marshal(batch)
		resp, err := client.Post(base+"/movements", "application/json", bytes.NewReader(body))
		if err != nil {
			log.Printf("upload from %s failed: %v", wh, err)
			continue
		}
		if resp.StatusCode != http.StatusNoContent {
			rejected++
		}
		resp.Body.Close()
		if i%80 == 79 {
			log.Printf("warehouse sync: %d uploads, %d rejected", i+1, rejected)
		}
	}
	log.Printf("warehouse sync finished")
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	store := &stockStore{levels: make(map[string]int)}
	http.HandleFunc("/movements", store.handleMovements)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("listen: %v", err)
	}
	log.Printf("inventory listening on %s", ln.Addr())
	go syncWarehouses("http://"+ln.Addr().String(), 900)
	log.Fatal(http.Serve(ln, nil))
}
