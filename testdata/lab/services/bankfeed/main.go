// bankfeed reconciles the bank's statement lines with the ledger's payments. The bank
// pushes each booked line over HTTP as soon as it settles; the ledger's payment events
// arrive on their own endpoint. One matcher goroutine pairs them by end-to-end reference
// and keeps a line it cannot pair yet until its payment shows up or the line is older
// than the bank's correction window.
package main

import (
	"bytes"
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

// correctionWindow is how long the bank may still amend a booked line.
const correctionWindow = 72 * time.Hour

// statementLine is one booked line of the bank statement, with the raw record the bank
// sent (kept for the auditors, who want the bytes as received).
type statementLine struct {
	Account   string
	Reference string // end-to-end reference
	Amount    int64  // minor units
	Currency  string
	ValueDate time.Time
	raw       []byte
}

// payment is the ledger's side: a payment order it expects to see on the statement.
type payment struct {
	Reference string
	Amount    int64
}

type reconciler struct {
	lines    chan *statementLine
	payments chan payment
	matched  atomic.Int64
	expired  atomic.Int64
	waiting  atomic.Int64
}

func newReconciler() *reconciler {
	return &reconciler{lines: make(chan *statementLine, 256), payments: make(chan payment, 256)}
}

// normalizeRef brings a reference to the form both sides use.
func normalizeRef(ref string) string {
	return strings.ToUpper(strings.TrimSpace(ref))
}

// run pairs lines with payments. Lines without their payment yet wait in unmatched;
// payments seen before their line wait in expected.
func (rc *reconciler) run() {
	var unmatched []*statementLine
	expected := make(map[string]payment)
	sweep := time.NewTicker(2 * time.Second)
	defer sweep.Stop()
	for {
		select {
		case l := <-rc.lines:
			ref := normalizeRef(l.Reference)
			if p, ok := expected[ref]; ok && p.Amount == l.Amount {
				delete(expected, ref)
				rc.matched.Add(1)
				continue
			}
			unmatched = append(unmatched, l)
		case p := <-rc.payments:
			ref := normalizeRef(p.Reference)
			found := false
			for i, l := range unmatched {
				if normalizeRef(l.Reference) == ref && l.Amount == p.Amount {
					unmatched = append(unmatched[:i], unmatched[i+1:]...)
					rc.matched.Add(1)
					found = true
					break
				}
			}
			if !found {
				expected[ref] = p
			}
		case now := <-sweep.C:
			// drop lines the bank can no longer correct: they go to the manual queue
			kept := unmatched[:0]
			for _, l := range unmatched {
				if now.Sub(l.ValueDate) > correctionWindow {
					rc.expired.Add(1)
					continue
				}
				kept = append(kept, l)
			}
			for i := len(kept); i < len(unmatched); i++ {
				unmatched[i] = nil
			}
			unmatched = kept
			rc.waiting.Store(int64(len(unmatched)))
		}
	}
}

func (rc *reconciler) handleLine(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, 16<<10))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var in struct {
		Account   string `json:"account"`
		Reference string `json:"end_to_end_id"`
		Amount    int64  `json:"amount"`
		Currency  string `json:"currency"`
		ValueDate string `json:"value_date"`
	}
	if err := json.Unmarshal(raw, &in); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	vd, err := time.Parse("2006-01-02", in.ValueDate)
	if err != nil {
		http.Error(w, "bad value_date", http.StatusBadRequest)
		return
	}
	rc.lines <- &statementLine{Account: in.Account, Reference: in.Reference, Amount: in.Amount,
		Currency: in.Currency, ValueDate: vd, raw: raw}
	w.WriteHeader(http.StatusAccepted)
}

func (rc *reconciler) handlePayment(w http.ResponseWriter, r *http.Request) {
	var p payment
	if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rc.payments <- p
	w.WriteHeader(http.StatusAccepted)
}

func (rc *reconciler) handleStatus(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintf(w, "{\"matched\":%d,\"expired\":%d,\"waiting\":%d}\n",
		rc.matched.Load(), rc.expired.Load(), rc.waiting.Load())
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	rc := newReconciler()
	go rc.run()
	http.HandleFunc("/v1/statement-lines", rc.handleLine)
	http.HandleFunc("/v1/payments", rc.handlePayment)
	http.HandleFunc("/v1/status", rc.handleStatus)
	go bank("http://" + *addr)
	log.Printf("bankfeed: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}

// bank plays the bank's push feed and the ledger's payment events. The ledger sends
// each payment's reference as it issued it; the bank prefixes it with its own batch
// identifier ("NOTPROVIDED/" when the payer's bank dropped it), so a pair only matches
// when the payer's bank kept the reference as sent.
func bank(base string) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(29))
	accounts := []string{"DE89370400440532013000", "FR1420041010050500013M02606", "NL91ABNA0417164300",
		"GB29NWBK60161331926819", "ES9121000418450200051332"}
	post := func(path string, v any) {
		body, _ := json.Marshal(v)
		resp, err := client.Post(base+path, "application/json", bytes.NewReader(body))
		if err != nil {
			log.Printf("bank: %v", err)
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	for n := 1; ; n++ {
		ref := fmt.Sprintf("inv-%07d-%04x", n, rng.Intn(1<<16))
		amount := int64(100 + rng.Intn(500000))
		post("/v1/payments", payment{Reference: ref, Amount: amount})
		bankRef := ref
		if rng.Intn(10) != 0 {
			bankRef = fmt.Sprintf("B%06d/%s", n/50, ref)
		}
		remittance := make([]string, 4+rng.Intn(6))
		for i := range remittance {
			remittance[i] = fmt.Sprintf("INV %s LINE %02d QTY %d UNIT %d.%02d EUR", ref, i, 1+rng.Intn(9), rng.Intn(900), rng.Intn(100))
		}
		post("/v1/statement-lines", map[string]any{
			"account": accounts[rng.Intn(len(accounts))], "end_to_end_id": bankRef, "amount": amount,
			"currency": "EUR", "value_date": time.Now().AddDate(0, 0, rng.Intn(3)).Format("2006-01-02"),
			"booking_text": "SEPA CREDIT TRANSFER", "remittance": remittance,
			"debtor": map[string]string{"name": fmt.Sprintf("Customer %d GmbH", rng.Intn(5000)),
				"iban": accounts[rng.Intn(len(accounts))], "bic": "COBADEFFXXX"},
		})
		if n%2000 == 0 {
			log.Printf("bank: pushed %d lines", n)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
