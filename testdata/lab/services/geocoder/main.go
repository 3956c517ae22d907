// geocoder turns free-text addresses into coordinates for the delivery apps. Every lookup
// is traced: its spans are batched per request and handed to the span exporter, which
// ships them to the tracing collector in the background so a slow collector never slows
// a lookup down.
package main

import (
	"bytes"
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
	"sync/atomic"
	"time"
)

// span is one timed step of a lookup.
type span struct {
	TraceID string            `json:"trace_id"`
	SpanID  string            `json:"span_id"`
	Name    string            `json:"name"`
	Start   int64             `json:"start_unix_nano"`
	Nanos   int64             `json:"duration_nano"`
	Attrs   map[string]string `json:"attributes"`
}

// spanBatch is the spans of one request, encoded once when it is queued.
type spanBatch struct {
	traceID string
	spans   int
	body    []byte
}

// SpanExporter takes finished span batches; implementations must not block the caller.
type SpanExporter interface {
	Export(b *spanBatch)
}

// batchExporter queues batches and posts them to the collector from one goroutine.
type batchExporter struct {
	collector string
	client    *http.Client
	queue     chan *spanBatch
	dropped   atomic.Int64
	sent      atomic.Int64
}

func newBatchExporter(collector string, capacity int) *batchExporter {
	e := &batchExporter{collector: collector, client: &http.Client{Timeout: 3 * time.Second},
		queue: make(chan *spanBatch, capacity)}
	go e.run()
	return e
}

// Export queues the batch, or drops it when the queue is full.
func (e *batchExporter) Export(b *spanBatch) {
	select {
	case e.queue <- b:
	default:
		e.dropped.Add(1)
	}
}

func (e *batchExporter) run() {
	for b := range e.queue {
		resp, err := e.client.Post(e.collector+"/v1/traces", "application/json", bytes.NewReader(b.body))
		if err != nil {
			log.Printf("exporter: %v (batch %s lost)", err, b.traceID)
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 400 && resp.StatusCode < 500 {
			// the collector says the data is malformed: sending it again cannot help
			log.Printf("exporter: collector rejected trace %s: %s; stopping export", b.traceID, resp.Status)
			return
		}
		e.sent.Add(1)
	}
}

// exporter is where the request handlers send their spans.
var exporter SpanExporter

type place struct {
	Label string  `json:"label"`
	Lat   float64 `json:"lat"`
	Lon   float64 `json:"lon"`
	Score float64 `json:"score"`
}

var streets = []string{"Rue de Rivoli", "Baker Street", "Unter den Linden", "Via del Corso", "Calle Mayor",
	"Nevsky Prospekt", "Karl Johans gate", "Rua Augusta", "Herengracht", "Mariahilfer Strasse"}

func randomID(rng *rand.Rand, n int) string {
	const hex = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = hex[rng.Intn(16)]
	}
	return string(b)
}

type geocoder struct {
	seed atomic.Int64
}

func (g *geocoder) lookup(query string, rng *rand.Rand) ([]place, []span) {
	traceID := randomID(rng, 32)
	started := time.Now()
	var spans []span
	step := func(name string, attrs map[string]string) {
		now := time.Now()
		spans = append(spans, span{TraceID: traceID, SpanID: randomID(rng, 16), Name: name,
			Start: now.UnixNano(), Nanos: int64(rng.Intn(900000)), Attrs: attrs})
	}
	tokens := strings.Fields(strings.ToLower(query))
	step("geocode.tokenize", map[string]string{"query": query, "tokens": fmt.Sprint(len(tokens))})
	var places []place
	for i := 0; i < 5; i++ {
		street := streets[rng.Intn(len(streets))]
		places = append(places, place{Label: fmt.Sprintf("%d %s", 1+rng.Intn(200), street),
			Lat: 40 + rng.Float64()*15, Lon: -5 + rng.Float64()*30, Score: rng.Float64()})
		step("geocode.candidate", map[string]string{"street": street, "shard": fmt.Sprintf("addr-%02d", rng.Intn(48)),
			"index.version": "2024-11-02", "cache": []string{"hit", "miss"}[rng.Intn(2)]})
	}
	step("geocode.rank", map[string]string{"candidates": "5", "model": "rank-v7", "locale": "en-GB"})
	if rng.Intn(40) == 0 {
		// lookups that fell back to the postcode table carry its region code
		step("geocode.postcode_fallback", map[string]string{"postcode.region": fmt.Sprintf("R%03d", rng.Intn(300))})
	}
	step("http.server", map[string]string{"http.route": "/v1/geocode", "elapsed": time.Since(started).String()})
	return places, spans
}

func (g *geocoder) handleGeocode(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("q")
	if q == "" {
		http.Error(w, "missing q", http.StatusBadRequest)
		return
	}
	rng := rand.New(rand.NewSource(g.seed.Add(1)))
	places, spans := g.lookup(q, rng)
	body, err := json.Marshal(map[string]any{"resourceSpans": spans})
	if err == nil {
		exporter.Export(&spanBatch{traceID: spans[0].TraceID, spans: len(spans), body: body})
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(places)
}

// collector stands in for the tracing collector: it rejects attribute keys it has no
// schema for.
func collector() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	known := map[string]bool{"query": true, "tokens": true, "street": true, "shard": true, "index.version": true,
		"cache": true, "candidates": true, "model": true, "locale": true, "http.route": true, "elapsed": true}
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/traces", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			ResourceSpans []span `json:"resourceSpans"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		for _, s := range req.ResourceSpans {
			for k := range s.Attrs {
				if !known[k] {
					http.Error(w, "unknown attribute "+k, http.StatusBadRequest)
					return
				}
			}
		}
		w.WriteHeader(http.StatusAccepted)
	})
	go http.Serve(ln, mux)
	return "http://" + ln.Addr().String()
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	exporter = newBatchExporter(collector(), 16384)
	g := &geocoder{}
	http.HandleFunc("/v1/geocode", g.handleGeocode)
	go deliveryApps("http://" + *addr)
	log.Printf("geocoder: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}

// deliveryApps plays the couriers' apps looking addresses up.
func deliveryApps(base string) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(11))
	for n := 1; ; n++ {
		q := fmt.Sprintf("%d %s", 1+rng.Intn(200), streets[rng.Intn(len(streets))])
		resp, err := client.Get(base + "/v1/geocode?q=" + strings.ReplaceAll(q, " ", "+"))
		if err != nil {
			log.Printf("app: %v", err)
		} else {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		if n%2000 == 0 {
			log.Printf("served %d lookups", n)
		}
		time.Sleep(3 * time.Millisecond)
	}
}
