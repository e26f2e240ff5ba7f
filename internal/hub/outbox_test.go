package hub

import (
	"errors"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// TestKafkaReplicaWithoutKafkaLeavesOutbox runs two replicas on one
// PostgreSQL: one with a working broker and one whose broker address
// has nothing listening. The second forwarder takes a command from the
// shared outbox, fails to publish it and then pauses, for a minute here.
// Meanwhile the first replica forwards every command, including those
// posted through the second. Without the pause the failing forwarder would hold the
// head of the outbox until its ack deadline, a minute, and no command
// would be delivered meanwhile.
func TestKafkaReplicaWithoutKafkaLeavesOutbox(t *testing.T) {
	dsn := postgresDSN(t)
	nothing, _ := closedPort(t)

	var hubURL atomicString
	ag := startAgencies(t, hubURL.Load)
	cfg := Config{PostgresDSN: dsn, Routes: ag.routesFor(5), KafkaBrokers: startKafka(t),
		MetricsCacheFor: time.Millisecond}
	good := "http://" + startHub(t, cfg).Addr()
	hubURL.Store(good)

	badLog, badLogged := capturedLog()
	badCfg := cfg
	badCfg.KafkaBrokers = []string{nothing}
	badCfg.Log = badLog
	badCfg.outboxPause = time.Minute
	bad := "http://" + startHub(t, badCfg).Addr()

	paused := regexp.MustCompile(`(?m)^sangam_outbox_forwarder_paused ([0-9.e+]+)$`)
	if m := paused.FindStringSubmatch(getText(t, bad+"/metrics")); m == nil || m[1] != "0" {
		t.Errorf("sangam_outbox_forwarder_paused = %v before any publish, want 0", m)
	}

	// A command posted through the bad replica wakes its forwarder at
	// once, so it takes one of these.
	var ids []string
	send := func(hub string, i int) {
		status, res, body := post(t, hub, "police", chargesheet(t, i))
		if status != http.StatusAccepted {
			t.Fatalf("message %d: status %d: %s", i, status, body)
		}
		ids = append(ids, res.MessageID)
	}
	isPaused := func() bool {
		m := paused.FindStringSubmatch(getText(t, bad+"/metrics"))
		return m != nil && m[1] == "1"
	}
	for i := 0; i < 3 && !isPaused(); i++ {
		send(bad, i)
		time.Sleep(100 * time.Millisecond)
	}
	waitFor(t, "the bad replica's forwarder to pause", isPaused)
	for i := 10; i < 16; i++ {
		send([]string{good, bad}[i%2], i)
	}
	for _, id := range ids {
		if j := settledJourney(t, good, id); j.Status != "delivered" {
			t.Errorf("journey %s: status %s, want delivered", id, j.Status)
		}
	}
	if n := strings.Count(badLogged.String(), "leaves the outbox to the other replicas"); n != 1 {
		t.Errorf("the bad replica logged its pause %d times, want once:\n%s", n, badLogged)
	}
}

// TestKafkaStopWithSilentBrokerKeepsCommand stops the hub while the
// broker takes produce requests but never answers them, as a broker
// stopped with SIGSTOP does. Run returns within the shutdown bounds, not
// after the Kafka writer's attempts, and the command it could not
// publish stays in the outbox: a hub started again against a broker that
// answers delivers it.
func TestKafkaStopWithSilentBrokerKeepsCommand(t *testing.T) {
	dsn := postgresDSN(t)
	cluster, brokers := startKafkaCluster(t)
	var silent atomic.Bool
	var heldRequests atomic.Int32
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	cluster.ControlKey(int16(kmsg.Produce), func(kmsg.Request) (kmsg.Response, error, bool) {
		cluster.KeepControl()
		if !silent.Load() {
			return nil, nil, false
		}
		heldRequests.Add(1)
		cluster.SleepControl(func() { <-release })
		// The held request fails, so the broker stores nothing of it.
		return nil, errors.New("held by the test"), true
	})

	var hubURL atomicString
	ag := startAgencies(t, hubURL.Load)
	cfg := Config{PostgresDSN: dsn, Routes: ag.routesFor(5), KafkaBrokers: brokers,
		ShutdownTimeout: time.Second}
	h, stop, done := runHub(t, cfg)
	hubURL.Store("http://" + h.Addr())

	silent.Store(true)
	status, posted, body := post(t, "http://"+h.Addr(), "police", chargesheet(t, 1))
	if status != http.StatusAccepted {
		t.Fatalf("inbound status = %d, body %s", status, body)
	}
	waitFor(t, "a produce request the broker holds", func() bool { return heldRequests.Load() > 0 })

	// Requests and deliveries take a second each here, and the outbox
	// forwarder outboxCloseTimeout; the Kafka writer alone would retry
	// for MaxAttempts times WriteTimeout, over a minute.
	bound := 2*cfg.ShutdownTimeout + outboxCloseTimeout + 10*time.Second
	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Logf("hub Run: %v", err)
		}
	case <-time.After(bound):
		t.Fatalf("Run did not return within %s of the stop", bound)
	}

	silent.Store(false)
	h2 := startHub(t, cfg)
	hubURL.Store("http://" + h2.Addr())
	if j := settledJourney(t, "http://"+h2.Addr(), posted.MessageID); j.Status != "delivered" {
		t.Errorf("journey status %s after the restart, want delivered: %+v", j.Status, j.Deliveries)
	}
}

// TestOutboxPauseEndsWithThePause trips the outbox breaker with a failed
// publish: the forwarder is paused, and once the pause is over, when it
// waits for a command to try again, it is not.
func TestOutboxPauseEndsWithThePause(t *testing.T) {
	counts := &outboxCounts{}
	b := newOutboxBreaker(50*time.Millisecond, counts, quietLog())
	p := b.publisher(failingPublisher{})
	if err := p.Publish("deliveries.court", message.NewMessage("1", nil)); err == nil {
		t.Fatal("Publish through a failing publisher: got nil error")
	}
	if !counts.paused.Load() {
		t.Error("not paused after a failed publish")
	}
	waitFor(t, "the end of the pause", func() bool {
		b.cb.State() // moves the breaker on once its pause is over
		return !counts.paused.Load()
	})
}

// failingPublisher fails every publish.
type failingPublisher struct{}

func (failingPublisher) Publish(string, ...*message.Message) error {
	return errors.New("broker unreachable")
}

func (failingPublisher) Close() error { return nil }
