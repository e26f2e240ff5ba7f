package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/journal"
)

// snapshot is the transaction mode of reads that span several queries, so
// they see one consistent state.
var snapshot = pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}

// Journey implements journal.Store.
func (s *Store) Journey(ctx context.Context, messageID string) (journal.Journey, error) {
	var j journal.Journey
	err := pgx.BeginTxFunc(ctx, s.pool, snapshot, func(tx pgx.Tx) error {
		var err error
		j, err = readJourney(ctx, tx, messageID)
		return err
	})
	if err != nil {
		return journal.Journey{}, fmt.Errorf("reading journey of message %s: %w", messageID, err)
	}
	return j, nil
}

func readJourney(ctx context.Context, tx pgx.Tx, messageID string) (journal.Journey, error) {
	j, err := readMessage(ctx, tx, messageID)
	if err != nil {
		return journal.Journey{}, err
	}

	rows, _ := tx.Query(ctx, selectDeliveries+`
		WHERE message_id = $1 ORDER BY position`, messageID)
	j.Deliveries, err = pgx.CollectRows(rows, scanDelivery)
	if err != nil {
		return journal.Journey{}, fmt.Errorf("reading deliveries: %w", err)
	}

	rows, _ = tx.Query(ctx, selectAttempts+`
		JOIN deliveries d ON d.id = a.delivery_id
		WHERE d.message_id = $1 ORDER BY a.delivery_id, a.number`, messageID)
	attempts, err := pgx.CollectRows(rows, scanAttempt)
	if err != nil {
		return journal.Journey{}, fmt.Errorf("reading attempts: %w", err)
	}

	journal.AttachAttempts(journal.Deliveries(j.Deliveries), attempts)
	j.Status = journal.Summarize(j.Deliveries)
	return j, nil
}

func readMessage(ctx context.Context, tx pgx.Tx, messageID string) (journal.Journey, error) {
	var (
		j             journal.Journey
		typ           string
		routing, body []byte
	)
	err := tx.QueryRow(ctx, `
		SELECT id, source, sender_message_id, type, case_key, correlation_id,
			received_at, routes_version, routing, canonical, posted_by
		FROM messages WHERE id = $1`, messageID).Scan(
		&j.MessageID, &j.Source, &j.SenderMessageID, &typ, &j.CaseKey, &j.CorrelationID,
		&j.ReceivedAt, &j.RoutesVersion, &routing, &body, &j.PostedBy)
	if errors.Is(err, pgx.ErrNoRows) {
		return journal.Journey{}, journal.ErrNotFound
	}
	if err != nil {
		return journal.Journey{}, fmt.Errorf("reading message: %w", err)
	}

	j.Type = canonical.Type(typ)
	j.ReceivedAt = j.ReceivedAt.UTC()
	if err := json.Unmarshal(routing, &j.Routing); err != nil {
		return journal.Journey{}, fmt.Errorf("decoding routing: %w", err)
	}
	if err := json.Unmarshal(body, &j.Message); err != nil {
		return journal.Journey{}, fmt.Errorf("decoding canonical message: %w", err)
	}
	return j, nil
}

// Delivery implements journal.Store. One statement reads the delivery,
// its attempts and its message, so they come from one snapshot in one
// round trip.
func (s *Store) Delivery(
	ctx context.Context,
	deliveryID string,
) (journal.Delivery, canonical.Message, error) {
	var (
		r                  deliveryRow
		attempts, document []byte
		blocker            *string
	)
	err := s.pool.QueryRow(ctx, `
		SELECT `+deliveryColumns+`, a.attempts, m.canonical, (
			SELECT e.id FROM deliveries e WHERE `+earlierPending+`
			ORDER BY e.seq LIMIT 1
		)
		FROM deliveries d
		JOIN messages m ON m.id = d.message_id
		CROSS JOIN LATERAL (`+attemptsOfDelivery+`) a
		WHERE d.id = $1`,
		deliveryID).Scan(append(r.targets(), &attempts, &document, &blocker)...)
	if errors.Is(err, pgx.ErrNoRows) {
		return journal.Delivery{}, canonical.Message{},
			fmt.Errorf("reading delivery %s: %w", deliveryID, journal.ErrNotFound)
	}
	if err != nil {
		return journal.Delivery{}, canonical.Message{},
			fmt.Errorf("reading delivery %s: %w", deliveryID, err)
	}

	d := r.delivery()
	if blocker != nil {
		d.BlockedBy = *blocker
	}
	if err := decodeAttempts(&d, attempts); err != nil {
		return journal.Delivery{}, canonical.Message{},
			fmt.Errorf("reading delivery %s: %w", deliveryID, err)
	}
	var msg canonical.Message
	if err := json.Unmarshal(document, &msg); err != nil {
		return journal.Delivery{}, canonical.Message{},
			fmt.Errorf("reading delivery %s: decoding canonical message: %w", deliveryID, err)
	}
	return d, msg, nil
}

// attemptsOfDelivery is a subquery, for a CROSS JOIN LATERAL, of the
// attempts of the delivery d as one JSON array in column attempts, NULL
// when there are none, that decodeAttempts reads. Reading them in the
// statement that reads d gives both from one snapshot.
const attemptsOfDelivery = `
	SELECT json_agg(json_build_object(
		'number', a.number, 'started_at', a.started_at,
		'finished_at', a.finished_at, 'status_code', a.status_code,
		'error', a.error, 'result', a.result,
		'next_attempt_at', a.next_attempt_at, 'policy', a.policy,
		'not_sent', a.not_sent
	) ORDER BY a.number) AS attempts
	FROM attempts a WHERE a.delivery_id = d.id`

// decodeAttempts sets the attempts of d from data, the attempts column
// of attemptsOfDelivery.
func decodeAttempts(d *journal.Delivery, data []byte) error {
	if data != nil {
		if err := json.Unmarshal(data, &d.Attempts); err != nil {
			return fmt.Errorf("decoding attempts: %w", err)
		}
	}
	for i := range d.Attempts {
		a := &d.Attempts[i]
		a.DeliveryID = d.ID
		a.StartedAt, a.FinishedAt = a.StartedAt.UTC(), a.FinishedAt.UTC()
		if !a.NextAttemptAt.IsZero() {
			a.NextAttemptAt = a.NextAttemptAt.UTC()
		}
	}
	return nil
}

// deliveryColumns are the columns that scanDelivery reads, qualified by
// the alias d.
const deliveryColumns = `d.id, d.message_id, d.destination, d.route, d.case_key, d.status,
	d.reason, d.next_attempt_at, d.queued_at, d.replay_of, d.replayed_by,
	d.created_at, d.updated_at, d.idempotency_key`

const selectDeliveries = `SELECT ` + deliveryColumns + ` FROM deliveries d`

func scanDelivery(row pgx.CollectableRow) (journal.Delivery, error) {
	var r deliveryRow
	err := row.Scan(r.targets()...)
	return r.delivery(), err
}

// deliveryRow holds the values of deliveryColumns while they are scanned.
type deliveryRow struct {
	d            journal.Delivery
	next, queued *time.Time
	replayOf     *string
}

// targets returns the scan destinations of deliveryColumns, in order.
func (r *deliveryRow) targets() []any {
	return []any{&r.d.ID, &r.d.MessageID, &r.d.Destination, &r.d.Route, &r.d.CaseKey,
		&r.d.Status, &r.d.Reason, &r.next, &r.queued, &r.replayOf, &r.d.ReplayedBy,
		&r.d.CreatedAt, &r.d.UpdatedAt, &r.d.IdempotencyKey}
}

// delivery returns the scanned delivery, with times in UTC and no attempts.
func (r *deliveryRow) delivery() journal.Delivery {
	d := r.d
	d.Attempts = []journal.Attempt{}
	d.NextAttemptAt, d.QueuedAt = utcOrZero(r.next), utcOrZero(r.queued)
	if r.replayOf != nil {
		d.ReplayOf = *r.replayOf
	}
	if d.IdempotencyKey == "" {
		d.IdempotencyKey = d.ID
	}
	d.CreatedAt, d.UpdatedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC()
	return d
}

const selectAttempts = `
	SELECT a.delivery_id, a.number, a.started_at, a.finished_at, a.status_code,
		a.error, a.result, a.next_attempt_at, a.policy, a.not_sent
	FROM attempts a`

func scanAttempt(row pgx.CollectableRow) (journal.Attempt, error) {
	var (
		a    journal.Attempt
		next *time.Time
	)
	err := row.Scan(&a.DeliveryID, &a.Number, &a.StartedAt, &a.FinishedAt, &a.StatusCode,
		&a.Error, &a.Result, &next, &a.Policy, &a.NotSent)
	a.StartedAt, a.FinishedAt = a.StartedAt.UTC(), a.FinishedAt.UTC()
	a.NextAttemptAt = utcOrZero(next)
	return a, err
}

// utcOrZero returns *t in UTC, or the zero time for a NULL column.
func utcOrZero(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}
