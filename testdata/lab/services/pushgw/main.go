// pushgw: the push gateway the mobile apps keep a connection to while they are in the
// foreground. Each connection has a reader for the app's frames (SUB, ACK, ...) and a keepalive
// that pings the app every 25 s so that carrier NATs keep the mapping open; notifications for
// the device are written on the connection as they come. Apps connect and go away all the time.
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

type deviceConn struct {
	device string
	conn   net.Conn
	wmu    sync.Mutex
	topics []string
}

type gateway struct {
	mu      sync.Mutex
	devices map[string]*deviceConn
	open    atomic.Int64
	total   atomic.Int64
	pings   atomic.Int64
	pingErr atomic.Int64
	pushed  atomic.Int64
}

func (c *deviceConn) write(frame string) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	_, err := c.conn.Write([]byte(frame))
	return err
}

// keepalive pings the app at every tick of its ticker. A failed ping is counted (the reader
// notices a dead connection and closes it).
func (c *deviceConn) keepalive(g *gateway, every time.Duration) {
	t := time.NewTicker(every)
	for range t.C {
		g.pings.Add(1)
		if err := c.write("PING\n"); err != nil {
			g.pingErr.Add(1)
		}
	}
}

// serve registers the device's connection and reads its frames until it goes away.
func (g *gateway) serve(conn net.Conn) {
	defer conn.Close()
	rd := bufio.NewReader(conn)
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	hello, err := rd.ReadString('\n')
	if err != nil || !strings.HasPrefix(hello, "HELLO ") {
		return
	}
	c := &deviceConn{device: strings.TrimSpace(hello[6:]), conn: conn}
	g.mu.Lock()
	g.devices[c.device] = c
	g.mu.Unlock()
	g.open.Add(1)
	g.total.Add(1)
	go c.keepalive(g, 25*time.Second)
	defer func() {
		g.mu.Lock()
		if g.devices[c.device] == c {
			delete(g.devices, c.device)
		}
		g.mu.Unlock()
		g.open.Add(-1)
	}()
	for {
		conn.SetReadDeadline(time.Now().Add(90 * time.Second))
		line, err := rd.ReadString('\n')
		if err != nil {
			return
		}
		switch f := strings.Fields(line); {
		case len(f) == 2 && f[0] == "SUB":
			c.topics = append(c.topics, f[1])
		case len(f) >= 1 && (f[0] == "ACK" || f[0] == "PONG"):
		case len(f) >= 1 && f[0] == "BYE":
			return
		}
	}
}

// push delivers a notification to a device if it is connected.
func (g *gateway) push(device, body string) bool {
	g.mu.Lock()
	c := g.devices[device]
	g.mu.Unlock()
	if c == nil {
		return false
	}
	if c.write("NOTIFY " + body + "\n") == nil {
		g.pushed.Add(1)
		return true
	}
	return false
}

func (g *gateway) handlePush(w http.ResponseWriter, r *http.Request) {
	if !g.push(r.URL.Query().Get("device"), r.URL.Query().Get("body")) {
		http.Error(w, "device not connected", http.StatusNotFound)
	}
}

func (g *gateway) listen(ln net.Listener) {
	for {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		go g.serve(conn)
	}
}

// app plays one phone: it opens the app, stays 3-30 s in the foreground (subscribing,
// acknowledging what it is sent), leaves, and comes back later.
func app(addr string, n int) {
	device := fmt.Sprintf("dev-%05d", n)
	time.Sleep(time.Duration(rand.Intn(8000)) * time.Millisecond)
	for {
		conn, err := net.Dial("tcp", addr)
		if err == nil {
			fmt.Fprintf(conn, "HELLO %s\nSUB orders\nSUB chat\n", device)
			go func() {
				rd := bufio.NewReader(conn)
				for {
					line, err := rd.ReadString('\n')
					if err != nil {
						return
					}
					if strings.HasPrefix(line, "NOTIFY") {
						fmt.Fprintf(conn, "ACK\n")
					}
				}
			}()
			time.Sleep(time.Duration(3000+rand.Intn(27000)) * time.Millisecond)
			if rand.Intn(3) > 0 {
				fmt.Fprintf(conn, "BYE\n")
			}
			conn.Close()
		}
		time.Sleep(time.Duration(2000+rand.Intn(20000)) * time.Millisecond)
	}
}

// notifications: the order and chat services pushing to devices, connected or not.
func notifications(g *gateway, devices int) {
	for seq := 0; ; seq++ {
		g.push(fmt.Sprintf("dev-%05d", rand.Intn(devices)), fmt.Sprintf("order-%d-shipped", seq))
		time.Sleep(time.Duration(20+rand.Intn(60)) * time.Millisecond)
	}
}

func (g *gateway) report(every time.Duration) {
	for range time.Tick(every) {
		log.Printf("pushgw: %d connected, %d connections so far, %d pings (%d failed), %d pushed",
			g.open.Load(), g.total.Load(), g.pings.Load(), g.pingErr.Load(), g.pushed.Load())
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	g := &gateway{devices: map[string]*deviceConn{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go g.listen(ln)
	const devices = 40
	for i := 0; i < devices; i++ {
		go app(ln.Addr().String(), i)
	}
	go notifications(g, devices)
	go g.report(20 * time.Second)
	http.HandleFunc("/v1/push", g.handlePush)
	log.Printf("pushgw: devices on %s, listening on %s", ln.Addr(), *addr)
	log.Fatal(http.ListenAndServe(*addr, nil))
}
