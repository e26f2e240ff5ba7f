package pgbus_test

import (
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/tests"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sangam-hub/sangam/internal/bus/pgbus"
)

// testLogger writes watermill's error lines to stderr and drops the rest.
var testLogger = watermill.NewSlogLogger(
	slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})))

// features are what the PostgreSQL bus supports, as the universal suite of
// watermill declares them:
//   - ExactlyOnceDelivery: a subscriber locks the message rows of its
//     batch and deletes the acknowledged ones in the same transaction, so
//     no other subscriber receives them unless that transaction fails.
//   - GuaranteedOrder: every query takes the pending messages with the
//     lowest offsets, and the row locks make subscribers take turns.
//   - Persistent: messages are rows in PostgreSQL.
//
// ConsumerGroups is false: the queue schema has one group per topic, so
// the suite gets no consumer group constructor. RestartServiceCommand stays
// empty because the test server is shared with other packages' tests.
//
// ForceShort selects the suite's smaller message counts (100 instead of up
// to 10000 per test). With -race on a two-core machine that cuts the run
// from about 40 s per backend, measured with other jobs running, to a few
// seconds. Every test still runs.
var features = tests.Features{
	ExactlyOnceDelivery: true,
	GuaranteedOrder:     true,
	Persistent:          true,
	ForceShort:          true,
}

// pubSubConstructor returns the suite's constructor over pool, which every
// call shares because the suite's tests publish with one constructor's
// publisher and read with another's subscriber.
func pubSubConstructor(pool *pgxpool.Pool) tests.PubSubConstructor {
	return func(t *testing.T) (message.Publisher, message.Subscriber) {
		publisher, err := pgbus.NewPublisher(pool, testLogger)
		if err != nil {
			t.Fatalf("NewPublisher: %v", err)
		}

		subscriber, err := pgbus.NewSubscriber(pool, pgbus.SubscriberConfig{
			PollInterval:   10 * time.Millisecond,
			ResendInterval: 5 * time.Millisecond,
			RetryInterval:  10 * time.Millisecond,
		}, testLogger)
		if err != nil {
			t.Fatalf("NewSubscriber: %v", err)
		}
		return publisher, subscriber
	}
}

func TestPubSubUniversal(t *testing.T) {
	pool := openTestPool(t, 20)
	tests.TestPubSub(t, features, pubSubConstructor(pool), nil)
}

// TestPubSubAtLeastOnce runs the two universal tests that the suite skips
// when ExactlyOnceDelivery is set. They check that nothing is lost when
// subscribers close while messages are in flight, which holds here too.
func TestPubSubAtLeastOnce(t *testing.T) {
	constructor := pubSubConstructor(openTestPool(t, 20))

	atLeastOnce := features
	atLeastOnce.ExactlyOnceDelivery = false

	for name, test := range map[string]func(*testing.T, tests.TestContext, tests.PubSubConstructor){
		"ContinueAfterSubscribeClose": tests.TestContinueAfterSubscribeClose,
		"ConcurrentClose":             tests.TestConcurrentClose,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tCtx := tests.TestContext{TestID: tests.NewTestID(), Features: atLeastOnce}
			test(t, tCtx, constructor)
		})
	}
}
