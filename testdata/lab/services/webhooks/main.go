// webhooks delivers order events to the endpoints that partners registered.
// In this environment the partner endpoints are local stand-ins: the "acme"
// endpoint is served by this process, "globex" by a sandbox gateway.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof"
	"sync/atomic"
	"time"
)

type subscription struct {
	Partner string
	URL     string
}

type orderEvent struct {
	OrderID int    `json:"order_id"`
	Status  string `json:"status"`
}

type deliverer struct {
	client    *http.Client
	subs      []subscription
	delivered int64
	failed    int64
}

func (d *deliverer) deliver(sub subscription, payload []byte) {
	resp, err := d.client.Post(sub.URL, "application/json", bytes.NewReader(payload))
	if err != nil {
		atomic.AddInt64(&d.failed, 1)
		log.Printf("delivery to %s failed: %v", sub.Partner, err)
		return
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	atomic.AddInt64(&d.delivered, 1)
}

func (d *deliverer) fanOut(ev orderEvent) {
	payload, _ := json.Marshal(ev)
	for _, sub := range d.subs {
		go d.deliver(sub, payload)
	}
}

// startSandboxGateway starts the partner sandbox gateway. It accepts
// connections and forwards them to a backend that is not deployed here.
func startSandboxGateway() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	go func() {
		var pending []net.Conn
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			pending = append(pending, c)
		}
	}()
	return ln.Addr().String(), nil
}

// orderStream replays order status changes from the order service.
func orderStream(d *deliverer, events int) {
	tick := time.NewTicker(667 * time.Millisecond)
	defer tick.Stop()
	statuses := []string{"created", "paid", "shipped", "delivered"}
	for i := 0; i < events; i++ {
		<-tick.C
		d.fanOut(orderEvent{OrderID: 700000 + i, Status: statuses[i%len(statuses)]})
	}
	log.Printf("order stream replay finished")
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	http.HandleFunc("/hooks/acme", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusNoContent)
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("listen: %v", err)
	}
	gateway, err := startSandboxGateway()
	if err != nil {
		log.Fatalf("sandbox gateway: %v", err)
	}
	log.Printf("webhooks listening on %s", ln.Addr())
	d := &deliverer{
		client: &http.Client{},
		subs: []subscription{
			{Partner: "acme", URL: fmt.Sprintf("http://%s/hooks/acme", ln.Addr())},
			{Partner: "globex", URL: fmt.Sprintf("http://%s/events", gateway)},
		},
	}
	go orderStream(d, 200)
	go func() {
		for range time.Tick(10 * time.Second) {
			log.Printf("webhooks: delivered=%d failed=%d", atomic.LoadInt64(&d.delivered), atomic.LoadInt64(&d.failed))
		}
	}()
	log.Fatal(http.Serve(ln, nil))
}
