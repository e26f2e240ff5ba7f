package bus

import (
	"context"
	"errors"
	"fmt"

	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"
)

// Subscriber is a watermill message.Subscriber over a watermill-sql
// Subscriber. It validates topics before use, and it stores a Subscription
// in the context that watermill-sql passes to the Beginner, so that a
// Beginner can learn the topic and stop waiting for a lock when the
// subscriber closes.
//
// Subscribe, SubscribeInitialize and Close are safe for concurrent use.
type Subscriber struct {
	inner      *wsql.Subscriber
	validate   func(topic string) error
	initialize func(topic string) error

	// closing is canceled at the start of Close.
	closing context.Context
	stop    context.CancelFunc
}

// NewSubscriber wraps inner. Subscribe and SubscribeInitialize reject a topic
// for which validate returns an error, and SubscribeInitialize calls
// initialize to create the topic's tables.
func NewSubscriber(
	inner *wsql.Subscriber,
	validate func(topic string) error,
	initialize func(topic string) error,
) *Subscriber {
	closing, stop := context.WithCancel(context.Background())
	return &Subscriber{
		inner:      inner,
		validate:   validate,
		initialize: initialize,
		closing:    closing,
		stop:       stop,
	}
}

// Subscribe returns the channel of messages of topic for the subscriber's
// consumer group. The handler must Ack or Nack each message, because the
// next message of the group arrives only after that. The channel is closed
// when ctx is canceled or the subscriber is closed, and an unacknowledged
// message is then delivered again to the next subscriber of the group.
func (s *Subscriber) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	if err := s.validate(topic); err != nil {
		return nil, fmt.Errorf("subscribing: %w", err)
	}

	subscription := Subscription{Topic: topic, Closing: s.closing.Done()}
	ctx = context.WithValue(ctx, subscriptionKey{}, subscription)

	messages, err := s.inner.Subscribe(ctx, topic)
	if err != nil {
		return nil, fmt.Errorf("subscribing to %s: %w", topic, err)
	}
	return messages, nil
}

// SubscribeInitialize creates the tables of topic if they do not exist.
func (s *Subscriber) SubscribeInitialize(topic string) error {
	if err := s.validate(topic); err != nil {
		return fmt.Errorf("initializing topic: %w", err)
	}
	return s.initialize(topic)
}

// Close ends every subscription and waits until their goroutines return.
// An acknowledgement that is being stored completes, and messages delivered
// but not yet acknowledged are delivered again later. Close may be called
// more than once.
func (s *Subscriber) Close() error {
	s.stop()
	return s.inner.Close()
}

// ErrClosed is returned by a Beginner that stopped waiting because the
// subscriber is closing.
var ErrClosed = errors.New("subscriber closed")

// Subscription describes one call of Subscriber.Subscribe to the Beginner
// that serves it.
type Subscription struct {
	// Topic is the subscribed topic.
	Topic string

	// Closing is closed when the subscriber starts closing.
	Closing <-chan struct{}
}

type subscriptionKey struct{}

// SubscriptionFromContext returns the Subscription stored in a context that
// watermill-sql derived from the one Subscriber.Subscribe passed to it.
func SubscriptionFromContext(ctx context.Context) (Subscription, bool) {
	subscription, ok := ctx.Value(subscriptionKey{}).(Subscription)
	return subscription, ok
}
