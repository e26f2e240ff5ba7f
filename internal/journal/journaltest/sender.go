package journaltest

import (
	"context"
	"errors"
	"strings"
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

// testPostedBy journals a message with the token holder who posted it,
// and reads the name back from the journey and the sender's message. A
// reused id from another holder gets a conflict that leaves the first
// message's hub id out; one from the same holder names it.
func testPostedBy(t *testing.T, h Harness) {
	e := newEntry(t, h, "fir-posted", "court")
	e.ContentHash, e.PostedBy = "sha256:one", "station-ekm0412"
	accept(t, h, e)

	if j := journey(t, h, e.Message.ID); j.PostedBy != "station-ekm0412" {
		t.Errorf("journey posted_by = %q, want station-ekm0412", j.PostedBy)
	}
	sent, err := h.Store.SenderMessage(context.Background(), e.Message.Source, "fir-posted")
	if err != nil {
		t.Fatalf("SenderMessage: %v", err)
	}
	if sent.PostedBy != "station-ekm0412" {
		t.Errorf("SenderMessage.PostedBy = %q, want station-ekm0412", sent.PostedBy)
	}

	for poster, other := range map[string]bool{"station-ekm0420": true, "station-ekm0412": false} {
		reused := newEntry(t, h, "fir-posted", "court")
		reused.ContentHash, reused.PostedBy = "sha256:two", poster
		_, err := h.Store.Accept(context.Background(), reused)
		var conflict *journal.ConflictError
		if !errors.As(err, &conflict) {
			t.Fatalf("%s reusing the id: error = %v, want a ConflictError", poster, err)
		}
		if conflict.OtherPoster != other || strings.Contains(err.Error(), e.Message.ID) == other {
			t.Errorf("%s reusing the id: %v (other poster %v), want the hub id named only to its poster",
				poster, err, conflict.OtherPoster)
		}
	}

	long := newEntry(t, h, "fir-long-poster", "court")
	long.PostedBy = strings.Repeat("n", journal.MaxPostedByBytes+1)
	if _, err := h.Store.Accept(context.Background(), long); !errors.Is(err, journal.ErrInvalid) {
		t.Errorf("Accept with a %d-byte posted_by: error = %v, want ErrInvalid", len(long.PostedBy), err)
	}
}
