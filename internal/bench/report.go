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
	// RawBus is the bus alone, publishing then subscribing.
	RawBus RawBus `json:"raw_bus"`
	// Closed is the closed-loop step, which finds the saturation rate.
	Closed Step `json:"closed_loop"`
	// Open are the open-loop steps, one per rate.
	Open    []Step  `json:"open_loop"`
	Backlog Backlog `json:"backlog"`
	// HubToRawRatio is Closed.EndToEndRate divided by RawBus.Rate: the
	// share of the bare bus's rate the hub keeps.
	HubToRawRatio float64 `json:"hub_to_raw_ratio"`
	// Receiver counts what the receiver got over the whole run.
	Receiver ReceiverCounts `json:"receiver"`
}

// Machine describes where the bench ran.
type Machine struct {
	GoVersion       string `json:"go_version"`
	NumCPU          int    `json:"num_cpu"`
	GOMAXPROCS      int    `json:"gomaxprocs"`
	PostgresVersion string `json:"postgres_version,omitempty"`
	SynchronousMode string `json:"synchronous_commit,omitempty"`
}

// Settings are the parameters the run used.
type Settings struct {
	DurationSeconds   float64 `json:"duration_s"`
	Senders           int     `json:"senders"`
	Concurrency       int     `json:"concurrency"`
	MaxInFlight       int     `json:"max_in_flight"`
	SteadyRate        int     `json:"steady_rate"`
	MeanDocumentBytes int     `json:"mean_document_bytes"`
	InvalidEvery      int     `json:"invalid_every"`
	DuplicateEvery    int     `json:"duplicate_every"`
}

// Counts are the posts of one step by the hub's response, and the
// invalid and duplicate documents the generator produced among them.
type Counts struct {
	Sent       int `json:"sent"`
	Accepted   int `json:"accepted"`
	Duplicates int `json:"duplicates"`
	Invalid    int `json:"invalid"`
	// Unavailable counts 503 responses, which mean that the hub stored
	// nothing and the sender should try again later.
	Unavailable int `json:"unavailable"`
	// Failed counts other statuses and transport errors.
	Failed int `json:"failed"`
	// Skipped counts open-loop posts that were due but not sent by the
	// end of the step, because MaxInFlight posts awaited a response.
	Skipped             int `json:"skipped"`
	GeneratedInvalid    int `json:"generated_invalid"`
	GeneratedDuplicates int `json:"generated_duplicates"`
}

// Step is one load step.
type Step struct {
	Mode string `json:"mode"`
	// OfferedRate is the open-loop schedule; 0 for the closed loop.
	OfferedRate int     `json:"offered_rate,omitempty"`
	Senders     int     `json:"senders,omitempty"`
	SendSeconds float64 `json:"send_s"`
	Counts      Counts  `json:"counts"`
	// Delivered counts the step's accepted messages that reached the
	// receiver before the drain timeout.
	Delivered int  `json:"delivered"`
	Drained   bool `json:"drained"`
	// AckRate is 202 responses per second of sending, and DeliveryRate the
	// messages first received in the same window per second.
	AckRate      float64 `json:"ack_rate"`
	DeliveryRate float64 `json:"delivery_rate"`
	// EndToEndRate is Accepted divided by the time from the first send
	// to the last delivery.
	EndToEndRate float64 `json:"end_to_end_rate"`
	Ack          Latency `json:"ack_latency"`
	EndToEnd     Latency `json:"ingest_to_delivered_latency"`
	MaxLagMs     float64 `json:"max_sender_lag_ms"`
	// CPUMsPerMessage is the CPU time of the whole bench process (hub,
	// senders and receiver, not the database server) from the start of
	// the step to the end of its drain, per accepted message.
	CPUMsPerMessage float64 `json:"cpu_ms_per_message"`
	// PostgresCPUMsPerMessage is the CPU time of the PostgreSQL server's
	// processes on this machine over the same span, per accepted message.
	// It is zero on SQLite, or when the server's processes are not visible.
	PostgresCPUMsPerMessage float64 `json:"postgres_cpu_ms_per_message,omitempty"`
	// MachineBusyPercent is the share of all cores' time that went to
	// anything but idling over the same span: 100 is saturation.
	MachineBusyPercent float64 `json:"machine_busy_percent"`
	FirstError         string  `json:"first_error,omitempty"`
}

// Backlog is the paused-receiver step: memory while deliveries wait, and
// the rate at which the backlog drains after the receiver resumes.
type Backlog struct {
	Step
	// Backlog is the number of accepted messages waiting at resume.
	Backlog int `json:"backlog"`
	// HeapBaseMiB is runtime.MemStats.HeapInuse of the whole bench
	// process in MiB, read after two GCs before the step. HeapPeakMiB is
	// the largest HeapInuse sampled every 100ms while the backlog grew,
	// which counts garbage and the posts in flight too.
	HeapBaseMiB float64 `json:"heap_inuse_base_mib"`
	HeapPeakMiB float64 `json:"heap_inuse_peak_mib"`
	// LiveBaseMiB and LiveAfterMiB are runtime.MemStats.HeapAlloc after
	// two GCs, before the step and with the backlog in place, in MiB.
	LiveBaseMiB  float64 `json:"live_heap_base_mib"`
	LiveAfterMiB float64 `json:"live_heap_after_mib"`
	// MiBPer1000 is (HeapPeakMiB - HeapBaseMiB) per 1,000 waiting
	// messages, and LiveMiBPer1000 (LiveAfterMiB - LiveBaseMiB) per 1,000.
	MiBPer1000     float64 `json:"peak_mib_per_1000_in_flight"`
	LiveMiBPer1000 float64 `json:"live_mib_per_1000_in_flight"`
	DrainSeconds   float64 `json:"drain_s"`
	DrainRate      float64 `json:"drain_rate"`
	// DrainMultiple is DrainRate divided by the steady rate.
	DrainMultiple float64 `json:"drain_multiple"`
}

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
	fmt.Fprintf(w, "documents: mean %d bytes; 1 in %d invalid, 1 in %d duplicate; "+
		"receiver concurrency %d\n\n",
		r.Settings.MeanDocumentBytes, r.Settings.InvalidEvery, r.Settings.DuplicateEvery,
		r.Settings.Concurrency)

	rb := r.RawBus
	fmt.Fprintf(w, "raw bus: %d messages of %d bytes: publish %.0f/s (%d publishers), "+
		"subscribe %.0f/s (%d subscribers)\n\n", rb.Messages, rb.PayloadBytes,
		rb.PublishRate, rb.Publishers, rb.SubscribeRate, rb.Subscribers)

	fmt.Fprintln(w, "step          sent  acc  dup  inv  503 fail  skip  deliv  ack/s   dlv/s   e2e/s"+
		"  cpu ms   pg ms  busy%   ack p50/p90/p99/max ms       ingest->delivered p50/p90/p99/max ms")
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
	fmt.Fprintf(w, "%-12s %5d %4d %4d %4d %4d %4d %5d %6d %6.0f %7.0f %7.0f %7.2f %7.2f %6.1f   %-28s %s%s\n",
		name, c.Sent, c.Accepted, c.Duplicates, c.Invalid, c.Unavailable, c.Failed, c.Skipped,
		s.Delivered,
		s.AckRate, s.DeliveryRate, s.EndToEndRate, s.CPUMsPerMessage, s.PostgresCPUMsPerMessage,
		s.MachineBusyPercent, latencyText(s.Ack),
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
