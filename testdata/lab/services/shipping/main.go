// shipping collects parcels into one pickup manifest per carrier. A closer
// submits the open manifests to the carriers periodically; each parcel's
// dispatcher waits until its manifest is closed and then hands the parcel over.
package main

import (
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

type manifest struct {
	carrier string
	mu      sync.Mutex
	closed  *sync.Cond
	done    bool
	parcels []int
}

func newManifest(carrier string) *manifest {
	m := &manifest{carrier: carrier}
	m.closed = sync.NewCond(&m.mu)
	return m
}

func (m *manifest) awaitPickup(parcel int) {
	m.mu.Lock()
	m.parcels = append(m.parcels, parcel)
	for !m.done {
		m.closed.Wait()
	}
	m.mu.Unlock()
}

type depot struct {
	mu        sync.Mutex
	open      map[string]*manifest
	handedOff int64
}

func (d *depot) current(carrier string) *manifest {
	d.mu.Lock()
	defer d.mu.Unlock()
	m, ok := d.open[carrier]
	if !ok {
		m = newManifest(carrier)
		d.open[carrier] = m
	}
	return m
}

func submitToCarrier(m *manifest) error {
	if m.carrier == "freightline" {
		return errors.New("carrier API: manifest rejected, missing hazmat declaration")
	}
	return nil
}

func (d *depot) closeManifests(every time.Duration) {
	for range time.Tick(every) {
		for _, carrier := range []string{"parcelnet", "freightline", "swiftpost"} {
			m := d.current(carrier)
			if err := submitToCarrier(m); err != nil {
				continue
			}
			d.mu.Lock()
			delete(d.open, carrier)
			d.mu.Unlock()
			m.mu.Lock()
			m.done = true
			m.mu.Unlock()
			m.closed.Broadcast()
		}
	}
}

func (d *depot) dispatch(parcel int, carrier string) {
	d.current(carrier).awaitPickup(parcel)
	atomic.AddInt64(&d.handedOff, 1)
}

func (d *depot) handleParcel(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(r.URL.Query().Get("id"))
	if err != nil {
		http.Error(w, "bad parcel id", http.StatusBadRequest)
		return
	}
	go d.dispatch(id, r.URL.Query().Get("carrier"))
	w.WriteHeader(http.StatusAccepted)
}

// packingStation replays parcels scanned at the packing station.
func packingStation(base string, parcels int) {
	client := &http.Client{Timeout: 5 * time.Second}
	tick := time.NewTicker(167 * time.Millisecond)
	defer tick.Stop()
	carriers := []string{"parcelnet", "freightline", "swiftpost", "freightline"}
	for i := 0; i < parcels; i++ {
		<-tick.C
		resp, err := client.Get(fmt.Sprintf("%s/parcels?id=%d&carrier=%s", base, 50000+i, carriers[i%len(carriers)]))
		if err != nil {
			log.Printf("parcel scan failed: %v", err)
			continue
		}
		resp.Body.Close()
	}
	log.Printf("packing station replay finished")
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	d := &depot{open: make(map[string]*manifest)}
	go d.closeManifests(500 * time.Millisecond)
	http.HandleFunc("/parcels", d.handleParcel)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("listen: %v", err)
	}
	log.Printf("shipping listening on %s", ln.Addr())
	go packingStation("http://"+ln.Addr().String(), 900)
	go func() {
		for range time.Tick(10 * time.Second) {
			log.Printf("shipping: handed off %d parcels", atomic.LoadInt64(&d.handedOff))
		}
	}()
	log.Fatal(http.Serve(ln, nil))
}
