package kafkabus_test

import (
	"context"
	"log/slog"
	"net"
	"os"
	"sync"
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
	return startKfake(t).ListenAddrs()
}

// startKfake starts the cluster of startCluster and returns it, for tests
// that control its requests.
func startKfake(t *testing.T) *kfake.Cluster {
	t.Helper()

	cluster, err := kfake.NewCluster(
		kfake.NumBrokers(3),
		kfake.GroupMinSessionTimeout(100*time.Millisecond),
	)
	if err != nil {
		t.Fatalf("starting kfake cluster: %v", err)
	}
	t.Cleanup(cluster.Close)
	return cluster
}

// restartableCluster is a kfake cluster that keeps its state in a data
// directory and its brokers on fixed ports, so that it can stop and start
// again with its topics, messages and committed offsets, as a broker
// restart would.
type restartableCluster struct {
	t    *testing.T
	opts []kfake.Opt

	// mu guards cluster while restart replaces it.
	mu      sync.Mutex
	cluster *kfake.Cluster
}

// startRestartableCluster starts a cluster of three brokers on 127.0.0.1
// and returns it. The cluster stops when the test ends.
func startRestartableCluster(t *testing.T) *restartableCluster {
	t.Helper()

	ports := make([]int, 3)
	for i := range ports {
		listener, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("finding a free port: %v", err)
		}
		ports[i] = listener.Addr().(*net.TCPAddr).Port
		_ = listener.Close()
	}

	c := &restartableCluster{
		t: t,
		opts: []kfake.Opt{
			kfake.NumBrokers(3),
			kfake.Ports(ports...),
			kfake.DataDir(t.TempDir()),
			kfake.GroupMinSessionTimeout(100 * time.Millisecond),
		},
	}
	cluster, err := kfake.NewCluster(c.opts...)
	if err != nil {
		t.Fatalf("starting kfake cluster: %v", err)
	}
	c.cluster = cluster

	t.Cleanup(func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.cluster.Close()
	})
	return c
}

// brokers returns the bootstrap addresses, which restarts keep.
func (c *restartableCluster) brokers() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cluster.ListenAddrs()
}

// restart stops every broker, which closes all client connections, and
// starts them again from the data directory.
func (c *restartableCluster) restart() {
	c.mu.Lock()
	defer c.mu.Unlock()

	c.cluster.Close()
	cluster, err := kfake.NewCluster(c.opts...)
	if err != nil {
		c.t.Errorf("restarting kfake cluster: %v", err)
		return
	}
	c.cluster = cluster
}

// testConfig returns the connection settings of a test against brokers.
func testConfig(brokers []string) kafkabus.Config {
	return kafkabus.Config{Brokers: brokers, ClientID: "sangam-test"}
}

// subscriberConfig returns subscriber settings that notice rebalances
// within a quarter second and redeliver nacked messages at once.
func subscriberConfig(brokers []string, group string) kafkabus.SubscriberConfig {
	return kafkabus.SubscriberConfig{
		Config:            testConfig(brokers),
		ConsumerGroup:     group,
		HeartbeatInterval: 250 * time.Millisecond,
		SessionTimeout:    6 * time.Second,
		RebalanceTimeout:  10 * time.Second,
		JoinGroupBackoff:  100 * time.Millisecond,
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
