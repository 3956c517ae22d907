// devicehub is the message hub of the building-sensor fleet. Devices publish readings to
// topics such as sites/berlin-3/devices/th-00af31-b7/temperature; a message published
// with retain set is kept as the topic's last known value, so a dashboard subscribing
// later gets the current state at once. Topics are kept in a tree of path segments.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
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

// topicNode is one path segment of the topic tree.
type topicNode struct {
	segment  string
	children map[string]*topicNode
	retained *message // last retained message published to exactly this topic
	subs     int
}

// message is a published payload with its metadata.
type message struct {
	topic     string
	payload   []byte
	qos       byte
	published time.Time
}

type hub struct {
	mu        sync.RWMutex
	topics    *topicNode
	published atomic.Int64
	retained  atomic.Int64
}

func newHub() *hub {
	return &hub{topics: &topicNode{children: make(map[string]*topicNode)}}
}

// node finds the topic's node, creating the path to it.
func (h *hub) node(topic string) *topicNode {
	n := h.topics
	for _, seg := range strings.Split(topic, "/") {
		c := n.children[seg]
		if c == nil {
			c = &topicNode{segment: seg, children: make(map[string]*topicNode)}
			n.children[seg] = c
		}
		n = c
	}
	return n
}

// publish delivers a message; with retain it becomes the topic's last known value. An
// empty retained payload clears it (the protocol's way of deleting a retained message).
func (h *hub) publish(topic string, payload []byte, retain bool) {
	h.published.Add(1)
	if !retain {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	n := h.node(topic)
	if len(payload) == 0 {
		n.retained = nil
		return
	}
	if n.retained == nil {
		h.retained.Add(1)
	}
	n.retained = &message{topic: topic, payload: payload, qos: 1, published: time.Now()}
}

// lastValues returns the retained messages under a topic prefix, for a new subscriber.
func (h *hub) lastValues(prefix string) int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	n := h.topics
	for _, seg := range strings.Split(prefix, "/") {
		if n = n.children[seg]; n == nil {
			return 0
		}
	}
	var count func(n *topicNode) int
	count = func(n *topicNode) int {
		c := 0
		if n.retained != nil {
			c++
		}
		for _, k := range n.children {
			c += count(k)
		}
		return c
	}
	return count(n)
}

// theHub is the process's one hub, shared by the HTTP bridge and the dashboards.
var theHub = newHub()

func handlePublish(w http.ResponseWriter, r *http.Request) {
	topic := strings.TrimPrefix(r.URL.Path, "/v1/publish/")
	if topic == "" || strings.ContainsAny(topic, "+#") {
		http.Error(w, "bad topic", http.StatusBadRequest)
		return
	}
	payload, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	theHub.publish(topic, payload, r.URL.Query().Get("retain") == "1")
	w.WriteHeader(http.StatusNoContent)
}

func handleLast(w http.ResponseWriter, r *http.Request) {
	n := theHub.lastValues(r.URL.Query().Get("prefix"))
	fmt.Fprintf(w, "{\"retained\":%d}\n", n)
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("/v1/publish/", handlePublish)
	http.HandleFunc("/v1/last", handleLast)
	go fleet("http://" + *addr)
	log.Printf("devicehub: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}

var sites = []string{"berlin-3", "hamburg-1", "munich-2", "vienna-1", "zurich-4", "prague-2"}
var metrics = []string{"temperature", "humidity", "co2", "occupancy", "status"}

// fleet plays the sensors. A sensor's client id carries its boot counter, and the
// firmware publishes its state under that id, so every reboot (watchdog resets are
// frequent) starts a new subtree; the old one's retained state is never cleared.
func fleet(base string) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(41))
	boots := make([]int, 400)
	for n := 1; ; n++ {
		d := rng.Intn(len(boots))
		if rng.Intn(3) == 0 {
			boots[d]++ // watchdog reset
		}
		site := sites[d%len(sites)]
		id := fmt.Sprintf("th-%06x-b%d", d*7919, boots[d])
		metric := metrics[rng.Intn(len(metrics))]
		reading := map[string]any{"device": id, "metric": metric, "value": 15 + rng.Float64()*12,
			"unit": "C", "fw": "4.2.17", "rssi": -40 - rng.Intn(50), "uptime_s": rng.Intn(90000),
			"calibration": map[string]any{"offset": rng.Float64(), "gain": 1 + rng.Float64()/10,
				"certified": "2024-03-11", "lab": "PTB-" + fmt.Sprint(rng.Intn(90))},
			"history": make([]float64, 40+rng.Intn(40))}
		for i := range reading["history"].([]float64) {
			reading["history"].([]float64)[i] = 15 + rng.Float64()*12
		}
		body, _ := json.Marshal(reading)
		url := fmt.Sprintf("%s/v1/publish/sites/%s/devices/%s/%s?retain=1", base, site, id, metric)
		resp, err := client.Post(url, "application/json", strings.NewReader(string(body)))
		if err != nil {
			log.Printf("fleet: %v", err)
		} else {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		if n%2000 == 0 {
			log.Printf("fleet: %d readings", n)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
