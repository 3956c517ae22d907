// chunkstore: receives log-archive chunks from shippers, checks and stores them, and keeps
// an in-memory index of chunk headers so shippers can ask which chunks already arrived.
package main

import (
	"bytes"
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
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

const (
	headerSize = 16
	chunkMagic = 0x4c43484b // "LCHK"
	maxChunk   = 4 << 20
)

// header layout: magic u32 | stream u32 | seq u32 | crc32(payload) u32
type chunkHeader []byte

func (h chunkHeader) stream() uint32 { return binary.BigEndian.Uint32(h[4:8]) }
func (h chunkHeader) seq() uint32    { return binary.BigEndian.Uint32(h[8:12]) }

type Index struct {
	mu      sync.RWMutex
	headers map[string]chunkHeader // "stream/seq" -> header
}

func (ix *Index) add(h chunkHeader) {
	key := fmt.Sprintf("%d/%d", h.stream(), h.seq())
	ix.mu.Lock()
	ix.headers[key] = h
	ix.mu.Unlock()
}

func (ix *Index) has(stream, seq uint32) bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	_, ok := ix.headers[fmt.Sprintf("%d/%d", stream, seq)]
	return ok
}

func (ix *Index) size() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.headers)
}

type Store struct {
	index   *Index
	written atomic.Int64
	chunks  atomic.Int64
}

// readChunk reads a whole chunk body into one buffer.
func readChunk(r io.Reader, n int64) ([]byte, error) {
	if n <= headerSize || n > maxChunk {
		return nil, fmt.Errorf("bad chunk length %d", n)
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, err
	}
	return buf, nil
}

func verify(buf []byte) error {
	if binary.BigEndian.Uint32(buf[0:4]) != chunkMagic {
		return errors.New("bad magic")
	}
	if crc32.ChecksumIEEE(buf[headerSize:]) != binary.BigEndian.Uint32(buf[12:16]) {
		return errors.New("checksum mismatch")
	}
	return nil
}

// persist stands in for writing the chunk to the archive volume.
func (s *Store) persist(buf []byte) {
	s.written.Add(int64(len(buf)))
}

func (s *Store) handlePut(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPut {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	buf, err := readChunk(r.Body, r.ContentLength)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if err := verify(buf); err != nil {
		http.Error(w, err.Error(), http.StatusUnprocessableEntity)
		return
	}
	s.persist(buf)
	s.index.add(chunkHeader(buf[:headerSize]))
	s.chunks.Add(1)
	w.WriteHeader(http.StatusCreated)
}

func (s *Store) handleHas(w http.ResponseWriter, r *http.Request) {
	stream, _ := strconv.ParseUint(r.URL.Query().Get("stream"), 10, 32)
	seq, _ := strconv.ParseUint(r.URL.Query().Get("seq"), 10, 32)
	if s.index.has(uint32(stream), uint32(seq)) {
		fmt.Fprintln(w, "present")
		return
	}
	http.NotFound(w, r)
}

// shipper plays a log shipper uploading 1 MiB chunks of two streams.
func shipper(base string) {
	client := &http.Client{Timeout: 30 * time.Second}
	payload := make([]byte, 1<<20-headerSize)
	rand.Read(payload)
	seq := map[uint32]uint32{}
	for {
		stream := uint32(1 + rand.Intn(2))
		seq[stream]++
		payload[0] = byte(seq[stream])
		chunk := make([]byte, headerSize, headerSize+len(payload))
		binary.BigEndian.PutUint32(chunk[0:4], chunkMagic)
		binary.BigEndian.PutUint32(chunk[4:8], stream)
		binary.BigEndian.PutUint32(chunk[8:12], seq[stream])
		binary.BigEndian.PutUint32(chunk[12:16], crc32.ChecksumIEEE(payload))
		chunk = append(chunk, payload...)
		req, _ := http.NewRequest(http.MethodPut, base+"/v1/chunks", bytes.NewReader(chunk))
		resp, err := client.Do(req)
		if err != nil {
			log.Printf("shipper: %v", err)
		} else {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		if resp, err := client.Get(fmt.Sprintf("%s/v1/chunks/has?stream=%d&seq=%d", base, stream, seq[stream])); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		time.Sleep(4 * time.Second)
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
	s := &Store{index: &Index{headers: map[string]chunkHeader{}}}
	http.HandleFunc("/v1/chunks", s.handlePut)
	http.HandleFunc("/v1/chunks/has", s.handleHas)
	go func() {
		for range time.Tick(15 * time.Second) {
			log.Printf("stats: chunks=%d indexed=%d written=%dMiB", s.chunks.Load(), s.index.size(), s.written.Load()>>20)
		}
	}()
	go shipper("http://" + *addr)
	log.Printf("chunkstore: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
