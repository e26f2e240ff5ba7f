package delivery

import (
	"sync"

	"github.com/sangam-hub/sangam/internal/journal"
)

// maxUnrecorded is the most attempts an unrecordedAttempts keeps. Beyond
// it, a delivery whose attempt was not recorded is sent again, as the
// Idempotency-Key allows.
const maxUnrecorded = 10_000

// unrecordedAttempts holds, by delivery id, attempts that reached or
// tried their destination but that the journal failed to record. While
// the journal's disk is full, a command comes back about once a second;
// without them each return would send the delivery once more. The zero
// value is ready for use, and it is safe for concurrent use.
type unrecordedAttempts struct {
	mu       sync.Mutex
	attempts map[string]journal.Attempt
}

// keep holds a, the attempt of delivery id, unless maxUnrecorded are
// held already, and reports whether it holds a.
func (u *unrecordedAttempts) keep(id string, a journal.Attempt) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.attempts == nil {
		u.attempts = map[string]journal.Attempt{}
	}
	if _, found := u.attempts[id]; found || len(u.attempts) < maxUnrecorded {
		u.attempts[id] = a
		return true
	}
	return false
}

// take removes and returns the attempt held for delivery id.
func (u *unrecordedAttempts) take(id string) (journal.Attempt, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	a, ok := u.attempts[id]
	delete(u.attempts, id)
	return a, ok
}
