package routestore

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/routes"
)

// flakyStore is a Store whose Current fails its first failures calls and
// then returns ErrEmpty, and that saves nothing.
type flakyStore struct {
	mu       sync.Mutex
	failures int
	calls    int
}

func (s *flakyStore) Current(context.Context) (Version, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.calls <= s.failures {
		return Version{}, errors.New("connection refused")
	}
	return Version{}, ErrEmpty
}

func (s *flakyStore) Get(context.Context, int) (Version, error) { return Version{}, ErrNotFound }

func (s *flakyStore) List(context.Context, int, int) ([]Info, error) { return nil, nil }

func (s *flakyStore) Save(context.Context, Change) (Version, error) {
	return Version{}, errors.New("flakyStore saves nothing")
}

// TestWatcherLogsReadRecovery has the store fail three reads: the
// watcher logs the first failure and, at the first read that works, one
// recovery line with the count of failed reads.
func TestWatcherLogsReadRecovery(t *testing.T) {
	// Only Run's goroutine writes to logs, and the test reads it once Run
	// has returned.
	var logs bytes.Buffer
	w, err := NewWatcher(WatcherConfig{
		Store:    &flakyStore{failures: 3},
		Interval: time.Hour,
		Logger:   slog.New(slog.NewTextHandler(&logs, nil)),
		OnChange: func(context.Context, Version, *routes.Table) error { return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx)
	}()
	// Run reads once at its start and once for each Sync, so the fourth
	// read, the first that works, is done once four Syncs have returned.
	for range 4 {
		if err := w.Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	<-done

	out := logs.String()
	if n := strings.Count(out, `msg="reading current routes failed, retrying"`); n != 1 {
		t.Errorf("%d failure lines for three failed reads, want 1:\n%s", n, out)
	}
	if !strings.Contains(out, "failed_reads=1 ") {
		t.Errorf("the failure line lacks failed_reads=1:\n%s", out)
	}
	if !strings.Contains(out, `level=INFO msg="reading current routes recovered" failed_reads=3 failed_for=`) {
		t.Errorf("log lacks the recovery line with failed_reads=3:\n%s", out)
	}
}
