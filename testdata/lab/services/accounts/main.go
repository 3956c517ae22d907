// accounts serves user profiles. Every change is written to an audit trail that a
// shipper drains to the compliance archive; entries stay in memory until shipped.
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

type Profile struct {
	ID          string   `json:"id"`
	DisplayName string   `json:"display_name"`
	Email       string   `json:"email"`
	Locale      string   `json:"locale"`
	Bio         string   `json:"bio"`
	Tags        []string `json:"tags"`
}

type AuditEntry struct {
	At     time.Time
	Actor  string
	Action string
	Before []byte
	After  []byte
}

// AuditTrail buffers audit entries until the archive shipper confirms them.
type AuditTrail struct {
	mu      sync.Mutex
	entries []AuditEntry
	shipped int // entries[:shipped] are in the archive
	archive string
}

var audit = &AuditTrail{archive: "" /* AUDIT_ARCHIVE_URL unset in this environment */}

func (t *AuditTrail) record(e AuditEntry) {
	t.mu.Lock()
	t.entries = append(t.entries, e)
	t.mu.Unlock()
}

// ship sends the pending entries to the archive and drops the ones it confirmed.
func (t *AuditTrail) ship() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.archive == "" {
		return
	}
	t.shipped = len(t.entries)
	t.entries = nil
}

func (t *AuditTrail) pending() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.entries)
}

type directory struct {
	mu       sync.RWMutex
	profiles map[string]Profile
	updates  atomic.Int64
}

func (d *directory) handleUpdate(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPut {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var p Profile
	if err := json.Unmarshal(body, &p); err != nil || p.ID == "" {
		http.Error(w, "bad profile", http.StatusBadRequest)
		return
	}
	d.mu.Lock()
	old := d.profiles[p.ID]
	d.profiles[p.ID] = p
	d.mu.Unlock()
	before, _ := json.Marshal(old)
	audit.record(AuditEntry{At: time.Now(), Actor: r.Header.Get("X-User"), Action: "profile.update", Before: before, After: body})
	d.updates.Add(1)
	w.WriteHeader(http.StatusNoContent)
}

func (d *directory) handleGet(w http.ResponseWriter, r *http.Request) {
	d.mu.RLock()
	p, ok := d.profiles[r.URL.Query().Get("id")]
	d.mu.RUnlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(&p)
}

var words = strings.Fields("coffee hiking photography jazz running climbing chess gardening travel " +
	"cooking cycling painting reading sailing skiing surfing yoga baking birding kayaking")

// profileEditors plays users editing their profiles in the web app.
func profileEditors(base string) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(5))
	for n := 0; ; n++ {
		id := fmt.Sprintf("usr_%06d", rng.Intn(800))
		var bio strings.Builder
		for i := 0; i < 60+rng.Intn(120); i++ {
			bio.WriteString(words[rng.Intn(len(words))])
			bio.WriteByte(' ')
		}
		p := Profile{ID: id, DisplayName: "User " + id[4:], Email: id + "@example.org", Locale: []string{"en-GB", "de-DE", "fr-FR"}[rng.Intn(3)],
			Bio: bio.String(), Tags: []string{words[rng.Intn(len(words))], words[rng.Intn(len(words))]}}
		body, _ := json.Marshal(&p)
		req, _ := http.NewRequest(http.MethodPut, base+"/v1/profile", strings.NewReader(string(body)))
		req.Header.Set("X-User", id)
		if resp, err := client.Do(req); err != nil {
			log.Printf("editor: %v", err)
		} else {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		if n%4 == 0 {
			if resp, err := client.Get(base + "/v1/profile?id=" + id); err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}
		time.Sleep(8 * time.Millisecond)
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	d := &directory{profiles: map[string]Profile{}}
	http.HandleFunc("/v1/profile", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			d.handleGet(w, r)
			return
		}
		d.handleUpdate(w, r)
	})
	go func() {
		for range time.Tick(10 * time.Second) {
			audit.ship()
			log.Printf("stats: updates=%d audit_pending=%d", d.updates.Load(), audit.pending())
		}
	}()
	go profileEditors("http://" + *addr)
	log.Printf("accounts: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
