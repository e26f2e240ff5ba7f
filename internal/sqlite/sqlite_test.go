package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/sqlite"
)

func openTemp(t *testing.T, name string) *sql.DB {
	t.Helper()

	db, err := sqlite.Open(filepath.Join(t.TempDir(), name))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// TestOpenConcurrentWriters runs read-then-write transactions from several
// goroutines at once. With deferred transactions two of them could both hold
// a read lock, and one would fail with SQLITE_BUSY when upgrading it. With
// immediate transactions and busy_timeout every one must commit, and no
// update may be lost.
func TestOpenConcurrentWriters(t *testing.T) {
	db := openTemp(t, "hub.db")
	ctx := context.Background()

	_, err := db.ExecContext(ctx,
		`CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);
		 INSERT INTO counter (id, n) VALUES (1, 0);`)
	if err != nil {
		t.Fatalf("creating table: %v", err)
	}

	const writers = 8
	const increments = 50

	var wg sync.WaitGroup
	errs := make(chan error, writers*increments)
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range increments {
				if err := increment(ctx, db); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)

	for err := range errs {
		t.Errorf("increment failed: %v", err)
	}

	var n int
	if err := db.QueryRowContext(ctx, "SELECT n FROM counter WHERE id = 1").Scan(&n); err != nil {
		t.Fatalf("reading counter: %v", err)
	}
	if n != writers*increments {
		t.Errorf("counter = %d, want %d", n, writers*increments)
	}
}

// increment reads the counter and writes it back plus one in one
// transaction, the pattern that deadlocks on lock upgrade under deferred
// transactions.
func increment(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()

	var n int
	if err := tx.QueryRowContext(ctx, "SELECT n FROM counter WHERE id = 1").Scan(&n); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE counter SET n = ? WHERE id = 1", n+1); err != nil {
		return err
	}
	return tx.Commit()
}

// TestOpenPragmas checks the settings on several pooled connections, since
// SQLite keeps most of them per connection.
func TestOpenPragmas(t *testing.T) {
	db := openTemp(t, "pragmas.db")
	ctx := context.Background()

	conns := make([]*sql.Conn, 3)
	for i := range conns {
		conn, err := db.Conn(ctx)
		if err != nil {
			t.Fatalf("Conn: %v", err)
		}
		defer func() { _ = conn.Close() }()
		conns[i] = conn
	}

	want := map[string]string{
		"journal_mode": "wal",
		"synchronous":  "2", // FULL
		"foreign_keys": "1",
		"busy_timeout": "5000",
	}
	for i, conn := range conns {
		for pragma, expected := range want {
			var got string
			if err := conn.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
				t.Fatalf("conn %d: PRAGMA %s: %v", i, pragma, err)
			}
			if got != expected {
				t.Errorf("conn %d: PRAGMA %s = %q, want %q", i, pragma, got, expected)
			}
		}
	}
}

// TestOpenImmediateTransactions shows that a write transaction holds the
// write lock from BEGIN: a second one cannot begin until the first ends.
func TestOpenImmediateTransactions(t *testing.T) {
	db := openTemp(t, "immediate.db")
	ctx := context.Background()

	first, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatalf("first BeginTx: %v", err)
	}
	defer func() { _ = first.Rollback() }()

	// The wait ends when the context does, well before BusyTimeout.
	waitCtx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	second, err := db.BeginTx(waitCtx, nil)
	if err == nil {
		_ = second.Rollback()
		t.Fatal("second BeginTx succeeded while the first transaction held the write lock")
	}

	readOnly, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only BeginTx while a writer is open: %v", err)
	}
	_ = readOnly.Rollback()

	if err := first.Rollback(); err != nil {
		t.Fatalf("first Rollback: %v", err)
	}
	third, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatalf("BeginTx after the first transaction ended: %v", err)
	}
	_ = third.Rollback()
}

func TestOpenPathWithQueryCharacters(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "odd?name#1.db")

	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatalf("Open(%q): %v", path, err)
	}
	defer func() { _ = db.Close() }()

	var file string
	err = db.QueryRow("SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&file)
	if err != nil {
		t.Fatalf("reading database file name: %v", err)
	}
	if file != path {
		t.Errorf("database file = %q, want %q", file, path)
	}
}

func TestOpenRejectsNonFilePaths(t *testing.T) {
	for _, path := range []string{"", ":memory:", "file:hub.db"} {
		db, err := sqlite.Open(path)
		if err == nil {
			_ = db.Close()
			t.Errorf("Open(%q) succeeded, want an error", path)
		}
	}
}

func TestOpenMissingDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "hub.db")

	db, err := sqlite.Open(path)
	if err == nil {
		_ = db.Close()
		t.Fatalf("Open(%q) succeeded, want an error", path)
	}
}

func TestOpenCreatesPrivateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "private.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("mode = %o, want 600", mode)
	}
}

// TestSecondOpenKeepsLocks opens a database twice in this process, as the
// hub does for its journal and its person index. The first handle's lock
// on the database file must survive the second Open. Without it, another
// program that reads the file, such as the sqlite3 shell, takes itself
// for the last user when it closes. It then deletes the WAL, which holds
// this process's uncheckpointed writes.
func TestSecondOpenKeepsLocks(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads the process's locks from /proc/locks, which only Linux has")
	}
	path := filepath.Join(t.TempDir(), "shared.db")
	first, err := sqlite.Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer first.Close()
	if _, err := first.Exec("CREATE TABLE notes (body TEXT)"); err != nil {
		t.Fatal(err)
	}
	if !holdsLock(t, path) {
		t.Fatalf("no lock on %s after the first Open and a write", path)
	}

	second, err := sqlite.Open(path)
	if err != nil {
		t.Fatalf("second Open: %v", err)
	}
	defer second.Close()
	if !holdsLock(t, path) {
		t.Errorf("the second Open released the first handle's lock on %s", path)
	}
}

// holdsLock reports whether this process holds a POSIX lock on path,
// according to /proc/locks.
func holdsLock(t *testing.T, path string) bool {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	inode := info.Sys().(*syscall.Stat_t).Ino
	locks, err := os.ReadFile("/proc/locks")
	if err != nil {
		t.Fatal(err)
	}
	pid := strconv.Itoa(os.Getpid())
	for _, line := range strings.Split(string(locks), "\n") {
		f := strings.Fields(line)
		// 1: POSIX  ADVISORY  READ 17114 fe:00:9978900 1073741826 1073742335
		if len(f) < 6 || f[4] != pid {
			continue
		}
		parts := strings.Split(f[5], ":")
		if parts[len(parts)-1] == strconv.FormatUint(inode, 10) {
			return true
		}
	}
	return false
}
