// presence: tracks which devices are online. Devices send heartbeats in batches through
// the edge proxy; a session that misses heartbeats for sessionTTL is marked offline.
package main

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"sync"
	"sync/atomic"
	"time"
)

const sessionTTL = 10 * time.Minute

type Session struct {
	Device   uint32
	Region   uint16
	LastSeen time.Time
	expiry   *time.Timer
}

type Tracker struct {
	mu       sync.Mutex
	sessions map[uint32]*Session
	beats    atomic.Int64
	offline  atomic.Int64
}

func (t *Tracker) markOffline(device uint32) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.sessions[device]
	if s != nil && time.Since(s.LastSeen) >= sessionTTL {
		delete(t.sessions, device)
		t.offline.Add(1)
	}
}

// touch records a heartbeat and (re)arms the session's offline timer.
func (t *Tracker) touch(device uint32, region uint16) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.sessions[device]
	if s == nil {
		s = &Session{Device: device, Region: region}
		t.sessions[device] = s
	}
	s.LastSeen = time.Now()
	s.expiry = time.AfterFunc(sessionTTL, func() { t.markOffline(device) })
	t.beats.Add(1)
}

// handleBeats takes a batch of heartbeats: 6 bytes each (device u32, region u16).
func (t *Tracker) handleBeats(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil || len(body)%6 != 0 {
		http.Error(w, "bad batch", http.StatusBadRequest)
		return
	}
	for i := 0; i < len(body); i += 6 {
		t.touch(binary.BigEndian.Uint32(body[i:]), binary.BigEndian.Uint16(body[i+4:]))
	}
	w.WriteHeader(http.StatusNoContent)
}

func (t *Tracker) handleOnline(w http.ResponseWriter, r *http.Request) {
	t.mu.Lock()
	n := len(t.sessions)
	t.mu.Unlock()
	fmt.Fprintf(w, "{\"online\":%d}\n", n)
}

// edge plays the edge proxy forwarding heartbeats of 20,000 devices in batches.
func edge(base string) {
	client := &http.Client{Timeout: 5 * time.Second}
	batch := make([]byte, 0, 200*6)
	for {
		batch = batch[:0]
		for i := 0; i < 200; i++ {
			var rec [6]byte
			binary.BigEndian.PutUint32(rec[:], uint32(1+rand.Intn(20000)))
			binary.BigEndian.PutUint16(rec[4:], uint16(rand.Intn(12)))
			batch = append(batch, rec[:]...)
		}
		resp, err := client.Post(base+"/v1/heartbeats", "application/octet-stream", bytes.NewReader(batch))
		if err != nil {
			log.Printf("edge: %v", err)
		} else {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		time.Sleep(200 * time.Millisecond)
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
	t := &Tracker{sessions: map[uint32]*Session{}}
	http.HandleFunc("/v1/heartbeats", t.handleBeats)
	http.HandleFunc("/v1/online", t.handleOnline)
	go func() {
		for range time.Tick(15 * time.Second) {
			t.mu.Lock()
			n := len(t.sessions)
			t.mu.Unlock()
			log.Printf("stats: heartbeats=%d online=%d offline=%d", t.beats.Load(), n, t.offline.Load())
		}
	}()
	go edge("http://" + *addr)
	log.Printf("presence: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
