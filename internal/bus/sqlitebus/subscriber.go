package sqlitebus

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/ThreeDotsLabs/watermill"
	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"

	"github.com/sangam-hub/sangam/internal/bus"
	"github.com/sangam-hub/sangam/internal/sqlite"
)

// SubscriberConfig configures NewSubscriber. The zero value is valid; each
// field's default is in its comment.
type SubscriberConfig = bus.SubscriberConfig

// NewSubscriber returns a subscriber that reads topics from db with
// watermill-sql's Subscriber and this package's Schema and Offsets. A nil
// logger discards log lines.
//
// Subscribers of one consumer group and topic on one database file take
// turns. One of them reads a batch, delivers its messages one at a time and
// stores the offset of the last acknowledged one before the next may read.
// Subscribers of other groups or topics run independently. A lock inside
// this process keeps the turns, so all subscribers of a group must run in
// one process: subscribers of one group in two processes could both
// deliver the same message.
//
// The message context carries a transaction for watermill-sql's
// TxFromContext, but statements run on it commit at once instead of with
// the acknowledgement. Handlers must not rely on it.
func NewSubscriber(db *sql.DB, config SubscriberConfig, logger watermill.LoggerAdapter) (*bus.Subscriber, error) {
	if db == nil {
		return nil, errors.New("creating subscriber: db is nil")
	}
	if err := config.Validate(); err != nil {
		return nil, fmt.Errorf("creating subscriber: %w", err)
	}
	config = config.WithDefaults()

	writeLock, err := sqlite.WriteLockFor(context.Background(), db)
	if err != nil {
		return nil, fmt.Errorf("creating subscriber: %w", err)
	}

	if logger == nil {
		logger = watermill.NopLogger{}
	}
	beginner := groupBeginner{
		db:        wsql.BeginnerFromStdSQL(db),
		file:      writeLock.File(),
		group:     config.ConsumerGroup,
		writeLock: writeLock,
		logger:    logger,
	}
	return bus.NewSubscriber(bus.SQL{
		Beginner: beginner,
		Schema:   Schema{SubscribeBatchSize: config.BatchSize},
		Offsets:  Offsets{},
		Logger:   logger,
		Validate: bus.ValidateTopic,
		Initialize: func(topic string) error {
			return InitializeTopic(context.Background(), db, topic)
		},
	}, config)
}
