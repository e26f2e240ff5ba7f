package sqlitebus

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/sangam-hub/sangam/internal/bus"
)

// maxInsertMessages is the largest number of messages one Publish call can
// insert. One INSERT binds three values per message, and SQLite allows at
// most 32766 bound values per statement (SQLITE_MAX_VARIABLE_NUMBER, the
// default since SQLite 3.32.0).
const maxInsertMessages = 32766 / 3

// Schema is the watermill-sql SchemaAdapter for SQLite. Each topic has one
// table, named by MessagesTable, in which the column "offset" numbers the
// messages in commit order.
//
// SQLite lets one transaction write at a time, and "offset" is an
// AUTOINCREMENT key assigned inside the writing transaction. A message that
// commits later therefore always has a larger offset than every message
// already visible, so a consumer group needs nothing but the last offset it
// acknowledged.
type Schema struct {
	// SubscribeBatchSize is the maximum number of messages one subscriber
	// query reads. Default bus.DefaultBatchSize.
	SubscribeBatchSize int
}

// MessagesTable returns the quoted name of the table that stores topic.
func (s Schema) MessagesTable(topic string) string {
	return `"watermill_` + topic + `"`
}

// SchemaInitializingQueries returns the statement that creates the messages
// table of params.Topic if it does not exist.
func (s Schema) SchemaInitializingQueries(params wsql.SchemaInitializingQueriesParams) ([]wsql.Query, error) {
	if err := bus.ValidateTopic(params.Topic); err != nil {
		return nil, err
	}

	create := `CREATE TABLE IF NOT EXISTS ` + s.MessagesTable(params.Topic) + ` (
		"offset" INTEGER PRIMARY KEY AUTOINCREMENT,
		uuid TEXT NOT NULL,
		payload BLOB,
		metadata TEXT,
		created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
	) STRICT`
	return []wsql.Query{{Query: create}}, nil
}

// InsertQuery returns one INSERT for all of params.Msgs, so they commit
// together and take consecutive offsets in their order. Metadata is stored
// as a JSON object.
func (s Schema) InsertQuery(params wsql.InsertQueryParams) (wsql.Query, error) {
	table := s.MessagesTable(params.Topic)
	count := len(params.Msgs)

	if count == 0 {
		// A statement that inserts nothing but still fails when the topic
		// has no table, as a publish with messages would.
		return wsql.Query{Query: `INSERT INTO ` + table + ` (uuid) SELECT NULL WHERE FALSE`}, nil
	}
	if count > maxInsertMessages {
		return wsql.Query{}, fmt.Errorf(
			"publishing %d messages to %s: at most %d fit in one call, split them",
			count, params.Topic, maxInsertMessages)
	}

	args := make([]any, 0, 3*count)
	for _, msg := range params.Msgs {
		metadata, err := json.Marshal(msg.Metadata)
		if err != nil {
			return wsql.Query{}, fmt.Errorf("encoding metadata of message %s: %w", msg.UUID, err)
		}
		args = append(args, msg.UUID, []byte(msg.Payload), string(metadata))
	}

	values := strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", count), ", ")
	query := `INSERT INTO ` + table + ` (uuid, payload, metadata) VALUES ` + values
	return wsql.Query{Query: query, Args: args}, nil
}

// SelectQuery returns the query for the next messages of params.Topic after
// the offset that params.OffsetsAdapter stores for the consumer group, in
// offset order. A group with no stored offset starts at the first message.
func (s Schema) SelectQuery(params wsql.SelectQueryParams) (wsql.Query, error) {
	next, err := params.OffsetsAdapter.NextOffsetQuery(wsql.NextOffsetQueryParams{
		Topic:         params.Topic,
		ConsumerGroup: params.ConsumerGroup,
	})
	if err != nil {
		return wsql.Query{}, err
	}

	query := `SELECT "offset", uuid, payload, metadata FROM ` + s.MessagesTable(params.Topic) + `
		WHERE "offset" > COALESCE((` + next.Query + `), 0)
		ORDER BY "offset"
		LIMIT ` + fmt.Sprint(s.batchSize())
	return wsql.Query{Query: query, Args: next.Args}, nil
}

func (s Schema) batchSize() int {
	if s.SubscribeBatchSize <= 0 {
		return bus.DefaultBatchSize
	}
	return s.SubscribeBatchSize
}

// UnmarshalMessage scans one row of SelectQuery into a watermill message.
func (s Schema) UnmarshalMessage(params wsql.UnmarshalMessageParams) (wsql.Row, error) {
	var row wsql.Row
	err := params.Row.Scan(&row.Offset, &row.UUID, &row.Payload, &row.Metadata)
	if err != nil {
		return wsql.Row{}, fmt.Errorf("scanning message row: %w", err)
	}

	msg := message.NewMessage(string(row.UUID), row.Payload)
	if row.Metadata != nil {
		if err := json.Unmarshal(row.Metadata, &msg.Metadata); err != nil {
			return wsql.Row{}, fmt.Errorf("decoding metadata of message %s at offset %d: %w",
				msg.UUID, row.Offset, err)
		}
	}

	row.Msg = msg
	return row, nil
}

// SubscribeIsolationLevel returns serializable, the isolation of SQLite's
// transactions. The subscriber of this package runs no transaction and
// ignores the value.
func (s Schema) SubscribeIsolationLevel() sql.IsolationLevel {
	return sql.LevelSerializable
}
