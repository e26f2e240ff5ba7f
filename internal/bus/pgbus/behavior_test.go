package pgbus_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sangam-hub/sangam/internal/bus"
	"github.com/sangam-hub/sangam/internal/bus/bustest"
	"github.com/sangam-hub/sangam/internal/bus/pgbus"
)

// receiveTimeout bounds every wait for a message that must arrive. It is a
// deadlock guard, not a performance check.
const receiveTimeout = 15 * time.Second

// fastConfig polls often so that tests do not wait for the 1 s default.
var fastConfig = pgbus.SubscriberConfig{
	PollInterval:   5 * time.Millisecond,
	ResendInterval: 5 * time.Millisecond,
	RetryInterval:  5 * time.Millisecond,
}

func initTopic(t *testing.T, pool *pgxpool.Pool, topic string) {
	t.Helper()
	if err := pgbus.InitializeTopic(context.Background(), pool, topic); err != nil {
		t.Fatalf("InitializeTopic(%s): %v", topic, err)
	}
}

func publish(t *testing.T, exec pgbus.Executor, topic, payload string) *message.Message {
	t.Helper()

	publisher, err := pgbus.NewPublisher(exec, nil)
	if err != nil {
		t.Fatalf("NewPublisher: %v", err)
	}
	msg := message.NewMessage(watermill.NewUUID(), []byte(payload))
	if err := publisher.Publish(topic, msg); err != nil {
		t.Fatalf("Publish(%s, %q): %v", topic, payload, err)
	}
	return msg
}

func subscribe(t *testing.T, pool *pgxpool.Pool, topic string) (*bus.Subscriber, <-chan *message.Message) {
	t.Helper()

	subscriber, err := pgbus.NewSubscriber(pool, fastConfig, nil)
	if err != nil {
		t.Fatalf("NewSubscriber: %v", err)
	}
	t.Cleanup(func() { _ = subscriber.Close() })

	messages, err := subscriber.Subscribe(context.Background(), topic)
	if err != nil {
		t.Fatalf("Subscribe(%s): %v", topic, err)
	}
	return subscriber, messages
}

func receive(t *testing.T, messages <-chan *message.Message) *message.Message {
	t.Helper()

	select {
	case msg, ok := <-messages:
		if !ok {
			t.Fatal("message channel closed before a message arrived")
		}
		return msg
	case <-time.After(receiveTimeout):
		t.Fatalf("no message within %s", receiveTimeout)
		return nil
	}
}

// TestPublishInTransaction publishes through a committed and a rolled back
// pgx transaction that also write a journal row. Only the committed
// message is delivered, before a sentinel published last.
func TestPublishInTransaction(t *testing.T) {
	pool := openTestPool(t, 5)
	ctx := context.Background()
	initTopic(t, pool, "outbox")
	if _, err := pool.Exec(ctx, "CREATE TABLE journal (id TEXT PRIMARY KEY)"); err != nil {
		t.Fatalf("creating journal table: %v", err)
	}

	var committed *message.Message
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "INSERT INTO journal (id) VALUES ('entry-1')"); err != nil {
			return err
		}
		committed = publish(t, tx, "outbox", "committed")
		return nil
	})
	if err != nil {
		t.Fatalf("committed transaction: %v", err)
	}

	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatalf("Begin: %v", err)
	}
	if _, err := tx.Exec(ctx, "INSERT INTO journal (id) VALUES ('entry-2')"); err != nil {
		t.Fatalf("writing journal row: %v", err)
	}
	publish(t, tx, "outbox", "rolled back")
	if err := tx.Rollback(ctx); err != nil {
		t.Fatalf("Rollback: %v", err)
	}

	sentinel := publish(t, pool, "outbox", "sentinel")

	_, messages := subscribe(t, pool, "outbox")
	for _, want := range []*message.Message{committed, sentinel} {
		got := receive(t, messages)
		if got.UUID != want.UUID {
			t.Errorf("received %s %q, want %s %q", got.UUID, got.Payload, want.UUID, want.Payload)
		}
		got.Ack()
	}

	var entries int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM journal").Scan(&entries); err != nil {
		t.Fatalf("counting journal rows: %v", err)
	}
	if entries != 1 {
		t.Errorf("journal has %d rows, want 1", entries)
	}
}

// TestRedeliveryAfterClose closes a subscriber without acknowledging and
// checks that the next subscriber gets the same message, and only once.
func TestRedeliveryAfterClose(t *testing.T) {
	pool := openTestPool(t, 5)
	initTopic(t, pool, "orders")
	first := publish(t, pool, "orders", "first")

	subscriber, messages := subscribe(t, pool, "orders")
	if got := receive(t, messages); got.UUID != first.UUID {
		t.Fatalf("received %s, want %s", got.UUID, first.UUID)
	}
	if err := subscriber.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	_, messages = subscribe(t, pool, "orders")
	again := receive(t, messages)
	if again.UUID != first.UUID {
		t.Fatalf("after Close received %s, want %s again", again.UUID, first.UUID)
	}
	again.Ack()

	sentinel := publish(t, pool, "orders", "sentinel")
	if next := receive(t, messages); next.UUID != sentinel.UUID {
		t.Errorf("after the ack received %s %q, want the sentinel %s", next.UUID, next.Payload, sentinel.UUID)
	} else {
		next.Ack()
	}
}

// publishFive initializes topic and publishes the payloads 1 to 5 to it,
// in order.
func publishFive(t *testing.T, pool *pgxpool.Pool, topic string) []*message.Message {
	t.Helper()
	initTopic(t, pool, topic)
	var sent []*message.Message
	for _, payload := range []string{"1", "2", "3", "4", "5"} {
		sent = append(sent, publish(t, pool, topic, payload))
	}
	return sent
}

// TestCloseInBatchKeepsRest closes a subscriber after it acknowledged two
// messages of a batch of five and while it held the third. The next
// subscriber gets the third, fourth and fifth, in order, and not the
// first two.
func TestCloseInBatchKeepsRest(t *testing.T) {
	pool := openTestPool(t, 5)
	sent := publishFive(t, pool, "court")

	subscriber, messages := subscribe(t, pool, "court")
	for _, want := range sent[:2] {
		got := receive(t, messages)
		if got.UUID != want.UUID {
			t.Fatalf("received %q, want %q", got.Payload, want.Payload)
		}
		got.Ack()
	}
	if got := receive(t, messages); got.UUID != sent[2].UUID {
		t.Fatalf("received %q, want %q", got.Payload, sent[2].Payload)
	}
	if err := subscriber.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	_, messages = subscribe(t, pool, "court")
	for _, want := range sent[2:] {
		got := receive(t, messages)
		if got.UUID != want.UUID {
			t.Fatalf("after Close received %q, want %q", got.Payload, want.Payload)
		}
		got.Ack()
	}
}

// TestCloseKeepsHandedMessage closes a subscriber, and cancels its
// context as watermill's router does when it stops, while a handler holds
// the first message of a batch. Another subscriber polls the topic all
// along. With DrainTimeout set, the first message stays locked until its
// handler acks it, so the other subscriber gets only the rest of the
// batch, in order.
func TestCloseKeepsHandedMessage(t *testing.T) {
	pool := openTestPool(t, 10)
	sent := publishFive(t, pool, "prison")

	config := fastConfig
	config.DrainTimeout = receiveTimeout
	stopping, err := pgbus.NewSubscriber(pool, config, nil)
	if err != nil {
		t.Fatalf("NewSubscriber: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stoppingMessages, err := stopping.Subscribe(ctx, "prison")
	if err != nil {
		t.Fatalf("Subscribe: %v", err)
	}
	first := receive(t, stoppingMessages)
	if first.UUID != sent[0].UUID {
		t.Fatalf("received %q, want %q", first.Payload, sent[0].Payload)
	}
	_, messages := subscribe(t, pool, "prison")

	closed := make(chan error, 1)
	go func() { closed <- stopping.Close() }()
	cancel()
	// Time for the other subscriber to take the message, were it
	// unlocked.
	time.Sleep(200 * time.Millisecond)
	first.Ack()
	if err := <-closed; err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, open := <-stoppingMessages; open {
		t.Error("the closed subscriber's channel handed out another message")
	}

	for _, want := range sent[1:] {
		got := receive(t, messages)
		if got.UUID != want.UUID {
			t.Fatalf("other subscriber received %q, want %q", got.Payload, want.Payload)
		}
		got.Ack()
	}
}

// TestConnectionLossEndsBatch terminates the backend of a subscriber's
// transaction while the first message of a batch is being handled. The
// rest of the batch was locked by that transaction and is free for any
// subscriber once it ends, so the subscriber must not hand it out from
// the rows it fetched: each message after the first arrives once.
func TestConnectionLossEndsBatch(t *testing.T) {
	pool := openTestPool(t, 5)
	sent := publishFive(t, pool, "court")

	_, messages := subscribe(t, pool, "court")
	first := receive(t, messages)
	if first.UUID != sent[0].UUID {
		t.Fatalf("received %q, want %q", first.Payload, sent[0].Payload)
	}
	tx, ok := wsql.TxFromContext(first.Context())
	if !ok {
		t.Fatal("the message's context has no transaction")
	}
	rows, err := tx.QueryContext(first.Context(), "SELECT pg_backend_pid()")
	if err != nil {
		t.Fatal(err)
	}
	var pid int
	if !rows.Next() {
		t.Fatal("no backend pid")
	}
	if err := rows.Scan(&pid); err != nil {
		t.Fatal(err)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	var terminated bool
	err = pool.QueryRow(context.Background(), "SELECT pg_terminate_backend($1)", pid).Scan(&terminated)
	if err != nil || !terminated {
		t.Fatalf("terminating backend %d: %v, %v", pid, terminated, err)
	}
	first.Ack()

	// The first message's acknowledgement died with the transaction, so
	// it may come again; every other message comes once.
	received := map[string]int{}
	for {
		var msg *message.Message
		select {
		case msg = <-messages:
		case <-time.After(500 * time.Millisecond):
		}
		if msg == nil {
			break
		}
		received[string(msg.Payload)]++
		msg.Ack()
	}
	for _, payload := range []string{"2", "3", "4", "5"} {
		if n := received[payload]; n != 1 {
			t.Errorf("message %s received %d times after the connection loss, want once", payload, n)
		}
	}
	if n := received["1"]; n > 1 {
		t.Errorf("message 1 received %d more times, want at most once", n)
	}
}

// TestTopicsIndependent holds a message of one topic unacknowledged and
// checks that another topic's message is still delivered. With
// watermill-sql's default PostgreSQL schema it is not, until the first
// message is acknowledged.
func TestTopicsIndependent(t *testing.T) {
	pool := openTestPool(t, 5)
	initTopic(t, pool, "slow")
	initTopic(t, pool, "fast")

	publish(t, pool, "slow", "held")
	_, slowMessages := subscribe(t, pool, "slow")
	held := receive(t, slowMessages)
	defer held.Ack()

	fastMsg := publish(t, pool, "fast", "fast")
	_, fastMessages := subscribe(t, pool, "fast")
	if got := receive(t, fastMessages); got.UUID != fastMsg.UUID {
		t.Errorf("topic fast received %s, want %s", got.UUID, fastMsg.UUID)
	} else {
		got.Ack()
	}
}

func TestNewSubscriberInvalidConfig(t *testing.T) {
	pool := openTestPool(t, 2)

	cases := map[string]struct {
		config pgbus.SubscriberConfig
		field  string
	}{
		"consumer group":     {pgbus.SubscriberConfig{ConsumerGroup: "delivery"}, "ConsumerGroup"},
		"negative batch":     {pgbus.SubscriberConfig{BatchSize: -1}, "BatchSize"},
		"negative deadline":  {pgbus.SubscriberConfig{AckDeadline: -time.Second}, "AckDeadline"},
		"negative resending": {pgbus.SubscriberConfig{ResendInterval: -time.Second}, "ResendInterval"},
	}
	for name, c := range cases {
		_, err := pgbus.NewSubscriber(pool, c.config, nil)
		if err == nil || !strings.Contains(err.Error(), c.field) {
			t.Errorf("%s: error = %v, want one naming %s", name, err, c.field)
		}
	}

	if _, err := pgbus.NewSubscriber(nil, pgbus.SubscriberConfig{}, nil); err == nil {
		t.Error("nil pool: NewSubscriber succeeded, want an error")
	}
}

func TestValidateTopicLength(t *testing.T) {
	longest := strings.Repeat("t", pgbus.MaxTopicLength)
	if err := pgbus.ValidateTopic(longest); err != nil {
		t.Errorf("topic of %d bytes: %v", len(longest), err)
	}
	if err := pgbus.ValidateTopic(longest + "t"); err == nil {
		t.Errorf("topic of %d bytes: valid, want an error", len(longest)+1)
	}
	if err := pgbus.ValidateTopic("a b"); err == nil {
		t.Error(`topic "a b": valid, want an error`)
	}
}

func TestNewPublisherUnsupportedExecutor(t *testing.T) {
	_, err := pgbus.NewPublisher(nil, nil)
	if err == nil || !strings.Contains(err.Error(), "unsupported executor") {
		t.Errorf("NewPublisher(nil): error = %v, want unsupported executor", err)
	}
}

// TestWakeupEndsIdleWait runs bustest.WakeupEndsIdleWait.
func TestWakeupEndsIdleWait(t *testing.T) {
	pool := openTestPool(t, 5)
	initTopic(t, pool, "warrants")
	bustest.WakeupEndsIdleWait(t, bustest.Bus{
		NewSubscriber: func(config bus.SubscriberConfig) (*bus.Subscriber, error) {
			return pgbus.NewSubscriber(pool, config, nil)
		},
		Publish: func(t *testing.T, topic, payload string) *message.Message {
			return publish(t, pool, topic, payload)
		},
	}, "warrants")
}
