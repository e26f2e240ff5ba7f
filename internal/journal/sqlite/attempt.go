package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

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

	err := inTx(ctx, s.db, s.writeLock, func(tx *sql.Tx) error {
		return recordAttempt(ctx, tx, a, time.Now())
	})
	if err != nil {
		return fmt.Errorf("recording attempt for delivery %s: %w", a.DeliveryID, err)
	}
	return nil
}

func recordAttempt(ctx context.Context, tx *sql.Tx, a journal.Attempt, now time.Time) error {
	last, err := pendingDelivery(ctx, tx, a.DeliveryID)
	if err != nil {
		return err
	}

	if a.Number == 0 {
		a.Number = last + 1
	}
	if a.Number <= last {
		return fmt.Errorf("%w: %d, the delivery has %d", journal.ErrAttemptTaken, a.Number, last)
	}
	if a.Number != last+1 {
		return fmt.Errorf("%w attempt number: %d, expected %d", journal.ErrInvalid, a.Number, last+1)
	}

	if err := insertAttempt(ctx, tx, a); err != nil {
		return err
	}

	reason := ""
	if a.Result == journal.StatusDead {
		reason = a.Error
	}
	_, err = tx.ExecContext(ctx, `
		UPDATE deliveries SET status = ?, reason = ?, updated_at = ?,
			next_attempt_at = ?, queued_at = NULL
		WHERE id = ?`,
		a.Result, reason, micros(now), nextAttemptAt(a), a.DeliveryID)
	if err != nil {
		return fmt.Errorf("updating delivery: %w", err)
	}
	return nil
}

// pendingDelivery returns the number of the delivery's last attempt, 0
// when it has none. It returns journal.ErrNotFound or journal.ErrSettled
// when the delivery is missing or no longer pending. tx holds the write
// lock since it began, so nothing changes the delivery before tx ends.
func pendingDelivery(ctx context.Context, tx *sql.Tx, deliveryID string) (int, error) {
	var status string
	var last int
	err := tx.QueryRowContext(ctx, `
		SELECT status,
			(SELECT coalesce(max(number), 0) FROM attempts WHERE delivery_id = d.id)
		FROM deliveries d WHERE id = ?`, deliveryID).Scan(&status, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, journal.ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("reading delivery: %w", err)
	}
	if status != journal.StatusPending {
		return 0, journal.ErrSettled
	}
	return last, nil
}

func insertAttempt(ctx context.Context, tx *sql.Tx, a journal.Attempt) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO attempts (
			delivery_id, number, started_at, finished_at, status_code, error, result,
			next_attempt_at, policy, not_sent
		) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.DeliveryID, a.Number, micros(a.StartedAt), micros(a.FinishedAt),
		a.StatusCode, a.Error, a.Result, nextAttemptAt(a), a.Policy, a.NotSent)
	if err != nil {
		return fmt.Errorf("inserting attempt %d: %w", a.Number, err)
	}
	return nil
}

// nextAttemptAt returns the next_attempt_at column of a and of its
// delivery: a pending attempt's NextAttemptAt, and NULL for a settled one.
func nextAttemptAt(a journal.Attempt) sql.NullInt64 {
	if a.Result != journal.StatusPending {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: micros(a.NextAttemptAt), Valid: true}
}
