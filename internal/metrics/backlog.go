package metrics

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sangam-hub/sangam/internal/bus"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/throttle"
)

// Journal is the part of a journal store that the backlog figures read.
// Both stores implement it.
type Journal interface {
	Backlog(ctx context.Context) ([]journal.Backlog, error)
	// Ping checks that the journal's database responds to a query.
	Ping(ctx context.Context) error
	// ProbeWrite checks that the journal's database accepts a write,
	// without changing anything.
	ProbeWrite(ctx context.Context) error
}

var (
	journalUpDesc = prometheus.NewDesc(namespace+"_journal_up",
		"1 when the journal responded to the last read for these metrics and "+
			"accepted a write that was rolled back, 0 otherwise.", nil, nil)
	pendingDesc = prometheus.NewDesc(namespace+"_pending_deliveries",
		"Pending deliveries to each destination in the shared journal, the same on every replica.",
		[]string{"destination"}, nil)
	retryingDesc = prometheus.NewDesc(namespace+"_retrying_deliveries",
		"Pending deliveries with at least one failed attempt, which wait for a retry.",
		[]string{"destination"}, nil)
	oldestPendingDesc = prometheus.NewDesc(namespace+"_oldest_pending_delivery_timestamp_seconds",
		"Creation time of the oldest pending delivery, in seconds since the Unix epoch; "+
			"absent when none is pending.",
		[]string{"destination"}, nil)
	deadLettersDesc = prometheus.NewDesc(namespace+"_dead_letters",
		"Dead deliveries not replayed yet, as GET /api/v1/deadletters?replayed=false lists them.",
		[]string{"destination"}, nil)
	outboxCommandsDesc = prometheus.NewDesc(namespace+"_outbox_commands",
		"Delivery commands in the journal's outbox that the forwarder has not moved to Kafka yet, "+
			"the same on every replica.", nil, nil)
	outboxOldestDesc = prometheus.NewDesc(namespace+"_outbox_oldest_command_timestamp_seconds",
		"When the oldest command in the outbox was written, in seconds since the Unix epoch; "+
			"absent when the outbox is empty.", nil, nil)
)

// backlogCollector reads the journal's backlog when a scrape comes and
// the last read is older than cacheFor. Concurrent scrapes wait for one
// read, and a failed read is kept as long as a good one, so that a
// journal that is down gets no more queries than one that is up.
type backlogCollector struct {
	journal      Journal
	outbox       func(ctx context.Context) (bus.Waiting, error)
	destinations func() []string
	cacheFor     time.Duration
	timeout      time.Duration
	failures     *throttle.FailureLog
	// now returns the current time, against which reads expire.
	now func() time.Time

	mu     sync.Mutex // guards the fields below during a read
	readAt time.Time
	last   backlogRead
}

// backlogRead is the result of one read of the journal.
type backlogRead struct {
	// up is true when the journal responded to Ping and ProbeWrite
	// succeeded.
	up bool
	// backlog is valid when ok is set.
	backlog []journal.Backlog
	ok      bool
	// outbox is valid when outboxOK is set.
	outbox   bus.Waiting
	outboxOK bool
}

func newBacklogCollector(cfg Config) *backlogCollector {
	return &backlogCollector{
		journal: cfg.Journal, outbox: cfg.Outbox, destinations: cfg.Destinations,
		cacheFor: cfg.CacheFor, timeout: cfg.ReadTimeout, now: time.Now,
		failures: throttle.NewFailureLog(throttle.FailureLogConfig{
			Logger: cfg.Log, Failed: "reading the backlog for metrics failed",
			Recovered: "reading the backlog for metrics recovered", CountKey: "failed_reads",
		}),
	}
}

func (c *backlogCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{
		journalUpDesc, pendingDesc, retryingDesc, oldestPendingDesc, deadLettersDesc,
	} {
		ch <- d
	}
	if c.outbox == nil {
		return
	}
	for _, d := range []*prometheus.Desc{outboxCommandsDesc, outboxOldestDesc} {
		ch <- d
	}
}

// Collect reports the journal's state and, after a good read, the
// backlog of every destination of the routes in force and of every other
// destination that has one. A failed read leaves the backlog out, so
// that no alert mistakes a journal outage for an empty backlog.
func (c *backlogCollector) Collect(ch chan<- prometheus.Metric) {
	r := c.read()
	up := 0.0
	if r.up {
		up = 1
	}
	ch <- prometheus.MustNewConstMetric(journalUpDesc, prometheus.GaugeValue, up)
	if r.outboxOK {
		ch <- prometheus.MustNewConstMetric(outboxCommandsDesc, prometheus.GaugeValue,
			float64(r.outbox.Messages))
		if !r.outbox.Oldest.IsZero() {
			ch <- prometheus.MustNewConstMetric(outboxOldestDesc, prometheus.GaugeValue,
				float64(r.outbox.Oldest.UnixMicro())/1e6)
		}
	}
	if !r.ok {
		return
	}
	byDestination := map[string]journal.Backlog{}
	for _, d := range c.destinations() {
		byDestination[d] = journal.Backlog{Destination: d}
	}
	for _, b := range r.backlog {
		byDestination[b.Destination] = b
	}
	for dest, b := range byDestination {
		gauge := func(desc *prometheus.Desc, v float64) {
			ch <- prometheus.MustNewConstMetric(desc, prometheus.GaugeValue, v, dest)
		}
		gauge(pendingDesc, float64(b.Pending))
		gauge(retryingDesc, float64(b.Retrying))
		gauge(deadLettersDesc, float64(b.DeadLetters))
		if !b.OldestPendingAt.IsZero() {
			gauge(oldestPendingDesc, float64(b.OldestPendingAt.UnixMicro())/1e6)
		}
	}
}

// read returns the last read when it is recent, and reads the journal
// otherwise.
func (c *backlogCollector) read() backlogRead {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.readAt.IsZero() && c.now().Sub(c.readAt) < c.cacheFor {
		return c.last
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	c.last = c.readJournal(ctx)
	c.readAt = c.now()
	return c.last
}

// readJournal pings the journal, probes a write and reads the backlog
// and the outbox. The backlog is read even when the write probe fails,
// because the journal can then still be read.
func (c *backlogCollector) readJournal(ctx context.Context) backlogRead {
	if err := c.journal.Ping(ctx); err != nil {
		c.failures.Failed(err)
		return backlogRead{}
	}
	probeErr := c.journal.ProbeWrite(ctx)
	backlog, err := c.journal.Backlog(ctx)
	r := backlogRead{up: probeErr == nil, backlog: backlog, ok: err == nil}
	var outboxErr error
	if c.outbox != nil {
		r.outbox, outboxErr = c.outbox(ctx)
		r.outboxOK = outboxErr == nil
	}
	if err := errors.Join(probeErr, err, outboxErr); err != nil {
		c.failures.Failed(err)
	} else {
		c.failures.Succeeded()
	}
	return r
}
