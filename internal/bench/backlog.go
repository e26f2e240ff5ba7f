package bench

import (
	"context"
	"runtime"
	"sync"
	"time"
)

// backlog pauses the receiver, sends at cfg.SteadyRate for cfg.Duration
// while sampling the heap, then resumes the receiver and measures how
// fast the waiting deliveries drain.
func (b *bench) backlog(ctx context.Context) Backlog {
	rate := b.cfg.SteadyRate
	b.cfg.Log.Info("backlog step", "rate", rate, "duration", b.cfg.Duration)
	base := settledHeap(b.sender)

	b.receiver.pause()
	sampler := startHeapSampler(100 * time.Millisecond)
	rec := newRecorder()
	cpu := sampleCPU()
	start, end := b.schedule(ctx, rec, rate, b.cfg.Duration)
	peak := sampler.stop()
	after := settledHeap(b.sender)

	resumed := time.Now()
	b.receiver.resume()
	step, last := b.finish(ctx, rec, start, end)
	step.Mode, step.OfferedRate = "backlog", rate
	cpu.until(sampleCPU()).record(&step, step.Counts.Accepted, b.cfg.Store == StorePostgres)

	out := Backlog{
		Step: step, Backlog: step.Counts.Accepted,
		HeapBaseMiB: mib(base.inuse), HeapPeakMiB: mib(peak),
		LiveBaseMiB: mib(base.live), LiveAfterMiB: mib(after.live),
	}
	if out.Backlog > 0 {
		thousands := float64(out.Backlog) / 1000
		out.MiBPer1000 = round3(mib(peak-min(base.inuse, peak)) / thousands)
		out.LiveMiBPer1000 = round3(mib(after.live-min(base.live, after.live)) / thousands)
	}
	if step.Drained && last.After(resumed) {
		drain := last.Sub(resumed)
		out.DrainSeconds = round3(drain.Seconds())
		out.DrainRate = perSecond(step.Delivered, drain)
		out.DrainMultiple = ratio(out.DrainRate, float64(rate))
	}
	return out
}

// heapReading is one reading of the runtime's heap statistics, in bytes:
// runtime.MemStats.HeapInuse, the spans that hold at least one object,
// and HeapAlloc, the objects themselves.
type heapReading struct {
	inuse, live uint64
}

func readHeap() heapReading {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return heapReading{inuse: m.HeapInuse, live: m.HeapAlloc}
}

// settledHeap closes the idle connections to the hub, whose buffers
// would otherwise count as backlog, and waits for the hub's side of them
// to close. It then runs two GCs, the second to free what sync.Pools
// kept through the first, and reads the heap.
func settledHeap(s *sender) heapReading {
	s.closeIdle()
	time.Sleep(200 * time.Millisecond)
	runtime.GC()
	runtime.GC()
	return readHeap()
}

func mib(b uint64) float64 {
	return round3(float64(b) / (1 << 20))
}

// heapSampler records the largest HeapInuse of its samples.
type heapSampler struct {
	done chan struct{}
	wg   sync.WaitGroup
	peak uint64 // written by the sampling goroutine, read after it ends
}

func startHeapSampler(every time.Duration) *heapSampler {
	s := &heapSampler{done: make(chan struct{}), peak: readHeap().inuse}
	s.wg.Go(func() {
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-s.done:
				return
			case <-tick.C:
				s.peak = max(s.peak, readHeap().inuse)
			}
		}
	})
	return s
}

// stop ends the sampling and returns the peak, including one last
// sample.
func (s *heapSampler) stop() uint64 {
	close(s.done)
	s.wg.Wait()
	return max(s.peak, readHeap().inuse)
}
