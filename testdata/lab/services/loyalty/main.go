// loyalty: the loyalty-points API the tills and the shop app ask at checkout ("how many points
// has this member, and credit this purchase"). The points live in the ledger service, reached
// over net/rpc (gob over TCP): the API keeps three long-lived rpc.Client connections and spreads
// calls over them; each call waits for its reply while the connection's reader goroutine
// delivers replies as they come. The ledger runs each call in its own goroutine and queries its
// database through a pool of six connections, so at busy moments calls queue for a connection.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"net/rpc"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// BalanceArgs asks for a member's balance; AccrueArgs credits a purchase.
type BalanceArgs struct{ Member int }
type AccrueArgs struct {
	Member int
	Cents  int
}
type Points struct {
	Member  int
	Balance int
}

// Ledger is the points ledger's RPC service. Its database is a pool of connections.
type Ledger struct {
	conns    chan struct{}
	mu       sync.Mutex
	balances map[int]int
}

func (l *Ledger) query(d time.Duration) {
	l.conns <- struct{}{}
	time.Sleep(d)
	<-l.conns
}

func (l *Ledger) Balance(args BalanceArgs, reply *Points) error {
	l.query(time.Duration(10+rand.Intn(200)) * time.Millisecond)
	l.mu.Lock()
	reply.Member, reply.Balance = args.Member, l.balances[args.Member]
	l.mu.Unlock()
	return nil
}

func (l *Ledger) Accrue(args AccrueArgs, reply *Points) error {
	if args.Cents <= 0 {
		return errors.New("nothing to accrue")
	}
	// an accrual writes the journal and the balance: two statements
	l.query(time.Duration(30+rand.Intn(300)) * time.Millisecond)
	l.query(time.Duration(10+rand.Intn(100)) * time.Millisecond)
	l.mu.Lock()
	l.balances[args.Member] += args.Cents / 100
	reply.Member, reply.Balance = args.Member, l.balances[args.Member]
	l.mu.Unlock()
	return nil
}

// monthEnd plays the ledger's statement batch: now and then it holds most database
// connections for a few seconds, and the API's calls wait their turn meanwhile.
func (l *Ledger) monthEnd() {
	for {
		time.Sleep(time.Duration(15+rand.Intn(25)) * time.Second)
		var wg sync.WaitGroup
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				l.query(time.Duration(2000+rand.Intn(3000)) * time.Millisecond)
			}()
		}
		wg.Wait()
	}
}

func serveLedger(l *Ledger) (string, error) {
	srv := rpc.NewServer()
	if err := srv.Register(l); err != nil {
		return "", err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	go srv.Accept(ln)
	return ln.Addr().String(), nil
}

// pointsAPI is the HTTP front: it spreads calls over a few rpc connections.
type pointsAPI struct {
	clients []*rpc.Client
	next    atomic.Uint64
	served  atomic.Int64
	failed  atomic.Int64
}

func (a *pointsAPI) client() *rpc.Client {
	return a.clients[a.next.Add(1)%uint64(len(a.clients))]
}

func (a *pointsAPI) handleBalance(w http.ResponseWriter, r *http.Request) {
	member, _ := strconv.Atoi(r.URL.Query().Get("member"))
	var p Points
	if err := a.client().Call("Ledger.Balance", BalanceArgs{Member: member}, &p); err != nil {
		a.failed.Add(1)
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	a.served.Add(1)
	fmt.Fprintf(w, "{\"member\":%d,\"points\":%d}\n", p.Member, p.Balance)
}

func (a *pointsAPI) handleAccrue(w http.ResponseWriter, r *http.Request) {
	member, _ := strconv.Atoi(r.URL.Query().Get("member"))
	cents, _ := strconv.Atoi(r.URL.Query().Get("cents"))
	var p Points
	if err := a.client().Call("Ledger.Accrue", AccrueArgs{Member: member, Cents: cents}, &p); err != nil {
		a.failed.Add(1)
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	a.served.Add(1)
	fmt.Fprintf(w, "{\"member\":%d,\"points\":%d}\n", p.Member, p.Balance)
}

// tills plays the shops' tills and the app: a balance look-up, then now and then a purchase.
func tills(base string, n int) {
	client := &http.Client{Timeout: 10 * time.Second}
	for i := 0; i < n; i++ {
		go func() {
			for {
				member := rand.Intn(50000)
				url := fmt.Sprintf("%s/v1/points?member=%d", base, member)
				if rand.Intn(3) == 0 {
					url = fmt.Sprintf("%s/v1/accrue?member=%d&cents=%d", base, member, 100+rand.Intn(20000))
				}
				if resp, err := client.Get(url); err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				time.Sleep(time.Duration(300+rand.Intn(1200)) * time.Millisecond)
			}
		}()
	}
}

func (a *pointsAPI) report(every time.Duration) {
	for range time.Tick(every) {
		log.Printf("loyalty: %d calls served, %d failed", a.served.Load(), a.failed.Load())
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	ledger := &Ledger{conns: make(chan struct{}, 6), balances: map[int]int{}}
	ledgerAddr, err := serveLedger(ledger)
	if err != nil {
		log.Fatal(err)
	}
	go ledger.monthEnd()
	a := &pointsAPI{}
	for i := 0; i < 3; i++ {
		c, err := rpc.Dial("tcp", ledgerAddr)
		if err != nil {
			log.Fatal(err)
		}
		a.clients = append(a.clients, c)
	}
	http.HandleFunc("/v1/points", a.handleBalance)
	http.HandleFunc("/v1/accrue", a.handleAccrue)
	go tills("http://"+*addr, 30)
	go a.report(20 * time.Second)
	log.Printf("loyalty: ledger on %s, listening on %s", ledgerAddr, *addr)
	srv := &http.Server{Addr: *addr, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
