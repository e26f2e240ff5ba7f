package throttle

import (
	"sync"
	"time"
)

// Sampler lets through at most one event per Interval of each kind, such
// as one log line per kind of rejected request, and counts the events it
// holds back. Unlike Failures, it has no run to end: it suits events that
// have no matching success, such as requests with an unknown token. The
// zero value with an Interval set is ready, and it is safe for concurrent
// use.
//
// Each kind keeps a small entry for the life of the Sampler, so kinds
// must come from a fixed set, such as log messages, and never from
// request data.
type Sampler struct {
	// Interval is the shortest time between two events of a kind that
	// Allow lets through.
	Interval time.Duration

	mu    sync.Mutex
	kinds map[string]*sampled
}

// sampled is the state of one kind of event.
type sampled struct {
	last       time.Time // when Allow last let an event through
	suppressed int       // events held back since then
}

// Allow records an event of kind at now. It reports whether to let the
// event through and, when it does, how many events of kind it held back
// since it last let one through.
func (s *Sampler) Allow(kind string, now time.Time) (ok bool, suppressed int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.kinds == nil {
		s.kinds = map[string]*sampled{}
	}
	k, seen := s.kinds[kind]
	if !seen {
		s.kinds[kind] = &sampled{last: now}
		return true, 0
	}
	return k.allow(now, s.Interval)
}
