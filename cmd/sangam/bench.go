package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sangam-hub/sangam/internal/bench"
	"github.com/sangam-hub/sangam/routes"
)

// benchPostgres is the server --store postgres uses when neither
// --postgres nor $SANGAM_POSTGRES names one.
const benchPostgres = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

func runBench(args []string, stdout, stderr io.Writer) error {
	tuneGC()
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	store := fs.String("store", bench.StoreSQLite,
		"where the hub keeps its journal and bus: sqlite or postgres")
	// The default stays out of the flag, so -h never prints a password
	// that $SANGAM_POSTGRES may contain.
	pg := fs.String("postgres", "",
		"PostgreSQL URL for --store postgres, on a loopback host; the bench uses a schema of its "+
			"own and drops it (default $SANGAM_POSTGRES, else "+benchPostgres+")")
	rates := fs.String("rates", "250,500,1000,2000",
		"open-loop steps, comma-separated messages per second")
	cfg := bench.Config{}
	fs.DurationVar(&cfg.Duration, "duration", bench.DefaultDuration, "how long each step sends")
	fs.IntVar(&cfg.Senders, "senders", bench.DefaultSenders, "closed-loop concurrent senders")
	fs.IntVar(&cfg.Concurrency, "concurrency", routes.DefaultConcurrency,
		"the receiver's concurrency in the generated routes: deliveries in flight at once and bus topics")
	fs.IntVar(&cfg.SteadyRate, "steady", bench.DefaultSteadyRate,
		"messages per second sent while the receiver is paused, to build the backlog")
	fs.IntVar(&cfg.MaxMessages, "max-messages", 0, "cap on the documents of one step (0: no cap)")
	fs.DurationVar(&cfg.DrainTimeout, "drain-timeout", bench.DefaultDrainTimeout,
		"how long to wait for a step's deliveries after it stops sending")
	fs.StringVar(&cfg.DataDir, "data", "", "folder for the SQLite files, empty or new (default: a temporary folder)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	verbose := fs.Bool("v", false, "show the hub's info log")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	memProfile := fs.String("memprofile", "", "write a heap profile at the end of the run to this file")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: sangam bench [flags]")
		fs.PrintDefaults()
	}
	if err := parseFlagsOnly(fs, args, stderr); err != nil {
		return err
	}
	cfg.Store = *store
	if cfg.Store == bench.StorePostgres {
		source := "--postgres"
		cfg.PostgresDSN = *pg
		if cfg.PostgresDSN == "" {
			env, _, err := lookupEnv("SANGAM_POSTGRES", "postgres", "a PostgreSQL connection URL",
				"the bench's default, "+benchPostgres)
			if err != nil {
				return err
			}
			source = "$SANGAM_POSTGRES"
			cfg.PostgresDSN = firstNonEmpty(env, benchPostgres)
		}
		// The error never quotes the value, which may hold a password.
		if err := bench.CheckLoopbackDSN(cfg.PostgresDSN); err != nil {
			return usageErrorf("bench", "%s: %v", source, err)
		}
	}
	var err error
	if cfg.Rates, err = parseRates(*rates); err != nil {
		return err
	}
	if err := checkBenchFlags(cfg); err != nil {
		return err
	}
	cfg.Log = newLog(stderr, slog.LevelInfo)
	if *verbose {
		cfg.HubLog = cfg.Log
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	report, err := profiled(*cpuProfile, *memProfile, func() (*bench.Report, error) {
		return bench.Run(ctx, cfg)
	})
	// Only a failed connection counts, because a run may also end on
	// deadlines of its own.
	var connectErr *pgconn.ConnectError
	if err != nil && errors.As(err, &connectErr) && postgresUnreachable(err) {
		return postgresUnavailable(err, "run the bench again once PostgreSQL accepts connections")
	}
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(report)
	}
	report.WriteText(stdout)
	return nil
}

// profiled runs fn with the CPU profile written to cpuFile and a heap
// profile, which also holds the allocations of the whole run, written to
// memFile afterwards. An empty name skips that profile.
func profiled(cpuFile, memFile string, fn func() (*bench.Report, error)) (*bench.Report, error) {
	if cpuFile != "" {
		f, err := os.Create(cpuFile)
		if err != nil {
			return nil, fmt.Errorf("creating CPU profile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, fmt.Errorf("starting CPU profile: %w", err)
		}
	}
	report, err := fn()
	if cpuFile != "" {
		pprof.StopCPUProfile()
	}
	if err != nil || memFile == "" {
		return report, err
	}
	f, err := os.Create(memFile)
	if err != nil {
		return nil, fmt.Errorf("creating heap profile: %w", err)
	}
	defer f.Close()
	if err := pprof.WriteHeapProfile(f); err != nil {
		return nil, fmt.Errorf("writing heap profile: %w", err)
	}
	return report, nil
}

// parseRates reads --rates, a comma-separated list of positive integers.
func parseRates(list string) ([]int, error) {
	var rates []int
	for _, field := range strings.Split(list, ",") {
		r, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil || r <= 0 {
			return nil, usageErrorf("bench", "--rates: invalid rate %q in %q: want positive whole "+
				"numbers of messages per second separated by commas, such as 250,1000", field, list)
		}
		rates = append(rates, r)
	}
	return rates, nil
}

// checkBenchFlags returns a usageError naming the first flag whose value
// in cfg is out of range. bench.Config takes 0 for its defaults, but the
// flags have their defaults already. So a 0 is rejected here rather than
// silently replaced, except by --max-messages, where 0 means no cap.
func checkBenchFlags(cfg bench.Config) error {
	if cfg.Store != bench.StoreSQLite && cfg.Store != bench.StorePostgres {
		return usageErrorf("bench", "--store: invalid value %q: want %s or %s",
			cfg.Store, bench.StoreSQLite, bench.StorePostgres)
	}
	if cfg.Concurrency < 1 || cfg.Concurrency > routes.MaxConcurrency {
		return usageErrorf("bench", "--concurrency: invalid value %d: want a whole number from 1 to %d, "+
			"or leave --concurrency out for %d", cfg.Concurrency, routes.MaxConcurrency, routes.DefaultConcurrency)
	}
	for _, f := range []struct {
		name    string
		value   int
		minimum int
	}{
		{"senders", cfg.Senders, 1},
		{"steady", cfg.SteadyRate, 1},
		{"max-messages", cfg.MaxMessages, 0},
	} {
		if f.value < f.minimum {
			return usageErrorf("bench", "--%s: invalid value %d: want a whole number of at least %d",
				f.name, f.value, f.minimum)
		}
	}
	for _, f := range []struct {
		name  string
		value time.Duration
	}{
		{"duration", cfg.Duration},
		{"drain-timeout", cfg.DrainTimeout},
	} {
		if f.value <= 0 {
			return usageErrorf("bench", "--%s: invalid value %s: want a positive duration such as 30s or 2m",
				f.name, f.value)
		}
	}
	return nil
}

// firstNonEmpty returns the first of values that is not empty.
func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
