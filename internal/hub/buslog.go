package hub

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sangam-hub/sangam/internal/throttle"
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
// from it by With, which share its limits. The next line with the
// message counts those left out, or else runFlush logs the count once the
// interval has ended. When PostgreSQL rejects a connection because of its
// connection limit, explainConnectionLimit also logs the cause.
func watermillLogger(log *slog.Logger, stopping *atomic.Bool) *busLogger {
	inner := watermill.NewSlogLoggerWithLevelMapping(log, map[slog.Level]slog.Level{
		slog.LevelInfo: slog.LevelDebug,
	})
	if stopping == nil {
		stopping = &atomic.Bool{}
	}
	return &busLogger{LoggerAdapter: inner, log: log,
		limit:           &throttle.KeyedSampler{Interval: busErrorInterval, MaxKeys: maxBusErrorMessages},
		connectionLimit: &throttle.KeyedSampler{Interval: connectionLimitInterval},
		stopping:        stopping, now: time.Now}
}

// maxBusErrorMessages is how many messages of bus errors the limit
// tracks one by one. The bus libraries log a few dozen fixed messages, so
// the limit's shared line for the others is there only to bound its
// memory.
const maxBusErrorMessages = 256

// busErrorKind is the kind of every line in busLogger.limit, whose keys
// are the lines' messages.
const busErrorKind = "bus error"

type busLogger struct {
	watermill.LoggerAdapter
	// log receives the lines that count the error lines left out, which
	// have no fields of a With.
	log *slog.Logger
	// limit lets through one error line per busErrorInterval for each
	// message.
	limit *throttle.KeyedSampler
	// connectionLimit spaces the lines of explainConnectionLimit.
	connectionLimit *throttle.KeyedSampler
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
	// The sampler has this one key, and the key that decides a line never
	// expires in Allow, so Allow reports no expired counts.
	d := l.connectionLimit.Allow("connection limit", "", l.now())
	if !d.OK {
		return
	}
	l.LoggerAdapter.Error("PostgreSQL refuses new connections because it has reached its "+
		"connection limit (max_connections), so the bus cannot query or handle delivery "+
		"commands: raise max_connections to cover every replica's maximum connections, as the "+
		"README's section on PostgreSQL connection pools counts them, or lower the "+
		"destinations' concurrency or pool_max_conns in the hub's PostgreSQL URL", err,
		fields.Add(watermill.LogFields{"similar_lines_left_out": d.Suppressed}))
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
	d := l.limit.Allow(busErrorKind, msg, l.now())
	l.logLeftOut(d.Expired)
	if !d.OK {
		return
	}
	if d.Shared {
		fields = fields.Add(watermill.LogFields{"rate_limit": "shared"})
	}
	if d.Suppressed > 0 {
		fields = fields.Add(watermill.LogFields{"similar_lines_left_out": d.Suppressed})
	}
	l.LoggerAdapter.Error(msg, err, fields)
}

func (l *busLogger) With(fields watermill.LogFields) watermill.LoggerAdapter {
	return &busLogger{LoggerAdapter: l.LoggerAdapter.With(fields), log: l.log, limit: l.limit,
		connectionLimit: l.connectionLimit, stopping: l.stopping, now: l.now}
}

// leftOutMessage is the message of the lines that count the error lines
// that the limit left out. It differs from the counted lines' message,
// so that an alert on ERROR lines counts each failure once.
const leftOutMessage = "similar bus errors left out"

// logLeftOut logs at Warn, for each entry in leftOut, the count of error
// lines with one message that l.limit left out, with that message as
// attribute message. The count of the limit shared by the messages
// beyond maxBusErrorMessages has rate_limit=shared in its place. Such a
// line has no error and no fields of a With, because the lines it
// counts had their own.
func (l *busLogger) logLeftOut(leftOut []throttle.HeldBack) {
	for _, h := range leftOut {
		counted := slog.String("message", h.Key)
		if h.Key == "" {
			counted = slog.String("rate_limit", "shared")
		}
		l.log.Warn(leftOutMessage, counted, "similar_lines_left_out", h.Suppressed,
			"left_out_since", h.Since)
	}
}

// runFlush logs, at each value of ticks until ctx ends, the counts of
// the error lines left out whose interval has ended. Without it such a
// count is logged only with the next line of its message, which may
// never come.
func (l *busLogger) runFlush(ctx context.Context, ticks <-chan time.Time) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticks:
			l.logLeftOut(l.limit.Flush(l.now()))
		}
	}
}

// flushAll logs the counts of all error lines left out, whether or not
// their interval has ended, for the hub's stop.
func (l *busLogger) flushAll() {
	// Flush reports the entries whose last line is at least one interval
	// old at the time it is given, which every entry is one interval from
	// now.
	l.logLeftOut(l.limit.Flush(l.now().Add(busErrorInterval)))
}
