package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/journal"
)

// Journey implements journal.Store.
func (s *Store) Journey(ctx context.Context, messageID string) (journal.Journey, error) {
	var j journal.Journey
	err := inReadTx(ctx, s.db, func(tx *sql.Tx) error {
		var err error
		j, err = readJourney(ctx, tx, messageID)
		return err
	})
	if err != nil {
		return journal.Journey{}, fmt.Errorf("reading journey of message %s: %w", messageID, err)
	}
	return j, nil
}

func readJourney(ctx context.Context, tx *sql.Tx, messageID string) (journal.Journey, error) {
	j, err := readMessage(ctx, tx, messageID)
	if err != nil {
		return journal.Journey{}, err
	}

	j.Deliveries, err = queryDeliveries(ctx, tx, selectDeliveries+`
		WHERE message_id = ? ORDER BY position`, messageID)
	if err != nil {
		return journal.Journey{}, err
	}

	attempts, err := queryAttempts(ctx, tx, selectAttempts+`
		JOIN deliveries d ON d.id = a.delivery_id
		WHERE d.message_id = ? ORDER BY a.delivery_id, a.number`, messageID)
	if err != nil {
		return journal.Journey{}, err
	}

	journal.AttachAttempts(journal.Deliveries(j.Deliveries), attempts)
	j.Status = journal.Summarize(j.Deliveries)
	return j, nil
}

func readMessage(ctx context.Context, tx *sql.Tx, messageID string) (journal.Journey, error) {
	var (
		j             journal.Journey
		typ           string
		received      int64
		routing, body []byte
	)
	err := tx.QueryRowContext(ctx, `
		SELECT id, source, sender_message_id, type, case_key, correlation_id,
			received_at, routes_version, routing, canonical, posted_by
		FROM messages WHERE id = ?`, messageID).Scan(
		&j.MessageID, &j.Source, &j.SenderMessageID, &typ, &j.CaseKey, &j.CorrelationID,
		&received, &j.RoutesVersion, &routing, &body, &j.PostedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return journal.Journey{}, journal.ErrNotFound
	}
	if err != nil {
		return journal.Journey{}, fmt.Errorf("reading message: %w", err)
	}

	j.Type = canonical.Type(typ)
	j.ReceivedAt = fromMicros(received)
	if err := json.Unmarshal(routing, &j.Routing); err != nil {
		return journal.Journey{}, fmt.Errorf("decoding routing: %w", err)
	}
	if err := json.Unmarshal(body, &j.Message); err != nil {
		return journal.Journey{}, fmt.Errorf("decoding canonical message: %w", err)
	}
	return j, nil
}

// Delivery implements journal.Store.
func (s *Store) Delivery(
	ctx context.Context,
	deliveryID string,
) (journal.Delivery, canonical.Message, error) {
	var (
		d   journal.Delivery
		msg canonical.Message
	)
	err := inReadTx(ctx, s.db, func(tx *sql.Tx) error {
		var err error
		d, msg, err = readDelivery(ctx, tx, deliveryID)
		return err
	})
	if err != nil {
		return journal.Delivery{}, canonical.Message{},
			fmt.Errorf("reading delivery %s: %w", deliveryID, err)
	}
	return d, msg, nil
}

func readDelivery(
	ctx context.Context,
	tx *sql.Tx,
	deliveryID string,
) (journal.Delivery, canonical.Message, error) {
	ds, err := queryDeliveries(ctx, tx, selectDeliveries+` WHERE id = ?`, deliveryID)
	if err != nil {
		return journal.Delivery{}, canonical.Message{}, err
	}
	if len(ds) == 0 {
		return journal.Delivery{}, canonical.Message{}, journal.ErrNotFound
	}
	d := ds[0]

	attempts, err := queryAttempts(ctx, tx, selectAttempts+`
		WHERE a.delivery_id = ? ORDER BY a.number`, deliveryID)
	if err != nil {
		return journal.Delivery{}, canonical.Message{}, err
	}
	d.Attempts = append(d.Attempts, attempts...)

	var blocker sql.NullString
	err = tx.QueryRowContext(ctx, `
		SELECT e.id FROM deliveries e, deliveries d
		WHERE d.id = ? AND `+earlierPending+`
		ORDER BY e.seq LIMIT 1`, deliveryID).Scan(&blocker)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return journal.Delivery{}, canonical.Message{}, fmt.Errorf("checking order: %w", err)
	}
	d.BlockedBy = blocker.String

	var body []byte
	err = tx.QueryRowContext(ctx, "SELECT canonical FROM messages WHERE id = ?", d.MessageID).
		Scan(&body)
	if err != nil {
		return journal.Delivery{}, canonical.Message{}, fmt.Errorf("reading message: %w", err)
	}
	var msg canonical.Message
	if err := json.Unmarshal(body, &msg); err != nil {
		return journal.Delivery{}, canonical.Message{}, fmt.Errorf("decoding canonical message: %w", err)
	}
	return d, msg, nil
}
