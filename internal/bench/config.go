package bench

import (
	"errors"
	"fmt"
	"github.com/sangam-hub/sangam/routes"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sangam-hub/sangam/internal/pgdsn"
)

// Stores the bench runs the hub on.
const (
	StoreSQLite   = "sqlite"
	StorePostgres = "postgres"
)

// Config configures Run. The zero value runs the default bench on
// SQLite; each field's default is in its comment.
type Config struct {
	// Store is StoreSQLite or StorePostgres. Default StoreSQLite.
	Store string
	// PostgresDSN is the server for StorePostgres. Its host must be a
	// loopback address or a Unix socket. Run creates a schema of its own
	// there and drops it at the end.
	PostgresDSN string
	// DataDir holds the SQLite files. Default: a temporary folder that
	// Run removes at the end.
	DataDir string
	// Rates are the open-loop steps, in messages per second. Default
	// 250, 500, 1000 and 2000.
	Rates []int
	// Duration is how long each step sends. Default 10s.
	Duration time.Duration
	// Senders is the number of closed-loop senders, each posting its
	// next document as soon as the hub responds to the previous one.
	// Default 32.
	Senders int
	// Concurrency is the receiver's concurrency in the generated routes:
	// the deliveries in flight to it at once, and its number of bus
	// topics. Default routes.DefaultConcurrency.
	Concurrency int
	// MaxInFlight caps the open-loop posts awaiting a response. A post due
	// while the cap is reached starts late, and its latency counts the
	// delay. Default 2048.
	MaxInFlight int
	// SteadyRate is the rate, in messages per second, at which the
	// backlog step sends while the receiver is paused. Default 250.
	SteadyRate int
	// MaxMessages caps the documents one step sends; 0 means only
	// Duration bounds a step.
	MaxMessages int
	// DrainTimeout bounds the wait for a step's deliveries after it stops
	// sending. Default 2 minutes.
	DrainTimeout time.Duration
	// DocumentBytes is the size valid documents are padded to. Default
	// 5000.
	DocumentBytes int
	// InvalidEvery makes every n-th document the invalid sample, and
	// DuplicateEvery every n-th a repeat of a recent document. Default 50
	// each, so 2% of each; a negative value sends none.
	InvalidEvery, DuplicateEvery int
	// Log receives the bench's progress. Default slog.Default().
	Log *slog.Logger
	// HubLog receives the hub's log. Default: warnings and errors to
	// Log's handler.
	HubLog *slog.Logger
}

// Defaults for zero Config fields.
const (
	DefaultDuration      = 10 * time.Second
	DefaultSenders       = 32
	DefaultMaxInFlight   = 2048
	DefaultSteadyRate    = 250
	DefaultDrainTimeout  = 2 * time.Minute
	DefaultDocumentBytes = 5000
	DefaultEvery         = 50
)

// DefaultRates are the open-loop steps when Config.Rates is empty.
var DefaultRates = []int{250, 500, 1000, 2000}

func (c Config) withDefaults() (Config, error) {
	if c.Store == "" {
		c.Store = StoreSQLite
	}
	if len(c.Rates) == 0 {
		c.Rates = DefaultRates
	}
	c.Duration = orDefault(c.Duration, DefaultDuration)
	c.DrainTimeout = orDefault(c.DrainTimeout, DefaultDrainTimeout)
	c.Senders = orDefault(c.Senders, DefaultSenders)
	c.Concurrency = orDefault(c.Concurrency, routes.DefaultConcurrency)
	c.MaxInFlight = orDefault(c.MaxInFlight, DefaultMaxInFlight)
	c.SteadyRate = orDefault(c.SteadyRate, DefaultSteadyRate)
	c.DocumentBytes = orDefault(c.DocumentBytes, DefaultDocumentBytes)
	c.InvalidEvery = orDefault(c.InvalidEvery, DefaultEvery)
	c.DuplicateEvery = orDefault(c.DuplicateEvery, DefaultEvery)
	if c.Log == nil {
		c.Log = slog.Default()
	}
	if c.HubLog == nil {
		c.HubLog = slog.New(levelHandler{slog.LevelWarn, c.Log.Handler()})
	}
	return c, c.Validate()
}

func orDefault[T int | time.Duration](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}

// Validate returns an error naming the first invalid field.
func (c Config) Validate() error {
	switch c.Store {
	case "", StoreSQLite:
	case StorePostgres:
		if err := CheckLoopbackDSN(c.PostgresDSN); err != nil {
			return fmt.Errorf("bench config: postgres_dsn: %w", err)
		}
	default:
		return fmt.Errorf("bench config: store: invalid value %q, expected %q or %q",
			c.Store, StoreSQLite, StorePostgres)
	}
	if c.Concurrency < 0 || c.Concurrency > routes.MaxConcurrency {
		return fmt.Errorf("bench config: concurrency: invalid value %d: want 1 to %d, or 0 for %d",
			c.Concurrency, routes.MaxConcurrency, routes.DefaultConcurrency)
	}
	for _, r := range c.Rates {
		if r <= 0 {
			return fmt.Errorf("bench config: rates: %d is not a positive rate", r)
		}
	}
	for _, f := range []struct {
		name  string
		value int
	}{
		{"senders", c.Senders}, {"max_in_flight", c.MaxInFlight},
		{"steady_rate", c.SteadyRate}, {"max_messages", c.MaxMessages},
		{"document_bytes", c.DocumentBytes},
	} {
		if f.value < 0 {
			return fmt.Errorf("bench config: %s: %d is negative", f.name, f.value)
		}
	}
	if c.Duration < 0 || c.DrainTimeout < 0 {
		return errors.New("bench config: duration and drain_timeout must not be negative")
	}
	return nil
}

// CheckLoopbackDSN rejects a DSN that is missing, that pgdsn.Check
// rejects, or that names a host other than a loopback address or a Unix
// socket, because the bench loads the server it names.
func CheckLoopbackDSN(dsn string) error {
	if dsn == "" {
		return errors.New("missing, the postgres store needs a server")
	}
	if err := pgdsn.Check(dsn); err != nil {
		return err
	}
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		return err
	}
	hosts := []string{cfg.Host}
	for _, fb := range cfg.Fallbacks {
		hosts = append(hosts, fb.Host)
	}
	for _, h := range hosts {
		if !isLoopback(h) {
			return fmt.Errorf("host %q is not a loopback address; the bench loads only "+
				"servers on this machine", h)
		}
	}
	return nil
}

func isLoopback(host string) bool {
	if strings.HasPrefix(host, "/") || host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
