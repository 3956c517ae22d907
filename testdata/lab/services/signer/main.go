// signer issues signed download URLs for the media bucket. URLs are signed with a key the
// KMS rotates; a rotator fetches the next key and swaps it in under the keyring's lock, so
// that no request signs with a key that is being replaced.
package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

type signingKey struct {
	id     string
	secret []byte
	expiry time.Time
}

// keyring holds the current signing key; rotate replaces it.
type keyring struct {
	mu      sync.Mutex
	key     signingKey
	kms     string
	client  *http.Client
	rotated atomic.Int64
}

func (k *keyring) current() signingKey {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.key
}

// rotate asks the KMS for the next key while holding the lock.
func (k *keyring) rotate() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	resp, err := k.client.Get(k.kms + "/v1/keys/media-urls:rotate")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	secret, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	n := k.rotated.Add(1)
	k.key = signingKey{id: "k" + strconv.FormatInt(n, 10), secret: secret, expiry: time.Now().Add(2 * time.Second)}
	return nil
}

func (k *keyring) rotateLoop() {
	for range time.Tick(1500 * time.Millisecond) {
		if err := k.rotate(); err != nil {
			log.Printf("rotate: %v", err)
		}
	}
}

type signer struct {
	keys   *keyring
	issued atomic.Int64
}

func (s *signer) handleSign(w http.ResponseWriter, r *http.Request) {
	object := r.URL.Query().Get("object")
	if object == "" {
		http.Error(w, "missing object", http.StatusBadRequest)
		return
	}
	key := s.keys.current()
	expires := time.Now().Add(15 * time.Minute).Unix()
	mac := hmac.New(sha256.New, key.secret)
	fmt.Fprintf(mac, "%s\n%d", object, expires)
	s.issued.Add(1)
	fmt.Fprintf(w, "https://media.example.org/%s?expires=%d&key=%s&sig=%s\n", object, expires, key.id, hex.EncodeToString(mac.Sum(nil)))
}

// kmsStandIn plays the key management service: the fourth rotation lands on a replica
// that is failing over and holds the connection without answering.
func kmsStandIn(ln net.Listener) {
	var calls atomic.Int64
	failover := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/keys/media-urls:rotate", func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 4 {
			<-failover
		}
		secret := make([]byte, 32)
		for i := range secret {
			secret[i] = byte(calls.Load()) ^ byte(i*7)
		}
		w.Write(secret)
	})
	log.Fatal(http.Serve(ln, mux))
}

// mediaClients plays the web and mobile apps asking for download links.
func mediaClients(base string, requests int) {
	client := &http.Client{Timeout: 2 * time.Second}
	tick := time.NewTicker(300 * time.Millisecond)
	defer tick.Stop()
	for i := 0; i < requests; i++ {
		<-tick.C
		resp, err := client.Get(fmt.Sprintf("%s/v1/sign?object=photos/%06d.jpg", base, 40000+i))
		if err != nil {
			log.Printf("sign request failed: %v", err)
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	log.Printf("client replay finished")
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("listen: %v", err)
	}
	kmsLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatalf("listen: %v", err)
	}
	go kmsStandIn(kmsLn)
	keys := &keyring{kms: "http://" + kmsLn.Addr().String(), client: &http.Client{}}
	if err := keys.rotate(); err != nil {
		log.Fatalf("first key: %v", err)
	}
	go keys.rotateLoop()
	s := &signer{keys: keys}
	http.HandleFunc("/v1/sign", s.handleSign)
	log.Printf("signer listening on %s", ln.Addr())
	go mediaClients("http://"+ln.Addr().String(), 900)
	go func() {
		for range time.Tick(15 * time.Second) {
			log.Printf("signer: issued=%d rotations=%d", s.issued.Load(), keys.rotated.Load())
		}
	}()
	log.Fatal(http.Serve(ln, nil))
}
