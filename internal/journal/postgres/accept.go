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
// it in the canonical JSON too. Concurrent calls share transactions (see
// package groupcommit); each call's result is still all or nothing for
// its entry.
func (s *Store) Accept(ctx context.Context, e journal.Entry) (journal.Receipt, error) {
	if err := e.Validate(); err != nil {
		return journal.Receipt{}, err
	}
	row, err := newMessageRow(e, time.Now())
	if err != nil {
		return journal.Receipt{}, err
	}
	receipt, err := s.committer.Submit(ctx, row)
	if err != nil {
		return journal.Receipt{}, fmt.Errorf("accepting message %s: %w", e.Message.ID, err)
	}
	return receipt, nil
}

// acceptOne journals row in a transaction of its own.
func (s *Store) acceptOne(ctx context.Context, row messageRow) (journal.Receipt, error) {
	inserted, err := s.insertGroup(ctx, []messageRow{row})
	if err != nil {
		return journal.Receipt{}, err
	}
	if !inserted[0] {
		return s.original(ctx, row)
	}
	return newReceipt(row), nil
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

// queueMessage queues the insert of row's message. It affects no row when
// a message from the same source with the same sender id exists. A
// concurrent insert of that pair waits for the other transaction, and
// affects no row once that one commits.
func queueMessage(b *pgx.Batch, row messageRow) *pgx.QueuedQuery {
	m := row.entry.Message
	return b.Queue(`
		INSERT INTO messages (
			id, source, sender_message_id, type, case_key, correlation_id,
			raw, content_type, canonical, occurred_at, occurred_offset,
			received_at, routes_version, routing, content_hash, posted_by
		) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
		ON CONFLICT (source, sender_message_id) DO NOTHING`,
		m.ID, m.Source, m.SenderMessageID, string(m.Type), m.CaseKey, m.CorrelationID,
		nonNil(row.entry.Raw), row.entry.ContentType, row.canonical,
		row.occurredAt, row.occurredOffset,
		row.receivedAt, row.entry.RoutesVersion, row.routing, row.entry.ContentHash,
		row.entry.PostedBy)
}

// queueDeliveries queues the inserts of row's deliveries, due and queued
// at the message's ReceivedAt, because the entry's Outbox carries their
// commands.
func queueDeliveries(b *pgx.Batch, row messageRow) {
	for i, d := range row.entry.Deliveries {
		b.Queue(`
			INSERT INTO deliveries (
				id, message_id, position, destination, route, case_key, status,
				next_attempt_at, queued_at, created_at, updated_at
			) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $8, $8)`,
			d.ID, row.entry.Message.ID, i, d.Destination, d.Route, row.entry.Message.CaseKey,
			journal.StatusPending, row.receivedAt)
	}
}

// original returns the receipt for row when its source and sender id are
// already journaled. When the journaled message is row's own, stored by a
// transaction whose commit reported an error after it took effect, the
// receipt is not a duplicate's. When its content differs from row's, it
// returns a *journal.ConflictError.
func (s *Store) original(ctx context.Context, row messageRow) (journal.Receipt, error) {
	m := row.entry.Message
	sent, err := s.SenderMessage(ctx, m.Source, m.SenderMessageID)
	if err != nil {
		return journal.Receipt{}, fmt.Errorf("reading original of duplicate message: %w", err)
	}
	r := journal.Receipt{MessageID: sent.MessageID, ReceivedAt: sent.ReceivedAt,
		Duplicate: sent.MessageID != m.ID}
	if r.Duplicate && journal.ContentDiffers(sent.ContentHash, row.entry.ContentHash) {
		return journal.Receipt{}, journal.NewConflictError(&m, row.entry.PostedBy, sent)
	}
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

// SenderMessage implements journal.Store.
func (s *Store) SenderMessage(ctx context.Context, source, senderMessageID string) (journal.SenderMessage, error) {
	var sent journal.SenderMessage
	err := s.pool.QueryRow(ctx, `
		SELECT id, received_at, content_hash, posted_by FROM messages
		WHERE source = $1 AND sender_message_id = $2`,
		source, senderMessageID).Scan(&sent.MessageID, &sent.ReceivedAt, &sent.ContentHash, &sent.PostedBy)
	if errors.Is(err, pgx.ErrNoRows) {
		return journal.SenderMessage{}, journal.ErrNotFound
	}
	if err != nil {
		return journal.SenderMessage{}, fmt.Errorf("reading message %q of %s: %w", senderMessageID, source, err)
	}
	sent.ReceivedAt = sent.ReceivedAt.UTC()
	return sent, nil
}
