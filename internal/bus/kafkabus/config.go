package kafkabus

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/sasl"
)

// Defaults for the zero fields of the configuration structs.
const (
	DefaultClientID           = "sangam"
	DefaultDialTimeout        = 10 * time.Second
	DefaultPartitions         = 3
	DefaultBatchTimeout       = 10 * time.Millisecond
	DefaultBatchSize          = 100
	DefaultWriteTimeout       = 10 * time.Second
	DefaultMaxAttempts        = 10
	DefaultCloseTimeout       = 5 * time.Second
	DefaultMetadataTTL        = 6 * time.Second
	DefaultHeartbeatInterval  = 3 * time.Second
	DefaultSessionTimeout     = 30 * time.Second
	DefaultRebalanceTimeout   = 30 * time.Second
	DefaultJoinGroupBackoff   = 5 * time.Second
	DefaultMaxWait            = 2 * time.Second
	DefaultMaxBytes           = 1 << 20
	DefaultResendInterval     = time.Second
	DefaultCoordinatorTimeout = 5 * time.Second
)

// MaxReplicationFactor is the largest replica count of a Kafka topic,
// because CreateTopics requests carry it as a 16-bit signed integer.
const MaxReplicationFactor = 32767

// Config contains the connection settings of the Kafka cluster and the
// settings of topics that the bus creates. Publishers, subscribers and
// InitializeTopic share it.
type Config struct {
	// Brokers are the bootstrap addresses, each host:port. Required.
	Brokers []string

	// ClientID is the client id sent with every request, which brokers
	// show in their logs and quotas. Default "sangam".
	ClientID string

	// DialTimeout bounds opening one connection, including the TLS and SASL
	// handshakes. Default 10 s.
	DialTimeout time.Duration

	// TLS, when not nil, is used for every connection. Default nil (plain
	// TCP).
	TLS *tls.Config

	// SASL, when not nil, authenticates every connection, for example
	// plain.Mechanism or a scram.Mechanism of kafka-go. Default nil (none).
	SASL sasl.Mechanism

	// Partitions is the partition count of a topic that InitializeTopic or
	// Subscriber.SubscribeInitialize creates. Existing topics keep theirs.
	// Default 3.
	Partitions int

	// ReplicationFactor is the replica count of a topic that InitializeTopic
	// creates. Default 0, which requests the broker's
	// default.replication.factor.
	ReplicationFactor int
}

// Validate returns an error naming the first field that holds an invalid
// value. Zero fields are valid, except Brokers, because they take their
// defaults.
func (c Config) Validate() error {
	if len(c.Brokers) == 0 {
		return errors.New("invalid kafka config: Brokers is empty, list at least one host:port")
	}
	for i, broker := range c.Brokers {
		if _, _, err := net.SplitHostPort(broker); err != nil {
			return fmt.Errorf("invalid kafka config: Brokers[%d] %q is not host:port: %w", i, broker, err)
		}
	}

	if c.DialTimeout < 0 {
		return fmt.Errorf("invalid kafka config: DialTimeout is %s, must not be negative", c.DialTimeout)
	}
	if c.Partitions < 0 {
		return fmt.Errorf("invalid kafka config: Partitions is %d, must not be negative", c.Partitions)
	}
	if c.ReplicationFactor < 0 || c.ReplicationFactor > MaxReplicationFactor {
		return fmt.Errorf("invalid kafka config: ReplicationFactor is %d, must be 0 to %d",
			c.ReplicationFactor, MaxReplicationFactor)
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.ClientID == "" {
		c.ClientID = DefaultClientID
	}
	if c.DialTimeout == 0 {
		c.DialTimeout = DefaultDialTimeout
	}
	if c.Partitions == 0 {
		c.Partitions = DefaultPartitions
	}
	return c
}

// dialer returns the kafka-go dialer of the consumer group and readers.
func (c Config) dialer() *kafka.Dialer {
	return &kafka.Dialer{
		ClientID:      c.ClientID,
		Timeout:       c.DialTimeout,
		DualStack:     true,
		TLS:           c.TLS,
		SASLMechanism: c.SASL,
	}
}

// client returns an admin client of c's brokers, and the function that
// closes its idle connections once the caller is done with it.
func (c Config) client() (*kafka.Client, func()) {
	transport := c.transport()
	return &kafka.Client{Addr: kafka.TCP(c.Brokers...), Transport: transport}, transport.CloseIdleConnections
}

// transport returns the kafka-go transport of the writer and admin client.
func (c Config) transport() *kafka.Transport {
	return &kafka.Transport{
		ClientID:    c.ClientID,
		DialTimeout: c.DialTimeout,
		TLS:         c.TLS,
		SASL:        c.SASL,
	}
}

// PublisherConfig configures NewPublisher. Only Brokers is required; each
// other field's default is in its comment.
type PublisherConfig struct {
	Config

	// BatchTimeout is how long the writer waits for more messages to the
	// same partition before it sends an incomplete batch. Publish blocks
	// for at least this long unless BatchSize messages to one partition
	// are waiting. Default 10 ms (kafka-go's own default is 1 s).
	BatchTimeout time.Duration

	// BatchSize is the maximum number of messages in one produce request
	// to one partition. Default 100.
	BatchSize int

	// WriteTimeout bounds one produce request, from sending it until the
	// broker's acknowledgement. Default 10 s.
	WriteTimeout time.Duration

	// MaxAttempts is how many times a batch is sent before Publish returns
	// the error. A retried batch can be stored twice. Default 10.
	MaxAttempts int

	// MetadataTTL is how often the writer refreshes its cached list of
	// topics and partition leaders. It is also how long Publish retries a
	// topic missing from that list, which a topic created by another client
	// is until the next refresh. Default 6 s.
	MetadataTTL time.Duration

	// CloseTimeout bounds how long Close waits for the writer to end the
	// produce requests in flight, which it cannot interrupt: a broker that
	// accepts connections but never answers holds each for WriteTimeout,
	// MaxAttempts times. Close returns an error when it passes. Default 5 s.
	CloseTimeout time.Duration
}

// Validate returns an error naming the first field that holds an invalid
// value.
func (c PublisherConfig) Validate() error {
	if err := c.Config.Validate(); err != nil {
		return err
	}
	if c.BatchTimeout < 0 {
		return fmt.Errorf("invalid publisher config: BatchTimeout is %s, must not be negative", c.BatchTimeout)
	}
	if c.BatchSize < 0 {
		return fmt.Errorf("invalid publisher config: BatchSize is %d, must not be negative", c.BatchSize)
	}
	if c.WriteTimeout < 0 {
		return fmt.Errorf("invalid publisher config: WriteTimeout is %s, must not be negative", c.WriteTimeout)
	}
	if c.MaxAttempts < 0 {
		return fmt.Errorf("invalid publisher config: MaxAttempts is %d, must not be negative", c.MaxAttempts)
	}
	if c.MetadataTTL < 0 {
		return fmt.Errorf("invalid publisher config: MetadataTTL is %s, must not be negative", c.MetadataTTL)
	}
	if c.CloseTimeout < 0 {
		return fmt.Errorf("invalid publisher config: CloseTimeout is %s, must not be negative", c.CloseTimeout)
	}
	return nil
}

func (c PublisherConfig) withDefaults() PublisherConfig {
	c.Config = c.Config.withDefaults()
	if c.BatchTimeout == 0 {
		c.BatchTimeout = DefaultBatchTimeout
	}
	if c.BatchSize == 0 {
		c.BatchSize = DefaultBatchSize
	}
	if c.WriteTimeout == 0 {
		c.WriteTimeout = DefaultWriteTimeout
	}
	if c.MaxAttempts == 0 {
		c.MaxAttempts = DefaultMaxAttempts
	}
	if c.MetadataTTL == 0 {
		c.MetadataTTL = DefaultMetadataTTL
	}
	if c.CloseTimeout == 0 {
		c.CloseTimeout = DefaultCloseTimeout
	}
	return c
}

// SubscriberConfig configures NewSubscriber. Brokers and ConsumerGroup are
// required; each other field's default is in its comment.
type SubscriberConfig struct {
	Config

	// ConsumerGroup is the Kafka consumer group id. Every group receives
	// every message of a topic, and subscribers that share a group split
	// the topic's partitions between them. Required.
	//
	// Kafka rebalances a group as a whole: a subscriber that joins or
	// leaves pauses the group's subscriptions on every topic for one
	// rebalance. Prefer one group per topic where that matters.
	ConsumerGroup string

	// HeartbeatInterval is the time between heartbeats that a subscription
	// sends the group coordinator. It is also the longest a subscription
	// takes to notice that its group is rebalancing. Default 3 s.
	HeartbeatInterval time.Duration

	// SessionTimeout is how long the coordinator waits for a heartbeat
	// before it removes the subscription from the group. The broker bounds
	// it (group.min.session.timeout.ms and group.max.session.timeout.ms).
	// Default 30 s.
	SessionTimeout time.Duration

	// RebalanceTimeout is how long the coordinator waits for every member
	// to rejoin during a rebalance. Default 30 s.
	RebalanceTimeout time.Duration

	// JoinGroupBackoff is the wait before joining the group again after an
	// error. Default 5 s.
	JoinGroupBackoff time.Duration

	// MaxWait bounds one fetch request, which waits at the broker for new
	// messages. kafka-go v0.4.51 keeps 1 s of it for the round trip, or a
	// quarter of it when MaxWait is below 1 s, and gives the broker the
	// rest: 1 s of the default 2 s, and almost nothing at 1 s. A response
	// later than the round trip allows costs a reconnect. A partition takes
	// up to the broker's share to stop when its subscription ends or the
	// group rebalances. Default 2 s.
	MaxWait time.Duration

	// MaxBytes is the maximum size of one fetch response per partition, in
	// bytes. A message larger than this cannot be read. Default 1 MiB.
	MaxBytes int

	// ResendInterval is the wait before a nacked message is delivered
	// again. Default 1 s.
	ResendInterval time.Duration

	// CoordinatorTimeout bounds each request to the group coordinator:
	// heartbeats, offset fetches and the commit of each acknowledged
	// offset. Join and sync requests get RebalanceTimeout or SessionTimeout
	// on top of it. Default 5 s.
	CoordinatorTimeout time.Duration

	// DrainTimeout is how long an ending subscription, by Close or by the
	// end of the context of Subscribe, waits for the messages it handed
	// out to be acked or nacked. It stays in its group meanwhile, so its
	// partitions go to no other member, and the offset of each message
	// acked then is committed. kafka-go v0.4.51 stops a member's
	// heartbeats once its group closes, so the wait ends in effect at
	// SessionTimeout, when the coordinator removes the member. Default 0:
	// the subscription does not wait, and every message not yet acked is
	// delivered again.
	DrainTimeout time.Duration
}

// Validate returns an error naming the first field that holds an invalid
// value.
func (c SubscriberConfig) Validate() error {
	if err := c.Config.Validate(); err != nil {
		return err
	}
	if strings.TrimSpace(c.ConsumerGroup) == "" {
		return errors.New("invalid subscriber config: ConsumerGroup is empty, set the Kafka consumer group id")
	}

	durations := []struct {
		name  string
		value time.Duration
	}{
		{"HeartbeatInterval", c.HeartbeatInterval},
		{"SessionTimeout", c.SessionTimeout},
		{"RebalanceTimeout", c.RebalanceTimeout},
		{"JoinGroupBackoff", c.JoinGroupBackoff},
		{"MaxWait", c.MaxWait},
		{"ResendInterval", c.ResendInterval},
		{"CoordinatorTimeout", c.CoordinatorTimeout},
		{"DrainTimeout", c.DrainTimeout},
	}
	for _, d := range durations {
		if d.value < 0 {
			return fmt.Errorf("invalid subscriber config: %s is %s, must not be negative", d.name, d.value)
		}
	}

	if c.MaxBytes < 0 {
		return fmt.Errorf("invalid subscriber config: MaxBytes is %d, must not be negative", c.MaxBytes)
	}

	defaults := c.withDefaults()
	if defaults.HeartbeatInterval >= defaults.SessionTimeout {
		return fmt.Errorf("invalid subscriber config: HeartbeatInterval %s must be below SessionTimeout %s",
			defaults.HeartbeatInterval, defaults.SessionTimeout)
	}
	return nil
}

func (c SubscriberConfig) withDefaults() SubscriberConfig {
	c.Config = c.Config.withDefaults()
	if c.HeartbeatInterval == 0 {
		c.HeartbeatInterval = DefaultHeartbeatInterval
	}
	if c.SessionTimeout == 0 {
		c.SessionTimeout = DefaultSessionTimeout
	}
	if c.RebalanceTimeout == 0 {
		c.RebalanceTimeout = DefaultRebalanceTimeout
	}
	if c.JoinGroupBackoff == 0 {
		c.JoinGroupBackoff = DefaultJoinGroupBackoff
	}
	if c.MaxWait == 0 {
		c.MaxWait = DefaultMaxWait
	}
	if c.MaxBytes == 0 {
		c.MaxBytes = DefaultMaxBytes
	}
	if c.ResendInterval == 0 {
		c.ResendInterval = DefaultResendInterval
	}
	if c.CoordinatorTimeout == 0 {
		c.CoordinatorTimeout = DefaultCoordinatorTimeout
	}
	return c
}
