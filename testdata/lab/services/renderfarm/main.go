// renderfarm: the studio's render queue. An artist submits a shot; the farm splits it into
// frames, queues them for its render nodes and answers at once with a job id; the job's
// coordinator waits until every frame is rendered, then assembles the shot. Artists check on
// their job every few seconds and submit the next shot when it is done. The farm has a few
// nodes for many artists, so a shot takes a minute or two.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math/rand"
	"net/http"
	_ "net/http/pprof"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

type frame struct {
	job   *job
	index int
	done  *sync.WaitGroup
}

type job struct {
	id       int
	artist   string
	shot     string
	frames   int
	rendered atomic.Int64
	state    atomic.Value // "queued", "rendering", "assembling", "done"
	began    time.Time
}

type farm struct {
	mu      sync.Mutex
	jobs    map[int]*job
	next    int
	frames  chan frame
	shots   atomic.Int64
	nodeOps atomic.Int64
}

func newFarm(nodes int) *farm {
	f := &farm{jobs: map[int]*job{}, frames: make(chan frame, 8192)}
	for i := 0; i < nodes; i++ {
		go f.renderNode(i)
	}
	return f
}

// submit registers a shot and starts its coordinator; it returns without waiting.
func (f *farm) submit(artist, shot string, frames int) *job {
	f.mu.Lock()
	f.next++
	j := &job{id: f.next, artist: artist, shot: shot, frames: frames, began: time.Now()}
	j.state.Store("queued")
	f.jobs[j.id] = j
	f.mu.Unlock()
	go f.coordinate(j)
	return j
}

// coordinate queues the job's frames and waits until the nodes have rendered all of them.
func (f *farm) coordinate(j *job) {
	var wg sync.WaitGroup
	wg.Add(j.frames)
	j.state.Store("rendering")
	for i := 0; i < j.frames; i++ {
		f.frames <- frame{job: j, index: i, done: &wg}
	}
	wg.Wait()
	j.state.Store("assembling")
	time.Sleep(time.Duration(100+rand.Intn(400)) * time.Millisecond)
	j.state.Store("done")
	f.shots.Add(1)
}

// renderNode renders frames off the shared queue, one at a time.
func (f *farm) renderNode(n int) {
	for fr := range f.frames {
		time.Sleep(time.Duration(120+rand.Intn(220)) * time.Millisecond)
		fr.job.rendered.Add(1)
		f.nodeOps.Add(1)
		fr.done.Done()
	}
}

func (f *farm) status(id int) (string, int, int) {
	f.mu.Lock()
	j := f.jobs[id]
	f.mu.Unlock()
	if j == nil {
		return "unknown", 0, 0
	}
	return j.state.Load().(string), int(j.rendered.Load()), j.frames
}

// forget drops a finished job once its artist has seen it.
func (f *farm) forget(id int) {
	f.mu.Lock()
	delete(f.jobs, id)
	f.mu.Unlock()
}

func (f *farm) handleJob(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.Atoi(r.URL.Query().Get("id"))
	state, done, total := f.status(id)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]interface{}{"id": id, "state": state, "rendered": done, "frames": total})
}

// artist works on shots: submits one, checks on it now and then, reviews it, submits the next.
func artist(f *farm, name string) {
	time.Sleep(time.Duration(rand.Intn(8000)) * time.Millisecond)
	for n := 1; ; n++ {
		j := f.submit(name, fmt.Sprintf("sq%02d_sh%03d", rand.Intn(40), n), 24+rand.Intn(48))
		for {
			time.Sleep(time.Duration(2+rand.Intn(4)) * time.Second)
			if state, _, _ := f.status(j.id); state == "done" {
				break
			}
		}
		f.forget(j.id)
		time.Sleep(time.Duration(2+rand.Intn(12)) * time.Second) // review, tweak
	}
}

func (f *farm) report(every time.Duration) {
	for range time.Tick(every) {
		f.mu.Lock()
		open := len(f.jobs)
		f.mu.Unlock()
		log.Printf("renderfarm: %d shots done, %d frames rendered, %d jobs open, %d frames queued",
			f.shots.Load(), f.nodeOps.Load(), open, len(f.frames))
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	f := newFarm(8)
	for i := 0; i < 60; i++ {
		go artist(f, fmt.Sprintf("artist%02d", i))
	}
	go f.report(20 * time.Second)
	http.HandleFunc("/jobs", f.handleJob)
	log.Printf("renderfarm: listening on %s", *addr)
	log.Fatal(http.ListenAndServe(*addr, nil))
}
