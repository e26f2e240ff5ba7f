package throttle

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultLogInterval is a FailureLog's Interval when its config sets
// none. It is the same as the hub's limit on repeated bus errors, because
// both cover failures that come hundreds of times a second.
const DefaultLogInterval = 5 * time.Second

// FailureLogConfig configures a FailureLog.
type FailureLogConfig struct {
	// Logger receives the lines. Default slog.Default().
	Logger *slog.Logger
	// Failed is the message of the error lines, such as "storing inbound
	// message failed".
	Failed string
	// Recovered is the message of the info line that ends a run: the
	// operation that Failed names, followed by "recovered", such as
	// "storing inbound messages recovered".
	Recovered string
	// CountKey is the key of the run's count of failures in both lines,
	// such as "failed_requests".
	CountKey string
	// Interval is the shortest time between two error lines. Default
	// DefaultLogInterval.
	Interval time.Duration
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
	// Warn logs the failure lines at Warn instead of Error, for failures
	// that the callers retry, such as posts turned away while the hub is
	// busy.
	Warn bool
}

// FailureLog logs the failures of one operation that concurrent callers
// run, such as storing an inbound message, through a Failures. The first
// failure of a run is logged at once, with its error and attributes. Then
// at most one error line per Interval follows, with the latest failure's
// error and attributes, the count so far and the start of the run. The
// first success after the run is logged once, at Info, with the count
// and how long the run lasted.
//
// A run that starts less than Interval after the last one ended is
// deferred: its first failure is not logged at once, and successes do not
// end it until it has lasted Interval. Its error line comes at its next
// failure after that, or just before its recovery line. So failures that
// alternate with successes log at most two lines per Interval, not two
// per failure.
//
// It is safe for concurrent use. While no run is open, Succeeded costs
// one atomic load.
type FailureLog struct {
	cfg FailureLogConfig
	// failing is true while a run is open.
	failing atomic.Bool

	// mu guards the fields below and keeps the lines in order.
	mu  sync.Mutex
	run Failures
	// ended is when the last run ended.
	ended time.Time
	// deferred is true while the open run is deferred, since
	// deferredSince.
	deferred      bool
	deferredSince time.Time
	// lastErr and lastAttrs are those of the latest failure of the run.
	lastErr   error
	lastAttrs []any
}

// NewFailureLog returns a FailureLog for cfg, after defaults apply.
func NewFailureLog(cfg FailureLogConfig) *FailureLog {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultLogInterval
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &FailureLog{cfg: cfg, run: Failures{Interval: cfg.Interval}}
}

// Failed records a failure with err and attrs, which are slog key-value
// pairs, and logs it when the run's throttle lets it through.
func (f *FailureLog) Failed(err error, attrs ...any) {
	now := f.cfg.Now()
	f.mu.Lock()
	defer f.mu.Unlock()
	ok, run := f.run.Failed(now)
	if run.Count == 1 {
		f.failing.Store(true)
		f.deferred = !f.ended.IsZero() && now.Sub(f.ended) < f.cfg.Interval
		f.deferredSince = now
		ok = !f.deferred
	} else if ok {
		f.deferred = false
	}
	f.lastErr, f.lastAttrs = err, attrs
	if ok {
		f.logFailed(err, attrs, run)
	}
}

// Succeeded ends the open run, if any, and logs its recovery. A deferred
// run stays open until it has lasted Interval.
func (f *FailureLog) Succeeded() {
	if !f.failing.Load() {
		return
	}
	now := f.cfg.Now()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.deferred && now.Sub(f.deferredSince) < f.cfg.Interval {
		return
	}
	ok, run := f.run.Recovered()
	if !ok {
		// Another caller ended the run after the load of failing.
		return
	}
	if f.deferred {
		f.logFailed(f.lastErr, f.lastAttrs, run)
	}
	f.failing.Store(false)
	f.deferred = false
	f.ended = now
	f.lastErr, f.lastAttrs = nil, nil
	f.cfg.Logger.Info(f.cfg.Recovered, f.cfg.CountKey, run.Count,
		"failed_for", now.Sub(run.Since).Round(time.Millisecond))
}

func (f *FailureLog) logFailed(err error, attrs []any, run Run) {
	args := make([]any, 0, len(attrs)+6)
	args = append(args, attrs...)
	args = append(args, "error", err, f.cfg.CountKey, run.Count, "failing_since", run.Since)
	level := slog.LevelError
	if f.cfg.Warn {
		level = slog.LevelWarn
	}
	f.cfg.Logger.Log(context.Background(), level, f.cfg.Failed, args...)
}
