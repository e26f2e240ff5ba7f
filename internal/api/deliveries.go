package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/delivery"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/problem"
	"github.com/sangam-hub/sangam/internal/textcheck"
	"github.com/sangam-hub/sangam/routes"
	"github.com/sangam-hub/sangam/schemas"
)

// parseLimit reads the limit parameter of a listing from v: 0, for
// journal.DefaultLimit, when v has none.
func parseLimit(v url.Values) (int, error) {
	l := v.Get("limit")
	if l == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(l)
	if err != nil || n < 1 || n > journal.MaxLimit {
		return 0, fmt.Errorf("limit: invalid value %q: %s", l, limitRule("limit"))
	}
	return n, nil
}

// limitRule returns the rule of a limit named name for its error message.
// 0 is invalid, and the default applies only when the limit is left out.
func limitRule(name string) string {
	return fmt.Sprintf("want a whole number from 1 to %d, or leave %s out for %d",
		journal.MaxLimit, name, journal.DefaultLimit)
}

// checkTimeRange returns an error when both from and to are set and to
// is not after from, a range that no dead letter can fall in.
func checkTimeRange(from, to time.Time) error {
	if from.IsZero() || to.IsZero() || to.After(from) {
		return nil
	}
	return fmt.Errorf("from, to: invalid range: from %s is not before to %s, so no dead "+
		"letter can match; swap them or correct one", from.Format(time.RFC3339Nano),
		to.Format(time.RFC3339Nano))
}

// queryParams parses the query string of r and returns its parameters,
// or an error naming the first problem. A query string that does not
// parse is an error, because url.URL.Query drops every pair that it
// cannot decode, such as case_key=KL%2FEKM%zz, and the listing would then
// return every item that the filter was meant to leave out. A parameter
// that is not one of known, or that the query has more than once, is an
// error too, checked in sorted order. Otherwise a filter that the
// endpoint does not have, such as case_key on dead letters, would be
// dropped without a word, and a listing would use only the first value of
// a repeated one.
func queryParams(r *http.Request, known ...string) (url.Values, error) {
	v, err := parseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, err
	}
	names := slices.Sorted(maps.Keys(v))
	for _, name := range names {
		if !slices.Contains(known, name) {
			return nil, fmt.Errorf("%s: unknown query parameter: this endpoint takes %s",
				name, strings.Join(known, ", "))
		}
		if n := len(v[name]); n > 1 {
			return nil, fmt.Errorf("%s: query parameter given %d times: give it once", name, n)
		}
		if v.Get(name) == "" {
			// A script's filter=$X with X unset would otherwise list
			// everything the filter was meant to leave out.
			return nil, fmt.Errorf("%s: empty value: give a value or leave %s out", name, name)
		}
	}
	return v, nil
}

// parseQuery parses raw, a URL's query string. When raw does not parse,
// the error starts with "query: " and explains how to write it.
func parseQuery(raw string) (url.Values, error) {
	v, err := url.ParseQuery(raw)
	if err == nil {
		return v, nil
	}
	var escape url.EscapeError
	switch {
	case errors.As(err, &escape):
		return nil, fmt.Errorf("query: %w: write a %% in a value as %%25", err)
	case strings.Contains(raw, ";"):
		// url.ParseQuery rejects a pair that contains an unescaped ;.
		return nil, errors.New("query: invalid semicolon separator: separate parameters " +
			"with &, and write a ; in a value as %3B")
	}
	return nil, fmt.Errorf("query: %w", err)
}

// ReplayRequest is the optional JSON body of a replay request.
type ReplayRequest struct {
	// Force replays a delivery even when it was replayed before.
	Force bool `json:"force"`
	// By names the person or tool that asked, for the journal.
	By string `json:"by"`
	// DryRun lists what the request would replay and replays nothing.
	DryRun bool `json:"dry_run,omitempty"`
}

// ReplayManyRequest is the body of POST /api/v1/deadletters/replay: a
// filter of dead letters and how to replay them.
type ReplayManyRequest struct {
	ReplayRequest
	Destination string    `json:"destination"`
	Route       string    `json:"route"`
	Reason      string    `json:"reason"`
	From        time.Time `json:"from,omitzero"`
	To          time.Time `json:"to,omitzero"`
	// Limit caps the dead letters replayed, from 1 to journal.MaxLimit.
	// It is left out of the JSON when 0. A body without it replays at
	// most journal.DefaultLimit, and a body with "limit": 0 is invalid.
	Limit int `json:"limit,omitempty"`
	// All replays the dead letters of every destination and route. It is
	// required when no filter field is set, so that an empty request
	// never replays everything by accident.
	All bool `json:"all,omitempty"`
	// limitGiven is set by UnmarshalJSON when the body has a limit, so
	// that Check rejects "limit": 0.
	limitGiven bool
}

// UnmarshalJSON decodes req from a JSON object. Its errors name the
// field and its rule, such as from or to for a time that is not RFC 3339
// and limit for a value that is not a whole number.
func (req *ReplayManyRequest) UnmarshalJSON(data []byte) error {
	type fields ReplayManyRequest
	var raw struct {
		fields
		From  *string         `json:"from"`
		To    *string         `json:"to"`
		Limit json.RawMessage `json:"limit"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return describeJSONError(err, req)
	}
	*req = ReplayManyRequest(raw.fields)
	if raw.Limit != nil && string(raw.Limit) != "null" {
		n, err := strconv.Atoi(string(raw.Limit))
		if err != nil {
			return fmt.Errorf("limit: invalid value %s: %s", raw.Limit, limitRule("limit"))
		}
		req.Limit, req.limitGiven = n, true
	}
	for _, t := range []struct {
		name  string
		text  *string
		value *time.Time
	}{{"from", raw.From, &req.From}, {"to", raw.To, &req.To}} {
		if t.text == nil {
			continue
		}
		v, err := time.Parse(time.RFC3339, *t.text)
		if err != nil {
			return fmt.Errorf("%s: invalid time %q: want RFC 3339, such as "+
				"\"2025-12-01T00:00:00+05:30\"", t.name, *t.text)
		}
		*t.value = v
	}
	return nil
}

// ruleRequest is the rule of a violation about a field of a replay
// request, which the message names first.
const ruleRequest = "request"

// fieldError is an invalid value of one field of a request body. Its
// message starts with the field's name.
type fieldError struct {
	// pointer is the JSON pointer (RFC 6901) of the field, or "" for the
	// body as a whole, such as a body that sets none of the fields of
	// which one is required.
	pointer string
	err     error
}

func (e fieldError) Error() string { return e.err.Error() }

func (e fieldError) Unwrap() error { return e.err }

// fieldErrorf returns a fieldError at pointer with the message that
// fmt.Errorf formats.
func fieldErrorf(pointer, format string, args ...any) error {
	return fieldError{pointer: pointer, err: fmt.Errorf(format, args...)}
}

// writeInvalidReplay writes the 400 problem for r, a replay request whose
// check returned err, in the form of an invalid routes change's, and adds
// err to the audit line of r. The violation's pointer is that of err's
// fieldError, or "" when err wraps no fieldError. Its rule is
// canonical.RuleAadhaarLike when err matches canonical.ErrAadhaarLike,
// and ruleRequest otherwise.
func writeInvalidReplay(w http.ResponseWriter, r *http.Request, err error) {
	noteAttrs(r, "error", err)
	violation := schemas.Violation{Rule: ruleRequest, Message: err.Error()}
	if errors.Is(err, canonical.ErrAadhaarLike) {
		violation.Rule = canonical.RuleAadhaarLike
	}
	var field fieldError
	if errors.As(err, &field) {
		violation.Pointer = field.pointer
	}
	p := problem.New(problem.Invalid, "the replay request is invalid; nothing was replayed")
	p.Errors = []schemas.Violation{violation}
	problem.Write(w, p)
}

// maxBy is the most characters a replay request's by may have.
const maxBy = 200

// Check returns an error, starting with the field's name, when req
// breaks a field's rule.
func (req ReplayRequest) Check() error {
	if n := utf8.RuneCountInString(req.By); n > maxBy {
		return fieldErrorf("/by", "by: %d characters, at most %d: name the person or tool", n,
			maxBy)
	}
	if err := textcheck.Name(req.By); err != nil {
		return fieldErrorf("/by", "by: invalid: %w", err)
	}
	// The journal records by with the replay, and the delivery's history
	// shows it.
	if err := canonical.CheckOperatorText("it", req.By); err != nil {
		return fieldErrorf("/by", "by: invalid: %w", err)
	}
	return nil
}

// Check returns an error, starting with the field's name, when req
// breaks a field's rule or names no filter.
func (req ReplayManyRequest) Check() error {
	if err := req.ReplayRequest.Check(); err != nil {
		return err
	}
	filtered := req.Destination != "" || req.Route != "" || req.Reason != "" ||
		!req.From.IsZero() || !req.To.IsZero()
	if !filtered && !req.All {
		// No one field is missing, so the error points at the body.
		return fieldErrorf("", "filter: missing: set destination, route, reason, from or to, "+
			"or all: true to replay the dead letters of every destination")
	}
	if filtered && req.All {
		return fieldErrorf("/all", "all: true replays every dead letter, so it may not be set "+
			"with destination, route, reason, from or to; leave it out to replay by the filter")
	}
	if err := checkTimeRange(req.From, req.To); err != nil {
		// to must be after from, so the error points at to.
		return fieldError{pointer: "/to", err: err}
	}
	if req.Limit < 0 || req.Limit > journal.MaxLimit || (req.limitGiven && req.Limit == 0) {
		return fieldErrorf("/limit", "limit: invalid value %d: %s", req.Limit, limitRule("limit"))
	}
	return nil
}

// ReplayResponse is the body of a replay's response.
type ReplayResponse struct {
	// Replays lists the replays made, and the earlier replays returned
	// in place of new ones. A dry run lists only the earlier replays.
	Replays []ReplayResult `json:"replays"`
	// DryRun is true in the response to a dry run, which replayed
	// nothing.
	DryRun bool `json:"dry_run,omitempty"`
	// WouldReplay lists, in a dry run only, the dead letters that the
	// same request without dry_run would replay now, in the order it
	// would replay them.
	WouldReplay []journal.DeadLetter `json:"would_replay,omitempty"`
	// Skipped counts, by destination, the matching dead letters left
	// alone because the routes in force do not name their destination,
	// and, by destination and reason, the other matching dead letters
	// that the run leaves out. It is left out when none was skipped.
	Skipped []ReplaySkipped `json:"skipped,omitempty"`
}

// ReplaySkipped is the number of matching dead letters of one
// destination that a filtered replay skipped.
type ReplaySkipped struct {
	Destination string `json:"destination"`
	DeadLetters int    `json:"dead_letters"`
	// AtLeast is true when the count stopped at journal.MaxLimit, so
	// more may be skipped.
	AtLeast bool   `json:"at_least,omitempty"`
	Reason  string `json:"reason"`
}

// ReplayResult is one dead delivery's replay.
type ReplayResult struct {
	Of string `json:"of"`
	journal.Replayed
	// Latest is set, for an earlier replay in Delivery that was replayed
	// in turn, to the end of that chain: the newest replay of Delivery,
	// then the newest replay of that one, and so on. Its status, not
	// Delivery's, shows whether the message has since reached the
	// destination.
	Latest *journal.Delivery `json:"latest,omitempty"`
}

// newestReplay returns the end of the chain of replays that starts at the
// delivery id among ds, a journey's deliveries in the order they were
// made: the newest replay of id, then the newest replay of that one, and
// so on. It returns false when ds has no replay of id.
func newestReplay(ds []journal.Delivery, id string) (journal.Delivery, bool) {
	var latest journal.Delivery
	found := false
	// A chain is at most as long as ds, and the bound also ends a loop.
	for range ds {
		next := -1
		for i, d := range ds {
			if d.ReplayOf == id {
				next = i
			}
		}
		if next < 0 {
			break
		}
		latest, found, id = ds[next], true, ds[next].ID
	}
	return latest, found
}

func (s *Server) replayOne(w http.ResponseWriter, r *http.Request) {
	id, ok := parseID(w, r, "id", r.PathValue("id"), wantDeadLetter)
	if !ok {
		return
	}
	var req ReplayRequest
	if !readOptionalJSON(w, r, &req) {
		return
	}
	if err := req.Check(); err != nil {
		writeInvalidReplay(w, r, err)
		return
	}
	if req.DryRun {
		s.dryReplayOne(w, r, id, req)
		return
	}
	res, err := s.replay(r, id, req, time.Time{})
	if s.clientGone(r, "replay", err) {
		return
	}
	if err != nil && !errors.Is(err, journal.ErrNotFound) && !errors.Is(err, journal.ErrNotDead) &&
		!errors.Is(err, journal.ErrDestinationRemoved) {
		s.failures.replay.Failed(err, "delivery_id", id)
		problem.Write(w, problem.New(problem.Unavailable, "the replay was not stored"))
		return
	}
	s.failures.replay.Succeeded()
	switch {
	case errors.Is(err, journal.ErrNotFound):
		problem.Write(w, problem.New(problem.NotFound, s.deliveryNotFound(r, id)))
	case errors.Is(err, journal.ErrNotDead), errors.Is(err, journal.ErrDestinationRemoved):
		problem.Write(w, problem.New(problem.Conflict, err.Error()))
	default:
		status := http.StatusCreated
		if res.Existing {
			status = http.StatusOK
		}
		noteAttrs(r, "replays", 1)
		WriteJSON(w, status, ReplayResponse{Replays: []ReplayResult{res}})
	}
}

// deliveryNotFound returns the detail of the 404 of a replay of id, which
// names no delivery. An operator may give a message's id in place of a
// delivery's. When id is a journaled message's, the detail states that and
// lists the ids of its dead deliveries, which are what to replay.
func (s *Server) deliveryNotFound(r *http.Request, id string) string {
	detail := "no delivery with id " + id
	j, err := s.Store.Journey(r.Context(), id)
	if err != nil {
		// ErrNotFound, or a journal that does not respond: the plain
		// detail is still true.
		return detail
	}
	var dead []string
	for _, d := range j.Deliveries {
		if d.Status == journal.StatusDead {
			dead = append(dead, d.ID)
		}
	}
	detail += ", but it is the id of a journaled message"
	if len(dead) == 0 {
		return fmt.Sprintf("%s, and none of its %d deliveries is dead, so none needs a replay; "+
			"GET /api/v1/messages/%s shows them", detail, len(j.Deliveries), id)
	}
	return fmt.Sprintf("%s: replay its dead deliveries by their ids: %s", detail,
		strings.Join(dead, " "))
}

func (s *Server) replayMany(w http.ResponseWriter, r *http.Request) {
	var req ReplayManyRequest
	if !readOptionalJSON(w, r, &req) {
		return
	}
	noteAttrs(r, req.filterAttr())
	if err := req.Check(); err != nil {
		writeInvalidReplay(w, r, err)
		return
	}
	if req.Destination != "" && s.Routes != nil {
		// A replay to a destination the routes no longer name would die
		// at once, and a misspelt name would match nothing unnoticed.
		if _, ok := s.Routes().Destination(req.Destination); !ok {
			writeInvalidReplay(w, r, fieldErrorf("/destination",
				"destination: %q is not a destination of the routes in force: check the name, "+
					"or add it to the routes again before replaying its dead letters",
				req.Destination))
			return
		}
	}
	// Without force, dead letters replayed before would only list their
	// earlier replays, and could fill the limit before the others. Oldest
	// first, so that runs with a limit reach every letter even while the
	// destination keeps failing and the replays die again.
	// Dead letters of destinations the routes no longer name are left
	// out of the matches, so that they neither fill the limit nor get
	// replays that die at once.
	// Forced or not, a run replays only the newest dead letter of a
	// message to a destination by a route, and none of a message that
	// reached it, so that one run sends each message there at most once.
	// NOTE: a forced run still replays a dead letter whose message an
	// earlier replay delivers between this listing and its replay.
	started := time.Now()
	f := journal.DeadLetterFilter{Destination: req.Destination, Route: req.Route,
		Reason: req.Reason, From: req.From, To: req.To, Limit: req.Limit,
		Unreplayed: !req.Force, OnePerMessage: true, OldestFirst: true,
		Destinations: s.configuredDestinations()}
	found, err := s.Store.DeadLetters(r.Context(), f)
	if s.clientGone(r, "listing dead letters", err) {
		return
	}
	if err != nil {
		s.failures.deadLetters.Failed(err)
		problem.Write(w, problem.New(problem.Unavailable, "reading the journal failed"))
		return
	}
	s.failures.deadLetters.Succeeded()
	if req.DryRun {
		s.dryReplayMany(w, r, req, f, found)
		return
	}
	out := ReplayResponse{Replays: []ReplayResult{}}
	skipped := map[string]int{}
	for _, dl := range found {
		res, err := s.replay(r, dl.ID, req.ReplayRequest, started)
		if errors.Is(err, journal.ErrDestinationRemoved) {
			// The routes changed after the dead letters were read.
			skipped[dl.Destination]++
			continue
		}
		if s.clientGone(r, "replay", err) {
			return
		}
		if err != nil {
			s.failures.replay.Failed(err, "delivery_id", dl.ID)
			problem.Write(w, problem.New(problem.Unavailable, fmt.Sprintf(
				"replay of delivery %s failed after %d replays; send the request again",
				dl.ID, len(out.Replays))))
			return
		}
		s.failures.replay.Succeeded()
		out.Replays = append(out.Replays, res)
	}
	// Counted after the replays, so that the dead letters replayed now
	// count as neither replayed before nor beyond the limit.
	var removed int
	out.Skipped, removed, err = s.allSkippedReplays(r, f, found, skipped)
	if s.clientGone(r, "counting skipped replays", err) {
		return
	}
	if err != nil {
		s.failures.deadLetters.Failed(err)
		problem.Write(w, problem.New(problem.Unavailable, fmt.Sprintf(
			"reading the journal failed after %d replays, so the skipped dead letters were "+
				"not counted; send the request again", len(out.Replays))))
		return
	}
	if len(out.Replays) == 0 && removed == 0 && req.Route != "" && !s.routeInForce(req.Route) {
		// Nothing was replayed, so this 400 changes nothing. A misspelt
		// route name would otherwise read as "no dead letters".
		writeUnknownRoute(w, r, req.Route)
		return
	}
	noteAttrs(r, "replays", len(out.Replays))
	WriteJSON(w, http.StatusOK, out)
}

// writeUnknownRoute writes the 400 of a filtered replay, dry or not,
// that matched nothing and whose route names no route in force.
func writeUnknownRoute(w http.ResponseWriter, r *http.Request, route string) {
	writeInvalidReplay(w, r, fieldErrorf("/route",
		"route: %q is not a route of the routes in force and no dead letter "+
			"matching the filter names it: check the name", route))
}

// filterAttr returns the group "filter" of the fields of req that are
// set, such as filter.destination=ecourts-kerala filter.limit=10, for the
// audit line of the request.
func (req ReplayManyRequest) filterAttr() slog.Attr {
	var fields []slog.Attr
	for _, f := range []struct{ name, value string }{
		{"destination", req.Destination}, {"route", req.Route}, {"reason", req.Reason},
	} {
		if f.value != "" {
			fields = append(fields, slog.String(f.name, f.value))
		}
	}
	if !req.From.IsZero() {
		fields = append(fields, slog.Time("from", req.From))
	}
	if !req.To.IsZero() {
		fields = append(fields, slog.Time("to", req.To))
	}
	if req.limitGiven {
		fields = append(fields, slog.Int("limit", req.Limit))
	}
	if req.All {
		fields = append(fields, slog.Bool("all", true))
	}
	if req.Force {
		fields = append(fields, slog.Bool("force", true))
	}
	if req.DryRun {
		fields = append(fields, slog.Bool("dry_run", true))
	}
	return slog.Attr{Key: "filter", Value: slog.GroupValue(fields...)}
}

// routeInForce reports whether the routes in force name a route name.
// Every name counts when the server has no routes.
func (s *Server) routeInForce(name string) bool {
	if s.Routes == nil {
		return true
	}
	return slices.ContainsFunc(s.Routes().Config().Routes, func(r routes.Route) bool {
		return r.Name == name
	})
}

// configuredDestinations returns the names of the destinations of the
// routes in force, or nil, selecting every destination, when the server
// has no routes.
func (s *Server) configuredDestinations() []string {
	if s.Routes == nil {
		return nil
	}
	names := []string{}
	for _, d := range s.Routes().Config().Destinations {
		names = append(names, d.Name)
	}
	return names
}

// configured reports whether the routes in force name destination. Every
// destination counts as configured when the server has no routes.
func (s *Server) configured(destination string) bool {
	if s.Routes == nil {
		return true
	}
	_, ok := s.Routes().Destination(destination)
	return ok
}

// skippedReplays counts, by destination, the dead letters that match f
// but whose destination f.Destinations leaves out, adding the counts in
// raced, and returns them sorted by destination, or an empty slice.
func (s *Server) skippedReplays(r *http.Request, f journal.DeadLetterFilter,
	raced map[string]int) ([]ReplaySkipped, error) {
	counts := maps.Clone(raced)
	atLeast := false
	if f.Destinations != nil {
		f.ExceptDestinations, f.Destinations = f.Destinations, nil
		f.Limit = journal.MaxLimit
		found, err := s.Store.DeadLetters(r.Context(), f)
		if err != nil {
			return nil, err
		}
		for _, dl := range found {
			counts[dl.Destination]++
		}
		atLeast = len(found) == journal.MaxLimit
	}
	out := []ReplaySkipped{}
	for _, name := range slices.Sorted(maps.Keys(counts)) {
		out = append(out, ReplaySkipped{Destination: name, DeadLetters: counts[name],
			AtLeast: atLeast, Reason: "the routes in force do not name the destination; " +
				"add it to the routes again to replay these dead letters"})
	}
	return out, nil
}

// replay replays the dead delivery id as req requests. runStarted is when the
// filtered run that asked started, or zero for a replay of one id. A
// forced run then returns a replay made since, such as by the same run
// on another replica, instead of making another.
func (s *Server) replay(r *http.Request, id string, req ReplayRequest,
	runStarted time.Time) (ReplayResult, error) {
	by := recordedBy(r, req.By)
	jr := journal.ReplayRequest{
		DeliveryID: id, Force: req.Force, By: by, At: time.Now(),
		NewID: uuid.Must(uuid.NewV7()).String(), Configured: s.configured,
	}
	if req.Force {
		jr.ForcedSince = runStarted
	}
	res, err := s.Store.Replay(r.Context(), jr, delivery.NewOutgoing(s.shards))
	if err != nil {
		return ReplayResult{}, err
	}
	if !res.Existing {
		s.Log.Info("delivery replayed", "delivery_id", id, "replay_id", res.Delivery.ID,
			"destination", res.Delivery.Destination, "by", by, "forced", req.Force,
			"remote", r.RemoteAddr)
		return ReplayResult{Of: id, Replayed: res}, nil
	}
	// The earlier replay may have died and been replayed in turn, so its
	// own status would show a message that has since been delivered as
	// dead.
	j, err := s.Store.Journey(r.Context(), res.Delivery.MessageID)
	if err != nil {
		return ReplayResult{}, fmt.Errorf("reading the replays of delivery %s: %w",
			res.Delivery.ID, err)
	}
	return existingReplay(id, res.Delivery, j.Deliveries), nil
}

// existingReplay returns the result of a replay of the delivery id that
// made none because of the earlier replay, one of ds, the deliveries of
// its message in the order they were made.
func existingReplay(id string, earlier journal.Delivery, ds []journal.Delivery) ReplayResult {
	out := ReplayResult{Of: id, Replayed: journal.Replayed{Delivery: earlier, Existing: true}}
	if latest, ok := newestReplay(ds, earlier.ID); ok {
		out.Latest = &latest
	}
	return out
}

// readOptionalJSON decodes a JSON body into v when there is one. It
// writes a problem and returns false when the body is not valid JSON.
func readOptionalJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	body, ok := readBody(w, r, maxJSONBody)
	if !ok {
		return false
	}
	if len(body) == 0 {
		return true
	}
	return readOptionalJSONBytes(w, body, v)
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

// DestinationStatus is one destination with its breaker and the
// journal's backlog for it, as GET /api/v1/destinations lists it.
type DestinationStatus struct {
	routes.Destination
	// Configured is false for a destination that the routes in force no
	// longer name but whose pending deliveries or dead letters remain in
	// the journal. Only its name, breaker and backlog are known.
	Configured bool                  `json:"configured"`
	Breaker    delivery.BreakerState `json:"breaker"`
	// Backlog is nil, and its fields left out, when the journal did not
	// respond.
	*journal.Backlog
}

// destinations lists the destinations with their breakers and backlogs.
// While the journal does not respond, it still lists the breakers, which
// an operator needs most during an outage. backlog_unavailable then gives
// the reason the backlogs are missing.
func (s *Server) destinations(w http.ResponseWriter, r *http.Request) {
	backlogs := map[string]journal.Backlog{}
	backlog, err := s.readBacklog(r)
	if s.clientGone(r, "listing destinations", err) {
		return
	}
	if err != nil {
		s.failures.backlog.Failed(err)
	} else {
		s.failures.backlog.Succeeded()
		for _, b := range backlog {
			backlogs[b.Destination] = b
		}
	}
	states := map[string]delivery.BreakerState{}
	for _, st := range s.Breakers.States() {
		states[st.Destination] = st
	}
	breaker := func(name string) delivery.BreakerState {
		if st, ok := states[name]; ok {
			return st
		}
		return delivery.BreakerState{Destination: name, State: "closed"}
	}
	var out []DestinationStatus
	for _, d := range s.Routes().Config().Destinations {
		// The document leaves retries out when they are on, the default,
		// but the listing shows the value in force either way.
		retries := d.Retries == nil || *d.Retries
		d.Retries = &retries
		status := DestinationStatus{Destination: d, Configured: true, Breaker: breaker(d.Name)}
		if err == nil {
			b := backlogs[d.Name]
			status.Backlog = &b
		}
		out = append(out, status)
	}
	// A removed destination stays listed, as the backlog metrics keep it,
	// while the journal still has deliveries of it that wait.
	for _, b := range backlog {
		if s.configured(b.Destination) || (b.Pending == 0 && b.DeadLetters == 0) {
			continue
		}
		out = append(out, DestinationStatus{Destination: routes.Destination{Name: b.Destination},
			Breaker: breaker(b.Destination), Backlog: &b})
	}
	body := map[string]any{"destinations": out}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		body["backlog_unavailable"] = err.Error() + ", so the backlogs are left out"
	case err != nil:
		body["backlog_unavailable"] = "reading the journal failed, so the backlogs are left out"
	}
	WriteJSON(w, http.StatusOK, body)
}

// DefaultBacklogTimeout is the longest that a request waits for the
// journal's backlog when Server.BacklogTimeout is 0. It is the same as
// metrics.DefaultReadTimeout.
const DefaultBacklogTimeout = 5 * time.Second

// backlogTimeout returns s.BacklogTimeout, or DefaultBacklogTimeout when
// it is 0.
func (s *Server) backlogTimeout() time.Duration {
	if s.BacklogTimeout > 0 {
		return s.BacklogTimeout
	}
	return DefaultBacklogTimeout
}

// journalTimeoutError is the error of a journal read that took longer
// than its bound. It matches context.DeadlineExceeded.
type journalTimeoutError struct{ timeout time.Duration }

func (e journalTimeoutError) Error() string {
	return fmt.Sprintf("the journal did not respond within %s", e.timeout)
}

func (e journalTimeoutError) Unwrap() error { return context.DeadlineExceeded }

// readBounded returns read(r) with r's context ended after
// s.backlogTimeout(), so that a slow journal or a lock on the deliveries
// does not hold up a response that an operator needs during an outage.
// The error is then a journalTimeoutError.
func readBounded[T any](s *Server, r *http.Request, read func(*http.Request) (T, error)) (T, error) {
	timeout := s.backlogTimeout()
	ctx, cancel := context.WithTimeout(r.Context(), timeout)
	defer cancel()
	value, err := read(r.WithContext(ctx))
	if err != nil && ctx.Err() == context.DeadlineExceeded {
		return value, journalTimeoutError{timeout}
	}
	return value, err
}

// readBacklog reads the journal's backlog for r within s.backlogTimeout()
// (readBounded).
func (s *Server) readBacklog(r *http.Request) ([]journal.Backlog, error) {
	return readBounded(s, r, func(r *http.Request) ([]journal.Backlog, error) {
		return s.Store.Backlog(r.Context())
	})
}

// shards returns a destination's shard count, its concurrency, or 1 for a
// destination no longer configured.
func (s *Server) shards(destination string) int {
	if d, ok := s.Routes().Destination(destination); ok {
		return d.Concurrency
	}
	return 1
}

// recordedBy returns the name the journal records for the caller of r,
// who named itself named. With tokens it is the token's holder, and a
// different name in the request is only a note beside it, as in
// "ops-bob (for alice)". Without tokens it is named, or "api".
func recordedBy(r *http.Request, named string) string {
	p, ok := principal(r)
	switch {
	case !ok && named == "":
		return "api"
	case !ok:
		return named
	case named != "" && named != p.Name:
		return p.Name + " (for " + named + ")"
	}
	return p.Name
}
