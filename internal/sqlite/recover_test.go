package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/sqlite"
	"github.com/sangam-hub/sangam/internal/sqlite/sqlitetest"
)

// insertRow inserts a row into table t in a write transaction.
func insertRow(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO t (x) VALUES (1)"); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// TestWritesRecoverAfterFileWritableAgain opens a connection while the
// database file is unwritable, which SQLite then opens read-only, and
// checks that writes succeed on the same handle once the file is
// writable again.
func TestWritesRecoverAfterFileWritableAgain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hub.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE TABLE t (x INTEGER)"); err != nil {
		t.Fatal(err)
	}
	// reservedConn keeps the database open, with its WAL, and leaves room
	// in the pool for one connection only, which the insert below opens
	// while the file is unwritable. A connection opened before the fault
	// would keep its file open for writing.
	reservedConn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer reservedConn.Close()
	db.SetMaxOpenConns(2)

	restore := sqlitetest.MakeUnwritable(t, path)
	err = insertRow(ctx, db)
	if err == nil {
		t.Fatal("insert on a connection opened while the file was unwritable succeeded, want an error")
	}
	if !strings.Contains(err.Error(), "readonly") {
		t.Errorf("insert while the file was unwritable: %v, want SQLite's read-only error", err)
	}
	restore()

	for i := range 3 {
		if err := insertRow(ctx, db); err != nil {
			t.Fatalf("insert %d after the file became writable: %v", i, err)
		}
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("table has %d rows, want 3", n)
	}
}

// TestReadOnlyConnectionDiscarded puts a connection that rejects writes
// with SQLITE_READONLY into the pool, through SQLite's query_only
// setting, and checks that the handle closes it after its first failed
// write instead of reusing it.
func TestReadOnlyConnectionDiscarded(t *testing.T) {
	db := openTemp(t, "hub.db")
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE TABLE t (x INTEGER)"); err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA query_only = ON"); err != nil {
		t.Fatal(err)
	}
	if err := conn.Close(); err != nil {
		t.Fatal(err)
	}

	if err := insertRow(ctx, db); err == nil {
		t.Fatal("insert on the query_only connection succeeded, want an error")
	}
	if err := insertRow(ctx, db); err != nil {
		t.Errorf("insert after the query_only connection failed: %v, want a new connection", err)
	}
	if _, err := db.ExecContext(ctx, "INSERT INTO t (x) VALUES (2)"); err != nil {
		t.Errorf("insert outside a transaction: %v", err)
	}
}

// TestCheckFilesWritable checks the database's files before, while and
// after the main file is unwritable.
func TestCheckFilesWritable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hub.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	ctx := context.Background()
	if err := sqlite.CheckFilesWritable(ctx, db); err != nil {
		t.Fatalf("CheckFilesWritable before the fault: %v", err)
	}
	restore := sqlitetest.MakeUnwritable(t, path+"-wal")
	err = sqlite.CheckFilesWritable(ctx, db)
	if err == nil {
		t.Error("CheckFilesWritable with the WAL unwritable returned nil, want an error")
	} else if !strings.Contains(err.Error(), path+"-wal") {
		t.Errorf("CheckFilesWritable error %q does not name the WAL", err)
	}
	restore()
	if err := sqlite.CheckFilesWritable(ctx, db); err != nil {
		t.Errorf("CheckFilesWritable after the fault: %v", err)
	}
}
