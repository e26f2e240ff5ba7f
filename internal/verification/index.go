package verification

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/journal/groupcommit"
	hubsqlite "github.com/sangam-hub/sangam/internal/sqlite"
	"github.com/sangam-hub/sangam/internal/throttle"
)

// Dialect names the SQL database an Index is kept in.
type Dialect string

// Dialects, which are also the names of the migrations folders.
const (
	SQLite     Dialect = "sqlite"
	PostgreSQL Dialect = "postgres"
)

// IndexConfig configures an Index.
type IndexConfig struct {
	// Journal is read by Rebuild. Required.
	Journal journal.Store
	// Logger receives the index's logs. Default slog.Default().
	Logger *slog.Logger
}

// Index records the persons each journaled message names, by the keys
// Match compares, the verification requests with the state of each, and
// the FIR that each court registration ties to a CNR.
// Its tables live in the journal's database, beside the journal's own.
// It is safe for concurrent use, and several hub replicas may share one
// database: every write is idempotent.
type Index struct {
	db      *sql.DB
	ownDB   bool
	dialect Dialect
	// writeLock queues this process's SQLite writers; nil on PostgreSQL.
	writeLock *hubsqlite.WriteLock
	journal   journal.Store
	log       *slog.Logger
	// pageSize is the journal page Rebuild reads; journal.MaxLimit
	// except in tests.
	pageSize int

	// writer adds observed messages in shared transactions (writer.go).
	writer *groupcommit.Committer[*canonical.Message]
	// failures rate-limits the error lines of Observe.
	failures *throttle.FailureLog
}

// NewSQLiteIndex applies the index's migrations to db and returns an
// index over it. db must come from internal/sqlite.Open, whose write
// transactions begin IMMEDIATE. The caller owns db and closes it after
// the index.
func NewSQLiteIndex(ctx context.Context, db *sql.DB, cfg IndexConfig) (*Index, error) {
	if db == nil {
		return nil, errors.New("opening verification index: db: missing")
	}
	lock, err := hubsqlite.WriteLockFor(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("opening verification index: %w", err)
	}
	return newIndex(ctx, &Index{db: db, dialect: SQLite, writeLock: lock}, cfg)
}

// NewPostgresIndex applies the index's migrations through pool and
// returns an index over it. The caller closes pool after the index.
func NewPostgresIndex(ctx context.Context, pool *pgxpool.Pool, cfg IndexConfig) (*Index, error) {
	if pool == nil {
		return nil, errors.New("opening verification index: pool: missing")
	}
	db := stdlib.OpenDBFromPool(pool)
	x, err := newIndex(ctx, &Index{db: db, ownDB: true, dialect: PostgreSQL}, cfg)
	if err != nil {
		db.Close()
	}
	return x, err
}

func newIndex(ctx context.Context, x *Index, cfg IndexConfig) (*Index, error) {
	if cfg.Journal == nil {
		return nil, errors.New("opening verification index: journal: missing")
	}
	x.journal = cfg.Journal
	x.pageSize = journal.MaxLimit
	x.log = cfg.Logger
	if x.log == nil {
		x.log = slog.Default()
	}
	x.failures = newFailureLog(x.log, time.Now)
	applied, err := x.migrate(ctx)
	if err != nil {
		return nil, fmt.Errorf("opening verification index: %w", err)
	}
	if len(applied) > 0 {
		x.log.Info("verification index migrations applied", "versions", applied)
	}
	x.startWriter()
	return x, nil
}

// Close lets the writes in progress finish, then releases the index's
// handle on a PostgreSQL pool. It leaves a SQLite handle, which
// the caller owns, open.
func (x *Index) Close() error {
	x.stopWriter()
	if x.ownDB {
		return x.db.Close()
	}
	return nil
}

// write runs fn in a write transaction, after taking the SQLite write
// lock when there is one.
func (x *Index) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if x.writeLock != nil {
		if err := x.writeLock.Lock(ctx); err != nil {
			return err
		}
		defer x.writeLock.Unlock()
	}
	tx, err := x.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// Add records the persons m names and, for verification messages, the
// request m makes or the change in a request's state, and for a court
// registration its CNR and FIR. A message already added changes
// nothing. m must have its hub id.
func (x *Index) Add(ctx context.Context, m *canonical.Message) error {
	return x.addAll(ctx, []*canonical.Message{m})
}

// addAll adds msgs in one transaction. Each statement is a round trip
// to the database, so it marks all of msgs indexed in one statement and
// inserts the person keys of the new ones in one per maxRowsPerInsert.
func (x *Index) addAll(ctx context.Context, msgs []*canonical.Message) error {
	rows := make(map[string][]keyRow, len(msgs))
	for _, m := range msgs {
		if m.ID == "" {
			return errors.New("indexing message: missing hub message id")
		}
		r, err := keyRows(m)
		if err != nil {
			return fmt.Errorf("indexing message %s: %w", m.ID, err)
		}
		rows[m.ID] = r
	}
	err := x.write(ctx, func(tx *sql.Tx) error {
		added, err := markIndexed(ctx, tx, msgs)
		if err != nil {
			return err
		}
		var keys []messageKey
		for _, m := range msgs {
			if added[m.ID] {
				for _, r := range rows[m.ID] {
					keys = append(keys, messageKey{messageID: m.ID, keyRow: r})
				}
			}
		}
		if err := insertKeys(ctx, tx, keys); err != nil {
			return err
		}
		for _, m := range msgs {
			if !added[m.ID] {
				continue
			}
			if err := trackRequest(ctx, tx, m); err != nil {
				return fmt.Errorf("indexing message %s: %w", m.ID, err)
			}
			if err := recordRegistration(ctx, tx, m); err != nil {
				return fmt.Errorf("indexing message %s: %w", m.ID, err)
			}
			added[m.ID] = false // A message twice in msgs is tracked once.
		}
		return nil
	})
	if err != nil && len(msgs) > 1 {
		return fmt.Errorf("indexing %d messages: %w", len(msgs), err)
	}
	if err != nil {
		return fmt.Errorf("indexing message %s: %w", msgs[0].ID, err)
	}
	return nil
}

// maxRowsPerInsert bounds the rows of one INSERT, so that its parameters
// stay well under SQLite's limit of 32,766 and PostgreSQL's of 65,535.
const maxRowsPerInsert = 1000

// markIndexed records msgs as indexed and returns the ids of those that
// were not already.
func markIndexed(ctx context.Context, tx *sql.Tx, msgs []*canonical.Message) (map[string]bool, error) {
	added := make(map[string]bool, len(msgs))
	now := time.Now().UnixMicro()
	for chunk := range slices.Chunk(msgs, maxRowsPerInsert) {
		var (
			stmt strings.Builder
			args []any
		)
		stmt.WriteString("INSERT INTO verification_indexed (message_id, indexed_at) VALUES ")
		for i, m := range chunk {
			if i > 0 {
				stmt.WriteString(", ")
			}
			fmt.Fprintf(&stmt, "($%d, $%d)", len(args)+1, len(args)+2)
			args = append(args, m.ID, now)
		}
		stmt.WriteString(" ON CONFLICT DO NOTHING RETURNING message_id")
		if err := collectIDs(ctx, tx, stmt.String(), args, added); err != nil {
			return nil, fmt.Errorf("marking messages indexed: %w", err)
		}
	}
	return added, nil
}

// collectIDs runs query and adds the id in each row it returns to into.
func collectIDs(ctx context.Context, tx *sql.Tx, query string, args []any, into map[string]bool) error {
	result, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer result.Close()
	for result.Next() {
		var id string
		if err := result.Scan(&id); err != nil {
			return err
		}
		into[id] = true
	}
	return result.Err()
}

// messageKey is a person-key row of one message.
type messageKey struct {
	messageID string
	keyRow
}

func insertKeys(ctx context.Context, tx *sql.Tx, keys []messageKey) error {
	for chunk := range slices.Chunk(keys, maxRowsPerInsert) {
		var (
			stmt strings.Builder
			args []any
		)
		stmt.WriteString(`INSERT INTO verification_person_keys
			(match_key, role, case_key, case_ref, message_id) VALUES `)
		for i, k := range chunk {
			if i > 0 {
				stmt.WriteString(", ")
			}
			n := len(args)
			fmt.Fprintf(&stmt, "($%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5)
			args = append(args, k.key, k.role, k.caseKey, k.caseRef, k.messageID)
		}
		stmt.WriteString(" ON CONFLICT DO NOTHING")
		if _, err := tx.ExecContext(ctx, stmt.String(), args...); err != nil {
			return fmt.Errorf("inserting person keys: %w", err)
		}
	}
	return nil
}
