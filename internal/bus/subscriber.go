package bus

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"
)

// Subscriber is a watermill message.Subscriber over watermill-sql
// Subscribers, one per subscription. It validates topics before use, and
// it stores a Subscription in the context that watermill-sql passes to the
// Beginner, so that a Beginner can learn the topic and stop waiting for a
// lock when the subscription ends. With config.Wakeups set, an idle
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
	active []*subscribed

	// closeOnce makes a second Close wait for the first.
	closeOnce sync.Once
	closeErr  error
}

// subscribed is the watermill-sql subscriber of one Subscribe call and
// what ends it.
type subscribed struct {
	inner   *wsql.Subscriber
	unwatch func()
	// messages is inner's channel once Subscribe got it, and forwarded is
	// closed when forward, if Subscribe started it, returns. s.mu guards
	// both fields.
	messages  <-chan *message.Message
	forwarded chan struct{}
	// ending is closed when the subscription starts to end.
	ending chan struct{}
	// cancel ends the context inner runs its queries in, which the
	// context of Subscribe does not end.
	cancel  context.CancelFunc
	endOnce sync.Once
	endErr  error
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
// next message of the group arrives only after that. When ctx is canceled
// or the subscriber is closed, the subscription hands out no further
// message and waits up to config.DrainTimeout for the handlers to ack or
// nack those handed out already. It then closes the channel and stores
// the acknowledgements, and an unacknowledged message is delivered again
// to the next subscriber of the group.
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
	sub := &subscribed{inner: inner, unwatch: unwatch, ending: make(chan struct{})}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		unwatch()
		return nil, fmt.Errorf("subscribing to %s: %w", topic, ErrClosed)
	}
	s.active = append(s.active, sub)
	s.mu.Unlock()

	// The queries outlive ctx, because a batch's transaction holds the row
	// locks of the messages handed out, and a stop cancels ctx while their
	// handlers still run. end cancels the queries' context.
	subscription := Subscription{Topic: topic, Closing: sub.ending}
	queries, cancel := context.WithCancel(context.WithoutCancel(ctx))
	sub.cancel = cancel
	queries = context.WithValue(queries, subscriptionKey{}, subscription)

	messages, err := inner.Subscribe(queries, topic)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("subscribing to %s: %w", topic, err)
	}
	s.mu.Lock()
	sub.messages = messages
	if s.closed {
		// Close ends sub, or has ended it.
		s.mu.Unlock()
		return messages, nil
	}
	sub.forwarded = make(chan struct{})
	s.mu.Unlock()
	out := make(chan *message.Message)
	go s.forward(ctx, sub, out)
	go s.release(ctx, sub)
	return out, nil
}

// forward passes the messages of sub on to out until sub's channel is
// closed, ctx ends or sub starts to end, then closes out. After passing a
// message on, it returns only once the message is acked or nacked, or
// watermill-sql stops waiting for that. A message read but not passed on
// is never acked, so the bus delivers it again.
func (s *Subscriber) forward(ctx context.Context, sub *subscribed, out chan<- *message.Message) {
	defer close(sub.forwarded)
	defer close(out)
	for {
		// A message that is ready would otherwise win the select below
		// at random over the end of the subscription.
		select {
		case <-sub.ending:
			return
		case <-ctx.Done():
			return
		default:
		}
		var msg *message.Message
		select {
		case <-sub.ending:
			return
		case <-ctx.Done():
			return
		case m, ok := <-sub.messages:
			if !ok {
				return
			}
			msg = m
		}
		// watermill-sql v4.1.2 sends the next message only after this
		// one is acked or nacked. It cancels the message's context when
		// it stops waiting for that, at its AckDeadline or on Close. The
		// context is read before the message is handed out, because the
		// receiver may replace it (watermill's router does), and a read
		// meanwhile would race with that write.
		stopped := msg.Context().Done()
		select {
		case <-sub.ending:
			return
		case <-ctx.Done():
			return
		case out <- msg:
		}
		select {
		case <-msg.Acked():
		case <-msg.Nacked():
		case <-stopped:
		}
	}
}

// release waits until ctx ends, then ends sub and removes it from the
// active ones, so that a subscriber whose subscriptions end and start
// again does not keep them all until Close. Close ends the subscriptions
// that are still active when it starts.
func (s *Subscriber) release(ctx context.Context, sub *subscribed) {
	select {
	case <-ctx.Done():
	case <-s.closing.Done():
		return
	}
	_ = s.end(sub)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.active = slices.DeleteFunc(s.active, func(active *subscribed) bool { return active == sub })
}

// end stops sub from handing out messages, waits up to
// config.DrainTimeout for those handed out to be acked or nacked, and
// closes sub's watermill-sql subscriber, which stores the acknowledgements
// and unlocks the rest. A second call waits for the first and returns its
// error.
func (s *Subscriber) end(sub *subscribed) error {
	sub.endOnce.Do(func() {
		close(sub.ending)
		s.mu.Lock()
		forwarded := sub.forwarded
		s.mu.Unlock()
		if forwarded != nil {
			// forward returns once the message it handed out, if any, is
			// acked or nacked.
			s.awaitDrain(forwarded)
		}
		sub.endErr = sub.inner.Close()
		if forwarded != nil {
			// Close cancels the context of a message still handed out.
			<-forwarded
		}
		sub.unwatch()
		s.mu.Lock()
		messages := sub.messages
		s.mu.Unlock()
		// watermill-sql v4.1.2 lets Close return once a subscription's
		// goroutine is done sending, a moment before it closes the
		// channel. Nothing is sent any more, so reading only waits for
		// the close, and the channel is closed when end returns.
		if messages != nil {
			for range messages {
			}
		}
		sub.cancel()
	})
	return sub.endErr
}

// awaitDrain waits up to config.DrainTimeout until forwarded is closed.
func (s *Subscriber) awaitDrain(forwarded <-chan struct{}) {
	if s.config.DrainTimeout <= 0 {
		return
	}
	timer := time.NewTimer(s.config.DrainTimeout)
	defer timer.Stop()
	select {
	case <-forwarded:
	case <-timer.C:
	}
}

// SubscribeInitialize creates the tables of topic if they do not exist.
func (s *Subscriber) SubscribeInitialize(topic string) error {
	if err := s.backend.Validate(topic); err != nil {
		return fmt.Errorf("initializing topic: %w", err)
	}
	return s.backend.Initialize(topic)
}

// Close ends every subscription and waits until their goroutines return.
// Each hands out no further message and waits up to config.DrainTimeout
// for the handlers to ack or nack the messages handed out already, which
// stay locked meanwhile. The acknowledgements are then stored, and
// messages delivered but not yet acknowledged are delivered again later.
// Close may be called more than once, and each call returns once the
// first has.
func (s *Subscriber) Close() error {
	s.closeOnce.Do(func() { s.closeErr = s.close() })
	return s.closeErr
}

func (s *Subscriber) close() error {
	s.stop()
	s.mu.Lock()
	s.closed = true
	active := s.active
	s.active = nil
	s.mu.Unlock()

	errs := make([]error, len(active))
	var wg sync.WaitGroup
	for i, sub := range active {
		wg.Go(func() { errs[i] = s.end(sub) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// ErrClosed is returned by a Beginner that stopped waiting because the
// subscription is ending.
var ErrClosed = errors.New("subscriber closed")

// Subscription describes one call of Subscriber.Subscribe to the Beginner
// that serves it.
type Subscription struct {
	// Topic is the subscribed topic.
	Topic string

	// Closing is closed when the subscription starts to end: the
	// subscriber closes or the context of Subscribe ends.
	Closing <-chan struct{}
}

type subscriptionKey struct{}

// SubscriptionFromContext returns the Subscription stored in a context that
// watermill-sql derived from the one Subscriber.Subscribe passed to it.
func SubscriptionFromContext(ctx context.Context) (Subscription, bool) {
	subscription, ok := ctx.Value(subscriptionKey{}).(Subscription)
	return subscription, ok
}
