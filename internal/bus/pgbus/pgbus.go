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
// A subscriber reads up to config.BatchSize messages per query and
// deletes the acknowledged ones in one statement when the batch ends, so
// a batch costs one commit instead of one per message. watermill-sql
// v4.1.2's subscriber passes every row of the batch to that statement.
// When a subscription ends in the middle of a batch, that includes rows it
// never delivered, and ackedOnly keeps those.
//
// Acknowledged messages are deleted, because the queue schema finds
// pending messages by scanning for acked = false, which slows down as the
// table grows. The journal keeps the history.
var offsets = ackedOnly{wsql.PostgreSQLQueueOffsetsAdapter{DeleteOnAck: true}}

// ackedOnly is the queue offsets adapter whose acknowledgement query
// covers only the rows up to the last acknowledged one. The subscriber
// hands messages of a batch over in offset order and stops at the first
// that is not acknowledged, so those are exactly the delivered rows.
//
// Its consumed-message query, which the subscriber runs in the batch's
// transaction before it hands over each message, checks that the
// transaction is still alive. The batch's rows are locked only while it
// is: once its connection is gone (a terminated backend, a restart, an
// idle_in_transaction_session_timeout) or its query failed after
// returning rows (a serialization failure against another replica's
// delete, which watermill-sql v4.1.2 does not check for), another
// subscriber may take them. Without the check the subscriber would hand
// over every row it had fetched all the same, so up to a batch of
// messages could be handled twice at once. With it, the check fails, the
// batch ends, and only the message in hand at a connection loss can be
// handled twice.
type ackedOnly struct {
	wsql.PostgreSQLQueueOffsetsAdapter
}

// ConsumedMessageQuery returns the query that checks the batch's
// transaction before each message. It costs one round trip, without a
// commit.
func (a ackedOnly) ConsumedMessageQuery(wsql.ConsumedMessageQueryParams) (wsql.Query, error) {
	return wsql.Query{Query: "SELECT 1"}, nil
}

func (a ackedOnly) AckMessageQuery(params wsql.AckMessageQueryParams) (wsql.Query, error) {
	delivered := make([]wsql.Row, 0, len(params.Rows))
	for _, row := range params.Rows {
		if row.Offset <= params.LastRow.Offset {
			delivered = append(delivered, row)
		}
	}
	params.Rows = delivered
	return a.PostgreSQLQueueOffsetsAdapter.AckMessageQuery(params)
}

// queueSchema is the queue schema reading up to batch messages per query.
// Payloads are stored as BYTEA, because they are bytes in any format, not
// necessarily JSON.
func queueSchema(batch int) wsql.PostgreSQLQueueSchema {
	return wsql.PostgreSQLQueueSchema{
		GeneratePayloadType: func(string) string { return "BYTEA" },
		SubscribeBatchSize:  batch,
	}
}

// schema is the queue schema the publisher and InitializeTopic use; the
// batch size matters only to subscribers.
var schema = queueSchema(1)

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
// messages, so config.ConsumerGroup must be empty.
//
// Each poll of a subscription holds one pool connection from its query
// until the last message of its batch is acknowledged, and other
// subscribers of the topic wait on the batch's row locks meanwhile, each
// on a connection of its own. Size the pool above the number of subscriptions plus the
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
	config = config.WithDefaults()

	return bus.NewSubscriber(bus.SQL{
		Beginner: wsql.BeginnerFromPgx(pool),
		Schema:   queueSchema(config.BatchSize),
		Offsets:  offsets,
		Logger:   logger,
		Validate: ValidateTopic,
		Initialize: func(topic string) error {
			return InitializeTopic(context.Background(), pool, topic)
		},
	}, config)
}
