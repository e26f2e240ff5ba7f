// Package inbox records what a mock agency receives over HTTP. It
// deduplicates by the Idempotency-Key header, as a real receiver should,
// and exposes the record as JSON so tests and people can see it.
package inbox

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// maxBody is the largest body a mock accepts, in bytes.
const maxBody = 8 << 20

// Item is one distinct request a mock received.
type Item struct {
	// Key is the request's Idempotency-Key header.
	Key         string    `json:"key"`
	ContentType string    `json:"content_type"`
	Body        []byte    `json:"body"`
	ReceivedAt  time.Time `json:"received_at"`
	// Repeats counts later requests that carried the same key.
	Repeats int `json:"repeats"`
}

// Inbox is a deduplicating record of received requests. It is safe for
// concurrent use.
type Inbox struct {
	name string
	log  *slog.Logger

	mu    sync.Mutex // guards items and byKey
	items []*Item
	byKey map[string]*Item
}

// New returns an empty inbox for the mock named name.
func New(name string, log *slog.Logger) *Inbox {
	if log == nil {
		log = slog.Default()
	}
	return &Inbox{name: name, log: log, byKey: map[string]*Item{}}
}

// Receive reads r's body and records it. It reports whether the request
// is new; a repeat of a known Idempotency-Key only counts as a repeat.
// A request without the header is rejected with an error for the caller
// to answer with 400.
func (b *Inbox) Receive(r *http.Request) (item Item, fresh bool, err error) {
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		return Item{}, false, errMissingKey
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBody))
	if err != nil {
		return Item{}, false, err
	}

	b.mu.Lock()
	defer b.mu.Unlock()
	if old, ok := b.byKey[key]; ok {
		old.Repeats++
		b.log.Info("repeat ignored", "mock", b.name, "idempotency_key", key, "repeats", old.Repeats)
		return *old, false, nil
	}
	it := &Item{
		Key: key, ContentType: r.Header.Get("Content-Type"),
		Body: body, ReceivedAt: time.Now(),
	}
	b.items = append(b.items, it)
	b.byKey[key] = it
	b.log.Info("received", "mock", b.name, "idempotency_key", key, "bytes", len(body))
	return *it, true, nil
}

// Items returns a copy of everything received, oldest first.
func (b *Inbox) Items() []Item {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]Item, len(b.items))
	for i, it := range b.items {
		out[i] = *it
	}
	return out
}

// Len returns the number of distinct requests received.
func (b *Inbox) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.items)
}

// ServeHTTP lists the received items as JSON, for GET /received.
func (b *Inbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(b.Items())
}

type inboxError string

func (e inboxError) Error() string { return string(e) }

const errMissingKey = inboxError("missing Idempotency-Key header")

// Recorder returns a handler for a mock that only records: POST records
// the body (400 without an Idempotency-Key, 200 for new and repeated
// keys) and GET lists what was received.
func (b *Inbox) Recorder() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			b.ServeHTTP(w, r)
			return
		}
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "GET, POST")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		item, fresh, err := b.Receive(r)
		w.Header().Set("Content-Type", "application/json")
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			_ = json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"idempotency_key": item.Key, "repeat": !fresh})
	})
}
