// Command reportcache keeps every report it renders in a map nobody trims
// (the heap leak), and a goroutine per report subscriber that waits on a
// channel nobody closes (the goroutine leak). After 1000 reports and again
// after 2000 it writes its heap profile twice from one runtime.MemProfile
// cycle: in pprof's legacy text format with raw pcs and no symbol lines
// (what runtime.MemProfile gives and older tools write), and as
// runtime/pprof's symbolised protobuf, the reference to compare with. At
// the end it writes its goroutine profile the same two ways (legacy text
// from runtime.GoroutineProfile's records; the protobuf of
// pprof.Lookup("goroutine")), with nothing running between them.
//
//	reportcache OUTDIR   writes OUTDIR/heap-legacy-{1,2}.txt, OUTDIR/heap-{1,2}.pb.gz,
//	                     OUTDIR/goroutine-legacy.txt, OUTDIR/goroutine.pb.gz
package main

import (
	"bufio"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"
)

// Sampled every 16 KiB on average so that both sites show in a small run.
func init() { runtime.MemProfileRate = 16 << 10 }

type reportCache struct {
	byID map[int][]byte
}

// renderReport lays out one report: 8 KiB of text.
func renderReport(id int) []byte {
	body := make([]byte, 0, 8<<10)
	for len(body)+64 <= cap(body) {
		body = append(body, fmt.Sprintf("report %06d line %04d ........................\n", id, len(body)/64)...)
	}
	return body
}

func (c *reportCache) remember(id int) {
	c.byID[id] = renderReport(id)
}

// subscribe starts a subscriber that waits for the report's updates on a
// channel nobody ever sends on or closes.
func (c *reportCache) subscribe(id int) {
	updates := make(chan []byte)
	go func() {
		for body := range updates {
			c.byID[id] = body
		}
	}()
}

// summarise builds garbage that the next GC frees: in the alloc columns only.
func summarise(id int) int {
	parts := make([]string, 0, 64)
	for i := 0; i < 64; i++ {
		parts = append(parts, fmt.Sprintf("%d/%d", id, i))
	}
	return len(strings.Join(parts, ","))
}

// writeLegacy writes the records as pprof's legacy heap text without the
// "#" symbol lines: the header, then "in: inB [alloc: allocB] @ pc..." per
// record (legacy_profile.go: heapHeaderRE, heapSampleRE).
func writeLegacy(path string, recs []runtime.MemProfileRecord) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	var t runtime.MemProfileRecord
	for _, r := range recs {
		t.AllocBytes += r.AllocBytes
		t.AllocObjects += r.AllocObjects
		t.FreeBytes += r.FreeBytes
		t.FreeObjects += r.FreeObjects
	}
	fmt.Fprintf(w, "heap profile: %d: %d [%d: %d] @ heap/%d\n", t.InUseObjects(), t.InUseBytes(),
		t.AllocObjects, t.AllocBytes, 2*runtime.MemProfileRate)
	for _, r := range recs {
		fmt.Fprintf(w, "%d: %d [%d: %d] @", r.InUseObjects(), r.InUseBytes(), r.AllocObjects, r.AllocBytes)
		for _, pc := range r.Stack() {
			fmt.Fprintf(w, " %#x", pc)
		}
		fmt.Fprintf(w, "\n")
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func memProfile() []runtime.MemProfileRecord {
	n, _ := runtime.MemProfile(nil, true)
	for {
		recs := make([]runtime.MemProfileRecord, n+50)
		m, ok := runtime.MemProfile(recs, true)
		if ok {
			return recs[:m]
		}
		n = m
	}
}

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: reportcache OUTDIR")
	}
	dir := os.Args[1]
	c := &reportCache{byID: map[int][]byte{}}
	total := 0
	for snap := 1; snap <= 2; snap++ {
		for id := len(c.byID); id < 1000*snap; id++ {
			c.remember(id)
			total += summarise(id)
		}
		log.Printf("cached %d reports, summaries %d bytes", len(c.byID), total)
		writeBoth(dir, snap)
		time.Sleep(1100 * time.Millisecond) // distinct time_nanos
	}
	for id := 0; id < 7; id++ {
		c.subscribe(id)
	}
	time.Sleep(100 * time.Millisecond) // the subscribers reach their receive
	writeGoroutines(dir)
	runtime.KeepAlive(c)
}

// writeGoroutines writes the goroutine profile as pprof's legacy text
// without symbol lines ("goroutine profile: total N", then "COUNT @ pc...":
// legacy_profile.go, parseGoCount) and as runtime/pprof's protobuf.
func writeGoroutines(dir string) {
	n, _ := runtime.GoroutineProfile(nil)
	recs := make([]runtime.StackRecord, n+10)
	n, ok := runtime.GoroutineProfile(recs)
	if !ok {
		log.Fatal("goroutine profile: more goroutines than records")
	}
	counts := map[string]int{}
	var order []string
	for _, r := range recs[:n] {
		var b strings.Builder
		for _, pc := range r.Stack() {
			fmt.Fprintf(&b, " %#x", pc)
		}
		if counts[b.String()] == 0 {
			order = append(order, b.String())
		}
		counts[b.String()]++
	}
	var out strings.Builder
	fmt.Fprintf(&out, "goroutine profile: total %d\n", n)
	for _, stk := range order {
		fmt.Fprintf(&out, "%d @%s\n", counts[stk], stk)
	}
	if err := os.WriteFile(filepath.Join(dir, "goroutine-legacy.txt"), []byte(out.String()), 0o644); err != nil {
		log.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, "goroutine.pb.gz"))
	if err != nil {
		log.Fatal(err)
	}
	if err := pprof.Lookup("goroutine").WriteTo(f, 0); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

// writeBoth writes snapshot n in both forms. Both writers read the cycle
// the GC publishes now: no GC runs between them.
func writeBoth(dir string, n int) {
	runtime.GC()
	recs := memProfile()
	if err := writeLegacy(filepath.Join(dir, fmt.Sprintf("heap-legacy-%d.txt", n)), recs); err != nil {
		log.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("heap-%d.pb.gz", n)))
	if err != nil {
		log.Fatal(err)
	}
	if err := pprof.WriteHeapProfile(f); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}
