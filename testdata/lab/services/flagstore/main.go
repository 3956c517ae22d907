// flagstore: feature flags for the web tier. Flags are evaluated under the store's read lock
// many times a second; a reloader takes the write lock every 10 s to swap in the flags
// published since. Evaluation rules are per flag; an unknown flag is an error.
package main

import (
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"sync"
	"sync/atomic"
	"time"
)

type rule struct {
	percent int
	allow   map[string]bool
}

type flagStore struct {
	mu      sync.RWMutex
	rules   map[string]rule
	version int
	evals   atomic.Int64
}

var errUnknownFlag = errors.New("unknown flag")

// evaluate tells whether the flag is on for the user.
func (fs *flagStore) evaluate(name, user string) (bool, error) {
	fs.mu.RLock()
	r, ok := fs.rules[name]
	if !ok {
		return false, errUnknownFlag
	}
	defer fs.mu.RUnlock()
	fs.evals.Add(1)
	if r.allow[user] {
		return true, nil
	}
	h := fnv.New32a()
	h.Write([]byte(name + "/" + user))
	return int(h.Sum32()%100) < r.percent, nil
}

// reload swaps in the flags published since the last reload.
func (fs *flagStore) reload() {
	for range time.Tick(10 * time.Second) {
		next := make(map[string]rule)
		for i := 0; i < 40; i++ {
			next[fmt.Sprintf("flag-%d", i)] = rule{percent: rand.Intn(100), allow: map[string]bool{"qa": true}}
		}
		fs.mu.Lock()
		fs.rules = next
		fs.version++
		fs.mu.Unlock()
	}
}

func (fs *flagStore) handleEval(w http.ResponseWriter, r *http.Request) {
	on, err := fs.evaluate(r.URL.Query().Get("flag"), r.URL.Query().Get("user"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	fmt.Fprintf(w, "%v\n", on)
}

// pages evaluate flags as they render (2 renderers); a client built before a flag was
// published asks for one the store does not have yet. 120 evaluations per renderer.
func pages(base string, renderers int) {
	client := &http.Client{Timeout: 2 * time.Second}
	for i := 0; i < renderers; i++ {
		go func() {
			for n := 0; n < 120; n++ {
				name := fmt.Sprintf("flag-%d", rand.Intn(40))
				if n > 5 && rand.Intn(25) == 0 {
					name = fmt.Sprintf("flag-%d", 40+rand.Intn(5))
				}
				resp, err := client.Get(fmt.Sprintf("%s/flags/eval?flag=%s&user=u%d", base, name, rand.Intn(1000)))
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				time.Sleep(time.Duration(200+rand.Intn(350)) * time.Millisecond)
			}
		}()
	}
}

func (fs *flagStore) report(every time.Duration) {
	for range time.Tick(every) {
		log.Printf("flagstore: %d evaluations", fs.evals.Load())
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
	fs := &flagStore{rules: map[string]rule{}}
	for i := 0; i < 40; i++ {
		fs.rules[fmt.Sprintf("flag-%d", i)] = rule{percent: 50}
	}
	http.HandleFunc("/flags/eval", fs.handleEval)
	go fs.reload()
	go pages("http://"+*addr, 2)
	go fs.report(20 * time.Second)
	log.Printf("flagstore: listening on %s", *addr)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
