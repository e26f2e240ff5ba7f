package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sangam-hub/sangam/internal/journal"
)

// earlierPending is the condition that e, a deliveries row, is pending and
// earlier than d, of the same case and destination. A delivery with an
// empty case key belongs to no case, so it neither blocks nor is blocked.
const earlierPending = `e.destination = d.destination AND e.case_key = d.case_key
	AND d.case_key <> '' AND e.status = 'pending' AND e.seq < d.seq`

// Defer implements journal.Scheduler. It also sets the delivery's
// UpdatedAt to the current time.
func (s *Store) Defer(ctx context.Context, deliveryID string, at time.Time) error {
	if at.IsZero() {
		return fmt.Errorf("%w defer at: missing, expected the time the delivery is due",
			journal.ErrInvalid)
	}
	tag, err := s.pool.Exec(ctx, `
		UPDATE deliveries SET next_attempt_at = $2, queued_at = NULL, updated_at = $3
		WHERE id = $1 AND status = 'pending'`,
		deliveryID, at.Truncate(time.Microsecond), time.Now().Truncate(time.Microsecond))
	if err != nil {
		return fmt.Errorf("deferring delivery %s: %w", deliveryID, err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}

	// No method changes a settled delivery's status, so a delivery that
	// the update skipped and that exists is settled.
	var status string
	err = s.pool.QueryRow(ctx, "SELECT status FROM deliveries WHERE id = $1", deliveryID).
		Scan(&status)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("deferring delivery %s: %w", deliveryID, journal.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("deferring delivery %s: %w", deliveryID, err)
	}
	return fmt.Errorf("deferring delivery %s: %w", deliveryID, journal.ErrSettled)
}

// Expedite implements journal.Scheduler.
func (s *Store) Expedite(ctx context.Context, now time.Time, destinations, routes []string) (int, error) {
	if len(destinations) == 0 && len(routes) == 0 {
		return 0, nil
	}
	now = now.Truncate(time.Microsecond)
	tag, err := s.pool.Exec(ctx, `
		UPDATE deliveries d SET next_attempt_at = $1, updated_at = $1
		WHERE d.status = 'pending' AND d.next_attempt_at > $1
			AND (d.destination = ANY($2) OR d.route = ANY($3))
			AND EXISTS (SELECT 1 FROM attempts a WHERE a.delivery_id = d.id)`,
		now, destinations, routes)
	if err != nil {
		return 0, fmt.Errorf("expediting deliveries: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

// Wake implements journal.Scheduler.
func (s *Store) Wake(ctx context.Context, now time.Time, destination string) (int, error) {
	now = now.Truncate(time.Microsecond)
	tag, err := s.pool.Exec(ctx, `
		UPDATE deliveries SET next_attempt_at = $1, updated_at = $1
		WHERE status = 'pending' AND destination = $2 AND next_attempt_at > $1`,
		now, destination)
	if err != nil {
		return 0, fmt.Errorf("waking deliveries to %s: %w", destination, err)
	}
	return int(tag.RowsAffected()), nil
}

// Requeue implements journal.Scheduler. It locks the deliveries it picks
// with FOR UPDATE SKIP LOCKED, so replicas that call it at once pick
// different deliveries instead of waiting for each other.
func (s *Store) Requeue(
	ctx context.Context,
	now, staleBefore time.Time,
	limit int,
	outgoing func(journal.Delivery) journal.Outgoing,
) (int, error) {
	if err := journal.ValidateRequeue(now, limit, outgoing); err != nil {
		return 0, err
	}

	var queued int
	var topics journal.Topics
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		ds, err := markQueued(ctx, tx, now.Truncate(time.Microsecond),
			staleBefore.Truncate(time.Microsecond), limit)
		if err != nil {
			return err
		}
		queued = len(ds)
		topics = journal.Topics{}
		return s.publishCommands(ctx, tx, ds, outgoing, &topics)
	})
	if err != nil {
		return 0, fmt.Errorf("requeuing deliveries: %w", err)
	}
	topics.Announce(s.published)
	return queued, nil
}

// markQueued sets queued_at to now on up to limit deliveries that
// Requeue may queue, and returns them oldest first as they were before.
func markQueued(
	ctx context.Context,
	tx pgx.Tx,
	now, staleBefore time.Time,
	limit int,
) ([]journal.Delivery, error) {
	rows, _ := tx.Query(ctx, `
		WITH picked AS (
			SELECT d.id FROM deliveries d
			WHERE d.status = 'pending' AND d.next_attempt_at <= $1
				AND (d.queued_at IS NULL OR d.queued_at < $2)
				AND NOT EXISTS (SELECT 1 FROM deliveries e WHERE `+earlierPending+`)
			ORDER BY d.seq
			LIMIT $3
			FOR UPDATE SKIP LOCKED
		), queued AS (
			UPDATE deliveries d SET queued_at = $1
			FROM picked p WHERE d.id = p.id
			RETURNING d.id
		)
		-- The statement's parts share one snapshot, which the UPDATE's
		-- changes are not in: d is each delivery as it was.
		SELECT `+deliveryColumns+` FROM deliveries d JOIN queued q ON q.id = d.id ORDER BY d.seq`,
		now, staleBefore, limit)
	ds, err := pgx.CollectRows(rows, scanDelivery)
	if err != nil {
		return nil, fmt.Errorf("marking deliveries queued: %w", err)
	}
	return ds, nil
}

// publishCommands publishes outgoing(d) for each of ds through tx, one at
// a time in the order of ds.
func (s *Store) publishCommands(
	ctx context.Context,
	tx pgx.Tx,
	ds []journal.Delivery,
	outgoing func(journal.Delivery) journal.Outgoing,
	topics *journal.Topics,
) error {
	for _, d := range ds {
		o := outgoing(d)
		if err := journal.ValidateOutgoing(d.ID, o); err != nil {
			return err
		}
		if err := publishOutbox(ctx, tx, []journal.Outgoing{o}, topics, s.logger, s.wrap); err != nil {
			return fmt.Errorf("publishing command for delivery %s: %w", d.ID, err)
		}
	}
	return nil
}
