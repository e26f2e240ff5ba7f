package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/sangam-hub/sangam/internal/journal"
)

const selectDeliveries = `
	SELECT id, message_id, destination, route, status, reason, created_at, updated_at
	FROM deliveries`

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
		d := journal.Delivery{Attempts: []journal.Attempt{}}
		var created, updated int64
		err := rows.Scan(&d.ID, &d.MessageID, &d.Destination, &d.Route, &d.Status, &d.Reason,
			&created, &updated)
		if err != nil {
			return nil, fmt.Errorf("reading deliveries: %w", err)
		}
		d.CreatedAt, d.UpdatedAt = fromMicros(created), fromMicros(updated)
		ds = append(ds, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading deliveries: %w", err)
	}
	return ds, nil
}

const selectAttempts = `
	SELECT a.delivery_id, a.number, a.started_at, a.finished_at, a.status_code,
		a.error, a.result
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
		err := rows.Scan(&a.DeliveryID, &a.Number, &started, &finished, &a.StatusCode,
			&a.Error, &a.Result)
		if err != nil {
			return nil, fmt.Errorf("reading attempts: %w", err)
		}
		a.StartedAt, a.FinishedAt = fromMicros(started), fromMicros(finished)
		attempts = append(attempts, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading attempts: %w", err)
	}
	return attempts, nil
}

// attachAttempts appends each attempt to its delivery's Attempts.
func attachAttempts(ds []journal.Delivery, attempts []journal.Attempt) {
	index := make(map[string]int, len(ds))
	for i, d := range ds {
		index[d.ID] = i
	}
	for _, a := range attempts {
		if i, ok := index[a.DeliveryID]; ok {
			ds[i].Attempts = append(ds[i].Attempts, a)
		}
	}
}
