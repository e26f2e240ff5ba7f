package api

import "github.com/sangam-hub/sangam/internal/throttle"

// failureLogs rate-limits the error lines of requests that fail one after
// another while the journal is down. It has one throttle.FailureLog per
// operation, each counting failed requests.
type failureLogs struct {
	store, journey, find, deadLetters, replay, backlog, verifications, busy, explainBusy *throttle.FailureLog
}

// deniedKeys is the number of pairs of message and caller, a token name
// or a remote host, whose denied requests s.denied limits apart. Each
// pair logs at most one line per throttle.DefaultLogInterval, and one
// more with its count held back when its entry expires, so deniedKeys
// bounds the rate of denied-request lines and the memory of the table.
const deniedKeys = 256

// newFailureLogs builds s.failures and sets the limits of s.denied.
// mux calls it once.
func (s *Server) newFailureLogs() {
	s.denied.Interval = throttle.DefaultLogInterval
	s.denied.MaxKeys = deniedKeys
	log := func(failed, recovered string) *throttle.FailureLog {
		return throttle.NewFailureLog(throttle.FailureLogConfig{
			Logger: s.Log, Failed: failed, Recovered: recovered,
			CountKey: "failed_requests", Now: s.now,
		})
	}
	s.failures = failureLogs{
		store:       log("storing inbound message failed", "storing inbound messages recovered"),
		journey:     log("reading journey failed", "reading journeys recovered"),
		find:        log("finding messages failed", "finding messages recovered"),
		deadLetters: log("listing dead letters failed", "listing dead letters recovered"),
		replay:      log("replay failed", "replays recovered"),
		backlog:     log("reading the backlog failed", "reading the backlog recovered"),
		verifications: log("listing verification requests failed",
			"listing verification requests recovered"),
		busy: throttle.NewFailureLog(throttle.FailureLogConfig{
			Logger: s.Log, Failed: "inbound message rejected because the hub is busy",
			Recovered: "inbound messages accepted again after the hub was busy",
			CountKey:  "rejected_requests", Now: s.now, Warn: true,
		}),
		explainBusy: throttle.NewFailureLog(throttle.FailureLogConfig{
			Logger: s.Log, Failed: "explain request rejected because the inbound memory budget is spent",
			Recovered: "explain requests read again after the inbound memory budget was spent",
			CountKey:  "rejected_requests", Now: s.now, Warn: true,
		}),
	}
}
