package hub

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/jackc/pgx/v5/pgconn"
)

// busErrorInterval is the shortest time between two error lines with
// the same message from the bus libraries. During a database outage every
// subscription logs each failed poll, hundreds of lines a second.
const busErrorInterval = 5 * time.Second

// batchEndMessages are watermill-sql's lines for a subscriber's
// transaction that could not commit or roll back. When the hub stops in
// the middle of a batch, the stop cancels the transaction's context, so
// these lines follow from the stop and not from a fault. The batch's
// messages are handed out again after the restart and skipped as
// settled.
var batchEndMessages = map[string]bool{
	"could not commit tx for querying message":   true,
	"could not rollback tx for querying message": true,
}

// batchLost reports whether err is PostgreSQL's error for a statement in
// a transaction that had already failed (SQLSTATE 25P02), or a
// serialization failure (40001). On the PostgreSQL bus these end a batch
// whose rows another replica's delete raced with: the bus's liveness
// check (internal/bus/pgbus) meets the failed transaction, and the
// batch's messages are handed out again. Two replicas meet this in
// normal work, so it is no error.
func batchLost(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "25P02" || pgErr.Code == "40001")
}

// watermillLogger adapts log for watermill and the bus libraries. Their
// Info lines (each subscription and poll) belong at Debug in the hub's
// log. An error that is a cancellation comes from the hub's own shutdown,
// so it is logged at Debug too, and so are batchEndMessages once stopping
// is set (nil: never). Other errors with one message are logged at most
// once per busErrorInterval across the returned logger and those derived
// from it by With (errorLimit is shared), and the next line counts those
// left out. When PostgreSQL rejects a connection because of its
// connection limit, explainConnectionLimit also logs the cause.
func watermillLogger(log *slog.Logger, stopping *atomic.Bool) watermill.LoggerAdapter {
	inner := watermill.NewSlogLoggerWithLevelMapping(log, map[slog.Level]slog.Level{
		slog.LevelInfo: slog.LevelDebug,
	})
	if stopping == nil {
		stopping = &atomic.Bool{}
	}
	return &busLogger{LoggerAdapter: inner, limit: &errorLimit{last: map[string]limitState{}},
		connectionLimit: &errorLimit{last: map[string]limitState{}, interval: connectionLimitInterval},
		stopping:        stopping, now: time.Now}
}

type busLogger struct {
	watermill.LoggerAdapter
	limit *errorLimit
	// connectionLimit spaces the lines of explainConnectionLimit.
	connectionLimit *errorLimit
	stopping        *atomic.Bool
	now             func() time.Time
}

// connectionLimitInterval is the shortest time between two lines that
// name PostgreSQL's connection limit as the cause of the bus's errors.
const connectionLimitInterval = time.Minute

// tooManyConnections reports whether err is PostgreSQL rejecting a new
// connection because the server has reached its connection limit
// (SQLSTATE 53300, "sorry, too many clients already").
func tooManyConnections(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "53300"
}

// explainConnectionLimit logs a line that names the cause when err is
// PostgreSQL rejecting a connection because of its connection limit.
// l.connectionLimit, shared by every logger that With derives, keeps the
// lines at least connectionLimitInterval apart. watermill's own line for
// err is still logged.
func (l *busLogger) explainConnectionLimit(err error, fields watermill.LogFields) {
	if !tooManyConnections(err) {
		return
	}
	left, ok := l.connectionLimit.allow("connection limit", l.now())
	if !ok {
		return
	}
	l.LoggerAdapter.Error("PostgreSQL refuses new connections because it has reached its "+
		"connection limit (max_connections), so the bus cannot query or handle delivery "+
		"commands: raise max_connections to cover every replica's maximum connections, as the "+
		"README's section on PostgreSQL connection pools counts them, or lower the "+
		"destinations' concurrency or pool_max_conns in the hub's PostgreSQL URL", err,
		fields.Add(watermill.LogFields{"similar_lines_left_out": left}))
}

func (l *busLogger) Error(msg string, err error, fields watermill.LogFields) {
	l.explainConnectionLimit(err, fields)
	if errors.Is(err, context.Canceled) || (l.stopping.Load() && batchEndMessages[msg]) {
		l.LoggerAdapter.Debug(msg, fields.Add(watermill.LogFields{"error": err}))
		return
	}
	if batchLost(err) {
		l.LoggerAdapter.Debug(msg+"; the batch ended, and its messages are handed out again",
			fields.Add(watermill.LogFields{"error": err}))
		return
	}
	left, ok := l.limit.allow(msg, l.now())
	if !ok {
		return
	}
	if left > 0 {
		fields = fields.Add(watermill.LogFields{"similar_lines_left_out": left})
	}
	l.LoggerAdapter.Error(msg, err, fields)
}

func (l *busLogger) With(fields watermill.LogFields) watermill.LoggerAdapter {
	return &busLogger{LoggerAdapter: l.LoggerAdapter.With(fields), limit: l.limit,
		connectionLimit: l.connectionLimit, stopping: l.stopping, now: l.now}
}

// errorLimit remembers, per message, when it was last logged and how
// many lines were left out since. It is safe for concurrent use.
type errorLimit struct {
	mu   sync.Mutex
	last map[string]limitState
	// interval is the shortest time between two lines with one message;
	// busErrorInterval when zero.
	interval time.Duration
}

type limitState struct {
	at   time.Time
	left int
}

// allow reports whether a line with msg may be logged at now, and how
// many lines with msg were left out before it.
func (e *errorLimit) allow(msg string, now time.Time) (left int, ok bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	interval := e.interval
	if interval == 0 {
		interval = busErrorInterval
	}
	s, seen := e.last[msg]
	if seen && now.Sub(s.at) < interval {
		s.left++
		e.last[msg] = s
		return 0, false
	}
	e.last[msg] = limitState{at: now}
	return s.left, true
}
