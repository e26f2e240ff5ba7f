package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sangam-hub/sangam/internal/hub"
)

// errPostgresUnavailable marks a start of the hub that could not reach
// its PostgreSQL server, or that the server turned away for now. It
// counts as errUnavailable for the exit status, because starting again
// later may succeed.
var errPostgresUnavailable error = labeledError{label: "PostgreSQL unavailable", class: errUnavailable}

// openHub opens the hub of cfg. When cfg uses PostgreSQL and the server
// could not be reached or turned the connection away for now, the error
// wraps errPostgresUnavailable. Configuration errors, such as a
// rejected password, a missing database or schema, or an Aadhaar key
// other than the journal's, stay as hub.Open returns them.
func openHub(ctx context.Context, cfg hub.Config) (*hub.Hub, error) {
	h, err := hub.Open(ctx, cfg)
	switch {
	case err == nil:
		return h, nil
	case ctx.Err() != nil && errors.Is(err, context.Canceled):
		return nil, startInterrupted(cfg)
	case cfg.PostgresDSN != "" && postgresUnreachable(err):
		return nil, postgresUnavailable(err, "start the hub again once PostgreSQL accepts connections")
	}
	return nil, err
}

// startInterrupted returns the error of a start of the hub of cfg that
// a signal stopped. It wraps errInterrupted, because the stop was
// requested. With PostgreSQL the start waits only for the server, which
// may accept the connection and never reply when the URL sets no
// connect_timeout, so the error names the server.
func startInterrupted(cfg hub.Config) error {
	message := "start stopped by a signal before the hub was ready; the hub served nothing"
	if cfg.PostgresDSN != "" {
		server := "the server of the URL"
		if pgCfg, err := pgconn.ParseConfig(cfg.PostgresDSN); err == nil {
			server = strings.Join(serverAddresses(pgCfg), ", ")
		}
		message = "start interrupted while waiting for PostgreSQL at " + server + "; the hub served nothing"
	}
	return labeledError{label: message, class: errInterrupted}
}

// postgresUnavailable returns err, an error for which postgresUnreachable
// is true, wrapped in errPostgresUnavailable, with next, what to do, at
// the end. When err contains pgx's error of a failed connection, the text
// is one line that names the server and each distinct reason once. pgx
// tries a server more than once, such as with and without TLS under the
// default sslmode=prefer, and its own text repeats the same reason once
// for each attempt.
func postgresUnavailable(err error, next string) error {
	var connectErr *pgconn.ConnectError
	if !errors.As(err, &connectErr) || connectErr.Config == nil {
		return fmt.Errorf("%w: %w; %s", errPostgresUnavailable, err, next)
	}
	var reasons []string
	turnedAway := true
	for _, attempt := range connectAttempts(connectErr) {
		reason, serverError := attemptReason(attempt)
		turnedAway = turnedAway && serverError
		if !slices.Contains(reasons, reason) {
			reasons = append(reasons, reason)
		}
	}
	addresses := serverAddresses(connectErr.Config)
	state := "is unreachable"
	if len(addresses) > 1 {
		state = "are unreachable"
	}
	if turnedAway {
		state = "turned the connection away for now"
	}
	servers := strings.Join(addresses, ", ")
	return classedError{class: errPostgresUnavailable, err: err, message: fmt.Sprintf(
		"PostgreSQL at %s %s: %s; %s", servers, state, strings.Join(reasons, ", and "), next)}
}

// connectAttempts returns the error of each attempt that err records:
// pgconn joins them with errors.Join, one for each address and TLS
// setting that it tried.
func connectAttempts(err *pgconn.ConnectError) []error {
	inner := err.Unwrap()
	if joined, ok := inner.(interface{ Unwrap() []error }); ok {
		return joined.Unwrap()
	}
	return []error{inner}
}

// attemptReason returns why one connection attempt failed, without the
// address that pgx puts first, and whether the server turned the
// connection away with an error of its own.
func attemptReason(err error) (string, bool) {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Error(), true
	}
	var netErr net.Error
	if pgconn.Timeout(err) || errors.Is(err, context.DeadlineExceeded) ||
		(errors.As(err, &netErr) && netErr.Timeout()) {
		return "timed out", false
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno.Error(), false
	}
	if inner := errors.Unwrap(err); inner != nil {
		return inner.Error(), false
	}
	return err.Error(), false
}

// serverAddresses returns the address of each server that cfg names, in
// order and each once: host:port, or the socket's path for a Unix socket.
func serverAddresses(cfg *pgconn.Config) []string {
	configs := []*pgconn.FallbackConfig{{Host: cfg.Host, Port: cfg.Port}}
	configs = append(configs, cfg.Fallbacks...)
	var addresses []string
	for _, c := range configs {
		address := net.JoinHostPort(c.Host, strconv.Itoa(int(c.Port)))
		if strings.HasPrefix(c.Host, "/") {
			address = fmt.Sprintf("%s/.s.PGSQL.%d", c.Host, c.Port)
		}
		if !slices.Contains(addresses, address) {
			addresses = append(addresses, address)
		}
	}
	return addresses
}

// postgresBusyCodes are the SQLSTATE codes with which a PostgreSQL server
// turns a connection away for now: admin_shutdown, crash_shutdown,
// cannot_connect_now (starting up or shutting down) and
// too_many_connections (max_connections reached).
var postgresBusyCodes = map[string]bool{"57P01": true, "57P02": true, "57P03": true, "53300": true}

// postgresUnreachable reports whether err shows that the PostgreSQL
// server could not be reached, such as a refused or reset connection or
// a timeout, or that it turned the connection away with one of
// postgresBusyCodes.
func postgresUnreachable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return postgresBusyCodes[pgErr.Code]
	}
	var netErr net.Error
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH) ||
		errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout())
}
