// backups: receives backup chunks from agents on customer machines. Each chunk (256 KiB
// to 1 MiB) is read whole, checksummed and written to the object store stand-in, which
// takes 100-400 ms per write. Agents start on a schedule: more of them are uploading every
// few seconds during the first minute, then the number uploading stays the same.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"io"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"strconv"
	"sync/atomic"
	"time"
)

const maxChunk = 1 << 20

type objectStore struct {
	written atomic.Int64
	rng     *rand.Rand
}

// put stands in for the write to the object store: it costs time, not memory.
func (o *objectStore) put(name string, data []byte) {
	time.Sleep(time.Duration(100+rand.Intn(300)) * time.Millisecond)
	o.written.Add(int64(len(data)))
}

type receiver struct {
	store  *objectStore
	chunks atomic.Int64
}

func (rc *receiver) handleChunk(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxChunk+4096))
	if err != nil {
		http.Error(w, "chunk too large", http.StatusRequestEntityTooLarge)
		return
	}
	sum := sha256.Sum256(body)
	if want := r.Header.Get("X-Chunk-Sha256"); want != hex.EncodeToString(sum[:]) {
		http.Error(w, "checksum mismatch", http.StatusBadRequest)
		return
	}
	rc.store.put(r.URL.Query().Get("name"), body)
	rc.chunks.Add(1)
	w.WriteHeader(http.StatusCreated)
}

// agent uploads the chunks of one machine's backup, one after another.
func agent(base string, id int) {
	client := &http.Client{Timeout: 10 * time.Second}
	rng := rand.New(rand.NewSource(int64(id)))
	chunk := make([]byte, maxChunk)
	rng.Read(chunk)
	for n := 0; ; n++ {
		size := 256<<10 + rng.Intn(768<<10)
		data := chunk[:size]
		sum := sha256.Sum256(data)
		req, _ := http.NewRequest("PUT", base+"/v1/chunks?name=host"+strconv.Itoa(id)+"/"+strconv.Itoa(n), bytes.NewReader(data))
		req.Header.Set("X-Chunk-Sha256", hex.EncodeToString(sum[:]))
		if resp, err := client.Do(req); err != nil {
			log.Printf("agent %d: %v", id, err)
		} else {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		time.Sleep(time.Duration(200+rng.Intn(400)) * time.Millisecond)
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
	rc := &receiver{store: &objectStore{}}
	http.HandleFunc("/v1/chunks", rc.handleChunk)
	go func() {
		for range time.Tick(15 * time.Second) {
			log.Printf("stats: chunks=%d stored=%d MiB", rc.chunks.Load(), rc.store.written.Load()>>20)
		}
	}()
	go func() {
		for id := 1; id <= 12; id++ {
			go agent("http://"+*addr, id)
			time.Sleep(5 * time.Second)
		}
	}()
	log.Printf("backups: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
