package sqlitebus

import (
	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"

	"github.com/sangam-hub/sangam/internal/bus"
)

// Offsets is the watermill-sql OffsetsAdapter for SQLite. It stores, per
// topic and consumer group, the offset of the last message the group
// acknowledged, in the table named by OffsetsTable.
//
// The adapter takes no lock itself: SQLite has no row locks. Subscribers of
// one group exclude each other either by holding a write transaction from
// the select to the acknowledgement (watermill-sql's Subscriber over
// BeginnerFromStdSQL and a database opened with _txlock=immediate) or by
// the per-group lock of this package's NewSubscriber.
type Offsets struct{}

// OffsetsTable returns the quoted name of the table that stores the
// consumer group offsets of topic.
func (o Offsets) OffsetsTable(topic string) string {
	return `"watermill_offsets_` + topic + `"`
}

// SchemaInitializingQueries returns the statement that creates the offsets
// table of params.Topic if it does not exist.
func (o Offsets) SchemaInitializingQueries(params wsql.OffsetsSchemaInitializingQueriesParams) ([]wsql.Query, error) {
	if err := bus.ValidateTopic(params.Topic); err != nil {
		return nil, err
	}

	create := `CREATE TABLE IF NOT EXISTS ` + o.OffsetsTable(params.Topic) + ` (
		consumer_group TEXT NOT NULL PRIMARY KEY,
		offset_acked INTEGER NOT NULL,
		updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
	) STRICT`
	return []wsql.Query{{Query: create}}, nil
}

// NextOffsetQuery returns the query for the last offset the consumer group
// acknowledged. It returns no row for a group that has acknowledged nothing.
func (o Offsets) NextOffsetQuery(params wsql.NextOffsetQueryParams) (wsql.Query, error) {
	query := `SELECT offset_acked FROM ` + o.OffsetsTable(params.Topic) + ` WHERE consumer_group = ?`
	return wsql.Query{Query: query, Args: []any{params.ConsumerGroup}}, nil
}

// AckMessageQuery returns the statement that stores params.LastRow's offset
// as the consumer group's last acknowledged one. The stored offset only
// grows: a smaller one, from a subscriber that read an older batch, is
// ignored.
func (o Offsets) AckMessageQuery(params wsql.AckMessageQueryParams) (wsql.Query, error) {
	query := `INSERT INTO ` + o.OffsetsTable(params.Topic) + ` (consumer_group, offset_acked)
		VALUES (?, ?)
		ON CONFLICT (consumer_group) DO UPDATE SET
			offset_acked = excluded.offset_acked,
			updated_at = excluded.updated_at
		WHERE excluded.offset_acked > offset_acked`
	return wsql.Query{Query: query, Args: []any{params.ConsumerGroup, params.LastRow.Offset}}, nil
}

// ConsumedMessageQuery returns no statement: nothing is recorded between
// delivery and acknowledgement.
func (o Offsets) ConsumedMessageQuery(wsql.ConsumedMessageQueryParams) (wsql.Query, error) {
	return wsql.Query{}, nil
}

// BeforeSubscribingQueries returns no statements: a group without a row
// starts at offset 0, and the first acknowledgement inserts the row.
func (o Offsets) BeforeSubscribingQueries(wsql.BeforeSubscribingQueriesParams) ([]wsql.Query, error) {
	return nil, nil
}
