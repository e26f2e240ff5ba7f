// Package pgtest holds helpers for tests that use the PostgreSQL test
// server.
package pgtest

import (
	"net/url"
	"strings"
	"testing"
)

// WithSearchPath returns dsn, a URL or key=value pairs, with search_path
// set to schema.
func WithSearchPath(t *testing.T, dsn, schema string) string {
	t.Helper()
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return dsn + " search_path=" + schema
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("parsing SANGAM_TEST_POSTGRES: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
