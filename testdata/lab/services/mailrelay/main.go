// mailrelay accepts outbound mail over HTTP (/v1/send), renders the MIME message from
// the tenant's template and hands it to the smarthost. Providers report hard bounces
// late, so every accepted message gets a bounce watch: if no delivery status arrives
// within the watch window, the message is counted as silently dropped.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// bounceWindow is how long a provider may take to report a bounce.
const bounceWindow = 72 * time.Hour

type message struct {
	id        string
	tenant    string
	rcpt      string
	subject   string
	mime      []byte
	accepted  time.Time
	delivered bool
}

type relay struct {
	mu        sync.Mutex
	tmpl      map[string]string
	sent      atomic.Int64
	dropped   atomic.Int64
	smarthost io.Writer
	seq       atomic.Uint64
}

// render builds the MIME message for one recipient from the tenant's template.
func (r *relay) render(tenant, rcpt, subject string, vars url.Values) *message {
	r.mu.Lock()
	body := r.tmpl[tenant]
	r.mu.Unlock()
	pairs := make([]string, 0, 2*len(vars))
	for k := range vars {
		pairs = append(pairs, "{{"+k+"}}", vars.Get(k))
	}
	m := &message{
		id:       fmt.Sprintf("%s.%d@relay.example.net", tenant, r.seq.Add(1)),
		tenant:   tenant,
		rcpt:     rcpt,
		subject:  subject,
		accepted: time.Now(),
	}
	var b bytes.Buffer
	b.Grow(len(body) + 512)
	fmt.Fprintf(&b, "Message-ID: <%s>\r\nFrom: noreply@%s.example.com\r\nTo: %s\r\nSubject: %s\r\n",
		m.id, tenant, rcpt, subject)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n")
	strings.NewReplacer(pairs...).WriteString(&b, body)
	m.mime = b.Bytes()
	return m
}

// deliver hands the message to the smarthost and arms its bounce watch.
func (r *relay) deliver(m *message) {
	r.smarthost.Write(m.mime)
	m.delivered = true
	r.sent.Add(1)
	time.AfterFunc(bounceWindow, func() { r.expireWatch(m) })
}

// expireWatch runs when no delivery status arrived for the message in time.
func (r *relay) expireWatch(m *message) {
	if m.delivered {
		r.dropped.Add(1)
		log.Printf("no delivery status for %s to %s after %s", m.id, m.rcpt, bounceWindow)
	}
}

func (r *relay) handleSend(w http.ResponseWriter, req *http.Request) {
	q := req.URL.Query()
	tenant, rcpt := q.Get("tenant"), q.Get("to")
	if tenant == "" || rcpt == "" {
		http.Error(w, "tenant and to are required", http.StatusBadRequest)
		return
	}
	m := r.render(tenant, rcpt, q.Get("subject"), q)
	r.deliver(m)
	w.WriteHeader(http.StatusAccepted)
	fmt.Fprintf(w, "queued %s\n", m.id)
}

// newsletter is a tenant's HTML template, ~4 KB once rendered.
func newsletter(tenant string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<html><body><h1>%s weekly</h1><p>Hello {{name}},</p>\n", tenant)
	for i := 0; i < 24; i++ {
		fmt.Fprintf(&b, "<p class=\"item\">Item %d of this week's digest for {{name}}: "+
			"read more at https://%s.example.com/digest/{{week}}/%d</p>\n", i+1, tenant, i)
	}
	b.WriteString("<p>You receive this because you subscribed. Unsubscribe: {{unsub}}</p></body></html>\n")
	return b.String()
}

var tenants = []string{"acme", "globex", "initech", "umbrella", "hooli", "vandelay"}

// campaign sends one tenant's newsletter to its list, as the tenants' schedulers do.
func campaign(base string, n int) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(int64(n)))
	for i := 1; ; i++ {
		tenant := tenants[rng.Intn(len(tenants))]
		name := fmt.Sprintf("user%06d", rng.Intn(1000000))
		v := url.Values{"tenant": {tenant}, "to": {name + "@mail.example.org"}, "name": {name},
			"subject": {tenant + " weekly digest"}, "week": {fmt.Sprint(40 + i/500)},
			"unsub": {fmt.Sprintf("https://%s.example.com/u/%x", tenant, rng.Int63())}}
		resp, err := client.Post(base+"/v1/send?"+v.Encode(), "text/plain", nil)
		if err != nil {
			log.Printf("campaign %d: %v", n, err)
			time.Sleep(time.Second)
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if i%1000 == 0 {
			log.Printf("campaign %d: %d messages", n, i)
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
	r := &relay{tmpl: make(map[string]string), smarthost: io.Discard}
	for _, t := range tenants {
		r.tmpl[t] = newsletter(t)
	}
	http.HandleFunc("/v1/send", r.handleSend)
	for i := 0; i < 2; i++ {
		go campaign("http://"+*addr, i)
	}
	log.Printf("mailrelay: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
