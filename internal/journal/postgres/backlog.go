package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sangam-hub/sangam/internal/journal"
)

// Backlog implements journal.Store. It finds the pending and dead
// deliveries through an index that starts with status, and each dead
// one's replays and other deliveries through the indexes on replay_of and
// message_id. Its cost therefore grows with the pending and dead
// deliveries, not with the journal.
func (s *Store) Backlog(ctx context.Context) ([]journal.Backlog, error) {
	rows, _ := s.pool.Query(ctx, `
		SELECT destination, count(*) FILTER (WHERE pending),
			count(*) FILTER (WHERE pending AND attempt_count > 0),
			min(created_at) FILTER (WHERE pending),
			count(*) FILTER (WHERE NOT pending)
		FROM (
			SELECT destination, true AS pending, attempt_count, created_at
			FROM deliveries WHERE status = 'pending'
			UNION ALL
			SELECT d.destination, false, 0, NULL
			FROM deliveries d WHERE d.status = 'dead' AND `+unreplayed+`
		) w
		GROUP BY destination
		ORDER BY destination`)
	backlog, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (journal.Backlog, error) {
		var (
			b      journal.Backlog
			oldest *time.Time
		)
		err := row.Scan(&b.Destination, &b.Pending, &b.Retrying, &oldest, &b.DeadLetters)
		if oldest != nil {
			b.OldestPendingAt = oldest.UTC()
		}
		return b, err
	})
	if err != nil {
		return nil, fmt.Errorf("reading the backlog: %w", err)
	}
	return backlog, nil
}
