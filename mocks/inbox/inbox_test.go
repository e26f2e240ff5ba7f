package inbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// newServer starts a server on loopback whose POSTs go to b.Receive:
// 201 for a new request, 200 for a repeat and 400 with the error for a
// rejected one. Its GETs list the received items.
func newServer(t *testing.T, b *Inbox) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			b.ServeHTTP(w, r)
			return
		}
		_, fresh, err := b.Receive(r)
		switch {
		case err != nil:
			http.Error(w, err.Error(), http.StatusBadRequest)
		case fresh:
			w.WriteHeader(http.StatusCreated)
		default:
			w.WriteHeader(http.StatusOK)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func newInbox() *Inbox {
	return New("test", slog.New(slog.DiscardHandler))
}

// post sends body to url with the Idempotency-Key key, none when key is
// empty, and returns the status and response body.
func post(t *testing.T, url, key, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	text, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading response: %v", err)
	}
	return resp.StatusCode, string(text)
}

func TestReceiveDeduplicates(t *testing.T) {
	b := newInbox()
	srv := newServer(t, b)

	if status, _ := post(t, srv.URL, "key-1", `{"n":1}`); status != http.StatusCreated {
		t.Errorf("first request: status %d, want 201", status)
	}
	for i := range 2 {
		status, _ := post(t, srv.URL, "key-1", `{"n":"changed"}`)
		if status != http.StatusOK {
			t.Errorf("repeat %d: status %d, want 200", i+1, status)
		}
	}
	if status, _ := post(t, srv.URL, "key-2", `{"n":2}`); status != http.StatusCreated {
		t.Errorf("second key: status %d, want 201", status)
	}

	items := b.Items()
	if b.Len() != 2 || len(items) != 2 {
		t.Fatalf("Len = %d with %d items, want 2 distinct requests", b.Len(), len(items))
	}
	first := items[0]
	if first.Key != "key-1" || string(first.Body) != `{"n":1}` {
		t.Errorf("first item = key %q, body %s; want key-1 with the first body", first.Key, first.Body)
	}
	if first.Repeats != 2 {
		t.Errorf("first item Repeats = %d, want 2", first.Repeats)
	}
	if first.ContentType != "application/json" {
		t.Errorf("first item ContentType = %q, want application/json", first.ContentType)
	}
	if first.ReceivedAt.IsZero() {
		t.Errorf("first item ReceivedAt is zero")
	}
	if items[1].Key != "key-2" || items[1].Repeats != 0 {
		t.Errorf("second item = key %q with %d repeats, want key-2 with 0",
			items[1].Key, items[1].Repeats)
	}
}

func TestReceiveRepeatReturnsOriginal(t *testing.T) {
	b := newInbox()
	first := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("original"))
	first.Header.Set("Idempotency-Key", "k")
	if _, fresh, err := b.Receive(first); err != nil || !fresh {
		t.Fatalf("first Receive: fresh %t, error %v; want fresh", fresh, err)
	}

	again := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("other"))
	again.Header.Set("Idempotency-Key", "k")
	item, fresh, err := b.Receive(again)
	if err != nil {
		t.Fatalf("repeat Receive: %v", err)
	}
	if fresh {
		t.Errorf("repeat Receive: fresh = true, want false")
	}
	if string(item.Body) != "original" {
		t.Errorf("repeat Receive body = %q, want the original's", item.Body)
	}
	if item.Repeats != 1 {
		t.Errorf("repeat Receive Repeats = %d, want 1", item.Repeats)
	}
}

func TestReceiveMissingKey(t *testing.T) {
	b := newInbox()
	srv := newServer(t, b)

	status, body := post(t, srv.URL, "", `{"n":1}`)
	if status != http.StatusBadRequest {
		t.Errorf("status = %d, want 400", status)
	}
	if !strings.Contains(body, "Idempotency-Key") {
		t.Errorf("response %q does not name the Idempotency-Key header", body)
	}
	if b.Len() != 0 {
		t.Errorf("Len = %d after a request without a key, want 0", b.Len())
	}

	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("x"))
	if _, _, err := b.Receive(r); !errors.Is(err, errMissingKey) {
		t.Errorf("Receive without a key: error = %v, want errMissingKey", err)
	}
}

func TestReceiveTooLarge(t *testing.T) {
	b := newInbox()
	r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(make([]byte, maxBody+1)))
	r.Header.Set("Idempotency-Key", "big")

	_, _, err := b.Receive(r)
	var tooLarge *http.MaxBytesError
	if !errors.As(err, &tooLarge) {
		t.Errorf("Receive of %d bytes: error = %v, want *http.MaxBytesError", maxBody+1, err)
	}
	if b.Len() != 0 {
		t.Errorf("Len = %d after a rejected body, want 0", b.Len())
	}
}

func TestReceiveConcurrent(t *testing.T) {
	const senders, keys = 8, 5
	b := newInbox()
	srv := newServer(t, b)

	// Every sender posts every key once, so each key arrives senders
	// times and exactly one of those is new.
	created := make([]int, senders)
	var wg sync.WaitGroup
	for s := range senders {
		wg.Go(func() {
			for k := range keys {
				body := strings.NewReader(fmt.Sprintf("from %d", s))
				req, _ := http.NewRequest(http.MethodPost, srv.URL, body)
				req.Header.Set("Idempotency-Key", fmt.Sprintf("key-%d", k))
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Errorf("sender %d, key %d: %v", s, k, err)
					continue
				}
				resp.Body.Close()
				if resp.StatusCode == http.StatusCreated {
					created[s]++
				}
			}
		})
	}
	wg.Wait()

	total := 0
	for _, n := range created {
		total += n
	}
	if total != keys {
		t.Errorf("%d requests were new, want %d, one per key", total, keys)
	}
	if b.Len() != keys {
		t.Errorf("Len = %d, want %d", b.Len(), keys)
	}
	for _, it := range b.Items() {
		if it.Repeats != senders-1 {
			t.Errorf("item %s Repeats = %d, want %d", it.Key, it.Repeats, senders-1)
		}
	}
}

func TestServeHTTPListsItems(t *testing.T) {
	b := newInbox()
	srv := newServer(t, b)
	post(t, srv.URL, "key-1", `{"n":1}`)
	post(t, srv.URL, "key-1", `{"n":1}`)

	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatalf("GET: %v", err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	var items []Item
	if err := json.NewDecoder(resp.Body).Decode(&items); err != nil {
		t.Fatalf("decoding listing: %v", err)
	}
	if len(items) != 1 {
		t.Fatalf("listing has %d items, want 1", len(items))
	}
	if items[0].Key != "key-1" || string(items[0].Body) != `{"n":1}` || items[0].Repeats != 1 {
		t.Errorf("listed item = key %q, body %s, %d repeats; want key-1, {\"n\":1}, 1",
			items[0].Key, items[0].Body, items[0].Repeats)
	}
}

func TestRecorderRecordsOnce(t *testing.T) {
	box := New("recorder", nil)
	srv := httptest.NewServer(box.Recorder())
	defer srv.Close()
	for range 2 {
		req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(`{"a":1}`))
		req.Header.Set("Idempotency-Key", "k1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("status %d, want 200", resp.StatusCode)
		}
	}
	resp, err := http.Post(srv.URL, "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("without a key: status %d, want 400", resp.StatusCode)
	}
	if box.Len() != 1 {
		t.Errorf("recorded %d items, want 1", box.Len())
	}
}
