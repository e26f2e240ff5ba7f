package hub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/components/forwarder"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/sangam-hub/sangam/internal/bus/kafkabus"
	"github.com/sangam-hub/sangam/internal/outbound"
	"github.com/sangam-hub/sangam/internal/throttle"
	"github.com/sangam-hub/sangam/routes"
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
func (b *backend) moveToKafka(ctx context.Context, cfg Config, kcfg kafkabus.Config, wlog watermill.LoggerAdapter) error {
	if err := b.initTopic(ctx, outboxTopic); err != nil {
		return err
	}
	outbox, err := b.subscriber(outboxTopic, time.Minute)
	if err != nil {
		return err
	}
	kpub, err := kafkabus.NewPublisher(kafkabus.PublisherConfig{Config: kcfg, CloseTimeout: outboxCloseTimeout}, wlog)
	if err != nil {
		return fmt.Errorf("connecting to Kafka: %w", err)
	}
	b.outbox = &outboxCounts{}
	pause := cfg.outboxPause
	if pause <= 0 {
		pause = defaultOutboxPause
	}
	breaker := newOutboxBreaker(pause, b.outbox, cfg.Log)
	fwd, err := forwarder.NewForwarder(breaker.subscriber(outbox),
		breaker.publisher(&countingPublisher{Publisher: kpub, counts: b.outbox}), wlog,
		forwarder.Config{ForwarderTopic: outboxTopic, CloseTimeout: outboxCloseTimeout})
	if err != nil {
		_ = kpub.Close()
		return fmt.Errorf("creating outbox forwarder: %w", err)
	}

	sqlClose := b.close
	b.name += "+kafka"
	members := &kafkaMembers{}
	b.kafkaMembers = members
	b.initTopic = func(ctx context.Context, topic string) error {
		return kafkabus.InitializeTopic(ctx, kcfg, topic)
	}
	b.subscriber = func(topic string, _ time.Duration) (message.Subscriber, error) {
		// One consumer group per topic, so a rebalance of one destination's
		// group never pauses another destination.
		// At the stop each subscription stays in its group until the
		// attempts in flight are recorded, as on the SQL buses.
		sc := kafkabus.SubscriberConfig{Config: kcfg, ConsumerGroup: "sangam." + topic,
			DrainTimeout: cfg.ShutdownTimeout}
		if t := cfg.KafkaSessionTimeout; t > 0 {
			// Heartbeats well within the session, as Kafka recommends
			// (a third of it at most).
			sc.SessionTimeout = t
			sc.HeartbeatInterval = min(kafkabus.DefaultHeartbeatInterval, t/3)
		}
		sub, err := kafkabus.NewSubscriber(sc, wlog)
		if err == nil {
			members.add(sub)
		}
		return sub, err
	}
	b.keepTopics = func(ctx context.Context, topics func() []string) {
		keepKafkaTopics(ctx, kcfg, cfg.KafkaTopicCheck, topics, cfg.Log)
	}
	var started atomic.Bool
	b.start = func(ctx context.Context) {
		started.Store(true)
		// At the stop the subscription leaves the command in hand
		// unacknowledged, so the publish of it is ended at once rather
		// than waited for.
		stop := context.AfterFunc(ctx, func() {
			if err := kpub.Close(); err != nil {
				cfg.Log.Warn("closing the Kafka publisher of the outbox", "error", err)
			}
		})
		defer stop()
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

// kafkaMembers is the Kafka subscribers of the delivery topics, which
// report their members of the consumer groups as metrics: the number of
// partitions each holds, and whether it joined its group.
type kafkaMembers struct {
	mu          sync.Mutex
	subscribers []*kafkabus.Subscriber
}

var (
	kafkaJoinedDesc = prometheus.NewDesc("sangam_kafka_group_joined",
		"1 while this replica's member of the consumer group of a delivery topic is in the "+
			"group, 0 while it fails to join, when it consumes nothing.", []string{"topic"}, nil)
	kafkaPartitionsDesc = prometheus.NewDesc("sangam_kafka_partitions",
		"Partitions of a delivery topic that the consumer group assigned to this replica.",
		[]string{"topic"}, nil)
)

func (m *kafkaMembers) add(s *kafkabus.Subscriber) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.subscribers = append(m.subscribers, s)
}

// Describe implements prometheus.Collector.
func (m *kafkaMembers) Describe(ch chan<- *prometheus.Desc) {
	ch <- kafkaJoinedDesc
	ch <- kafkaPartitionsDesc
}

// Collect implements prometheus.Collector.
func (m *kafkaMembers) Collect(ch chan<- prometheus.Metric) {
	m.mu.Lock()
	subscribers := slices.Clone(m.subscribers)
	m.mu.Unlock()
	for _, s := range subscribers {
		for _, member := range s.Members() {
			joined := 0.0
			if member.Joined {
				joined = 1
			}
			ch <- prometheus.MustNewConstMetric(kafkaJoinedDesc, prometheus.GaugeValue, joined, member.Topic)
			ch <- prometheus.MustNewConstMetric(kafkaPartitionsDesc, prometheus.GaugeValue,
				float64(member.Partitions), member.Topic)
		}
	}
}

// outboxCounts counts the commands the outbox forwarder published to
// Kafka and the publishes that failed, which it retries, and tells
// whether the forwarder pauses after a failed publish.
type outboxCounts struct {
	published, failed atomic.Uint64
	paused            atomic.Bool
}

// countingPublisher counts what its Publisher publishes into counts.
type countingPublisher struct {
	message.Publisher
	counts *outboxCounts
}

func (p *countingPublisher) Publish(topic string, msgs ...*message.Message) error {
	err := p.Publisher.Publish(topic, msgs...)
	if err != nil {
		p.counts.failed.Add(1)
		return err
	}
	p.counts.published.Add(uint64(len(msgs)))
	return nil
}

// keepKafkaTopics checks every interval until ctx ends that the cluster
// of kcfg has each of topics, and creates again those it lost: a topic an
// operator deleted, or every topic after the cluster lost its data.
// Until then the outbox forwarder cannot publish a command for the
// topic, which holds up every command behind it, and the topic's
// consumers rejoin their group without pause.
func keepKafkaTopics(ctx context.Context, kcfg kafkabus.Config, interval time.Duration,
	topics func() []string, log *slog.Logger,
) {
	// Every check fails through an outage, so failures log one line a minute.
	failures := throttle.NewFailureLog(throttle.FailureLogConfig{
		Logger: log, Warn: true, Interval: time.Minute, CountKey: "failed_checks",
		Failed:    "checking the Kafka topics failed; the next check tries again",
		Recovered: "checking the Kafka topics recovered",
	})
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		missing, err := kafkabus.MissingTopics(ctx, kcfg, topics())
		if err != nil {
			if ctx.Err() == nil {
				failures.Failed(err)
			}
			continue
		}
		failures.Succeeded()
		for _, topic := range missing {
			if err := kafkabus.InitializeTopic(ctx, kcfg, topic); err != nil {
				log.Error("creating a lost Kafka topic failed; the next check tries again",
					"topic", topic, "error", err)
				continue
			}
			log.Warn("created a lost Kafka topic again: its deliveries resume, and the "+
				"requeuer sends again the commands lost with it once they are stale", "topic", topic)
		}
	}
}

// The Kafka settings of Config as errors name them: the field, and the
// serve flag that sets it.
const (
	kafkaBrokersField           = "kafka_brokers (--kafka)"
	kafkaPartitionsField        = "kafka_partitions (--kafka-partitions)"
	kafkaReplicationFactorField = "kafka_replication_factor (--kafka-replication-factor)"
	kafkaSessionTimeoutField    = "kafka_session_timeout (--kafka-session-timeout)"
	kafkaTLSField               = "kafka_tls (--kafka-tls)"
	kafkaCAFileField            = "kafka_ca_file (--kafka-ca-file)"
	kafkaCertFileField          = "kafka_cert_file (--kafka-cert-file)"
	kafkaKeyFileField           = "kafka_key_file (--kafka-key-file)"
	kafkaSASLField              = "kafka_sasl (--kafka-sasl)"
	kafkaSASLUsernameField      = "kafka_sasl_username (--kafka-sasl-username)"
	kafkaSASLPasswordFileField  = "kafka_sasl_password_file (--kafka-sasl-password-file)"
)

// kafkaSASLMechanisms are the values KafkaSASL accepts, in lower case.
var kafkaSASLMechanisms = []string{"plain", "scram-sha-256", "scram-sha-512"}

// validateKafka returns an error naming the first Kafka setting of c that
// is invalid, without reading any file.
func (c Config) validateKafka() error {
	if len(c.KafkaBrokers) == 0 {
		// A setting without brokers would be silently ignored, which
		// hides a missing $SANGAM_KAFKA.
		for _, s := range []struct {
			field string
			set   bool
		}{
			{kafkaPartitionsField, c.KafkaPartitions != 0},
			{kafkaReplicationFactorField, c.KafkaReplicationFactor != 0},
			{kafkaSessionTimeoutField, c.KafkaSessionTimeout != 0},
			{kafkaTLSField, c.KafkaTLS},
			{kafkaCAFileField, c.KafkaCAFile != ""},
			{kafkaCertFileField, c.KafkaCertFile != ""},
			{kafkaKeyFileField, c.KafkaKeyFile != ""},
			{kafkaSASLField, c.KafkaSASL != ""},
			{kafkaSASLUsernameField, c.KafkaSASLUsername != ""},
			{kafkaSASLPasswordFileField, c.KafkaSASLPasswordFile != ""},
		} {
			if s.set {
				return fmt.Errorf("hub config: %s is set, but %s is empty: "+
					"Kafka settings need the brokers", s.field, kafkaBrokersField)
			}
		}
		return nil
	}

	if c.KafkaPartitions < 0 {
		return fmt.Errorf("hub config: %s: %d is negative; use 1 or more, or 0 for the default %d",
			kafkaPartitionsField, c.KafkaPartitions, kafkabus.DefaultPartitions)
	}
	if c.KafkaReplicationFactor < 0 || c.KafkaReplicationFactor > kafkabus.MaxReplicationFactor {
		return fmt.Errorf("hub config: %s: %d is out of range; use 1 to %d, "+
			"or 0 for the broker's default.replication.factor",
			kafkaReplicationFactorField, c.KafkaReplicationFactor, kafkabus.MaxReplicationFactor)
	}

	if c.KafkaCertFile != "" && c.KafkaKeyFile == "" {
		return fmt.Errorf("hub config: %s is missing: %s needs the key of its certificate",
			kafkaKeyFileField, kafkaCertFileField)
	}
	if c.KafkaKeyFile != "" && c.KafkaCertFile == "" {
		return fmt.Errorf("hub config: %s is missing: %s needs the certificate of its key",
			kafkaCertFileField, kafkaKeyFileField)
	}

	switch {
	case c.KafkaSASL == "" && c.KafkaSASLUsername != "":
		return fmt.Errorf("hub config: %s is missing: %s needs a mechanism, one of %s",
			kafkaSASLField, kafkaSASLUsernameField, strings.Join(kafkaSASLMechanisms, ", "))
	case c.KafkaSASL == "" && c.KafkaSASLPasswordFile != "":
		return fmt.Errorf("hub config: %s is missing: %s needs a mechanism, one of %s",
			kafkaSASLField, kafkaSASLPasswordFileField, strings.Join(kafkaSASLMechanisms, ", "))
	case c.KafkaSASL == "":
		return nil
	case !slices.Contains(kafkaSASLMechanisms, strings.ToLower(c.KafkaSASL)):
		return fmt.Errorf("hub config: %s: %q is not a supported SASL mechanism; use one of %s",
			kafkaSASLField, c.KafkaSASL, strings.Join(kafkaSASLMechanisms, ", "))
	case c.KafkaSASLUsername == "":
		return fmt.Errorf("hub config: %s is missing: SASL %s needs a username",
			kafkaSASLUsernameField, c.KafkaSASL)
	case c.KafkaSASLPasswordFile == "":
		return fmt.Errorf("hub config: %s is missing: SASL %s needs the file of the password of user %q",
			kafkaSASLPasswordFileField, c.KafkaSASL, c.KafkaSASLUsername)
	}
	return nil
}

// kafkaTLS reports whether the hub connects to Kafka over TLS.
func (c Config) kafkaTLS() bool {
	return c.KafkaTLS || c.KafkaCAFile != "" || c.KafkaCertFile != "" || c.KafkaKeyFile != ""
}

// kafkaConfig returns the Kafka bus configuration of c, with its TLS
// files and SASL password file read, or the zero configuration when c
// has no brokers. c must be valid. It logs a warning when SASL PLAIN
// would send the password without TLS.
func (c Config) kafkaConfig() (kafkabus.Config, error) {
	if len(c.KafkaBrokers) == 0 {
		return kafkabus.Config{}, nil
	}
	kcfg := kafkabus.Config{
		Brokers:           c.KafkaBrokers,
		Partitions:        c.KafkaPartitions,
		ReplicationFactor: c.KafkaReplicationFactor,
	}
	if err := kcfg.Validate(); err != nil {
		return kcfg, fmt.Errorf("hub config: %s: %w", kafkaBrokersField, err)
	}

	if c.kafkaTLS() {
		files := routes.TLS{CAFile: c.KafkaCAFile, CertFile: c.KafkaCertFile, KeyFile: c.KafkaKeyFile}
		fields := outbound.TLSFields{CAFile: kafkaCAFileField, CertFile: kafkaCertFileField,
			KeyFile: kafkaKeyFileField}
		tlsConfig, err := outbound.ClientTLS(files, fields)
		if err != nil {
			return kcfg, fmt.Errorf("hub config: %w", err)
		}
		kcfg.TLS = tlsConfig
	}

	if c.KafkaSASL != "" {
		password := outbound.SecretFile(kafkaSASLPasswordFileField, c.KafkaSASLPasswordFile)
		mechanism, err := kafkabus.NewSASL(c.KafkaSASL, c.KafkaSASLUsername, password)
		if err != nil {
			return kcfg, fmt.Errorf("hub config: %w", err)
		}
		kcfg.SASL = mechanism
		if mechanism.Name() == kafkabus.SASLPlain && kcfg.TLS == nil {
			c.Log.Warn("SASL PLAIN without TLS sends the Kafka password in clear to every broker; "+
				"turn on TLS with --kafka-tls unless the network is trusted",
				"user", c.KafkaSASLUsername, "brokers", strings.Join(c.KafkaBrokers, ","))
		}
	}
	return kcfg, nil
}
