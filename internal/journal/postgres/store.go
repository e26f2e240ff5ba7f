// Package postgres is the journal.Store on PostgreSQL, through a pgx
// connection pool.
//
// Open applies the package's embedded migrations, so a store is ready once
// Open returns. Accept writes the journal rows and the outbox messages in
// one transaction. Each outbox message becomes a watermill-sql row in its
// topic's table, which the bus creates beforehand.
//
// Times are timestamptz columns, so they keep microseconds: the store
// truncates every time it writes to the microsecond, and the times it
// returns in columns come back in UTC. The canonical message is a jsonb
// column holding the JSON as written, so its own times keep their
// offsets.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/journal/groupcommit"
)

// Config configures Open.
type Config struct {
	// DSN is the PostgreSQL connection string, as a URL or key=value
	// pairs. Required. A search_path parameter selects the schema that
	// holds the journal's tables.
	DSN string
	// MaxConns is the pool's maximum number of connections. Default 0
	// takes the DSN's pool_max_conns, else DefaultMaxConns.
	MaxConns int32
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
	// LazyAttempts makes the store record delivery attempts without
	// waiting for their commit to reach the disk (synchronous_commit
	// off), which saves a disk flush per attempt. Set it only when every delivery command is
	// acknowledged in this database, in a synchronous commit made after
	// its attempt is recorded, as on the PostgreSQL bus. PostgreSQL
	// writes its log in order, so that commit makes the attempt durable
	// too. A crash of the server before it loses both the attempt and
	// the acknowledgement, and the command comes back.
	// On a bus elsewhere, such as Kafka, a lost attempt could leave its
	// command acknowledged, so leave it false.
	LazyAttempts bool
}

// DefaultMaxConns is the pool size when neither Config nor the DSN sets
// one. Accept's committers hold up to four connections while inbound
// traffic lasts, and delivery workers need their own meanwhile, so the
// pool is well above pgxpool's default of four on a small machine.
const DefaultMaxConns = 16

// Validate returns an error naming the field and the rule unless c can be
// used, after defaults apply.
func (c Config) Validate() error {
	if c.DSN == "" {
		return errors.New("postgres journal config: dsn: missing")
	}
	if c.MaxConns < 0 {
		return fmt.Errorf("postgres journal config: max_conns: %d is negative", c.MaxConns)
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// Store is the PostgreSQL journal. It is safe for concurrent use.
type Store struct {
	pool   *pgxpool.Pool
	logger *slog.Logger
	wrap   func(message.Publisher) message.Publisher
	// published is Config.Published.
	published func(topics []string)
	// lazyAttempts is Config.LazyAttempts.
	lazyAttempts bool

	// committer groups concurrent Accept calls (group.go).
	committer *groupcommit.Committer[messageRow]
	// onGroup, when set, learns the size of each group before its commit.
	onGroup func(n int)
}

var _ journal.Store = (*Store)(nil)

// Open connects to PostgreSQL and applies the journal's migrations. Two processes may Open the same
// database at once: an advisory lock serialises the migrations. The caller
// closes the store.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()

	poolCfg, err := pgxpool.ParseConfig(cfg.DSN)
	if err != nil {
		// pgx's parse errors quote the DSN and hide its password only on a
		// best-effort basis, so this error leaves the DSN out.
		return nil, errors.New("opening postgres journal: dsn: invalid connection string, " +
			"expected a postgres:// URL or key=value pairs")
	}
	switch {
	case cfg.MaxConns > 0:
		poolCfg.MaxConns = cfg.MaxConns
	case !strings.Contains(cfg.DSN, "pool_max_conns"):
		poolCfg.MaxConns = DefaultMaxConns
	}

	pool, err := pgxpool.NewWithConfig(ctx, poolCfg)
	if err != nil {
		return nil, fmt.Errorf("opening postgres journal: %w", err)
	}
	s := &Store{pool: pool, logger: cfg.Logger, wrap: cfg.WrapPublisher, published: cfg.Published,
		lazyAttempts: cfg.LazyAttempts}

	applied, err := migrate(ctx, pool)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("opening postgres journal: %w", err)
	}
	if len(applied) > 0 {
		s.logger.Info("journal migrations applied", "versions", applied)
	}
	s.startCommitters()
	return s, nil
}

// Close stops accepting messages once the groups being committed are
// done, and closes the pool, waiting for connections in use to be
// released.
func (s *Store) Close() error {
	s.committer.Stop()
	s.pool.Close()
	return nil
}

// Ping checks that the journal's database responds to a query.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("pinging the journal: %w", err)
	}
	return nil
}

// ProbeWrite checks that the journal can be written, and changes nothing.
// In a transaction that it rolls back, it checks that the server is not a
// standby in recovery and updates no row of journal_settings. The update
// fails on a read-only transaction, and when the table cannot be found on
// the search_path, for example after its schema was renamed.
func (s *Store) ProbeWrite(ctx context.Context) error {
	if err := s.probeWriteTx(ctx); err != nil {
		return fmt.Errorf("probing a journal write: %w", err)
	}
	return nil
}

func (s *Store) probeWriteTx(ctx context.Context) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	// After the Rollback below, this one returns pgx.ErrTxClosed.
	defer func() { _ = tx.Rollback(ctx) }()

	var inRecovery bool
	if err := tx.QueryRow(ctx, "SELECT pg_is_in_recovery()").Scan(&inRecovery); err != nil {
		return err
	}
	if inRecovery {
		return errors.New("the PostgreSQL server is in recovery, so it accepts no writes")
	}
	if _, err := tx.Exec(ctx, "UPDATE journal_settings SET value = value WHERE false"); err != nil {
		return err
	}
	return tx.Rollback(ctx)
}
