// alerting fans alerts out to the on-call dashboards. A dashboard long-polls
// /v1/watch?team=T; the poll waits for the team's next alerts, renders them into its
// session buffer and returns. A shutdown must not leave dashboards waiting for a poll
// that will never answer, so each poll registers a hook that tells its dashboard to
// reconnect elsewhere.
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
	"sync"
	"sync/atomic"
	"time"
)

type alert struct {
	team     string
	severity string
	summary  string
	fired    time.Time
}

// watchSession is one dashboard's poll: the alerts rendered for it so far.
type watchSession struct {
	team     string
	dash     string
	rendered bytes.Buffer
	closed   atomic.Bool
}

// notifyShutdown tells the dashboard to reconnect to another replica.
func (s *watchSession) notifyShutdown() {
	if s.closed.CompareAndSwap(false, true) {
		s.rendered.WriteString("event: reconnect\n\n")
	}
}

// router keeps the alerts not yet delivered, per team.
type router struct {
	mu      sync.Mutex
	pending map[string][]alert
	fired   atomic.Int64
}

func (r *router) fire(a alert) {
	r.mu.Lock()
	r.pending[a.team] = append(r.pending[a.team], a)
	r.mu.Unlock()
	r.fired.Add(1)
}

func (r *router) take(team string) []alert {
	r.mu.Lock()
	defer r.mu.Unlock()
	as := r.pending[team]
	delete(r.pending, team)
	return as
}

type dashboardAPI struct {
	srv    *http.Server
	router *router
	polls  atomic.Int64
}

// handleWatch answers a dashboard's poll with the team's alerts, waiting up to wait.
func (d *dashboardAPI) handleWatch(w http.ResponseWriter, r *http.Request) {
	s := &watchSession{team: r.URL.Query().Get("team"), dash: r.URL.Query().Get("dash")}
	s.rendered.Grow(4096)
	d.srv.RegisterOnShutdown(s.notifyShutdown)
	deadline := time.Now().Add(20 * time.Millisecond)
	for time.Now().Before(deadline) {
		as := d.router.take(s.team)
		for _, a := range as {
			fmt.Fprintf(&s.rendered, "event: alert\ndata: {\"team\":%q,\"severity\":%q,\"summary\":%q,\"fired\":%q}\n\n",
				a.team, a.severity, a.summary, a.fired.Format(time.RFC3339))
		}
		if len(as) > 0 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	s.closed.Store(true)
	d.polls.Add(1)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Write(s.rendered.Bytes())
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: http.DefaultServeMux, ReadHeaderTimeout: 10 * time.Second}
	api := &dashboardAPI{srv: srv, router: &router{pending: make(map[string][]alert)}}
	http.HandleFunc("/v1/watch", api.handleWatch)
	go monitors(api.router)
	for i := 0; i < 4; i++ {
		go dashboard("http://"+*addr, i)
	}
	log.Printf("alerting: listening on %s", *addr)
	log.Fatal(srv.Serve(ln))
}

var teams = []string{"payments", "search", "checkout", "platform", "data"}
var checks = []string{"p99 latency above SLO", "error budget burn 14x", "disk 91% full",
	"replica lag 40s", "5xx rate 3.1%", "certificate expires in 6 days"}

// monitors fire alerts now and then, as the rules evaluate.
func monitors(r *router) {
	rng := rand.New(rand.NewSource(3))
	for {
		r.fire(alert{team: teams[rng.Intn(len(teams))], severity: []string{"page", "ticket"}[rng.Intn(2)],
			summary: checks[rng.Intn(len(checks))], fired: time.Now()})
		time.Sleep(time.Duration(5+rng.Intn(20)) * time.Millisecond)
	}
}

// dashboard plays one wall display polling its team's alerts.
func dashboard(base string, n int) {
	client := &http.Client{Timeout: 5 * time.Second}
	team := teams[n%len(teams)]
	for i := 1; ; i++ {
		resp, err := client.Get(fmt.Sprintf("%s/v1/watch?team=%s&dash=wall-%d", base, team, n))
		if err != nil {
			log.Printf("dashboard %d: %v", n, err)
			time.Sleep(time.Second)
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if i%2000 == 0 {
			log.Printf("dashboard %d: %d polls", n, i)
		}
	}
}
