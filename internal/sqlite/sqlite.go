// Package sqlite opens the hub's embedded SQLite database through the pure-Go
// driver modernc.org/sqlite, so the embedded default needs neither cgo nor a
// server.
//
// Transaction contract: every transaction that [Open]'s handle begins with
// BeginTx is BEGIN IMMEDIATE, so it takes the database's single write lock
// when it starts, not at its first write. Two transactions that both read
// and then write therefore cannot deadlock on the lock upgrade, and a
// writer that finds the lock taken waits up to [BusyTimeout] instead of
// failing at once with SQLITE_BUSY. Read-only transactions
// (sql.TxOptions.ReadOnly) begin DEFERRED and never take the write lock.
// Because SQLite has one write lock per file, keep write transactions
// short, with no network calls inside them. Writers that contend heavily
// can queue on a [WriteLock] first, which serves them in arrival order.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	moderncsqlite "modernc.org/sqlite"
)

// BusyTimeout is how long a statement waits for a lock held by another
// connection before it fails with SQLITE_BUSY. Write transactions are meant
// to last milliseconds, so 5 s leaves a wide margin and still surfaces a
// stuck writer.
const BusyTimeout = 5 * time.Second

// Open opens, or creates, the SQLite database file at path. Every connection
// of the returned handle uses the WAL journal, synchronous=FULL, foreign
// keys, a busy timeout of BusyTimeout and BEGIN IMMEDIATE transactions.
// Open checks that the file is in WAL mode before returning. The handle
// closes a connection, instead of reusing it, after a statement on it
// failed with an I/O, read-only or cannot-open error, because SQLite
// keeps such a connection unable to write after the file becomes
// writable again.
//
// The caller closes the handle. The path must name a file: an empty path
// or ":memory:" is rejected, because WAL mode needs a file on disk.
func Open(path string) (*sql.DB, error) {
	dsn, err := dataSourceName(path)
	if err != nil {
		return nil, err
	}

	if err := createPrivate(path); err != nil {
		return nil, fmt.Errorf("opening sqlite %s: %w", path, err)
	}

	base, err := moderncsqlite.NewConnector(dsn)
	if err != nil {
		return nil, fmt.Errorf("opening sqlite %s: %w", path, err)
	}
	db := sql.OpenDB(connector{base: base})

	if err := checkWAL(db); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("opening sqlite %s: %w", path, err)
	}

	return db, nil
}

// createPrivate creates path, empty and readable by its owner only, when
// it does not exist, because the journal holds personal data. SQLite
// would create it with the process's umask, usually readable by
// everyone, and gives the -wal and -shm files the main file's mode. An
// empty file is an empty database.
//
// An existing file is left alone and never opened here. Closing any
// descriptor of a file releases every POSIX lock the process holds on
// it, including those of SQLite connections already open. Another
// process could then checkpoint and delete the WAL under them.
func createPrivate(path string) error {
	if _, err := os.Stat(path); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Close()
}

// dataSourceName builds the modernc.org/sqlite DSN for path. The driver
// applies each parameter to every new connection, because SQLite keeps
// busy_timeout, foreign_keys and synchronous per connection.
func dataSourceName(path string) (string, error) {
	if path == "" || path == ":memory:" || strings.HasPrefix(path, "file:") {
		return "", fmt.Errorf("opening sqlite: invalid path %q: expected a file system path", path)
	}

	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("opening sqlite: resolving path %q: %w", path, err)
	}

	params := url.Values{}
	// Wait for a lock held by another connection instead of failing at once.
	params.Set("_busy_timeout", strconv.FormatInt(BusyTimeout.Milliseconds(), 10))
	// WAL lets readers run while one writer commits, and makes a commit one
	// append to the write-ahead log.
	params.Set("_journal_mode", "WAL")
	// FULL syncs the WAL on every commit, so a commit that returned survives
	// power loss. NORMAL keeps the file consistent but can lose the last
	// commits on power loss, and the hub may already have acknowledged
	// them to a sender.
	params.Set("_synchronous", "FULL")
	// SQLite leaves foreign key enforcement off unless each connection enables it.
	params.Set("_foreign_keys", "on")
	// BEGIN IMMEDIATE takes the write lock at the start of a transaction, so
	// two read-then-write transactions queue on busy_timeout instead of one
	// failing with SQLITE_BUSY when it tries to upgrade its read lock.
	params.Set("_txlock", "immediate")

	// The file: URI form keeps characters such as '?' or '#' in the path
	// from being read as the start of the parameters.
	uri := url.URL{Scheme: "file", Path: abs, RawQuery: params.Encode()}
	return uri.String(), nil
}

// checkWAL connects once and reports an error unless the database runs in
// WAL mode, which SQLite silently refuses on some file systems.
func checkWAL(db *sql.DB) error {
	ctx, cancel := context.WithTimeout(context.Background(), BusyTimeout)
	defer cancel()

	var mode string
	err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode)
	if err != nil {
		return fmt.Errorf("reading journal mode: %w", err)
	}
	if !strings.EqualFold(mode, "wal") {
		return errors.New("journal mode is " + mode + ", expected wal: " +
			"the file system may not support the shared memory WAL needs")
	}
	return nil
}
