// telemetry: ingests device metrics over HTTP and forwards them in batches. A single
// forwarder goroutine reads samples from a channel and flushes a batch when it is full
// or when no sample arrived for a while.
package main

import (
	"bufio"
	"bytes"
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
	"sync/atomic"
	"time"
)

type Sample struct {
	Device uint32
	Metric string
	Value  float64
	At     int64
}

type Forwarder struct {
	samples   chan Sample
	idleFlush time.Duration
	batch     []Sample
	forwarded atomic.Int64
	flushes   atomic.Int64
}

func (f *Forwarder) flush() {
	if len(f.batch) == 0 {
		return
	}
	var buf bytes.Buffer
	for _, s := range f.batch {
		fmt.Fprintf(&buf, "%d %s %g %d\n", s.Device, s.Metric, s.Value, s.At)
	}
	f.forwarded.Add(int64(len(f.batch)))
	f.flushes.Add(1)
	f.batch = f.batch[:0]
}

// run batches samples: a full batch is sent at once, a partial one after idleFlush
// without new samples.
func (f *Forwarder) run() {
	for {
		select {
		case s := <-f.samples:
			f.batch = append(f.batch, s)
			if len(f.batch) >= 500 {
				f.flush()
			}
		case <-time.After(f.idleFlush):
			f.flush()
		}
	}
}

// handleIngest takes lines "device metric value".
func (f *Forwarder) handleIngest(w http.ResponseWriter, r *http.Request) {
	sc := bufio.NewScanner(io.LimitReader(r.Body, 1<<20))
	now := time.Now().UnixNano()
	n := 0
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 3 {
			continue
		}
		dev, err1 := strconv.ParseUint(fields[0], 10, 32)
		val, err2 := strconv.ParseFloat(fields[2], 64)
		if err1 != nil || err2 != nil {
			continue
		}
		f.samples <- Sample{Device: uint32(dev), Metric: fields[1], Value: val, At: now}
		n++
	}
	fmt.Fprintf(w, "accepted %d\n", n)
}

func (f *Forwarder) report(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for range t.C {
		log.Printf("telemetry: forwarded=%d flushes=%d", f.forwarded.Load(), f.flushes.Load())
	}
}

// devices play the fleet: every 100 ms a device posts a report of 100 samples.
func devices(base string) {
	client := &http.Client{Timeout: 5 * time.Second}
	metrics := []string{"cpu", "mem", "temp", "rssi", "battery"}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for range tick.C {
		var body strings.Builder
		dev := rand.Intn(5000)
		for i := 0; i < 100; i++ {
			fmt.Fprintf(&body, "%d %s %.2f\n", dev, metrics[i%len(metrics)], rand.Float64()*100)
		}
		resp, err := client.Post(base+"/ingest", "text/plain", strings.NewReader(body.String()))
		if err != nil {
			log.Printf("device: %v", err)
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
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
	f := &Forwarder{samples: make(chan Sample, 1024), idleFlush: 5 * time.Minute}
	go f.run()
	http.HandleFunc("/ingest", f.handleIngest)
	go f.report(15 * time.Second)
	go devices("http://" + *addr)
	log.Printf("telemetry: listening on %s", *addr)
	srv := &http.Server{Addr: *addr, IdleTimeout: 2 * time.Minute, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
