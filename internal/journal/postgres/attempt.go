package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sangam-hub/sangam/internal/journal"
)

// RecordAttempt implements journal.Store. When a.Number is 0 the store
// numbers the attempt; otherwise a.Number must be the next number, one
// more than the delivery's attempts so far. A dead attempt's Error
// becomes the delivery's Reason. A pending attempt needs NextAttemptAt,
// which becomes the delivery's; every attempt clears the delivery's
// queued mark.
func (s *Store) RecordAttempt(ctx context.Context, a journal.Attempt) error {
	if err := a.Validate(); err != nil {
		return err
	}
	if a.Result == journal.StatusPending && a.NextAttemptAt.IsZero() {
		return fmt.Errorf("%w attempt next_attempt_at: missing, "+
			"a pending attempt needs the time the delivery is due again", journal.ErrInvalid)
	}

	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		return recordAttempt(ctx, tx, a, time.Now())
	})
	if err != nil {
		return fmt.Errorf("recording attempt for delivery %s: %w", a.DeliveryID, err)
	}
	return nil
}

func recordAttempt(ctx context.Context, tx pgx.Tx, a journal.Attempt, now time.Time) error {
	last, err := lockPendingDelivery(ctx, tx, a.DeliveryID)
	if err != nil {
		return err
	}

	if a.Number == 0 {
		a.Number = last + 1
	}
	if a.Number != last+1 {
		return fmt.Errorf("%w attempt number: %d, expected %d", journal.ErrInvalid, a.Number, last+1)
	}

	reason := ""
	if a.Result == journal.StatusDead {
		reason = a.Error
	}
	b := &pgx.Batch{}
	b.Queue(`
		INSERT INTO attempts (
			delivery_id, number, started_at, finished_at, status_code, error, result,
			next_attempt_at, policy
		) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		a.DeliveryID, a.Number, a.StartedAt.Truncate(time.Microsecond),
		a.FinishedAt.Truncate(time.Microsecond), a.StatusCode, a.Error, a.Result,
		nextAttemptAt(a), a.Policy)
	b.Queue(`
		UPDATE deliveries SET status = $2, reason = $3, updated_at = $4,
			next_attempt_at = $5, queued_at = NULL
		WHERE id = $1`,
		a.DeliveryID, a.Result, reason, now.Truncate(time.Microsecond), nextAttemptAt(a))
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("inserting attempt %d and updating its delivery: %w", a.Number, err)
	}
	return nil
}

// lockPendingDelivery locks the delivery's row until tx ends and returns
// the number of its last attempt, 0 when it has none. It returns
// journal.ErrNotFound or journal.ErrSettled when the delivery is missing
// or no longer pending.
func lockPendingDelivery(ctx context.Context, tx pgx.Tx, deliveryID string) (int, error) {
	// FOR UPDATE makes concurrent attempts on one delivery take turns and
	// returns the latest committed status. The count is a statement of
	// its own, because under READ COMMITTED it takes a new snapshot, which
	// includes the attempts of the transaction that held the lock before.
	// A subquery of the locking statement would miss them. Both go in one
	// batch, which runs them in order in one round trip.
	var (
		status string
		found  bool
		last   int
	)
	b := &pgx.Batch{}
	b.Queue("SELECT status FROM deliveries WHERE id = $1 FOR UPDATE", deliveryID).
		Query(func(rows pgx.Rows) error {
			for rows.Next() {
				found = true
				if err := rows.Scan(&status); err != nil {
					return err
				}
			}
			return rows.Err()
		})
	b.Queue("SELECT coalesce(max(number), 0) FROM attempts WHERE delivery_id = $1", deliveryID).
		QueryRow(func(row pgx.Row) error { return row.Scan(&last) })
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return 0, fmt.Errorf("locking delivery: %w", err)
	}
	if !found {
		return 0, journal.ErrNotFound
	}
	if status != journal.StatusPending {
		return 0, journal.ErrSettled
	}
	return last, nil
}

// nextAttemptAt returns the next_attempt_at column of a and of its
// delivery: a pending attempt's NextAttemptAt, and NULL for a settled one.
func nextAttemptAt(a journal.Attempt) *time.Time {
	if a.Result != journal.StatusPending {
		return nil
	}
	t := a.NextAttemptAt.Truncate(time.Microsecond)
	return &t
}
