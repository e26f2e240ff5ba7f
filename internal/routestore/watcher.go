package routestore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/sangam-hub/sangam/internal/throttle"
	"github.com/sangam-hub/sangam/routes"
)

// DefaultInterval is how often a Watcher reads the current version when
// WatcherConfig.Interval is zero.
const DefaultInterval = 2 * time.Second

// failureLogInterval is how often a Watcher logs again while reading the
// current version keeps failing.
const failureLogInterval = time.Minute

// WatcherConfig configures NewWatcher.
type WatcherConfig struct {
	// Store is the store to watch. Required.
	Store Store
	// OnChange receives each new version with its compiled table, on
	// Run's goroutine, one call at a time. It returns an error when it
	// could not put the version in force, and the watcher then hands the
	// version over again at the next read. Required.
	OnChange func(ctx context.Context, v Version, t *routes.Table) error
	// Interval is how often Run reads the current version. Default
	// DefaultInterval, 2s.
	Interval time.Duration
	// Applied is the number of the version the caller already runs, as
	// Seed returned it. Default 0: the first read hands over the current
	// version, if any.
	Applied int
	// Logger receives the watcher's logs. Default slog.Default().
	Logger *slog.Logger
}

// Validate returns an error naming the field and the rule unless c can be
// used, after defaults apply.
func (c WatcherConfig) Validate() error {
	var errs []error
	if c.Store == nil {
		errs = append(errs, errors.New("store: missing"))
	}
	if c.OnChange == nil {
		errs = append(errs, errors.New("on_change: missing"))
	}
	if c.Interval < 0 {
		errs = append(errs, fmt.Errorf("interval: %s is negative", c.Interval))
	}
	if c.Applied < 0 {
		errs = append(errs, fmt.Errorf("applied: %d is negative", c.Applied))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("routes watcher config: %w", err)
	}
	return nil
}

// Watcher reads a Store's current version every Interval and hands each
// new one to OnChange, so a hub replica follows changes that any replica
// saves. A version counts as new when its number differs from the last
// one put in force. When several versions are saved between two reads,
// only the latest is handed over. A version whose document fails
// routes.LoadStored, or that OnChange rejects, is tried again at every read
// until it is in force or a newer version replaces it. A version that
// failed for a passing reason, such as a database error, thus still
// comes into force, and the caller keeps its last table meanwhile.
// These failures are logged when they start, then at most once per
// failureLogInterval.
type Watcher struct {
	cfg WatcherConfig
	// applied is the number of the version last put in force.
	applied atomic.Int64
	// failing rate-limits the logs of failed reads. Only Run's goroutine
	// uses it.
	failing throttle.Failures
	// rejected is the version that last failed to compile or apply, and
	// rejecting rate-limits the logs of its failures. Only Run's
	// goroutine uses them.
	rejected  int
	rejecting throttle.Failures
	// syncs carries Sync's requests to Run, each with a channel that Run
	// closes once it has read the store for it.
	syncs chan chan struct{}
	// stopped is closed when Run returns.
	stopped chan struct{}
}

// NewWatcher returns a watcher for cfg, after defaults apply.
func NewWatcher(cfg WatcherConfig) (*Watcher, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Interval == 0 {
		cfg.Interval = DefaultInterval
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	w := &Watcher{cfg: cfg,
		failing:   throttle.Failures{Interval: failureLogInterval},
		rejecting: throttle.Failures{Interval: failureLogInterval},
		syncs:     make(chan chan struct{}),
		stopped:   make(chan struct{})}
	w.applied.Store(int64(cfg.Applied))
	return w, nil
}

// Applied returns the number of the version OnChange last put in force,
// or WatcherConfig.Applied before the first. It is safe to call from any
// goroutine.
func (w *Watcher) Applied() int { return int(w.applied.Load()) }

// Run reads the current version at once, then every Interval and at
// each Sync, until ctx ends. Call it once.
func (w *Watcher) Run(ctx context.Context) {
	defer close(w.stopped)
	ticker := time.NewTicker(w.cfg.Interval)
	defer ticker.Stop()
	w.poll(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			w.poll(ctx)
		case done := <-w.syncs:
			w.poll(ctx)
			close(done)
		}
	}
}

// errWatcherStopped is Sync's error once Run has returned.
var errWatcherStopped = errors.New("routes watcher stopped")

// Sync makes Run read the current version now, without waiting for the
// next Interval, and hand it to OnChange when it is new. It returns once
// that read and any OnChange call are done, or with ctx's error when
// ctx ends first, in which case Run still finishes the read. Applied
// reports whether the version came into force. Sync is safe to call from
// any goroutine, and before Run starts it waits for Run or ctx.
func (w *Watcher) Sync(ctx context.Context) error {
	done := make(chan struct{})
	select {
	case w.syncs <- done:
	case <-w.stopped:
		return errWatcherStopped
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// poll reads the current version once and hands it over when it is not
// the one in force and it compiles.
func (w *Watcher) poll(ctx context.Context) {
	v, err := w.cfg.Store.Current(ctx)
	if errors.Is(err, ErrEmpty) {
		err = nil
	}
	if err != nil {
		w.readFailed(ctx, err)
		return
	}
	w.readSucceeded()
	if v.Number == 0 || v.Number == w.Applied() {
		return
	}

	table, err := routes.LoadStored(v.Document)
	if err != nil {
		w.reject(v.Number, "routes version does not compile, the last good routes stay in use", err)
		return
	}
	w.cfg.Logger.Debug("routes version compiled, handing it to the hub",
		"version", v.Number, "previous", w.Applied(), "label", table.Version())
	if err := w.cfg.OnChange(ctx, v, table); err != nil {
		if ctx.Err() == nil {
			w.reject(v.Number, "routes version not applied, the last good routes stay in use", err)
		}
		return
	}
	w.applied.Store(int64(v.Number))
	if v.Number == w.rejected {
		if ok, run := w.rejecting.Recovered(); ok {
			w.cfg.Logger.Info("routes version applied after failed tries",
				"version", v.Number, "tries", run.Count+1, "since", run.Since)
		}
		w.rejected = 0
	}
}

// reject logs that version could not be put in force: at once for a
// version that had not failed before, then at most once per
// failureLogInterval.
func (w *Watcher) reject(version int, msg string, err error) {
	if version != w.rejected {
		w.rejected = version
		w.rejecting = throttle.Failures{Interval: failureLogInterval}
	}
	if ok, run := w.rejecting.Failed(time.Now()); ok {
		w.cfg.Logger.Error(msg, "version", version, "applied", w.Applied(),
			"tries", run.Count, "retry_interval", w.cfg.Interval, "error", err)
	}
}

// readFailed logs a failed read when failures start and then at most once
// per failureLogInterval. A read that ctx's end interrupted is not logged.
func (w *Watcher) readFailed(ctx context.Context, err error) {
	if ctx.Err() != nil {
		return
	}
	if ok, run := w.failing.Failed(time.Now()); ok {
		w.cfg.Logger.Warn("reading current routes failed, retrying",
			"interval", w.cfg.Interval, "error", err, "failed_reads", run.Count,
			"failing_since", run.Since)
	}
}

func (w *Watcher) readSucceeded() {
	if ok, run := w.failing.Recovered(); ok {
		w.cfg.Logger.Info("reading current routes recovered", "failed_reads", run.Count,
			"failed_for", time.Since(run.Since).Round(time.Millisecond))
	}
}
