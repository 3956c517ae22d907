// notifier sends welcome e-mails and push notifications for account events.
// Handlers publish events; a dispatcher goroutine delivers them.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof"
	"sync/atomic"
	"time"
)

type event struct {
	Kind   string
	UserID string
	At     time.Time
}

type notifier struct {
	events    chan event
	delivered int64
	accepted  int64
}

func newNotifier() *notifier {
	return &notifier{}
}

func (n *notifier) dispatch() {
	for ev := range n.events {
		n.deliver(ev)
	}
}

func (n *notifier) deliver(ev event) {
	time.Sleep(2 * time.Millisecond)
	atomic.AddInt64(&n.delivered, 1)
}

func (n *notifier) publish(ev event) {
	n.events <- ev
}

func (n *notifier) handleSignup(w http.ResponseWriter, r *http.Request) {
	user := r.URL.Query().Get("user")
	if user == "" {
		http.Error(w, "missing user", http.StatusBadRequest)
		return
	}
	atomic.AddInt64(&n.accepted, 1)
	go n.publish(event{Kind: "welcome_email", UserID: user, At: time.Now()})
	w.WriteHeader(http.StatusAccepted)
}

// signupTraffic replays the sign-up flow of the web frontend.
func signupTraffic(base string, signups int) {
	client := &http.Client{Timeout: 5 * time.Second}
	tick := time.NewTicker(333 * time.Millisecond)
	defer tick.Stop()
	for i := 0; i < signups; i++ {
		<-tick.C
		resp, err := client.Get(fmt.Sprintf("%s/signup?user=u%06d", base, 100000+i))
		if err != nil {
			log.Printf("signup request failed: %v", err)
			continue
		}
		resp.Body.Close()
	}
	log.Printf("signup replay finished")
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	n := newNotifier()
	go n.dispatch()
	http.HandleFunc("/signup", n.handleSignup)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("listen: %v", err)
	}
	log.Printf("notifier listening on %s", ln.Addr())
	go signupTraffic("http://"+ln.Addr().String(), 450)
	go func() {
		for range time.Tick(15 * time.Second) {
			log.Printf("notifier: accepted=%d delivered=%d", atomic.LoadInt64(&n.accepted), atomic.LoadInt64(&n.delivered))
		}
	}()
	log.Fatal(http.Serve(ln, nil))
}
