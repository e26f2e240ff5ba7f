package throttle

import (
	"container/list"
	"sync"
	"time"
)

// DefaultMaxKeys is a KeyedSampler's MaxKeys when it sets none.
const DefaultMaxKeys = 256

// KeyedSampler lets through at most one event per Interval of each kind
// and key, such as one log line per kind of rejected request and caller,
// and counts the events it holds back for each. Unlike Sampler, one
// caller's events do not hide another's.
//
// It tracks at most MaxKeys pairs of kind and key. A pair's entry expires
// Interval after its last event was let through. When every entry is in
// use, a new pair's events go through a shared limit of their kind, one
// event per Interval for all such pairs, so that callers who send from
// many addresses cannot flood the log. The zero value with an Interval
// set is ready, and it is safe for concurrent use.
type KeyedSampler struct {
	// Interval is the shortest time between two events of a kind and key
	// that Allow lets through.
	Interval time.Duration
	// MaxKeys is the number of pairs of kind and key tracked at once.
	// Default DefaultMaxKeys.
	MaxKeys int

	mu      sync.Mutex
	entries map[pair]*list.Element
	// order holds the *keyedEntry values, the one whose event was let
	// through longest ago first.
	order list.List
	// shared is the limit of each kind for pairs without an entry. Kinds
	// must come from a fixed set, because each keeps an entry here while
	// it has events held back.
	shared map[string]*sampled
}

type pair struct{ kind, key string }

type keyedEntry struct {
	pair
	sampled
}

// Decision is the outcome of KeyedSampler.Allow for one event.
type Decision struct {
	// OK is true when the event is let through.
	OK bool
	// Shared is true when every entry was in use, so that the event went
	// through the shared limit of its kind.
	Shared bool
	// Suppressed is, when OK, the number of events held back since the
	// last one let through: of the event's kind and key, or with Shared,
	// of its kind and every key without an entry.
	Suppressed int
	// Expired lists the entries that expired during this call with
	// events held back, whether or not the event is let through. Their
	// counts are reported nowhere else. Without events, entries expire
	// only when the owner calls Flush.
	Expired []HeldBack
}

// HeldBack is the count of events of one kind and key that were held
// back since the last one was let through.
type HeldBack struct {
	Kind string
	// Key is empty for the shared limit of Kind.
	Key        string
	Suppressed int
	// Since is when the last event of Kind and Key was let through.
	Since time.Time
}

// Allow records an event of kind and key at now and decides whether to
// let it through. It expires the entries and shared limits whose last
// event let through is at least Interval old, except the entry or shared
// limit that decides this event, so that its count goes on this event's
// line.
func (s *KeyedSampler) Allow(kind, key string, now time.Time) (d Decision) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.entries == nil {
		s.entries = map[pair]*list.Element{}
		s.shared = map[string]*sampled{}
	}
	if el, ok := s.entries[pair{kind, key}]; ok {
		e := el.Value.(*keyedEntry)
		d.OK, d.Suppressed = e.allow(now, s.Interval)
		if d.OK {
			s.order.MoveToBack(el)
		}
		d.Expired = s.expireShared(now, s.expireEntries(now, nil))
		return d
	}

	d.Expired = s.expireEntries(now, nil)
	defer func() { d.Expired = s.expireShared(now, d.Expired) }()
	maxKeys := s.MaxKeys
	if maxKeys <= 0 {
		maxKeys = DefaultMaxKeys
	}
	if len(s.entries) < maxKeys {
		s.entries[pair{kind, key}] = s.order.PushBack(&keyedEntry{pair{kind, key}, sampled{last: now}})
		d.OK = true
		return d
	}

	d.Shared = true
	sh, seen := s.shared[kind]
	if !seen {
		s.shared[kind] = &sampled{last: now}
		d.OK = true
		return d
	}
	d.OK, d.Suppressed = sh.allow(now, s.Interval)
	return d
}

// Flush expires the entries and shared limits whose last event let
// through is at least Interval old at now, and returns those with events
// held back. An owner calls it periodically, so that a count held back
// is reported once its interval ends although no further event comes.
func (s *KeyedSampler) Flush(now time.Time) []HeldBack {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.expireShared(now, s.expireEntries(now, nil))
}

// allow lets an event at now through when the last one is at least
// interval old, and returns the count held back since then, or counts
// the event as held back.
func (k *sampled) allow(now time.Time, interval time.Duration) (ok bool, suppressed int) {
	if now.Sub(k.last) < interval {
		k.suppressed++
		return false, 0
	}
	suppressed = k.suppressed
	*k = sampled{last: now}
	return true, suppressed
}

// expireEntries removes the entries whose last event let through is at
// least Interval old, and appends those with events held back to held.
func (s *KeyedSampler) expireEntries(now time.Time, held []HeldBack) []HeldBack {
	for el := s.order.Front(); el != nil; el = s.order.Front() {
		e := el.Value.(*keyedEntry)
		if now.Sub(e.last) < s.Interval {
			break
		}
		s.order.Remove(el)
		delete(s.entries, e.pair)
		if e.suppressed > 0 {
			held = append(held, HeldBack{Kind: e.kind, Key: e.key, Suppressed: e.suppressed, Since: e.last})
		}
	}
	return held
}

// expireShared removes the shared limits whose last event let through is
// at least Interval old, and appends those with events held back to held.
func (s *KeyedSampler) expireShared(now time.Time, held []HeldBack) []HeldBack {
	for kind, sh := range s.shared {
		if now.Sub(sh.last) < s.Interval {
			continue
		}
		delete(s.shared, kind)
		if sh.suppressed > 0 {
			held = append(held, HeldBack{Kind: kind, Suppressed: sh.suppressed, Since: sh.last})
		}
	}
	return held
}
