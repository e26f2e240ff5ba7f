package throttle

import (
	"testing"
	"time"
)

func TestSamplerOncePerIntervalPerKind(t *testing.T) {
	s := Sampler{Interval: 5 * time.Second}
	start := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	allowed := map[string]int{}
	var suppressed []int
	for i := range 42 {
		now := start.Add(time.Duration(i) * 250 * time.Millisecond)
		for _, kind := range []string{"unknown token", "other agency"} {
			ok, n := s.Allow(kind, now)
			if !ok {
				continue
			}
			allowed[kind]++
			if kind == "unknown token" {
				suppressed = append(suppressed, n)
			}
		}
	}
	// 42 events 250 ms apart span 10.25 s: let through at 0, 5 and 10 s.
	for _, kind := range []string{"unknown token", "other agency"} {
		if allowed[kind] != 3 {
			t.Errorf("%s: let through %d of 42 events, want 3", kind, allowed[kind])
		}
	}
	// 19 events between 0 and 5 s, and 19 between 5 and 10 s.
	if want := []int{0, 19, 19}; len(suppressed) != 3 || suppressed[0] != want[0] ||
		suppressed[1] != want[1] || suppressed[2] != want[2] {
		t.Errorf("suppressed counts = %v, want %v", suppressed, want)
	}
}
