package postgres

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/jackc/pgx/v5"

	"github.com/sangam-hub/sangam/internal/bus/pgbus"
	"github.com/sangam-hub/sangam/internal/journal"
)

// publishOutbox inserts each message into its topic's table through tx, so
// the messages are published when tx commits and never when it rolls
// back. Messages of one topic go in one insert, in their order in outbox.
// A topic whose table does not exist fails the insert.
func publishOutbox(
	ctx context.Context,
	tx pgx.Tx,
	outbox []journal.Outgoing,
	logger *slog.Logger,
	wrap func(message.Publisher) message.Publisher,
) error {
	if len(outbox) == 0 {
		return nil
	}

	pub, err := pgbus.NewPublisher(tx, watermill.NewSlogLogger(logger))
	if err != nil {
		return fmt.Errorf("publishing outbox: %w", err)
	}
	if wrap != nil {
		pub = wrap(pub)
	}

	var topics []string
	byTopic := make(map[string][]*message.Message)
	for _, o := range outbox {
		if _, ok := byTopic[o.Topic]; !ok {
			topics = append(topics, o.Topic)
		}
		byTopic[o.Topic] = append(byTopic[o.Topic], withContext(ctx, o.Message))
	}
	for _, topic := range topics {
		if err := pub.Publish(topic, byTopic[topic]...); err != nil {
			return fmt.Errorf("publishing %d outbox messages on topic %s: %w",
				len(byTopic[topic]), topic, err)
		}
	}
	return nil
}

// withContext returns a copy of msg that carries ctx, because the
// publisher runs its insert under the message's context. The caller's
// message stays unchanged.
func withContext(ctx context.Context, msg *message.Message) *message.Message {
	c := msg.Copy()
	c.SetContext(ctx)
	return c
}
