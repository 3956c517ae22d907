// policyd: an authorization policy daemon. The policy (rules per resource) is published by a
// reloader now and then; every enforcement subsystem (an ACL table, a rate-limit table, an audit
// filter ... per shard) follows the policy's version: it waits on the store's sync.Cond until a
// version newer than the one it has built, rebuilds its table, and waits again. Requests are
// answered from the built tables. Between reloads (one to three minutes apart) the followers all
// wait in Cond.Wait, by design.
package main

import (
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
	"sync/atomic"
	"time"
)

type rule struct {
	Resource string
	Roles    map[string]bool
	PerMin   int
}

// policyStore holds the current policy; followers wait on cond for a newer version.
type policyStore struct {
	mu      sync.Mutex
	cond    *sync.Cond
	version int64
	rules   map[string]rule
}

func newPolicyStore() *policyStore {
	p := &policyStore{rules: map[string]rule{}}
	p.cond = sync.NewCond(&p.mu)
	return p
}

func (p *policyStore) publish(rules map[string]rule) {
	p.mu.Lock()
	p.version++
	p.rules = rules
	p.mu.Unlock()
	p.cond.Broadcast()
}

// newerThan waits until the policy is newer than seen and returns it.
func (p *policyStore) newerThan(seen int64) (int64, map[string]rule) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.version <= seen {
		p.cond.Wait()
	}
	return p.version, p.rules
}

// table is one subsystem's built view of the policy, read lock-free by requests.
type table struct {
	name    string
	shard   int
	built   atomic.Value // map[string]rule
	version atomic.Int64
}

func (t *table) follow(p *policyStore) {
	var seen int64
	for {
		v, rules := p.newerThan(seen)
		t.rebuild(rules)
		t.version.Store(v)
		seen = v
	}
}

func (t *table) rebuild(rules map[string]rule) {
	built := make(map[string]rule, len(rules)/4)
	for res, r := range rules {
		if int(res[len(res)-1])%4 == t.shard {
			built[res] = r
		}
	}
	time.Sleep(time.Duration(20+rand.Intn(80)) * time.Millisecond) // compile and warm the table
	t.built.Store(built)
}

type daemon struct {
	store   *policyStore
	tables  map[string][]*table
	allowed atomic.Int64
	denied  atomic.Int64
	reloads atomic.Int64
}

var subsystems = []string{"acl", "ratelimit", "audit", "tenancy", "sessions", "export"}
var roles = []string{"admin", "editor", "viewer", "billing", "support"}

func (d *daemon) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	res := r.URL.Query().Get("resource")
	role := r.URL.Query().Get("role")
	if res == "" {
		http.Error(w, "no resource", http.StatusBadRequest)
		return
	}
	shard := int(res[len(res)-1]) % 4
	for _, sub := range subsystems {
		built, _ := d.tables[sub][shard].built.Load().(map[string]rule)
		if r, ok := built[res]; ok && !r.Roles[role] {
			d.denied.Add(1)
			http.Error(w, "denied by "+sub, http.StatusForbidden)
			return
		}
	}
	d.allowed.Add(1)
	io.WriteString(w, "allow\n")
}

func randomPolicy() map[string]rule {
	rules := map[string]rule{}
	for i := 0; i < 400; i++ {
		res := fmt.Sprintf("res-%03d", i)
		r := rule{Resource: res, Roles: map[string]bool{}, PerMin: 60 + rand.Intn(600)}
		for _, role := range roles {
			if rand.Intn(3) > 0 {
				r.Roles[role] = true
			}
		}
		rules[res] = r
	}
	return rules
}

// reloader publishes a new policy every one to three minutes, as an operator's change lands.
func (d *daemon) reloader() {
	for {
		d.store.publish(randomPolicy())
		d.reloads.Add(1)
		time.Sleep(time.Duration(60+rand.Intn(120)) * time.Second)
	}
}

// callers: the services that ask before acting.
func callers(base string, n int) {
	client := &http.Client{Timeout: 5 * time.Second}
	for i := 0; i < n; i++ {
		go func() {
			for {
				u := fmt.Sprintf("%s/authorize?resource=res-%03d&role=%s", base, rand.Intn(400), roles[rand.Intn(len(roles))])
				if resp, err := client.Get(u); err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				time.Sleep(time.Duration(20+rand.Intn(200)) * time.Millisecond)
			}
		}()
	}
}

func (d *daemon) report(every time.Duration) {
	for range time.Tick(every) {
		var lag []string
		for _, sub := range subsystems {
			lag = append(lag, fmt.Sprintf("%s@%d", sub, d.tables[sub][0].version.Load()))
		}
		log.Printf("policyd: %d reloads, %d allowed, %d denied; %s", d.reloads.Load(), d.allowed.Load(),
			d.denied.Load(), strings.Join(lag, " "))
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
	d := &daemon{store: newPolicyStore(), tables: map[string][]*table{}}
	for _, sub := range subsystems {
		for shard := 0; shard < 4; shard++ {
			t := &table{name: sub, shard: shard}
			t.built.Store(map[string]rule{})
			d.tables[sub] = append(d.tables[sub], t)
			go t.follow(d.store)
		}
	}
	go d.reloader()
	http.HandleFunc("/authorize", d.handleAuthorize)
	go callers("http://"+*addr, 4)
	go d.report(20 * time.Second)
	log.Printf("policyd: listening on %s", *addr)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
