// Package metrics exports the hub's figures in the Prometheus text
// format, through github.com/prometheus/client_golang:
//
//   - sangam_inbound_messages_total{agency,outcome}: inbound messages by
//     the agency that posted them and the outcome (see the Inbound
//     constants). A rejected post counts once, whatever its body contains.
//     Posts rejected before the inbound handler, for a missing or wrong
//     token or an agency without an adapter, are not counted.
//   - sangam_denied_requests_total{kind,principal}: requests rejected
//     for a missing or unknown token or a token without the grant they
//     need, by the Denied constants and the token's name, empty for a
//     request without a valid token.
//   - sangam_delivery_attempts_total{destination,result}: recorded
//     delivery attempts by result: delivered, retry or dead.
//   - sangam_delivery_attempt_duration_seconds{destination}: the time
//     from an attempt's start to its record, as a histogram.
//   - sangam_breaker_state{destination}: this replica's circuit breaker,
//     0 closed, 1 half-open, 2 open.
//   - sangam_pending_deliveries, sangam_retrying_deliveries,
//     sangam_dead_letters and
//     sangam_oldest_pending_delivery_timestamp_seconds{destination}: the
//     journal's backlog (journal.Backlog), read at most once per
//     Config.CacheFor.
//   - sangam_journal_up: 1 when the journal responded to the last read
//     and accepted a write probe, 0 otherwise.
//   - sangam_outbox_commands and
//     sangam_outbox_oldest_command_timestamp_seconds: the delivery
//     commands waiting in the journal's outbox for Kafka, with the
//     backlog, when Config.Outbox is set.
//   - the Go runtime's go_* and the process's process_* figures.
//
// The hub adds the bus router's figures (sangam_bus_*) through
// watermill's components/metrics, on Registerer.
package metrics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	wmetrics "github.com/ThreeDotsLabs/watermill/components/metrics"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/sangam-hub/sangam/internal/bus"
	"github.com/sangam-hub/sangam/internal/delivery"
	"github.com/sangam-hub/sangam/internal/journal"
)

// namespace prefixes the name of every metric of the hub's own.
const namespace = "sangam"

// Outcomes of an inbound post, the values of the outcome label.
const (
	InboundAccepted      = "accepted"
	InboundDuplicate     = "duplicate"
	InboundInvalid       = "invalid"
	InboundMalformed     = "malformed"
	InboundConflict      = "conflict"
	InboundForbidden     = "forbidden"
	InboundUnknownAgency = "unknown_agency"
	InboundTooLarge      = "too_large"
	// InboundUnreadable counts a body whose reading failed (a sender that
	// hangs up mid-body among them), or one sent with a Content-Encoding,
	// a charset other than UTF-8 or a media type the agency does not send.
	InboundUnreadable = "unreadable"
	InboundBusy       = "busy"
	// InboundCanceled counts a sender that closed the connection after
	// its whole body was read and before its message was stored.
	InboundCanceled    = "canceled"
	InboundUnavailable = "unavailable"
	// InboundInternal counts a message that the hub decoded but cannot
	// encode, a fault of its adapter.
	InboundInternal = "internal"
)

// Kinds of denied request, the values of the kind label of
// sangam_denied_requests_total.
const (
	// DeniedManyAuthorization counts requests with more than one
	// Authorization header.
	DeniedManyAuthorization = "many_authorization"
	// DeniedUnauthenticated counts requests without a token, or with one
	// the hub does not know.
	DeniedUnauthenticated = "unauthenticated"
	// DeniedTokenWithdrawn counts posts whose token a reload withdrew
	// while their body was being read.
	DeniedTokenWithdrawn = "token_withdrawn"
	// DeniedOtherAgency counts posts as an agency other than the token's.
	DeniedOtherAgency = "other_agency"
	// DeniedOperatorEndpoint counts requests to an operator's endpoint
	// with another token.
	DeniedOperatorEndpoint = "operator_endpoint"
	// DeniedMetricsEndpoint counts reads of the metrics with a token
	// that may not read them.
	DeniedMetricsEndpoint = "metrics_endpoint"
	// DeniedVerificationEndpoint counts reads of passport verifications
	// with a token that is neither an operator's nor the passport
	// office's.
	DeniedVerificationEndpoint = "verification_endpoint"
)

// Results of a delivery attempt, the values of the result label.
const (
	AttemptDelivered = "delivered"
	AttemptRetry     = "retry"
	AttemptDead      = "dead"
)

// Config configures New.
type Config struct {
	// Journal is read for the backlog figures. Required.
	Journal Journal
	// Outbox, when set, reads the commands that wait in the journal's
	// outbox for the forwarder to move them to Kafka, with the backlog.
	Outbox func(ctx context.Context) (bus.Waiting, error)
	// Breakers are this replica's circuit breakers. Required.
	Breakers *delivery.Breakers
	// Destinations returns the destinations of the routes in force, which
	// get backlog and breaker figures even when nothing waits for them.
	// Nil reports only destinations with a backlog or a breaker.
	Destinations func() []string
	// CacheFor is how long one read of the journal serves scrapes, so
	// that frequent scrapes and several Prometheus servers do not load
	// the database. Default DefaultCacheFor.
	CacheFor time.Duration
	// ReadTimeout bounds one read of the journal. Default
	// DefaultReadTimeout.
	ReadTimeout time.Duration
	// Log receives failed journal reads, rate-limited, and failed
	// scrapes. Default slog.Default().
	Log *slog.Logger
}

// Defaults of Config.
const (
	DefaultCacheFor    = 5 * time.Second
	DefaultReadTimeout = 5 * time.Second
)

// Metrics is the hub's registry of metrics. Its methods are safe for
// concurrent use, and those that record do nothing on a nil *Metrics.
type Metrics struct {
	registry        *prometheus.Registry
	log             *slog.Logger
	scraperGone     atomic.Int64 // when errorLog last logged a scraper gone, in Unix nanoseconds
	inbound         *prometheus.CounterVec
	denied          *prometheus.CounterVec
	attempts        *prometheus.CounterVec
	attemptDuration *prometheus.HistogramVec
	backlog         *backlogCollector
}

// New returns the registry with the hub's metrics and the Go runtime and
// process collectors.
func New(cfg Config) (*Metrics, error) {
	if cfg.Journal == nil {
		return nil, errors.New("metrics config: journal: missing")
	}
	if cfg.Breakers == nil {
		return nil, errors.New("metrics config: breakers: missing")
	}
	if cfg.CacheFor <= 0 {
		cfg.CacheFor = DefaultCacheFor
	}
	if cfg.ReadTimeout <= 0 {
		cfg.ReadTimeout = DefaultReadTimeout
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Destinations == nil {
		cfg.Destinations = func() []string { return nil }
	}

	m := &Metrics{
		registry: prometheus.NewRegistry(),
		log:      cfg.Log,
		backlog:  newBacklogCollector(cfg),
		inbound: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace,
			Name:      "inbound_messages_total",
			Help:      "Inbound messages by agency and outcome. A rejected post counts once.",
		}, []string{"agency", "outcome"}),
		denied: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace,
			Name:      "denied_requests_total",
			Help:      "Requests rejected for a missing, unknown or insufficient token, by kind and token name.",
		}, []string{"kind", "principal"}),
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace,
			Name:      "delivery_attempts_total",
			Help:      "Recorded delivery attempts by destination and result: delivered, retry or dead.",
		}, []string{"destination", "result"}),
		attemptDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace,
			Name:      "delivery_attempt_duration_seconds",
			Help:      "Time from the start of a delivery attempt to its record, by destination.",
			Buckets:   prometheus.DefBuckets,
		}, []string{"destination"}),
	}
	err := registerAll(m.registry,
		m.inbound, m.denied, m.attempts, m.attemptDuration,
		m.backlog,
		&breakerCollector{breakers: cfg.Breakers, destinations: cfg.Destinations},
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	if err != nil {
		return nil, err
	}
	return m, nil
}

func registerAll(r *prometheus.Registry, cs ...prometheus.Collector) error {
	for _, c := range cs {
		if err := r.Register(c); err != nil {
			return fmt.Errorf("registering metrics: %w", err)
		}
	}
	return nil
}

// Registerer returns the registry, for collectors of other packages
// such as watermill's.
func (m *Metrics) Registerer() prometheus.Registerer { return m.registry }

// Handler returns the handler that serves every metric in the
// Prometheus text format. A collector that fails is logged and left out
// of the response, and the others are still served.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{
		ErrorLog:      errorLog{log: m.log, goneLoggedAt: &m.scraperGone},
		ErrorHandling: promhttp.ContinueOnError,
	})
}

// CountInbound counts an inbound message of agency with outcome, one of
// the Inbound constants.
func (m *Metrics) CountInbound(agency, outcome string) {
	if m == nil {
		return
	}
	m.inbound.WithLabelValues(agency, outcome).Inc()
}

// CountDenied counts a denied request of kind, one of the Denied
// constants, by the token named principal, or without a valid token when
// principal is empty. principal must be a name from the token file and
// never request data, so that the series stay bounded.
func (m *Metrics) CountDenied(kind, principal string) {
	if m == nil {
		return
	}
	m.denied.WithLabelValues(kind, principal).Inc()
}

// ObserveAttempt counts a recorded delivery attempt and its duration. Its
// signature is that of delivery.Worker's Observe.
func (m *Metrics) ObserveAttempt(d journal.Delivery, a journal.Attempt) {
	if m == nil {
		return
	}
	m.attempts.WithLabelValues(d.Destination, attemptResult(a.Result)).Inc()
	took := max(a.FinishedAt.Sub(a.StartedAt), 0)
	m.attemptDuration.WithLabelValues(d.Destination).Observe(took.Seconds())
}

// attemptResult returns the result label of an attempt that left its
// delivery in status.
func attemptResult(status string) string {
	switch status {
	case journal.StatusDelivered:
		return AttemptDelivered
	case journal.StatusPending:
		return AttemptRetry
	}
	return AttemptDead
}

// errorLog passes promhttp's errors to slog.
type errorLog struct {
	log *slog.Logger
	// goneLoggedAt is when a failure to write to a scraper that went away was
	// last logged.
	goneLoggedAt *atomic.Int64
}

// goneInterval is the shortest time between two lines about scrapers
// that went away before their response was written. promhttp reports
// such a scrape once per metric family.
const goneInterval = time.Minute

func (l errorLog) Println(v ...any) {
	msg := fmt.Sprint(v...)
	if !strings.Contains(msg, "broken pipe") && !strings.Contains(msg, "connection reset") {
		l.log.Error("serving metrics failed", "error", msg)
		return
	}
	now := time.Now().UnixNano()
	last := l.goneLoggedAt.Load()
	if now-last < int64(goneInterval) || !l.goneLoggedAt.CompareAndSwap(last, now) {
		return
	}
	l.log.Warn("a metrics scraper went away before its response was written; such lines are "+
		"left out for a minute", "error", msg)
}

// AddRouterMetrics adds watermill's figures of r's handlers and of their
// subscribers and publishers to the registry, named sangam_bus_*. Call it
// before adding other middleware, so that the handler figures see the
// errors that later middleware returns, such as a recovered panic. The
// handlers' time buckets reach 10 s, because a delivery handler waits
// for the destination's response.
func (m *Metrics) AddRouterMetrics(r *message.Router) {
	builder := wmetrics.NewPrometheusMetricsBuilder(m.registry, namespace, "bus")
	builder.HandlerBuckets = prometheus.DefBuckets
	builder.AddPrometheusRouterMetrics(r)
}
