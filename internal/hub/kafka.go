package hub

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/ThreeDotsLabs/watermill/components/forwarder"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/sangam-hub/sangam/internal/bus/kafkabus"
)

// outboxTopic is the SQL topic that holds delivery commands, each in a
// forwarder envelope naming its Kafka topic, until the forwarder moves
// them to Kafka.
const outboxTopic = "sangam.outbox"

// outboxEnvelope wraps the journal's publisher so that every outbox
// message lands on outboxTopic in the journal's transaction.
func outboxEnvelope(p message.Publisher) message.Publisher {
	return forwarder.NewPublisher(p, forwarder.PublisherConfig{ForwarderTopic: outboxTopic})
}

// moveToKafka puts the delivery topics on Kafka. The journal keeps
// writing commands into its own database in the same transaction as the
// message: the transactional outbox. Watermill's forwarder moves them to
// Kafka after the commit. A command is therefore on Kafka only if its
// message was journaled, and is never lost between the two.
func (b *backend) moveToKafka(ctx context.Context, cfg Config) error {
	kcfg := kafkabus.Config{Brokers: cfg.KafkaBrokers, Partitions: cfg.KafkaPartitions}
	if err := kcfg.Validate(); err != nil {
		return err
	}
	if err := b.initTopic(ctx, outboxTopic); err != nil {
		return err
	}
	outbox, err := b.subscriber(outboxTopic, time.Minute)
	if err != nil {
		return err
	}
	kpub, err := kafkabus.NewPublisher(kafkabus.PublisherConfig{Config: kcfg}, watermillLogger(cfg.Log))
	if err != nil {
		return fmt.Errorf("connecting to Kafka: %w", err)
	}
	fwd, err := forwarder.NewForwarder(outbox, kpub, watermillLogger(cfg.Log),
		forwarder.Config{ForwarderTopic: outboxTopic})
	if err != nil {
		_ = kpub.Close()
		return fmt.Errorf("creating outbox forwarder: %w", err)
	}

	sqlClose := b.close
	b.name += "+kafka"
	b.initTopic = func(ctx context.Context, topic string) error {
		return kafkabus.InitializeTopic(ctx, kcfg, topic)
	}
	b.subscriber = func(topic string, _ time.Duration) (message.Subscriber, error) {
		// One consumer group per topic, so a rebalance of one destination's
		// group never pauses another destination.
		sc := kafkabus.SubscriberConfig{Config: kcfg, ConsumerGroup: "sangam." + topic}
		if t := cfg.KafkaSessionTimeout; t > 0 {
			// Heartbeats well within the session, as Kafka recommends
			// (a third of it at most).
			sc.SessionTimeout = t
			sc.HeartbeatInterval = min(kafkabus.DefaultHeartbeatInterval, t/3)
		}
		return kafkabus.NewSubscriber(sc, watermillLogger(cfg.Log))
	}
	var started atomic.Bool
	b.start = func(ctx context.Context) {
		started.Store(true)
		if err := fwd.Run(ctx); err != nil && ctx.Err() == nil {
			cfg.Log.Error("outbox forwarder stopped", "error", err)
		}
	}
	b.close = func() error {
		// The forwarder's router waits its whole close timeout (30 s)
		// when it never ran, as after a failed start, so close only
		// what it would have closed.
		if !started.Load() {
			return errors.Join(outbox.Close(), kpub.Close(), sqlClose())
		}
		return errors.Join(fwd.Close(), kpub.Close(), sqlClose())
	}
	return nil
}
