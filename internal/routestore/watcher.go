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
	// Run's goroutine, one call at a time. Required.
	OnChange func(ctx context.Context, v Version, t *routes.Table)
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
// one the watcher saw. When several versions are saved between two reads,
// only the latest is handed over. A version whose document fails
// routes.Load is logged once and skipped, so the caller keeps the last
// table it received.
type Watcher struct {
	cfg WatcherConfig
	// applied is the number of the version last handed to OnChange.
	applied atomic.Int64
	// seen is the number of the version last read, compiled or not. Only
	// Run's goroutine uses it.
	seen int
	// failing rate-limits the logs of failed reads. Only Run's goroutine
	// uses it.
	failing throttle.Failures
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
	w := &Watcher{cfg: cfg, seen: cfg.Applied,
		failing: throttle.Failures{Interval: failureLogInterval}}
	w.applied.Store(int64(cfg.Applied))
	return w, nil
}

// Applied returns the number of the version last handed to OnChange, or
// WatcherConfig.Applied before the first. It is safe to call from any
// goroutine.
func (w *Watcher) Applied() int { return int(w.applied.Load()) }

// Run reads the current version at once and then every Interval, until
// ctx ends. Call it once.
func (w *Watcher) Run(ctx context.Context) {
	ticker := time.NewTicker(w.cfg.Interval)
	defer ticker.Stop()
	for {
		w.poll(ctx)
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// poll reads the current version once and hands it over when it is new
// and compiles.
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
	if v.Number == 0 || v.Number == w.seen {
		return
	}
	w.seen = v.Number

	table, err := routes.Load(v.Document)
	if err != nil {
		w.cfg.Logger.Error("routes version skipped: it does not compile, "+
			"the last good routes stay in use",
			"version", v.Number, "applied", w.Applied(), "error", err)
		return
	}
	w.cfg.Logger.Debug("routes version compiled, handing it to the hub",
		"version", v.Number, "previous", w.Applied(), "label", table.Version())
	w.applied.Store(int64(v.Number))
	w.cfg.OnChange(ctx, v, table)
}

// readFailed logs a failed read when failures start and then at most once
// per failureLogInterval. A read that ctx's end interrupted is not logged.
func (w *Watcher) readFailed(ctx context.Context, err error) {
	if ctx.Err() != nil {
		return
	}
	if ok, _ := w.failing.Failed(time.Now()); ok {
		w.cfg.Logger.Warn("reading current routes failed, retrying",
			"interval", w.cfg.Interval, "error", err)
	}
}

func (w *Watcher) readSucceeded() {
	if ok, _ := w.failing.Recovered(); ok {
		w.cfg.Logger.Info("reading current routes recovered")
	}
}
