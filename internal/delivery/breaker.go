package delivery

import (
	"context"
	"errors"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/sony/gobreaker/v2"
)

// BreakerConfig configures each destination's circuit breaker. The zero
// value takes the defaults in the field comments.
type BreakerConfig struct {
	// Failures is how many consecutive failed attempts open the breaker.
	// Default 5.
	Failures uint32
	// OpenFor is how long an open breaker rejects attempts before it lets
	// probes through. Default 30s.
	OpenFor time.Duration
	// Probes is how many attempts a half-open breaker lets through; that
	// many successes close it. Default 1.
	Probes uint32
	// OnClose, when set, is called in a goroutine of its own each time a
	// destination's breaker closes after its probes succeeded. The hub
	// makes the destination's put-off deliveries due then.
	OnClose func(destination string)
}

func (c BreakerConfig) withDefaults() BreakerConfig {
	if c.Failures == 0 {
		c.Failures = 5
	}
	if c.OpenFor == 0 {
		c.OpenFor = 30 * time.Second
	}
	if c.Probes == 0 {
		c.Probes = 1
	}
	return c
}

// errFailed marks an attempt the breaker counts as a failure: a 5xx, 408
// or 429 response, a timeout, a connection error, or a request not sent
// because the destination's credentials or TLS files cannot be used.
var errFailed = errors.New("destination failed")

// Breakers holds one circuit breaker per destination. It is safe for
// concurrent use.
type Breakers struct {
	cfg BreakerConfig
	log *slog.Logger

	mu     sync.Mutex // guards byDest
	byDest map[string]*gobreaker.CircuitBreaker[outcome]

	// changedMu guards changed, trippedAfter and lastFailure. It is
	// separate from mu because gobreaker calls ReadyToTrip and
	// OnStateChange with its own lock held, and States takes mu before
	// reading a breaker: one lock for both would invert the order.
	changedMu    sync.Mutex
	changed      map[string]time.Time // last state change by destination
	trippedAfter map[string]uint32    // consecutive failures when it last opened
	lastFailure  map[string]failure
	// expiries end the open time of each open breaker (expireOpen), and
	// stopped is set by Stop. changedMu guards both.
	expiries map[string]*time.Timer
	stopped  bool
}

// failure is an attempt the breaker counted as a failure.
type failure struct {
	reason string
	at     time.Time
}

// NewBreakers returns an empty set of breakers.
func NewBreakers(cfg BreakerConfig, log *slog.Logger) *Breakers {
	return &Breakers{
		cfg: cfg.withDefaults(), log: log,
		byDest:       map[string]*gobreaker.CircuitBreaker[outcome]{},
		changed:      map[string]time.Time{},
		trippedAfter: map[string]uint32{},
		lastFailure:  map[string]failure{},
		expiries:     map[string]*time.Timer{},
	}
}

// Stop cancels the timers of expireOpen. A breaker then changes state
// only when an attempt or a read of its state comes, as gobreaker does by
// itself.
func (b *Breakers) Stop() {
	b.changedMu.Lock()
	defer b.changedMu.Unlock()
	b.stopped = true
	for _, t := range b.expiries {
		t.Stop()
	}
}

// expireOpen reads dest's breaker once its open time is up. gobreaker
// moves an open breaker to half-open only when it is used or read, so
// without this an idle replica would report it open, and log the change,
// only at its next attempt or API read. changedMu must be held.
func (b *Breakers) expireOpen(dest string) {
	if b.stopped {
		return
	}
	if t := b.expiries[dest]; t != nil {
		t.Stop()
	}
	// gobreaker v2.4.0 ends the open time OpenFor after a time it reads
	// before it calls OnStateChange, so a timer started here fires after
	// that end. The millisecond covers a clock that reads coarser.
	b.expiries[dest] = time.AfterFunc(b.cfg.OpenFor+time.Millisecond, func() {
		b.get(dest).State()
	})
}

// OpenFor returns how long an open breaker stays open.
func (b *Breakers) OpenFor() time.Duration { return b.cfg.OpenFor }

func (b *Breakers) get(dest string) *gobreaker.CircuitBreaker[outcome] {
	b.mu.Lock()
	defer b.mu.Unlock()
	if cb, ok := b.byDest[dest]; ok {
		return cb
	}
	// No Interval: a closed breaker keeps its counts until a success
	// resets the consecutive failures. With one, gobreaker clears them
	// each interval and drops the outcome of an attempt that started in
	// an earlier one, so failures slower than the interval, or attempts
	// longer than it, could never open the breaker.
	cb := gobreaker.NewCircuitBreaker[outcome](gobreaker.Settings{
		Name:        dest,
		MaxRequests: b.cfg.Probes,
		Timeout:     b.cfg.OpenFor,
		ReadyToTrip: func(c gobreaker.Counts) bool {
			if c.ConsecutiveFailures < b.cfg.Failures {
				return false
			}
			// gobreaker resets its counts when the state changes, so keep
			// how many failures opened the breaker.
			b.changedMu.Lock()
			b.trippedAfter[dest] = c.ConsecutiveFailures
			b.changedMu.Unlock()
			return true
		},
		IsSuccessful: func(err error) bool { return !errors.Is(err, errFailed) },
		// The hub's own shutdown is no failure of the destination.
		IsExcluded: func(err error) bool { return errors.Is(err, context.Canceled) },
		OnStateChange: func(name string, from, to gobreaker.State) {
			b.changedMu.Lock()
			b.changed[name] = time.Now()
			if from == gobreaker.StateHalfOpen && to == gobreaker.StateOpen {
				// One failed probe reopens it, without ReadyToTrip.
				b.trippedAfter[name] = 1
			}
			if to == gobreaker.StateOpen {
				b.expireOpen(name)
			}
			last := b.lastFailure[name]
			b.changedMu.Unlock()
			attrs := []any{"destination", name, "from", from.String(), "to", to.String()}
			if to == gobreaker.StateOpen {
				attrs = append(attrs, "last_failure", last.reason)
				b.log.Warn("circuit breaker state changed", attrs...)
			} else {
				// A probe and a recovery need no action from an operator.
				b.log.Info("circuit breaker state changed", attrs...)
			}
			if to == gobreaker.StateClosed && b.cfg.OnClose != nil {
				// gobreaker holds its lock while it calls this, and the
				// probe's handler is waiting: let neither wait for the
				// journal.
				go b.cfg.OnClose(name)
			}
		},
	})
	b.byDest[dest] = cb
	return cb
}

// openLeft returns how long dest's breaker stays open from now: what is
// left of OpenFor since it opened, or all of OpenFor when it is not open,
// as a half-open breaker refuses attempts while its probe is out.
func (b *Breakers) openLeft(dest string) time.Duration {
	if b.get(dest).State() != gobreaker.StateOpen {
		return b.cfg.OpenFor
	}
	b.changedMu.Lock()
	opened := b.changed[dest]
	b.changedMu.Unlock()
	return min(max(time.Until(opened.Add(b.cfg.OpenFor)), 0), b.cfg.OpenFor)
}

// closed reports whether dest's breaker is closed.
func (b *Breakers) closed(dest string) bool {
	return b.get(dest).State() == gobreaker.StateClosed
}

// failed records the reason of an attempt to dest that the breaker
// counted as a failure.
func (b *Breakers) failed(dest, reason string, at time.Time) {
	b.changedMu.Lock()
	defer b.changedMu.Unlock()
	b.lastFailure[dest] = failure{reason: reason, at: at}
}

// lastFailureOf returns the last failure of dest that its breaker
// counted, or "" when it counted none.
func (b *Breakers) lastFailureOf(dest string) string {
	b.changedMu.Lock()
	defer b.changedMu.Unlock()
	return b.lastFailure[dest].reason
}

// BreakerState is one destination's breaker as the API shows it.
type BreakerState struct {
	Destination string `json:"destination"`
	// State is closed, half-open or open.
	State string `json:"state"`
	// ConsecutiveFailures and Requests count since the last state change.
	ConsecutiveFailures uint32    `json:"consecutive_failures"`
	Requests            uint32    `json:"requests"`
	ChangedAt           time.Time `json:"changed_at,omitzero"`
	// OpenedAfter is how many failures in a row last opened the breaker;
	// zero when it never opened in this process.
	OpenedAfter uint32 `json:"opened_after_failures,omitempty"`
	// LastFailure is the last failure the breaker counted, such as
	// "HTTP 503: ..." or a connection error, and LastFailureAt its time.
	LastFailure   string    `json:"last_failure,omitempty"`
	LastFailureAt time.Time `json:"last_failure_at,omitzero"`
}

// States returns the state of every destination's breaker that has seen
// an attempt in this process, sorted by destination.
func (b *Breakers) States() []BreakerState {
	b.mu.Lock()
	breakers := make(map[string]*gobreaker.CircuitBreaker[outcome], len(b.byDest))
	for name, cb := range b.byDest {
		breakers[name] = cb
	}
	b.mu.Unlock()

	out := make([]BreakerState, 0, len(breakers))
	for name, cb := range breakers {
		// State first: it moves an open breaker whose time is up to
		// half-open, which resets the counts and the change time.
		state := cb.State()
		c := cb.Counts()
		b.changedMu.Lock()
		changed, opened, last := b.changed[name], b.trippedAfter[name], b.lastFailure[name]
		b.changedMu.Unlock()
		out = append(out, BreakerState{
			Destination: name, State: state.String(),
			ConsecutiveFailures: c.ConsecutiveFailures, Requests: c.Requests,
			ChangedAt: changed, OpenedAfter: opened,
			LastFailure: last.reason, LastFailureAt: last.at,
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Destination < out[j].Destination })
	return out
}
