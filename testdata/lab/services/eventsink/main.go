// eventsink: loads the order event log into the search index. The log is partitioned (48
// partitions) on a broker; as Kafka consumers do, the service runs one fetcher per partition it
// is assigned, each over its own connection, asking for records past its offset with a
// maximum wait: the broker holds a fetch until records arrive or 8 s have passed, so a
// fetcher of a quiet partition spends nearly all its time waiting on the broker's answer.
// The consumer group rebalances now and then (a peer joins or leaves): the partitions are
// reassigned, and the fetchers of the partitions that moved are stopped and new ones started.
package main

import (
	"bufio"
	"flag"
	"fmt"
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

const (
	partitions = 48
	maxWait    = 8 * time.Second
)

// ---------------------------------------------------------------- broker stand-in

type partitionLog struct {
	mu      sync.Mutex
	records []string
	grew    chan struct{} // closed and replaced on every append
}

type broker struct{ parts [partitions]*partitionLog }

func newBroker() *broker {
	b := &broker{}
	for i := range b.parts {
		b.parts[i] = &partitionLog{grew: make(chan struct{})}
	}
	return b
}

func (b *broker) append(p int, rec string) {
	pl := b.parts[p]
	pl.mu.Lock()
	pl.records = append(pl.records, rec)
	close(pl.grew)
	pl.grew = make(chan struct{})
	pl.mu.Unlock()
}

// fetch answers records of partition p from offset, waiting up to wait for some to arrive.
func (b *broker) fetch(p, offset int, wait time.Duration) []string {
	pl := b.parts[p]
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	for {
		pl.mu.Lock()
		if offset < len(pl.records) {
			end := offset + 100
			if end > len(pl.records) {
				end = len(pl.records)
			}
			recs := append([]string(nil), pl.records[offset:end]...)
			pl.mu.Unlock()
			return recs
		}
		grew := pl.grew
		pl.mu.Unlock()
		select {
		case <-grew:
		case <-deadline.C:
			return nil
		}
	}
}

// serveConn reads "FETCH <partition> <offset> <wait ms>" lines and answers a record count line
// followed by the records.
func (b *broker) serveConn(c net.Conn) {
	defer c.Close()
	rd := bufio.NewReader(c)
	wr := bufio.NewWriter(c)
	for {
		line, err := rd.ReadString('\n')
		if err != nil {
			return
		}
		var p, off, ms int
		if _, err := fmt.Sscanf(line, "FETCH %d %d %d", &p, &off, &ms); err != nil || p < 0 || p >= partitions {
			return
		}
		recs := b.fetch(p, off, time.Duration(ms)*time.Millisecond)
		fmt.Fprintf(wr, "%d\n", len(recs))
		for _, r := range recs {
			wr.WriteString(r)
			wr.WriteByte('\n')
		}
		if wr.Flush() != nil {
			return
		}
	}
}

func (b *broker) serve(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go b.serveConn(c)
	}
}

// producers: the order services. A few partitions are hot (the big merchants' keys hash
// there); most see a record every several seconds to a minute.
func (b *broker) producers() {
	rate := make([]time.Duration, partitions)
	for p := range rate {
		rate[p] = time.Duration(3000+rand.Intn(50000)) * time.Millisecond
		if p%8 == 0 {
			rate[p] = time.Duration(100+rand.Intn(400)) * time.Millisecond
		}
	}
	for p := 0; p < partitions; p++ {
		go func(p int) {
			for seq := 0; ; seq++ {
				time.Sleep(time.Duration(rand.Int63n(int64(2 * rate[p]))))
				b.append(p, fmt.Sprintf(`{"order":%d,"partition":%d,"event":"updated"}`, seq, p))
			}
		}(p)
	}
}

// ---------------------------------------------------------------- consumer

type fetcher struct {
	partition int
	offset    int
	conn      net.Conn
	stopped   atomic.Bool
}

type consumer struct {
	broker   string
	mu       sync.Mutex
	fetchers map[int]*fetcher
	offsets  map[int]int // committed
	index    chan []string
	indexed  atomic.Int64
	fetches  atomic.Int64
	moved    atomic.Int64
}

// run fetches the partition's records in a loop, with the read deadline a little past the
// broker's maximum wait, and hands them to the indexers.
func (f *fetcher) run(c *consumer) {
	rd := bufio.NewReader(f.conn)
	for !f.stopped.Load() {
		f.conn.SetDeadline(time.Now().Add(maxWait + 5*time.Second))
		if _, err := fmt.Fprintf(f.conn, "FETCH %d %d %d\n", f.partition, f.offset, maxWait.Milliseconds()); err != nil {
			break
		}
		line, err := rd.ReadString('\n')
		if err != nil {
			break
		}
		n, _ := strconv.Atoi(strings.TrimSpace(line))
		recs := make([]string, 0, n)
		for i := 0; i < n; i++ {
			r, err := rd.ReadString('\n')
			if err != nil {
				break
			}
			recs = append(recs, r)
		}
		c.fetches.Add(1)
		if len(recs) > 0 {
			c.index <- recs
			f.offset += len(recs)
			c.commit(f.partition, f.offset)
		}
	}
	f.conn.Close()
}

func (c *consumer) commit(p, off int) {
	c.mu.Lock()
	c.offsets[p] = off
	c.mu.Unlock()
}

// assign starts a fetcher on partition p from its committed offset.
func (c *consumer) assign(p int) {
	conn, err := net.Dial("tcp", c.broker)
	if err != nil {
		log.Printf("eventsink: partition %d: %v", p, err)
		return
	}
	c.mu.Lock()
	f := &fetcher{partition: p, offset: c.offsets[p], conn: conn}
	c.fetchers[p] = f
	c.mu.Unlock()
	go f.run(c)
}

// revoke stops partition p's fetcher: closing its connection ends the fetch in flight.
func (c *consumer) revoke(p int) {
	c.mu.Lock()
	f := c.fetchers[p]
	delete(c.fetchers, p)
	c.mu.Unlock()
	if f != nil {
		f.stopped.Store(true)
		f.conn.Close()
	}
}

// rebalance: every 20-60 s a peer joins or leaves the group and 6-16 partitions move; in this
// process that is a revocation followed, after the group's sync, by a fresh assignment.
func (c *consumer) rebalance() {
	for {
		time.Sleep(time.Duration(20000+rand.Intn(40000)) * time.Millisecond)
		moved := rand.Perm(partitions)[:6+rand.Intn(11)]
		for _, p := range moved {
			c.revoke(p)
		}
		time.Sleep(time.Duration(200+rand.Intn(800)) * time.Millisecond)
		for _, p := range moved {
			c.assign(p)
		}
		c.moved.Add(int64(len(moved)))
	}
}

// indexer writes batches to the search index (a stand-in: 1 ms a record).
func (c *consumer) indexer() {
	for batch := range c.index {
		time.Sleep(time.Duration(len(batch)) * time.Millisecond)
		c.indexed.Add(int64(len(batch)))
	}
}

func (c *consumer) report(every time.Duration) {
	for range time.Tick(every) {
		c.mu.Lock()
		n := len(c.fetchers)
		c.mu.Unlock()
		log.Printf("eventsink: %d fetchers, %d fetches, %d records indexed, %d partitions moved",
			n, c.fetches.Load(), c.indexed.Load(), c.moved.Load())
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	b := newBroker()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go b.serve(ln)
	b.producers()
	c := &consumer{broker: ln.Addr().String(), fetchers: map[int]*fetcher{}, offsets: map[int]int{},
		index: make(chan []string, 16)}
	for i := 0; i < 4; i++ {
		go c.indexer()
	}
	for p := 0; p < partitions; p++ {
		c.assign(p)
	}
	go c.rebalance()
	go c.report(20 * time.Second)
	log.Printf("eventsink: %d partitions from %s, listening on %s", partitions, ln.Addr(), *addr)
	log.Fatal(http.ListenAndServe(*addr, nil))
}
