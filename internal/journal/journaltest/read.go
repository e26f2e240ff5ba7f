package journaltest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/journal"
)

func testDeliveryKeepsOffsets(t *testing.T, h Harness) {
	e := newEntry(t, h, "fir-offsets", "court")
	accept(t, h, e)

	d, m := delivery(t, h, e.Deliveries[0].ID)
	if d.ID != e.Deliveries[0].ID || d.MessageID != e.Message.ID {
		t.Errorf("Delivery = %s of message %s, want %s of %s",
			d.ID, d.MessageID, e.Deliveries[0].ID, e.Message.ID)
	}
	if d.Status != journal.StatusPending || len(d.Attempts) != 0 {
		t.Errorf("Delivery: status %q with %d attempts, want pending with none",
			d.Status, len(d.Attempts))
	}
	if got, want := canonicalJSON(t, m), canonicalJSON(t, e.Message); got != want {
		t.Errorf("Delivery message =\n%s\nwant\n%s", got, want)
	}

	const istOffset = 5*3600 + 30*60
	for _, f := range []struct {
		name      string
		got, want time.Time
	}{
		{"OccurredAt", m.OccurredAt, e.Message.OccurredAt},
		{"ReceivedAt", m.ReceivedAt, e.Message.ReceivedAt},
		{"FIR.RegisteredAt", m.FIR.RegisteredAt, e.Message.FIR.RegisteredAt},
	} {
		if !f.got.Equal(f.want) {
			t.Errorf("message %s = %v, want %v", f.name, f.got, f.want)
		}
		if offset(f.got) != istOffset {
			t.Errorf("message %s = %v, want the offset +05:30", f.name, f.got)
		}
	}
}

func testNotFound(t *testing.T, h Harness) {
	accept(t, h, newEntry(t, h, "fir-present", "court"))
	ctx := context.Background()

	if _, err := h.Store.Journey(ctx, "no-such-message"); !errors.Is(err, journal.ErrNotFound) {
		t.Errorf("Journey of an unknown message: error = %v, want ErrNotFound", err)
	}
	if _, _, err := h.Store.Delivery(ctx, "no-such-delivery"); !errors.Is(err, journal.ErrNotFound) {
		t.Errorf("Delivery of an unknown id: error = %v, want ErrNotFound", err)
	}
}

func testCheckKey(t *testing.T, h Harness) {
	checker, ok := h.Store.(journal.KeyChecker)
	if !ok {
		t.Fatalf("%T does not implement journal.KeyChecker", h.Store)
	}
	ctx := context.Background()
	if err := checker.CheckKey(ctx, "fp-first"); err != nil {
		t.Fatalf("first CheckKey: %v", err)
	}
	if err := checker.CheckKey(ctx, "fp-first"); err != nil {
		t.Errorf("CheckKey with the same fingerprint: %v", err)
	}
	err := checker.CheckKey(ctx, "fp-other")
	if !errors.Is(err, journal.ErrKeyMismatch) {
		t.Errorf("CheckKey with another fingerprint: error = %v, want ErrKeyMismatch", err)
	}
}
