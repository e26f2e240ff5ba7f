package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

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
	err := inTx(ctx, s.db, s.writeLock, func(tx *sql.Tx) error {
		return deferDelivery(ctx, tx, deliveryID, at, time.Now())
	})
	if err != nil {
		return fmt.Errorf("deferring delivery %s: %w", deliveryID, err)
	}
	return nil
}

// Expedite implements journal.Scheduler.
func (s *Store) Expedite(ctx context.Context, now time.Time, destinations, routes []string) (int, error) {
	if len(destinations) == 0 && len(routes) == 0 {
		return 0, nil
	}
	dests, err := jsonList(destinations)
	if err != nil {
		return 0, fmt.Errorf("expediting deliveries: %w", err)
	}
	rts, err := jsonList(routes)
	if err != nil {
		return 0, fmt.Errorf("expediting deliveries: %w", err)
	}
	var changed int64
	err = inTx(ctx, s.db, s.writeLock, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `
			UPDATE deliveries SET next_attempt_at = ?1, updated_at = ?1
			WHERE status = 'pending' AND next_attempt_at > ?1
				AND (destination IN (SELECT value FROM json_each(?2))
					OR route IN (SELECT value FROM json_each(?3)))
				AND EXISTS (SELECT 1 FROM attempts a WHERE a.delivery_id = deliveries.id)`,
			micros(now), string(dests), string(rts))
		if err != nil {
			return err
		}
		changed, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("expediting deliveries: %w", err)
	}
	return int(changed), nil
}

// Wake implements journal.Scheduler.
func (s *Store) Wake(ctx context.Context, now time.Time, destination string) (int, error) {
	var changed int64
	err := inTx(ctx, s.db, s.writeLock, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `
			UPDATE deliveries SET next_attempt_at = ?1, updated_at = ?1
			WHERE status = 'pending' AND destination = ?2 AND next_attempt_at > ?1`,
			micros(now), destination)
		if err != nil {
			return err
		}
		changed, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("waking deliveries to %s: %w", destination, err)
	}
	return int(changed), nil
}

// jsonList returns s as a JSON array, [] for nil.
func jsonList(s []string) ([]byte, error) {
	if s == nil {
		s = []string{}
	}
	return json.Marshal(s)
}

func deferDelivery(ctx context.Context, tx *sql.Tx, deliveryID string, at, now time.Time) error {
	var status string
	err := tx.QueryRowContext(ctx, "SELECT status FROM deliveries WHERE id = ?", deliveryID).
		Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return journal.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("reading delivery: %w", err)
	}
	if status != journal.StatusPending {
		return journal.ErrSettled
	}

	_, err = tx.ExecContext(ctx, `
		UPDATE deliveries SET next_attempt_at = ?, queued_at = NULL, updated_at = ?
		WHERE id = ?`, micros(at), micros(now), deliveryID)
	if err != nil {
		return fmt.Errorf("updating delivery: %w", err)
	}
	return nil
}

// Requeue implements journal.Scheduler. Its transaction holds the
// database's write lock, so calls from several goroutines or processes
// take turns and each reads what the previous one committed.
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
	err := inTx(ctx, s.db, s.writeLock, func(tx *sql.Tx) error {
		ds, err := markQueued(ctx, tx, now, staleBefore, limit)
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
	tx *sql.Tx,
	now, staleBefore time.Time,
	limit int,
) ([]journal.Delivery, error) {
	ds, err := queryDeliveries(ctx, tx, selectDeliveries+`
		WHERE d.status = 'pending' AND d.next_attempt_at <= ?1
			AND (d.queued_at IS NULL OR d.queued_at < ?2)
			AND NOT EXISTS (SELECT 1 FROM deliveries e WHERE `+earlierPending+`)
		ORDER BY d.seq
		LIMIT ?3`,
		micros(now), micros(staleBefore), limit)
	if err != nil {
		return nil, err
	}

	queued := fromMicros(micros(now))
	for i := range ds {
		_, err := tx.ExecContext(ctx, "UPDATE deliveries SET queued_at = ? WHERE id = ?",
			micros(queued), ds[i].ID)
		if err != nil {
			return nil, fmt.Errorf("marking delivery %s queued: %w", ds[i].ID, err)
		}
	}
	return ds, nil
}

// publishCommands publishes outgoing(d) for each of ds through tx, one at
// a time in the order of ds.
func (s *Store) publishCommands(
	ctx context.Context,
	tx *sql.Tx,
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
