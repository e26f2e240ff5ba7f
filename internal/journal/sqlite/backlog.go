package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/sangam-hub/sangam/internal/journal"
)

// backlogQuery reads the backlog of every destination, one row each.
const backlogQuery = `
	SELECT destination, sum(pending), sum(retrying), min(oldest), sum(dead)
	FROM (
		SELECT d.destination, 1 AS pending,
			EXISTS (SELECT 1 FROM attempts a WHERE a.delivery_id = d.id) AS retrying,
			d.created_at AS oldest, 0 AS dead
		FROM deliveries d WHERE d.status = 'pending'
		UNION ALL
		SELECT d.destination, 0, 0, NULL, 1
		FROM deliveries d WHERE d.status = 'dead' AND ` + unreplayed + `
	)
	GROUP BY destination
	ORDER BY destination`

// Backlog implements journal.Store. It finds the pending and dead
// deliveries through an index that starts with status, their attempts
// through the attempts table's primary key, and the replays and other
// deliveries of each dead one as unreplayed describes. Its cost therefore
// grows with the pending and dead deliveries, not with the journal.
func (s *Store) Backlog(ctx context.Context) ([]journal.Backlog, error) {
	rows, err := s.db.QueryContext(ctx, backlogQuery)
	if err != nil {
		return nil, fmt.Errorf("reading the backlog: %w", err)
	}
	defer rows.Close()

	var backlog []journal.Backlog
	for rows.Next() {
		var (
			b      journal.Backlog
			oldest sql.NullInt64
		)
		if err := rows.Scan(&b.Destination, &b.Pending, &b.Retrying, &oldest, &b.DeadLetters); err != nil {
			return nil, fmt.Errorf("reading the backlog: %w", err)
		}
		b.OldestPendingAt = fromNullMicros(oldest)
		backlog = append(backlog, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the backlog: %w", err)
	}
	return backlog, nil
}
