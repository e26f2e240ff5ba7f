package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/problem"
)

// DeadLettersResponse is the body of GET /api/v1/deadletters.
type DeadLettersResponse struct {
	DeadLetters []journal.DeadLetter `json:"dead_letters"`
	// Next is the after parameter of the next page: the id of the last
	// dead letter of this page. It is empty on the last page.
	Next string `json:"next,omitempty"`
}

func (s *Server) deadLetters(w http.ResponseWriter, r *http.Request) {
	f, err := deadLetterFilter(r)
	if err != nil {
		problem.Write(w, problem.New(problem.BadRequest, err.Error()))
		return
	}
	// An operator lists dead letters during an outage, when the journal
	// may be stuck, so the read has the bound of the backlog's.
	page, err := readBounded(s, r, func(r *http.Request) (DeadLettersResponse, error) {
		return s.deadLetterPage(r, f)
	})
	if s.clientGone(r, "listing dead letters", err) {
		return
	}
	var timedOut journalTimeoutError
	if errors.As(err, &timedOut) {
		s.failures.deadLetters.Failed(err)
		problem.Write(w, problem.New(problem.Unavailable, err.Error()))
		return
	}
	if errors.Is(err, journal.ErrInvalid) {
		problem.Write(w, problem.New(problem.BadRequest, fmt.Sprintf(
			"after: invalid value %q: want the next of the previous page, the id of a dead letter",
			f.After)))
		return
	}
	if err == nil && len(page.DeadLetters) == 0 {
		err = s.checkListedNames(r, f)
		var unknown unknownNameError
		if errors.As(err, &unknown) {
			problem.Write(w, problem.New(problem.BadRequest, err.Error()))
			return
		}
		if s.clientGone(r, "listing dead letters", err) {
			return
		}
	}
	if err != nil {
		s.failures.deadLetters.Failed(err)
		problem.Write(w, problem.New(problem.Unavailable, "reading the journal failed"))
		return
	}
	s.failures.deadLetters.Succeeded()
	WriteJSON(w, http.StatusOK, page)
}

// deadLetterPage returns the dead letters f selects and, when more
// follow, the cursor of the next page.
func (s *Server) deadLetterPage(r *http.Request, f journal.DeadLetterFilter) (DeadLettersResponse,
	error) {
	found, err := s.Store.DeadLetters(r.Context(), f)
	if err != nil {
		return DeadLettersResponse{}, err
	}
	page := DeadLettersResponse{DeadLetters: found}
	if page.DeadLetters == nil {
		page.DeadLetters = []journal.DeadLetter{}
	}
	page.Next, err = nextAfter(found, f.EffectiveLimit(),
		func(l journal.DeadLetter) string { return l.ID },
		func(after string) (bool, error) {
			probe := f
			probe.After, probe.Limit = after, 1
			more, err := s.Store.DeadLetters(r.Context(), probe)
			return len(more) > 0, err
		})
	return page, err
}

// nextAfter returns the after parameter of the page that follows found,
// a page of a listing of at most limit items, or "" when found is the
// last page. A full page may still be the last, so nextAfter then calls
// more with the id of its last item, and more reads one item past it to
// report whether any follows.
func nextAfter[T any](found []T, limit int, id func(T) string,
	more func(after string) (bool, error)) (string, error) {
	if len(found) < limit {
		return "", nil
	}
	last := id(found[len(found)-1])
	follows, err := more(last)
	if err != nil || !follows {
		return "", err
	}
	return last, nil
}

// unknownNameError is the error of a listing filter that names no
// destination or route known to the hub.
type unknownNameError struct{ field, name string }

func (e unknownNameError) Error() string {
	return fmt.Sprintf("%s: %q is not a %s of the routes in force and no dead letter in the "+
		"journal names it: check the name", e.field, e.name, e.field)
}

// checkListedNames returns an unknownNameError when f's destination or
// route is neither in the routes in force nor named by a dead letter in
// the journal. A destination or route removed from the routes stays
// listable while its dead letters remain. It runs only when f matched
// nothing, so a known name costs no query.
func (s *Server) checkListedNames(r *http.Request, f journal.DeadLetterFilter) error {
	for _, name := range []struct {
		field, value string
		inForce      func(string) bool
		filter       journal.DeadLetterFilter
	}{
		{"destination", f.Destination, s.configured,
			journal.DeadLetterFilter{Destination: f.Destination, Limit: 1}},
		{"route", f.Route, s.routeInForce, journal.DeadLetterFilter{Route: f.Route, Limit: 1}},
	} {
		if name.value == "" || name.inForce(name.value) {
			continue
		}
		found, err := s.Store.DeadLetters(r.Context(), name.filter)
		if err != nil {
			return err
		}
		if len(found) == 0 {
			return unknownNameError{field: name.field, name: name.value}
		}
	}
	return nil
}

// deadLetterFilter reads a filter from the query string: destination,
// route, reason, from and to (RFC 3339), replayed=false, after and limit.
func deadLetterFilter(r *http.Request) (journal.DeadLetterFilter, error) {
	v, err := queryParams(r, "destination", "route", "reason", "from", "to", "replayed",
		"after", "limit")
	if err != nil {
		return journal.DeadLetterFilter{}, err
	}
	f := journal.DeadLetterFilter{
		Destination: v.Get("destination"), Route: v.Get("route"), Reason: v.Get("reason"),
		After: v.Get("after"),
	}
	switch replayed := v.Get("replayed"); replayed {
	case "":
	case "false":
		f.Unreplayed = true
	default:
		return f, fmt.Errorf("replayed: invalid value %q: want false, to list only "+
			"dead letters not replayed yet", replayed)
	}
	for _, t := range []struct {
		name string
		dst  *time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		if s := v.Get(t.name); s != "" {
			parsed, err := parseQueryTime(t.name, s)
			if err != nil {
				return f, err
			}
			*t.dst = parsed
		}
	}
	if err := checkTimeRange(f.From, f.To); err != nil {
		return f, err
	}
	limit, err := parseLimit(v)
	f.Limit = limit
	return f, err
}

// parseQueryTime parses value, the RFC 3339 time of query parameter
// name. A URL query decodes a + as a space, so an offset such as +05:30
// written as is arrives as " 05:30", and the error then explains that.
func parseQueryTime(name, value string) (time.Time, error) {
	parsed, err := time.Parse(time.RFC3339, value)
	if err == nil {
		return parsed, nil
	}
	err = fmt.Errorf("%s: invalid time %q: want RFC 3339, such as 2025-12-01T00:00:00+05:30",
		name, value)
	if _, plusErr := time.Parse(time.RFC3339, strings.ReplaceAll(value, " ", "+")); plusErr == nil {
		err = fmt.Errorf("%w; a + in a URL query reads as a space, so write the + of the "+
			"offset as %%2B, as in %s=%s", err, name, strings.ReplaceAll(value, " ", "%2B"))
	}
	return time.Time{}, err
}
