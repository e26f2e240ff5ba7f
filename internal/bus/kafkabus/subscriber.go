package kafkabus

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
)

// ErrSubscriberClosed is returned by Subscribe after Close.
var ErrSubscriberClosed = errors.New("subscriber closed")

// initializeTimeout bounds SubscribeInitialize, which has no context.
const initializeTimeout = 30 * time.Second

// Subscriber is a watermill message.Subscriber over a kafka-go consumer
// group. Each Subscribe call joins the group as one member for one topic.
// Subscribe, SubscribeInitialize and Close are safe for concurrent use.
type Subscriber struct {
	config SubscriberConfig
	logger watermill.LoggerAdapter

	// closing is closed at the start of Close; every subscription ends
	// when it is.
	closing   chan struct{}
	closeOnce sync.Once

	// mu guards closed and subs, the running subscriptions, and makes
	// Close wait for a Subscribe call in progress to register its
	// subscription in running.
	mu      sync.Mutex
	closed  bool
	subs    map[*subscription]bool
	running sync.WaitGroup
}

// NewSubscriber returns a subscriber of the consumer group in config. A nil
// logger discards log lines. It connects on the first Subscribe.
func NewSubscriber(config SubscriberConfig, logger watermill.LoggerAdapter) (*Subscriber, error) {
	if err := config.Validate(); err != nil {
		return nil, fmt.Errorf("creating subscriber: %w", err)
	}
	if logger == nil {
		logger = watermill.NopLogger{}
	}
	return &Subscriber{
		config:  config.withDefaults(),
		logger:  logger,
		closing: make(chan struct{}),
		subs:    map[*subscription]bool{},
	}, nil
}

// Subscribe joins the consumer group for topic and returns the channel of
// its messages. Each partition starts at the group's committed offset, or
// at its earliest stored message when the group has committed none.
// When topic does not exist yet, the subscription waits for it and joins
// the group once it does.
//
// Each partition assigned to this member hands out one message at a time:
// the next message of that partition comes only after the handler acked
// the previous one and its offset was committed. Partitions do not wait for
// each other. A nacked message is delivered again after ResendInterval.
//
// The channel is closed when ctx is canceled or the subscriber is closed.
// A message delivered but not yet acked at that point, or when a rebalance
// moves its partition to another member, is not committed, so the group
// delivers it again. Acking it later has no effect.
func (s *Subscriber) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	if err := ValidateTopic(topic); err != nil {
		return nil, fmt.Errorf("subscribing: %w", err)
	}

	sub, err := s.newSubscription(topic)
	if err != nil {
		return nil, fmt.Errorf("subscribing to %s: %w", topic, err)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, fmt.Errorf("subscribing to %s: %w", topic, ErrSubscriberClosed)
	}

	ctx, cancel := context.WithCancel(ctx)

	s.running.Add(1)
	s.subs[sub] = true
	go func() {
		defer s.running.Done()
		defer cancel()
		defer s.forget(sub)
		sub.run(ctx)
	}()
	go func() {
		select {
		case <-s.closing:
			cancel()
		case <-ctx.Done():
		}
	}()
	return sub.output, nil
}

// forget removes sub from the running subscriptions.
func (s *Subscriber) forget(sub *subscription) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.subs, sub)
}

// Members returns the state of each running subscription's member of
// its consumer group, in no particular order.
func (s *Subscriber) Members() []Member {
	s.mu.Lock()
	defer s.mu.Unlock()
	members := make([]Member, 0, len(s.subs))
	for sub := range s.subs {
		members = append(members, sub.member())
	}
	return members
}

// SubscribeInitialize creates topic with the configured partition count
// unless it exists (see InitializeTopic). It gives up after 30 s.
func (s *Subscriber) SubscribeInitialize(topic string) error {
	ctx, cancel := context.WithTimeout(context.Background(), initializeTimeout)
	defer cancel()
	return InitializeTopic(ctx, s.config.Config, topic)
}

// Close ends every subscription, leaves their consumer groups and waits
// until their goroutines return. Messages delivered but not acked are not
// committed and will be delivered again. Close may be called more than
// once.
func (s *Subscriber) Close() error {
	s.closeOnce.Do(func() { close(s.closing) })

	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()

	s.running.Wait()
	return nil
}
