// outbox relays the notifications other services post (order shipped, password changed)
// to the partners' webhooks, at least once: a message stays in the outbox until the
// partner acknowledges it, so that it can be sent again if the partner asks for a replay.
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
	"strconv"
	"time"
)

// message is one notification in the outbox, linked in the order it was posted.
type message struct {
	id        uint64
	partner   string
	topic     string
	payload   []byte
	postedAt  time.Time
	sentAt    time.Time
	attempts  int
	delivered bool
	acked     bool
	next      *message
}

// outbox is the queue of messages, oldest first; cursor is the next one to send.
type outbox struct {
	head, tail *message
	cursor     *message
	length     int
	lastID     uint64
}

func (o *outbox) push(m *message) {
	o.lastID++
	m.id = o.lastID
	if o.tail == nil {
		o.head, o.tail = m, m
	} else {
		o.tail.next = m
		o.tail = m
	}
	if o.cursor == nil {
		o.cursor = m
	}
	o.length++
}

// sendPending hands every message not yet sent to send, in order.
func (o *outbox) sendPending(send func(*message) error) int {
	n := 0
	for o.cursor != nil {
		m := o.cursor
		m.attempts++
		if err := send(m); err != nil {
			return n
		}
		m.delivered, m.sentAt = true, time.Now()
		o.cursor = m.next
		n++
	}
	return n
}

// ack marks a message acknowledged and drops the acknowledged prefix of the queue.
func (o *outbox) ack(id uint64) {
	for m := o.head; m != nil; m = m.next {
		if m.id == id {
			m.acked = true
			break
		}
	}
	for o.head != nil && o.head.acked {
		o.head = o.head.next
		o.length--
	}
	if o.head == nil {
		o.tail, o.cursor = nil, nil
	}
}

type notification struct {
	Partner string          `json:"partner"`
	Topic   string          `json:"topic"`
	Data    json.RawMessage `json:"data"`
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	posted := make(chan *message, 64)
	acks := make(chan uint64, 64)
	box := &outbox{}
	// the relay owns the outbox: it takes new messages, sends, and drops acknowledged ones
	go func() {
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		sent := 0
		for {
			select {
			case m := <-posted:
				box.push(m)
			case id := <-acks:
				box.ack(id)
			case <-tick.C:
				sent += box.sendPending(func(m *message) error { return nil })
				if sent%2000 < 20 {
					log.Printf("relay: %d sent, %d in the outbox", sent, box.length)
				}
			}
		}
	}()
	http.HandleFunc("/v1/notify", func(w http.ResponseWriter, r *http.Request) {
		var n notification
		if err := json.NewDecoder(r.Body).Decode(&n); err != nil || n.Partner == "" {
			http.Error(w, "bad notification", http.StatusBadRequest)
			return
		}
		posted <- &message{partner: n.Partner, topic: n.Topic, payload: []byte(n.Data), postedAt: time.Now()}
		w.WriteHeader(http.StatusAccepted)
	})
	// partners acknowledge with the id in the webhook's X-Outbox-Id header
	http.HandleFunc("/v1/ack", func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseUint(r.URL.Query().Get("id"), 10, 64)
		if err != nil {
			http.Error(w, "bad id", http.StatusBadRequest)
			return
		}
		acks <- id
	})
	go services("http://" + ln.Addr().String())
	log.Printf("outbox: listening on %s", ln.Addr())
	log.Fatal(http.Serve(ln, nil))
}

// services plays the shop's services posting notifications; no partner has wired up the
// acknowledgement yet.
func services(base string) {
	client := &http.Client{Timeout: 5 * time.Second}
	rng := rand.New(rand.NewSource(5))
	topics := []string{"order.shipped", "order.refunded", "account.password_changed", "invoice.issued"}
	for i := 0; ; i++ {
		var lines bytes.Buffer
		for k, n := 0, 4+rng.Intn(12); k < n; k++ {
			if k > 0 {
				lines.WriteByte(',')
			}
			fmt.Fprintf(&lines, `{"sku":"SKU-%06d","qty":%d,"title":"%s"}`, rng.Intn(1e6), 1+rng.Intn(4),
				"item "+strconv.FormatInt(rng.Int63(), 36)+" in colour "+strconv.Itoa(rng.Intn(40)))
		}
		body := fmt.Sprintf(`{"partner":"partner-%03d","topic":%q,"data":{"order":"ord_%09d","lines":[%s]}}`,
			rng.Intn(120), topics[rng.Intn(len(topics))], 1e8+i, lines.String())
		resp, err := client.Post(base+"/v1/notify", "application/json", bytes.NewBufferString(body))
		if err != nil {
			log.Printf("post: %v", err)
		} else {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		time.Sleep(2 * time.Millisecond)
	}
}
