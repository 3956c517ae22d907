// salestax: sales-tax and VAT for the checkout. GET /v1/tax?region=R&cents=N answers the tax
// on an order. Each region's rules run in that region's tax engine, reached over a line
// protocol; the connection to an engine is made on first use (sync.Once per region, so
// that a region nobody sells to costs nothing) with a hello/handshake, and then reused by
// every request for the region.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// engineConn is one region's connection to its tax engine.
type engineConn struct {
	once sync.Once
	addr string
	mu   sync.Mutex
	conn net.Conn
	rd   *bufio.Reader
	err  error
}

// dial connects and waits for the engine's READY line.
func (e *engineConn) dial() {
	conn, err := net.DialTimeout("tcp", e.addr, 3*time.Second)
	if err != nil {
		e.err = err
		return
	}
	fmt.Fprintf(conn, "HELLO salestax/2.4\n")
	rd := bufio.NewReader(conn)
	line, err := rd.ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "READY") {
		conn.Close()
		e.err = errors.New("tax engine handshake failed")
		return
	}
	e.conn, e.rd = conn, rd
}

// rate asks the engine for the tax on an amount.
func (e *engineConn) rate(cents int) (int, error) {
	e.once.Do(e.dial)
	if e.err != nil {
		return 0, e.err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.conn.SetDeadline(time.Now().Add(2 * time.Second))
	fmt.Fprintf(e.conn, "TAX %d\n", cents)
	line, err := e.rd.ReadString('\n')
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(line))
}

type taxService struct {
	engines  map[string]*engineConn
	answered atomic.Int64
	failed   atomic.Int64
}

func (s *taxService) handleTax(w http.ResponseWriter, r *http.Request) {
	e := s.engines[r.URL.Query().Get("region")]
	if e == nil {
		http.Error(w, "unknown region", http.StatusBadRequest)
		return
	}
	cents, _ := strconv.Atoi(r.URL.Query().Get("cents"))
	tax, err := e.rate(cents)
	if err != nil {
		s.failed.Add(1)
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	s.answered.Add(1)
	fmt.Fprintf(w, "{\"tax_cents\":%d}\n", tax)
}

// taxEngine plays a region's engine; permille is its rate. An engine that is restarting
// accepts connections (its listener is up) but answers nothing until it has loaded its rules.
func taxEngine(permille int, loading bool) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				rd := bufio.NewReader(conn)
				if _, err := rd.ReadString('\n'); err != nil {
					return
				}
				if loading {
					io.Copy(io.Discard, rd)
					return
				}
				fmt.Fprintf(conn, "READY rules=2026.4\n")
				for {
					line, err := rd.ReadString('\n')
					if err != nil {
						return
					}
					f := strings.Fields(line)
					if len(f) != 2 {
						fmt.Fprintf(conn, "0\n")
						continue
					}
					cents, _ := strconv.Atoi(f[1])
					time.Sleep(time.Duration(1+rand.Intn(5)) * time.Millisecond)
					fmt.Fprintf(conn, "%d\n", cents*permille/1000)
				}
			}()
		}
	}()
	return ln.Addr().String(), nil
}

// checkouts plays the shop's checkouts: orders from all regions, a 2 s timeout on the answer.
// The budget bounds the run's orders for the one region.
func checkouts(base string, n int, regions []string, budget int64) {
	client := &http.Client{Timeout: 2 * time.Second}
	var left atomic.Int64
	left.Store(budget)
	for i := 0; i < n; i++ {
		go func() {
			for {
				region := regions[rand.Intn(len(regions))]
				if region == "apac" && left.Add(-1) < 0 {
					region = "eu"
				}
				url := fmt.Sprintf("%s/v1/tax?region=%s&cents=%d", base, region, 500+rand.Intn(50000))
				if resp, err := client.Get(url); err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				time.Sleep(time.Duration(400+rand.Intn(800)) * time.Millisecond)
			}
		}()
	}
}

func (s *taxService) report(every time.Duration) {
	for range time.Tick(every) {
		log.Printf("salestax: %d answered, %d failed", s.answered.Load(), s.failed.Load())
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	s := &taxService{engines: map[string]*engineConn{}}
	rates := map[string]int{"eu": 200, "us": 72, "apac": 100}
	for region, permille := range rates {
		engineAddr, err := taxEngine(permille, region == "apac")
		if err != nil {
			log.Fatal(err)
		}
		s.engines[region] = &engineConn{addr: engineAddr}
	}
	http.HandleFunc("/v1/tax", s.handleTax)
	go checkouts("http://"+*addr, 12, []string{"eu", "us", "apac"}, 450)
	go s.report(20 * time.Second)
	log.Printf("salestax: listening on %s", *addr)
	srv := &http.Server{Addr: *addr, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
