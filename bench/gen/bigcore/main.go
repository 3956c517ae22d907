// bigcore holds about 450 MiB of live heap in the shape of a leaking cache (a global map
// of 1.5 M entries to structs holding strings, slices and pointers), plus goroutines that
// hold their own buffers, then waits so that gcore can take its core (bench/gen/gen_bigcore.sh).
package main

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"
)

type Session struct {
	ID      uint64
	User    string
	Tags    []string
	Payload []byte
	Parent  *Session
	Seen    time.Time
	Scores  map[string]int
}

var (
	cache   = map[uint64]*Session{}
	mu      sync.Mutex
	history [][]byte
)

func worker(id int, ready *sync.WaitGroup, block chan struct{}) {
	local := make([]*Session, 0, 1000)
	for i := 0; i < 1000; i++ {
		local = append(local, &Session{ID: uint64(id*1000 + i), Payload: make([]byte, 512)})
	}
	ready.Done()
	<-block
	fmt.Println(len(local))
}

func main() {
	n := 1500000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	var prev *Session
	for i := 0; i < n; i++ {
		s := &Session{
			ID:      uint64(i),
			User:    "user-" + strconv.Itoa(i),
			Tags:    []string{"tag-" + strconv.Itoa(i%97), "region-" + strconv.Itoa(i%13)},
			Payload: make([]byte, 96+i%128),
			Parent:  prev,
			Seen:    time.Unix(int64(i), 0),
		}
		if i%100 == 0 {
			s.Scores = map[string]int{"a": i, "b": i + 1}
		}
		if i%10 == 0 {
			prev = s
		}
		mu.Lock()
		cache[uint64(i)] = s
		mu.Unlock()
		if i%1000 == 0 {
			history = append(history, make([]byte, 4096))
		}
	}
	var ready sync.WaitGroup
	block := make(chan struct{})
	for i := 0; i < 64; i++ {
		ready.Add(1)
		go worker(i, &ready, block)
	}
	ready.Wait()
	fmt.Println("ready", os.Getpid())
	for {
		time.Sleep(time.Hour)
	}
}
