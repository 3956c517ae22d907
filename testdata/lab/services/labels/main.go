// labels: shipping labels for packed orders. Each order gets its label from its carrier's
// gateway over the carrier's line protocol (one connection per label, "LABEL <order>"
// answered by "OK <tracking>"). In this environment both gateways are local stand-ins;
// northwind's sandbox accepts connections but its label service is down.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type carrierClient struct {
	name string
	addr string
}

// requestLabel asks the carrier's gateway for a label and returns the tracking number.
func (c *carrierClient) requestLabel(order string) (string, error) {
	conn, err := net.DialTimeout("tcp", c.addr, 2*time.Second)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if _, err := fmt.Fprintf(conn, "LABEL %s\n", order); err != nil {
		return "", err
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return "", fmt.Errorf("%s: %w", c.name, err)
	}
	return strings.TrimPrefix(strings.TrimSpace(line), "OK "), nil
}

type labelDesk struct {
	carriers []*carrierClient
	printed  atomic.Int64
	failed   atomic.Int64
}

func (d *labelDesk) printLabel(order string, c *carrierClient) {
	tracking, err := c.requestLabel(order)
	if err != nil {
		d.failed.Add(1)
		log.Printf("labels: order %s: %v", order, err)
		return
	}
	_ = tracking
	d.printed.Add(1)
}

// dispatch takes packed orders from the packing line, ~4/s, a budget of orders.
func (d *labelDesk) dispatch(orders int) {
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for i := 0; i < orders; i++ {
		<-tick.C
		order := fmt.Sprintf("SO-%07d", 1200000+i)
		go d.printLabel(order, d.carriers[i%len(d.carriers)])
	}
	log.Printf("labels: packing line stopped")
}

func (d *labelDesk) report(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for range t.C {
		log.Printf("labels: printed=%d failed=%d", d.printed.Load(), d.failed.Load())
	}
}

// parcelGateway answers every label request after a few milliseconds.
func parcelGateway(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func(c net.Conn) {
			defer c.Close()
			req, err := bufio.NewReader(c).ReadString('\n')
			if err != nil {
				return
			}
			time.Sleep(time.Duration(3+rand.Intn(20)) * time.Millisecond)
			fmt.Fprintf(c, "OK PC%09d %s\n", rand.Intn(1e9), strings.TrimSpace(req))
		}(c)
	}
}

// sandboxGateway accepts connections and keeps them open; nothing behind it answers.
func sandboxGateway(ln net.Listener) {
	var mu sync.Mutex
	var open []net.Conn
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		mu.Lock()
		open = append(open, c)
		mu.Unlock()
	}
}

func listenLocal() net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	return ln
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	pc, nw := listenLocal(), listenLocal()
	go parcelGateway(pc)
	go sandboxGateway(nw)
	d := &labelDesk{carriers: []*carrierClient{{name: "parcelco", addr: pc.Addr().String()}, {name: "northwind", addr: nw.Addr().String()}}}
	go d.report(15 * time.Second)
	go d.dispatch(620)
	log.Printf("labels: listening on %s", *addr)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
