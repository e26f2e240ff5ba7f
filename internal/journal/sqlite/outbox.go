package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/sangam-hub/sangam/internal/bus/sqlitebus"
	"github.com/sangam-hub/sangam/internal/journal"
)

// publishOutbox inserts each message into its topic's table through tx, so
// the messages are published when tx commits and never when it rolls
// back. A topic whose table does not exist fails the insert. topics
// records the topics published to, for Announce once tx has committed.
func publishOutbox(
	ctx context.Context,
	tx *sql.Tx,
	outbox []journal.Outgoing,
	topics *journal.Topics,
	logger *slog.Logger,
	wrap func(message.Publisher) message.Publisher,
) error {
	if len(outbox) == 0 {
		return nil
	}

	pub, err := sqlitebus.NewPublisher(tx, watermill.NewSlogLogger(logger))
	if err != nil {
		return fmt.Errorf("publishing outbox: %w", err)
	}
	pub = topics.Record(pub)
	if wrap != nil {
		pub = wrap(pub)
	}

	return journal.Publish(ctx, pub, outbox)
}
