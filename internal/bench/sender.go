package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// sender posts police documents to the hub's inbound endpoint.
type sender struct {
	client *http.Client
	url    string
}

// requestTimeout bounds one post, so a stuck hub ends a step as failures
// instead of hanging the bench.
const requestTimeout = 60 * time.Second

func newSender(hubAddr string, maxConns int) *sender {
	transport := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConnsPerHost: maxConns,
		IdleConnTimeout:     90 * time.Second,
	}
	return &sender{
		client: &http.Client{Transport: transport, Timeout: requestTimeout},
		url:    "http://" + hubAddr + "/api/v1/inbound/police",
	}
}

// closeIdle closes the kept-alive connections to the hub, whose buffers
// would otherwise count in heap measurements.
func (s *sender) closeIdle() {
	s.client.CloseIdleConnections()
}

// post sends body and returns the HTTP status and, for 200 and 202, the
// hub's message id.
func (s *sender) post(ctx context.Context, body []byte) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	reply, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return resp.StatusCode, "", fmt.Errorf("reading the hub's reply: %w", err)
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusAccepted {
		return resp.StatusCode, "", nil
	}
	var ack struct {
		MessageID string `json:"message_id"`
	}
	if err := json.Unmarshal(reply, &ack); err != nil || ack.MessageID == "" {
		return resp.StatusCode, "", fmt.Errorf("reading the hub's reply: no message_id in %.200q",
			reply)
	}
	return resp.StatusCode, ack.MessageID, nil
}

// recorder collects the outcomes of one step's posts. It is safe for
// concurrent use.
type recorder struct {
	mu       sync.Mutex // guards the fields below
	counts   Counts
	acks     []time.Duration      // latency of each 202
	sentAt   map[string]time.Time // send time of each accepted message, by hub id
	maxLag   time.Duration        // the latest a post started after its scheduled time
	firstErr error
}

func newRecorder() *recorder {
	return &recorder{sentAt: map[string]time.Time{}}
}

// send posts doc, which was due at scheduled, and records the outcome.
// The acknowledgement latency runs from scheduled, so an open-loop
// sender that fell behind its schedule still counts the wait.
func (r *recorder) send(ctx context.Context, s *sender, doc document, scheduled time.Time) {
	lag := time.Since(scheduled)
	status, id, err := s.post(ctx, doc.body)
	latency := time.Since(scheduled)

	r.mu.Lock()
	defer r.mu.Unlock()
	r.maxLag = max(r.maxLag, lag)
	r.counts.Sent++
	switch doc.kind {
	case kindInvalid:
		r.counts.GeneratedInvalid++
	case kindDuplicate:
		r.counts.GeneratedDuplicates++
	}
	switch {
	case err != nil:
		r.fail(fmt.Errorf("posting %s document: %w", doc.kind, err))
	case status == http.StatusAccepted:
		r.counts.Accepted++
		r.acks = append(r.acks, latency)
		r.sentAt[id] = scheduled
	case status == http.StatusOK:
		r.counts.Duplicates++
	case status == http.StatusBadRequest:
		r.counts.Invalid++
	case status == http.StatusServiceUnavailable:
		r.counts.Unavailable++
	default:
		r.fail(fmt.Errorf("posting %s document: hub responded with HTTP %d", doc.kind, status))
	}
}

// skip counts n scheduled posts that were never sent.
func (r *recorder) skip(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.counts.Skipped += n
}

// fail counts a failed post. The caller holds r.mu.
func (r *recorder) fail(err error) {
	r.counts.Failed++
	if r.firstErr == nil {
		r.firstErr = err
	}
}

// accepted returns the hub ids of the accepted messages.
func (r *recorder) accepted() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	ids := make([]string, 0, len(r.sentAt))
	for id := range r.sentAt {
		ids = append(ids, id)
	}
	return ids
}
