package postgres

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/pgtest"
)

// TestAcceptsWaitingTogetherShareACommit holds the messages table locked
// while many Accept calls queue up, then releases it: the calls that
// waited meanwhile must be committed in groups, and each must be
// journaled all the same.
func TestAcceptsWaitingTogetherShareACommit(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.WithSearchPath(t, testDSN(), freshSchema(t))
	store, err := Open(ctx, Config{DSN: dsn})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer store.Close()

	var (
		mu      sync.Mutex
		groups  []int
		started = make(chan struct{}, 1000)
	)
	store.onGroup = func(n int) {
		mu.Lock()
		groups = append(groups, n)
		mu.Unlock()
		started <- struct{}{}
	}

	lock, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connecting: %v", err)
	}
	defer lock.Close(ctx)
	tx, err := lock.Begin(ctx)
	if err != nil {
		t.Fatalf("begin: %v", err)
	}
	if _, err := tx.Exec(ctx, "LOCK TABLE messages IN EXCLUSIVE MODE"); err != nil {
		t.Fatalf("locking messages: %v", err)
	}

	const n = 60
	ids := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		ids[i] = fmt.Sprintf("m-group-%02d", i)
		wg.Go(func() {
			_, errs[i] = store.Accept(ctx, journal.Entry{Message: canonical.Message{
				ID: ids[i], Type: canonical.TypeFIR, Source: "kerala-police",
				SenderMessageID: ids[i], CaseKey: ids[i], OccurredAt: time.Now(),
				FIR: &canonical.FIR{FirstInformation: "Two-wheeler stolen."},
			}})
		})
	}
	// Every committer now waits for the lock with the group it took; the
	// other calls queue behind them.
	for range committers {
		<-started
	}
	time.Sleep(200 * time.Millisecond)
	if err := tx.Rollback(ctx); err != nil {
		t.Fatalf("releasing the lock: %v", err)
	}
	wg.Wait()

	for i, err := range errs {
		if err != nil {
			t.Errorf("Accept %d: %v", i, err)
		}
	}
	for _, id := range ids {
		if _, err := store.Journey(ctx, id); err != nil {
			t.Errorf("Journey(%s): %v", id, err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	largest := 0
	for _, g := range groups {
		largest = max(largest, g)
	}
	if len(groups) >= n || largest < 2 {
		t.Errorf("%d messages went in %d commits, largest group %d; want groups of several",
			n, len(groups), largest)
	}
	t.Logf("%d messages in %d commits: %v", n, len(groups), groups)
}
