package bench

import (
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// receiver is the destination the hub delivers to: an in-process HTTP
// server on loopback that deduplicates by Idempotency-Key and records
// when each hub message first arrived. Unlike mocks/inbox it keeps no
// bodies, so its memory does not grow with the payload. It is safe for
// concurrent use.
type receiver struct {
	server   *http.Server
	listener net.Listener

	mu       sync.Mutex // guards the fields below
	keys     map[string]struct{}
	received map[string]time.Time // by X-Sangam-Message-Id
	repeats  int
	missing  int // requests without an Idempotency-Key
	// active counts the requests being served, and maxActive the most
	// at once: how many deliveries the hub had in flight to this
	// destination.
	active, maxActive int
	gate              chan struct{} // nil, or open while paused: requests wait for it to close
}

func startReceiver() (*receiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &receiver{
		listener: ln,
		keys:     map[string]struct{}{},
		received: map[string]time.Time{},
	}
	r.server = &http.Server{Handler: r, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = r.server.Serve(ln) }()
	return r, nil
}

// url returns the address deliveries go to.
func (r *receiver) url() string {
	return "http://" + r.listener.Addr().String() + "/deliveries"
}

// ServeHTTP records a delivery and responds 200. While the receiver is
// paused it holds each request until resume.
func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	gate := r.gate
	r.active++
	r.maxActive = max(r.maxActive, r.active)
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.active--
		r.mu.Unlock()
	}()
	if gate != nil {
		select {
		case <-gate:
		case <-req.Context().Done():
			return
		}
	}
	_, _ = io.Copy(io.Discard, req.Body)
	now := time.Now()
	key := req.Header.Get("Idempotency-Key")
	messageID := req.Header.Get("X-Sangam-Message-Id")

	r.mu.Lock()
	defer r.mu.Unlock()
	if key == "" {
		r.missing++
		http.Error(w, "missing Idempotency-Key header", http.StatusBadRequest)
		return
	}
	if _, seen := r.keys[key]; seen {
		r.repeats++
		return
	}
	r.keys[key] = struct{}{}
	if _, seen := r.received[messageID]; !seen {
		r.received[messageID] = now
	}
}

// pause makes the receiver hold every request until resume.
func (r *receiver) pause() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.gate == nil {
		r.gate = make(chan struct{})
	}
}

// resume releases the held requests and lets new ones through at once.
func (r *receiver) resume() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.gate != nil {
		close(r.gate)
		r.gate = nil
	}
}

// receivedAt returns when the first delivery of the hub message id
// arrived.
func (r *receiver) receivedAt(id string) (time.Time, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	t, ok := r.received[id]
	return t, ok
}

// counts returns the receiver's totals.
func (r *receiver) counts() ReceiverCounts {
	r.mu.Lock()
	defer r.mu.Unlock()
	return ReceiverCounts{Distinct: len(r.keys), Repeats: r.repeats, Missing: r.missing,
		MaxConcurrent: r.maxActive}
}

// deliveredBetween counts distinct messages first received in [from, to).
func (r *receiver) deliveredBetween(from, to time.Time) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, t := range r.received {
		if !t.Before(from) && t.Before(to) {
			n++
		}
	}
	return n
}

func (r *receiver) close() error {
	r.resume()
	return r.server.Close()
}
