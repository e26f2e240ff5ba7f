package hub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/sony/gobreaker/v2"

	"github.com/sangam-hub/sangam/internal/bus/kafkabus"
)

// defaultOutboxPause is how long a replica whose publish to Kafka failed
// leaves the outbox to the other replicas before it tries again.
const defaultOutboxPause = 10 * time.Second

// outboxCloseTimeout bounds the outbox forwarder's part of a stop: how
// long its router waits for the command in hand, and how long the Kafka
// publisher waits for its produce requests in flight. A command cut off
// stays in the outbox, and a replica forwards it after the restart.
const outboxCloseTimeout = 5 * time.Second

// outboxBreaker is the circuit breaker around the outbox forwarder's
// Kafka publisher, and the pause of the forwarder's subscription to the
// outbox while the breaker is open.
//
// All replicas on one PostgreSQL share the outbox, and its subscribers
// lock the oldest commands and wait for one another's locks. A replica
// whose publishes fail keeps the command it holds, and every replica
// waits behind it, until the command's ack deadline passes. The breaker
// opens at the first failed publish, which the Kafka writer already
// tried several times. The forwarder then ends its subscription, which
// releases the lock, and subscribes again only when the breaker lets
// one trial publish through after the pause. Replicas that can
// publish thus take the commands meanwhile. When Kafka is down for
// every replica, all of them pause alike and the commands wait in the
// outbox until a trial succeeds.
type outboxBreaker struct {
	cb *gobreaker.CircuitBreaker[struct{}]
	// opened receives a value each time the breaker opens.
	opened chan struct{}
}

// newOutboxBreaker returns the breaker of a forwarder whose publishes are
// counted in counts, pausing for pause after a failed publish. It logs to
// log when the forwarder pauses and when it forwards again.
func newOutboxBreaker(pause time.Duration, counts *outboxCounts, log *slog.Logger) *outboxBreaker {
	b := &outboxBreaker{opened: make(chan struct{}, 1)}
	b.cb = gobreaker.NewCircuitBreaker[struct{}](gobreaker.Settings{
		Name:    "outbox forwarder",
		Timeout: pause,
		ReadyToTrip: func(c gobreaker.Counts) bool {
			return c.ConsecutiveFailures > 0
		},
		// A publish ended by the stop is not a Kafka failure.
		IsExcluded: func(err error) bool {
			return errors.Is(err, kafkabus.ErrPublisherClosed)
		},
		OnStateChange: func(_ string, from, to gobreaker.State) {
			switch {
			case to == gobreaker.StateOpen:
				counts.paused.Store(true)
				select {
				case b.opened <- struct{}{}:
				default:
				}
				if from == gobreaker.StateClosed {
					log.Warn("publishing an outbox command to Kafka failed: this replica leaves "+
						"the outbox to the other replicas and tries again after each pause",
						"pause", pause)
				}
			case to == gobreaker.StateHalfOpen:
				// The forwarder subscribes again for its trial, which
				// waits for the next command.
				counts.paused.Store(false)
			case to == gobreaker.StateClosed:
				counts.paused.Store(false)
				log.Info("Kafka took an outbox command again: this replica forwards the outbox again")
			}
		},
	})
	return b
}

// publisher returns p behind the breaker: while it is open, Publish
// fails at once with gobreaker.ErrOpenState.
func (b *outboxBreaker) publisher(p message.Publisher) message.Publisher {
	return breakerPublisher{Publisher: p, cb: b.cb}
}

type breakerPublisher struct {
	message.Publisher
	cb *gobreaker.CircuitBreaker[struct{}]
}

func (p breakerPublisher) Publish(topic string, msgs ...*message.Message) error {
	_, err := p.cb.Execute(func() (struct{}, error) {
		return struct{}{}, p.Publisher.Publish(topic, msgs...)
	})
	if errors.Is(err, kafkabus.ErrPublisherClosed) {
		// A publish ended by the stop: the router logs no error for
		// context.Canceled, and the command stays in the outbox.
		return fmt.Errorf("%w: %w", context.Canceled, err)
	}
	return err
}

// subscriber returns s paused while the breaker is open.
func (b *outboxBreaker) subscriber(s message.Subscriber) message.Subscriber {
	return pausingSubscriber{Subscriber: s, breaker: b}
}

// pausingSubscriber subscribes to its Subscriber while the breaker lets
// publishes through, and ends that subscription when the breaker opens:
// the message in hand is then not acknowledged, and another subscriber
// of the topic receives it.
type pausingSubscriber struct {
	message.Subscriber
	breaker *outboxBreaker
}

// Subscribe returns one channel for the messages of every subscription
// until ctx ends or the subscriber closes.
func (s pausingSubscriber) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	subCtx, cancel := context.WithCancel(ctx)
	in, err := s.Subscriber.Subscribe(subCtx, topic)
	if err != nil {
		cancel()
		return nil, err
	}
	out := make(chan *message.Message)
	go func() {
		defer close(out)
		for {
			paused := s.forward(ctx, in, out, cancel)
			if !paused || !s.waitTrial(ctx) {
				return
			}
			// An open signaled before the trial is past.
			select {
			case <-s.breaker.opened:
			default:
			}
			subCtx, cancel = context.WithCancel(ctx)
			in, err = s.Subscriber.Subscribe(subCtx, topic)
			if err != nil {
				// Subscribe fails once the subscriber is closed.
				cancel()
				return
			}
		}
	}()
	return out, nil
}

// forward passes the messages of in to out until the breaker opens, then
// calls end, which ends the subscription of in, and returns true. It
// returns false when in is closed otherwise, as when ctx ends or the
// subscriber closes.
func (s pausingSubscriber) forward(ctx context.Context, in <-chan *message.Message,
	out chan<- *message.Message, end context.CancelFunc,
) bool {
	pause := func() bool {
		end()
		// Each message the subscription still sends is nacked, so none
		// is acknowledged unpublished.
		for msg := range in {
			msg.Nack()
		}
		return true
	}
	for {
		select {
		case <-s.breaker.opened:
			return pause()
		case msg, ok := <-in:
			if !ok {
				end()
				return false
			}
			select {
			case <-s.breaker.opened:
				msg.Nack()
				return pause()
			default:
			}
			select {
			case out <- msg:
			case <-ctx.Done():
				msg.Nack()
			}
		}
	}
}

// waitTrial waits until the breaker lets a trial publish through, and
// reports whether it did before ctx ended.
func (s pausingSubscriber) waitTrial(ctx context.Context) bool {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for s.breaker.cb.State() == gobreaker.StateOpen {
		select {
		case <-ctx.Done():
			return false
		case <-tick.C:
		}
	}
	return true
}
