// tickerd is a broker's market-data feed for its trading terminals: a line protocol over
// TCP. A terminal connects, sends "SUBSCRIBE <venue>", gets a snapshot of the whole book
// (every instrument's last quote, a few hundred KB) and then the updates as they come.
// The HTTP side serves /v1/stats and the debug endpoints. Each terminal's socket has a
// bounded kernel send buffer (SetWriteBuffer), so that thousands of terminals cannot take
// the host's memory; a terminal too slow for the updates is dropped by the broadcaster.
package main

import (
	"bufio"
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

type quote struct {
	symbol   string
	bid, ask float64
	bidSize  int
	askSize  int
	last     float64
	volume   int64
	at       time.Time
}

// book holds every instrument's last quote; the market goroutine updates it.
type book struct {
	mu     sync.RWMutex
	quotes []quote
	seq    uint64
}

type subscriber struct {
	venue   string
	updates chan []byte
}

type feed struct {
	bk        *book
	mu        sync.Mutex
	subs      map[*subscriber]struct{}
	sessions  int64
	snapshots int64
	dropped   int64
}

func formatQuote(b []byte, q *quote) []byte {
	b = append(b, "Q "...)
	b = append(b, q.symbol...)
	b = append(b, ' ')
	b = strconv.AppendFloat(b, q.bid, 'f', 4, 64)
	b = append(b, ' ')
	b = strconv.AppendFloat(b, q.ask, 'f', 4, 64)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(q.bidSize), 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(q.askSize), 10)
	b = append(b, ' ')
	b = strconv.AppendFloat(b, q.last, 'f', 4, 64)
	b = append(b, ' ')
	b = strconv.AppendInt(b, q.volume, 10)
	b = append(b, ' ')
	b = q.at.AppendFormat(b, time.RFC3339Nano)
	return append(b, '\n')
}

// writeSnapshot sends the whole book, a chunk of instruments at a time, so that the book's
// lock is never held while writing to the terminal.
func (f *feed) writeSnapshot(c net.Conn) error {
	buf := make([]byte, 0, 16<<10)
	f.bk.mu.RLock()
	n := len(f.bk.quotes)
	f.bk.mu.RUnlock()
	for i := 0; i < n; i += 128 {
		buf = buf[:0]
		f.bk.mu.RLock()
		for j := i; j < i+128 && j < n; j++ {
			buf = formatQuote(buf, &f.bk.quotes[j])
		}
		f.bk.mu.RUnlock()
		if _, err := c.Write(buf); err != nil {
			return err
		}
	}
	_, err := io.WriteString(c, "END\n")
	atomic.AddInt64(&f.snapshots, 1)
	return err
}

func (f *feed) serve(c net.Conn) {
	defer c.Close()
	atomic.AddInt64(&f.sessions, 1)
	defer atomic.AddInt64(&f.sessions, -1)
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetWriteBuffer(32 << 10)
	}
	r := bufio.NewReader(c)
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	line, err := r.ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "SUBSCRIBE ") {
		return
	}
	c.SetReadDeadline(time.Time{})
	sub := &subscriber{venue: strings.TrimSpace(line[10:]), updates: make(chan []byte, 256)}
	f.mu.Lock()
	f.subs[sub] = struct{}{}
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		delete(f.subs, sub)
		f.mu.Unlock()
	}()
	if err := f.writeSnapshot(c); err != nil {
		return
	}
	// the terminal closes its side when it leaves: a read returns then
	gone := make(chan struct{})
	go func() {
		io.Copy(io.Discard, r)
		close(gone)
	}()
	w := bufio.NewWriterSize(c, 8<<10)
	for {
		select {
		case u, ok := <-sub.updates:
			if !ok {
				return
			}
			w.Write(u)
			if len(sub.updates) == 0 {
				if err := w.Flush(); err != nil {
					return
				}
			}
		case <-gone:
			return
		}
	}
}

// broadcast gives an update to every subscriber; one too slow to keep up is dropped.
func (f *feed) broadcast(u []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for s := range f.subs {
		select {
		case s.updates <- u:
		default:
			close(s.updates)
			delete(f.subs, s)
			atomic.AddInt64(&f.dropped, 1)
		}
	}
}

// market plays the exchange gateway: quotes change a few hundred times a second.
func (f *feed) market() {
	rng := rand.New(rand.NewSource(7))
	var b []byte
	for {
		time.Sleep(5 * time.Millisecond)
		for k := 0; k < 3; k++ {
			f.bk.mu.Lock()
			q := &f.bk.quotes[rng.Intn(len(f.bk.quotes))]
			mid := (q.bid + q.ask) / 2 * (1 + (rng.Float64()-0.5)/500)
			q.bid, q.ask = mid-0.01, mid+0.01
			q.bidSize, q.askSize = 100*(1+rng.Intn(50)), 100*(1+rng.Intn(50))
			q.last = mid
			q.volume += int64(100 * rng.Intn(20))
			q.at = time.Now()
			f.bk.seq++
			b = formatQuote(make([]byte, 0, 96), q)
			f.bk.mu.Unlock()
			f.broadcast(b)
		}
	}
}

func (f *feed) acceptLoop(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			log.Print(err)
			continue
		}
		go f.serve(c)
	}
}

func (f *feed) handleStats(rw http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	subs := len(f.subs)
	f.mu.Unlock()
	fmt.Fprintf(rw, "sessions %d, subscribers %d, snapshots %d, dropped %d\n",
		atomic.LoadInt64(&f.sessions), subs, atomic.LoadInt64(&f.snapshots), atomic.LoadInt64(&f.dropped))
}

// terminal plays a trader's desk: it subscribes, reads the snapshot and the updates for a
// while, then leaves (the trader switches venue or closes the window).
func terminal(addr string, n int) {
	rng := rand.New(rand.NewSource(int64(n)))
	for {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			time.Sleep(time.Second)
			continue
		}
		fmt.Fprintf(c, "SUBSCRIBE %s\n", []string{"XNAS", "XNYS", "ARCX"}[rng.Intn(3)])
		r := bufio.NewReaderSize(c, 32<<10)
		c.SetReadDeadline(time.Now().Add(time.Duration(2+rng.Intn(4)) * time.Second))
		for {
			if _, err := r.ReadSlice('\n'); err != nil && err != bufio.ErrBufferFull {
				break
			}
		}
		c.Close()
		time.Sleep(time.Duration(200+rng.Intn(400)) * time.Millisecond)
	}
}

// kioskTerminal plays the lobby displays' build 2.3: its reader starts only once the display
// has logged in, and the kiosks' login fails since the accounts were rotated; the display
// retries with a new connection every 500 ms and keeps the old ones open.
func kioskTerminal(addr string) {
	var open []net.Conn
	for {
		if c, err := net.Dial("tcp", addr); err == nil {
			fmt.Fprintf(c, "SUBSCRIBE XNYS\n")
			open = append(open, c)
		}
		time.Sleep(500 * time.Millisecond)
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
	feedLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	bk := &book{quotes: make([]quote, 4000)}
	for i := range bk.quotes {
		p := 10 + float64(i%400)
		bk.quotes[i] = quote{symbol: fmt.Sprintf("SYM%04d.%s", i, []string{"N", "Q", "P"}[i%3]),
			bid: p - 0.01, ask: p + 0.01, bidSize: 100, askSize: 100, last: p, at: time.Now()}
	}
	f := &feed{bk: bk, subs: map[*subscriber]struct{}{}}
	go f.market()
	go f.acceptLoop(feedLn)
	http.HandleFunc("/v1/stats", f.handleStats)
	for i := 0; i < 6; i++ {
		go terminal(feedLn.Addr().String(), i)
	}
	go kioskTerminal(feedLn.Addr().String())
	log.Printf("tickerd: listening on %s, feed on %s", *addr, feedLn.Addr())
	log.Fatal(http.Serve(ln, nil))
}
