// invoices: billing's invoice export. A customer's invoices are streamed as CSV through an
// io.Pipe: a goroutine writes the rows while the reader side feeds the response. The
// preview page shows the first rows of the same export.
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
	"strings"
	"sync"
	"time"
)

type invoice struct {
	number string
	amount int
	due    time.Time
}

type invoiceService struct {
	mu        sync.Mutex
	customers map[int][]invoice
	previews  int
	exports   int
}

func newInvoiceService() *invoiceService {
	s := &invoiceService{customers: map[int][]invoice{}}
	for c := 0; c < 500; c++ {
		n := 3 + rand.Intn(7)
		if c%3 == 0 {
			n = 30 + rand.Intn(200) // the large accounts
		}
		invs := make([]invoice, n)
		for i := range invs {
			invs[i] = invoice{fmt.Sprintf("INV-%d-%04d", c, i), 1000 + rand.Intn(90000), time.Now().AddDate(0, 0, rand.Intn(60))}
		}
		s.customers[c] = invs
	}
	return s
}

// writeRows streams the customer's invoices as CSV into w and closes it.
func (s *invoiceService) writeRows(pw *io.PipeWriter, customer int) {
	s.mu.Lock()
	invs := s.customers[customer]
	s.mu.Unlock()
	fmt.Fprintf(pw, "number,amount,due\n")
	for _, inv := range invs {
		if _, err := fmt.Fprintf(pw, "%s,%d.%02d,%s\n", inv.number, inv.amount/100, inv.amount%100, inv.due.Format("2006-01-02")); err != nil {
			return
		}
	}
	pw.Close()
}

func (s *invoiceService) export(customer int) *io.PipeReader {
	pr, pw := io.Pipe()
	go s.writeRows(pw, customer)
	return pr
}

func (s *invoiceService) handleExport(w http.ResponseWriter, r *http.Request) {
	var customer int
	fmt.Sscanf(r.URL.Query().Get("customer"), "%d", &customer)
	pr := s.export(customer)
	defer pr.Close()
	w.Header().Set("Content-Type", "text/csv")
	io.Copy(w, pr)
	s.mu.Lock()
	s.exports++
	s.mu.Unlock()
}

// handlePreview shows the first ten invoices of the export.
func (s *invoiceService) handlePreview(w http.ResponseWriter, r *http.Request) {
	var customer int
	fmt.Sscanf(r.URL.Query().Get("customer"), "%d", &customer)
	sc := bufio.NewScanner(s.export(customer))
	var rows []string
	for len(rows) < 11 && sc.Scan() {
		rows = append(rows, sc.Text())
	}
	fmt.Fprintf(w, "<table>%s</table>\n", strings.Join(rows, "<br>"))
	s.mu.Lock()
	s.previews++
	s.mu.Unlock()
}

// clerks open previews and now and then download a full export; 700 requests in all.
func clerks(base string) {
	client := &http.Client{Timeout: 5 * time.Second}
	for n := 0; n < 700; n++ {
		path := "/invoices/preview"
		if n%5 == 0 {
			path = "/invoices/export"
		}
		resp, err := client.Get(fmt.Sprintf("%s%s?customer=%d", base, path, rand.Intn(500)))
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		time.Sleep(time.Duration(150+rand.Intn(200)) * time.Millisecond)
	}
	log.Printf("invoices: clerks done")
}

func (s *invoiceService) report(every time.Duration) {
	for range time.Tick(every) {
		s.mu.Lock()
		log.Printf("invoices: %d previews, %d exports", s.previews, s.exports)
		s.mu.Unlock()
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
	s := newInvoiceService()
	http.HandleFunc("/invoices/export", s.handleExport)
	http.HandleFunc("/invoices/preview", s.handlePreview)
	go clerks("http://" + *addr)
	go s.report(20 * time.Second)
	log.Printf("invoices: listening on %s", *addr)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
