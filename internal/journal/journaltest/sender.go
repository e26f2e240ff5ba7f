package journaltest

import (
	"context"
	"errors"
	"testing"

	"github.com/sangam-hub/sangam/internal/journal"
)

func testSenderMessage(t *testing.T, h Harness) {
	e := newEntry(t, h, "fir-sent", "court")
	e.ContentHash = "sha256:one"
	accept(t, h, e)

	got, err := h.Store.SenderMessage(context.Background(), e.Message.Source, "fir-sent")
	if err != nil {
		t.Fatalf("SenderMessage: %v", err)
	}
	if got.MessageID != e.Message.ID || got.ContentHash != e.ContentHash {
		t.Errorf("SenderMessage = %+v, want message %s with hash %s", got, e.Message.ID, e.ContentHash)
	}
	if !got.ReceivedAt.Equal(e.Message.ReceivedAt) {
		t.Errorf("SenderMessage.ReceivedAt = %v, want %v", got.ReceivedAt, e.Message.ReceivedAt)
	}

	for _, c := range []struct{ source, id string }{
		{e.Message.Source, "fir-never-sent"}, {"courts", "fir-sent"},
	} {
		if _, err := h.Store.SenderMessage(context.Background(), c.source, c.id); !errors.Is(err, journal.ErrNotFound) {
			t.Errorf("SenderMessage(%s, %s) error = %v, want ErrNotFound", c.source, c.id, err)
		}
	}
}
