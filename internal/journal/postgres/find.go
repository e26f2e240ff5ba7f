package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/journal"
)

// Find implements journal.Store.
func (s *Store) Find(ctx context.Context, q journal.Query) ([]journal.Summary, error) {
	var afterTime *time.Time
	if q.After != "" {
		var err error
		if afterTime, err = s.messagePosition(ctx, q.After); err != nil {
			return nil, err
		}
	}
	rows, err := s.pool.Query(ctx, `
		SELECT m.id, m.source, m.sender_message_id, m.type, m.case_key, m.correlation_id,
			m.received_at
		FROM messages m
		WHERE ($1 = '' OR m.source = $1)
			AND ($2 = '' OR m.sender_message_id = $2)
			AND ($3 = '' OR m.case_key = $3)
			AND ($4 = '' OR m.correlation_id = $4)
			AND ($5 = '' OR m.type = $5)
			AND ($6::timestamptz IS NULL OR m.received_at < $6)
			AND ($8::timestamptz IS NULL OR (m.received_at, m.id) < ($8, $9::text))
		ORDER BY m.received_at DESC, m.id DESC
		LIMIT $7`,
		q.Source, q.SenderMessageID, q.CaseKey, q.CorrelationID, string(q.Type),
		nullTime(q.ReceivedBefore), q.EffectiveLimit(), afterTime, q.After)
	if err != nil {
		return nil, fmt.Errorf("finding messages: %w", err)
	}
	defer rows.Close()
	var out []journal.Summary
	for rows.Next() {
		var (
			sum journal.Summary
			typ string
		)
		err := rows.Scan(&sum.MessageID, &sum.Source, &sum.SenderMessageID, &typ, &sum.CaseKey,
			&sum.CorrelationID, &sum.ReceivedAt)
		if err != nil {
			return nil, fmt.Errorf("finding messages: %w", err)
		}
		sum.Type = canonical.Type(typ)
		sum.ReceivedAt = sum.ReceivedAt.UTC()
		out = append(out, sum)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("finding messages: %w", err)
	}
	if err := s.summarize(ctx, out); err != nil {
		return nil, fmt.Errorf("finding messages: %w", err)
	}
	return out, nil
}

// messagePosition returns the time the message id was received, which
// with its id orders Find's results. It returns an error wrapping
// journal.ErrInvalid when id is not a journaled message's id.
func (s *Store) messagePosition(ctx context.Context, id string) (*time.Time, error) {
	var received time.Time
	err := s.pool.QueryRow(ctx, "SELECT received_at FROM messages WHERE id = $1", id).
		Scan(&received)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("%w message query after: %q is not a journaled message's id",
			journal.ErrInvalid, id)
	}
	if err != nil {
		return nil, fmt.Errorf("reading message %s: %w", id, err)
	}
	return &received, nil
}

// summarize sets the status of each summary from its message's
// deliveries, read in one query.
func (s *Store) summarize(ctx context.Context, sums []journal.Summary) error {
	ids := make([]string, len(sums))
	for i, sum := range sums {
		ids[i] = sum.MessageID
	}
	rows, err := s.pool.Query(ctx, `
		SELECT message_id, id, coalesce(replay_of, ''), status
		FROM deliveries WHERE message_id = ANY($1)`, ids)
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
