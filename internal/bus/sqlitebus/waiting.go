package sqlitebus

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/sangam-hub/sangam/internal/bus"
)

// createdAtLayout is the time layout of the messages table's created_at.
const createdAtLayout = "2006-01-02T15:04:05.000Z"

// WaitingIn returns how many messages of topic the consumer group has not
// acknowledged yet and when the oldest was published. The topic's tables
// must exist (see InitializeTopic).
func WaitingIn(ctx context.Context, db *sql.DB, topic, group string) (bus.Waiting, error) {
	if err := bus.ValidateTopic(topic); err != nil {
		return bus.Waiting{}, err
	}
	var w bus.Waiting
	var oldest sql.NullString
	err := db.QueryRowContext(ctx, `SELECT count(*), min(created_at) FROM `+
		Schema{}.MessagesTable(topic)+` WHERE "offset" > coalesce((SELECT offset_acked FROM `+
		Offsets{}.OffsetsTable(topic)+` WHERE consumer_group = ?), 0)`, group).Scan(&w.Messages, &oldest)
	if err != nil {
		return bus.Waiting{}, fmt.Errorf("counting the messages of topic %s: %w", topic, err)
	}
	if oldest.Valid {
		w.Oldest, err = time.Parse(createdAtLayout, oldest.String)
		if err != nil {
			return bus.Waiting{}, fmt.Errorf("reading the oldest message of topic %s: %w", topic, err)
		}
	}
	return w, nil
}
