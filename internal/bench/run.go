// Package bench measures the hub under load. It starts a hub on SQLite or
// PostgreSQL and a receiver on loopback that every route delivers to.
// Then it posts police documents to the hub's inbound API: FIRs, arrest
// memos and chargesheets, with a share of invalid and duplicate ones. It
// reports acknowledged and delivered rates, latency percentiles, memory
// per 1,000 messages waiting for delivery, the rate a backlog drains at,
// and the rate of the bus alone for comparison.
//
// Every step is bounded in time by Config.Duration and Config.DrainTimeout
// and, when set, in count by Config.MaxMessages. Everything runs on
// loopback.
package bench

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sangam-hub/sangam/internal/hub"
)

// aadhaarKey is the bench hub's Aadhaar masking key. It protects no real
// number: the samples carry made-up ones.
var aadhaarKey = []byte("sangam-bench-key-0123456789abcdef")

// bench is the state of one Run.
type bench struct {
	cfg      Config
	gen      *generator
	sender   *sender
	receiver *receiver
	report   *Report
}

// Run starts a hub on cfg.Store, runs the raw bus step, the closed-loop
// step, one open-loop step per rate and the backlog step, and returns
// the report. It removes what it created: the temporary folder or the
// PostgreSQL schema.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	env, err := openEnv(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer env.close()

	run := strconv.FormatInt(time.Now().UnixMilli()%1e9, 36)
	gen, err := newGenerator(run, cfg.DocumentBytes, cfg.InvalidEvery, cfg.DuplicateEvery)
	if err != nil {
		return nil, err
	}
	report := &Report{Date: time.Now(), Store: cfg.Store, Machine: env.machine()}
	report.Settings = settings(cfg, gen)
	// The raw step's goroutines carry the profiler label step=raw, so a
	// CPU profile of the run can leave them out (pprof -tagignore).
	pprof.Do(ctx, pprof.Labels("step", "raw"), func(ctx context.Context) {
		report.RawBus, err = runRawBus(ctx, cfg, env, gen)
	})
	if err != nil {
		return nil, err
	}

	rcv, err := startReceiver()
	if err != nil {
		return nil, fmt.Errorf("starting receiver: %w", err)
	}
	defer rcv.close()
	b := &bench{cfg: cfg, gen: gen, receiver: rcv, report: report}
	if err := b.withHub(ctx, env); err != nil {
		return nil, err
	}
	return report, nil
}

// withHub runs the hub for the load steps and stops it afterwards.
func (b *bench) withHub(ctx context.Context, env *env) error {
	h, err := hub.Open(ctx, hub.Config{
		Listen:      "127.0.0.1:0",
		DataDir:     env.dataDir,
		PostgresDSN: env.dsn,
		Routes:      routesDocument(b.receiver.url(), b.cfg.Concurrency),
		AadhaarKey:  aadhaarKey,
		Log:         b.cfg.HubLog,
	})
	if err != nil {
		return fmt.Errorf("opening hub: %w", err)
	}
	hubCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan error, 1)
	go func() { done <- h.Run(hubCtx) }()

	b.sender = newSender(h.Addr(), max(b.cfg.Senders, b.cfg.MaxInFlight))
	err = b.steps(ctx)
	stop()
	if runErr := <-done; err == nil && runErr != nil {
		err = fmt.Errorf("running hub: %w", runErr)
	}
	return err
}

func (b *bench) steps(ctx context.Context) error {
	r := b.report
	r.Closed = b.closedLoop(ctx)
	for _, rate := range b.cfg.Rates {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		r.Open = append(r.Open, b.openLoop(ctx, rate, b.cfg.Duration))
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	r.Backlog = b.backlog(ctx)
	r.HubToRawRatio = ratio(r.Closed.EndToEndRate, r.RawBus.Rate)
	r.Receiver = b.receiver.counts()
	return ctx.Err()
}

// routesDocument routes every police message to the receiver. The
// timeout is long because the backlog step holds a delivery at the
// paused receiver for a whole step.
func routesDocument(url string, concurrency int) []byte {
	return []byte(fmt.Sprintf(`version: bench
destinations:
  - name: bench-receiver
    agency: police
    url: %s
    timeout: 5m
    max_attempts: 8
    concurrency: %d
routes:
  - name: police-to-bench-receiver
    when: message.source == "police"
    to: [bench-receiver]
`, url, concurrency))
}

func settings(cfg Config, gen *generator) Settings {
	total := 0
	for _, t := range gen.valid {
		total += len(gen.render(t, 0))
	}
	return Settings{
		DurationSeconds: cfg.Duration.Seconds(), Senders: cfg.Senders,
		Concurrency: cfg.Concurrency,
		MaxInFlight: cfg.MaxInFlight, SteadyRate: cfg.SteadyRate,
		MeanDocumentBytes: total / len(gen.valid),
		InvalidEvery:      cfg.InvalidEvery, DuplicateEvery: cfg.DuplicateEvery,
	}
}

// env is the storage of one run: a folder for SQLite, or a schema of
// its own on PostgreSQL.
type env struct {
	store   string
	dataDir string
	dsn     string // with search_path set to the run's schema; empty for SQLite
	schema  string
	conn    *pgx.Conn
	temp    bool // dataDir was created by the run
	pgInfo  [2]string
}

func openEnv(ctx context.Context, cfg Config) (*env, error) {
	e := &env{store: cfg.Store, dataDir: cfg.DataDir}
	if e.dataDir != "" {
		if err := checkEmpty(e.dataDir); err != nil {
			return nil, err
		}
	}
	if e.dataDir == "" {
		dir, err := os.MkdirTemp("", "sangam-bench-")
		if err != nil {
			return nil, fmt.Errorf("creating data folder: %w", err)
		}
		e.dataDir, e.temp = dir, true
	}
	if cfg.Store != StorePostgres {
		return e, nil
	}
	if err := e.openSchema(ctx, cfg.PostgresDSN); err != nil {
		e.close()
		return nil, err
	}
	return e, nil
}

func (e *env) openSchema(ctx context.Context, dsn string) error {
	// pgxpool's parser accepts the pool settings a DSN may carry, such as
	// pool_max_conns, which pgx.Connect would send to the server.
	poolCfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return errors.New("connecting to PostgreSQL: invalid connection string")
	}
	conn, err := pgx.ConnectConfig(ctx, poolCfg.ConnConfig)
	if err != nil {
		return fmt.Errorf("connecting to PostgreSQL: %w", err)
	}
	e.conn = conn
	e.schema = fmt.Sprintf("sangam_bench_%d", time.Now().UnixNano())
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+e.schema); err != nil {
		return fmt.Errorf("creating schema %s: %w", e.schema, err)
	}
	err = conn.QueryRow(ctx, "SELECT current_setting('server_version'), "+
		"current_setting('synchronous_commit')").Scan(&e.pgInfo[0], &e.pgInfo[1])
	if err != nil {
		return fmt.Errorf("reading server settings: %w", err)
	}
	e.dsn = withSearchPath(dsn, e.schema)
	return nil
}

// withSearchPath adds a search_path run-time parameter to dsn, in URL
// or key=value form.
func withSearchPath(dsn, schema string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		return dsn + sep + "search_path=" + schema
	}
	return dsn + " search_path=" + schema
}

func (e *env) machine() Machine {
	return Machine{
		GoVersion: runtime.Version(), NumCPU: runtime.NumCPU(),
		GOMAXPROCS:      runtime.GOMAXPROCS(0),
		PostgresVersion: e.pgInfo[0], SynchronousMode: e.pgInfo[1],
	}
}

// checkEmpty returns an error unless dir is missing or empty. Every run
// numbers its FIRs alike, so in a journal of an earlier run the final
// reports would conflict with the ones filed before.
func checkEmpty(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading data folder: %w", err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("data folder %s is not empty: every run files final reports for the same "+
			"FIR numbers, which a journal of an earlier run rejects, so give each run an empty or new folder", dir)
	}
	return nil
}

func (e *env) close() {
	if e.conn != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if e.schema != "" {
			_, _ = e.conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+e.schema+" CASCADE")
		}
		_ = e.conn.Close(ctx)
	}
	if e.temp {
		_ = os.RemoveAll(e.dataDir)
	}
}
