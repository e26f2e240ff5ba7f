package sqlitebus_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/bus"
	"github.com/sangam-hub/sangam/internal/bus/sqlitebus"
)

func waiting(t *testing.T, db *sql.DB, topic, group string) bus.Waiting {
	t.Helper()
	w, err := sqlitebus.WaitingIn(context.Background(), db, topic, group)
	if err != nil {
		t.Fatalf("WaitingIn(%s, %s): %v", topic, group, err)
	}
	return w
}

// TestWaitingIn counts the messages of a topic that a consumer group has
// not acknowledged, and dates the oldest by its publication.
func TestWaitingIn(t *testing.T) {
	db := openPath(t, t.TempDir()+"/bus.db")
	initTopic(t, db, "outbox")
	if w := waiting(t, db, "outbox", "delivery"); w.Messages != 0 || !w.Oldest.IsZero() {
		t.Fatalf("empty topic: %+v, want no messages and no oldest", w)
	}

	before := time.Now()
	for _, p := range []string{"first", "second", "third"} {
		publish(t, db, "outbox", p)
	}
	after := time.Now()
	w := waiting(t, db, "outbox", "delivery")
	if w.Messages != 3 {
		t.Errorf("after three publishes: %d messages, want 3", w.Messages)
	}
	// SQLite stamps rows to the millisecond.
	if w.Oldest.Before(before.Add(-time.Millisecond)) || w.Oldest.After(after) {
		t.Errorf("oldest %s, want between %s and %s", w.Oldest, before, after)
	}

	// One message per batch, whose acknowledgement commits at once.
	config := fastConfig
	config.ConsumerGroup = "delivery"
	config.BatchSize = 1
	_, messages := subscribe(t, db, config, "outbox")
	receive(t, messages).Ack()
	deadline := time.Now().Add(receiveTimeout)
	for waiting(t, db, "outbox", "delivery").Messages != 2 {
		if time.Now().After(deadline) {
			t.Fatalf("after one acknowledgement: %+v, want 2 messages",
				waiting(t, db, "outbox", "delivery"))
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Another group has acknowledged nothing.
	if w := waiting(t, db, "outbox", "audit"); w.Messages != 3 {
		t.Errorf("group audit: %d messages, want 3", w.Messages)
	}
}
