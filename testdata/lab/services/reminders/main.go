// reminders books clinic appointments and texts each patient a reminder ahead of
// the visit. Every booked appointment gets its own reminder goroutine that waits
// for the reminder time or for the appointment to be moved or cancelled.
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
	"sync"
	"sync/atomic"
	"time"
)

type appointment struct {
	ID       int64     `json:"id"`
	Patient  string    `json:"patient"`
	Phone    string    `json:"phone"`
	Clinic   string    `json:"clinic"`
	RemindAt time.Time `json:"remind_at"`
	changed  chan struct{}
}

type scheduler struct {
	mu      sync.Mutex
	pending map[int64]*appointment
	nextID  int64
	sms     *smsClient
	sent    int64
	moved   int64
}

// book stores the appointment and starts its reminder.
func (s *scheduler) book(patient, phone, clinic string, lead time.Duration) *appointment {
	s.mu.Lock()
	s.nextID++
	a := &appointment{ID: s.nextID, Patient: patient, Phone: phone, Clinic: clinic,
		RemindAt: time.Now().Add(lead), changed: make(chan struct{})}
	s.pending[a.ID] = a
	s.mu.Unlock()
	go s.remind(a)
	return a
}

// reschedule moves an appointment: its reminder is stopped and a new one booked.
func (s *scheduler) reschedule(id int64, lead time.Duration) (*appointment, bool) {
	s.mu.Lock()
	a, ok := s.pending[id]
	if ok {
		delete(s.pending, id)
		close(a.changed)
	}
	s.mu.Unlock()
	if !ok {
		return nil, false
	}
	atomic.AddInt64(&s.moved, 1)
	return s.book(a.Patient, a.Phone, a.Clinic, lead), true
}

// remind waits until the reminder is due, or until the appointment changes.
func (s *scheduler) remind(a *appointment) {
	t := time.NewTimer(time.Until(a.RemindAt))
	defer t.Stop()
	select {
	case <-t.C:
	case <-a.changed:
		return
	}
	s.mu.Lock()
	delete(s.pending, a.ID)
	s.mu.Unlock()
	msg := fmt.Sprintf("Reminder: your appointment at %s. Reply C to cancel.", a.Clinic)
	if err := s.sms.send(a.Phone, msg); err != nil {
		log.Printf("reminder %d: %v", a.ID, err)
		return
	}
	atomic.AddInt64(&s.sent, 1)
}

type smsClient struct {
	base   string
	client *http.Client
}

func (c *smsClient) send(phone, text string) error {
	body, _ := json.Marshal(map[string]string{"to": phone, "text": text})
	resp, err := c.client.Post(c.base+"/messages", "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		return fmt.Errorf("sms gateway: %s", resp.Status)
	}
	return nil
}

// smsGateway stands in for the text-message provider.
func smsGateway() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatalf("sms gateway: %v", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/messages", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		time.Sleep(time.Duration(10+rand.Intn(40)) * time.Millisecond)
		w.WriteHeader(http.StatusAccepted)
	})
	go http.Serve(ln, mux)
	return "http://" + ln.Addr().String()
}

func (s *scheduler) handleBook(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Patient, Phone, Clinic string
		LeadSeconds            int
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.LeadSeconds <= 0 {
		http.Error(w, "bad booking", http.StatusBadRequest)
		return
	}
	a := s.book(req.Patient, req.Phone, req.Clinic, time.Duration(req.LeadSeconds)*time.Second)
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(a)
}

func (s *scheduler) handleMove(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ID          int64
		LeadSeconds int
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.LeadSeconds <= 0 {
		http.Error(w, "bad move", http.StatusBadRequest)
		return
	}
	a, ok := s.reschedule(req.ID, time.Duration(req.LeadSeconds)*time.Second)
	if !ok {
		http.Error(w, "no such appointment", http.StatusNotFound)
		return
	}
	json.NewEncoder(w).Encode(a)
}

// frontDesks replays the clinics' booking desks: ~3 bookings a second, and now and
// then a patient moving an appointment booked earlier.
func frontDesks(base string) {
	client := &http.Client{Timeout: 5 * time.Second}
	clinics := []string{"Northgate", "Riverside", "Old Town", "Harbour", "Westfield", "Elm Park"}
	var booked []int64
	for i := 0; ; i++ {
		time.Sleep(time.Duration(200+rand.Intn(260)) * time.Millisecond)
		if len(booked) > 20 && rand.Intn(7) == 0 {
			id := booked[rand.Intn(len(booked))]
			body, _ := json.Marshal(map[string]int64{"ID": id, "LeadSeconds": int64(30 + rand.Intn(120))})
			if resp, err := client.Post(base+"/appointments/move", "application/json", bytes.NewReader(body)); err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			continue
		}
		body, _ := json.Marshal(map[string]interface{}{
			"Patient": fmt.Sprintf("patient-%06d", rand.Intn(900000)), "Phone": fmt.Sprintf("+4420%08d", rand.Intn(1e8)),
			"Clinic": clinics[rand.Intn(len(clinics))], "LeadSeconds": 30 + rand.Intn(120)})
		resp, err := client.Post(base+"/appointments", "application/json", bytes.NewReader(body))
		if err != nil {
			log.Printf("booking: %v", err)
			continue
		}
		var a appointment
		json.NewDecoder(resp.Body).Decode(&a)
		resp.Body.Close()
		booked = append(booked, a.ID)
		if len(booked) > 400 {
			booked = booked[200:]
		}
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	s := &scheduler{pending: map[int64]*appointment{},
		sms: &smsClient{base: smsGateway(), client: &http.Client{Timeout: 5 * time.Second}}}
	http.HandleFunc("/appointments", s.handleBook)
	http.HandleFunc("/appointments/move", s.handleMove)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("listen: %v", err)
	}
	log.Printf("reminders listening on %s", ln.Addr())
	go frontDesks("http://" + ln.Addr().String())
	go func() {
		for range time.Tick(10 * time.Second) {
			s.mu.Lock()
			n := len(s.pending)
			s.mu.Unlock()
			log.Printf("reminders: pending=%d sent=%d moved=%d", n, atomic.LoadInt64(&s.sent), atomic.LoadInt64(&s.moved))
		}
	}()
	log.Fatal(http.Serve(ln, nil))
}
