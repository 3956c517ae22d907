// devicegw: the gateway that thermostats and meters keep a TCP connection open to. The protocol
// is line based (HELLO <id>, TEMP <value>, PING; the gateway answers OK or ERR). One handler
// goroutine per connection reads the device's lines under a 10-minute idle deadline; devices
// report every 20 s to 4 minutes, so most handlers wait in a read for minutes, by design. Now and
// then a device loses its link and dials again.
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
	"strconv"
	"strings"
	"sync"
	"time"
)

const idleTimeout = 10 * time.Minute

type gateway struct {
	mu       sync.Mutex
	online   map[string]time.Time
	readings map[string]float64
	lines    int
}

// serveDevice reads one device's lines until it hangs up or stays silent past idleTimeout.
func (g *gateway) serveDevice(c net.Conn) {
	defer c.Close()
	rd := bufio.NewReader(c)
	id := ""
	for {
		c.SetReadDeadline(time.Now().Add(idleTimeout))
		line, err := rd.ReadString('\n')
		if err != nil {
			break
		}
		reply := g.apply(&id, strings.TrimSpace(line))
		if _, err := c.Write([]byte(reply + "\n")); err != nil {
			break
		}
	}
	if id != "" {
		g.mu.Lock()
		delete(g.online, id)
		g.mu.Unlock()
	}
}

func (g *gateway) apply(id *string, line string) string {
	f := strings.Fields(line)
	if len(f) == 0 {
		return "ERR empty"
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.lines++
	switch {
	case f[0] == "HELLO" && len(f) == 2:
		*id = f[1]
		g.online[*id] = time.Now()
		return "OK"
	case f[0] == "TEMP" && len(f) == 2 && *id != "":
		v, err := strconv.ParseFloat(f[1], 64)
		if err != nil {
			return "ERR value"
		}
		g.readings[*id] = v
		g.online[*id] = time.Now()
		return "OK"
	case f[0] == "PING":
		return "OK"
	}
	return "ERR command"
}

func (g *gateway) listenDevices(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			log.Printf("devicegw: accept: %v", err)
			return
		}
		go g.serveDevice(c)
	}
}

func (g *gateway) handleStatus(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	fmt.Fprintf(w, "online %d lines %d\n", len(g.online), g.lines)
}

// ---- the fleet: devices come online over the first seconds, then report on their own
// schedules; one scheduler goroutine drives them all.

type device struct {
	id   string
	conn net.Conn
	rd   *bufio.Reader
	next time.Time
}

func dialDevice(addr, id string) *device {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil
	}
	d := &device{id: id, conn: c, rd: bufio.NewReader(c)}
	if d.send("HELLO "+id) != nil {
		c.Close()
		return nil
	}
	d.next = time.Now().Add(time.Duration(20+rand.Intn(220)) * time.Second)
	return d
}

func (d *device) send(line string) error {
	d.conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := d.conn.Write([]byte(line + "\n")); err != nil {
		return err
	}
	_, err := d.rd.ReadString('\n')
	return err
}

func fleet(addr string, size int) {
	devices := make([]*device, 0, size)
	for i := 0; i < size; i++ {
		if d := dialDevice(addr, fmt.Sprintf("dev-%04d", i)); d != nil {
			devices = append(devices, d)
		}
		time.Sleep(time.Duration(20+rand.Intn(100)) * time.Millisecond)
	}
	for tick := 0; ; tick++ {
		time.Sleep(250 * time.Millisecond)
		now := time.Now()
		for i, d := range devices {
			if now.Before(d.next) {
				continue
			}
			if err := d.send(fmt.Sprintf("TEMP %.1f", 18+rand.Float64()*6)); err != nil {
				d.conn.Close()
				if nd := dialDevice(addr, d.id); nd != nil {
					devices[i] = nd
				}
				continue
			}
			d.next = now.Add(time.Duration(20+rand.Intn(220)) * time.Second)
		}
		// every ~6 s a device's link drops and it dials again
		if tick%24 == 0 {
			i := rand.Intn(len(devices))
			devices[i].conn.Close()
			if nd := dialDevice(addr, devices[i].id); nd != nil {
				devices[i] = nd
			}
		}
	}
}

func (g *gateway) report(every time.Duration) {
	for range time.Tick(every) {
		g.mu.Lock()
		log.Printf("devicegw: %d devices online, %d lines", len(g.online), g.lines)
		g.mu.Unlock()
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
	dl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	g := &gateway{online: map[string]time.Time{}, readings: map[string]float64{}}
	go g.listenDevices(dl)
	go fleet(dl.Addr().String(), 120)
	go g.report(20 * time.Second)
	http.HandleFunc("/devices/status", g.handleStatus)
	log.Printf("devicegw: listening on %s, devices on %s", *addr, dl.Addr())
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
