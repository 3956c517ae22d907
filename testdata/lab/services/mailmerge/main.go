// mailmerge: renders campaign e-mails, one per recipient, for the outbound mail relay. Jobs
// come off a queue; long-lived workers render each with the campaign's template and hand it
// to the relay. Every job carries its metadata in the context so that the renderer's and the
// relay client's log lines can say which job they belong to.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"math/rand"
	"net"
	"net/http"
	_ "net/http/pprof"
	"strings"
	"sync/atomic"
	"text/template"
	"time"
)

type job struct {
	id        int64
	campaign  int32
	recipient int64
	attempt   int32
}

type jobMeta struct {
	id       int64
	campaign int32
	attempt  int32
	started  time.Time
}

type jobKey struct{}

func metaOf(ctx context.Context) *jobMeta {
	m, _ := ctx.Value(jobKey{}).(*jobMeta)
	return m
}

var tmpl = template.Must(template.New("mail").Parse(
	"Subject: {{.Subject}}\r\nTo: customer-{{.Recipient}}@example.com\r\n\r\nHello {{.Name}},\r\n\r\n{{.Body}}\r\n\r\nUnsubscribe: https://example.com/u/{{.Recipient}}\r\n"))

type mailer struct {
	queue    chan job
	rendered atomic.Int64
	bytes    atomic.Int64
	relayed  atomic.Int64
}

func (m *mailer) render(ctx context.Context, j job) (string, error) {
	var b strings.Builder
	err := tmpl.Execute(&b, map[string]interface{}{
		"Subject":   fmt.Sprintf("Campaign %d: this week's offers", j.campaign),
		"Recipient": j.recipient,
		"Name":      fmt.Sprintf("Customer %d", j.recipient%10000),
		"Body":      strings.Repeat("Our best prices of the season are here. ", 3),
	})
	if err != nil {
		return "", fmt.Errorf("job %d: %w", metaOf(ctx).id, err)
	}
	return b.String(), nil
}

func (m *mailer) relay(ctx context.Context, msg string) error {
	if meta := metaOf(ctx); meta.attempt > 3 {
		return fmt.Errorf("job %d: too many attempts", meta.id)
	}
	m.relayed.Add(1)
	m.bytes.Add(int64(len(msg)))
	return nil
}

// run is one long-lived worker: it takes jobs off the queue until the service stops.
func (m *mailer) run(ctx context.Context, worker int) {
	done := ctx.Done()
	for {
		select {
		case <-done:
			return
		case j := <-m.queue:
			ctx = context.WithValue(ctx, jobKey{}, &jobMeta{id: j.id, campaign: j.campaign, attempt: j.attempt, started: time.Now()})
			msg, err := m.render(ctx, j)
			if err == nil {
				err = m.relay(ctx, msg)
			}
			if err != nil {
				log.Printf("worker %d: %v", worker, err)
				continue
			}
			m.rendered.Add(1)
		}
	}
}

// scheduler releases each campaign's recipients to the queue at the relay's agreed rate.
func (m *mailer) scheduler() {
	rng := rand.New(rand.NewSource(3))
	var id int64
	campaign := int32(100)
	for range time.Tick(10 * time.Millisecond) {
		if rng.Intn(3000) == 0 {
			campaign++
		}
		for k := 0; k < 9; k++ {
			id++
			m.queue <- job{id: id, campaign: campaign, recipient: 1000000 + rng.Int63n(9000000), attempt: 1}
		}
	}
}

func (m *mailer) handleStats(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintf(w, "rendered %d, relayed %d (%d bytes), queued %d\n", m.rendered.Load(), m.relayed.Load(), m.bytes.Load(), len(m.queue))
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	m := &mailer{queue: make(chan job, 1024)}
	ctx := context.Background()
	for w := 1; w <= 4; w++ {
		go m.run(ctx, w)
	}
	go m.scheduler()
	http.HandleFunc("/stats", m.handleStats)
	go func() {
		for range time.Tick(15 * time.Second) {
			log.Printf("stats: rendered=%d relayed=%d", m.rendered.Load(), m.relayed.Load())
		}
	}()
	log.Printf("mailmerge: listening on %s", *addr)
	log.Fatal(http.Serve(ln, nil))
}
