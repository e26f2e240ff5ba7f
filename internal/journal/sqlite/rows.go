package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/sangam-hub/sangam/internal/journal"
)

// deliveryColumns are the columns that deliveryRow scans, qualified by the
// alias d.
const deliveryColumns = `d.id, d.message_id, d.destination, d.route, d.case_key, d.status,
	d.reason, d.next_attempt_at, d.queued_at, d.replay_of, d.replayed_by,
	d.created_at, d.updated_at, d.idempotency_key`

const selectDeliveries = `SELECT ` + deliveryColumns + ` FROM deliveries d`

// queryDeliveries runs query, a selectDeliveries with its conditions, and
// returns the deliveries without their attempts.
func queryDeliveries(
	ctx context.Context,
	tx *sql.Tx,
	query string,
	args ...any,
) ([]journal.Delivery, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("reading deliveries: %w", err)
	}
	defer rows.Close()

	ds := []journal.Delivery{}
	for rows.Next() {
		var r deliveryRow
		if err := rows.Scan(r.targets()...); err != nil {
			return nil, fmt.Errorf("reading deliveries: %w", err)
		}
		ds = append(ds, r.delivery())
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading deliveries: %w", err)
	}
	return ds, nil
}

// deliveryRow holds the values of deliveryColumns while they are scanned.
type deliveryRow struct {
	d                journal.Delivery
	next, queued     sql.NullInt64
	created, updated int64
	replayOf         sql.NullString
}

// targets returns the scan destinations of deliveryColumns, in order.
func (r *deliveryRow) targets() []any {
	return []any{&r.d.ID, &r.d.MessageID, &r.d.Destination, &r.d.Route, &r.d.CaseKey,
		&r.d.Status, &r.d.Reason, &r.next, &r.queued, &r.replayOf, &r.d.ReplayedBy,
		&r.created, &r.updated, &r.d.IdempotencyKey}
}

// delivery returns the scanned delivery, with times in UTC and no attempts.
func (r *deliveryRow) delivery() journal.Delivery {
	d := r.d
	d.Attempts = []journal.Attempt{}
	d.NextAttemptAt, d.QueuedAt = fromNullMicros(r.next), fromNullMicros(r.queued)
	d.ReplayOf = r.replayOf.String
	if d.IdempotencyKey == "" {
		d.IdempotencyKey = d.ID
	}
	d.CreatedAt, d.UpdatedAt = fromMicros(r.created), fromMicros(r.updated)
	return d
}

const selectAttempts = `
	SELECT a.delivery_id, a.number, a.started_at, a.finished_at, a.status_code,
		a.error, a.result, a.next_attempt_at, a.policy, a.not_sent
	FROM attempts a`

// queryAttempts runs query, a selectAttempts with its conditions, and
// returns the attempts.
func queryAttempts(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]journal.Attempt, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("reading attempts: %w", err)
	}
	defer rows.Close()

	var attempts []journal.Attempt
	for rows.Next() {
		var a journal.Attempt
		var started, finished int64
		var next sql.NullInt64
		err := rows.Scan(&a.DeliveryID, &a.Number, &started, &finished, &a.StatusCode,
			&a.Error, &a.Result, &next, &a.Policy, &a.NotSent)
		if err != nil {
			return nil, fmt.Errorf("reading attempts: %w", err)
		}
		a.StartedAt, a.FinishedAt = fromMicros(started), fromMicros(finished)
		a.NextAttemptAt = fromNullMicros(next)
		attempts = append(attempts, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading attempts: %w", err)
	}
	return attempts, nil
}
