// sessions: login-session service. Sessions live in an expiring cache swept by a janitor;
// audit lines are batched by a queue whose writer sleeps on a sync.Cond until a batch is
// due; session rows go to a store through a small connection pool (a database/sql-style
// pool with an opener goroutine); SIGHUP rotates the signing key.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// ---- expiring cache with a janitor

type Session struct {
	ID      string
	User    int
	Expires time.Time
}

type SessionCache struct {
	mu    sync.Mutex
	items map[string]Session
	swept atomic.Int64
}

func (c *SessionCache) put(s Session) {
	c.mu.Lock()
	c.items[s.ID] = s
	c.mu.Unlock()
}

func (c *SessionCache) get(id string) (Session, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.items[id]
	if !ok || time.Now().After(s.Expires) {
		return Session{}, false
	}
	return s, true
}

func (c *SessionCache) janitor(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for now := range t.C {
		c.mu.Lock()
		for id, s := range c.items {
			if now.After(s.Expires) {
				delete(c.items, id)
				c.swept.Add(1)
			}
		}
		c.mu.Unlock()
	}
}

// ---- audit batching: the writer waits on a Cond until enough lines or the flush tick

type AuditQueue struct {
	mu      sync.Mutex
	ready   *sync.Cond
	lines   []string
	due     bool
	written atomic.Int64
}

func newAuditQueue() *AuditQueue {
	q := &AuditQueue{}
	q.ready = sync.NewCond(&q.mu)
	return q
}

func (q *AuditQueue) add(line string) {
	q.mu.Lock()
	q.lines = append(q.lines, line)
	if len(q.lines) >= 64 {
		q.ready.Signal()
	}
	q.mu.Unlock()
}

func (q *AuditQueue) flushEvery(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for range t.C {
		q.mu.Lock()
		q.due = true
		q.ready.Signal()
		q.mu.Unlock()
	}
}

func (q *AuditQueue) writeBatches(out io.Writer) {
	for {
		q.mu.Lock()
		for len(q.lines) < 64 && !q.due {
			q.ready.Wait()
		}
		batch := q.lines
		q.lines, q.due = nil, false
		q.mu.Unlock()
		for _, l := range batch {
			io.WriteString(out, l)
		}
		q.written.Add(int64(len(batch)))
	}
}

// ---- store connection pool: an opener goroutine makes connections on request

type storeConn struct{ id int }

type StorePool struct {
	mu       sync.Mutex
	idle     []*storeConn
	open     int
	max      int
	waiters  []chan *storeConn
	openReq  chan struct{}
	opened   atomic.Int64
	queries  atomic.Int64
	stopOpen context.CancelFunc
}

func newStorePool(max int) *StorePool {
	ctx, cancel := context.WithCancel(context.Background())
	p := &StorePool{max: max, openReq: make(chan struct{}, max), stopOpen: cancel}
	go p.connectionOpener(ctx)
	return p
}

func (p *StorePool) connectionOpener(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-p.openReq:
			time.Sleep(5 * time.Millisecond) // handshake
			c := &storeConn{id: int(p.opened.Add(1))}
			p.release(c)
		}
	}
}

var errPoolTimeout = errors.New("store: timed out waiting for a connection")

func (p *StorePool) acquire(ctx context.Context) (*storeConn, error) {
	p.mu.Lock()
	if n := len(p.idle); n > 0 {
		c := p.idle[n-1]
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		return c, nil
	}
	wait := make(chan *storeConn, 1)
	p.waiters = append(p.waiters, wait)
	if p.open < p.max {
		p.open++
		p.openReq <- struct{}{}
	}
	p.mu.Unlock()
	select {
	case c := <-wait:
		return c, nil
	case <-ctx.Done():
		p.mu.Lock()
		for i, w := range p.waiters {
			if w == wait {
				p.waiters = append(p.waiters[:i], p.waiters[i+1:]...)
				break
			}
		}
		p.mu.Unlock()
		select {
		case c := <-wait:
			p.release(c)
		default:
		}
		return nil, errPoolTimeout
	}
}

func (p *StorePool) release(c *storeConn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.waiters) > 0 {
		w := p.waiters[0]
		p.waiters = p.waiters[1:]
		w <- c
		return
	}
	p.idle = append(p.idle, c)
}

func (p *StorePool) saveSession(ctx context.Context, s Session) error {
	c, err := p.acquire(ctx)
	if err != nil {
		return err
	}
	defer p.release(c)
	time.Sleep(time.Duration(2+rand.Intn(8)) * time.Millisecond)
	p.queries.Add(1)
	return nil
}

// ---- service

type Service struct {
	cache *SessionCache
	audit *AuditQueue
	store *StorePool
	key   atomic.Value // []byte
}

func (s *Service) sign(user int, at time.Time) string {
	h := sha256.New()
	h.Write(s.key.Load().([]byte))
	fmt.Fprintf(h, "%d/%d", user, at.UnixNano())
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func (s *Service) handleLogin(w http.ResponseWriter, r *http.Request) {
	var user int
	fmt.Sscanf(r.URL.Query().Get("user"), "%d", &user)
	now := time.Now()
	sess := Session{ID: s.sign(user, now), User: user, Expires: now.Add(time.Duration(20+rand.Intn(40)) * time.Second)}
	ctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	if err := s.store.saveSession(ctx, sess); err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	s.cache.put(sess)
	s.audit.add(fmt.Sprintf("%s login user=%d\n", now.Format(time.RFC3339), user))
	io.WriteString(w, sess.ID)
}

func (s *Service) handleCheck(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.cache.get(r.URL.Query().Get("id")); !ok {
		http.Error(w, "expired", http.StatusUnauthorized)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Service) watchSignals() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGHUP)
	for range ch {
		s.rotateKey()
		log.Printf("sessions: signing key rotated")
	}
}

func (s *Service) rotateKey() {
	k := make([]byte, 32)
	rand.Read(k)
	s.key.Store(k)
}

func (s *Service) report(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for range t.C {
		log.Printf("sessions: queries=%d conns=%d swept=%d audit_written=%d", s.store.queries.Load(),
			s.store.opened.Load(), s.cache.swept.Load(), s.audit.written.Load())
	}
}

// logins plays the web app: users log in, then check their session a few times.
func logins(base string, users int) {
	client := &http.Client{Timeout: 5 * time.Second}
	for u := 0; u < users; u++ {
		go func(u int) {
			rng := rand.New(rand.NewSource(int64(u)))
			for {
				resp, err := client.Get(fmt.Sprintf("%s/login?user=%d", base, u))
				if err != nil {
					log.Printf("login: %v", err)
					time.Sleep(time.Second)
					continue
				}
				id, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				for i := 0; i < 3; i++ {
					time.Sleep(time.Duration(300+rng.Intn(1200)) * time.Millisecond)
					if resp, err := client.Get(fmt.Sprintf("%s/check?id=%s", base, id)); err == nil {
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
					}
				}
			}
		}(u)
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
	s := &Service{cache: &SessionCache{items: map[string]Session{}}, audit: newAuditQueue(), store: newStorePool(6)}
	s.rotateKey()
	go s.cache.janitor(5 * time.Second)
	go s.audit.flushEvery(3 * time.Second)
	go s.audit.writeBatches(io.Discard)
	go s.watchSignals()
	go s.report(15 * time.Second)
	http.HandleFunc("/login", s.handleLogin)
	http.HandleFunc("/check", s.handleCheck)
	go logins("http://"+*addr, 24)
	log.Printf("sessions: listening on %s", *addr)
	srv := &http.Server{Addr: *addr, IdleTimeout: 5 * time.Minute, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
