// exports serves CSV exports of the order history to the back office. An export's
// context carries its spec, so the row hooks (currency formatting, masking of personal
// data) read the tenant's settings from it, and derives from the service's lifetime
// context, so a shutdown aborts every running export at once.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"strings"
	"sync/atomic"
	"time"
)

// exportSpec is what the back office asked for.
type exportSpec struct {
	Tenant    string            `json:"tenant"`
	Columns   []string          `json:"columns"`
	Filter    map[string]string `json:"filter"`
	Currency  string            `json:"currency"`
	Mask      []string          `json:"mask"`
	Header    string            `json:"header"` // the tenant's letterhead, rendered above the rows
	requested time.Time
}

type specKey struct{}

// lifetime is cancelled at shutdown; every export's context derives from it.
var lifetime, shutdown = context.WithCancel(context.Background())

// exportJob is one export being prepared or written.
type exportJob struct {
	spec   *exportSpec
	ctx    context.Context
	cancel context.CancelFunc
	rows   int
}

var served, counted atomic.Int64

func startExport(spec *exportSpec) *exportJob {
	spec.requested = time.Now()
	ctx, cancel := context.WithCancel(context.WithValue(lifetime, specKey{}, spec))
	return &exportJob{spec: spec, ctx: ctx, cancel: cancel}
}

// finish releases the job's context once its file is written.
func (j *exportJob) finish() { j.cancel() }

// matchingRows stands in for the order-history query: how many rows the filter selects.
func matchingRows(ctx context.Context) int {
	spec := ctx.Value(specKey{}).(*exportSpec)
	n := 40
	for k, v := range spec.Filter {
		n += len(k) - len(v)
	}
	if n < 0 {
		n = 0
	}
	return n
}

// writeRows writes the CSV; the hooks read the spec from the context.
func writeRows(ctx context.Context, w io.Writer, rows int) error {
	spec := ctx.Value(specKey{}).(*exportSpec)
	io.WriteString(w, spec.Header)
	io.WriteString(w, strings.Join(spec.Columns, ",")+"\n")
	for i := 0; i < rows; i++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		fmt.Fprintf(w, "%s,%d,%.2f %s\n", spec.Tenant, 100000+i, float64(i)*1.25, spec.Currency)
	}
	return nil
}

// handleExport answers ?count=1 with the number of rows (the back office shows it before
// the download starts) and otherwise writes the CSV.
func handleExport(w http.ResponseWriter, r *http.Request) {
	spec := &exportSpec{}
	if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(spec); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	job := startExport(spec)
	job.rows = matchingRows(job.ctx)
	if r.URL.Query().Get("count") == "1" {
		counted.Add(1)
		fmt.Fprintf(w, "{\"rows\":%d}\n", job.rows)
		return
	}
	w.Header().Set("Content-Type", "text/csv")
	if err := writeRows(job.ctx, w, job.rows); err != nil {
		log.Printf("export %s: %v", spec.Tenant, err)
	}
	job.finish()
	served.Add(1)
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	defer shutdown()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("/v1/exports", handleExport)
	go backOffice("http://" + *addr)
	log.Printf("exports: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}

var tenants = []string{"acme-retail", "nordwind", "bluefin-foods", "kasimir-gmbh", "oakline"}
var columns = []string{"order_id", "placed_at", "customer", "email", "street", "city", "zip",
	"country", "sku", "qty", "net", "vat", "gross", "currency", "carrier", "tracking"}

// backOffice plays the accountants: each opens the export dialog (which asks for the row
// count) and one time in four goes on to download the file.
func backOffice(base string) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(7))
	for n := 1; ; n++ {
		t := tenants[rng.Intn(len(tenants))]
		spec := exportSpec{Tenant: t, Columns: columns[:4+rng.Intn(12)], Currency: "EUR",
			Filter: map[string]string{"from": "2024-01-01", "to": "2024-03-31", "status": "shipped"},
			Mask:   []string{"email", "street"},
			Header: strings.Repeat(fmt.Sprintf("# %s order history, exported for the quarterly audit\n", t), 36+rng.Intn(12))}
		body, _ := json.Marshal(spec)
		url := base + "/v1/exports"
		if rng.Intn(4) != 0 {
			url += "?count=1"
		}
		resp, err := client.Post(url, "application/json", strings.NewReader(string(body)))
		if err != nil {
			log.Printf("back office: %v", err)
		} else {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		if n%2000 == 0 {
			log.Printf("back office: %d requests (%d counted, %d exported)", n, counted.Load(), served.Load())
		}
		time.Sleep(2 * time.Millisecond)
	}
}
