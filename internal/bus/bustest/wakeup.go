// Package bustest holds tests that both SQL buses run against their own
// storage.
package bustest

import (
	"context"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/sangam-hub/sangam/internal/bus"
)

// Bus is a SQL bus under test.
type Bus struct {
	// NewSubscriber returns a subscriber with config.
	NewSubscriber func(config bus.SubscriberConfig) (*bus.Subscriber, error)
	// Publish commits a message with payload on topic, whose tables exist,
	// and returns it.
	Publish func(t *testing.T, topic, payload string) *message.Message
}

// receiveTimeout bounds every wait for a message that must arrive. It is a
// deadlock guard, not a performance check.
const receiveTimeout = 15 * time.Second

// idleAfter is how long WakeupEndsIdleWait lets a subscription run after
// an acknowledgement, for its next query to find nothing and start
// waiting.
const idleAfter = 200 * time.Millisecond

// WakeupEndsIdleWait subscribes to topic, which must be empty, polling
// once an hour. After its first message the subscription finds the next
// one only because the topic is woken, and Close ends its wait too.
func WakeupEndsIdleWait(t *testing.T, b Bus, topic string) {
	config := bus.SubscriberConfig{PollInterval: time.Hour, Wakeups: &bus.Wakeups{}}
	subscriber, err := b.NewSubscriber(config)
	if err != nil {
		t.Fatalf("NewSubscriber: %v", err)
	}
	first := b.Publish(t, topic, "first")
	messages, err := subscriber.Subscribe(context.Background(), topic)
	if err != nil {
		t.Fatalf("Subscribe: %v", err)
	}
	receiveAck(t, messages, first)

	time.Sleep(idleAfter)
	second := b.Publish(t, topic, "second")
	config.Wakeups.Wake([]string{topic + "-other"})
	config.Wakeups.Wake([]string{topic})
	receiveAck(t, messages, second)

	time.Sleep(idleAfter)
	CloseWithin(t, subscriber, receiveTimeout)
}

// CloseWithin closes subscriber and fails t unless Close returns, without
// an error, within timeout.
func CloseWithin(t *testing.T, subscriber *bus.Subscriber, timeout time.Duration) {
	t.Helper()
	closed := make(chan error, 1)
	go func() { closed <- subscriber.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Errorf("Close: %v", err)
		}
	case <-time.After(timeout):
		t.Fatalf("Close still waiting after %s", timeout)
	}
}

// receiveAck receives the next message, fails t unless it is want, and
// acknowledges it.
func receiveAck(t *testing.T, messages <-chan *message.Message, want *message.Message) {
	t.Helper()
	select {
	case got := <-messages:
		if got == nil {
			t.Fatal("message channel closed before a message arrived")
		}
		if got.UUID != want.UUID {
			t.Fatalf("received %q, want %q", got.Payload, want.Payload)
		}
		got.Ack()
	case <-time.After(receiveTimeout):
		t.Fatalf("no message within %s, want %q", receiveTimeout, want.Payload)
	}
}
