// Package bus contains what the hub's two SQL message buses share. Package
// sqlitebus runs the bus on the embedded SQLite file and package pgbus on
// PostgreSQL. Both store each topic as tables and run watermill-sql's own
// Publisher and Subscriber over them, so every message is a row that a
// database transaction either commits or discards.
//
// Transaction contract: a message published through a transaction exists
// for subscribers only once that transaction commits. A subscriber records
// a message as consumed only after the handler acknowledges it: sqlitebus
// stores the consumer group's offset, and pgbus deletes the row. A message
// not recorded so is delivered again. The details per database are in each
// backend's package documentation.
package bus

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
)

// Defaults for the zero fields of SubscriberConfig.
const (
	DefaultPollInterval   = time.Second
	DefaultAckDeadline    = 30 * time.Second
	DefaultResendInterval = time.Second
	DefaultRetryInterval  = time.Second
	DefaultBatchSize      = 10
)

// SubscriberConfig configures a subscriber of either SQL bus. The zero value
// is valid, and each zero field takes the default given in its comment.
type SubscriberConfig struct {
	// ConsumerGroup names the stored offset the subscriber advances. Every
	// group receives every message of a topic. Subscribers that share a
	// group share its messages, and each message goes to one of them. The
	// empty string is a group like any other. pgbus has one group per topic
	// and accepts only "". Default "".
	ConsumerGroup string

	// PollInterval is the wait before the next query for messages after a
	// query found none. With Wakeups set, each wait is drawn at random
	// from 3/4 to 5/4 of it. Default 1 s.
	PollInterval time.Duration

	// AckDeadline is how long a delivered message may stay unacknowledged.
	// When it passes, the subscriber stops waiting, treats the message as
	// nacked and later delivers it again, even if the first handler is still
	// running. Set it above the slowest handler's run time. Default 30 s.
	AckDeadline time.Duration

	// ResendInterval is the wait before a nacked message is delivered again.
	// Default 1 s.
	ResendInterval time.Duration

	// RetryInterval is the wait before the next query after a database
	// error. Default 1 s.
	RetryInterval time.Duration

	// BatchSize is the maximum number of messages one query reads. The
	// subscriber records acknowledgements once per batch, so a crash can
	// deliver again up to BatchSize messages that were already acked.
	// Default 10.
	BatchSize int

	// Wakeups, when set, ends an idle subscription's wait for its next
	// poll as soon as its topic is woken. Nil: subscriptions poll only.
	Wakeups *Wakeups

	// DrainTimeout is how long an ending subscription waits for the
	// messages it handed out to be acked or nacked. Meanwhile their rows
	// stay locked or unconsumed, so no other subscriber gets them while
	// their handlers run. A message acked within it is recorded as
	// consumed. Default 0: the subscription does not wait, and every
	// message not yet acked is delivered again.
	DrainTimeout time.Duration
}

// Validate returns an error naming the first field that holds an invalid
// value. Zero fields are valid because they take their defaults.
func (c SubscriberConfig) Validate() error {
	durations := []struct {
		name  string
		value time.Duration
	}{
		{"PollInterval", c.PollInterval},
		{"AckDeadline", c.AckDeadline},
		{"ResendInterval", c.ResendInterval},
		{"RetryInterval", c.RetryInterval},
		{"DrainTimeout", c.DrainTimeout},
	}
	for _, d := range durations {
		if d.value < 0 {
			return fmt.Errorf("invalid subscriber config: %s is %s, must not be negative", d.name, d.value)
		}
	}

	if c.BatchSize < 0 {
		return fmt.Errorf("invalid subscriber config: BatchSize is %d, must not be negative", c.BatchSize)
	}
	return nil
}

// WithDefaults returns a copy of c with every zero field set to its default.
func (c SubscriberConfig) WithDefaults() SubscriberConfig {
	if c.PollInterval == 0 {
		c.PollInterval = DefaultPollInterval
	}
	if c.AckDeadline == 0 {
		c.AckDeadline = DefaultAckDeadline
	}
	if c.ResendInterval == 0 {
		c.ResendInterval = DefaultResendInterval
	}
	if c.RetryInterval == 0 {
		c.RetryInterval = DefaultRetryInterval
	}
	if c.BatchSize == 0 {
		c.BatchSize = DefaultBatchSize
	}
	return c
}

// Watermill returns the watermill-sql subscriber configuration for c with
// the given adapters. It applies the defaults to c first. The returned
// configuration never creates tables: topics are created by each backend's
// InitializeTopic.
func (c SubscriberConfig) Watermill(
	schema wsql.SchemaAdapter,
	offsets wsql.OffsetsAdapter,
) wsql.SubscriberConfig {
	c = c.WithDefaults()
	ackDeadline := c.AckDeadline

	return wsql.SubscriberConfig{
		ConsumerGroup:  c.ConsumerGroup,
		AckDeadline:    &ackDeadline,
		PollInterval:   c.PollInterval,
		ResendInterval: c.ResendInterval,
		RetryInterval:  c.RetryInterval,
		BackoffManager: newBackoff(c.PollInterval, c.RetryInterval),
		SchemaAdapter:  schema,
		OffsetsAdapter: offsets,
	}
}

// topicPattern is the set of topic names watermill-sql accepts. Both buses
// put the topic into quoted table names, and none of these characters can
// end a quoted SQL identifier.
var topicPattern = regexp.MustCompile(`^[A-Za-z0-9\-$:._]+$`)

// ValidateTopic returns an error unless topic is a non-empty name made of
// ASCII letters, digits and the characters - $ : . _ only.
func ValidateTopic(topic string) error {
	if !topicPattern.MatchString(topic) {
		return fmt.Errorf("invalid topic %q: use one or more ASCII letters, digits, '-', '$', ':', '.' or '_'", topic)
	}
	return nil
}

// backoff is watermill-sql's default backoff, except that a query ended by
// a closing subscriber or a canceled context is not logged as an error.
// It then returns the poll interval, not zero: watermill-sql's loop picks
// at random among its ready cases, and a zero wait would let it query
// again instead of seeing the end.
type backoff struct {
	fallback wsql.BackoffManager
	poll     time.Duration
}

func newBackoff(pollInterval, retryInterval time.Duration) backoff {
	return backoff{fallback: wsql.NewDefaultBackoffManager(pollInterval, retryInterval), poll: pollInterval}
}

// HandleError returns how long the subscriber waits before its next query.
func (b backoff) HandleError(logger watermill.LoggerAdapter, noMsg bool, err error) time.Duration {
	if errors.Is(err, ErrClosed) || errors.Is(err, context.Canceled) {
		return b.poll
	}
	return b.fallback.HandleError(logger, noMsg, err)
}
