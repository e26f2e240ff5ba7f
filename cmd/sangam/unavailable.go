package main

import (
	"context"
	"errors"
	"fmt"
	"net"
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
	if err != nil && cfg.PostgresDSN != "" && postgresUnreachable(err) {
		return nil, fmt.Errorf("%w: %w; start the hub again once PostgreSQL accepts connections",
			errPostgresUnavailable, err)
	}
	return h, err
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
