package resilience

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/hub"
)

// startHub opens a hub in this process with short polling and retry
// intervals where cfg leaves them zero, and runs it until the test ends.
// cfg.Listen must be set, because the mock court calls back that
// address. Unless cfg.Log is set, the hub logs into a file whose end the
// test prints when it fails. The returned function stops the hub and
// returns Run's error, and the test's cleanup calls it too.
func startHub(t *testing.T, cfg hub.Config) (*hub.Hub, func() error) {
	t.Helper()
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	cfg.AadhaarKey = []byte(aadhaarKey)
	if cfg.Log == nil {
		cfg.Log = fileLog(t, "hub")
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = 20 * time.Millisecond
	}
	if cfg.RequeueInterval == 0 {
		cfg.RequeueInterval = 50 * time.Millisecond
	}
	if cfg.RetryInterval == 0 {
		cfg.RetryInterval = 100 * time.Millisecond
		cfg.MaxRetryInterval = time.Second
	}

	h, err := hub.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("opening hub: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.Run(ctx) }()
	stop := sync.OnceValue(func() error {
		cancel()
		return <-done
	})
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("hub Run: %v", err)
		}
	})
	return h, stop
}
