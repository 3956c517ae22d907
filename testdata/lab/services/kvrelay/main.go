// kvrelay is the HTTP front of a key-value store: PUT /v1/kv/KEY stores the request body
// under KEY. Requests are relayed over one multiplexed TCP connection to the storage node:
// each call is a frame with a call id, the node answers with the id and the CRC of what it
// stored, and a demultiplexer goroutine hands each answer to the call waiting for it. The
// relay checks the CRC against the value it sent before it answers 204.
package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"hash/crc32"
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

// The wire: op (1 byte), call id (4), key length (2), value length (4), key, value.
// An answer: call id (4), status (1), CRC-32 of the stored value (4).
const (
	opPut    = 1
	hdrSize  = 11
	ansSize  = 9
	maxFrame = 32 << 10 // the storage node's frame limit
)

type answer struct {
	status byte
	crc    uint32
}

type call struct {
	id   uint32
	done chan answer
}

// mux multiplexes calls over one connection to the storage node.
type mux struct {
	conn    net.Conn
	wmu     sync.Mutex
	w       *bufio.Writer
	nextID  atomic.Uint32
	mu      sync.Mutex
	pending map[uint32]*call
}

func dialMux(addr string) (*mux, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	m := &mux{conn: c, w: bufio.NewWriterSize(c, 64<<10), pending: map[uint32]*call{}}
	go m.demux()
	return m, nil
}

// demux hands each answer to its waiting call.
func (m *mux) demux() {
	r := bufio.NewReader(m.conn)
	var a [ansSize]byte
	for {
		if _, err := io.ReadFull(r, a[:]); err != nil {
			log.Printf("demux: %v", err)
			return
		}
		id := binary.BigEndian.Uint32(a[0:4])
		m.mu.Lock()
		c := m.pending[id]
		delete(m.pending, id)
		m.mu.Unlock()
		if c != nil {
			c.done <- answer{status: a[4], crc: binary.BigEndian.Uint32(a[5:9])}
		}
	}
}

// call sends one request and waits for its answer.
func (m *mux) call(op byte, key string, val []byte) (answer, error) {
	c := &call{id: m.nextID.Add(1), done: make(chan answer, 1)}
	m.mu.Lock()
	m.pending[c.id] = c
	m.mu.Unlock()
	var hdr [hdrSize]byte
	hdr[0] = op
	binary.BigEndian.PutUint32(hdr[1:5], c.id)
	binary.BigEndian.PutUint16(hdr[5:7], uint16(len(key)))
	binary.BigEndian.PutUint32(hdr[7:11], uint32(len(val)))
	m.wmu.Lock()
	m.w.Write(hdr[:])
	m.w.WriteString(key)
	m.w.Write(val)
	err := m.w.Flush()
	m.wmu.Unlock()
	if err != nil {
		return answer{}, err
	}
	a := <-c.done
	return a, nil
}

type relay struct {
	node *mux
}

var errCorrupt = errors.New("stored value does not match")

func (rl *relay) handlePut(w http.ResponseWriter, r *http.Request) {
	key := strings.TrimPrefix(r.URL.Path, "/v1/kv/")
	if r.Method != http.MethodPut || key == "" {
		http.Error(w, "PUT /v1/kv/KEY", http.StatusMethodNotAllowed)
		return
	}
	val, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	a, err := rl.node.call(opPut, key, val)
	if err == nil && a.crc != crc32.ChecksumIEEE(val) {
		err = errCorrupt
	}
	if err != nil || a.status != 0 {
		http.Error(w, fmt.Sprintf("store: %v (status %d)", err, a.status), http.StatusBadGateway)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// storageNode stands in for the storage node. A frame over its limit is logged and skipped,
// not answered: its protocol has no error for it.
func storageNode(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func(c net.Conn) {
			defer c.Close()
			r := bufio.NewReaderSize(c, 64<<10)
			w := bufio.NewWriter(c)
			store := map[string]uint32{}
			var hdr [hdrSize]byte
			for {
				if _, err := io.ReadFull(r, hdr[:]); err != nil {
					return
				}
				id := binary.BigEndian.Uint32(hdr[1:5])
				klen := int(binary.BigEndian.Uint16(hdr[5:7]))
				vlen := int(binary.BigEndian.Uint32(hdr[7:11]))
				body := make([]byte, klen+vlen)
				if _, err := io.ReadFull(r, body); err != nil {
					return
				}
				if klen+vlen > maxFrame {
					log.Printf("node: call %d: frame of %d bytes over the limit, skipped", id, klen+vlen)
					continue
				}
				crc := crc32.ChecksumIEEE(body[klen:])
				store[string(body[:klen])] = crc
				var a [ansSize]byte
				binary.BigEndian.PutUint32(a[0:4], id)
				binary.BigEndian.PutUint32(a[5:9], crc)
				w.Write(a[:])
				if err := w.Flush(); err != nil {
					return
				}
			}
		}(c)
	}
}

// writer plays a service saving user documents: mostly small, now and then a large one.
func writer(base string, n int) {
	client := &http.Client{Timeout: 1500 * time.Millisecond}
	rng := rand.New(rand.NewSource(int64(n) + 11))
	for i := 1; ; i++ {
		key := fmt.Sprintf("doc/%d/%06d", n, rng.Intn(5000))
		size := 2<<10 + rng.Intn(10<<10)
		if rng.Intn(3) == 0 {
			size = 33<<10 + rng.Intn(12<<10)
		}
		var b strings.Builder
		for b.Len() < size {
			fmt.Fprintf(&b, `{"para":%d,"style":"body","text":"section %d of the quarterly notes"},`, b.Len(), rng.Intn(40))
		}
		req, _ := http.NewRequest(http.MethodPut, base+"/v1/kv/"+key, strings.NewReader(b.String()[:size]))
		resp, err := client.Do(req)
		if err != nil {
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		time.Sleep(20 * time.Millisecond)
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
	nln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go storageNode(nln)
	node, err := dialMux(nln.Addr().String())
	if err != nil {
		log.Fatal(err)
	}
	rl := &relay{node: node}
	http.HandleFunc("/v1/kv/", rl.handlePut)
	for i := 0; i < 3; i++ {
		go writer("http://"+*addr, i)
	}
	log.Printf("kvrelay: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
