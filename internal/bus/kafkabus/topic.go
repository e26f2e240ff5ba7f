package kafkabus

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/segmentio/kafka-go"
)

// MaxTopicLength is the longest topic name Kafka accepts, in bytes.
const MaxTopicLength = 249

// topicPattern is the set of characters Kafka allows in a topic name.
var topicPattern = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// ValidateTopic returns an error unless topic is a legal Kafka topic name:
// 1 to 249 ASCII letters, digits, '.', '_' or '-', and neither "." nor "..".
func ValidateTopic(topic string) error {
	if !topicPattern.MatchString(topic) {
		return fmt.Errorf("invalid topic %q: use one or more ASCII letters, digits, '.', '_' or '-'", topic)
	}
	if len(topic) > MaxTopicLength {
		return fmt.Errorf("invalid topic %q: %d bytes long, Kafka allows at most %d",
			topic, len(topic), MaxTopicLength)
	}
	if topic == "." || topic == ".." {
		return fmt.Errorf("invalid topic %q: Kafka reserves the names \".\" and \"..\"", topic)
	}
	return nil
}

// topicPollInterval is the wait between metadata requests while
// InitializeTopic waits for a new topic's partitions to get leaders.
const topicPollInterval = 50 * time.Millisecond

// InitializeTopic creates topic with config.Partitions partitions and
// config.ReplicationFactor replicas unless it exists, then waits until
// every partition of the topic has a leader, so that publishing to it can
// start at once. An existing topic keeps its partition count and settings.
//
// Neither Publisher nor Subscriber.Subscribe creates topics: call
// InitializeTopic (or Subscriber.SubscribeInitialize) for each topic at
// start-up. Publishing to a missing topic fails with
// kafka.UnknownTopicOrPartition.
func InitializeTopic(ctx context.Context, config Config, topic string) error {
	if err := config.Validate(); err != nil {
		return fmt.Errorf("initializing topic: %w", err)
	}
	if err := ValidateTopic(topic); err != nil {
		return fmt.Errorf("initializing topic: %w", err)
	}
	config = config.withDefaults()
	// kafka-go's client retries an unreachable cluster until ctx ends,
	// and then names neither the address nor the cause.
	if err := reach(ctx, config); err != nil {
		return fmt.Errorf("initializing topic %s: %w", topic, err)
	}

	client, closeIdle := config.client()
	defer closeIdle()

	replicationFactor := config.ReplicationFactor
	replicas := fmt.Sprintf("replication factor %d", replicationFactor)
	if replicationFactor == 0 {
		replicationFactor = -1
		replicas = "the broker's default replication factor"
	}
	response, err := client.CreateTopics(ctx, &kafka.CreateTopicsRequest{
		Topics: []kafka.TopicConfig{{
			Topic:             topic,
			NumPartitions:     config.Partitions,
			ReplicationFactor: replicationFactor,
		}},
	})
	if err == nil {
		err = response.Errors[topic]
	}
	if err != nil && !errors.Is(err, kafka.TopicAlreadyExists) {
		return fmt.Errorf("initializing topic %s: creating it with %d partitions and %s: %w",
			topic, config.Partitions, replicas, err)
	}

	if err := waitForLeaders(ctx, client, topic); err != nil {
		return fmt.Errorf("initializing topic %s: %w", topic, err)
	}
	return nil
}

// MissingTopics returns those of topics that the cluster of config does
// not have, such as a topic an operator deleted or one lost with the
// cluster's data. It requests their metadata in one request, which does
// not create them.
func MissingTopics(ctx context.Context, config Config, topics []string) ([]string, error) {
	if len(topics) == 0 {
		return nil, nil
	}
	config = config.withDefaults()
	client, closeIdle := config.client()
	defer closeIdle()
	response, err := client.Metadata(ctx, &kafka.MetadataRequest{Topics: topics})
	if err != nil {
		return nil, fmt.Errorf("reading the metadata of %d topics: %w", len(topics), err)
	}
	present := map[string]bool{}
	for _, t := range response.Topics {
		if t.Error == nil {
			present[t.Name] = true
		}
	}
	var missing []string
	for _, topic := range topics {
		if !present[topic] {
			missing = append(missing, topic)
		}
	}
	return missing, nil
}

// ErrUnreachable is wrapped by the error of InitializeTopic when no
// broker accepted a TCP connection or responded to a metadata request
// within the dial timeout. The cluster is then down, stalled or out of
// reach, rather than rejecting the hub's TLS, SASL or requests.
var ErrUnreachable = errors.New("no Kafka broker responded")

// reach opens a connection to each broker of config in turn, with its TLS
// and SASL settings, sends a metadata request on it, and returns nil at
// the first broker that responds. Otherwise it returns an error that names
// every broker with the step that failed: the TCP connection, the TLS
// handshake, SASL authentication or the request. kafka-go reports a
// cluster it cannot reach as "Broker Not Available", which does not say
// which address failed or why. The error wraps ErrUnreachable when every
// broker failed at the TCP connection or did not answer in time.
func reach(ctx context.Context, config Config) error {
	var failures []string
	answered := false
	for _, broker := range config.Brokers {
		err := reachBroker(ctx, config, broker)
		if err == nil {
			return nil
		}
		var refused *connectError
		silent := errors.As(err, &refused) || errors.Is(err, os.ErrDeadlineExceeded)
		answered = answered || !silent
		failures = append(failures, err.Error())
	}
	if !answered {
		return fmt.Errorf("%w: %s", ErrUnreachable, strings.Join(failures, "; "))
	}
	return fmt.Errorf("no Kafka broker of %s responded to a metadata request: %s",
		strings.Join(config.Brokers, ","), strings.Join(failures, "; "))
}

// connectError is reachBroker's error when the TCP connection failed.
type connectError struct {
	broker string
	err    error
}

func (e *connectError) Error() string {
	return fmt.Sprintf("connecting to broker %s: %v", e.broker, e.err)
}

func (e *connectError) Unwrap() error { return e.err }

// reachBroker opens a connection to broker as reach does and returns why
// it failed, or nil.
func reachBroker(ctx context.Context, config Config, broker string) error {
	// kafka-go's dialer wraps a failed TCP connection and a failed TLS
	// handshake in the same "failed to dial" error, so both run in
	// DialFunc, which records in step how far it got. SASL follows it.
	step := "tcp"
	dialer := config.dialer()
	dialer.TLS = nil
	dialer.DialFunc = func(ctx context.Context, network, address string) (net.Conn, error) {
		conn, err := (&net.Dialer{}).DialContext(ctx, network, address)
		if err != nil {
			return nil, err
		}
		if config.TLS == nil {
			step = "sasl"
			return conn, nil
		}
		step = "tls"
		tlsConn := tls.Client(conn, serverTLS(config.TLS, address))
		if err := tlsConn.HandshakeContext(ctx); err != nil {
			_ = conn.Close()
			return nil, err
		}
		step = "sasl"
		return tlsConn, nil
	}

	conn, err := dialer.DialContext(ctx, "tcp", broker)
	if err != nil {
		switch {
		case step == "tls":
			return fmt.Errorf("TLS handshake with broker %s failed: %w", broker, err)
		case step == "sasl" && config.SASL != nil:
			user := ""
			if name := saslUsername(config.SASL); name != "" {
				user = fmt.Sprintf(" for user %q", name)
			}
			return fmt.Errorf("SASL authentication failed%s on broker %s (mechanism %s): %w%s",
				user, broker, config.SASL.Name(), err, closedHint(config, err))
		default:
			return &connectError{broker: broker, err: err}
		}
	}
	defer conn.Close()

	// A broker that requires TLS or SASL accepts the TCP connection of a
	// client without them, and fails its first request.
	if err := conn.SetDeadline(time.Now().Add(config.DialTimeout)); err != nil {
		return fmt.Errorf("connecting to broker %s: %w", broker, err)
	}
	if _, err := conn.Brokers(); err != nil {
		hint := closedHint(config, err)
		if hint == "" && errors.Is(err, os.ErrDeadlineExceeded) {
			hint = fmt.Sprintf(" (no response within %s: check that %s is the listener of a "+
				"Kafka broker and not another service)", config.DialTimeout, broker)
		}
		return fmt.Errorf("metadata request to broker %s failed: %w%s", broker, err, hint)
	}
	return nil
}

// serverTLS returns config with the host of address as the server name
// to verify, unless config names one, as kafka-go's dialer does.
func serverTLS(config *tls.Config, address string) *tls.Config {
	if config.ServerName != "" {
		return config
	}
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		host = address
	}
	config = config.Clone()
	config.ServerName = host
	return config
}

// closedHint returns a note to append to err when err shows that the
// broker closed the connection, which is what a broker does to a client
// that lacks the TLS or SASL its listener requires. It returns "" for
// other errors.
func closedHint(config Config, err error) string {
	closed := errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, kafka.SASLAuthenticationFailed)
	if !closed {
		return ""
	}
	switch {
	case config.TLS == nil && config.SASL == nil:
		return " (the broker closed the connection: its listener may require TLS or SASL authentication)"
	case config.TLS == nil:
		return " (the broker rejected the credentials or closed the connection: check the username " +
			"and password, and whether its listener requires TLS)"
	case config.SASL == nil:
		return " (the broker closed the connection: its listener may require SASL authentication)"
	default:
		return " (the broker rejected the credentials or closed the connection: check the username " +
			"and password)"
	}
}

// waitForLeaders returns when the metadata of topic lists at least one
// partition and a leader for each, or when ctx ends.
func waitForLeaders(ctx context.Context, client *kafka.Client, topic string) error {
	for {
		ready, err := hasLeaders(ctx, client, topic)
		if err != nil {
			return err
		}
		if ready {
			return nil
		}

		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for partition leaders: %w", ctx.Err())
		case <-time.After(topicPollInterval):
		}
	}
}

// awaitTopicInterval is the wait between checks while a subscription waits
// for its topic to be created.
const awaitTopicInterval = time.Second

// awaitTopic returns true once topic exists with a leader for each
// partition, or false when ctx ends first. Each check uses a new
// connection, because a kafka-go transport serves metadata requests from
// its cache.
func awaitTopic(
	ctx context.Context,
	config Config,
	topic string,
	logger watermill.LoggerAdapter,
	fields watermill.LogFields,
) bool {
	for attempt := 0; ; attempt++ {
		ready, err := checkLeaders(ctx, config, topic)
		switch {
		case ready:
			return true
		case err != nil && ctx.Err() == nil:
			logger.Error("checking that the topic exists failed", err, fields)
		case attempt == 0:
			logger.Info("topic does not exist yet, waiting for it", fields)
		}

		select {
		case <-ctx.Done():
			return false
		case <-time.After(awaitTopicInterval):
		}
	}
}

func checkLeaders(ctx context.Context, config Config, topic string) (bool, error) {
	client, closeIdle := config.client()
	defer closeIdle()
	return hasLeaders(ctx, client, topic)
}

func hasLeaders(ctx context.Context, client *kafka.Client, topic string) (bool, error) {
	metadata, err := client.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		return false, fmt.Errorf("reading metadata: %w", err)
	}

	for _, t := range metadata.Topics {
		if t.Name != topic {
			continue
		}
		if t.Error != nil {
			// A topic created a moment ago can still be unknown to the
			// broker that returned this metadata.
			return false, nil
		}
		for _, p := range t.Partitions {
			if p.Error != nil || p.Leader.Host == "" {
				return false, nil
			}
		}
		return len(t.Partitions) > 0, nil
	}
	return false, nil
}
