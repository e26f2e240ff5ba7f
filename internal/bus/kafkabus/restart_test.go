package kafkabus_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
)

// TestRestart publishes from several goroutines and subscribes while the
// whole cluster restarts twice, and checks that every published message
// arrives and that each case's messages first arrive in publish order.
// Duplicates are allowed: a restart can cut off a commit or a produce
// acknowledgement.
func TestRestart(t *testing.T) {
	cluster := startRestartableCluster(t)
	brokers := cluster.brokers()
	const topic, cases, perCase = "restarted", 20, 60
	initializeTopic(t, brokers, topic, 3)
	publisher := newPublisher(t, brokers)
	_, messages := subscribe(t, brokers, "restart-check", topic)

	// Each case has one publishing goroutine, so its publish order is the
	// order of its Publish calls. A failed Publish is tried again until it
	// succeeds, as a caller would.
	published := make([][]string, cases)
	var wg sync.WaitGroup
	for c := range cases {
		wg.Go(func() {
			caseKey := fmt.Sprintf("case-%02d", c)
			for i := range perCase {
				uuid := fmt.Sprintf("%s-%03d", caseKey, i)
				publishUntilStored(t, publisher.Publish, topic, caseMessage(uuid, caseKey))
				published[c] = append(published[c], uuid)
			}
		})
	}

	received := map[string][]string{}
	seen := map[string]bool{}
	restarts := []int{cases * perCase / 3, cases * perCase / 2}
	for len(seen) < cases*perCase {
		msg := receive(t, messages)
		if !seen[msg.UUID] {
			seen[msg.UUID] = true
			caseKey := msg.UUID[:len("case-00")]
			received[caseKey] = append(received[caseKey], msg.UUID)
		}
		msg.Ack()

		if len(restarts) > 0 && len(seen) == restarts[0] {
			restarts = restarts[1:]
			cluster.restart()
		}
	}
	wg.Wait()

	for c := range cases {
		caseKey := fmt.Sprintf("case-%02d", c)
		if fmt.Sprint(received[caseKey]) != fmt.Sprint(published[c]) {
			t.Errorf("case %s first arrived as %v, published as %v", caseKey, received[caseKey], published[c])
		}
	}
}

// publishUntilStored calls publish until it succeeds, for at most a
// minute.
func publishUntilStored(
	t *testing.T,
	publish func(string, ...*message.Message) error,
	topic string,
	msg *message.Message,
) {
	deadline := time.Now().Add(time.Minute)
	for {
		err := publish(topic, msg)
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("publishing %s: still failing after a minute: %v", msg.UUID, err)
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}
