package postgres

import (
	"context"
	"fmt"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/journal"
)

// Find implements journal.Store.
func (s *Store) Find(ctx context.Context, q journal.Query) ([]journal.Summary, error) {
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
		ORDER BY m.received_at DESC, m.id DESC
		LIMIT $7`,
		q.Source, q.SenderMessageID, q.CaseKey, q.CorrelationID, string(q.Type),
		nullTime(q.ReceivedBefore), q.EffectiveLimit())
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
