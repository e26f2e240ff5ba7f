package bench

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Report is the outcome of one Run. Rates are in messages per second.
type Report struct {
	Date     time.Time `json:"date"`
	Store    string    `json:"store"`
	Machine  Machine   `json:"machine"`
	Settings Settings  `json:"settings"`
	// RawBus is the bus alone: Messages published one per transaction by
// Publishers over Subscribers topics, then consumed by one subscriber per
// topic, as the hub lays out a destination of the default concurrency.
type RawBus struct {
	Messages      int     `json:"messages"`
	PayloadBytes  int     `json:"payload_bytes"`
	Publishers    int     `json:"publishers"`
	Subscribers   int     `json:"subscribers"`
	PublishRate   float64 `json:"publish_rate"`
	SubscribeRate float64 `json:"subscribe_rate"`
	// Rate is the lower of the two: what a pipeline that publishes and
	// subscribes at once could sustain at best.
	Rate float64 `json:"rate"`
}

// ReceiverCounts are the receiver's totals.
type ReceiverCounts struct {
	Distinct int `json:"distinct"`
	Repeats  int `json:"repeats"`
	Missing  int `json:"missing_idempotency_key"`
	// MaxConcurrent is the most deliveries the receiver served at once.
	MaxConcurrent int `json:"max_concurrent"`
}

// WriteText writes r as a table for people.
func (r *Report) WriteText(w io.Writer) {
	fmt.Fprintf(w, "sangam bench on %s, %s (Go %s, %d CPUs)\n", r.Store,
		r.Date.Format(time.RFC3339), r.Machine.GoVersion, r.Machine.NumCPU)
	if r.Machine.PostgresVersion != "" {
		fmt.Fprintf(w, "PostgreSQL %s, synchronous_commit=%s\n", r.Machine.PostgresVersion,
			r.Machine.SynchronousMode)
	}
	fmt.Fprintf(w, "documents: mean %d bytes; 1 in %d invalid, 1 in %d duplicate\n\n",
		r.Settings.MeanDocumentBytes, r.Settings.InvalidEvery, r.Settings.DuplicateEvery)

	rb := r.RawBus
	fmt.Fprintf(w, "raw bus: %d messages of %d bytes: publish %.0f/s (%d publishers), "+
		"subscribe %.0f/s (%d subscribers)\n\n", rb.Messages, rb.PayloadBytes,
		rb.PublishRate, rb.Publishers, rb.SubscribeRate, rb.Subscribers)

	fmt.Fprintln(w, "step          sent  acc  dup  inv  503 fail  skip  deliv  ack/s   dlv/s   e2e/s"+
		"  cpu ms   ack p50/p90/p99/max ms       ingest->delivered p50/p90/p99/max ms")
	writeStep(w, "closed", r.Closed)
	for _, s := range r.Open {
		writeStep(w, fmt.Sprintf("open %d/s", s.OfferedRate), s)
	}
	writeStep(w, "backlog", r.Backlog.Step)

	b := r.Backlog
	fmt.Fprintf(w, "\nbacklog: %d messages; live heap %.1f -> %.1f MiB: %.2f MiB per 1,000 "+
		"in flight; heap in use %.1f -> peak %.1f MiB: %.2f MiB per 1,000\n", b.Backlog,
		b.LiveBaseMiB, b.LiveAfterMiB, b.LiveMiBPer1000, b.HeapBaseMiB, b.HeapPeakMiB,
		b.MiBPer1000)
	fmt.Fprintf(w, "drain: %.1f s at %.0f/s, %.2fx the steady rate of %d/s\n",
		b.DrainSeconds, b.DrainRate, b.DrainMultiple, r.Settings.SteadyRate)
	fmt.Fprintf(w, "hub end to end / raw bus: %.2f\n", r.HubToRawRatio)
	fmt.Fprintf(w, "receiver: %d distinct deliveries, %d repeats, at most %d at once\n",
		r.Receiver.Distinct, r.Receiver.Repeats, r.Receiver.MaxConcurrent)
}

func writeStep(w io.Writer, name string, s Step) {
	c := s.Counts
	drained := ""
	if !s.Drained {
		drained = " (not drained)"
	}
	fmt.Fprintf(w, "%-12s %5d %4d %4d %4d %4d %4d %5d %6d %6.0f %7.0f %7.0f %7.2f   %-28s %s%s\n",
		name, c.Sent, c.Accepted, c.Duplicates, c.Invalid, c.Unavailable, c.Failed, c.Skipped,
		s.Delivered,
		s.AckRate, s.DeliveryRate, s.EndToEndRate, s.CPUMsPerMessage, latencyText(s.Ack),
		latencyText(s.EndToEnd), drained)
	if s.FirstError != "" {
		fmt.Fprintf(w, "%12s first error: %s\n", "", s.FirstError)
	}
}

func latencyText(l Latency) string {
	if l.Count == 0 {
		return "-"
	}
	parts := []string{}
	for _, v := range []float64{l.P50, l.P90, l.P99, l.Max} {
		parts = append(parts, fmt.Sprintf("%.1f", v))
	}
	return strings.Join(parts, "/")
}
