// transient: a service whose goroutines outlive a request for a while, as
// those a test starts can outlive the test. GET /spawn?n=40&linger=1.5s
// starts n goroutines that sleep for linger and return; GET /leak?n=7
// starts n that block for good sending on a channel nobody reads. For the
// retries of `gomemdx check` against a live AFTER
// (tests/live/check_retry_e2e.sh) and for --binary naming the runtime frames
// of a debug=1 profile (tests/live/binary_e2e.sh).
package main

import (
	"flag"
	"log"
	"net/http"
	_ "net/http/pprof"
	"strconv"
	"time"
)

func linger(d time.Duration) { time.Sleep(d) }

func reply(out chan<- int) { out <- 1 }

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()
	http.HandleFunc("/spawn", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.URL.Query().Get("n"))
		d, err2 := time.ParseDuration(r.URL.Query().Get("linger"))
		if err != nil || err2 != nil {
			http.Error(w, "want ?n=N&linger=DURATION", http.StatusBadRequest)
			return
		}
		for i := 0; i < n; i++ {
			go linger(d)
		}
		w.Write([]byte("ok\n"))
	})
	http.HandleFunc("/leak", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.URL.Query().Get("n"))
		if err != nil {
			http.Error(w, "want ?n=N", http.StatusBadRequest)
			return
		}
		for i := 0; i < n; i++ {
			go reply(make(chan int))
		}
		w.Write([]byte("ok\n"))
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}
