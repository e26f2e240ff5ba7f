package sqlitebus_test

import (
	"bytes"
	"context"
	"database/sql"
	"maps"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/sangam-hub/sangam/internal/bus"
	"github.com/sangam-hub/sangam/internal/bus/bustest"
	"github.com/sangam-hub/sangam/internal/bus/sqlitebus"
	"github.com/sangam-hub/sangam/internal/sqlite"
)

// receiveTimeout bounds every wait for a message that must arrive. It is a
// deadlock guard, not a performance check.
const receiveTimeout = 15 * time.Second

// fastConfig polls often so that tests do not wait for the 1 s default.
var fastConfig = sqlitebus.SubscriberConfig{
	PollInterval:   5 * time.Millisecond,
	ResendInterval: 5 * time.Millisecond,
	RetryInterval:  5 * time.Millisecond,
}

func initTopic(t *testing.T, db *sql.DB, topic string) {
	t.Helper()
	if err := sqlitebus.InitializeTopic(context.Background(), db, topic); err != nil {
		t.Fatalf("InitializeTopic(%s): %v", topic, err)
	}
}

func publish(t *testing.T, exec sqlitebus.Executor, topic string, payload string) *message.Message {
	t.Helper()

	publisher, err := sqlitebus.NewPublisher(exec, nil)
	if err != nil {
		t.Fatalf("NewPublisher: %v", err)
	}
	msg := message.NewMessage(watermill.NewUUID(), []byte(payload))
	if err := publisher.Publish(topic, msg); err != nil {
		t.Fatalf("Publish(%s, %q): %v", topic, payload, err)
	}
	return msg
}

func subscribe(
	t *testing.T,
	db *sql.DB,
	config sqlitebus.SubscriberConfig,
	topic string,
) (*bus.Subscriber, <-chan *message.Message) {
	t.Helper()

	subscriber, err := sqlitebus.NewSubscriber(db, config, nil)
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

// TestPublishInTransaction publishes through two transactions that also
// write a journal row: the committed one's message is delivered, the
// rolled back one's is not. A sentinel published last shows that nothing
// else is pending.
func TestPublishInTransaction(t *testing.T) {
	db := openTestDB(t)
	ctx := context.Background()
	initTopic(t, db, "outbox")
	if _, err := db.ExecContext(ctx, "CREATE TABLE journal (id TEXT PRIMARY KEY)"); err != nil {
		t.Fatalf("creating journal table: %v", err)
	}

	committed := publishWithJournal(t, db, "entry-1", "committed", true)
	publishWithJournal(t, db, "entry-2", "rolled back", false)
	sentinel := publish(t, db, "outbox", "sentinel")

	_, messages := subscribe(t, db, fastConfig, "outbox")
	for _, want := range []*message.Message{committed, sentinel} {
		got := receive(t, messages)
		if got.UUID != want.UUID || string(got.Payload) != string(want.Payload) {
			t.Errorf("received %s %q, want %s %q", got.UUID, got.Payload, want.UUID, want.Payload)
		}
		got.Ack()
	}

	var entries []string
	rows, err := db.QueryContext(ctx, "SELECT id FROM journal ORDER BY id")
	if err != nil {
		t.Fatalf("reading journal: %v", err)
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatalf("scanning journal: %v", err)
		}
		entries = append(entries, id)
	}
	if strings.Join(entries, ",") != "entry-1" {
		t.Errorf("journal entries = %v, want [entry-1]", entries)
	}
}

// publishWithJournal writes a journal row and publishes one message in one
// transaction, then commits it or rolls it back.
func publishWithJournal(t *testing.T, db *sql.DB, entry, payload string, commit bool) *message.Message {
	t.Helper()
	ctx := context.Background()

	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatalf("BeginTx: %v", err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO journal (id) VALUES (?)", entry); err != nil {
		t.Fatalf("writing journal row: %v", err)
	}
	msg := publish(t, tx, "outbox", payload)

	if commit {
		err = tx.Commit()
	} else {
		err = tx.Rollback()
	}
	if err != nil {
		t.Fatalf("ending transaction: %v", err)
	}
	return msg
}

// TestRedeliveryAfterReopen closes a subscriber and the database without
// acknowledging, as a stopped process would, and checks that a subscriber
// on the reopened file gets the same message, and only once after its ack.
func TestRedeliveryAfterReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bus.db")

	db := openPath(t, path)
	initTopic(t, db, "orders")
	first := publish(t, db, "orders", "first")

	subscriber, messages := subscribe(t, db, fastConfig, "orders")
	unacked := receive(t, messages)
	if unacked.UUID != first.UUID {
		t.Fatalf("received %s, want %s", unacked.UUID, first.UUID)
	}
	if err := subscriber.Close(); err != nil {
		t.Fatalf("closing subscriber: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("closing database: %v", err)
	}

	reopened := openPath(t, path)
	_, messages = subscribe(t, reopened, fastConfig, "orders")
	again := receive(t, messages)
	if again.UUID != first.UUID {
		t.Fatalf("after reopening received %s, want %s again", again.UUID, first.UUID)
	}
	again.Ack()

	sentinel := publish(t, reopened, "orders", "sentinel")
	next := receive(t, messages)
	if next.UUID != sentinel.UUID {
		t.Errorf("after ack received %s %q, want the sentinel %s", next.UUID, next.Payload, sentinel.UUID)
	}
	next.Ack()
}

func openPath(t *testing.T, path string) *sql.DB {
	t.Helper()

	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatalf("opening %s: %v", path, err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// TestTopicsIndependent holds a message of one topic unacknowledged and
// checks that another topic of the same group, and another group of the
// same topic, still receive theirs.
func TestTopicsIndependent(t *testing.T) {
	db := openTestDB(t)
	initTopic(t, db, "slow")
	initTopic(t, db, "fast")

	publish(t, db, "slow", "held")
	_, slowMessages := subscribe(t, db, fastConfig, "slow")
	held := receive(t, slowMessages)
	defer held.Ack()

	fastMsg := publish(t, db, "fast", "fast")
	_, fastMessages := subscribe(t, db, fastConfig, "fast")
	if got := receive(t, fastMessages); got.UUID != fastMsg.UUID {
		t.Errorf("topic fast received %s, want %s", got.UUID, fastMsg.UUID)
	} else {
		got.Ack()
	}

	otherGroup := fastConfig
	otherGroup.ConsumerGroup = "audit"
	_, auditMessages := subscribe(t, db, otherGroup, "slow")
	if got := receive(t, auditMessages); got.UUID != held.UUID {
		t.Errorf("group audit received %s, want %s", got.UUID, held.UUID)
	} else {
		got.Ack()
	}
}

// TestMessageRoundTrip checks that payload bytes and metadata come back
// unchanged, including empty and non-UTF-8 payloads.
func TestMessageRoundTrip(t *testing.T) {
	db := openTestDB(t)
	initTopic(t, db, "bytes")

	payloads := [][]byte{nil, {}, {0x00, 0xff, 0xfe, '\n'}, []byte("ക്രൈം")}
	var sent []*message.Message
	for i, payload := range payloads {
		msg := message.NewMessage(watermill.NewUUID(), payload)
		msg.Metadata.Set("index", string(rune('0'+i)))
		msg.Metadata.Set("case_id", "KL/TVM/2024/17")
		sent = append(sent, msg)
	}
	publisher, err := sqlitebus.NewPublisher(db, nil)
	if err != nil {
		t.Fatalf("NewPublisher: %v", err)
	}
	if err := publisher.Publish("bytes", sent...); err != nil {
		t.Fatalf("Publish: %v", err)
	}

	_, messages := subscribe(t, db, fastConfig, "bytes")
	for _, want := range sent {
		got := receive(t, messages)
		if got.UUID != want.UUID {
			t.Errorf("received %s, want %s (order of one Publish call)", got.UUID, want.UUID)
		}
		if !bytes.Equal(got.Payload, want.Payload) {
			t.Errorf("message %s payload = %x, want %x", want.UUID, got.Payload, want.Payload)
		}
		if !maps.Equal(got.Metadata, want.Metadata) {
			t.Errorf("message %s metadata = %v, want %v", want.UUID, got.Metadata, want.Metadata)
		}
		got.Ack()
	}
}

func TestPublishNoMessages(t *testing.T) {
	db := openTestDB(t)
	initTopic(t, db, "empty")

	publisher, err := sqlitebus.NewPublisher(db, nil)
	if err != nil {
		t.Fatalf("NewPublisher: %v", err)
	}
	if err := publisher.Publish("empty"); err != nil {
		t.Errorf("Publish with no messages: %v", err)
	}
	if err := publisher.Publish("missing"); err == nil {
		t.Error("Publish to a topic without tables succeeded, want an error")
	}
}

func TestPublishTooManyMessages(t *testing.T) {
	db := openTestDB(t)
	initTopic(t, db, "big")

	publisher, err := sqlitebus.NewPublisher(db, nil)
	if err != nil {
		t.Fatalf("NewPublisher: %v", err)
	}

	const limit = 32766 / 3
	atLimit := make([]*message.Message, limit)
	for i := range atLimit {
		atLimit[i] = message.NewMessage(watermill.NewUUID(), nil)
	}
	if err := publisher.Publish("big", atLimit...); err != nil {
		t.Errorf("Publish of %d messages: %v", limit, err)
	}

	overLimit := append(atLimit, message.NewMessage(watermill.NewUUID(), nil))
	err = publisher.Publish("big", overLimit...)
	if err == nil || !strings.Contains(err.Error(), "split them") {
		t.Errorf("Publish of %d messages: error = %v, want one asking to split them", len(overLimit), err)
	}
}

func TestNewPublisherUnsupportedExecutor(t *testing.T) {
	_, err := sqlitebus.NewPublisher(nil, nil)
	if err == nil || !strings.Contains(err.Error(), "unsupported executor") {
		t.Errorf("NewPublisher(nil): error = %v, want unsupported executor", err)
	}
}

func TestNewSubscriberInvalidConfig(t *testing.T) {
	db := openTestDB(t)

	_, err := sqlitebus.NewSubscriber(db, sqlitebus.SubscriberConfig{PollInterval: -time.Second}, nil)
	if err == nil || !strings.Contains(err.Error(), "PollInterval") {
		t.Errorf("negative PollInterval: error = %v, want one naming PollInterval", err)
	}

	_, err = sqlitebus.NewSubscriber(nil, sqlitebus.SubscriberConfig{}, nil)
	if err == nil {
		t.Error("nil db: NewSubscriber succeeded, want an error")
	}
}

func TestSubscribeInvalidTopic(t *testing.T) {
	db := openTestDB(t)
	subscriber, err := sqlitebus.NewSubscriber(db, fastConfig, nil)
	if err != nil {
		t.Fatalf("NewSubscriber: %v", err)
	}
	defer func() { _ = subscriber.Close() }()

	for _, topic := range []string{"", `a"b`, "a b", "topic;DROP"} {
		if _, err := subscriber.Subscribe(context.Background(), topic); err == nil {
			t.Errorf("Subscribe(%q) succeeded, want an error", topic)
		}
		if err := sqlitebus.InitializeTopic(context.Background(), db, topic); err == nil {
			t.Errorf("InitializeTopic(%q) succeeded, want an error", topic)
		}
	}
}

// TestInitializeTopicTwice checks that InitializeTopic keeps the messages
// of a topic that already exists.
func TestInitializeTopicTwice(t *testing.T) {
	db := openTestDB(t)
	initTopic(t, db, "again")
	msg := publish(t, db, "again", "kept")
	initTopic(t, db, "again")

	_, messages := subscribe(t, db, fastConfig, "again")
	if got := receive(t, messages); got.UUID != msg.UUID {
		t.Errorf("received %s, want %s", got.UUID, msg.UUID)
	} else {
		got.Ack()
	}
}

// TestAckNeverMovesBack stores a smaller offset after a larger one, as a
// subscriber that read an older batch would, and checks that the stored
// offset keeps the larger value.
func TestAckNeverMovesBack(t *testing.T) {
	db := openTestDB(t)
	ctx := context.Background()
	initTopic(t, db, "acks")

	offsets := sqlitebus.Offsets{}
	for _, offset := range []int64{5, 3} {
		query, err := offsets.AckMessageQuery(wsql.AckMessageQueryParams{
			Topic:         "acks",
			LastRow:       wsql.Row{Offset: offset},
			ConsumerGroup: "g",
		})
		if err != nil {
			t.Fatalf("AckMessageQuery: %v", err)
		}
		if _, err := db.ExecContext(ctx, query.Query, query.Args...); err != nil {
			t.Fatalf("storing offset %d: %v", offset, err)
		}
	}

	var stored int64
	query := "SELECT offset_acked FROM " + offsets.OffsetsTable("acks") + " WHERE consumer_group = 'g'"
	if err := db.QueryRowContext(ctx, query).Scan(&stored); err != nil {
		t.Fatalf("reading stored offset: %v", err)
	}
	if stored != 5 {
		t.Errorf("stored offset = %d, want 5", stored)
	}
}

// TestHandlerWritesBeforeAck writes to the database in a transaction while
// a message waits for its acknowledgement, as the delivery handler records
// an attempt in the journal. The subscriber holds no SQLite lock then, so
// the write must not wait for it.
func TestHandlerWritesBeforeAck(t *testing.T) {
	db := openTestDB(t)
	ctx := context.Background()
	initTopic(t, db, "deliveries")
	if _, err := db.ExecContext(ctx, "CREATE TABLE attempts (id TEXT PRIMARY KEY)"); err != nil {
		t.Fatalf("creating attempts table: %v", err)
	}
	publish(t, db, "deliveries", "deliver me")

	_, messages := subscribe(t, db, fastConfig, "deliveries")
	msg := receive(t, messages)

	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatalf("BeginTx while a message is unacknowledged: %v", err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO attempts (id) VALUES (?)", msg.UUID); err != nil {
		t.Fatalf("writing attempt: %v", err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatalf("committing attempt: %v", err)
	}
	msg.Ack()
}

// TestCloseWhileWaitingForGroup closes a subscriber whose subscription
// waits for the consumer group lock held by another subscriber with an
// unacknowledged message. Close must return without waiting for the 30 s
// ack deadline of the other subscriber.
func TestCloseWhileWaitingForGroup(t *testing.T) {
	db := openTestDB(t)
	initTopic(t, db, "shared")
	publish(t, db, "shared", "held")

	_, holderMessages := subscribe(t, db, sqlitebus.SubscriberConfig{PollInterval: 5 * time.Millisecond}, "shared")
	held := receive(t, holderMessages)
	defer held.Ack()

	waiter, waiterMessages := subscribe(t, db, fastConfig, "shared")
	// Give the waiter's first poll time to block on the lock. If it has not
	// got there, Close returns early and the test checks less.
	time.Sleep(200 * time.Millisecond)

	bustest.CloseWithin(t, waiter, receiveTimeout)

	if msg, ok := <-waiterMessages; ok {
		t.Errorf("closed subscriber delivered %s, want a closed channel", msg.UUID)
	}
}

// TestWakeupEndsIdleWait runs bustest.WakeupEndsIdleWait.
func TestWakeupEndsIdleWait(t *testing.T) {
	db := openTestDB(t)
	initTopic(t, db, "warrants")
	bustest.WakeupEndsIdleWait(t, bustest.Bus{
		NewSubscriber: func(config bus.SubscriberConfig) (*bus.Subscriber, error) {
			return sqlitebus.NewSubscriber(db, config, nil)
		},
		Publish: func(t *testing.T, topic, payload string) *message.Message {
			return publish(t, db, topic, payload)
		},
	}, "warrants")
}

// contextKey marks the context a receiver gives a message.
type contextKey struct{}

// TestReceiverReplacesContext gives each message a context of its own
// once received, as watermill's router does for its handlers, then acks
// it. The subscriber must not read the message's context meanwhile: run
// with -race (make test does), the test fails if it does.
func TestReceiverReplacesContext(t *testing.T) {
	db := openTestDB(t)
	initTopic(t, db, "replaced")
	const n = 20
	for i := range n {
		publish(t, db, "replaced", string(rune('a'+i)))
	}
	_, messages := subscribe(t, db, fastConfig, "replaced")
	for range n {
		msg := receive(t, messages)
		msg.SetContext(context.WithValue(msg.Context(), contextKey{}, msg.UUID))
		if got := msg.Context().Value(contextKey{}); got != msg.UUID {
			t.Fatalf("context value %v, want %s", got, msg.UUID)
		}
		msg.Ack()
	}
}
