package sqlite

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"

	moderncsqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// When SQLite cannot open a database or WAL file for writing, for example
// because the file is immutable or on a read-only mount, it opens the file
// read-only. That connection then rejects every write with SQLITE_READONLY
// for as long as it lives, also after the file becomes writable again.
// database/sql would keep it in the pool and reuse it, so the handle would
// fail writes until the process restarts. The wrappers below make
// database/sql close a connection after a statement on it returned an
// I/O, read-only or cannot-open error, so that the next statement opens a
// new connection.

// connector opens connections through the modernc.org/sqlite driver and
// wraps each in a conn.
type connector struct {
	base driver.Connector
}

func (c connector) Connect(ctx context.Context) (driver.Conn, error) {
	dc, err := c.base.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return newConn(dc)
}

func (c connector) Driver() driver.Driver { return c.base.Driver() }

// baseConn is the set of modernc.org/sqlite connection methods that
// database/sql uses.
type baseConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// conn is a connection that database/sql discards, instead of returning
// it to the pool, once a statement on it failed with an error for which
// [mustReopen] is true.
type conn struct {
	baseConn
	// broken is set after such an error. database/sql uses a connection
	// from one goroutine at a time, so it needs no lock.
	broken bool
}

func newConn(dc driver.Conn) (driver.Conn, error) {
	base, ok := dc.(baseConn)
	if !ok {
		_ = dc.Close()
		return nil, errors.New("sqlite driver connection lacks the context methods database/sql needs")
	}
	return &conn{baseConn: base}, nil
}

// check records whether err requires a new connection and returns err.
func (c *conn) check(err error) error {
	if mustReopen(err) {
		c.broken = true
	}
	return err
}

// mustReopen reports whether err is an SQLite error after which the
// connection may keep failing: SQLITE_IOERR, SQLITE_READONLY or
// SQLITE_CANTOPEN, with any extended code.
func mustReopen(err error) bool {
	var sqliteErr *moderncsqlite.Error
	if !errors.As(err, &sqliteErr) {
		return false
	}
	switch sqliteErr.Code() & 0xff {
	case sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN:
		return true
	}
	return false
}

func (c *conn) IsValid() bool {
	return !c.broken && c.baseConn.IsValid()
}

func (c *conn) ResetSession(ctx context.Context) error {
	if c.broken {
		return driver.ErrBadConn
	}
	return c.baseConn.ResetSession(ctx)
}

func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	r, err := c.baseConn.ExecContext(ctx, query, args)
	return r, c.check(err)
}

func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	r, err := c.baseConn.QueryContext(ctx, query, args)
	if err != nil {
		return nil, c.check(err)
	}
	return &rows{Rows: r, conn: c}, nil
}

func (c *conn) Ping(ctx context.Context) error {
	return c.check(c.baseConn.Ping(ctx))
}

func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	t, err := c.baseConn.BeginTx(ctx, opts)
	if err != nil {
		return nil, c.check(err)
	}
	return &tx{Tx: t, conn: c}, nil
}

// Begin is needed by the driver.Conn interface only: database/sql calls
// BeginTx.
func (c *conn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	s, err := c.baseConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, c.check(err)
	}
	return newStmt(s, c)
}

func (c *conn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

// tx records the errors of Commit and Rollback on its connection.
type tx struct {
	driver.Tx
	conn *conn
}

func (t *tx) Commit() error   { return t.conn.check(t.Tx.Commit()) }
func (t *tx) Rollback() error { return t.conn.check(t.Tx.Rollback()) }

// baseStmt is the set of modernc.org/sqlite statement methods that
// database/sql uses.
type baseStmt interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
}

// stmt records the errors of a prepared statement on its connection.
type stmt struct {
	baseStmt
	conn *conn
}

func newStmt(s driver.Stmt, c *conn) (driver.Stmt, error) {
	base, ok := s.(baseStmt)
	if !ok {
		_ = s.Close()
		return nil, errors.New("sqlite driver statement lacks the context methods database/sql needs")
	}
	return &stmt{baseStmt: base, conn: c}, nil
}

func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	r, err := s.baseStmt.ExecContext(ctx, args)
	return r, s.conn.check(err)
}

func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	r, err := s.baseStmt.QueryContext(ctx, args)
	if err != nil {
		return nil, s.conn.check(err)
	}
	return &rows{Rows: r, conn: s.conn}, nil
}

// rows records the errors of Next on its connection. It keeps only the
// methods of driver.Rows, so sql.Rows.ColumnTypes reports the generic
// column types.
type rows struct {
	driver.Rows
	conn *conn
}

func (r *rows) Next(dest []driver.Value) error {
	err := r.Rows.Next(dest)
	if err != nil && !errors.Is(err, io.EOF) {
		return r.conn.check(err)
	}
	return err
}
