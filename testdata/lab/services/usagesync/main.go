// usagesync exports each tenant's metered usage to the tenant's bucket in the object store
// every few minutes, as CSV, for the tenants' own billing pipelines. An export streams:
// a goroutine writes the tenant's usage rows through an encoding/csv.Writer into an
// io.Pipe, and the uploader reads the pipe in 16 KiB parts and PUTs each part to the
// store (a multipart upload: /upload/<id>/part/<n>, then /upload/<id>/complete). When the
// store refuses a part (a tenant over its bucket quota: 507) the uploader aborts the
// upload and returns the error, but it never closes the pipe's reader, so the writer
// goroutine, in the middle of its rows, waits for good inside csv/bufio/io.Pipe's Write
// for a reader that is gone. HTTP serves /exports and /debug/pprof.
package main

import (
	"bytes"
	"encoding/csv"
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
	"time"
)

type usageRow struct {
	tenant   string
	meter    string
	resource string
	at       time.Time
	quantity float64
	unit     string
	region   string
}

// usageTable is the metering pipeline's last hours of rows, all tenants, time order.
type usageTable struct {
	mu   sync.RWMutex
	rows []usageRow
}

func (t *usageTable) add(r usageRow) {
	t.mu.Lock()
	t.rows = append(t.rows, r)
	if len(t.rows) > 12000 {
		t.rows = append(t.rows[:0], t.rows[len(t.rows)-10000:]...)
	}
	t.mu.Unlock()
}

type exporter struct {
	table  *usageTable
	store  string
	client *http.Client
	mu     sync.Mutex
	done   map[string]int
	failed map[string]int
}

// writeRows writes the tenant's rows as CSV into the pipe and closes it with the result.
func (e *exporter) writeRows(pw *io.PipeWriter, tenant string) {
	w := csv.NewWriter(pw)
	w.Write([]string{"tenant", "meter", "resource", "timestamp", "quantity", "unit", "region"})
	e.table.mu.RLock()
	rows := make([]usageRow, 0, 256)
	for _, r := range e.table.rows {
		if r.tenant == tenant {
			rows = append(rows, r)
		}
	}
	e.table.mu.RUnlock()
	for _, r := range rows {
		if err := w.Write([]string{r.tenant, r.meter, r.resource, r.at.UTC().Format(time.RFC3339Nano),
			strconv.FormatFloat(r.quantity, 'f', 6, 64), r.unit, r.region}); err != nil {
			pw.CloseWithError(err)
			return
		}
	}
	w.Flush()
	pw.CloseWithError(w.Error())
}

var errQuota = errors.New("object store: bucket over quota")

// upload reads the pipe in parts and PUTs each to the store.
func (e *exporter) upload(pr *io.PipeReader, tenant, id string) error {
	part := make([]byte, 16<<10)
	for n := 1; ; n++ {
		k, err := io.ReadFull(pr, part)
		if k > 0 {
			url := fmt.Sprintf("%s/upload/%s/part/%d?tenant=%s", e.store, id, n, tenant)
			resp, perr := e.client.Post(url, "text/csv", bytes.NewReader(part[:k]))
			if perr != nil {
				return perr
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusInsufficientStorage {
				e.client.Post(e.store+"/upload/"+id+"/abort", "text/plain", nil)
				return errQuota // the pipe's reader is left open
			}
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return err
		}
	}
	resp, err := e.client.Post(e.store+"/upload/"+id+"/complete", "text/plain", nil)
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

func (e *exporter) export(tenant string, seq int) {
	pr, pw := io.Pipe()
	go e.writeRows(pw, tenant)
	err := e.upload(pr, tenant, fmt.Sprintf("%s-%d", tenant, seq))
	e.mu.Lock()
	if err != nil {
		e.failed[tenant]++
	} else {
		e.done[tenant]++
	}
	e.mu.Unlock()
}

// objectStore stands for the store: it keeps only the parts' sizes and refuses the second
// parts of tenants over their quota.
type objectStore struct {
	mu    sync.Mutex
	bytes map[string]int
	quota map[string]bool
}

func (s *objectStore) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	tenant := r.URL.Query().Get("tenant")
	if strings.Contains(r.URL.Path, "/part/") && s.quota[tenant] {
		http.Error(w, "quota exceeded", http.StatusInsufficientStorage)
		return
	}
	s.mu.Lock()
	s.bytes[tenant] += len(body)
	s.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

func meter(t *usageTable, tenants []string) {
	rng := rand.New(rand.NewSource(3))
	meters := []string{"compute.vcpu_seconds", "storage.gb_hours", "egress.bytes", "api.requests", "queue.messages"}
	regions := []string{"eu-west-1", "eu-central-1", "us-east-1", "ap-southeast-2"}
	units := []string{"s", "GBh", "B", "req", "msg"}
	for range time.Tick(time.Millisecond) {
		for i := 0; i < 4; i++ {
			m := rng.Intn(len(meters))
			t.add(usageRow{tenant: tenants[rng.Intn(len(tenants))], meter: meters[m],
				resource: fmt.Sprintf("arn:res:%s:%06d", regions[rng.Intn(len(regions))], rng.Intn(999999)),
				at: time.Now(), quantity: rng.Float64() * 1000, unit: units[m], region: regions[rng.Intn(len(regions))]})
		}
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	tenants := make([]string, 40)
	store := &objectStore{bytes: map[string]int{}, quota: map[string]bool{}}
	for i := range tenants {
		tenants[i] = fmt.Sprintf("tn-%04d", 1000+i*37)
		store.quota[tenants[i]] = i%5 == 0
	}
	table := &usageTable{}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	e := &exporter{table: table, store: "http://" + ln.Addr().String() + "/store", client: &http.Client{Timeout: 10 * time.Second},
		done: map[string]int{}, failed: map[string]int{}}
	mux := http.NewServeMux()
	mux.Handle("/store/", store)
	mux.HandleFunc("/exports", func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		defer e.mu.Unlock()
		fmt.Fprintf(w, "done %v\nfailed %v\n", e.done, e.failed)
	})
	mux.Handle("/debug/pprof/", http.DefaultServeMux)
	go meter(table, tenants)
	go func() {
		rng := rand.New(rand.NewSource(9))
		for seq := 0; ; seq++ {
			time.Sleep(time.Duration(40+rng.Intn(40)) * time.Millisecond)
			go e.export(tenants[rng.Intn(len(tenants))], seq)
		}
	}()
	log.Printf("usagesync listening")
	log.Fatal(http.Serve(ln, mux))
}
