package api

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/sangam-hub/sangam/internal/problem"
	"github.com/sangam-hub/sangam/internal/verification"
)

// VerificationLister lists passport files by the newest verification
// request of each. *verification.Tracker implements it, and reckons
// overdue requests by its own clock and zone.
type VerificationLister interface {
	Requests(ctx context.Context, f verification.RequestFilter) (verification.RequestPage, error)
}

// verificationRequests serves the passport files whose newest
// verification request the query selects.
func (s *Server) verificationRequests(w http.ResponseWriter, r *http.Request) {
	if s.VerificationRequests == nil {
		problem.Write(w, problem.New(problem.NotFound,
			"this server does not serve passport verification"))
		return
	}
	f, err := verificationFilter(r)
	if err != nil {
		problem.Write(w, problem.New(problem.BadRequest, err.Error()))
		return
	}
	page, err := s.VerificationRequests.Requests(r.Context(), f)
	if err != nil {
		s.failures.verifications.Failed(err)
		problem.Write(w, problem.New(problem.Unavailable, "reading the verification index failed"))
		return
	}
	s.failures.verifications.Succeeded()
	WriteJSON(w, http.StatusOK, page)
}

// verificationFilter reads a filter from the query string: overdue=true,
// state, due_before and due_after (YYYY-MM-DD), after and limit.
func verificationFilter(r *http.Request) (verification.RequestFilter, error) {
	v, err := queryParams(r, "overdue", "state", "due_before", "due_after", "after",
		"limit")
	if err != nil {
		return verification.RequestFilter{}, err
	}

	f := verification.RequestFilter{State: v.Get("state"), After: v.Get("after")}
	switch overdue := v.Get("overdue"); overdue {
	case "":
	case "true":
		f.Overdue = true
	default:
		return f, fmt.Errorf("overdue: invalid value %q: want true, to list only requests "+
			"with no report whose due date has passed", overdue)
	}

	if err := checkListedState(f.State); err != nil {
		return f, err
	}
	if f.Overdue && f.State == verification.RequestReported {
		return f, fmt.Errorf("overdue, state: overdue=true lists open and escalated requests "+
			"only, so no %s request can match; leave one of them out", f.State)
	}

	if err := dueRange(v.Get("due_after"), v.Get("due_before")); err != nil {
		return f, err
	}
	f.DueAfter, f.DueBefore = v.Get("due_after"), v.Get("due_before")

	if f.After != "" {
		if err := verification.CheckCursor(f.After); err != nil {
			return f, fmt.Errorf("after: invalid value %q: %w", f.After, err)
		}
	}
	limit, err := parseLimit(v)
	f.Limit = limit
	return f, err
}

// checkListedState returns an error unless state is empty or one of
// verification.ListedStates.
func checkListedState(state string) error {
	want := strings.Join(verification.ListedStates, ", ")
	switch {
	case state == "" || slices.Contains(verification.ListedStates, state):
		return nil
	case state == verification.RequestReplaced:
		return fmt.Errorf("state: invalid value %q: the listing shows each file's newest "+
			"request, which no request has replaced; want one of %s", state, want)
	}
	return fmt.Errorf("state: invalid value %q: want one of %s", state, want)
}

// dueRange returns an error when after or before is set but is not a
// date, or when no date lies between them, so no due date can match.
func dueRange(after, before string) error {
	var dates [2]time.Time
	for i, p := range []struct{ name, value string }{
		{"due_after", after}, {"due_before", before},
	} {
		if p.value == "" {
			continue
		}
		d, err := time.Parse(time.DateOnly, p.value)
		if err != nil {
			return fmt.Errorf("%s: invalid date %q: want YYYY-MM-DD, such as 2025-11-26",
				p.name, p.value)
		}
		dates[i] = d
	}
	if after == "" || before == "" || dates[1].After(dates[0].AddDate(0, 0, 1)) {
		return nil
	}
	return fmt.Errorf("due_after, due_before: invalid range: both dates are left out, so "+
		"no due date lies after %s and before %s; widen the range", after, before)
}
