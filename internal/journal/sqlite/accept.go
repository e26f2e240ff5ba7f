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

func newReceipt(row messageRow) journal.Receipt {
	return journal.Receipt{MessageID: row.entry.Message.ID, ReceivedAt: row.receivedAt.UTC()}
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
		occurredAt:     e.Message.OccurredAt,
		occurredOffset: offset,
		receivedAt:     received,
	}, nil
}

// insertMessage reports false when a message from the same source with
// the same sender id exists. Writers take turns on SQLite's write lock, so
// a concurrent duplicate finds the other's row committed.
func insertMessage(ctx context.Context, tx *sql.Tx, row messageRow) (bool, error) {
	m := row.entry.Message
	res, err := tx.ExecContext(ctx, `
		INSERT INTO messages (
			id, source, sender_message_id, type, case_key, correlation_id,
			raw, content_type, canonical, occurred_at, occurred_offset,
			received_at, routes_version, routing, content_hash, posted_by
		) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (source, sender_message_id) DO NOTHING`,
		m.ID, m.Source, m.SenderMessageID, string(m.Type), m.CaseKey, m.CorrelationID,
		nonNil(row.entry.Raw), row.entry.ContentType, string(row.canonical),
		micros(row.occurredAt), row.occurredOffset,
		micros(row.receivedAt), row.entry.RoutesVersion, string(row.routing),
		row.entry.ContentHash, row.entry.PostedBy)
	if err != nil {
		return false, fmt.Errorf("inserting message: %w", err)
	}

	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("inserting message: %w", err)
	}
	return n == 1, nil
}

// insertDeliveries writes the entry's deliveries, due and queued at the
// message's ReceivedAt, because the entry's Outbox carries their commands.
func insertDeliveries(ctx context.Context, tx *sql.Tx, row messageRow) error {
	created := micros(row.receivedAt)
	for i, d := range row.entry.Deliveries {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO deliveries (
				id, message_id, position, destination, route, case_key, status,
				next_attempt_at, queued_at, created_at, updated_at, seq
			) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?8, ?8, `+nextSeq+`)`,
			d.ID, row.entry.Message.ID, i, d.Destination, d.Route, row.entry.Message.CaseKey,
			journal.StatusPending, created)
		if err != nil {
			return fmt.Errorf("inserting delivery %s: %w", d.ID, err)
		}
	}
	return nil
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

// nonNil returns b, or an empty slice for nil, because the driver writes
// a nil slice as NULL.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// nextSeq is the seq of a new delivery: one more than the largest. Every
// insert runs under the database's write lock, so no two get the same.
const nextSeq = `(SELECT coalesce(max(seq), 0) + 1 FROM deliveries)`

// micros returns t as microseconds since the Unix epoch, the form of every
// time column.
func micros(t time.Time) int64 {
	return t.UnixMicro()
}

// fromMicros returns the instant of a time column, in UTC.
func fromMicros(us int64) time.Time {
	return time.UnixMicro(us).UTC()
}

// fromNullMicros returns the instant of a nullable time column, or the
// zero time for NULL.
func fromNullMicros(us sql.NullInt64) time.Time {
	if !us.Valid {
		return time.Time{}
	}
	return fromMicros(us.Int64)
}

// SenderMessage implements journal.Store.
func (s *Store) SenderMessage(ctx context.Context, source, senderMessageID string) (journal.SenderMessage, error) {
	var (
		sent     journal.SenderMessage
		received int64
	)
	err := s.db.QueryRowContext(ctx, `
		SELECT id, received_at, content_hash, posted_by FROM messages
		WHERE source = ? AND sender_message_id = ?`,
		source, senderMessageID).Scan(&sent.MessageID, &received, &sent.ContentHash, &sent.PostedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return journal.SenderMessage{}, journal.ErrNotFound
	}
	if err != nil {
		return journal.SenderMessage{}, fmt.Errorf("reading message %q of %s: %w", senderMessageID, source, err)
	}
	sent.ReceivedAt = fromMicros(received)
	return sent, nil
}
