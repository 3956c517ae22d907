// statements: renders monthly account statements (a text layout the print shop turns into
// PDF). Rendering is allocation-heavy; page buffers (1 MiB) are pooled, and the service runs
// with GOGC=400 because it has memory to spare and CPU to save.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"hash/crc32"
	"io"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

var pageBuffers = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 1<<20)) }}

type Transaction struct {
	Booked  time.Time
	Amount  int64
	Counter string
	Memo    string
}

type Printer struct {
	// archive is the one buffer the nightly archive copy is assembled in; it is reused
	// and keeps the size of the largest statement seen.
	mu      sync.Mutex
	archive []byte

	rendered atomic.Int64
}

func transactions(account, n int) []Transaction {
	rng := rand.New(rand.NewSource(int64(account)))
	txs := make([]Transaction, n)
	for i := range txs {
		txs[i] = Transaction{
			Booked:  time.Date(2026, 11, 1+rng.Intn(30), rng.Intn(24), rng.Intn(60), 0, 0, time.UTC),
			Amount:  int64(rng.Intn(200000) - 100000),
			Counter: fmt.Sprintf("DE%020d", rng.Int63()),
			Memo:    fmt.Sprintf("invoice %d / order %d", rng.Intn(1e6), rng.Intn(1e6)),
		}
	}
	return txs
}

func (p *Printer) render(account, n int) uint32 {
	txs := transactions(account, n)
	page := pageBuffers.Get().(*bytes.Buffer)
	page.Reset()
	fmt.Fprintf(page, "STATEMENT %d  NOVEMBER 2026\n", account)
	var balance int64
	for _, t := range txs {
		balance += t.Amount
		fmt.Fprintf(page, "%s  %-24s  %-32s %12.2f %14.2f\n", t.Booked.Format("2006-01-02 15:04"), t.Counter, t.Memo,
			float64(t.Amount)/100, float64(balance)/100)
	}
	sum := crc32.ChecksumIEEE(page.Bytes())
	p.mu.Lock()
	p.archive = append(p.archive[:0], page.Bytes()...)
	p.mu.Unlock()
	pageBuffers.Put(page)
	p.rendered.Add(1)
	return sum
}

func (p *Printer) handleStatement(w http.ResponseWriter, r *http.Request) {
	account, err := strconv.Atoi(r.URL.Query().Get("account"))
	if err != nil {
		http.Error(w, "bad account", http.StatusBadRequest)
		return
	}
	n, _ := strconv.Atoi(r.URL.Query().Get("lines"))
	if n <= 0 || n > 20000 {
		n = 50
	}
	fmt.Fprintf(w, "{\"account\":%d,\"crc\":%d}\n", account, p.render(account, n))
}

// printShop requests statements of retail accounts (a few dozen lines) and, now and then,
// of a business account with thousands of bookings.
func printShop(base string, worker int) {
	client := &http.Client{Timeout: 10 * time.Second}
	rng := rand.New(rand.NewSource(int64(31 + worker)))
	for {
		lines := 20 + rng.Intn(80)
		if rng.Intn(40) == 0 {
			lines = 1000 + rng.Intn(7000)
		}
		url := fmt.Sprintf("%s/v1/statement?account=%d&lines=%d", base, 1e6+rng.Intn(1e6), lines)
		if resp, err := client.Get(url); err != nil {
			log.Printf("print shop: %v", err)
		} else {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		time.Sleep(25 * time.Millisecond)
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	debug.SetGCPercent(400)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	p := &Printer{}
	http.HandleFunc("/v1/statement", p.handleStatement)
	go func() {
		for range time.Tick(15 * time.Second) {
			log.Printf("stats: rendered=%d", p.rendered.Load())
		}
	}()
	for i := 0; i < 4; i++ {
		go printShop("http://"+*addr, i)
	}
	log.Printf("statements: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
