// streammux: a notification service that multiplexes many long-lived streams over a few TCP
// connections, as gRPC does over HTTP/2. Each connection has one reader that demultiplexes
// frames and one writer; every open stream is served by its own goroutine that waits for the
// stream's next message (watch requests that come every few seconds to a minute) and ends
// when the client closes the stream. Edge agents keep streams open for 20 s to 3 minutes.
package main

import (
	"bufio"
	"encoding/binary"
	"errors"
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

const (
	frameOpen  = 1
	frameData  = 2
	frameClose = 3
)

type frame struct {
	kind    byte
	stream  uint32
	payload []byte
}

func readFrame(r *bufio.Reader) (frame, error) {
	var hdr [7]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return frame{}, err
	}
	f := frame{kind: hdr[0], stream: binary.BigEndian.Uint32(hdr[1:5])}
	f.payload = make([]byte, binary.BigEndian.Uint16(hdr[5:7]))
	_, err := io.ReadFull(r, f.payload)
	return f, err
}

func writeFrame(w *bufio.Writer, f frame) error {
	var hdr [7]byte
	hdr[0] = f.kind
	binary.BigEndian.PutUint32(hdr[1:5], f.stream)
	binary.BigEndian.PutUint16(hdr[5:7], uint16(len(f.payload)))
	w.Write(hdr[:])
	w.Write(f.payload)
	return w.Flush()
}

// ---- server side

type serverStream struct {
	id uint32
	in chan []byte
}

type serverConn struct {
	c       net.Conn
	out     chan frame
	streams map[uint32]*serverStream
	served  *atomic.Int64
	open    *atomic.Int64
}

// readFrames demultiplexes the connection: opens streams, hands them their messages.
func (sc *serverConn) readFrames() {
	r := bufio.NewReader(sc.c)
	defer close(sc.out)
	for {
		f, err := readFrame(r)
		if err != nil {
			for _, st := range sc.streams {
				close(st.in)
			}
			return
		}
		switch f.kind {
		case frameOpen:
			st := &serverStream{id: f.stream, in: make(chan []byte, 4)}
			sc.streams[f.stream] = st
			sc.open.Add(1)
			go sc.serveStream(st)
		case frameData:
			if st := sc.streams[f.stream]; st != nil {
				st.in <- f.payload
			}
		case frameClose:
			if st := sc.streams[f.stream]; st != nil {
				delete(sc.streams, f.stream)
				close(st.in)
			}
		}
	}
}

// serveStream answers one stream's watch requests until the client closes it.
func (sc *serverConn) serveStream(st *serverStream) {
	defer sc.open.Add(-1)
	for req := range st.in {
		sc.served.Add(1)
		sc.out <- frame{kind: frameData, stream: st.id, payload: []byte(fmt.Sprintf("changes since %s: %d", req, rand.Intn(5)))}
	}
}

func (sc *serverConn) writeFrames() {
	w := bufio.NewWriter(sc.c)
	for f := range sc.out {
		if writeFrame(w, f) != nil {
			sc.c.Close()
		}
	}
}

func serveMux(ln net.Listener, served, open *atomic.Int64) {
	for {
		c, err := ln.Accept()
		if err != nil {
			log.Printf("accept: %v", err)
			return
		}
		sc := &serverConn{c: c, out: make(chan frame, 64), streams: map[uint32]*serverStream{}, served: served, open: open}
		go sc.readFrames()
		go sc.writeFrames()
	}
}

// ---- client side (edge agents)

type clientConn struct {
	mu      sync.Mutex
	w       *bufio.Writer
	next    uint32
	replies map[uint32]chan []byte
}

func dialMux(addr string) (*clientConn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	cc := &clientConn{w: bufio.NewWriter(c), replies: map[uint32]chan []byte{}}
	go cc.readReplies(bufio.NewReader(c))
	return cc, nil
}

func (cc *clientConn) readReplies(r *bufio.Reader) {
	for {
		f, err := readFrame(r)
		if err != nil {
			log.Printf("mux connection lost: %v", err)
			return
		}
		cc.mu.Lock()
		ch := cc.replies[f.stream]
		cc.mu.Unlock()
		if ch != nil {
			select {
			case ch <- f.payload:
			default:
			}
		}
	}
}

func (cc *clientConn) send(f frame) error {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	return writeFrame(cc.w, f)
}

func (cc *clientConn) openStream() (uint32, chan []byte, error) {
	cc.mu.Lock()
	cc.next++
	id := cc.next
	ch := make(chan []byte, 1)
	cc.replies[id] = ch
	cc.mu.Unlock()
	return id, ch, cc.send(frame{kind: frameOpen, stream: id})
}

func (cc *clientConn) closeStream(id uint32) {
	cc.mu.Lock()
	delete(cc.replies, id)
	cc.mu.Unlock()
	cc.send(frame{kind: frameClose, stream: id})
}

var errNoReply = errors.New("no reply within 10s")

// watchFolder keeps one stream open for a while, asking for changes now and then.
func watchFolder(cc *clientConn, folder string, life time.Duration) error {
	id, replies, err := cc.openStream()
	if err != nil {
		return err
	}
	defer cc.closeStream(id)
	end := time.Now().Add(life)
	for time.Now().Before(end) {
		if err := cc.send(frame{kind: frameData, stream: id, payload: []byte(folder + "@" + time.Now().Format("15:04:05"))}); err != nil {
			return err
		}
		select {
		case <-replies:
		case <-time.After(10 * time.Second):
			return errNoReply
		}
		time.Sleep(time.Duration(3+rand.Intn(50)) * time.Second)
	}
	return nil
}

func agent(cc *clientConn, n int) {
	for {
		life := time.Duration(20+rand.Intn(160)) * time.Second
		if err := watchFolder(cc, fmt.Sprintf("/team%d/folder%d", n%17, rand.Intn(40)), life); err != nil {
			log.Printf("watch: %v", err)
		}
		time.Sleep(time.Duration(500+rand.Intn(20000)) * time.Millisecond)
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	var served, open atomic.Int64
	go serveMux(ln, &served, &open)
	http.HandleFunc("/stats", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "streams open %d, requests served %d\n", open.Load(), served.Load())
	})
	for e := 0; e < 6; e++ {
		cc, err := dialMux(ln.Addr().String())
		if err != nil {
			log.Fatal(err)
		}
		for i := 0; i < 20; i++ {
			go func(n int) {
				time.Sleep(time.Duration(rand.Intn(15000)) * time.Millisecond)
				agent(cc, n)
			}(e*20 + i)
		}
	}
	go func() {
		for range time.Tick(20 * time.Second) {
			log.Printf("streams open %d, watch requests served %d", open.Load(), served.Load())
		}
	}()
	log.Printf("streammux listening on %s", *addr)
	log.Fatal(http.ListenAndServe(*addr, nil))
}
