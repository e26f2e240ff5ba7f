package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"
)

// ErrWriteLockTimeout is returned by WriteLock.Lock when the lock stayed
// taken for BusyTimeout.
var ErrWriteLockTimeout = errors.New("timed out waiting for the write lock")

// WriteLock queues the writers of one database file in this process in
// arrival order. SQLite itself lets a blocked writer sleep and retry, with
// sleeps growing to 100 ms. Under contention the write lock then often
// sits free while every waiter sleeps, and a writer that has waited long
// keeps losing to newcomers until BusyTimeout fails it with SQLITE_BUSY.
// Writers that take a WriteLock first hand the file over in order and
// without sleeping.
//
// The lock is advisory: writers that do not take it still work and rely on
// SQLite's busy timeout alone. A goroutine that holds a write transaction
// must not wait for the WriteLock, because the holder of the WriteLock may
// be waiting for that transaction.
type WriteLock struct {
	// slot contains a token while the lock is held. Blocked senders on a Go
	// channel are served in arrival order.
	slot chan struct{}
	file string
}

// writeLocks contains the WriteLock of each database file this process has
// asked for, by file path. Entries are never removed. writeLocksMu guards
// the map.
var (
	writeLocksMu sync.Mutex
	writeLocks   = map[string]*WriteLock{}
)

// WriteLockFor returns the WriteLock of db's main database file. All handles
// on one file in this process share one lock. A database without a file
// gets a lock of its own.
func WriteLockFor(ctx context.Context, db *sql.DB) (*WriteLock, error) {
	file, err := MainFile(ctx, db)
	if err != nil {
		return nil, err
	}
	if file == "" {
		file = fmt.Sprintf("memory:%p", db)
	}

	writeLocksMu.Lock()
	defer writeLocksMu.Unlock()

	lock, ok := writeLocks[file]
	if !ok {
		lock = &WriteLock{slot: make(chan struct{}, 1), file: file}
		writeLocks[file] = lock
	}
	return lock, nil
}

// Lock waits until the lock is free and takes it. It returns an error
// wrapping ErrWriteLockTimeout after BusyTimeout, or ctx's error when ctx
// ends first.
func (l *WriteLock) Lock(ctx context.Context) error {
	timer := time.NewTimer(BusyTimeout)
	defer timer.Stop()

	select {
	case l.slot <- struct{}{}:
		return nil
	case <-timer.C:
		return fmt.Errorf("writing to %s: %w after %s", l.file, ErrWriteLockTimeout, BusyTimeout)
	case <-ctx.Done():
		return fmt.Errorf("writing to %s: %w", l.file, ctx.Err())
	}
}

// File returns the path of the database file the lock belongs to, or
// "memory:" followed by the handle's address for a database without a file.
func (l *WriteLock) File() string {
	return l.file
}

// Unlock releases the lock. It panics if the lock is not held.
func (l *WriteLock) Unlock() {
	select {
	case <-l.slot:
	default:
		panic("sqlite: Unlock of an unlocked WriteLock")
	}
}

// MainFile returns the path of db's main database file, or "" for a
// database that has no file.
func MainFile(ctx context.Context, db *sql.DB) (string, error) {
	var file string
	err := db.QueryRowContext(ctx,
		"SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&file)
	if err != nil {
		return "", fmt.Errorf("reading database file name: %w", err)
	}
	return file, nil
}
