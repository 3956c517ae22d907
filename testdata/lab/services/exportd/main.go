// exportd: CSV exports of the order history for the analytics team's BI tools. An export can
// be hundreds of megabytes, so it is never built in memory: the handler starts a writer that
// pages through the warehouse and writes the rows into an io.Pipe, and copies the pipe's other
// end into the response as the client reads it. A BI tool reads at its own pace, so most of
// the time the writer waits in the pipe's Write until the handler has sent the last chunk on.
package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"strconv"
	"sync/atomic"
	"time"
)

type order struct {
	id       int64
	customer int
	sku      string
	qty      int
	cents    int64
	placed   time.Time
}

// warehouse stands in for the analytics warehouse: a page of rows takes 20-80 ms.
type warehouse struct{ queries atomic.Int64 }

func (w *warehouse) page(ctx context.Context, from int64, n int) ([]order, error) {
	w.queries.Add(1)
	select {
	case <-time.After(time.Duration(20+rand.Intn(60)) * time.Millisecond):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	rows := make([]order, n)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range rows {
		id := from + int64(i)
		rows[i] = order{id: id, customer: int(id*7919) % 50000, sku: "SKU-" + strconv.Itoa(int(id%9000)),
			qty: 1 + int(id%5), cents: 199 + id%40000, placed: base.Add(time.Duration(id) * time.Minute)}
	}
	return rows, nil
}

type exporter struct {
	wh      *warehouse
	running atomic.Int64
	done    atomic.Int64
	bytes   atomic.Int64
}

// writeRows pages through the orders of the export and writes them as CSV into the pipe; the
// pipe's Write returns once the handler has taken the chunk, so the writer goes at the
// client's pace. A client that goes away fails the handler's copy, which closes the reader,
// and the next Write returns io.ErrClosedPipe.
func (e *exporter) writeRows(ctx context.Context, pw *io.PipeWriter, rows int64) {
	cw := csv.NewWriter(bufio.NewWriterSize(pw, 32<<10))
	cw.Write([]string{"order_id", "customer", "sku", "qty", "amount", "placed_at"})
	var err error
	for from := int64(0); from < rows && err == nil; from += 500 {
		var page []order
		page, err = e.wh.page(ctx, from, 500)
		for _, o := range page {
			cw.Write([]string{strconv.FormatInt(o.id, 10), strconv.Itoa(o.customer), o.sku, strconv.Itoa(o.qty),
				fmt.Sprintf("%d.%02d", o.cents/100, o.cents%100), o.placed.Format(time.RFC3339)})
		}
		cw.Flush()
		if err == nil {
			err = cw.Error()
		}
	}
	pw.CloseWithError(err)
}

func (e *exporter) handleExport(w http.ResponseWriter, r *http.Request) {
	rows, err := strconv.ParseInt(r.URL.Query().Get("rows"), 10, 64)
	if err != nil || rows <= 0 {
		http.Error(w, "rows: want a positive number", http.StatusBadRequest)
		return
	}
	e.running.Add(1)
	defer e.running.Add(-1)
	pr, pw := io.Pipe()
	defer pr.Close() // a failed copy unblocks the writer
	go e.writeRows(r.Context(), pw, rows)
	w.Header().Set("Content-Type", "text/csv")
	n, err := io.Copy(w, pr)
	e.bytes.Add(n)
	if err != nil {
		log.Printf("exportd: export of %d rows stopped after %d bytes: %v", rows, n, err)
		return
	}
	e.done.Add(1)
}

// biTool is one of the analytics team's scheduled extracts: it asks for an export and reads
// it at the pace its loader inserts rows (a 16 KiB read every 40-120 ms), then waits for its
// next schedule.
func biTool(base string, client *http.Client) {
	time.Sleep(time.Duration(rand.Intn(15000)) * time.Millisecond)
	buf := make([]byte, 16<<10)
	for {
		rows := 20000 + rand.Intn(180000)
		resp, err := client.Get(fmt.Sprintf("%s/v1/exports/orders.csv?rows=%d", base, rows))
		if err == nil {
			pause := time.Duration(40+rand.Intn(80)) * time.Millisecond
			for {
				if _, err := resp.Body.Read(buf); err != nil {
					break
				}
				time.Sleep(pause)
			}
			resp.Body.Close()
		}
		time.Sleep(time.Duration(2000+rand.Intn(8000)) * time.Millisecond)
	}
}

func (e *exporter) report(every time.Duration) {
	for range time.Tick(every) {
		log.Printf("exportd: %d exports running, %d done, %d MB sent, %d warehouse pages",
			e.running.Load(), e.done.Load(), e.bytes.Load()>>20, e.wh.queries.Load())
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	e := &exporter{wh: &warehouse{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/exports/orders.csv", e.handleExport)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	// Small socket buffers, as across the data centre's links: the response moves at the
	// reader's pace rather than into the kernel.
	api := &http.Server{Handler: mux, ConnContext: func(ctx context.Context, c net.Conn) context.Context {
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetWriteBuffer(64 << 10)
		}
		return ctx
	}}
	go api.Serve(ln)
	dial := &net.Dialer{Timeout: 5 * time.Second}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, DialContext: func(ctx context.Context, network, a string) (net.Conn, error) {
		c, err := dial.DialContext(ctx, network, a)
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetReadBuffer(64 << 10)
		}
		return c, err
	}}}
	for i := 0; i < 40; i++ {
		go biTool("http://"+ln.Addr().String(), client)
	}
	go e.report(20 * time.Second)
	log.Printf("exportd: exports on %s, listening on %s", ln.Addr(), *addr)
	log.Fatal(http.ListenAndServe(*addr, nil))
}
