package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/journal"
)

// Find implements journal.Store.
func (s *Store) Find(ctx context.Context, q journal.Query) ([]journal.Summary, error) {
	var afterTime sql.NullInt64
	if q.After != "" {
		var err error
		if afterTime, err = s.messagePosition(ctx, q.After); err != nil {
			return nil, err
		}
	}
	rows, err := s.db.QueryContext(ctx, `
		SELECT m.id, m.source, m.sender_message_id, m.type, m.case_key, m.correlation_id,
			m.received_at
		FROM messages m
		WHERE (?1 = '' OR m.source = ?1)
			AND (?2 = '' OR m.sender_message_id = ?2)
			AND (?3 = '' OR m.case_key = ?3)
			AND (?4 = '' OR m.correlation_id = ?4)
			AND (?5 = '' OR m.type = ?5)
			AND (?6 = 0 OR m.received_at < ?6)
			AND (?8 IS NULL OR (m.received_at, m.id) < (?8, ?9))
		ORDER BY m.received_at DESC, m.id DESC
		LIMIT ?7`,
		q.Source, q.SenderMessageID, q.CaseKey, q.CorrelationID, string(q.Type),
		beforeMicros(q.ReceivedBefore), q.EffectiveLimit(), afterTime, q.After)
	if err != nil {
		return nil, fmt.Errorf("finding messages: %w", err)
	}
	defer rows.Close()
	var out []journal.Summary
	for rows.Next() {
		var (
			sum      journal.Summary
			typ      string
			received int64
		)
		err := rows.Scan(&sum.MessageID, &sum.Source, &sum.SenderMessageID, &typ, &sum.CaseKey,
			&sum.CorrelationID, &received)
		if err != nil {
			return nil, fmt.Errorf("finding messages: %w", err)
		}
		sum.Type = canonical.Type(typ)
		sum.ReceivedAt = fromMicros(received)
		out = append(out, sum)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("finding messages: %w", err)
	}
	rows.Close()
	if err := s.summarize(ctx, out); err != nil {
		return nil, fmt.Errorf("finding messages: %w", err)
	}
	return out, nil
}

// messagePosition returns the time the message id was received, in
// microseconds, which with its id orders Find's results. It returns an
// error wrapping journal.ErrInvalid when id is not a journaled message's
// id.
func (s *Store) messagePosition(ctx context.Context, id string) (sql.NullInt64, error) {
	var received sql.NullInt64
	err := s.db.QueryRowContext(ctx, "SELECT received_at FROM messages WHERE id = ?", id).
		Scan(&received)
	if errors.Is(err, sql.ErrNoRows) {
		return received, fmt.Errorf("%w message query after: %q is not a journaled message's id",
			journal.ErrInvalid, id)
	}
	if err != nil {
		return received, fmt.Errorf("reading message %s: %w", id, err)
	}
	return received, nil
}

// summarize sets the status of each summary from its message's
// deliveries, read in one query.
func (s *Store) summarize(ctx context.Context, sums []journal.Summary) error {
	ids := make([]string, len(sums))
	for i, sum := range sums {
		ids[i] = sum.MessageID
	}
	list, err := jsonList(ids)
	if err != nil {
		return err
	}
	rows, err := s.db.QueryContext(ctx, `
		SELECT message_id, id, coalesce(replay_of, ''), status
		FROM deliveries WHERE message_id IN (SELECT value FROM json_each(?))`, string(list))
	if err != nil {
		return fmt.Errorf("reading deliveries: %w", err)
	}
	defer rows.Close()
	links, err := journal.ScanLinks(rows)
	if err != nil {
		return fmt.Errorf("reading deliveries: %w", err)
	}
	journal.SetStatuses(sums, links)
	return nil
}

// beforeMicros returns t in the journal's microseconds, or 0 for the zero
// time, which the query reads as no bound.
func beforeMicros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}
