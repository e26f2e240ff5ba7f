package sqlitebus

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	moderncsqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/sangam-hub/sangam/internal/bus"
	"github.com/sangam-hub/sangam/internal/sqlite"
)

// groupKey identifies one consumer group of one topic in one database file,
// named by sqlite.WriteLock.File.
type groupKey struct {
	file, topic, group string
}

// groupLocks contains one lock per consumer group and topic: a channel with
// room for one token, held by the subscriber that is between reading a
// batch and storing its acknowledged offset. Entries are never removed, and
// there is one per topic and group the process has subscribed to.
// groupLocksMu guards the map, not the channels.
var (
	groupLocksMu sync.Mutex
	groupLocks   = map[groupKey]chan struct{}{}
)

func groupLock(key groupKey) chan struct{} {
	groupLocksMu.Lock()
	defer groupLocksMu.Unlock()

	lock, ok := groupLocks[key]
	if !ok {
		lock = make(chan struct{}, 1)
		groupLocks[key] = lock
	}
	return lock
}

// groupBeginner is the wsql.Beginner the subscriber runs on. Its
// "transaction" takes the consumer group's lock and runs each statement on
// its own, outside any database transaction, so that a message waiting for
// its acknowledgement holds no SQLite lock and blocks no other writer.
//
// This is safe for the statements watermill-sql's Subscriber runs in one
// such transaction: one SELECT of a batch after the stored offset, then at
// most one acknowledgement, a single INSERT ... ON CONFLICT statement that
// is atomic by itself. The group lock keeps a second subscriber of the same
// group from reading the batch again before that offset is stored, as the
// row lock of SELECT ... FOR UPDATE does in PostgreSQL.
type groupBeginner struct {
	db        wsql.Beginner
	file      string
	group     string
	writeLock *sqlite.WriteLock
	logger    watermill.LoggerAdapter
}

// BeginTx waits for the lock of the consumer group and the topic of the
// bus.Subscription in ctx. It stops waiting when ctx is done or the
// subscriber starts closing. The options are ignored.
func (b groupBeginner) BeginTx(ctx context.Context, _ *sql.TxOptions) (wsql.Tx, error) {
	subscription, ok := bus.SubscriptionFromContext(ctx)
	if !ok {
		return nil, errors.New("beginning consumer group transaction: no subscription in context")
	}
	topic := subscription.Topic

	lock := groupLock(groupKey{file: b.file, topic: topic, group: b.group})
	select {
	case lock <- struct{}{}:
		logger := b.logger.With(watermill.LogFields{"topic": topic, "consumer_group": b.group})
		return &groupTx{db: b.db, lock: lock, writeLock: b.writeLock, logger: logger}, nil
	case <-subscription.Closing:
		return nil, fmt.Errorf("waiting for consumer group %q of %s: %w", b.group, topic, bus.ErrClosed)
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for consumer group %q of %s: %w", b.group, topic, ctx.Err())
	}
}

func (b groupBeginner) ExecContext(ctx context.Context, query string, args ...any) (wsql.Result, error) {
	return b.db.ExecContext(ctx, query, args...)
}

func (b groupBeginner) QueryContext(ctx context.Context, query string, args ...any) (wsql.Rows, error) {
	return b.db.QueryContext(ctx, query, args...)
}

// groupTx holds a consumer group lock until Commit or Rollback. Its
// statements commit one by one, so Rollback undoes nothing: it only
// releases the lock.
type groupTx struct {
	db        wsql.Beginner
	lock      chan struct{}
	writeLock *sqlite.WriteLock
	logger    watermill.LoggerAdapter
	release   sync.Once
}

// ackRetryPause is the wait between two attempts to store an offset. Each
// failed attempt has already waited sqlite.BusyTimeout for the lock.
const ackRetryPause = 100 * time.Millisecond

// ExecContext runs the acknowledgement statement under the file's
// WriteLock. While it fails because other writers kept the file locked for
// longer than the busy timeout, it runs the statement again until ctx is
// done. The handlers have acknowledged the messages by then, and giving up
// would deliver them again. Repeating is safe because the stored offset
// only grows.
func (t *groupTx) ExecContext(ctx context.Context, query string, args ...any) (wsql.Result, error) {
	for {
		result, err := lockedExec(ctx, t.writeLock, t.db, query, args...)
		if !isBusy(err) {
			return result, err
		}
		t.logger.Error("Storing acknowledged offset failed, retrying", err,
			watermill.LogFields{"retry_in": ackRetryPause})

		select {
		case <-time.After(ackRetryPause):
		case <-ctx.Done():
			return result, err
		}
	}
}

// lockedExec runs one statement on db while holding writeLock.
func lockedExec(
	ctx context.Context,
	writeLock *sqlite.WriteLock,
	db wsql.ContextExecutor,
	query string,
	args ...any,
) (wsql.Result, error) {
	if err := writeLock.Lock(ctx); err != nil {
		return nil, err
	}
	defer writeLock.Unlock()

	return db.ExecContext(ctx, query, args...)
}

// isBusy reports whether err means that another writer kept the database
// locked for too long: SQLite's SQLITE_BUSY, with any extended code, or a
// timed out WriteLock.
func isBusy(err error) bool {
	if errors.Is(err, sqlite.ErrWriteLockTimeout) {
		return true
	}
	var sqliteErr *moderncsqlite.Error
	return errors.As(err, &sqliteErr) && sqliteErr.Code()&0xff == sqlite3.SQLITE_BUSY
}

func (t *groupTx) QueryContext(ctx context.Context, query string, args ...any) (wsql.Rows, error) {
	return t.db.QueryContext(ctx, query, args...)
}

// Commit releases the lock.
func (t *groupTx) Commit() error {
	t.release.Do(func() { <-t.lock })
	return nil
}

// Rollback releases the lock.
func (t *groupTx) Rollback() error {
	t.release.Do(func() { <-t.lock })
	return nil
}
