package resilience

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/mocks/police"
)

// chargesheetTemplate is the police sample that every generated
// chargesheet copies.
const chargesheetTemplate = "chargesheet-2023-ipc"

// chargesheets builds valid police chargesheets that differ in their
// message_id and FIR number, so each is a new message of its own case.
// The hub takes one original final report per FIR, so each generator
// numbers its FIRs from a base of its own.
type chargesheets struct {
	template map[string]any
	prefix   string
	firBase  int
}

// generators counts the chargesheet generators made in this test binary,
// which gives each its own block of a million FIR numbers.
var generators atomic.Int64

func newChargesheets(t *testing.T, prefix string) *chargesheets {
	t.Helper()
	for _, s := range police.Samples() {
		if s.Name != chargesheetTemplate {
			continue
		}
		var doc map[string]any
		if err := json.Unmarshal(s.Body, &doc); err != nil {
			t.Fatalf("decoding sample %s: %v", s.Name, err)
		}
		block := int(generators.Add(1) % 90)
		return &chargesheets{template: doc, prefix: prefix, firBase: 100000 + block*1000000}
	}
	t.Fatalf("no police sample %q", chargesheetTemplate)
	return nil
}

// senderID returns the message_id of chargesheet n.
func (c *chargesheets) senderID(n int) string { return fmt.Sprintf("%s-%06d", c.prefix, n) }

// body returns chargesheet n as JSON. Its FIR number is the
// generator's base + n.
func (c *chargesheets) body(n int) []byte {
	doc := make(map[string]any, len(c.template))
	for k, v := range c.template {
		doc[k] = v
	}
	fir := map[string]any{}
	for k, v := range c.template["fir"].(map[string]any) {
		fir[k] = v
	}
	fir["number"] = c.firBase + n
	doc["fir"] = fir
	doc["message_id"] = c.senderID(n)
	out, err := json.Marshal(doc)
	if err != nil {
		panic(fmt.Sprintf("encoding chargesheet %d: %v", n, err)) // maps of JSON values marshal
	}
	return out
}

// loadCounts counts the hub's responses to a load generator.
type loadCounts struct {
	// Accepted counts 202 responses. Duplicates counts 200 responses,
	// each to a message posted again because the hub journaled an earlier
	// post but its response never reached the sender.
	Accepted, Duplicates int
	// NoResponse counts posts that got no response: connection refused
	// or reset while the hub was down.
	NoResponse int
	// Unavailable counts 503 responses.
	Unavailable int
	// Unexpected counts any other response, each listed in Errors.
	Unexpected int
	Errors     []string
}

// generator posts chargesheets to one or more hubs, in turn, and posts a
// message again with the same message_id until a hub responds 202 or 200.
type generator struct {
	docs   *chargesheets
	hubs   []string
	client *http.Client
	// retryWait is the pause before a message is posted again.
	retryWait time.Duration

	mu       sync.Mutex        // guards the fields below
	ids      map[string]string // hub message id by sender message id
	postedAt map[string]time.Time
	ackedAt  []time.Time
	counts   loadCounts
	next     int
	wg       sync.WaitGroup
}

func newGenerator(docs *chargesheets, hubs ...string) *generator {
	return &generator{
		docs: docs, hubs: hubs, retryWait: 50 * time.Millisecond,
		client:   &http.Client{Timeout: 15 * time.Second},
		ids:      map[string]string{},
		postedAt: map[string]time.Time{},
	}
}

// steady posts rate messages a second until ctx ends; each message is
// retried until giveUp ends. Call wait to let the retries finish.
func (g *generator) steady(ctx, giveUp context.Context, rate int) {
	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			g.start(giveUp)
		}
	}
}

// burst posts n messages at once, each retried until giveUp ends.
func (g *generator) burst(giveUp context.Context, n int) {
	for range n {
		g.start(giveUp)
	}
}

// start posts the next message in its own goroutine.
func (g *generator) start(giveUp context.Context) {
	g.mu.Lock()
	n := g.next
	g.next++
	g.mu.Unlock()
	g.wg.Go(func() { g.deliver(giveUp, n) })
}

// wait waits for every started message to be acknowledged or given up.
func (g *generator) wait() { g.wg.Wait() }

// deliver posts message n until a hub acknowledges it or ctx ends.
func (g *generator) deliver(ctx context.Context, n int) {
	body, sender := g.docs.body(n), g.docs.senderID(n)
	hub := g.hubs[n%len(g.hubs)]
	first := true
	for ctx.Err() == nil {
		start := time.Now()
		status, id, err := g.post(ctx, hub, body)
		switch {
		case err != nil:
			g.count(func(c *loadCounts) { c.NoResponse++ })
		case status == http.StatusAccepted || status == http.StatusOK:
			g.acknowledged(sender, id, start, status, first)
			return
		case status == http.StatusServiceUnavailable:
			g.count(func(c *loadCounts) { c.Unavailable++ })
		default:
			g.count(func(c *loadCounts) {
				c.Unexpected++
				c.Errors = append(c.Errors, fmt.Sprintf("%s: HTTP %d", sender, status))
			})
			return
		}
		first = false
		select {
		case <-ctx.Done():
		case <-time.After(g.retryWait):
		}
	}
}

func (g *generator) acknowledged(sender, id string, postedAt time.Time, status int, first bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.ids[sender] = id
	g.postedAt[sender] = postedAt
	g.ackedAt = append(g.ackedAt, time.Now())
	if status == http.StatusAccepted {
		g.counts.Accepted++
		return
	}
	g.counts.Duplicates++
	if first {
		// A message's first post cannot be a duplicate of an earlier one.
		g.counts.Unexpected++
		g.counts.Errors = append(g.counts.Errors, sender+": first post got 200 for a duplicate")
	}
}

func (g *generator) count(update func(*loadCounts)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	update(&g.counts)
}

// post sends body once and returns the status and the hub's message id.
func (g *generator) post(ctx context.Context, hub string, body []byte) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hub+"/api/v1/inbound/police",
		bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := g.client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, "", err
	}
	var out api.InboundResponse
	if resp.StatusCode == http.StatusAccepted || resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(data, &out); err != nil || out.MessageID == "" {
			return 0, "", fmt.Errorf("decoding response %q: %v", data, err)
		}
	}
	return resp.StatusCode, out.MessageID, nil
}

// results returns the counts and the hub message ids by sender message
// id of the acknowledged messages.
func (g *generator) results() (loadCounts, map[string]string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	ids := make(map[string]string, len(g.ids))
	for k, v := range g.ids {
		ids[k] = v
	}
	c := g.counts
	c.Errors = append([]string(nil), g.counts.Errors...)
	return c, ids
}

// started returns how many messages the generator has started.
func (g *generator) started() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.next
}

// postedAtOf returns when the acknowledged post of sender began.
func (g *generator) postedAtOf(sender string) time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.postedAt[sender]
}

// firstAckAfter returns how long after at the first acknowledgement
// arrived, or -1 when none did.
func (g *generator) firstAckAfter(at time.Time) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, acked := range g.ackedAt {
		if !acked.Before(at) {
			return acked.Sub(at)
		}
	}
	return -1
}
