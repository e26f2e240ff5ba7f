package hub

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sangam-hub/sangam/internal/metrics/metricstest"
)

// readyz returns the status and body of GET /readyz.
func readyz(t *testing.T, hubURL string) (int, string) {
	t.Helper()
	resp, err := http.Get(hubURL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// journalUp returns the value of sangam_journal_up.
func journalUp(t *testing.T, hubURL string) float64 {
	t.Helper()
	up, ok := metricstest.Get(t, hubURL+"/metrics", "").Value("sangam_journal_up")
	if !ok {
		t.Fatal("sangam_journal_up is missing")
	}
	return up
}

// TestReadyzFailsWhileSchemaRenamed renames the hub's PostgreSQL schema
// while the hub runs. The journal still responds to a ping, but no
// write finds its tables, so the hub must report itself not ready and
// the journal down until the schema has its name back.
func TestReadyzFailsWhileSchemaRenamed(t *testing.T) {
	dsn := postgresDSN(t)
	parsed, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	schema := parsed.Query().Get("search_path")
	h := startHub(t, Config{
		DataDir: t.TempDir(), PostgresDSN: dsn,
		MetricsCacheFor: time.Millisecond,
	})
	hubURL := "http://" + h.Addr()

	if status, body := readyz(t, hubURL); status != http.StatusOK {
		t.Fatalf("GET /readyz before the rename: %d %s, want 200", status, body)
	}
	if up := journalUp(t, hubURL); up != 1 {
		t.Fatalf("sangam_journal_up before the rename = %v, want 1", up)
	}

	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	moved := schema + "_moved"
	if _, err := conn.Exec(ctx, "ALTER SCHEMA "+schema+" RENAME TO "+moved); err != nil {
		t.Fatal(err)
	}
	renamed := true
	// Give the schema its name back on failure, so that the cleanup of
	// postgresDSN drops it.
	t.Cleanup(func() {
		if renamed {
			_, _ = conn.Exec(ctx, "ALTER SCHEMA "+moved+" RENAME TO "+schema)
		}
	})

	status, body := readyz(t, hubURL)
	if status != http.StatusServiceUnavailable {
		t.Errorf("GET /readyz with the schema renamed: %d %s, want 503", status, body)
	}
	if !strings.Contains(body, "the journal cannot be written") {
		t.Errorf("GET /readyz with the schema renamed: body %s, want the reason", body)
	}
	waitFor(t, "sangam_journal_up to be 0 with the schema renamed", func() bool {
		return journalUp(t, hubURL) == 0
	})

	if _, err := conn.Exec(ctx, "ALTER SCHEMA "+moved+" RENAME TO "+schema); err != nil {
		t.Fatal(err)
	}
	renamed = false

	if status, body := readyz(t, hubURL); status != http.StatusOK {
		t.Errorf("GET /readyz after the schema got its name back: %d %s, want 200", status, body)
	}
	waitFor(t, "sangam_journal_up to be 1 after the schema got its name back", func() bool {
		return journalUp(t, hubURL) == 1
	})
}
