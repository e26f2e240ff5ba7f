package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/sangam-hub/sangam/internal/hub"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/pgtest"
)

// serveLoopback listens on a free loopback port and runs handle on each
// connection it accepts until the test ends, then closes the
// connections. It returns the address.
func serveLoopback(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, conn)
			handle(conn)
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		<-done
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return ln.Addr().String()
}

// fakePostgres listens on loopback and replies to each connection's
// startup message with a FATAL error of SQLSTATE code, as a PostgreSQL
// server that shuts down or has no connection left does. It returns the
// server's connection URL.
func fakePostgres(t *testing.T, code, message string) string {
	t.Helper()
	addr := serveLoopback(t, func(conn net.Conn) {
		backend := pgproto3.NewBackend(conn, conn)
		if _, err := backend.ReceiveStartupMessage(); err == nil {
			backend.Send(&pgproto3.ErrorResponse{Severity: "FATAL", Code: code, Message: message})
			_ = backend.Flush()
		}
		_ = conn.Close()
	})
	return "postgres://sangam@" + addr + "/sangam?sslmode=disable"
}

// silentPostgres listens on loopback and accepts connections without
// ever replying, and returns a connection URL whose connect_timeout is
// one second.
func silentPostgres(t *testing.T) string {
	t.Helper()
	addr := serveLoopback(t, func(net.Conn) {})
	return "postgres://sangam@" + addr + "/sangam?sslmode=disable&connect_timeout=1"
}

// closedPort returns a loopback address where nothing listens. A socket
// bound to it, without listening, stays open until the test ends, so
// connections to it are refused and no listener of the test, such as
// the demo's own servers on port 0, can take the port in the meantime.
func closedPort(t *testing.T) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatalf("opening a socket: %v", err)
	}
	t.Cleanup(func() { _ = syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatalf("binding a loopback socket: %v", err)
	}
	bound, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatalf("reading the socket's address: %v", err)
	}
	return fmt.Sprintf("127.0.0.1:%d", bound.(*syscall.SockaddrInet4).Port)
}

// runServeOn runs sangam serve on dsn with a new data folder and a free
// port, and returns its exit status and standard error.
func runServeOn(t *testing.T, dsn string) (int, string) {
	t.Helper()
	unsetModeVariables(t)
	unsetEnv(t, aadhaarKeyEnv)
	code, _, errOut := runCLI(t, "serve", "--postgres", dsn, "--listen", "127.0.0.1:0",
		"--data", t.TempDir())
	return code, errOut
}

// TestServeUnreachablePostgresExitsThree starts serve on PostgreSQL
// servers that refuse the connection, never reply, shut down or have no
// connection left. Each start exits 3, the status of a command to run
// again later, and prints that PostgreSQL is unavailable.
func TestServeUnreachablePostgresExitsThree(t *testing.T) {
	cases := []struct{ name, dsn, reason string }{
		{"connection refused", "postgres://sangam@" + closedPort(t) + "/sangam?sslmode=disable",
			"is unreachable: connection refused"},
		{"timeout", silentPostgres(t), "is unreachable: timed out"},
		{"shutting down", fakePostgres(t, "57P03", "the database system is shutting down"),
			"turned the connection away for now: FATAL: the database system is shutting down (SQLSTATE 57P03)"},
		{"administrator shutdown", fakePostgres(t, "57P01",
			"terminating connection due to administrator command"),
			"turned the connection away for now: FATAL: terminating connection due to administrator command (SQLSTATE 57P01)"},
		{"too many clients", fakePostgres(t, "53300", "sorry, too many clients already"),
			"turned the connection away for now: FATAL: sorry, too many clients already (SQLSTATE 53300)"},
	}
	for _, c := range cases {
		code, errOut := runServeOn(t, c.dsn)
		if code != exitNotStored {
			t.Errorf("%s: exit %d, want %d; stderr %s", c.name, code, exitNotStored, errOut)
		}
		if want := "sangam serve: PostgreSQL at 127.0.0.1:"; !strings.HasPrefix(errOut, want) {
			t.Errorf("%s: stderr lacks %q:\n%s", c.name, want, errOut)
		}
		if n := strings.Count(errOut, "\n"); n != 1 {
			t.Errorf("%s: stderr has %d lines, want 1:\n%s", c.name, n, errOut)
		}
		if want := c.reason + "; start the hub again"; !strings.Contains(errOut, want) {
			t.Errorf("%s: stderr lacks %q:\n%s", c.name, want, errOut)
		}
		if want := "start the hub again once PostgreSQL accepts connections"; !strings.Contains(errOut, want) {
			t.Errorf("%s: stderr lacks %q:\n%s", c.name, want, errOut)
		}
	}
}

// TestServePostgresSetupErrorsExitTwo starts serve on PostgreSQL servers
// that reject the password or lack the database: those starts need a
// changed configuration, so they exit 2.
func TestServePostgresSetupErrorsExitTwo(t *testing.T) {
	cases := []struct{ name, dsn string }{
		{"password rejected", fakePostgres(t, "28P01", `password authentication failed for user "sangam"`)},
		{"role missing", fakePostgres(t, "28000", `role "sangam" does not exist`)},
		{"database missing", fakePostgres(t, "3D000", `database "sangam" does not exist`)},
	}
	for _, c := range cases {
		code, errOut := runServeOn(t, c.dsn)
		if code != exitSetup {
			t.Errorf("%s: exit %d, want %d; stderr %s", c.name, code, exitSetup, errOut)
		}
		if strings.Contains(errOut, "unavailable") {
			t.Errorf("%s: stderr calls the server unavailable:\n%s", c.name, errOut)
		}
	}
}

// testPostgres returns the URL of the PostgreSQL test server, from
// SANGAM_TEST_POSTGRES, and fails t when the server does not respond.
func testPostgres(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("SANGAM_TEST_POSTGRES")
	if dsn == "" {
		dsn = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatalf("PostgreSQL test server unreachable, set SANGAM_TEST_POSTGRES: %v", err)
	}
	_ = conn.Close(context.Background())
	return dsn
}

// TestServeMissingSchemaExitsTwo starts serve with a search_path of a
// schema that does not exist: the start exits 2, because the setup must
// change.
func TestServeMissingSchemaExitsTwo(t *testing.T) {
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	dsn := pgtest.WithSearchPath(t, testPostgres(t), "serve_exit_missing_"+hex.EncodeToString(suffix))
	code, errOut := runServeOn(t, dsn)
	if code != exitSetup {
		t.Errorf("exit %d, want %d; stderr %s", code, exitSetup, errOut)
	}
}

// TestServeOtherAadhaarKeyExitsTwo starts a hub on a new schema with one
// Aadhaar key, then serve with another: serve exits 2 and names the key.
func TestServeOtherAadhaarKeyExitsTwo(t *testing.T) {
	base := testPostgres(t)
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	schema := "serve_exit_key_" + hex.EncodeToString(suffix)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
		_ = conn.Close(ctx)
	})
	dsn := pgtest.WithSearchPath(t, base, schema)
	h, err := hub.Open(ctx, hub.Config{Listen: "127.0.0.1:0", DataDir: t.TempDir(), PostgresDSN: dsn,
		AadhaarKey: []byte(strings.Repeat("a", 32)), Log: newLog(&strings.Builder{}, 0)})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	cancel()
	if err := h.Run(runCtx); err != nil {
		t.Fatalf("stopping the first hub: %v", err)
	}

	t.Setenv(aadhaarKeyEnv, strings.Repeat("b", 32))
	unsetModeVariables(t)
	code, _, errOut := runCLI(t, "serve", "--postgres", dsn, "--listen", "127.0.0.1:0",
		"--data", t.TempDir())
	if code != exitSetup {
		t.Errorf("exit %d, want %d; stderr %s", code, exitSetup, errOut)
	}
	if want := "Aadhaar key"; !strings.Contains(errOut, want) {
		t.Errorf("stderr lacks %q:\n%s", want, errOut)
	}
}

// TestPostgresUnreachableClasses checks the errors that postgresUnreachable
// counts as a server to try again later, and the wrong key, which it
// does not.
func TestPostgresUnreachableClasses(t *testing.T) {
	if postgresUnreachable(fmt.Errorf("opening: %w", journal.CompareKey("a", "b"))) {
		t.Error("an Aadhaar key mismatch counts as unreachable")
	}
	if !postgresUnreachable(fmt.Errorf("opening: %w", context.DeadlineExceeded)) {
		t.Error("a deadline exceeded does not count as unreachable")
	}
}
