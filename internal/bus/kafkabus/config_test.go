package kafkabus_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/bus/kafkabus"
)

func TestConfigValidate(t *testing.T) {
	valid := kafkabus.Config{Brokers: []string{"127.0.0.1:9092"}}

	tests := []struct {
		name   string
		change func(*kafkabus.Config)
		field  string
	}{
		{"no brokers", func(c *kafkabus.Config) { c.Brokers = nil }, "Brokers"},
		{"broker without port", func(c *kafkabus.Config) { c.Brokers = []string{"kafka"} }, "Brokers[0]"},
		{"negative dial timeout", func(c *kafkabus.Config) { c.DialTimeout = -time.Second }, "DialTimeout"},
		{"negative partitions", func(c *kafkabus.Config) { c.Partitions = -1 }, "Partitions"},
		{"replication too large", func(c *kafkabus.Config) { c.ReplicationFactor = 40000 }, "ReplicationFactor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			config := valid
			tt.change(&config)
			err := config.Validate()
			if err == nil {
				t.Fatal("Validate returned nil, expected an error")
			}
			if !strings.Contains(err.Error(), tt.field) {
				t.Errorf("error %q does not name the field %s", err, tt.field)
			}
		})
	}

	if err := valid.Validate(); err != nil {
		t.Errorf("Validate of a config with only Brokers: %v", err)
	}
}

func TestPublisherConfigValidate(t *testing.T) {
	base := kafkabus.Config{Brokers: []string{"127.0.0.1:9092"}}

	tests := []struct {
		name   string
		config kafkabus.PublisherConfig
		field  string
	}{
		{"connection", kafkabus.PublisherConfig{}, "Brokers"},
		{"batch timeout", kafkabus.PublisherConfig{Config: base, BatchTimeout: -1}, "BatchTimeout"},
		{"batch size", kafkabus.PublisherConfig{Config: base, BatchSize: -1}, "BatchSize"},
		{"write timeout", kafkabus.PublisherConfig{Config: base, WriteTimeout: -1}, "WriteTimeout"},
		{"max attempts", kafkabus.PublisherConfig{Config: base, MaxAttempts: -1}, "MaxAttempts"},
		{"metadata ttl", kafkabus.PublisherConfig{Config: base, MetadataTTL: -1}, "MetadataTTL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.config.Validate()
			if err == nil {
				t.Fatal("Validate returned nil, expected an error")
			}
			if !strings.Contains(err.Error(), tt.field) {
				t.Errorf("error %q does not name the field %s", err, tt.field)
			}
			if _, err := kafkabus.NewPublisher(tt.config, nil); err == nil {
				t.Error("NewPublisher accepted the invalid config")
			}
		})
	}

	if err := (kafkabus.PublisherConfig{Config: base}).Validate(); err != nil {
		t.Errorf("Validate of a config with only Brokers: %v", err)
	}
}

func TestSubscriberConfigValidate(t *testing.T) {
	base := kafkabus.Config{Brokers: []string{"127.0.0.1:9092"}}

	tests := []struct {
		name   string
		config kafkabus.SubscriberConfig
		field  string
	}{
		{"connection", kafkabus.SubscriberConfig{ConsumerGroup: "g"}, "Brokers"},
		{"no group", kafkabus.SubscriberConfig{Config: base}, "ConsumerGroup"},
		{"blank group", kafkabus.SubscriberConfig{Config: base, ConsumerGroup: "  "}, "ConsumerGroup"},
		{"heartbeat", kafkabus.SubscriberConfig{Config: base, ConsumerGroup: "g", HeartbeatInterval: -1}, "HeartbeatInterval"},
		{"session", kafkabus.SubscriberConfig{Config: base, ConsumerGroup: "g", SessionTimeout: -1}, "SessionTimeout"},
		{"rebalance", kafkabus.SubscriberConfig{Config: base, ConsumerGroup: "g", RebalanceTimeout: -1}, "RebalanceTimeout"},
		{"join backoff", kafkabus.SubscriberConfig{Config: base, ConsumerGroup: "g", JoinGroupBackoff: -1}, "JoinGroupBackoff"},
		{"max wait", kafkabus.SubscriberConfig{Config: base, ConsumerGroup: "g", MaxWait: -1}, "MaxWait"},
		{"max bytes", kafkabus.SubscriberConfig{Config: base, ConsumerGroup: "g", MaxBytes: -1}, "MaxBytes"},
		{"resend", kafkabus.SubscriberConfig{Config: base, ConsumerGroup: "g", ResendInterval: -1}, "ResendInterval"},
		{"coordinator", kafkabus.SubscriberConfig{Config: base, ConsumerGroup: "g", CoordinatorTimeout: -1}, "CoordinatorTimeout"},
		{
			"heartbeat not below session",
			kafkabus.SubscriberConfig{Config: base, ConsumerGroup: "g", HeartbeatInterval: time.Minute},
			"HeartbeatInterval",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.config.Validate()
			if err == nil {
				t.Fatal("Validate returned nil, expected an error")
			}
			if !strings.Contains(err.Error(), tt.field) {
				t.Errorf("error %q does not name the field %s", err, tt.field)
			}
			if _, err := kafkabus.NewSubscriber(tt.config, nil); err == nil {
				t.Error("NewSubscriber accepted the invalid config")
			}
		})
	}

	if err := (kafkabus.SubscriberConfig{Config: base, ConsumerGroup: "g"}).Validate(); err != nil {
		t.Errorf("Validate of a config with only Brokers and ConsumerGroup: %v", err)
	}
}

func TestValidateTopic(t *testing.T) {
	for _, topic := range []string{"deliveries", "court.filings_v2", "a-b", strings.Repeat("t", 249)} {
		if err := kafkabus.ValidateTopic(topic); err != nil {
			t.Errorf("ValidateTopic(%q): %v", topic, err)
		}
	}
	for _, topic := range []string{"", ".", "..", "with space", "slash/topic", "ünïcode", strings.Repeat("t", 250)} {
		if err := kafkabus.ValidateTopic(topic); err == nil {
			t.Errorf("ValidateTopic(%q) returned nil, expected an error", topic)
		}
	}
}
