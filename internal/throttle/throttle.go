// Package throttle keeps a failure that repeats, such as every poll
// during a database outage, from flooding the log. The first failure of
// a run is logged at once, then at most one line per interval with the
// count so far, and the end of the run once.
package throttle

import "time"

// Failures tracks one run of repeated failures. The zero value with an
// Interval set is ready. It is not safe for concurrent use.
type Failures struct {
	// Interval is the shortest time between two logged failures.
	Interval time.Duration

	count         int
	since, logged time.Time
}

// Run describes a run of failures: how many and since when.
type Run struct {
	Count int
	Since time.Time
}

// Failed records a failure at now. It reports whether to log it, and the
// run so far.
func (f *Failures) Failed(now time.Time) (bool, Run) {
	f.count++
	if f.count == 1 {
		f.since = now
	} else if now.Sub(f.logged) < f.Interval {
		return false, Run{Count: f.count, Since: f.since}
	}
	f.logged = now
	return true, Run{Count: f.count, Since: f.since}
}

// Recovered ends the run of failures, if any, and reports whether there
// was one, with its count and start.
func (f *Failures) Recovered() (bool, Run) {
	if f.count == 0 {
		return false, Run{}
	}
	run := Run{Count: f.count, Since: f.since}
	*f = Failures{Interval: f.Interval}
	return true, run
}
