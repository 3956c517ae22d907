// signin: the sign-in front of a customer portal. A successful login opens a session
// (the user's claims and permission set, rendered once) that the portal's pages look up
// on every request; a session expires 80 s after it was last used, and a janitor
// sweeps expired ones every 5 s. Logins arrive at a steady rate.
package main

import (
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log"
	mrand "math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const idleTimeout = 80 * time.Second

type session struct {
	token    string
	user     string
	claims   []byte
	perms    []string
	lastUsed time.Time
}

type sessionStore struct {
	mu       sync.Mutex
	byToken  map[string]*session
	opened   atomic.Int64
	expired  atomic.Int64
}

func newToken() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// renderClaims encodes what the portal needs about the user, so pages need no directory lookup.
func renderClaims(user string, perms []string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `{"sub":%q,"tenant":"t-%d","locale":"en-GB","perms":[`, user, len(user)%17)
	for i, p := range perms {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"scope":%q,"granted":"2026-01-%02d","by":"directory-sync"}`, p, 1+i%28)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

func (st *sessionStore) open(user string, perms []string) *session {
	s := &session{token: newToken(), user: user, perms: perms, lastUsed: time.Now()}
	s.claims = renderClaims(user, perms)
	st.mu.Lock()
	st.byToken[s.token] = s
	st.mu.Unlock()
	st.opened.Add(1)
	return s
}

func (st *sessionStore) lookup(token string) (*session, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	s, ok := st.byToken[token]
	if ok {
		s.lastUsed = time.Now()
	}
	return s, ok
}

// janitor drops sessions idle for longer than the timeout.
func (st *sessionStore) janitor() {
	for range time.Tick(5 * time.Second) {
		cutoff := time.Now().Add(-idleTimeout)
		st.mu.Lock()
		for token, s := range st.byToken {
			if s.lastUsed.Before(cutoff) {
				delete(st.byToken, token)
				st.expired.Add(1)
			}
		}
		st.mu.Unlock()
	}
}

var scopes = []string{"orders:read", "orders:write", "invoices:read", "invoices:download", "profile:read",
	"profile:write", "addresses:read", "addresses:write", "returns:create", "returns:read", "support:chat",
	"wishlist:read", "wishlist:write", "payments:read", "payments:manage", "subscriptions:read"}

func (st *sessionStore) handleLogin(w http.ResponseWriter, r *http.Request) {
	user := r.FormValue("user")
	if user == "" {
		http.Error(w, "missing user", http.StatusBadRequest)
		return
	}
	n := 12 + 2*int(user[len(user)-13]-'0')
	perms := make([]string, 0, n)
	for i := 0; i < n; i++ {
		perms = append(perms, scopes[(len(user)+i*3)%len(scopes)])
	}
	s := st.open(user, perms)
	io.WriteString(w, s.token)
}

func (st *sessionStore) handlePage(w http.ResponseWriter, r *http.Request) {
	s, ok := st.lookup(r.Header.Get("X-Session"))
	if !ok {
		http.Error(w, "session expired", http.StatusUnauthorized)
		return
	}
	fmt.Fprintf(w, "<h1>Welcome back, %s</h1><p>%d permissions</p>", s.user, len(s.perms))
}

// customers: each logs in, browses a few pages and goes away (no logout); a login every 25 ms.
func customers(base string) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := mrand.New(mrand.NewSource(11))
	pace := time.NewTicker(25 * time.Millisecond)
	for range pace.C {
		user := fmt.Sprintf("customer-%06d@example.net", rng.Intn(900000))
		resp, err := client.PostForm(base+"/v1/login", map[string][]string{"user": {user}})
		if err != nil {
			log.Printf("customer: %v", err)
			time.Sleep(time.Second)
			continue
		}
		tok, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for p := 0; p < 2+rng.Intn(3); p++ {
			req, _ := http.NewRequest("GET", base+"/v1/account", nil)
			req.Header.Set("X-Session", string(tok))
			if resp, err := client.Do(req); err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}
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
	st := &sessionStore{byToken: make(map[string]*session)}
	http.HandleFunc("/v1/login", st.handleLogin)
	http.HandleFunc("/v1/account", st.handlePage)
	go st.janitor()
	go func() {
		for range time.Tick(15 * time.Second) {
			st.mu.Lock()
			n := len(st.byToken)
			st.mu.Unlock()
			log.Printf("stats: opened=%d expired=%d live=%d", st.opened.Load(), st.expired.Load(), n)
		}
	}()
	go customers("http://" + *addr)
	log.Printf("signin: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
