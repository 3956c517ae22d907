// Command reportcache keeps every report it renders in a map nobody trims
// (the heap leak). After 1000 reports and again after 2000 it writes its
// heap profile twice from one runtime.MemProfile cycle: in pprof's legacy
// text format with raw pcs and no symbol lines (what runtime.MemProfile
// gives and older tools write), and as runtime/pprof's symbolised
// protobuf, the reference to compare with.
//
//	reportcache OUTDIR   writes OUTDIR/heap-legacy-{1,2}.txt, OUTDIR/heap-{1,2}.pb.gz
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
	runtime.KeepAlive(c)
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
