package journaltest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/journal"
)

// Topics the suite publishes on. Each destination has its own topic.
const (
	topicCourt  = "journaltest_court"
	topicPrison = "journaltest_prison"
	// topicMissing is never initialized, so publishing on it fails.
	topicMissing = "journaltest_missing"
)

// ist is India Standard Time, UTC+05:30.
var ist = time.FixedZone("IST", 5*3600+30*60)

// destinations maps each destination the suite uses to its topic.
var destinations = map[string]string{"court": topicCourt, "prison": topicPrison}

// newEntry returns an entry for a new FIR from sender id sender, routed to
// dests (keys of destinations), with times in IST at whole microseconds.
func newEntry(t *testing.T, h Harness, sender string, dests ...string) journal.Entry {
	t.Helper()
	occurred := time.Date(2026, time.March, 14, 22, 15, 30, 123456000, ist)
	m := canonical.Message{
		ID:              uuid.NewString(),
		Type:            canonical.TypeFIR,
		Source:          "kerala-police",
		SenderMessageID: sender,
		CorrelationID:   "corr-" + sender,
		CaseKey:         "KL/TVM/0042/2026/0117",
		OccurredAt:      occurred,
		ReceivedAt:      time.Date(2026, time.March, 15, 9, 0, 1, 654321000, ist),
		SchemaVersion:   canonical.SchemaVersion,
		FIR: &canonical.FIR{
			RegisteredAt:     occurred.Add(90 * time.Minute),
			FirstInformation: "Two-wheeler stolen from the market.",
		},
	}

	e := journal.Entry{
		Message:       m,
		Raw:           []byte(`{"fir_no":"0117/2026"}`),
		ContentType:   "application/json",
		RoutesVersion: "routes-v7",
		Routing: []journal.RouteDecision{
			{Route: "passport-verification", Matched: false, Reason: "false"},
		},
	}
	for _, d := range dests {
		addDelivery(t, h, &e, d)
	}
	return e
}

// addDelivery adds a pending delivery to d, its route decision and its
// outbox message.
func addDelivery(t *testing.T, h Harness, e *journal.Entry, dest string) journal.NewDelivery {
	t.Helper()
	topic, ok := destinations[dest]
	if !ok {
		t.Fatalf("test destination %q is not one of %v", dest, destinations)
	}
	h.InitializeTopic(t, topic)

	d := journal.NewDelivery{ID: uuid.NewString(), Destination: dest, Route: "fir-to-" + dest}
	e.Deliveries = append(e.Deliveries, d)
	e.Routing = append(e.Routing, journal.RouteDecision{
		Route: d.Route, Matched: true, Reason: "true", Destinations: []string{dest},
	})
	e.Outbox = append(e.Outbox, journal.Outgoing{Topic: topic, Message: command(d, e.Message.ID)})
	return d
}

// command returns the bus message that requests delivery d.
func command(d journal.NewDelivery, messageID string) *message.Message {
	payload := fmt.Sprintf(`{"delivery_id":%q,"message_id":%q}`, d.ID, messageID)
	msg := message.NewMessage(d.ID, []byte(payload))
	msg.Metadata.Set("destination", d.Destination)
	msg.Metadata.Set("message_id", messageID)
	return msg
}

// accept accepts e and fails t unless it is journaled as a new message.
func accept(t *testing.T, h Harness, e journal.Entry) journal.Receipt {
	t.Helper()
	r, err := h.Store.Accept(context.Background(), e)
	if err != nil {
		t.Fatalf("Accept: %v", err)
	}
	if r.Duplicate {
		t.Fatalf("Accept: Duplicate = true for a new message")
	}
	return r
}

func journey(t *testing.T, h Harness, messageID string) journal.Journey {
	t.Helper()
	j, err := h.Store.Journey(context.Background(), messageID)
	if err != nil {
		t.Fatalf("Journey(%s): %v", messageID, err)
	}
	return j
}

func delivery(t *testing.T, h Harness, id string) (journal.Delivery, canonical.Message) {
	t.Helper()
	d, m, err := h.Store.Delivery(context.Background(), id)
	if err != nil {
		t.Fatalf("Delivery(%s): %v", id, err)
	}
	return d, m
}

// wantNotFound fails t unless the journal has no message messageID and
// none of the deliveries.
func wantNotFound(t *testing.T, h Harness, messageID string, deliveries []journal.NewDelivery) {
	t.Helper()
	ctx := context.Background()
	if _, err := h.Store.Journey(ctx, messageID); !errors.Is(err, journal.ErrNotFound) {
		t.Errorf("Journey(%s) error = %v, want ErrNotFound", messageID, err)
	}
	for _, d := range deliveries {
		if _, _, err := h.Store.Delivery(ctx, d.ID); !errors.Is(err, journal.ErrNotFound) {
			t.Errorf("Delivery(%s) error = %v, want ErrNotFound", d.ID, err)
		}
	}
}

// outboxIDs returns the UUIDs of the messages published on topic.
func outboxIDs(t *testing.T, h Harness, topic string) []string {
	t.Helper()
	var ids []string
	for _, m := range h.Outbox(t, topic) {
		ids = append(ids, m.UUID)
	}
	return ids
}

// canonicalJSON returns m as JSON, for comparing messages.
func canonicalJSON(t *testing.T, m canonical.Message) string {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatalf("encoding canonical message: %v", err)
	}
	return string(b)
}

// offset returns t's offset from UTC in seconds.
func offset(t time.Time) int {
	_, off := t.Zone()
	return off
}
