// promo: decides whether an account may use a campaign's discount. Campaign managers
// upload the list of eligible accounts from the admin console (one account id per line).
package main

import (
	"bufio"
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
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type Campaign struct {
	Name     string
	Percent  int
	Eligible []int64 // account ids, as uploaded
	Uploaded time.Time
}

type Service struct {
	mu        sync.RWMutex
	campaigns map[string]*Campaign
	checks    atomic.Int64
	granted   atomic.Int64
	household func(acct int64) []int64
}

func (s *Service) campaign(name string) *Campaign {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.campaigns[name]
}

// handleUpload replaces a campaign's eligible accounts with the uploaded list.
func (s *Service) handleUpload(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := r.URL.Query().Get("campaign")
	var ids []int64
	sc := bufio.NewScanner(r.Body)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		id, err := strconv.ParseInt(line, 10, 64)
		if err != nil {
			http.Error(w, "bad account id "+strconv.Quote(line), http.StatusBadRequest)
			return
		}
		ids = append(ids, id)
	}
	s.mu.Lock()
	c := s.campaigns[name]
	if c == nil {
		c = &Campaign{Name: name, Percent: 15}
		s.campaigns[name] = c
	}
	nc := *c
	nc.Eligible, nc.Uploaded = ids, time.Now()
	s.campaigns[name] = &nc
	s.mu.Unlock()
	log.Printf("admin: campaign %q eligible accounts replaced by upload (%d accounts)", name, len(ids))
	fmt.Fprintf(w, "{\"accounts\":%d}\n", len(ids))
}

func eligibleSet(c *Campaign) map[int64]struct{} {
	set := make(map[int64]struct{}, len(c.Eligible))
	for _, id := range c.Eligible {
		set[id] = struct{}{}
	}
	return set
}

// handleCheck answers whether the account, or anyone in its household, is in the campaign.
func (s *Service) handleCheck(w http.ResponseWriter, r *http.Request) {
	c := s.campaign(r.URL.Query().Get("campaign"))
	if c == nil {
		http.NotFound(w, r)
		return
	}
	acct, err := strconv.ParseInt(r.URL.Query().Get("account"), 10, 64)
	if err != nil {
		http.Error(w, "bad account", http.StatusBadRequest)
		return
	}
	s.checks.Add(1)
	set := eligibleSet(c)
	members := s.household(acct)
	ok := false
	for _, m := range append(members, acct) {
		if _, in := set[m]; in {
			ok = true
			break
		}
	}
	if ok {
		s.granted.Add(1)
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]interface{}{"campaign": c.Name, "eligible": ok, "percent": c.Percent})
}

// householdOf stands in for the account service call (about 120 ms at peak).
func householdOf(acct int64) []int64 {
	time.Sleep(time.Duration(90+rand.Intn(60)) * time.Millisecond)
	return []int64{acct + 1, acct + 2}
}

// traffic plays the storefront (checks at a rising rate) and, once, the campaign manager.
func traffic(base string, workers, uploadIDs int, uploadAfter time.Duration) {
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	start := time.Now()
	check := func() {
		for {
			url := fmt.Sprintf("%s/v1/promo/check?campaign=spring&account=%d", base, 1+rand.Int63n(5_000_000))
			if resp, err := client.Get(url); err != nil {
				log.Printf("storefront: %v", err)
				time.Sleep(time.Second)
			} else {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	upload := func(n int) {
		var b bytes.Buffer
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "%d\n", 1+rand.Int63n(5_000_000))
		}
		resp, err := client.Post(base+"/admin/campaigns/eligible?campaign=spring", "text/plain", &b)
		if err != nil {
			log.Printf("admin console: %v", err)
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	upload(400)
	running := 0
	uploaded := false
	for {
		el := time.Since(start)
		if !uploaded && el > uploadAfter {
			upload(uploadIDs)
			uploaded = true
		}
		want := 1 + int(float64(workers-1)*el.Seconds()/135)
		if want > workers {
			want = workers
		}
		for running < want {
			go check()
			running++
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	workers := flag.Int("storefront-workers", 10, "concurrent storefront clients at peak")
	uploadIDs := flag.Int("upload-accounts", 120000, "accounts in the campaign manager's upload")
	uploadAfter := flag.Duration("upload-after", 8*time.Second, "when the campaign manager uploads, after start")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	s := &Service{campaigns: map[string]*Campaign{}, household: householdOf}
	http.HandleFunc("/admin/campaigns/eligible", s.handleUpload)
	http.HandleFunc("/v1/promo/check", s.handleCheck)
	go func() {
		for range time.Tick(10 * time.Second) {
			log.Printf("stats: checks=%d granted=%d", s.checks.Load(), s.granted.Load())
		}
	}()
	go traffic("http://"+*addr, *workers, *uploadIDs, *uploadAfter)
	log.Printf("promo: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
