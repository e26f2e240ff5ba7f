package postgres

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sangam-hub/sangam/internal/journal"
)

// errDuplicate rolls back Accept's transaction when the message is already
// journaled.
var errDuplicate = errors.New("duplicate message")

// messageRow is a messages row as Accept writes it.
type messageRow struct {
	entry          journal.Entry
	canonical      []byte
	routing        []byte
	occurredAt     time.Time
	occurredOffset int
	receivedAt     time.Time
}

// Accept implements journal.Store. It stamps Message.ReceivedAt with the
// current time when it is zero, truncates it to the microsecond and stores
// it in the canonical JSON too.
func (s *Store) Accept(ctx context.Context, e journal.Entry) (journal.Receipt, error) {
	if err := e.Validate(); err != nil {
		return journal.Receipt{}, err
	}
	row, err := newMessageRow(e, time.Now())
	if err != nil {
		return journal.Receipt{}, err
	}

	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		return s.insertEntry(ctx, tx, row)
	})
	if errors.Is(err, errDuplicate) {
		return s.original(ctx, e.Message.Source, e.Message.SenderMessageID)
	}
	if err != nil {
		return journal.Receipt{}, fmt.Errorf("accepting message %s: %w", e.Message.ID, err)
	}

	return journal.Receipt{MessageID: e.Message.ID, ReceivedAt: row.receivedAt.UTC()}, nil
}

func newMessageRow(e journal.Entry, now time.Time) (messageRow, error) {
	received := e.Message.ReceivedAt
	if received.IsZero() {
		received = now.UTC()
	}
	received = received.Truncate(time.Microsecond)
	e.Message.ReceivedAt = received

	canonical, err := json.Marshal(e.Message)
	if err != nil {
		return messageRow{}, fmt.Errorf("encoding message %s: %w", e.Message.ID, err)
	}
	if hasNULEscape(canonical) {
		// NOTE: the SQLite store accepts such a message.
		return messageRow{}, fmt.Errorf("%w entry message: a string contains the NUL "+
			"character U+0000, which PostgreSQL jsonb cannot store", journal.ErrInvalid)
	}

	routing := e.Routing
	if routing == nil {
		routing = []journal.RouteDecision{}
	}
	routingJSON, err := json.Marshal(routing)
	if err != nil {
		return messageRow{}, fmt.Errorf("encoding routing of message %s: %w", e.Message.ID, err)
	}

	_, offset := e.Message.OccurredAt.Zone()
	return messageRow{
		entry:          e,
		canonical:      canonical,
		routing:        routingJSON,
		occurredAt:     e.Message.OccurredAt.Truncate(time.Microsecond),
		occurredOffset: offset,
		receivedAt:     received,
	}, nil
}

// insertEntry writes the message, its deliveries and its outbox messages,
// or returns errDuplicate when the message is already journaled.
func (s *Store) insertEntry(ctx context.Context, tx pgx.Tx, row messageRow) error {
	inserted, err := insertMessage(ctx, tx, row)
	if err != nil {
		return err
	}
	if !inserted {
		return errDuplicate
	}

	if err := insertDeliveries(ctx, tx, row); err != nil {
		return err
	}
	return publishOutbox(ctx, tx, row.entry.Outbox, s.logger, s.wrap)
}

// insertMessage reports false when a message from the same source with
// the same sender id exists. A concurrent insert of that pair waits for
// the other transaction and then reports false once it commits.
func insertMessage(ctx context.Context, tx pgx.Tx, row messageRow) (bool, error) {
	m := row.entry.Message
	tag, err := tx.Exec(ctx, `
		INSERT INTO messages (
			id, source, sender_message_id, type, case_key, correlation_id,
			raw, content_type, canonical, occurred_at, occurred_offset,
			received_at, routes_version, routing
		) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
		ON CONFLICT (source, sender_message_id) DO NOTHING`,
		m.ID, m.Source, m.SenderMessageID, string(m.Type), m.CaseKey, m.CorrelationID,
		nonNil(row.entry.Raw), row.entry.ContentType, row.canonical,
		row.occurredAt, row.occurredOffset,
		row.receivedAt, row.entry.RoutesVersion, row.routing)
	if err != nil {
		return false, fmt.Errorf("inserting message: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// insertDeliveries writes the entry's deliveries, due and queued at the
// message's ReceivedAt, because the entry's Outbox carries their commands.
func insertDeliveries(ctx context.Context, tx pgx.Tx, row messageRow) error {
	for i, d := range row.entry.Deliveries {
		_, err := tx.Exec(ctx, `
			INSERT INTO deliveries (
				id, message_id, position, destination, route, case_key, status,
				next_attempt_at, queued_at, created_at, updated_at
			) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $8, $8)`,
			d.ID, row.entry.Message.ID, i, d.Destination, d.Route, row.entry.Message.CaseKey,
			journal.StatusPending, row.receivedAt)
		if err != nil {
			return fmt.Errorf("inserting delivery %s: %w", d.ID, err)
		}
	}
	return nil
}

// original returns the receipt of the journaled message from source with
// senderID.
func (s *Store) original(ctx context.Context, source, senderID string) (journal.Receipt, error) {
	r := journal.Receipt{Duplicate: true}
	err := s.pool.QueryRow(ctx, `
		SELECT id, received_at FROM messages
		WHERE source = $1 AND sender_message_id = $2`,
		source, senderID).Scan(&r.MessageID, &r.ReceivedAt)
	if err != nil {
		return journal.Receipt{}, fmt.Errorf("reading original of duplicate message: %w", err)
	}
	r.ReceivedAt = r.ReceivedAt.UTC()
	return r, nil
}

// hasNULEscape reports whether the JSON text b has the escape \u0000
// (the NUL character) in a string, which jsonb rejects. An escaped
// backslash followed by "u0000" is ordinary text and does not count.
func hasNULEscape(b []byte) bool {
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		if bytes.HasPrefix(b[i+1:], []byte("u0000")) {
			return true
		}
		i++ // skip the escaped character
	}
	return false
}

// nonNil returns b, or an empty slice for nil, because pgx writes a nil
// slice as NULL.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
