package sqlitebus_test

import (
	"database/sql"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/tests"

	"github.com/sangam-hub/sangam/internal/bus/sqlitebus"
	"github.com/sangam-hub/sangam/internal/sqlite"
)

// testLogger writes watermill's error lines to stderr and drops the rest.
var testLogger = watermill.NewSlogLogger(
	slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})))

// features are what the SQLite bus supports, as the universal suite of
// watermill declares them:
//   - ConsumerGroups: each group has its own stored offset in the topic.
//   - ExactlyOnceDelivery: subscribers of a group take turns under a lock,
//     and an acknowledged message is past the stored offset, so it is not
//     delivered again unless the process stops between the acknowledgement
//     and storing the offset.
//   - GuaranteedOrder: offsets follow commit order and a group reads them
//     in order, one subscriber at a time.
//   - Persistent: messages and offsets are rows in the database file.
//
// RestartServiceCommand stays empty because SQLite has no server to
// restart; TestCrash covers a process that dies instead.
//
// ForceShort selects the suite's smaller message counts (100 instead of up
// to 10000 per test). With -race on a two-core machine that cuts the run
// from about 40 s per backend, measured with other jobs running, to a few
// seconds. Every test still runs.
var features = tests.Features{
	ConsumerGroups:      true,
	ExactlyOnceDelivery: true,
	GuaranteedOrder:     true,
	Persistent:          true,
	ForceShort:          true,
}

// openTestDB opens a database file in a temporary directory that every
// constructor of one suite run shares, because the suite's tests publish
// with one constructor's publisher and read with another's subscriber.
func openTestDB(t *testing.T) *sql.DB {
	t.Helper()

	db, err := sqlite.Open(filepath.Join(t.TempDir(), "bus.db"))
	if err != nil {
		t.Fatalf("opening database: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// pubSubConstructors returns the suite's two constructors over db.
func pubSubConstructors(db *sql.DB) (tests.PubSubConstructor, tests.ConsumerGroupPubSubConstructor) {
	withGroup := func(t *testing.T, group string) (message.Publisher, message.Subscriber) {
		publisher, err := sqlitebus.NewPublisher(db, testLogger)
		if err != nil {
			t.Fatalf("NewPublisher: %v", err)
		}

		subscriber, err := sqlitebus.NewSubscriber(db, sqlitebus.SubscriberConfig{
			ConsumerGroup:  group,
			PollInterval:   10 * time.Millisecond,
			ResendInterval: 5 * time.Millisecond,
			RetryInterval:  10 * time.Millisecond,
		}, testLogger)
		if err != nil {
			t.Fatalf("NewSubscriber: %v", err)
		}
		return publisher, subscriber
	}

	plain := func(t *testing.T) (message.Publisher, message.Subscriber) {
		return withGroup(t, "test")
	}
	return plain, withGroup
}

func TestPubSubUniversal(t *testing.T) {
	plain, withGroup := pubSubConstructors(openTestDB(t))
	tests.TestPubSub(t, features, plain, withGroup)
}

// TestPubSubAtLeastOnce runs the two universal tests that the suite skips
// when ExactlyOnceDelivery is set. They check that nothing is lost when
// subscribers close while messages are in flight, which holds here too.
func TestPubSubAtLeastOnce(t *testing.T) {
	plain, _ := pubSubConstructors(openTestDB(t))

	atLeastOnce := features
	atLeastOnce.ExactlyOnceDelivery = false

	for name, test := range map[string]func(*testing.T, tests.TestContext, tests.PubSubConstructor){
		"ContinueAfterSubscribeClose": tests.TestContinueAfterSubscribeClose,
		"ConcurrentClose":             tests.TestConcurrentClose,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tCtx := tests.TestContext{TestID: tests.NewTestID(), Features: atLeastOnce}
			test(t, tCtx, plain)
		})
	}
}
