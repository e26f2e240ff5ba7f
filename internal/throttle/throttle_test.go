package throttle

import (
	"testing"
	"time"
)

func TestFailuresLogOncePerInterval(t *testing.T) {
	f := Failures{Interval: 30 * time.Second}
	start := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	logged := 0
	for s := range 100 {
		if ok, _ := f.Failed(start.Add(time.Duration(s) * time.Second)); ok {
			logged++
		}
	}
	// At 0, 30, 60 and 90 seconds.
	if logged != 4 {
		t.Errorf("100 failures a second apart logged %d times, want 4", logged)
	}

	ok, run := f.Recovered()
	if !ok {
		t.Fatal("Recovered after failures reported no run")
	}
	if run.Count != 100 || !run.Since.Equal(start) {
		t.Errorf("run = %+v, want 100 failures since %v", run, start)
	}
	if ok, _ := f.Recovered(); ok {
		t.Error("a second Recovered reported a run")
	}
	if ok, run := f.Failed(start.Add(time.Hour)); !ok || run.Count != 1 {
		t.Errorf("the first failure of a new run: logged %v, count %d; want logged, 1", ok, run.Count)
	}
}
