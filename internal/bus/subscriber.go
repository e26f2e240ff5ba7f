package bus

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/ThreeDotsLabs/watermill"
	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"
)

// Subscriber is a watermill message.Subscriber over watermill-sql
// Subscribers, one per subscription. It validates topics before use, and
// it stores a Subscription in the context that watermill-sql passes to the
// Beginner, so that a Beginner can learn the topic and stop waiting for a
// lock when the subscriber closes. With config.Wakeups set, an idle
// subscription queries again as soon as its topic is woken.
//
// Subscribe, SubscribeInitialize and Close are safe for concurrent use.
type Subscriber struct {
	backend SQL
	config  SubscriberConfig

	// closing is canceled at the start of Close.
	closing context.Context
	stop    context.CancelFunc

	mu     sync.Mutex
	closed bool
	active []subscribed
}

// subscribed is the watermill-sql subscriber of one Subscribe call, the
// function that stops its wake-ups and, once Subscribe returned it, the
// channel of its messages.
type subscribed struct {
	inner    *wsql.Subscriber
	unwatch  func()
	messages <-chan *message.Message
}

// SQL is the database, adapters and topic checks of a SQL bus, which
// NewSubscriber builds its subscriptions on.
type SQL struct {
	Beginner wsql.Beginner
	Schema   wsql.SchemaAdapter
	Offsets  wsql.OffsetsAdapter
	// Logger receives watermill-sql's log lines; nil discards them.
	Logger watermill.LoggerAdapter
	// Validate returns an error for a topic the bus cannot hold.
	Validate func(topic string) error
	// Initialize creates the tables of a topic.
	Initialize func(topic string) error
}

// NewSubscriber returns a subscriber over backend. Subscribe and
// SubscribeInitialize reject a topic for which backend.Validate returns an
// error, and SubscribeInitialize calls backend.Initialize. Defaults apply
// to the zero fields of config.
func NewSubscriber(backend SQL, config SubscriberConfig) (*Subscriber, error) {
	if err := config.Validate(); err != nil {
		return nil, fmt.Errorf("creating subscriber: %w", err)
	}
	if backend.Logger == nil {
		backend.Logger = watermill.NopLogger{}
	}
	closing, stop := context.WithCancel(context.Background())
	return &Subscriber{
		backend: backend,
		config:  config.WithDefaults(),
		closing: closing,
		stop:    stop,
	}, nil
}

// Subscribe returns the channel of messages of topic for the subscriber's
// consumer group. The handler must Ack or Nack each message, because the
// next message of the group arrives only after that. The channel is closed
// when ctx is canceled or the subscriber is closed, and an unacknowledged
// message is then delivered again to the next subscriber of the group.
func (s *Subscriber) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	if err := s.backend.Validate(topic); err != nil {
		return nil, fmt.Errorf("subscribing: %w", err)
	}

	wconfig := s.config.Watermill(s.backend.Schema, s.backend.Offsets)
	wake, unwatch := s.config.Wakeups.watch(topic)
	if wake != nil {
		wconfig.BackoffManager = wakingBackoff{
			backoff: wconfig.BackoffManager.(backoff),
			wake:    wake,
			closing: s.closing.Done(),
			ended:   ctx.Done(),
		}
	}
	inner, err := wsql.NewSubscriber(s.backend.Beginner, wconfig, s.backend.Logger)
	if err != nil {
		unwatch()
		return nil, fmt.Errorf("subscribing to %s: %w", topic, err)
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		unwatch()
		return nil, fmt.Errorf("subscribing to %s: %w", topic, ErrClosed)
	}
	s.active = append(s.active, subscribed{inner: inner, unwatch: unwatch})
	s.mu.Unlock()

	subscription := Subscription{Topic: topic, Closing: s.closing.Done()}
	ctx = context.WithValue(ctx, subscriptionKey{}, subscription)

	messages, err := inner.Subscribe(ctx, topic)
	if err != nil {
		return nil, fmt.Errorf("subscribing to %s: %w", topic, err)
	}
	s.mu.Lock()
	if i := slices.IndexFunc(s.active, func(sub subscribed) bool { return sub.inner == inner }); i >= 0 {
		s.active[i].messages = messages
	}
	s.mu.Unlock()
	go s.release(ctx, inner, unwatch)
	return messages, nil
}

// release waits until ctx ends, then closes the subscription of inner and
// removes it from the active ones, so that a subscriber whose subscriptions end and start again
// does not keep them all until Close. Close releases the subscriptions
// that are still active when it starts.
func (s *Subscriber) release(ctx context.Context, inner *wsql.Subscriber, unwatch func()) {
	select {
	case <-ctx.Done():
	case <-s.closing.Done():
		return
	}
	_ = inner.Close()
	unwatch()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.active = slices.DeleteFunc(s.active, func(sub subscribed) bool { return sub.inner == inner })
}

// SubscribeInitialize creates the tables of topic if they do not exist.
func (s *Subscriber) SubscribeInitialize(topic string) error {
	if err := s.backend.Validate(topic); err != nil {
		return fmt.Errorf("initializing topic: %w", err)
	}
	return s.backend.Initialize(topic)
}

// Close ends every subscription and waits until their goroutines return.
// An acknowledgement that is being stored completes, and messages delivered
// but not yet acknowledged are delivered again later. Close may be called
// more than once.
func (s *Subscriber) Close() error {
	s.stop()
	s.mu.Lock()
	s.closed = true
	active := s.active
	s.active = nil
	s.mu.Unlock()

	var errs []error
	for _, sub := range active {
		errs = append(errs, sub.inner.Close())
	}
	for _, sub := range active {
		sub.unwatch()
		// watermill-sql v4.1.2 lets Close return once a subscription's
		// goroutine is done sending, a moment before it closes the
		// channel. Nothing is sent any more, so reading only waits for
		// the close, and the channel is closed when Close returns.
		if sub.messages != nil {
			for range sub.messages {
			}
		}
	}
	return errors.Join(errs...)
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
