// reports renders account statements on request. Rendering runs in the
// background; a delivery goroutine stores the report when it is ready, unless
// the user cancels the export.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof"
	"strconv"
	"sync"
	"time"
)

type report struct {
	ID    int
	Pages int
	Body  []byte
}

type reportRunner struct {
	mu      sync.Mutex
	cancels map[int]chan struct{}
	stored  map[int]int
	nextID  int
}

func (r *reportRunner) submit(account string, period string) int {
	r.mu.Lock()
	r.nextID++
	id := r.nextID
	cancel := make(chan struct{})
	r.cancels[id] = cancel
	r.mu.Unlock()
	done := make(chan report)
	go r.render(id, account, period, done)
	go r.deliverWhenReady(id, done, cancel)
	return id
}

func (r *reportRunner) render(id int, account, period string, done chan<- report) {
	time.Sleep(20 * time.Millisecond)
	if period == "ytd" && len(account) > 0 && (account[len(account)-1]-'0')%2 == 1 {
		log.Printf("render %d: no closing balance for %s/%s", id, account, period)
		return
	}
	done <- report{ID: id, Pages: 3, Body: make([]byte, 2048)}
}

func (r *reportRunner) deliverWhenReady(id int, done <-chan report, cancel <-chan struct{}) {
	select {
	case rep := <-done:
		r.mu.Lock()
		r.stored[rep.ID] = rep.Pages
		r.mu.Unlock()
	case <-cancel:
		log.Printf("report %d cancelled", id)
	}
	r.mu.Lock()
	delete(r.cancels, id)
	r.mu.Unlock()
}

func (r *reportRunner) handleExport(w http.ResponseWriter, req *http.Request) {
	id := r.submit(req.URL.Query().Get("account"), req.URL.Query().Get("period"))
	fmt.Fprintf(w, "{\"report\": %d}\n", id)
}

func (r *reportRunner) handleCancel(w http.ResponseWriter, req *http.Request) {
	id, _ := strconv.Atoi(req.URL.Query().Get("id"))
	r.mu.Lock()
	if c, ok := r.cancels[id]; ok {
		close(c)
		delete(r.cancels, id)
	}
	r.mu.Unlock()
}

// exportTraffic replays statement exports from the customer portal.
func exportTraffic(base string, exports int) {
	client := &http.Client{Timeout: 5 * time.Second}
	tick := time.NewTicker(67 * time.Millisecond)
	defer tick.Stop()
	periods := []string{"2024-q4", "ytd", "2025-q1", "ytd", "2025-q2"}
	for i := 0; i < exports; i++ {
		<-tick.C
		url := fmt.Sprintf("%s/export?account=acc-%04d&period=%s", base, i%1000, periods[i%len(periods)])
		resp, err := client.Get(url)
		if err != nil {
			log.Printf("export request failed: %v", err)
			continue
		}
		resp.Body.Close()
	}
	log.Printf("export replay finished")
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	r := &reportRunner{cancels: make(map[int]chan struct{}), stored: make(map[int]int)}
	http.HandleFunc("/export", r.handleExport)
	http.HandleFunc("/cancel", r.handleCancel)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("listen: %v", err)
	}
	log.Printf("reports listening on %s", ln.Addr())
	go exportTraffic("http://"+ln.Addr().String(), 2250)
	log.Fatal(http.Serve(ln, nil))
}
