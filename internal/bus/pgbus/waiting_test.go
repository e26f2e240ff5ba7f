package pgbus_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sangam-hub/sangam/internal/bus"
	"github.com/sangam-hub/sangam/internal/bus/pgbus"
)

func waiting(t *testing.T, pool *pgxpool.Pool, topic string) bus.Waiting {
	t.Helper()
	w, err := pgbus.WaitingIn(context.Background(), pool, topic)
	if err != nil {
		t.Fatalf("WaitingIn(%s): %v", topic, err)
	}
	return w
}

// TestWaitingIn counts the messages of a topic until each is
// acknowledged, and dates the oldest by its publication.
func TestWaitingIn(t *testing.T) {
	pool := openTestPool(t, 5)
	initTopic(t, pool, "outbox")
	if w := waiting(t, pool, "outbox"); w.Messages != 0 || !w.Oldest.IsZero() {
		t.Fatalf("empty topic: %+v, want no messages and no oldest", w)
	}

	before := time.Now()
	for _, p := range []string{"first", "second", "third"} {
		publish(t, pool, "outbox", p)
	}
	after := time.Now()
	w := waiting(t, pool, "outbox")
	if w.Messages != 3 {
		t.Errorf("after three publishes: %d messages, want 3", w.Messages)
	}
	// The server stamps the rows; it runs on the test's machine, so a
	// second of slack covers rounding.
	if w.Oldest.Before(before.Add(-time.Second)) || w.Oldest.After(after.Add(time.Second)) {
		t.Errorf("oldest %s, want between %s and %s", w.Oldest, before, after)
	}

	// One message per batch, whose acknowledgement commits at once.
	config := fastConfig
	config.BatchSize = 1
	subscriber, err := pgbus.NewSubscriber(pool, config, nil)
	if err != nil {
		t.Fatalf("NewSubscriber: %v", err)
	}
	t.Cleanup(func() { _ = subscriber.Close() })
	messages, err := subscriber.Subscribe(context.Background(), "outbox")
	if err != nil {
		t.Fatalf("Subscribe: %v", err)
	}
	receive(t, messages).Ack()
	deadline := time.Now().Add(receiveTimeout)
	for waiting(t, pool, "outbox").Messages != 2 {
		if time.Now().After(deadline) {
			t.Fatalf("after one acknowledgement: %+v, want 2 messages", waiting(t, pool, "outbox"))
		}
		time.Sleep(10 * time.Millisecond)
	}

	if _, err := pgbus.WaitingIn(context.Background(), pool, "no table"); err == nil {
		t.Error("invalid topic: no error")
	}
}
