package pgbus

import (
	"context"
	"errors"
	"fmt"

	"github.com/ThreeDotsLabs/watermill"
	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sangam-hub/sangam/internal/bus"
)

// maxIdentifierLength is PostgreSQL's limit on an identifier in bytes
// (NAMEDATALEN - 1). PostgreSQL truncates longer names without an error,
// so two long topics could share a table.
const maxIdentifierLength = 63

// MaxTopicLength is the longest topic, in bytes, whose table name,
// "watermill_" followed by the topic, fits in a PostgreSQL identifier.
const MaxTopicLength = maxIdentifierLength - len("watermill_")

// The bus uses watermill-sql's queue adapters (PostgreSQLQueueSchema and
// PostgreSQLQueueOffsetsAdapter), not the default ones. The default schema
// reads only messages of transactions older than every transaction still
// running, and its subscriber keeps a transaction open while a message
// waits for its acknowledgement. On PostgreSQL 15 one unacknowledged
// message on one topic thus held back new messages on every other topic of
// the database (TestTopicsIndependent). The queue schema locks the rows it
// delivers and filters on nothing else, so topics are independent. The
// price is consumer groups, which only the default schema has: all
// subscribers of a topic share its messages, as the hub's delivery
// subscribers do.
//
// The queue schema reads one message per query (SubscribeBatchSize 1).
// With larger batches, the subscriber of watermill-sql v4.1.2 passes every
// row of the batch to the acknowledgement query, so the queue adapter
// deletes messages that were never delivered when a subscription ends in
// the middle of a batch.
//
// Acknowledged messages are deleted, because the queue schema finds
// pending messages by scanning for acked = false, which slows down as the
// table grows. The journal keeps the history.
var offsets = wsql.PostgreSQLQueueOffsetsAdapter{DeleteOnAck: true}

// schema is the queue schema with payloads stored as BYTEA, because
// payloads are bytes in any format, not necessarily JSON.
var schema = wsql.PostgreSQLQueueSchema{
	GeneratePayloadType: func(string) string { return "BYTEA" },
	SubscribeBatchSize:  1,
}

// initializeLock is the transaction-level advisory lock InitializeTopic
// takes, because concurrent CREATE TABLE IF NOT EXISTS of one table can
// fail with a unique violation in PostgreSQL's catalog.
var initializeLock = wsql.DefaultSchemaInitializationLock("sangam-bus")

// ValidateTopic returns an error unless topic is valid for bus.ValidateTopic
// and at most MaxTopicLength bytes long.
func ValidateTopic(topic string) error {
	if err := bus.ValidateTopic(topic); err != nil {
		return err
	}
	if len(topic) > MaxTopicLength {
		return fmt.Errorf("invalid topic %q: %d bytes long, at most %d fit in a PostgreSQL table name",
			topic, len(topic), MaxTopicLength)
	}
	return nil
}

// InitializeTopic creates the table of topic if it does not exist. Call it
// before the first Publish to a topic. The publishers of this package never
// create tables, because DDL inside a caller's transaction would change
// what that transaction commits.
func InitializeTopic(ctx context.Context, pool *pgxpool.Pool, topic string) error {
	if err := ValidateTopic(topic); err != nil {
		return fmt.Errorf("initializing topic: %w", err)
	}

	queries, err := schema.SchemaInitializingQueries(wsql.SchemaInitializingQueriesParams{Topic: topic})
	if err != nil {
		return fmt.Errorf("initializing topic %s: %w", topic, err)
	}
	offsetQueries, err := offsets.SchemaInitializingQueries(
		wsql.OffsetsSchemaInitializingQueriesParams{Topic: topic})
	if err != nil {
		return fmt.Errorf("initializing topic %s: %w", topic, err)
	}
	lock := wsql.Query{Query: "SELECT pg_advisory_xact_lock($1)", Args: []any{initializeLock}}
	queries = append(append([]wsql.Query{lock}, queries...), offsetQueries...)

	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		for _, q := range queries {
			if _, err := tx.Exec(ctx, q.Query, q.Args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("initializing topic %s: %w", topic, err)
	}
	return nil
}

// Executor is the part of *pgxpool.Pool, *pgxpool.Conn, *pgx.Conn and
// pgx.Tx that a publisher needs.
type Executor interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// NewPublisher returns a publisher that inserts messages through exec: a
// *pgxpool.Pool, *pgxpool.Conn, *pgx.Conn or pgx.Tx. The topic's tables
// must exist (see InitializeTopic). A nil logger discards log lines.
//
// Over a pool or connection each Publish call commits its messages at once,
// all or none. Over a pgx.Tx, Publish adds the messages to that
// transaction: subscribers see them only if the transaction commits, and
// never if it rolls back. Such a publisher is valid only until the
// transaction ends, so create one per transaction.
func NewPublisher(exec Executor, logger watermill.LoggerAdapter) (message.Publisher, error) {
	var db wsql.ContextExecutor
	switch e := exec.(type) {
	case pgx.Tx:
		db = wsql.TxFromPgx(e)
	case wsql.Conn:
		db = wsql.BeginnerFromPgx(e)
	default:
		return nil, fmt.Errorf(
			"creating publisher: unsupported executor %T, expected *pgxpool.Pool, *pgxpool.Conn, *pgx.Conn or pgx.Tx",
			exec)
	}

	publisher, err := wsql.NewPublisher(db, wsql.PublisherConfig{SchemaAdapter: schema}, logger)
	if err != nil {
		return nil, fmt.Errorf("creating publisher: %w", err)
	}
	return publisher, nil
}

// SubscriberConfig configures NewSubscriber. The zero value is valid; each
// field's default is in its comment.
type SubscriberConfig = bus.SubscriberConfig

// NewSubscriber returns a subscriber that reads topics from pool. A nil
// logger discards log lines.
//
// All subscribers of a topic, in any number of processes, share its
// messages: config.ConsumerGroup must be empty, and config.BatchSize must
// be 0 or 1 because each query reads one message (see the offsets
// variable for why).
//
// Each poll of a subscription holds one pool connection from its query
// until the message is acknowledged, and other subscribers of the topic
// wait on the message's row lock meanwhile, each on a connection of its
// own. Size the pool above the number of subscriptions plus the
// connections publishers and the journal need.
func NewSubscriber(pool *pgxpool.Pool, config SubscriberConfig, logger watermill.LoggerAdapter) (*bus.Subscriber, error) {
	if pool == nil {
		return nil, errors.New("creating subscriber: pool is nil")
	}
	if err := config.Validate(); err != nil {
		return nil, fmt.Errorf("creating subscriber: %w", err)
	}
	if config.ConsumerGroup != "" {
		return nil, fmt.Errorf("creating subscriber: invalid ConsumerGroup %q: "+
			"the PostgreSQL bus has one group per topic, shared by all subscribers, so leave it empty",
			config.ConsumerGroup)
	}
	if config.BatchSize > 1 {
		return nil, fmt.Errorf("creating subscriber: invalid BatchSize %d: "+
			"the PostgreSQL bus reads one message per query, so use 0 or 1", config.BatchSize)
	}
	config = config.WithDefaults()

	wconfig := config.Watermill(schema, offsets)
	inner, err := wsql.NewSubscriber(wsql.BeginnerFromPgx(pool), wconfig, logger)
	if err != nil {
		return nil, fmt.Errorf("creating subscriber: %w", err)
	}

	initialize := func(topic string) error {
		return InitializeTopic(context.Background(), pool, topic)
	}
	return bus.NewSubscriber(inner, ValidateTopic, initialize), nil
}
