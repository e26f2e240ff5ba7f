package kafkabus_test

import (
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/sangam-hub/sangam/internal/bus/kafkabus"
)

// testLogger writes watermill's error lines to stderr and drops the rest,
// or writes every line when SANGAM_TEST_LOG is "debug".
var testLogger = watermill.NewSlogLogger(
	slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: testLogLevel()})))

func testLogLevel() slog.Level {
	if os.Getenv("SANGAM_TEST_LOG") == "debug" {
		return slog.LevelDebug
	}
	return slog.LevelError
}

// startCluster starts an in-process kfake cluster of three brokers
// listening on 127.0.0.1 and returns its bootstrap addresses. The cluster
// stops when the test ends.
func startCluster(t *testing.T) []string {
	t.Helper()

	cluster, err := kfake.NewCluster(
		kfake.NumBrokers(3),
		kfake.GroupMinSessionTimeout(100*time.Millisecond),
	)
	if err != nil {
		t.Fatalf("starting kfake cluster: %v", err)
	}
	t.Cleanup(cluster.Close)
	return cluster.ListenAddrs()
}

// testConfig returns the connection settings of a test against brokers.
func testConfig(brokers []string) kafkabus.Config {
	return kafkabus.Config{Brokers: brokers, ClientID: "sangam-test"}
}

// subscriberConfig returns subscriber settings that notice rebalances and
// redeliver nacked messages within a tenth of a second.
func subscriberConfig(brokers []string, group string) kafkabus.SubscriberConfig {
	return kafkabus.SubscriberConfig{
		Config:            testConfig(brokers),
		ConsumerGroup:     group,
		HeartbeatInterval: 100 * time.Millisecond,
		SessionTimeout:    6 * time.Second,
		RebalanceTimeout:  10 * time.Second,
		JoinGroupBackoff:  100 * time.Millisecond,
		MaxWait:           500 * time.Millisecond,
		ResendInterval:    10 * time.Millisecond,
	}
}

// newPublisher returns a publisher to brokers that the test closes.
func newPublisher(t *testing.T, brokers []string) *kafkabus.Publisher {
	t.Helper()

	publisher, err := kafkabus.NewPublisher(kafkabus.PublisherConfig{
		Config:      testConfig(brokers),
		MetadataTTL: 500 * time.Millisecond,
	}, testLogger)
	if err != nil {
		t.Fatalf("NewPublisher: %v", err)
	}
	t.Cleanup(func() { _ = publisher.Close() })
	return publisher
}

// initializeTopic creates topic with the given partition count.
func initializeTopic(t *testing.T, brokers []string, topic string, partitions int) {
	t.Helper()

	config := testConfig(brokers)
	config.Partitions = partitions
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := kafkabus.InitializeTopic(ctx, config, topic); err != nil {
		t.Fatalf("InitializeTopic(%s): %v", topic, err)
	}
}
