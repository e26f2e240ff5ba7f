package pgbus_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// TestSerializationFailureKeepsLock makes a subscriber's batch query fail
// after it has locked and returned the first row. The query runs in a
// REPEATABLE READ transaction and waits for the second row, which another
// transaction deletes before it commits. PostgreSQL then fails the query
// with a serialization failure and releases every lock of the transaction
// at once. If the subscriber handed out the first row anyway, another
// replica could lock that row and deliver the same message at the same
// time. The message must arrive only from a batch that holds its row's
// lock.
func TestSerializationFailureKeepsLock(t *testing.T) {
	pool := openTestPool(t, 5)
	ctx := context.Background()
	initTopic(t, pool, "court")
	first := publish(t, pool, "court", "1")
	publish(t, pool, "court", "2")

	var firstOffset int64
	err := pool.QueryRow(ctx, `SELECT min("offset") FROM "watermill_court"`).Scan(&firstOffset)
	if err != nil {
		t.Fatalf("reading the first offset: %v", err)
	}

	locker, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = locker.Rollback(ctx) }()
	var lockerPID int
	if err := locker.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&lockerPID); err != nil {
		t.Fatal(err)
	}
	var secondOffset int64
	err = locker.QueryRow(ctx, `SELECT "offset" FROM "watermill_court"
		WHERE "offset" > $1 ORDER BY "offset" LIMIT 1 FOR UPDATE`, firstOffset).Scan(&secondOffset)
	if err != nil {
		t.Fatalf("locking the second row: %v", err)
	}

	_, messages := subscribe(t, pool, "court")
	waitForBlocked(t, pool, lockerPID)

	if _, err := locker.Exec(ctx, `DELETE FROM "watermill_court" WHERE "offset" = $1`, secondOffset); err != nil {
		t.Fatalf("deleting the second row: %v", err)
	}
	if err := locker.Commit(ctx); err != nil {
		t.Fatalf("committing the delete: %v", err)
	}

	msg := receive(t, messages)
	if msg.UUID != first.UUID {
		t.Fatalf("received %q, want the first message", msg.Payload)
	}
	lockable, err := lockNoWait(ctx, pool, firstOffset)
	msg.Ack()
	if err != nil {
		t.Fatalf("trying to lock the first row: %v", err)
	}
	if lockable {
		t.Error("another transaction could lock the row of the message in hand, " +
			"so another subscriber could deliver it at the same time")
	}
}

// waitForBlocked waits until a backend of pool waits for a lock that the
// backend lockerPID holds.
func waitForBlocked(t *testing.T, pool *pgxpool.Pool, lockerPID int) {
	t.Helper()
	deadline := time.Now().Add(receiveTimeout)
	for time.Now().Before(deadline) {
		var blocked int
		err := pool.QueryRow(context.Background(),
			"SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))",
			lockerPID).Scan(&blocked)
		if err != nil {
			t.Fatalf("reading blocked backends: %v", err)
		}
		if blocked > 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("no backend waited for the lock of backend %d within %s", lockerPID, receiveTimeout)
}

// lockNoWait reports whether a new transaction can lock the topic row at
// offset without waiting. It returns false when another transaction holds
// the lock.
func lockNoWait(ctx context.Context, pool *pgxpool.Pool, offset int64) (bool, error) {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return false, err
	}
	defer func() { _ = tx.Rollback(ctx) }()
	var locked int64
	err = tx.QueryRow(ctx, `SELECT "offset" FROM "watermill_court"
		WHERE "offset" = $1 FOR UPDATE NOWAIT`, offset).Scan(&locked)
	var pgErr *pgconn.PgError
	switch {
	case errors.As(err, &pgErr) && pgErr.Code == "55P03":
		return false, nil
	case err != nil:
		return false, err
	}
	return true, nil
}
