package kafkabus

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/segmentio/kafka-go"
)

// partitionConsumer hands out the messages of one partition during one
// generation of the consumer group, one at a time, and commits each offset
// after the handler acked its message.
type partitionConsumer struct {
	subscription *subscription
	generation   *kafka.Generation
	partition    int

	// offset is the offset to read first: a committed offset, or
	// kafka.FirstOffset when the group has none for the partition.
	offset int64
	fields watermill.LogFields

	// ended is closed when the subscription ends, by Close or by the end
	// of the context of Subscribe, but not when only the generation does.
	ended <-chan struct{}
}

func (sub *subscription) newPartitionConsumer(
	generation *kafka.Generation,
	assignment kafka.PartitionAssignment,
) *partitionConsumer {
	return &partitionConsumer{
		subscription: sub,
		generation:   generation,
		partition:    assignment.ID,
		offset:       assignment.Offset,
		fields: sub.fields.Add(watermill.LogFields{
			"partition":  assignment.ID,
			"generation": generation.ID,
		}),
	}
}

// run reads the partition until ctx or generationCtx ends, or until an
// offset commit fails. Returning ends the generation for this member, so a
// failed commit makes it rejoin the group and read again from the last
// committed offset.
func (c *partitionConsumer) run(ctx, generationCtx context.Context) {
	c.ended = ctx.Done()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(generationCtx, cancel)
	defer stop()

	logger := c.subscription.subscriber.logger
	reader := c.newReader()
	defer func() {
		if err := reader.Close(); err != nil {
			logger.Error("closing partition reader failed", err, c.fields)
		}
	}()
	if err := reader.SetOffset(c.offset); err != nil {
		logger.Error("setting the start offset failed", err, c.fields.Add(watermill.LogFields{"offset": c.offset}))
		return
	}

	logger.Debug("reading partition", c.fields.Add(watermill.LogFields{"offset": c.offset}))
	for {
		record, err := reader.FetchMessage(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			// The reader retries by itself after reporting an error.
			logger.Error("fetching message failed", err, c.fields)
			continue
		}

		if !c.deliver(ctx, record) {
			return
		}
		if err := c.commit(record.Offset + 1); err != nil {
			c.logCommitError(err, record.Offset+1)
			return
		}
	}
}

// newReader returns a reader of the partition outside any consumer group.
func (c *partitionConsumer) newReader() *kafka.Reader {
	config := c.subscription.subscriber.config
	return kafka.NewReader(kafka.ReaderConfig{
		Brokers:     config.Brokers,
		Topic:       c.subscription.topic,
		Partition:   c.partition,
		Dialer:      config.dialer(),
		MaxBytes:    config.MaxBytes,
		MaxWait:     config.MaxWait,
		ErrorLogger: kafkaLogger(c.subscription.subscriber.logger, c.fields),
		// ReadLagInterval -1 turns off the reader's lag polling, which opens
		// a connection of its own every minute.
		ReadLagInterval: -1,
	})
}

// deliver sends record to the output channel until the handler acks it,
// and reports whether it did. It returns false when ctx ends first.
func (c *partitionConsumer) deliver(ctx context.Context, record kafka.Message) bool {
	config := c.subscription.subscriber.config
	logger := c.subscription.subscriber.logger

	for {
		msgCtx, cancel := context.WithCancel(ctx)
		msg := fromKafka(msgCtx, record)

		acked, err := c.await(ctx, msg)
		cancel()
		if err != nil {
			return false
		}
		if acked {
			return true
		}

		logger.Debug("message nacked, delivering it again", c.fields.Add(watermill.LogFields{
			"message_uuid": msg.UUID,
			"offset":       record.Offset,
		}))
		select {
		case <-ctx.Done():
			return false
		case <-time.After(config.ResendInterval):
		}
	}
}

// await sends msg to the output channel and waits for the handler's ack
// or nack. It returns an error when ctx ends first, unless the
// subscription is ending and the handler acks msg within DrainTimeout.
func (c *partitionConsumer) await(ctx context.Context, msg *message.Message) (acked bool, err error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	select {
	case c.subscription.output <- msg:
	case <-ctx.Done():
		return false, ctx.Err()
	}

	select {
	case <-msg.Acked():
		return true, nil
	case <-msg.Nacked():
		return false, nil
	case <-ctx.Done():
	}
	if c.drain(msg) {
		return true, nil
	}
	return false, ctx.Err()
}

// drain waits, when the subscription is ending, up to DrainTimeout for
// the handler to ack or nack msg, and reports whether it acked it. The
// member leaves the group only after that, so the partition and its
// message go to no other member while the handler runs. During a
// rebalance drain does not wait, because every member of the group would
// wait with it.
func (c *partitionConsumer) drain(msg *message.Message) bool {
	select {
	case <-c.ended:
	default:
		return false
	}
	config := c.subscription.subscriber.config
	if config.DrainTimeout <= 0 {
		return false
	}
	timer := time.NewTimer(config.DrainTimeout)
	defer timer.Stop()
	select {
	case <-msg.Acked():
		return true
	case <-msg.Nacked():
	case <-timer.C:
	}
	return false
}

// logCommitError logs a failed commit of offset next. A commit that a
// rebalance overtook is routine and logged at info level.
func (c *partitionConsumer) logCommitError(err error, next int64) {
	logger := c.subscription.subscriber.logger
	fields := c.fields.Add(watermill.LogFields{"offset": next})
	if errors.Is(err, kafka.RebalanceInProgress) || errors.Is(err, kafka.IllegalGeneration) ||
		errors.Is(err, kafka.UnknownMemberId) {
		logger.Info("group rebalanced before the offset commit, the message comes again", fields)
		return
	}
	logger.Error("committing offset failed, rejoining the group", err, fields)
}

// commit stores next as the group's offset of the partition: the offset of
// the first message not yet acked.
func (c *partitionConsumer) commit(next int64) error {
	offsets := map[string]map[int]int64{c.subscription.topic: {c.partition: next}}
	if err := c.generation.CommitOffsets(offsets); err != nil {
		return fmt.Errorf("committing offset %d: %w", next, err)
	}
	return nil
}
