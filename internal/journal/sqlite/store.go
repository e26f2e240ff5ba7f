// Package sqlite is the journal.Store on a SQLite database file, the
// embedded default that needs no server.
//
// New applies the package's embedded migrations on a database that
// internal/sqlite.Open opened, which the store shares with the SQLite bus
// (internal/bus/sqlitebus). Accept writes the journal rows and the outbox
// messages in one transaction. Each outbox message becomes a row in its
// topic's table, which sqlitebus.InitializeTopic creates beforehand.
//
// Every time column holds microseconds since the Unix epoch: an instant
// that reads back the same whatever the host's time zone, kept to the
// microsecond like the PostgreSQL store's. The store truncates every time
// it writes to the microsecond, and the times it returns in columns come
// back in UTC. The canonical message is stored as its JSON text, so its
// own times keep their offsets, and messages.occurred_offset keeps
// occurred_at's offset in seconds for queries.
//
// The write transactions rely on internal/sqlite's BEGIN IMMEDIATE: each
// takes the database's write lock when it starts, so RecordAttempt's
// read of a delivery's status and its update cannot interleave with
// another writer's. Before BEGIN, each also takes internal/sqlite's
// WriteLock, so the writers of one process queue in arrival order.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/journal/groupcommit"
	hubsqlite "github.com/sangam-hub/sangam/internal/sqlite"
)

// Config configures New.
type Config struct {
	// Logger receives the store's logs. Default slog.Default().
	Logger *slog.Logger
	// WrapPublisher, when set, wraps the publisher that writes outbox
	// messages inside the store's transactions, for example in a
	// watermill forwarder envelope that moves them to Kafka after the
	// commit. Default nil: messages stay on this database's bus.
	WrapPublisher func(message.Publisher) message.Publisher
	// Published, when set, is called after each commit that published
	// outbox messages, with the topics they landed on (after
	// WrapPublisher), so that idle subscribers of those topics in this
	// process look at once instead of at their next poll.
	Published func(topics []string)
	// MinFreeBytes is the free space on the journal's file system below
	// which ProbeWrite fails. Default hubsqlite.MinFreeBytes.
	MinFreeBytes uint64
}

// Store is the SQLite journal. It is safe for concurrent use.
type Store struct {
	db        *sql.DB
	writeLock *hubsqlite.WriteLock
	logger    *slog.Logger
	wrap      func(message.Publisher) message.Publisher
	// published is Config.Published.
	published func(topics []string)
	// committer groups concurrent Accept calls (group.go).
	committer *groupcommit.Committer[messageRow]
	// minFree is Config.MinFreeBytes.
	minFree uint64
}

var _ journal.Store = (*Store)(nil)

// New applies the journal's migrations to db and returns a store over it.
// db must come from internal/sqlite.Open, which enables foreign keys and
// BEGIN IMMEDIATE. Two processes may call New on one file at once: the
// migration transaction holds the write lock. The caller owns db and
// closes it after the store.
func New(ctx context.Context, db *sql.DB, cfg Config) (*Store, error) {
	if db == nil {
		return nil, errors.New("opening sqlite journal: db: missing")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MinFreeBytes == 0 {
		cfg.MinFreeBytes = hubsqlite.MinFreeBytes
	}

	lock, err := hubsqlite.WriteLockFor(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("opening sqlite journal: %w", err)
	}

	applied, err := migrate(ctx, db, lock)
	if err != nil {
		return nil, fmt.Errorf("opening sqlite journal: %w", err)
	}
	if len(applied) > 0 {
		cfg.Logger.Info("journal migrations applied", "versions", applied)
	}
	s := &Store{db: db, writeLock: lock, logger: cfg.Logger, wrap: cfg.WrapPublisher,
		published: cfg.Published, minFree: cfg.MinFreeBytes}
	s.startCommitter()
	return s, nil
}

// Close stops accepting messages once the group being committed is done.
// It leaves the database handle open, because the caller owns it.
func (s *Store) Close() error {
	s.committer.Stop()
	return nil
}

// Ping checks that the journal's file can be read.
func (s *Store) Ping(ctx context.Context) error {
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&n); err != nil {
		return fmt.Errorf("pinging the journal: %w", err)
	}
	return nil
}

// ProbeWrite checks that the journal can be written, and changes nothing.
// It takes the write lock in a transaction that updates no row of
// journal_settings and is rolled back, so a connection that can only
// read fails it. It then checks that the database files are writable,
// which open connections learn only when they commit pages, and that
// their file system has Config.MinFreeBytes free.
func (s *Store) ProbeWrite(ctx context.Context) error {
	if err := s.probeWriteTx(ctx); err != nil {
		return fmt.Errorf("probing a journal write: %w", err)
	}
	if err := hubsqlite.CheckFilesWritable(ctx, s.db); err != nil {
		return fmt.Errorf("probing a journal write: %w", err)
	}
	if err := hubsqlite.CheckFreeSpace(ctx, s.db, s.minFree); err != nil {
		return fmt.Errorf("probing a journal write: %w: %w", journal.ErrLowSpace, err)
	}
	return nil
}

func (s *Store) probeWriteTx(ctx context.Context) error {
	if err := s.writeLock.Lock(ctx); err != nil {
		return err
	}
	defer s.writeLock.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "UPDATE journal_settings SET value = value WHERE 0")
	return errors.Join(err, ignoreDone(tx.Rollback()))
}
