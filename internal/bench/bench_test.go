package bench

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// tinyConfig runs every step with 24 documents, among them invalid ones
// (every 7th) and duplicates (every 5th).
func tinyConfig(t *testing.T) Config {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		quiet = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return Config{
		DataDir:        t.TempDir(),
		Rates:          []int{40},
		Duration:       10 * time.Second,
		MaxMessages:    24,
		Senders:        3,
		SteadyRate:     40,
		DrainTimeout:   60 * time.Second,
		InvalidEvery:   7,
		DuplicateEvery: 5,
		Log:            quiet,
		HubLog:         quiet,
	}
}

func TestRunSQLite(t *testing.T) {
	report, err := Run(context.Background(), tinyConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, report)
}

func TestRunPostgres(t *testing.T) {
	dsn := os.Getenv("SANGAM_TEST_POSTGRES")
	if dsn == "" {
		dsn = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Skipf("PostgreSQL not reachable at SANGAM_TEST_POSTGRES (%v); start it or set the variable", err)
	}
	conn.Close(context.Background())
	cfg := tinyConfig(t)
	cfg.Store, cfg.PostgresDSN = StorePostgres, dsn
	report, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, report)
	if report.Machine.PostgresVersion == "" {
		t.Error("report has no PostgreSQL version")
	}
	if runtime.GOOS == "linux" && postgresCPU() > 0 {
		// The server runs on this machine, so its work shows. The kernel
		// charges CPU time in ticks of 10 ms, and one step of this tiny run
		// costs the server a few ticks at most, so a step may read 0; the
		// three steps together may not.
		steps := []Step{report.Closed, report.Backlog.Step}
		steps = append(steps, report.Open...)
		var total float64
		for _, s := range steps {
			total += s.PostgresCPUMsPerMessage
		}
		if total <= 0 {
			t.Errorf("PostgreSQL CPU per message is 0 in every step, want above 0 in one")
		}
	}
}

func checkReport(t *testing.T, r *Report) {
	t.Helper()
	steps := map[string]Step{"closed": r.Closed, "backlog": r.Backlog.Step}
	if runtime.GOOS == "linux" {
		for name, s := range steps {
			if s.MachineBusyPercent <= 0 || s.MachineBusyPercent > 100 {
				t.Errorf("%s step: machine busy %v%%, want within (0, 100]", name, s.MachineBusyPercent)
			}
		}
	}
	if len(r.Open) != 1 {
		t.Fatalf("got %d open-loop steps, want 1", len(r.Open))
	}
	steps["open"] = r.Open[0]
	accepted, invalid, duplicates := 0, 0, 0
	for name, s := range steps {
		checkStep(t, name, s)
		accepted += s.Counts.Accepted
		invalid += s.Counts.Invalid
		duplicates += s.Counts.Duplicates
	}
	if invalid == 0 || duplicates == 0 {
		t.Errorf("got %d invalid and %d duplicates over the run, want some of each",
			invalid, duplicates)
	}
	if r.Receiver.Distinct != accepted {
		t.Errorf("receiver got %d distinct deliveries, want %d (all accepted)",
			r.Receiver.Distinct, accepted)
	}
	if r.Receiver.Missing != 0 {
		t.Errorf("receiver got %d deliveries without Idempotency-Key", r.Receiver.Missing)
	}
	if r.Backlog.Backlog != r.Backlog.Counts.Accepted {
		t.Errorf("backlog is %d, want the step's %d accepted", r.Backlog.Backlog,
			r.Backlog.Counts.Accepted)
	}
	if r.RawBus.Messages != 24 {
		t.Errorf("raw bus published %d messages, want 24", r.RawBus.Messages)
	}
	if r.RawBus.SubscribeRate <= 0 {
		t.Errorf("raw bus subscribe rate is %v, want it measured", r.RawBus.SubscribeRate)
	}
	checkOutput(t, r)
}

func checkStep(t *testing.T, name string, s Step) {
	t.Helper()
	c := s.Counts
	if c.Sent != 24 {
		t.Errorf("%s: sent %d, want 24", name, c.Sent)
	}
	if c.Failed != 0 || c.Unavailable != 0 {
		t.Errorf("%s: %d posts failed and %d were answered 503, first: %s", name, c.Failed,
			c.Unavailable, s.FirstError)
	}
	if c.Accepted+c.Duplicates+c.Invalid != c.Sent {
		t.Errorf("%s: accepted %d + duplicates %d + invalid %d != sent %d",
			name, c.Accepted, c.Duplicates, c.Invalid, c.Sent)
	}
	if c.Invalid != c.GeneratedInvalid {
		t.Errorf("%s: hub rejected %d as invalid, generator made %d", name, c.Invalid,
			c.GeneratedInvalid)
	}
	if c.Duplicates != c.GeneratedDuplicates {
		t.Errorf("%s: hub answered %d duplicates, generator made %d", name, c.Duplicates,
			c.GeneratedDuplicates)
	}
	if !s.Drained || s.Delivered != c.Accepted {
		t.Errorf("%s: delivered %d of %d accepted (drained %v)", name, s.Delivered,
			c.Accepted, s.Drained)
	}
	if s.Ack.Count != c.Accepted || s.EndToEnd.Count != s.Delivered {
		t.Errorf("%s: %d ack and %d end-to-end latencies for %d accepted and %d delivered",
			name, s.Ack.Count, s.EndToEnd.Count, c.Accepted, s.Delivered)
	}
}

// checkOutput checks that both output forms carry the counts.
func checkOutput(t *testing.T, r *Report) {
	t.Helper()
	var text strings.Builder
	r.WriteText(&text)
	if !strings.Contains(text.String(), "closed") || !strings.Contains(text.String(), "backlog") {
		t.Errorf("text report lacks steps:\n%s", text.String())
	}
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back.Closed.Counts != r.Closed.Counts {
		t.Errorf("JSON round trip changed counts: %+v, want %+v", back.Closed.Counts,
			r.Closed.Counts)
	}
}

func TestRunRejectsUsedDataFolder(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "sangam.db"), []byte("earlier run"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Run(context.Background(), Config{Store: StoreSQLite, DataDir: dir})
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("Run with a used data folder: error = %v, want one saying it is not empty", err)
	}
}
