// Package routestoretest is the conformance test that every
// routestore.Store runs: saving and reading versions, history, restores,
// optimistic concurrency within and across store instances, rejected
// changes, Seed, and a Watcher that follows changes made through another
// instance.
//
// A store's test calls Run with a function that opens the store:
//
//	func TestConformance(t *testing.T) {
//		routestoretest.Run(t, func(t *testing.T, storage string) routestoretest.Harness { ... })
//	}
package routestoretest

import (
	"testing"

	"github.com/sangam-hub/sangam/internal/routestore"
)

// Harness is a store under test.
type Harness struct {
	// Store is the store under test.
	Store routestore.Store
	// Storage names the store's storage, such as a file path or a schema,
	// so that Open can open a second instance on the same storage.
	Storage string
	// InsertUnchecked stores v as it is, without Save's checks. The suite
	// uses it for a version that an earlier release of the hub accepted
	// and the current one no longer compiles.
	InsertUnchecked func(t *testing.T, v routestore.Version)
}

// Open returns a Harness over fresh, empty storage when storage is empty,
// and otherwise a second instance, with its own connections, over the
// storage of an earlier Harness with that Storage. It closes what it
// opened when t ends, and drops the storage only when it created it. It
// fails or skips t when the storage is unavailable.
type Open func(t *testing.T, storage string) Harness

// Run runs the conformance test against the stores that open returns, one
// fresh store per subtest.
func Run(t *testing.T, open Open) {
	tests := []struct {
		name string
		run  func(t *testing.T, h Harness, open Open)
	}{
		{"Empty", testEmpty},
		{"SaveAndRead", testSaveAndRead},
		{"HistoryKept", testHistoryKept},
		{"Restore", testRestore},
		{"RestoreInvalid", testRestoreInvalid},
		{"StaleExpect", testStaleExpect},
		{"ConcurrentSaves", testConcurrentSaves},
		{"Unchanged", testUnchanged},
		{"InvalidRejected", testInvalidRejected},
		{"ListLimit", testListLimit},
		{"ListBefore", testListBefore},
		{"Seed", testSeed},
		{"SeedInvalid", testSeedInvalid},
		{"SeedConcurrent", testSeedConcurrent},
		{"WatcherFirstRead", testWatcherFirstRead},
		{"WatcherSeesOtherInstance", testWatcherSeesOtherInstance},
		{"WatcherSkipsInvalid", testWatcherSkipsInvalid},
		{"WatcherRetriesRejected", testWatcherRetriesRejected},
		{"WatcherSync", testWatcherSync},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.run(t, open(t, ""), open)
		})
	}
}
