package hub

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sangam-hub/sangam/internal/bus"
	"github.com/sangam-hub/sangam/internal/bus/kafkabus"
	"github.com/sangam-hub/sangam/internal/bus/pgbus"
	"github.com/sangam-hub/sangam/internal/bus/sqlitebus"
	"github.com/sangam-hub/sangam/internal/journal"
	jpostgres "github.com/sangam-hub/sangam/internal/journal/postgres"
	jsqlite "github.com/sangam-hub/sangam/internal/journal/sqlite"
	"github.com/sangam-hub/sangam/internal/routestore"
	rpostgres "github.com/sangam-hub/sangam/internal/routestore/postgres"
	rsqlite "github.com/sangam-hub/sangam/internal/routestore/sqlite"
	"github.com/sangam-hub/sangam/internal/sqlite"
)

// busPoolHeadroom is how many bus connections beyond the start-up
// subscribers the PostgreSQL bus pool allows.
const busPoolHeadroom = 32

// busIdleTime is how long the PostgreSQL bus pool keeps an unused
// connection.
const busIdleTime = 30 * time.Second

// busHealthCheckPeriod is how often the PostgreSQL bus pool closes the
// connections unused for busIdleTime. pgxpool checks once a minute by
// default, so the connections of the subscriptions' first queries, which
// all run at start, would stay open for up to a minute and a half.
const busHealthCheckPeriod = 10 * time.Second

// busPoolConfig returns the configuration of the PostgreSQL bus pool
// for dsn and the number of subscribers the routes have at start. The
// idle time and health check period are busIdleTime and
// busHealthCheckPeriod unless dsn sets pool_max_conn_idle_time or
// pool_health_check_period.
func busPoolConfig(dsn string, subscribers int) (*pgxpool.Config, error) {
	poolCfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, errors.New("opening bus pool: invalid PostgreSQL connection string")
	}
	// Destinations added at run time get subscribers too, so the pool
	// leaves room beyond those the routes at start-up need.
	poolCfg.MaxConns = int32(subscribers + busPoolHeadroom)
	// Each subscriber takes a connection for every poll, so an idle hub
	// would otherwise keep one per subscriber open for pgxpool's default
	// of 30 minutes. pgxpool.ParseConfig does not tell whether dsn set
	// these, so their names are looked for in dsn as text: a password
	// containing one would leave pgxpool's default in place.
	if !strings.Contains(dsn, "pool_max_conn_idle_time") {
		poolCfg.MaxConnIdleTime = busIdleTime
	}
	if !strings.Contains(dsn, "pool_health_check_period") {
		poolCfg.HealthCheckPeriod = busHealthCheckPeriod
	}
	return poolCfg, nil
}

// journalFile is the embedded default's SQLite file in the data folder.
const journalFile = "sangam.db"

// lockFile is the file in the data folder that the hub on its SQLite
// journal holds an exclusive lock on while it runs.
const lockFile = "sangam.lock"

func lockPath(dir string) string { return filepath.Join(dir, lockFile) }

// deliveryGroup is the consumer group of the delivery handlers on
// SQLite. The PostgreSQL bus has one implicit group per topic, which all
// hubs on one database share, so each command is handled by one of them.
const deliveryGroup = "delivery"

// backend is the journal and bus of one storage choice. The journal
// publishes outbox messages into the bus's tables in its own
// transactions, so both live in one database.
type backend struct {
	name       string
	store      journal.Store
	routes     routestore.Store
	initTopic  func(ctx context.Context, topic string) error
	subscriber func(topic string, ackDeadline time.Duration) (message.Subscriber, error)
	// start runs the backend's background work, such as the outbox
	// forwarder, until ctx ends; nil when there is none.
	start func(ctx context.Context)
	// keepTopics, when set, creates again until ctx ends any of the
	// topics that topics lists which the bus has lost.
	keepTopics func(ctx context.Context, topics func() []string)
	// outbox counts what the outbox forwarder publishes; nil when the
	// bus has no outbox.
	outbox *outboxCounts
	// kafkaMembers reports the Kafka subscribers' group members; nil
	// without Kafka.
	kafkaMembers *kafkaMembers
	// waiting reads what a topic of the SQL bus holds for the hub's
	// subscribers.
	waiting func(ctx context.Context, topic string) (bus.Waiting, error)
	close   func() error
}

// openBackend opens the journal and bus, with the delivery topics on
// Kafka when kafka names brokers. subscribers is how many bus
// subscribers the hub will create, and wlog receives the bus libraries'
// lines.
func openBackend(
	ctx context.Context,
	cfg Config,
	kafka kafkabus.Config,
	subscribers int,
	wlog watermill.LoggerAdapter,
) (*backend, error) {
	var wrap func(message.Publisher) message.Publisher
	if len(kafka.Brokers) > 0 {
		wrap = outboxEnvelope
	}
	var b *backend
	var err error
	if cfg.PostgresDSN != "" {
		b, err = openPostgres(ctx, cfg, subscribers, wrap, wlog)
	} else {
		b, err = openSQLite(ctx, cfg, wrap, wlog)
	}
	if err != nil || len(kafka.Brokers) == 0 {
		return b, err
	}
	if err := b.moveToKafka(ctx, cfg, kafka, wlog); err != nil {
		b.close()
		return nil, err
	}
	return b, nil
}

// subscriberConfig returns the configuration of a SQL bus subscriber. At
// the stop a subscriber keeps the commands of the attempts in flight
// locked, for up to the shutdown timeout, until the attempts are recorded,
// so that no other replica sends them meanwhile.
func subscriberConfig(cfg Config, ackDeadline time.Duration, wakeups *bus.Wakeups) bus.SubscriberConfig {
	return bus.SubscriberConfig{PollInterval: cfg.PollInterval, AckDeadline: ackDeadline, Wakeups: wakeups,
		DrainTimeout: cfg.ShutdownTimeout}
}

func openSQLite(
	ctx context.Context,
	cfg Config,
	wrap func(message.Publisher) message.Publisher,
	wlog watermill.LoggerAdapter,
) (*backend, error) {
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("creating data folder: %w", err)
	}
	unlock, err := lockDataDir(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(cfg.DataDir, journalFile)
	db, err := sqlite.Open(path)
	if err != nil {
		unlock()
		return nil, err
	}
	closeDB := func() {
		db.Close()
		unlock()
	}
	// A read-only journal file opens and migrates without a write, and
	// would fail only at the first write with SQLite's own message.
	if err := sqlite.CheckFilesWritable(ctx, db); err != nil {
		closeDB()
		return nil, fmt.Errorf("%w; the hub's user needs to write the data folder and its files", err)
	}
	wakeups := &bus.Wakeups{}
	store, err := jsqlite.New(ctx, db, jsqlite.Config{Logger: cfg.Log, WrapPublisher: wrap, Published: wakeups.Wake})
	if err != nil {
		closeDB()
		return nil, err
	}
	if err := sqlite.CheckFreeSpace(ctx, db, sqlite.MinFreeBytes); err != nil {
		cfg.Log.Warn("the data folder's disk is nearly full: /readyz returns 503, and storing "+
			"messages may fail until space is freed", "error", err)
	}
	versions, err := rsqlite.New(ctx, db, rsqlite.Config{Logger: cfg.Log})
	if err != nil {
		closeDB()
		return nil, err
	}
	var subs []message.Subscriber
	return &backend{
		name:   "sqlite:" + path,
		store:  store,
		routes: versions,
		initTopic: func(ctx context.Context, topic string) error {
			return sqlitebus.InitializeTopic(ctx, db, topic)
		},
		waiting: func(ctx context.Context, topic string) (bus.Waiting, error) {
			return sqlitebus.WaitingIn(ctx, db, topic, deliveryGroup)
		},
		subscriber: func(_ string, ackDeadline time.Duration) (message.Subscriber, error) {
			sc := subscriberConfig(cfg, ackDeadline, wakeups)
			sc.ConsumerGroup = deliveryGroup
			sub, err := sqlitebus.NewSubscriber(db, sc, wlog)
			if err != nil {
				return nil, err
			}
			subs = append(subs, sub)
			return sub, nil
		},
		close: func() error {
			return errors.Join(closeAll(subs), store.Close(), db.Close(), unlock())
		},
	}, nil
}

// openPostgres gives the bus subscribers a pool of their own. A
// subscriber keeps a connection in a transaction while its handler runs,
// and the handler needs another connection for the journal, so on one
// shared pool busy subscribers could take every connection and wait
// forever for their handlers.
func openPostgres(
	ctx context.Context,
	cfg Config,
	subscribers int,
	wrap func(message.Publisher) message.Publisher,
	wlog watermill.LoggerAdapter,
) (*backend, error) {
	wakeups := &bus.Wakeups{}
	store, err := jpostgres.Open(ctx, jpostgres.Config{
		DSN: cfg.PostgresDSN, Logger: cfg.Log, WrapPublisher: wrap, Published: wakeups.Wake,
		// The PostgreSQL bus acknowledges delivery commands in this
		// database after their attempts are recorded; Kafka does not.
		LazyAttempts: wrap == nil,
	})
	if err != nil {
		return nil, err
	}
	versions, err := rpostgres.New(ctx, store.Pool(), rpostgres.Config{Logger: cfg.Log})
	if err != nil {
		store.Close()
		return nil, err
	}
	poolCfg, err := busPoolConfig(cfg.PostgresDSN, subscribers)
	if err != nil {
		store.Close()
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, poolCfg)
	if err != nil {
		store.Close()
		return nil, fmt.Errorf("opening bus pool: %w", err)
	}
	var subs []message.Subscriber
	return &backend{
		name:   "postgres",
		store:  store,
		routes: versions,
		initTopic: func(ctx context.Context, topic string) error {
			return pgbus.InitializeTopic(ctx, store.Pool(), topic)
		},
		waiting: func(ctx context.Context, topic string) (bus.Waiting, error) {
			return pgbus.WaitingIn(ctx, store.Pool(), topic)
		},
		subscriber: func(_ string, ackDeadline time.Duration) (message.Subscriber, error) {
			sub, err := pgbus.NewSubscriber(pool, subscriberConfig(cfg, ackDeadline, wakeups), wlog)
			if err != nil {
				return nil, err
			}
			subs = append(subs, sub)
			return sub, nil
		},
		close: func() error {
			err := errors.Join(closeAll(subs), store.Close())
			pool.Close()
			return err
		},
	}, nil
}

func closeAll(subs []message.Subscriber) error {
	var errs []error
	for _, s := range subs {
		errs = append(errs, s.Close())
	}
	return errors.Join(errs...)
}
