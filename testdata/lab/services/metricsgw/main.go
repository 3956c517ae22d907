// metricsgw: the metrics gateway the hosts' agents push their samples to (POST /v1/push, one
// "name value timestamp" sample a line). Samples go into a bounded buffer that a flusher
// writes to the time-series store in batches. When the store is slow the buffer fills and the
// push handlers wait on the buffer's "not full" condition (a sync.Cond) until the flusher has
// made room: back-pressure that slows the agents down instead of dropping their samples or
// letting the buffer grow without bound. The store compacts now and then and is slow for a
// few seconds.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand"
	"net/http"
	_ "net/http/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type sample struct {
	name  string
	value float64
	ts    int64
}

// sampleBuffer is a bounded FIFO of samples; push waits while it is full.
type sampleBuffer struct {
	mu       sync.Mutex
	notFull  *sync.Cond
	notEmpty *sync.Cond
	buf      []sample
	limit    int
}

func newSampleBuffer(limit int) *sampleBuffer {
	b := &sampleBuffer{limit: limit}
	b.notFull = sync.NewCond(&b.mu)
	b.notEmpty = sync.NewCond(&b.mu)
	return b
}

func (b *sampleBuffer) push(s []sample) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for len(s) > 0 {
		for len(b.buf) >= b.limit {
			b.notFull.Wait()
		}
		n := b.limit - len(b.buf)
		if n > len(s) {
			n = len(s)
		}
		b.buf = append(b.buf, s[:n]...)
		s = s[n:]
		b.notEmpty.Signal()
	}
}

// take removes up to max samples, waiting while there are none.
func (b *sampleBuffer) take(max int) []sample {
	b.mu.Lock()
	defer b.mu.Unlock()
	for len(b.buf) == 0 {
		b.notEmpty.Wait()
	}
	if max > len(b.buf) {
		max = len(b.buf)
	}
	out := make([]sample, max)
	copy(out, b.buf)
	b.buf = append(b.buf[:0], b.buf[max:]...)
	b.notFull.Broadcast()
	return out
}

type gateway struct {
	buf      *sampleBuffer
	received atomic.Int64
	written  atomic.Int64
	batches  atomic.Int64
	slowTill atomic.Int64
}

// flush writes batches to the store: ~1 ms per 20 samples, much slower while it compacts.
func (g *gateway) flush() {
	for {
		batch := g.buf.take(4000)
		d := time.Duration(len(batch)/20+rand.Intn(80)) * time.Millisecond
		if time.Now().UnixNano() < g.slowTill.Load() {
			d *= 8
		}
		time.Sleep(d)
		g.written.Add(int64(len(batch)))
		g.batches.Add(1)
	}
}

// compactions plays the store's compactions: every 10-25 s it is slow for 3-8 s.
func (g *gateway) compactions() {
	for {
		time.Sleep(time.Duration(10+rand.Intn(15)) * time.Second)
		g.slowTill.Store(time.Now().Add(time.Duration(3000+rand.Intn(5000)) * time.Millisecond).UnixNano())
	}
}

func (g *gateway) handlePush(w http.ResponseWriter, r *http.Request) {
	var batch []sample
	sc := bufio.NewScanner(r.Body)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 3 {
			continue
		}
		v, err1 := strconv.ParseFloat(f[1], 64)
		ts, err2 := strconv.ParseInt(f[2], 10, 64)
		if err1 != nil || err2 != nil {
			continue
		}
		batch = append(batch, sample{name: f[0], value: v, ts: ts})
	}
	g.buf.push(batch)
	g.received.Add(int64(len(batch)))
	w.WriteHeader(http.StatusAccepted)
}

// agents plays the hosts' agents: each pushes 40-200 samples every few hundred ms.
func agents(base string, n int) {
	client := &http.Client{Timeout: 30 * time.Second}
	metrics := []string{"cpu.user", "cpu.system", "mem.rss", "disk.io.read", "disk.io.write", "net.rx", "net.tx", "http.requests", "http.latency.p99"}
	for i := 0; i < n; i++ {
		host := fmt.Sprintf("web-%03d", i)
		go func() {
			var body bytes.Buffer
			for {
				body.Reset()
				now := time.Now().Unix()
				for k := 40 + rand.Intn(160); k > 0; k-- {
					fmt.Fprintf(&body, "%s.%s %.3f %d\n", host, metrics[rand.Intn(len(metrics))], rand.Float64()*100, now)
				}
				if resp, err := client.Post(base+"/v1/push", "text/plain", &body); err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				time.Sleep(time.Duration(250+rand.Intn(400)) * time.Millisecond)
			}
		}()
	}
}

func (g *gateway) report(every time.Duration) {
	for range time.Tick(every) {
		g.buf.mu.Lock()
		n := len(g.buf.buf)
		g.buf.mu.Unlock()
		log.Printf("metricsgw: %d samples received, %d written in %d batches, %d buffered", g.received.Load(), g.written.Load(), g.batches.Load(), n)
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	g := &gateway{buf: newSampleBuffer(6000)}
	go g.flush()
	go g.compactions()
	http.HandleFunc("/v1/push", g.handlePush)
	go agents("http://"+*addr, 45)
	go g.report(20 * time.Second)
	log.Printf("metricsgw: listening on %s", *addr)
	srv := &http.Server{Addr: *addr, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
