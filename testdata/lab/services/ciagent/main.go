// ciagent: a build agent for the company's CI. It runs a fixed number of executors (the
// host's slots, from its config); each takes the next queued job step and runs it as a child
// process (the agent's own binary in step mode here, a test shard's runner in production),
// its output captured into the job's log. Test shards run from seconds to a few minutes.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math/rand"
	"net/http"
	_ "net/http/pprof"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// agentConfig is what the agent reads at start: how many executors this host runs.
type agentConfig struct {
	Executors int
	Pipelines []string
}

type step struct {
	id       int
	pipeline string
	shard    int
	seconds  int
}

type stepResult struct {
	id       int
	exitCode int
	logBytes int
	took     time.Duration
}

type agent struct {
	cfg      agentConfig
	queue    chan step
	self     string
	mu       sync.Mutex
	running  map[int]step
	history  []stepResult
	started  atomic.Int64
	finished atomic.Int64
	failed   atomic.Int64
}

func newAgent(cfg agentConfig, self string) *agent {
	return &agent{cfg: cfg, queue: make(chan step, 256), self: self, running: map[int]step{}}
}

// executor runs queued steps one after another, for the life of the agent.
func (a *agent) executor(slot int) {
	for st := range a.queue {
		a.mu.Lock()
		a.running[slot] = st
		a.mu.Unlock()
		res := a.runStep(st)
		a.mu.Lock()
		delete(a.running, slot)
		a.history = append(a.history, res)
		if len(a.history) > 500 {
			a.history = a.history[len(a.history)-500:]
		}
		a.mu.Unlock()
	}
}

// runStep runs one step as a child process and waits for it, keeping its output as the log.
func (a *agent) runStep(st step) stepResult {
	var out bytes.Buffer
	cmd := exec.Command(a.self, "-step", st.pipeline+"/"+strconv.Itoa(st.shard), "-seconds", strconv.Itoa(st.seconds))
	cmd.Stdout = &out
	cmd.Stderr = &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	t0 := time.Now()
	a.started.Add(1)
	err := cmd.Run()
	res := stepResult{id: st.id, logBytes: out.Len(), took: time.Since(t0)}
	if err != nil {
		res.exitCode = 1
		if ee, ok := err.(*exec.ExitError); ok {
			res.exitCode = ee.ExitCode()
		}
		a.failed.Add(1)
	}
	a.finished.Add(1)
	return res
}

// schedule keeps the queue fed: pipelines push their test shards as commits land.
func (a *agent) schedule() {
	id := 0
	for {
		p := a.cfg.Pipelines[rand.Intn(len(a.cfg.Pipelines))]
		shards := 4 + rand.Intn(12)
		for s := 0; s < shards; s++ {
			id++
			secs := 15 + rand.Intn(60)
			if rand.Intn(4) == 0 {
				secs = 60 + rand.Intn(120) // integration shards
			}
			a.queue <- step{id: id, pipeline: p, shard: s, seconds: secs}
		}
		time.Sleep(time.Duration(500+rand.Intn(2000)) * time.Millisecond)
	}
}

func (a *agent) handleStatus(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	running := len(a.running)
	done := len(a.history)
	a.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]interface{}{
		"executors": a.cfg.Executors, "running": running, "queued": len(a.queue),
		"finished": a.finished.Load(), "failed": a.failed.Load(), "recent": done,
	})
}

// runAsStep is the child's side: a test shard that prints its progress and exits.
func runAsStep(name string, seconds int) {
	fmt.Printf("shard %s: starting (%d s)\n", name, seconds)
	for i := 0; i < seconds; i++ {
		time.Sleep(time.Second)
		if i%10 == 9 {
			fmt.Printf("shard %s: %d tests passed\n", name, (i+1)*7)
		}
	}
	if rand.Intn(20) == 0 {
		fmt.Printf("shard %s: FAIL\n", name)
		os.Exit(1)
	}
	fmt.Printf("shard %s: ok\n", name)
}

func (a *agent) report(every time.Duration) {
	for range time.Tick(every) {
		log.Printf("ciagent: %d steps started, %d finished, %d failed, %d queued",
			a.started.Load(), a.finished.Load(), a.failed.Load(), len(a.queue))
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	stepName := flag.String("step", "", "run as a job step (child mode)")
	seconds := flag.Int("seconds", 10, "step duration (child mode)")
	flag.Parse()
	if *stepName != "" {
		runAsStep(*stepName, *seconds)
		return
	}
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	self, err := os.Executable()
	if err != nil {
		log.Fatal(err)
	}
	cfg := agentConfig{Executors: 64, Pipelines: []string{"web", "api", "billing", "search", "mobile-ios", "mobile-android", "infra"}}
	a := newAgent(cfg, self)
	for i := 0; i < cfg.Executors; i++ {
		go a.executor(i)
	}
	go a.schedule()
	go a.report(20 * time.Second)
	http.HandleFunc("/status", a.handleStatus)
	log.Printf("ciagent: %d executors, listening on %s", cfg.Executors, *addr)
	log.Fatal(http.ListenAndServe(*addr, nil))
}
