package bus_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"

	"github.com/sangam-hub/sangam/internal/bus"
)

func TestSubscriberConfigDefaults(t *testing.T) {
	got := bus.SubscriberConfig{}.WithDefaults()

	if got.PollInterval != time.Second {
		t.Errorf("PollInterval = %s, want 1s", got.PollInterval)
	}
	if got.AckDeadline != 30*time.Second {
		t.Errorf("AckDeadline = %s, want 30s", got.AckDeadline)
	}
	if got.ResendInterval != time.Second {
		t.Errorf("ResendInterval = %s, want 1s", got.ResendInterval)
	}
	if got.RetryInterval != time.Second {
		t.Errorf("RetryInterval = %s, want 1s", got.RetryInterval)
	}
	if got.BatchSize != 10 {
		t.Errorf("BatchSize = %d, want 10", got.BatchSize)
	}
	if got.ConsumerGroup != "" {
		t.Errorf("ConsumerGroup = %q, want empty", got.ConsumerGroup)
	}
}

func TestSubscriberConfigKeepsSetFields(t *testing.T) {
	set := bus.SubscriberConfig{
		ConsumerGroup:  "delivery",
		PollInterval:   time.Millisecond,
		AckDeadline:    time.Minute,
		ResendInterval: 2 * time.Millisecond,
		RetryInterval:  3 * time.Millisecond,
		BatchSize:      1,
	}
	if got := set.WithDefaults(); got != set {
		t.Errorf("WithDefaults() = %+v, want %+v unchanged", got, set)
	}
}

func TestSubscriberConfigValidate(t *testing.T) {
	if err := (bus.SubscriberConfig{}).Validate(); err != nil {
		t.Errorf("zero config: %v", err)
	}

	cases := map[string]bus.SubscriberConfig{
		"PollInterval":   {PollInterval: -1},
		"AckDeadline":    {AckDeadline: -1},
		"ResendInterval": {ResendInterval: -1},
		"RetryInterval":  {RetryInterval: -1},
		"BatchSize":      {BatchSize: -1},
	}
	for field, config := range cases {
		err := config.Validate()
		if err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("negative %s: error = %v, want one naming %s", field, err, field)
		}
	}
}

func TestSubscriberConfigWatermill(t *testing.T) {
	config := bus.SubscriberConfig{ConsumerGroup: "delivery", AckDeadline: time.Minute}.Watermill(nil, nil)

	if config.ConsumerGroup != "delivery" {
		t.Errorf("ConsumerGroup = %q, want delivery", config.ConsumerGroup)
	}
	if config.AckDeadline == nil || *config.AckDeadline != time.Minute {
		t.Errorf("AckDeadline = %v, want 1m", config.AckDeadline)
	}
	if config.PollInterval != bus.DefaultPollInterval {
		t.Errorf("PollInterval = %s, want the default %s", config.PollInterval, bus.DefaultPollInterval)
	}
	if config.InitializeSchema {
		t.Error("InitializeSchema = true, want false")
	}
}

func TestValidateTopic(t *testing.T) {
	valid := []string{"a", "deliver-ecourts", "KL.TVM:fir_v1", "$sys"}
	for _, topic := range valid {
		if err := bus.ValidateTopic(topic); err != nil {
			t.Errorf("ValidateTopic(%q): %v", topic, err)
		}
	}

	invalid := []string{"", "a b", `a"b`, "a;b", "കേസ്", "a/b", "a\nb"}
	for _, topic := range invalid {
		if err := bus.ValidateTopic(topic); err == nil {
			t.Errorf("ValidateTopic(%q) = nil, want an error", topic)
		}
	}
}

// TestBackoffQuietOnClose checks that the backoff logs no error for a query
// ended by a closing subscriber and waits the poll interval then, so the
// subscriber's loop reaches the end, and waits RetryInterval after other
// errors.
func TestBackoffQuietOnClose(t *testing.T) {
	config := bus.SubscriberConfig{RetryInterval: 7 * time.Millisecond}.Watermill(nil, nil)
	logger := watermill.NewCaptureLogger()

	for _, err := range []error{
		fmt.Errorf("waiting for group: %w", bus.ErrClosed),
		fmt.Errorf("querying: %w", context.Canceled),
	} {
		if wait := config.BackoffManager.HandleError(logger, false, err); wait != bus.DefaultPollInterval {
			t.Errorf("HandleError(%v) = %s, want the poll interval %s", err, wait, bus.DefaultPollInterval)
		}
	}
	if logged := logger.Captured()[watermill.ErrorLogLevel]; len(logged) > 0 {
		t.Errorf("errors logged for a closing subscriber: %v", logged)
	}

	failure := errors.New("disk I/O error")
	if wait := config.BackoffManager.HandleError(logger, false, failure); wait != 7*time.Millisecond {
		t.Errorf("HandleError(%v) = %s, want RetryInterval 7ms", failure, wait)
	}
}
