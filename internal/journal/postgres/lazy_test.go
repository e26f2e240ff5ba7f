package postgres

import (
	"context"
	"testing"

	"github.com/sangam-hub/sangam/internal/pgtest"
)

// TestLazyAttemptCommit checks that the statement recording an attempt
// runs in a transaction with synchronous_commit off when lazyAttempts is
// set, and with the server's setting otherwise.
func TestLazyAttemptCommit(t *testing.T) {
	ctx := context.Background()
	// One connection, so that the last check reads the connection the
	// attempts ran on.
	store, err := Open(ctx, Config{DSN: pgtest.WithSearchPath(t, testDSN(), freshSchema(t)), MaxConns: 1})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer store.Close()

	const probe = "SELECT 1 WHERE current_setting('synchronous_commit') = 'off'"
	for _, lazy := range []bool{false, true} {
		store.lazyAttempts = lazy
		tag, err := store.execAttempt(ctx, probe)
		if err != nil {
			t.Fatalf("lazy %t: %v", lazy, err)
		}
		want := int64(0)
		if lazy {
			want = 1
		}
		if got := tag.RowsAffected(); got != want {
			t.Errorf("lazy %t: the statement saw synchronous_commit off in %d rows, want %d", lazy, got, want)
		}
	}

	// The setting ends with its transaction, so the pool's connection is
	// back to the server's setting.
	var setting string
	if err := store.pool.QueryRow(ctx, "SELECT current_setting('synchronous_commit')").Scan(&setting); err != nil {
		t.Fatal(err)
	}
	if setting == "off" {
		t.Errorf("synchronous_commit is still off after the attempt's transaction")
	}
}
