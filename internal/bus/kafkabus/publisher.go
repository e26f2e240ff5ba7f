package kafkabus

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/segmentio/kafka-go"
)

// ErrPublisherClosed is returned by Publish after Close.
var ErrPublisherClosed = errors.New("publisher closed")

// Publisher is a watermill message.Publisher over one kafka-go Writer.
// Publish and Close are safe for concurrent use.
type Publisher struct {
	writer       *kafka.Writer
	metadataTTL  time.Duration
	closeTimeout time.Duration
	logger       watermill.LoggerAdapter

	// closing is canceled at the start of Close, which ends the writes in
	// progress.
	closing     context.Context
	stopWriting context.CancelFunc

	// mu guards closed. Publish holds it for reading while it writes, so
	// that Close waits for writes in progress to return.
	mu     sync.RWMutex
	closed bool
}

// NewPublisher returns a publisher to the cluster in config. A nil logger
// discards log lines. It connects on the first Publish.
func NewPublisher(config PublisherConfig, logger watermill.LoggerAdapter) (*Publisher, error) {
	if err := config.Validate(); err != nil {
		return nil, fmt.Errorf("creating publisher: %w", err)
	}
	config = config.withDefaults()
	if logger == nil {
		logger = watermill.NopLogger{}
	}

	transport := config.transport()
	transport.MetadataTTL = config.MetadataTTL
	writer := &kafka.Writer{
		Addr:         kafka.TCP(config.Brokers...),
		Balancer:     kafka.Murmur2Balancer{},
		MaxAttempts:  config.MaxAttempts,
		BatchSize:    config.BatchSize,
		BatchTimeout: config.BatchTimeout,
		WriteTimeout: config.WriteTimeout,
		RequiredAcks: kafka.RequireAll,
		Transport:    transport,
		ErrorLogger:  kafkaLogger(logger, watermill.LogFields{"component": "kafka writer"}),
	}
	closing, stopWriting := context.WithCancel(context.Background())
	return &Publisher{
		writer: writer, metadataTTL: config.MetadataTTL, closeTimeout: config.CloseTimeout,
		logger: logger, closing: closing, stopWriting: stopWriting,
	}, nil
}

// Publish writes msgs to topic and returns after every in-sync replica of
// each message's partition stored it (acks=all), or with the first error.
// On error some of the messages may be stored, so publishing them again can
// store duplicates.
//
// Each message's case_key metadata is its Kafka key: messages with the same
// case_key go to one partition, in the order of msgs and of successive
// Publish calls. The partition is the murmur2 hash of the key modulo the
// partition count, as the Java client's default partitioner and
// librdkafka's "murmur2_random" partitioner compute it, so producers of
// those kinds agree with this one. Messages without a case_key go to a
// random partition and have no order among them. The UUID and every
// metadata entry travel as Kafka headers.
//
// The topic must exist (see InitializeTopic). Publish fails with
// kafka.UnknownTopicOrPartition when the topic is still unknown after
// MetadataTTL. Publish returns ErrPublisherClosed, wrapped, when Close
// ends it or was called before.
func (p *Publisher) Publish(topic string, msgs ...*message.Message) error {
	if err := ValidateTopic(topic); err != nil {
		return fmt.Errorf("publishing: %w", err)
	}

	records := make([]kafka.Message, len(msgs))
	for i, msg := range msgs {
		record, err := toKafka(topic, msg)
		if err != nil {
			return fmt.Errorf("publishing to %s: %w", topic, err)
		}
		records[i] = record
	}

	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed {
		return fmt.Errorf("publishing to %s: %w", topic, ErrPublisherClosed)
	}

	if err := p.write(records); err != nil {
		if p.closing.Err() != nil {
			err = ErrPublisherClosed
		}
		return fmt.Errorf("publishing %d messages to %s: %w", len(records), topic, err)
	}
	p.logger.Trace("published messages", watermill.LogFields{"topic": topic, "count": len(records)})
	return nil
}

// unknownTopicRetryInterval is the wait before Publish tries again a topic
// that the writer's metadata cache does not list.
const unknownTopicRetryInterval = 100 * time.Millisecond

// write writes records, all of one topic. kafka-go's writer looks topics up
// in its transport's metadata cache, which it refreshes only every
// MetadataTTL, so a topic created by another client a moment ago is
// unknown to it until the next refresh. write retries such a topic until
// MetadataTTL has passed; nothing is sent before the lookup succeeds, so a
// retry cannot store a message twice.
func (p *Publisher) write(records []kafka.Message) error {
	deadline := time.Now().Add(p.metadataTTL)
	for {
		err := p.writer.WriteMessages(p.closing, records...)
		if !errors.Is(err, kafka.UnknownTopicOrPartition) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-p.closing.Done():
			return p.closing.Err()
		case <-time.After(unknownTopicRetryInterval):
		}
	}
}

// Close ends the Publish calls in progress, which return an error wrapping
// ErrPublisherClosed although the cluster may store their messages all
// the same, and waits for them to return. It then closes the writer and
// its connections, waiting up to CloseTimeout for the produce requests in
// flight, and returns an error when they outlast it. Close may be called
// more than once.
func (p *Publisher) Close() error {
	p.stopWriting()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	p.closed = true

	closed := make(chan error, 1)
	go func() { closed <- p.writer.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			return fmt.Errorf("closing publisher: %w", err)
		}
		return nil
	case <-time.After(p.closeTimeout):
		return fmt.Errorf("closing publisher: produce requests still in flight after %s were abandoned",
			p.closeTimeout)
	}
}

// kafkaLogger returns the error logger of a kafka-go writer, reader or
// consumer group, which writes each line to logger at info level with
// fields. kafka-go retries the failures it reports there by itself; the
// bus logs an error when one reaches its own code.
func kafkaLogger(logger watermill.LoggerAdapter, fields watermill.LogFields) kafka.LoggerFunc {
	return func(format string, args ...any) {
		logger.Info(fmt.Sprintf(format, args...), fields.Add(watermill.LogFields{"source": "kafka-go"}))
	}
}
