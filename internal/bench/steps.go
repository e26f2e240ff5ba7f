package bench

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// closedLoop runs cfg.Senders senders, each posting its next document
// as soon as the hub responds to the last, for cfg.Duration or until
// cfg.MaxMessages are sent.
func (b *bench) closedLoop(ctx context.Context) Step {
	b.cfg.Log.Info("closed-loop step", "senders", b.cfg.Senders, "duration", b.cfg.Duration)
	rec := newRecorder()
	sendCtx, cancel := context.WithTimeout(ctx, b.cfg.Duration)
	defer cancel()
	var issued atomic.Int64
	cpu := sampleCPU()
	start := time.Now()
	var wg sync.WaitGroup
	for range b.cfg.Senders {
		wg.Go(func() {
			for sendCtx.Err() == nil && b.mayIssue(&issued) {
				rec.send(ctx, b.sender, b.gen.next(), time.Now())
			}
		})
	}
	wg.Wait()
	step, _ := b.finish(ctx, rec, start, time.Now())
	step.Mode, step.Senders = "closed", b.cfg.Senders
	cpu.until(sampleCPU()).record(&step, step.Counts.Accepted, b.cfg.Store == StorePostgres)
	return step
}

// mayIssue counts one more document and reports whether the step's
// MaxMessages allows it.
func (b *bench) mayIssue(issued *atomic.Int64) bool {
	n := issued.Add(1)
	return b.cfg.MaxMessages == 0 || n <= int64(b.cfg.MaxMessages)
}

// openLoop posts documents at fixed times, rate per second, for
// duration or until cfg.MaxMessages are sent, however slowly the hub
// responds. Each post runs on its own goroutine, at most cfg.MaxInFlight
// at once.
func (b *bench) openLoop(ctx context.Context, rate int, duration time.Duration) Step {
	b.cfg.Log.Info("open-loop step", "rate", rate, "duration", duration)
	rec := newRecorder()
	cpu := sampleCPU()
	start, end := b.schedule(ctx, rec, rate, duration)
	step, _ := b.finish(ctx, rec, start, end)
	step.Mode, step.OfferedRate = "open", rate
	cpu.until(sampleCPU()).record(&step, step.Counts.Accepted, b.cfg.Store == StorePostgres)
	return step
}

// schedule sends documents at start + i/rate and returns once the hub
// has responded to every post, with the start and end of sending. A post
// not started when the step's time is up, because cfg.MaxInFlight posts
// await a response, is skipped and counted, so a hub slower than the
// schedule cannot stretch the step.
func (b *bench) schedule(
	ctx context.Context,
	rec *recorder,
	rate int,
	duration time.Duration,
) (start, end time.Time) {
	total := int(float64(rate) * duration.Seconds())
	if b.cfg.MaxMessages > 0 {
		total = min(total, b.cfg.MaxMessages)
	}
	slots := make(chan struct{}, b.cfg.MaxInFlight)
	interval := time.Second / time.Duration(rate)
	start = time.Now()
	deadline := start.Add(duration + interval)
	var wg sync.WaitGroup
	sent := 0
	for ; sent < total && ctx.Err() == nil; sent++ {
		due := start.Add(time.Duration(sent) * interval)
		if wait := time.Until(due); wait > 0 {
			time.Sleep(wait)
		}
		if !acquire(slots, deadline) {
			break
		}
		// The post renders its document, so the schedule loop stays cheap.
		wg.Go(func() {
			defer func() { <-slots }()
			rec.send(ctx, b.sender, b.gen.next(), due)
		})
	}
	end = time.Now()
	rec.skip(total - sent)
	wg.Wait()
	return start, end
}

// acquire takes a slot, or reports false when the deadline passes first.
func acquire(slots chan struct{}, deadline time.Time) bool {
	if time.Now().After(deadline) {
		return false
	}
	select {
	case slots <- struct{}{}:
		return true
	default:
	}
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	select {
	case slots <- struct{}{}:
		return true
	case <-timer.C:
		return false
	}
}

// finish waits until the step's accepted messages are delivered or
// cfg.DrainTimeout passes, and summarises the step. start and end bound
// the sending. It also returns when the last delivery arrived, or start
// when none did.
func (b *bench) finish(
	ctx context.Context,
	rec *recorder,
	start, end time.Time,
) (Step, time.Time) {
	ids := rec.accepted()
	drained := b.waitDelivered(ctx, ids)

	rec.mu.Lock()
	defer rec.mu.Unlock()
	step := Step{
		SendSeconds: round3(end.Sub(start).Seconds()),
		Counts:      rec.counts, Drained: drained,
		AckRate:      perSecond(rec.counts.Accepted, end.Sub(start)),
		DeliveryRate: perSecond(b.receiver.deliveredBetween(start, end), end.Sub(start)),
		Ack:          summarize(rec.acks),
		MaxLagMs:     millis(rec.maxLag),
	}
	if rec.firstErr != nil {
		step.FirstError = rec.firstErr.Error()
	}
	e2e, last := b.endToEnd(rec.sentAt, start)
	step.Delivered = len(e2e)
	step.EndToEnd = summarize(e2e)
	if step.Delivered > 0 {
		step.EndToEndRate = perSecond(rec.counts.Accepted, last.Sub(start))
	}
	return step, last
}

// endToEnd returns the ingest-to-delivered latency of each delivered
// message of sentAt, and when the last of them arrived, or start when
// none did.
func (b *bench) endToEnd(sentAt map[string]time.Time, start time.Time) ([]time.Duration, time.Time) {
	var e2e []time.Duration
	last := start
	for id, sent := range sentAt {
		got, ok := b.receiver.receivedAt(id)
		if !ok {
			continue
		}
		e2e = append(e2e, got.Sub(sent))
		if got.After(last) {
			last = got
		}
	}
	return e2e, last
}

// waitDelivered reports whether every message of ids reached the
// receiver within cfg.DrainTimeout.
func (b *bench) waitDelivered(ctx context.Context, ids []string) bool {
	deadline := time.Now().Add(b.cfg.DrainTimeout)
	pending := ids
	for {
		rest := pending[:0]
		for _, id := range pending {
			if _, ok := b.receiver.receivedAt(id); !ok {
				rest = append(rest, id)
			}
		}
		pending = rest
		if len(pending) == 0 {
			return true
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			b.cfg.Log.Warn("deliveries still pending after the drain timeout",
				"pending", len(pending), "drain_timeout", b.cfg.DrainTimeout)
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// cpuPerMessage returns cpu per message in milliseconds, 0 for none.
func cpuPerMessage(cpu time.Duration, messages int) float64 {
	if messages == 0 {
		return 0
	}
	return round3(millis(cpu) / float64(messages))
}

func round3(v float64) float64 {
	return float64(int64(v*1000+0.5)) / 1000
}
