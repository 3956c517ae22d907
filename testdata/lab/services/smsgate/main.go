// smsgate: sends text messages (sign-in codes, delivery updates) through an SMS carrier.
// Handlers validate a message and put it on the outbox, a buffered queue; two senders take
// messages off it and submit them to the carrier one at a time.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"strings"
	"sync/atomic"
	"time"
)

type message struct {
	to   string
	body string
}

var errInvalidNumber = errors.New("carrier: invalid destination number")

type smsGateway struct {
	outbox   chan message
	queued   atomic.Int64
	sent     atomic.Int64
	rejected atomic.Int64
}

func (g *smsGateway) handleSend(w http.ResponseWriter, r *http.Request) {
	m := message{to: r.URL.Query().Get("to"), body: r.URL.Query().Get("body")}
	if !strings.HasPrefix(m.to, "+") || len(m.body) == 0 || len(m.body) > 160 {
		http.Error(w, "bad message", http.StatusBadRequest)
		return
	}
	g.outbox <- m
	g.queued.Add(1)
	fmt.Fprintln(w, "queued")
}

// submit stands in for the carrier's API: ~80 ms per message; numbers the carrier cannot
// route are refused.
func submit(m message) error {
	time.Sleep(time.Duration(50+rand.Intn(60)) * time.Millisecond)
	if len(m.to) < 11 {
		return errInvalidNumber
	}
	return nil
}

// sender submits queued messages to the carrier.
func (g *smsGateway) sender() {
	for m := range g.outbox {
		if err := submit(m); err != nil {
			g.rejected.Add(1)
			log.Printf("smsgate: %s: %v", m.to, err)
			return
		}
		g.sent.Add(1)
	}
}

// apps send messages: sign-in codes and delivery updates, a few a second; now and then a
// customer typed a short number. Each app gives up on a request after 2 s and sends the next.
func apps(base string, n, budget int) {
	client := &http.Client{Timeout: 2 * time.Second}
	var left atomic.Int64
	left.Store(int64(budget))
	for i := 0; i < n; i++ {
		go func() {
			for left.Add(-1) >= 0 {
				to := fmt.Sprintf("+4479%08d", rand.Intn(100000000))
				if rand.Intn(15) == 0 {
					to = fmt.Sprintf("+44%05d", rand.Intn(100000))
				}
				body := fmt.Sprintf("Your code is %06d", rand.Intn(1000000))
				resp, err := client.Get(fmt.Sprintf("%s/sms/send?to=%s&body=%s", base, strings.Replace(to, "+", "%2B", 1), strings.ReplaceAll(body, " ", "+")))
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				time.Sleep(time.Duration(500+rand.Intn(1000)) * time.Millisecond)
			}
		}()
	}
}

func (g *smsGateway) report(every time.Duration) {
	for range time.Tick(every) {
		log.Printf("smsgate: %d queued, %d sent, %d rejected", g.queued.Load(), g.sent.Load(), g.rejected.Load())
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
	g := &smsGateway{outbox: make(chan message, 32)}
	for i := 0; i < 2; i++ {
		go g.sender()
	}
	http.HandleFunc("/sms/send", g.handleSend)
	go apps("http://"+*addr, 3, 420)
	go g.report(20 * time.Second)
	log.Printf("smsgate: listening on %s", *addr)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
