// Package journaltest is the conformance test that every journal.Store
// runs: accepting, duplicates under concurrency, rollback on failure,
// delivery attempts, reading back with time offsets intact, finding
// messages by their fields, and time zones.
//
// A store's test calls Run with a function that opens the store over
// fresh, empty storage:
//
//	func TestConformance(t *testing.T) {
//		journaltest.Run(t, func(t *testing.T, storage string) journaltest.Harness { ... })
//	}
//
// The TimeZones subtest runs the test binary twice more, writing with
// TZ=America/New_York and reading with TZ=UTC, so a store that keeps
// wall clock times without their offset fails it.
package journaltest

import (
	"slices"
	"sync"
	"testing"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/sangam-hub/sangam/internal/journal"
)

// Harness is a store under test and access to the bus tables it
// publishes into.
type Harness struct {
	// Store is the store under test.
	Store journal.Store
	// Storage names the store's storage, such as a file path or a schema,
	// so that Open can open the same storage again in another process.
	Storage string
	// InitializeTopic creates topic's table, so Accept can publish on it.
	// The suite calls it for each topic it publishes on.
	InitializeTopic func(t *testing.T, topic string)
	// Outbox returns every message published on topic, oldest first,
	// with UUID, Payload and Metadata as published.
	Outbox func(t *testing.T, topic string) []*message.Message
	// Announced records what the store passes to its Published hook,
	// which the store's Config sets to Announced.Published.
	Announced *Announcements
}

// Announcements records the calls of a store's Published hook. It is safe
// for concurrent use.
type Announcements struct {
	mu    sync.Mutex
	calls [][]string
}

// Published records one call. A store's Config takes it as its Published
// hook.
func (a *Announcements) Published(topics []string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls = append(a.calls, slices.Clone(topics))
}

// Calls returns the recorded calls, oldest first.
func (a *Announcements) Calls() [][]string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.calls)
}

// Open returns a Harness over fresh, empty storage when storage is empty,
// and otherwise over the storage of an earlier Harness with that Storage,
// possibly opened by another process. It closes the store when t ends, and
// drops the storage only when it created it. It fails or skips t when the
// storage is unavailable.
type Open func(t *testing.T, storage string) Harness

// Run runs the conformance test against the stores that open returns, one
// fresh store per subtest.
func Run(t *testing.T, open Open) {
	tests := []struct {
		name string
		run  func(t *testing.T, h Harness)
	}{
		{"AcceptThenJourney", testAcceptThenJourney},
		{"AcceptUnrouted", testAcceptUnrouted},
		{"AcceptInvalidEntry", testAcceptInvalidEntry},
		{"DuplicateChangesNothing", testDuplicateChangesNothing},
		{"ConcurrentDuplicates", testConcurrentDuplicates},
		{"ConcurrentAcceptsIsolateFailures", testConcurrentAcceptsIsolateFailures},
		{"ReusedIDWithOtherContent", testReusedIDWithOtherContent},
		{"DeliveryIDCollisionRollsBack", testDeliveryIDCollisionRollsBack},
		{"MissingTopicRollsBack", testMissingTopicRollsBack},
		{"AnnouncesCommittedTopics", testAnnouncesCommittedTopics},
		{"SenderMessage", testSenderMessage},
		{"PostedBy", testPostedBy},
		{"ClaimHeldOnce", testClaimHeldOnce},
		{"ClaimsUnder", testClaimsUnder},
		{"ClaimReleased", testClaimReleased},
		{"ConcurrentClaims", testConcurrentClaims},
		{"AttemptsUntilDelivered", testAttemptsUntilDelivered},
		{"AttemptNotSent", testAttemptNotSent},
		{"AttemptDeadWithReason", testAttemptDeadWithReason},
		{"AttemptNumbering", testAttemptNumbering},
		{"ConcurrentAttempts", testConcurrentAttempts},
		{"AttemptUnknownDelivery", testAttemptUnknownDelivery},
		{"AttemptInvalid", testAttemptInvalid},
		{"DeliveryKeepsOffsets", testDeliveryKeepsOffsets},
		{"NotFound", testNotFound},
		{"CheckKey", testCheckKey},
		{"FindFilters", testFindFilters},
		{"FindSummary", testFindSummary},
		{"FindNothing", testFindNothing},
		{"FindPages", testFindPages},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.run(t, open(t, ""))
		})
	}
	t.Run("TimeZones", func(t *testing.T) { testTimeZones(t, open) })
}
