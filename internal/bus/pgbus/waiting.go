package pgbus

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sangam-hub/sangam/internal/bus"
)

// WaitingIn returns how many messages of topic no subscriber has
// acknowledged yet and when the oldest was published. The topic's table
// must exist (see InitializeTopic).
func WaitingIn(ctx context.Context, exec Executor, topic string) (bus.Waiting, error) {
	if err := ValidateTopic(topic); err != nil {
		return bus.Waiting{}, err
	}
	rows, err := exec.Query(ctx, `SELECT count(*), min(created_at) FROM `+
		schema.MessagesTable(topic)+` WHERE NOT acked`)
	if err == nil {
		var w bus.Waiting
		w, err = pgx.CollectExactlyOneRow(rows, func(row pgx.CollectableRow) (bus.Waiting, error) {
			var w bus.Waiting
			var oldest *time.Time
			err := row.Scan(&w.Messages, &oldest)
			if oldest != nil {
				w.Oldest = *oldest
			}
			return w, err
		})
		if err == nil {
			return w, nil
		}
	}
	return bus.Waiting{}, fmt.Errorf("counting the messages of topic %s: %w", topic, err)
}
