// receipts issues payment receipts for the point-of-sale terminals of the merchants it
// serves: POST /v1/receipts renders a receipt (the merchant's letterhead, the items, the card
// slip) and answers it for the terminal's printer, and keeps it for the merchant dashboard's
// "recent receipts" page, GET /v1/merchants/ID/recent. A janitor keeps the last 40 receipts
// of every merchant in the registry.
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
	"sync"
	"time"
)

type merchant struct {
	ID         string
	Name       string
	Letterhead string
	Terms      string // returns and loyalty terms, printed under every receipt
}

// registry is the merchants this service issues receipts for, by their canonical id.
type registry struct {
	byID map[string]*merchant
}

func newRegistry(n int) *registry {
	reg := &registry{byID: map[string]*merchant{}}
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("mer-%05d", 10200+i*7)
		reg.byID[id] = &merchant{ID: id, Name: fmt.Sprintf("Corner Shop %d", i),
			Letterhead: strings.Repeat(fmt.Sprintf("Corner Shop %d * %d Market Street * VAT NL%09d * ", i, 10+i, 800000000+i*131), 6),
			Terms:      strings.Repeat(fmt.Sprintf("Goods may be returned within %d days with this receipt. Loyalty members earn %d points per euro; points expire after 12 months. ", 14+i%3*7, 1+i%4), 9)}
	}
	return reg
}

// lookup finds a merchant whatever case the terminal sends its id in.
func (reg *registry) lookup(id string) *merchant {
	return reg.byID[strings.ToLower(id)]
}

type receipt struct {
	ID       string
	Merchant string
	Issued   time.Time
	Cents    int64
	Card     string
	Rendered []byte
}

// recentIndex keeps each merchant's receipts, oldest first, for the dashboard.
type recentIndex struct {
	mu         sync.Mutex
	byMerchant map[string][]*receipt
}

func (ix *recentIndex) add(r *receipt) {
	ix.mu.Lock()
	ix.byMerchant[r.Merchant] = append(ix.byMerchant[r.Merchant], r)
	ix.mu.Unlock()
}

func (ix *recentIndex) recent(id string, n int) []*receipt {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	list := ix.byMerchant[id]
	if len(list) > n {
		list = list[len(list)-n:]
	}
	return append([]*receipt(nil), list...)
}

// trim keeps the last keep receipts of the merchant, in a fresh array so the old one goes.
func (ix *recentIndex) trim(id string, keep int) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if list := ix.byMerchant[id]; len(list) > keep {
		ix.byMerchant[id] = append(make([]*receipt, 0, keep+keep/2), list[len(list)-keep:]...)
	}
}

type receiptServer struct {
	reg    *registry
	recent *recentIndex
	mu     sync.Mutex
	seq    int
}

type saleRequest struct {
	Merchant string `json:"merchant"`
	Terminal string `json:"terminal"`
	Card     string `json:"card"`
	Items    []struct {
		Name  string `json:"name"`
		Qty   int    `json:"qty"`
		Cents int64  `json:"cents"`
	} `json:"items"`
}

func (s *receiptServer) handleIssue(w http.ResponseWriter, r *http.Request) {
	var sale saleRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&sale); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	m := s.reg.lookup(sale.Merchant)
	if m == nil {
		http.Error(w, "unknown merchant", http.StatusNotFound)
		return
	}
	s.mu.Lock()
	s.seq++
	id := fmt.Sprintf("R%08d", s.seq)
	s.mu.Unlock()
	rc := &receipt{ID: id, Merchant: sale.Merchant, Issued: time.Now(), Card: sale.Card}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n%s\nReceipt %s  Terminal %s  %s\n\n", m.Name, m.Letterhead, id, sale.Terminal, rc.Issued.Format(time.RFC3339))
	for _, it := range sale.Items {
		sum := int64(it.Qty) * it.Cents
		rc.Cents += sum
		fmt.Fprintf(&b, "%-40s %3d x %8.2f %10.2f\n", it.Name, it.Qty, float64(it.Cents)/100, float64(sum)/100)
	}
	fmt.Fprintf(&b, "\nTOTAL %.2f EUR\nCard **** **** **** %s  APPROVED\nThank you for shopping at %s\n%s\n", float64(rc.Cents)/100, sale.Card, m.Name, m.Terms)
	rc.Rendered = b.Bytes()
	s.recent.add(rc)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write(rc.Rendered)
}

func (s *receiptServer) handleRecent(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/v1/merchants/"), "/recent")
	if s.reg.lookup(id) == nil {
		http.NotFound(w, r)
		return
	}
	for _, rc := range s.recent.recent(id, 20) {
		fmt.Fprintf(w, "%s %s %.2f\n", rc.ID, rc.Issued.Format(time.RFC3339), float64(rc.Cents)/100)
	}
}

// janitor trims every registered merchant's receipts to the last keep, now and then.
func (s *receiptServer) janitor(every time.Duration, keep int) {
	for range time.Tick(every) {
		for id := range s.reg.byID {
			s.recent.trim(id, keep)
		}
	}
}

var goods = []string{"Espresso beans 1 kg", "Oat milk 1 l", "Croissant", "Sparkling water 6x1.5 l",
	"Tomatoes on the vine 500 g", "Aged gouda 250 g", "Sourdough loaf", "Dish soap 750 ml", "Bananas 1 kg",
	"Dark chocolate 72%", "Olive oil extra virgin 0.75 l", "Free-range eggs 10"}

// terminal plays a shop's till. Two vendors' tills are in use: one sends the merchant id as
// the registry has it, the other in upper case, as printed on the merchant's contract.
func terminal(base string, n int, ids []string) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(int64(n) + 17))
	for {
		id := ids[rng.Intn(len(ids))]
		if n%3 == 0 {
			id = strings.ToUpper(id)
		}
		sale := saleRequest{Merchant: id, Terminal: fmt.Sprintf("T-%02d", n), Card: fmt.Sprintf("%04d", rng.Intn(10000))}
		for k := 3 + rng.Intn(14); k > 0; k-- {
			sale.Items = append(sale.Items, struct {
				Name  string `json:"name"`
				Qty   int    `json:"qty"`
				Cents int64  `json:"cents"`
			}{goods[rng.Intn(len(goods))], 1 + rng.Intn(4), int64(89 + rng.Intn(1500))})
		}
		body, _ := json.Marshal(sale)
		resp, err := client.Post(base+"/v1/receipts", "application/json", bytes.NewReader(body))
		if err != nil {
			log.Printf("terminal %d: %v", n, err)
			time.Sleep(time.Second)
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		time.Sleep(time.Duration(100+rng.Intn(100)) * time.Millisecond)
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
	s := &receiptServer{reg: newRegistry(60), recent: &recentIndex{byMerchant: map[string][]*receipt{}}}
	http.HandleFunc("/v1/receipts", s.handleIssue)
	http.HandleFunc("/v1/merchants/", s.handleRecent)
	go s.janitor(2*time.Second, 40)
	var ids []string
	for id := range s.reg.byID {
		ids = append(ids, id)
	}
	for i := 0; i < 6; i++ {
		go terminal("http://"+*addr, i, ids)
	}
	log.Printf("receipts: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
