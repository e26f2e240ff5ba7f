package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

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

	reason := ""
	if a.Result == journal.StatusDead {
		reason = a.Error
	}
	// Under READ COMMITTED the UPDATE waits for a concurrent attempt's
	// lock on the row and then checks its conditions against the
	// committed row, so two attempts on one delivery take turns and the
	// second reads the first's count and status.
	tag, err := s.execAttempt(ctx, `
		WITH d AS (
			UPDATE deliveries SET status = $3, reason = $4, updated_at = $5,
				next_attempt_at = $6, queued_at = NULL, attempt_count = attempt_count + 1
			WHERE id = $1 AND status = 'pending' AND ($2 = 0 OR attempt_count = $2 - 1)
			RETURNING id, attempt_count
		)
		INSERT INTO attempts (
			delivery_id, number, started_at, finished_at, status_code, error, result,
			next_attempt_at, policy, not_sent
		)
		SELECT d.id, d.attempt_count, $7, $8, $9, $10, $3, $6, $11, $12 FROM d`,
		a.DeliveryID, a.Number, a.Result, reason, time.Now().Truncate(time.Microsecond),
		nextAttemptAt(a), a.StartedAt.Truncate(time.Microsecond),
		a.FinishedAt.Truncate(time.Microsecond), a.StatusCode, a.Error, a.Policy, a.NotSent)
	if err == nil && tag.RowsAffected() == 0 {
		err = s.whyNotRecorded(ctx, a)
	}
	if err != nil {
		return fmt.Errorf("recording attempt for delivery %s: %w", a.DeliveryID, err)
	}
	return nil
}

// execAttempt runs the statement that records an attempt. With
// lazyAttempts set, it first sends a statement that turns
// synchronous_commit off, in the same round trip. The server runs
// statements sent before one Sync in one implicit transaction, and
// applies the setting at its commit.
func (s *Store) execAttempt(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if !s.lazyAttempts {
		return s.pool.Exec(ctx, sql, args...)
	}
	b := &pgx.Batch{}
	b.Queue("SELECT set_config('synchronous_commit', 'off', true)")
	record := b.Queue(sql, args...)
	var tag pgconn.CommandTag
	record.Exec(func(t pgconn.CommandTag) error {
		tag = t
		return nil
	})
	err := s.pool.SendBatch(ctx, b).Close()
	return tag, err
}

// whyNotRecorded returns why RecordAttempt changed no row: the delivery
// is missing, settled, or has a different number of attempts than
// a.Number implies.
func (s *Store) whyNotRecorded(ctx context.Context, a journal.Attempt) error {
	var (
		status string
		count  int
	)
	err := s.pool.QueryRow(ctx, "SELECT status, attempt_count FROM deliveries WHERE id = $1",
		a.DeliveryID).Scan(&status, &count)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return journal.ErrNotFound
	case err != nil:
		return fmt.Errorf("reading delivery: %w", err)
	case status != journal.StatusPending:
		return journal.ErrSettled
	case a.Number <= count:
		return fmt.Errorf("%w: %d, the delivery has %d", journal.ErrAttemptTaken, a.Number, count)
	case a.Number != count+1:
		return fmt.Errorf("%w attempt number: %d, expected %d", journal.ErrInvalid, a.Number, count+1)
	}
	// Another attempt was recorded between the two statements.
	return fmt.Errorf("%w: %d, the delivery's attempts changed meanwhile",
		journal.ErrAttemptTaken, a.Number)
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
