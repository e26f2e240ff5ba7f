// Package hub assembles the running hub: journal, bus, routes, adapters,
// delivery handlers and the HTTP API, on the embedded SQLite default or
// on PostgreSQL.
package hub

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/auth"
	"github.com/sangam-hub/sangam/internal/delivery"
	"github.com/sangam-hub/sangam/internal/jurisdiction"
	"github.com/sangam-hub/sangam/internal/logmask"
)

// Config configures a hub. The zero value runs the embedded default.
type Config struct {
	// Listen is the API's TCP address. Default "127.0.0.1:8400".
	Listen string
	// DataDir holds the embedded default's SQLite file and the Aadhaar
	// masking key when none is given. Default "data".
	DataDir string
	// PostgresDSN, when set, puts the journal and the bus on PostgreSQL
	// instead of the SQLite file.
	PostgresDSN string
	// KafkaBrokers, when set, puts the delivery topics on this Kafka
	// cluster (host:port each). The journal stays on SQLite or
	// PostgreSQL and forwards its outbox to Kafka.
	KafkaBrokers []string
	// KafkaPartitions is the partition count of delivery topics the hub
	// creates. Existing topics keep theirs. Default 3.
	KafkaPartitions int
	// KafkaReplicationFactor is the replica count of delivery topics the
	// hub creates. Existing topics keep theirs. Default 0, which takes
	// the broker's default.replication.factor.
	KafkaReplicationFactor int
	// KafkaTLS puts every connection to Kafka on TLS, verified against
	// the system's roots unless KafkaCAFile is set. Any of KafkaCAFile,
	// KafkaCertFile and KafkaKeyFile turns TLS on too.
	KafkaTLS bool
	// KafkaCAFile contains the PEM certificates of the CAs that the
	// brokers' certificates must chain to, in place of the system's
	// roots. The hub reads it at start.
	KafkaCAFile string
	// KafkaCertFile is the PEM client certificate, followed by its
	// intermediate certificates, that the hub presents to brokers that
	// request one, and KafkaKeyFile is its private key. Each needs the
	// other. The hub reads them again when they change.
	KafkaCertFile string
	KafkaKeyFile  string
	// KafkaSASL is the SASL mechanism the hub authenticates to Kafka
	// with: "plain", "scram-sha-256" or "scram-sha-512", in any case.
	// Empty for none. It needs KafkaSASLUsername and
	// KafkaSASLPasswordFile.
	KafkaSASL         string
	KafkaSASLUsername string
	// KafkaSASLPasswordFile contains the SASL password alone on one line.
	// The hub reads it again when it changes, and a new connection uses
	// the password read last.
	KafkaSASLPasswordFile string
	// KafkaSessionTimeout is how long the Kafka group coordinator waits
	// for a heartbeat before it gives a silent replica's partitions to
	// the others: after a replica crashes, its partitions wait this long.
	// The broker bounds it (group.min.session.timeout.ms, 6 s by
	// default). Default kafkabus.DefaultSessionTimeout, 30 s.
	KafkaSessionTimeout time.Duration
	// KafkaTopicCheck is how often the hub checks that Kafka still has
	// the delivery topics and creates again any it lost, and tries again
	// to start those that waited for Kafka to respond. Default
	// DefaultKafkaTopicCheck.
	KafkaTopicCheck time.Duration
	// outboxPause is how long a replica whose publish to Kafka failed
	// leaves the outbox to the other replicas. Default
	// defaultOutboxPause; tests shorten it.
	outboxPause time.Duration
	// Routes is the routes document (YAML). Default: the embedded
	// default routes. The hub checks and stores it as routes.Normalize
	// returns it, without a leading byte order mark and CRs before LFs.
	Routes []byte
	// RoutesFile is the path that Routes was read from, which start-up
	// errors name. It is empty when Routes was not read from a file.
	RoutesFile string
	// ReplaceRoutes saves Routes as a new version at start when the
	// store's current version differs, instead of keeping the stored
	// one. The demo sets it, because its routes name the ports its mock
	// agencies listen on in this run.
	ReplaceRoutes bool
	// AadhaarKey is the HMAC key for Aadhaar tokens. Default: the key in
	// DataDir/aadhaar.key, created at first start. Hubs that must match
	// each other's tokens share one key.
	AadhaarKey []byte
	// Tokens authenticates API callers. Nil leaves the API open, which
	// the hub logs as a warning at start-up.
	Tokens *auth.Tokens
	// TokenFile is the file Tokens was read from, which serve reads
	// again on SIGHUP; empty when the hub has no token file.
	TokenFile string
	// TimeZone is the offset the hub writes received times in. Default
	// Asia/Kolkata.
	TimeZone *time.Location
	// PollInterval is how often an idle bus subscriber looks for new
	// messages. A subscriber also looks at once when this hub's journal
	// commits messages for its topic, so the interval bounds the wait
	// only for messages that other processes published. Default 1s.
	PollInterval time.Duration
	// RetryInterval is the first wait before a failed delivery is tried
	// again; each later wait doubles, up to MaxRetryInterval. Default 1s.
	RetryInterval time.Duration
	// MaxRetryInterval caps the wait between delivery attempts. Default
	// 1 minute.
	MaxRetryInterval time.Duration
	// RequeueInterval is the pause between the requeuer's passes over
	// due deliveries. Default 200ms.
	RequeueInterval time.Duration
	// StaleAfter is how long a queued delivery may go unhandled before
	// its command is published again. Default 5 minutes.
	StaleAfter time.Duration
	// RoutesInterval is how often the hub looks for a new routes version
	// in the store. Default 2s.
	RoutesInterval time.Duration
	// Verification configures passport police verification: the
	// jurisdiction table, the deadline and the tracker's clock.
	Verification VerificationConfig
	// Breaker configures each destination's circuit breaker.
	Breaker delivery.BreakerConfig
	// MetricsCacheFor is how long one read of the journal's backlog
	// serves scrapes of GET /metrics. Default metrics.DefaultCacheFor, 5s.
	MetricsCacheFor time.Duration
	// ShutdownTimeout bounds how long Run waits for in-flight requests
	// and deliveries when its context ends. Default 15s.
	ShutdownTimeout time.Duration
	// InboundBudget is the memory, in bytes, that the bodies of inbound
	// posts in flight may take together; a post beyond it gets 503. It
	// may not be less than api.DefaultMaxBody, the largest body. Default
	// api.DefaultInboundBudget, 256 MiB.
	InboundBudget int64
	// Log receives the hub's logs, with Aadhaar numbers masked (see
	// logmask.Handler). Default slog.Default().
	Log *slog.Logger
}

// Defaults for zero Config fields.
const (
	DefaultListen           = "127.0.0.1:8400"
	DefaultDataDir          = "data"
	DefaultPollInterval     = time.Second
	DefaultRetryInterval    = time.Second
	DefaultMaxRetryInterval = time.Minute
	DefaultShutdownTimeout  = 15 * time.Second
	DefaultRequeueInterval  = 200 * time.Millisecond
	DefaultStaleAfter       = 5 * time.Minute
	DefaultKafkaTopicCheck  = 10 * time.Second
)

func (c Config) withDefaults() (Config, error) {
	if c.Listen == "" {
		c.Listen = DefaultListen
	}
	if c.DataDir == "" {
		c.DataDir = DefaultDataDir
	}
	if c.TimeZone == nil {
		zone, err := time.LoadLocation("Asia/Kolkata")
		if err != nil {
			return c, fmt.Errorf("loading time zone Asia/Kolkata: %w", err)
		}
		c.TimeZone = zone
	}
	if c.PollInterval == 0 {
		c.PollInterval = DefaultPollInterval
	}
	if c.RetryInterval == 0 {
		c.RetryInterval = DefaultRetryInterval
	}
	if c.KafkaTopicCheck == 0 {
		c.KafkaTopicCheck = DefaultKafkaTopicCheck
	}
	if c.MaxRetryInterval == 0 {
		c.MaxRetryInterval = DefaultMaxRetryInterval
	}
	if c.RequeueInterval == 0 {
		c.RequeueInterval = DefaultRequeueInterval
	}
	if c.StaleAfter == 0 {
		c.StaleAfter = DefaultStaleAfter
	}
	if c.ShutdownTimeout == 0 {
		c.ShutdownTimeout = DefaultShutdownTimeout
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
	c.Log = logmask.Logger(c.Log)
	if c.Verification.Jurisdiction == nil {
		c.Verification.Jurisdiction = jurisdiction.Default()
	}
	return c, c.Validate()
}

// Validate returns an error naming the first invalid field.
func (c Config) Validate() error {
	if c.Listen != "" {
		if _, _, err := net.SplitHostPort(c.Listen); err != nil {
			return fmt.Errorf("hub config: listen: invalid address %q: %w", c.Listen, err)
		}
	}
	for _, d := range []struct {
		name  string
		value time.Duration
	}{
		{"poll_interval", c.PollInterval},
		{"retry_interval", c.RetryInterval},
		{"max_retry_interval", c.MaxRetryInterval},
		{"shutdown_timeout", c.ShutdownTimeout},
		{"requeue_interval", c.RequeueInterval},
		{"stale_after", c.StaleAfter},
		{"kafka_session_timeout", c.KafkaSessionTimeout},
		{"metrics_cache_for", c.MetricsCacheFor},
		{"verification.deadline", c.Verification.Deadline},
		{"verification.interval", c.Verification.Interval},
	} {
		if d.value < 0 {
			return fmt.Errorf("hub config: %s: %s is negative", d.name, d.value)
		}
	}
	if c.InboundBudget != 0 && c.InboundBudget < api.DefaultMaxBody {
		return fmt.Errorf("hub config: inbound_budget: %d bytes is less than the largest "+
			"inbound body, %d bytes", c.InboundBudget, api.DefaultMaxBody)
	}
	if len(c.AadhaarKey) > 0 && len(c.AadhaarKey) < 32 {
		return errors.New("hub config: aadhaar_key (SANGAM_AADHAAR_KEY): shorter than 32 bytes")
	}
	return c.validateKafka()
}
