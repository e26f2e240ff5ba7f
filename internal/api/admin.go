package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/outbound"
	"github.com/sangam-hub/sangam/internal/policycheck"
	"github.com/sangam-hub/sangam/internal/problem"
	"github.com/sangam-hub/sangam/internal/routestore"
	"github.com/sangam-hub/sangam/routes"
	"github.com/sangam-hub/sangam/schemas"
)

// RoutesVersion is a stored routes version as the admin API returns it.
type RoutesVersion struct {
	routestore.Info
	// Document is the routes document (YAML).
	Document string `json:"document"`
	// InForce is true for the version this replica routes with.
	InForce bool `json:"in_force"`
}

// RoutesVersionInfo is a stored routes version, without its document, as
// GET /api/v1/routes/versions lists it.
type RoutesVersionInfo struct {
	routestore.Info
	// InForce is true for the version this replica routes with. While a
	// replica has yet to apply the newest version, no version or an
	// older one is marked.
	InForce bool `json:"in_force"`
}

// RoutesChange is the body of PUT /api/v1/routes and of a restore.
type RoutesChange struct {
	// Document is the new routes document (YAML); unused by a restore.
	// The hub drops a leading byte order mark and turns CRLF line breaks
	// into LF (routes.Normalize).
	Document string `json:"document"`
	Comment  string `json:"comment"`
	// Expect is the version the change was based on; a newer current
	// version makes the change fail with 409 Conflict.
	Expect int `json:"expect"`
	// DryRun validates and shows the difference without saving.
	DryRun bool `json:"dry_run"`
	// By names who made the change. With tokens the journal records the
	// token's holder, with By beside it (see recordedBy).
	By string `json:"by"`
}

// RoutesChangeResult is the response to a change: the difference it makes
// and, unless it was a dry run, the version saved.
type RoutesChangeResult struct {
	Diff    string   `json:"diff"`
	Summary []string `json:"summary"`
	// RemovedDestinations lists the destinations of the current version
	// that the change removes, with the backlog of each in the journal.
	RemovedDestinations []RemovedDestination `json:"removed_destinations,omitempty"`
	// Warnings are those of policycheck.ExcludedRoutes and
	// Server.RoutesWarnings about the proposed document, one sentence
	// each.
	Warnings []string       `json:"warnings,omitempty"`
	Saved    *RoutesVersion `json:"saved,omitempty"`
}

// RemovedDestination is a destination that a routes change removes. Once
// a replica applies the change, the destination's pending deliveries are
// dead-lettered, and its dead letters cannot be replayed until it is
// added to the routes again.
type RemovedDestination struct {
	Name        string `json:"name"`
	Pending     int    `json:"pending"`
	DeadLetters int    `json:"dead_letters"`
	// Warning states the consequence in a sentence for the operator.
	Warning string `json:"warning"`
}

func (s *Server) currentRoutes(w http.ResponseWriter, r *http.Request) {
	v, err := s.Versions.Current(r.Context())
	if err != nil {
		s.storeProblem(w, r, "reading routes", err)
		return
	}
	WriteJSON(w, http.StatusOK, s.routesVersion(v))
}

func (s *Server) routesVersion(v routestore.Version) RoutesVersion {
	return RoutesVersion{Info: v.Info, Document: string(v.Document),
		InForce: s.Routes().Version() == fmt.Sprintf("v%d", v.Number)}
}

func (s *Server) listRoutes(w http.ResponseWriter, r *http.Request) {
	limit, before := 100, 0
	query, err := queryParams(r, "limit", "before")
	if err != nil {
		problem.Write(w, problem.New(problem.BadRequest, err.Error()))
		return
	}
	if l := query.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > routestore.MaxListLimit {
			problem.Write(w, problem.New(problem.BadRequest, fmt.Sprintf(
				"limit: invalid value %q: want 1 to %d", l, routestore.MaxListLimit)))
			return
		}
		limit = n
	}
	if b := query.Get("before"); b != "" {
		n, err := strconv.Atoi(b)
		if err != nil || n < 1 {
			problem.Write(w, problem.New(problem.BadRequest, fmt.Sprintf(
				"before: invalid value %q: want a version number, such as the last one listed", b)))
			return
		}
		before = n
	}
	list, err := s.Versions.List(r.Context(), limit, before)
	if err != nil {
		s.storeProblem(w, r, "listing routes versions", err)
		return
	}
	// One read of the routes in force marks at most one version, even
	// when the replica applies another one meanwhile.
	inForce := s.Routes().Version()
	versions := make([]RoutesVersionInfo, len(list))
	for i, info := range list {
		versions[i] = RoutesVersionInfo{Info: info, InForce: inForce == fmt.Sprintf("v%d", info.Number)}
	}
	WriteJSON(w, http.StatusOK, map[string]any{"versions": versions})
}

func (s *Server) getRoutes(w http.ResponseWriter, r *http.Request) {
	n, ok := versionNumber(w, r)
	if !ok {
		return
	}
	v, err := s.Versions.Get(r.Context(), n)
	if err != nil {
		s.versionProblem(w, r, n, err)
		return
	}
	WriteJSON(w, http.StatusOK, s.routesVersion(v))
}

// versionProblem writes the problem for err, the error of reading routes
// version n. A missing version gets 404 with a detail that names only n,
// without the store's context.
func (s *Server) versionProblem(w http.ResponseWriter, r *http.Request, n int, err error) {
	if errors.Is(err, routestore.ErrNotFound) {
		problem.Write(w, problem.New(problem.NotFound, fmt.Sprintf("routes version %d does not exist", n)))
		return
	}
	s.storeProblem(w, r, "reading routes version", err)
}

func versionNumber(w http.ResponseWriter, r *http.Request) (int, bool) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 {
		problem.Write(w, problem.New(problem.BadRequest,
			"version: invalid number "+strconv.Quote(r.PathValue("n"))))
		return 0, false
	}
	return n, true
}

func (s *Server) putRoutes(w http.ResponseWriter, r *http.Request) {
	var c RoutesChange
	if !readJSON(w, r, &c) {
		return
	}
	s.change(w, r, c, routes.Normalize([]byte(c.Document)), nil)
}

// RestoreComment returns the comment of a restore of version n that
// gives none.
func RestoreComment(n int) string { return fmt.Sprintf("restore version %d", n) }

func (s *Server) restoreRoutes(w http.ResponseWriter, r *http.Request) {
	n, ok := versionNumber(w, r)
	if !ok {
		return
	}
	var c RoutesChange
	if !readOptionalJSON(w, r, &c) {
		return
	}
	old, err := s.Versions.Get(r.Context(), n)
	if err != nil {
		s.versionProblem(w, r, n, err)
		return
	}
	if c.Comment == "" {
		c.Comment = RestoreComment(n)
	}
	s.change(w, r, c, old.Document, &old)
}

// change validates doc, shows its difference from the current version
// and, unless c is a dry run, saves it. restored is the version that a
// restore saves again, or nil.
func (s *Server) change(
	w http.ResponseWriter,
	r *http.Request,
	c RoutesChange,
	doc []byte,
	restored *routestore.Version,
) {
	table, err := routes.Load(doc)
	// Parse returns the decoded document even when it breaks other rules,
	// so one response lists every problem.
	config, _ := routes.Parse(doc)
	// The files live on the hub's machines, so the replica that saves a
	// version checks them as each replica will when it applies it.
	errs := []error{err, outbound.Check(config, s.Reserved)}
	if set := s.adapters(); set != nil {
		errs = append(errs, config.CheckAgencies(set.Agencies()))
		if table != nil {
			errs = append(errs, policycheck.Check(table, set.Adapter))
		}
	}
	by := recordedBy(r, c.By)
	if !s.validChange(w, r, errors.Join(errs...), by, c) {
		return
	}
	cur, err := s.Versions.Current(r.Context())
	if err != nil {
		s.storeProblem(w, r, "reading routes", err)
		return
	}
	if c.Expect == 0 && cur.Number > 0 {
		s.Log.Warn("routes change rejected: it does not say which version it is based on", "by", by,
			"current", cur.Number, "remote", r.RemoteAddr)
		p := problem.New(problem.Invalid, "the change is invalid; nothing changed")
		p.Errors = []schemas.Violation{{Pointer: "/expect", Rule: ruleChange, Message: fmt.Sprintf(
			"expect: missing: give the number of the version the change is based on, such as %d, "+
				"the current one that GET /api/v1/routes returns", cur.Number)}}
		problem.Write(w, p)
		return
	}
	res := RoutesChangeResult{Diff: routestore.Diff(cur.Document, doc,
		fmt.Sprintf("v%d", cur.Number), "proposed")}
	if sum, err := routestore.Summarize(cur.Document, doc); err == nil {
		res.Summary = sum.Lines()
	}
	res.RemovedDestinations = s.removedDestinations(r, cur.Document, config)
	res.Warnings = s.excludedRoutes(table)
	if s.RoutesWarnings != nil {
		res.Warnings = append(res.Warnings, s.RoutesWarnings(table)...)
	}
	change := routestore.Change{Document: doc, By: by, Comment: c.Comment, Expect: c.Expect,
		Remote: r.RemoteAddr}
	if restored != nil {
		change.RestoredFrom = restored.Number
	}
	if c.DryRun {
		// A dry run rejects what a save would, such as a valid document
		// over the size limit or the current version's document.
		err := change.Validate()
		if err == nil {
			err = change.Admit(cur, restored)
		}
		if err != nil {
			s.rejectSave(w, r, by, err)
			return
		}
		WriteJSON(w, http.StatusOK, res)
		return
	}
	v, err := s.Versions.Save(r.Context(), change)
	if err != nil {
		s.rejectSave(w, r, by, err)
		return
	}
	s.applySaved(r, v.Number)
	saved := s.routesVersion(v)
	res.Saved = &saved
	WriteJSON(w, http.StatusCreated, res)
}

// applyWait bounds how long a save waits for this replica to put the
// saved version in force before it responds. Applying may take longer,
// such as when new destinations need Kafka topics, and the response then
// reports that the version is not yet in force.
const applyWait = 5 * time.Second

// applySaved makes this replica put the routes version it has just
// saved, number, in force before the save responds, when ApplyRoutes is
// set. A version that is still not in force afterwards is logged, and the
// replica tries again at its next read of the store.
func (s *Server) applySaved(r *http.Request, number int) {
	if s.ApplyRoutes == nil {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), applyWait)
	defer cancel()
	err := s.ApplyRoutes(ctx)
	if inForce := s.Routes().Version(); inForce != fmt.Sprintf("v%d", number) {
		s.Log.Warn("routes version saved, but not yet in force on this replica when the save "+
			"responded", "version", number, "in_force", inForce, "error", err)
	}
}

// excludedRoutes returns the warnings of policycheck.ExcludedRoutes
// about table. Without its samples the change still goes ahead, and the
// error is logged.
func (s *Server) excludedRoutes(table *routes.Table) []string {
	warnings, err := policycheck.ExcludedRoutes(table)
	if err != nil {
		s.Log.Error("checking which routes send destinations only types their "+
			"policies reject failed", "error", err)
	}
	return warnings
}

// validChange writes a problem and returns false when docErr, the error
// of checking a change's document, has problems, or the by or comment of
// the change is invalid. by is the name that the change would record.
func (s *Server) validChange(w http.ResponseWriter, r *http.Request, docErr error, by string,
	c RoutesChange) bool {
	violations := routeViolations(docErr)
	var invalid []string
	if len(violations) > 0 {
		invalid = append(invalid, "the routes document")
	}

	byErr := routestore.ValidateBy(by)
	for _, field := range []struct {
		name string
		err  error
	}{{"by", byErr}, {"comment", routestore.ValidateComment(c.Comment)}} {
		if field.err != nil {
			invalid = append(invalid, field.name)
			violations = append(violations, changeFieldViolations(field.name, field.err)...)
		}
	}
	if len(invalid) == 0 {
		return true
	}

	logged := by
	if errors.Is(byErr, canonical.ErrAadhaarLike) {
		// The violation's message writes the number masked.
		logged = "(invalid: " + canonical.RuleAadhaarLike + ")"
	}
	s.Log.Warn("routes change rejected as invalid", "by", logged, "dry_run", c.DryRun,
		"problems", len(violations), "first", violations[0].Message, "remote", r.RemoteAddr)
	kind := problem.InvalidRoutes
	if invalid[0] != "the routes document" {
		kind = problem.Invalid
	}
	verb := "is"
	if len(invalid) > 1 {
		verb = "are"
	}
	p := problem.New(kind, fmt.Sprintf("%s %s invalid; nothing changed", joinAnd(invalid), verb))
	p.Errors = violations
	problem.Write(w, p)
	return false
}

// joinAnd joins names as a list in a sentence: "a", "a and b", "a, b
// and c".
func joinAnd(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// removedDestinations returns the destinations of the document current
// that next does not have, with their backlogs. When the journal does not
// respond, each warning states that the counts are unknown.
func (s *Server) removedDestinations(r *http.Request, current []byte, next routes.Config) []RemovedDestination {
	// The current version passed validation when it was saved.
	before, _ := routes.Parse(current)
	nextNames := map[string]bool{}
	for _, d := range next.Destinations {
		nextNames[d.Name] = true
	}
	var removed []RemovedDestination
	for _, d := range before.Destinations {
		if !nextNames[d.Name] {
			removed = append(removed, RemovedDestination{Name: d.Name})
		}
	}
	if len(removed) == 0 {
		return nil
	}

	backlog, err := s.readBacklog(r)
	if err != nil {
		if !s.clientGone(r, "reading the backlog", err) {
			s.failures.backlog.Failed(err)
		}
		for i := range removed {
			removed[i].Warning = fmt.Sprintf("destination %q is removed: its pending deliveries "+
				"will be dead-lettered, but the journal did not respond, so their number is unknown",
				removed[i].Name)
		}
		return removed
	}
	s.failures.backlog.Succeeded()
	counts := map[string]journal.Backlog{}
	for _, b := range backlog {
		counts[b.Destination] = b
	}
	for i := range removed {
		b := counts[removed[i].Name]
		removed[i].Pending, removed[i].DeadLetters = b.Pending, b.DeadLetters
		removed[i].Warning = fmt.Sprintf("destination %q is removed: its pending deliveries (%d) "+
			"will be dead-lettered, and none of them or of its dead letters (%d) can be replayed "+
			"until it is added to the routes again", removed[i].Name, b.Pending, b.DeadLetters)
	}
	return removed
}

// ruleChange is the rule of a violation about a field of a routes change
// other than its document's content, such as comment or expect. Its
// pointer is that of the field in the change's body, such as /comment
// (see changeFieldPointer). The routes document has no top-level key of
// the same name, so it cannot be mistaken for a pointer into the
// document, which the other violations of a change have. A by or
// comment that contains an Aadhaar number gets the rule
// canonical.RuleAadhaarLike instead, at the same pointer.
const ruleChange = "change"

// changeFields lists the JSON names of the fields of a RoutesChange.
var changeFields = jsonFields(reflect.TypeOf(RoutesChange{}))

// changeFieldPointer returns the JSON pointer of the field of a
// RoutesChange that message names first, as routestore's errors about
// a change's fields do ("comment: invalid: ..."). It returns "" for a
// message that names no field of the body, such as one about
// restored_from, which a restore takes from its path.
func changeFieldPointer(message string) string {
	name, _, found := strings.Cut(message, ": ")
	if !found || !slices.Contains(changeFields, name) {
		return ""
	}
	return "/" + name
}

// changeFieldViolations returns a violation for each error that err, the
// error of the change's field name (by or comment), joins.
func changeFieldViolations(name string, err error) []schemas.Violation {
	errs := []error{err}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		errs = joined.Unwrap()
	}
	var out []schemas.Violation
	for _, e := range errs {
		if errors.Is(e, canonical.ErrAadhaarLike) {
			out = append(out, schemas.Violation{Pointer: "/" + name, Rule: canonical.RuleAadhaarLike,
				Message: e.Error()})
			continue
		}
		out = append(out, routeViolations(e)...)
	}
	return out
}

// routeViolations returns a violation for each problem of a routes
// document in err's tree, with the problem's pointer and rule, and one
// with rule ruleChange for each other error, sorted by pointer. Like the
// violations of a message, they are capped at schemas.MaxViolations.
func routeViolations(err error) []schemas.Violation {
	var out []schemas.Violation
	var add func(error)
	add = func(err error) {
		switch e := err.(type) {
		case nil:
		case *routes.InvalidError:
			for _, p := range e.Problems() {
				out = append(out, schemas.Violation{Pointer: p.Pointer, Rule: p.Rule, Message: p.Message})
			}
		case interface{ Unwrap() []error }:
			for _, inner := range e.Unwrap() {
				if inner != routestore.ErrInvalid {
					add(inner)
				}
			}
		default:
			// A store wraps the joined errors of a change in its own
			// words, which the violations need not repeat.
			if inner := errors.Unwrap(err); branches(inner) {
				add(inner)
				return
			}
			out = append(out, schemas.Violation{Pointer: changeFieldPointer(err.Error()),
				Rule: ruleChange, Message: err.Error()})
		}
	}
	add(err)
	out = withoutClearAadhaar(out)
	// Each check of a change lists its own problems, so the whole list
	// is sorted before the cap.
	schemas.SortByPointer(out)
	return schemas.Violations(schemas.Invalid(out...))
}

// withoutClearAadhaar returns vs less the violations of other rules
// whose messages contain a number that canonical.CheckOperatorText
// reports, when vs has one of rule canonical.RuleAadhaarLike, which
// writes the number masked. A routes document's problems are filtered
// so (see routes.Invalid), but the other checks of a change, such as
// the files of its destinations, report on their own and may quote
// the value that contains the number.
func withoutClearAadhaar(vs []schemas.Violation) []schemas.Violation {
	if !slices.ContainsFunc(vs, func(v schemas.Violation) bool {
		return v.Rule == canonical.RuleAadhaarLike
	}) {
		return vs
	}
	return slices.DeleteFunc(vs, func(v schemas.Violation) bool {
		return v.Rule != canonical.RuleAadhaarLike && canonical.CheckOperatorText("", v.Message) != nil
	})
}

// branches reports whether err's chain of wrapped errors has an error
// that joins several or a *routes.InvalidError.
func branches(err error) bool {
	for ; err != nil; err = errors.Unwrap(err) {
		switch err.(type) {
		case *routes.InvalidError, interface{ Unwrap() []error }:
			return true
		}
	}
	return false
}

func (s *Server) storeProblem(w http.ResponseWriter, r *http.Request, doing string, err error) {
	var conflict *routestore.ConflictError
	switch {
	case s.clientGone(r, doing, err):
	case errors.As(err, &conflict):
		// The conflict alone, without the store's context, as a dry run
		// reports it.
		problem.Write(w, problem.New(problem.Conflict, conflict.Error()))
	case errors.Is(err, routestore.ErrUnchanged):
		problem.Write(w, problem.New(problem.Conflict, UnchangedDetail))
	case errors.Is(err, routestore.ErrInvalid):
		p := problem.New(problem.InvalidRoutes, "the routes document is invalid; nothing changed")
		p.Errors = routeViolations(err)
		problem.Write(w, p)
	case errors.Is(err, routestore.ErrNotFound), errors.Is(err, routestore.ErrEmpty),
		errors.Is(err, journal.ErrNotFound):
		problem.Write(w, problem.New(problem.NotFound, err.Error()))
	default:
		s.Log.Error(doing+" failed", "error", err)
		problem.Write(w, problem.New(problem.Unavailable, doing+" failed"))
	}
}

// rejectSave writes the problem for a routes change that the store or
// its checks rejected with err. When the change was invalid, based on an
// old version or the current version, it also logs the rejection with
// by, who made the change, and the address it came from.
func (s *Server) rejectSave(w http.ResponseWriter, r *http.Request, by string, err error) {
	var conflict *routestore.ConflictError
	switch {
	case errors.As(err, &conflict):
		s.Log.Warn("routes change rejected: another version was saved since the one it is based on",
			"by", by, "expect", conflict.Expect, "current", conflict.Current, "remote", r.RemoteAddr)
	case errors.Is(err, routestore.ErrUnchanged):
		s.Log.Warn("routes change rejected: the document is the current version", "by", by,
			"remote", r.RemoteAddr)
	case errors.Is(err, routestore.ErrInvalid):
		s.Log.Warn("routes change rejected as invalid", "by", by, "error", err, "remote", r.RemoteAddr)
	}
	s.storeProblem(w, r, "saving routes", err)
}

// UnchangedDetail is the detail of the 409 problem for a routes change or
// restore whose document is the current version's.
const UnchangedDetail = "the document is the current version"

// clientGone reports whether err is the cancellation of r's context
// because the client went away, and then logs it at info level, because
// the client ended the request and the hub did not fail. No client is
// left to read a response, so callers may return without one.
func (s *Server) clientGone(r *http.Request, doing string, err error) bool {
	if !errors.Is(err, context.Canceled) || r.Context().Err() == nil {
		return false
	}
	s.Log.Info("client closed the connection before the hub answered", "request", doing,
		"method", r.Method, "path", r.URL.Path)
	return true
}

// ExplainRequest names a stored message, or carries a message to
// explain: canonical JSON, or an agency's own body with the agency's
// name.
type ExplainRequest struct {
	MessageID   string             `json:"message_id,omitempty"`
	Message     *canonical.Message `json:"message,omitempty"`
	Agency      string             `json:"agency,omitempty"`
	Body        string             `json:"body,omitempty"`
	ContentType string             `json:"content_type,omitempty"`
}

// ExplainResponse is the explanation, and for a stored message the
// decision journaled when it was routed and whether the two agree.
type ExplainResponse struct {
	routes.Explanation
	Journaled     []journal.RouteDecision `json:"journaled,omitempty"`
	SameAsJournal *bool                   `json:"same_as_journal,omitempty"`
	// DuplicateOf is the hub's id of the journaled message that a message
	// of an agency's body resends. The hub would return that message as a
	// duplicate and route nothing, so the explanation is the stored
	// message's, as for a message id.
	DuplicateOf string `json:"duplicate_of,omitempty"`
}

func (s *Server) explain(w http.ResponseWriter, r *http.Request) {
	raw, release, ok := s.readExplainRequest(w, r)
	// The request and the body decoded from it stay in memory until the
	// explanation is written, so the reservation is held until then.
	defer release()
	if !ok {
		return
	}
	var req ExplainRequest
	if !decodeRequiredJSON(w, raw, &req) {
		return
	}
	if req.Body == "" && int64(len(raw)) > maxJSONBody {
		// Only an agency's body needs the larger limit.
		problem.Write(w, problem.New(problem.TooLarge, "the body exceeds the limit of "+
			humanBytes(maxJSONBody)+" for a request without an agency's body"))
		return
	}
	switch {
	case req.MessageID != "":
		if id, ok := parseID(w, r, "message_id", req.MessageID, wantMessageID); ok {
			s.explainStored(w, r, id)
		}
	case req.Message != nil:
		if err := schemas.ValidateValue("canonical/message.json", req.Message); err != nil {
			s.invalid(w, err)
			return
		}
		if err := ingest.CheckRecordNumbers(req.Message); err != nil {
			s.invalid(w, err)
			return
		}
		// As ingest does, so the preview shows what destinations get.
		canonical.MaskAadhaarInMessage(req.Message)
		noteMatches(r, req.Message)
		table := s.Routes()
		WriteJSON(w, http.StatusOK, ExplainResponse{Explanation: s.encodeShared(table,
			table.Explain(req.Message))})
	case req.Agency != "":
		s.explainBody(w, r, req)
	default:
		problem.Write(w, problem.New(problem.BadRequest,
			"give message_id, message, or agency with body"))
	}
}

// explainStored explains a journaled message with the routes version that
// routed it, so the result can be checked against the journal.
func (s *Server) explainStored(w http.ResponseWriter, r *http.Request, id string) {
	noteAttrs(r, "message_id", id)
	res, err := s.storedExplanation(r, id)
	if errors.Is(err, journal.ErrNotFound) {
		// The journal's error does not name the message.
		problem.Write(w, problem.New(problem.NotFound, "no message with id "+id))
		return
	}
	if err != nil {
		s.storeProblem(w, r, "reading journey", err)
		return
	}
	WriteJSON(w, http.StatusOK, res)
}

// storedExplanation returns the explanation of the journaled message id
// that explainStored responds with.
func (s *Server) storedExplanation(r *http.Request, id string) (ExplainResponse, error) {
	j, err := s.Store.Journey(r.Context(), id)
	if err != nil {
		return ExplainResponse{}, err
	}
	table := s.Routes()
	if t := s.storedTable(r, j.RoutesVersion); t != nil {
		table = t
	}
	noteMatches(r, &j.Message)
	ex := table.Explain(&j.Message)
	s.shareAsDelivered(r, &ex, j)
	ex = s.encodeShared(table, ex)
	same := sameDecisions(ex.Decisions, j.Routing)
	return ExplainResponse{Explanation: ex, Journaled: j.Routing, SameAsJournal: &same}, nil
}

// shareAsDelivered applies to each delivery of ex the policy that its
// attempts apply: delivery takes the policy in force at each attempt,
// which a later routes version may have changed since j was routed. A
// settled delivery shows the policy of its last attempt, and one still
// pending the policy in force now.
func (s *Server) shareAsDelivered(r *http.Request, ex *routes.Explanation, j journal.Journey) {
	current := s.Routes()
	tables := map[string]*routes.Table{current.Version(): current}
	for i := range ex.Deliveries {
		shared := &ex.Deliveries[i]
		version := policyVersion(j.Deliveries, shared.Destination, shared.Route, current.Version())
		if version == "" || version == ex.RoutesVersion {
			continue
		}
		t, loaded := tables[version]
		if !loaded {
			t = s.storedTable(r, version)
			tables[version] = t
		}
		if t == nil {
			continue
		}
		if _, ok := t.Destination(shared.Destination); !ok {
			*shared = routes.SharedMessage{Destination: shared.Destination, Route: shared.Route,
				PolicyRoutes: version, Error: "the destination is not in routes " + version +
					", so its pending delivery is dead-lettered at its next attempt"}
			continue
		}
		*shared = t.Share(&j.Message, shared.Destination, shared.Route)
		shared.PolicyRoutes = version
	}
}

// policyVersion returns the routes version, such as "v14", whose policy
// the newest of deliveries to destination by route applies: current for
// a pending one, else the version named by its last attempt. It returns
// "" when there is no such delivery or its attempts name no version.
func policyVersion(deliveries []journal.Delivery, destination, route, current string) string {
	var newest *journal.Delivery
	for i := range deliveries {
		if d := &deliveries[i]; d.Destination == destination && d.Route == route {
			newest = d
		}
	}
	switch {
	case newest == nil:
		return ""
	case newest.Status == journal.StatusPending:
		return current
	case len(newest.Attempts) == 0:
		return ""
	}
	version, _, _ := strings.Cut(newest.Attempts[len(newest.Attempts)-1].Policy, "/")
	return version
}

// storedTable returns the routes of version, such as "v14", from the
// versions store, or nil when they cannot be read.
func (s *Server) storedTable(r *http.Request, version string) *routes.Table {
	var n int
	if _, err := fmt.Sscanf(version, "v%d", &n); err != nil {
		return nil
	}
	v, err := s.Versions.Get(r.Context(), n)
	if err != nil {
		return nil
	}
	t, err := routes.LoadStored(v.Document)
	if err != nil {
		return nil
	}
	return t.Labeled(version)
}

// encodeShared encodes each message of ex that a destination would
// receive, with the adapter of the destination's agency in table, as the
// delivery would. A message that does not encode, such as one whose
// policy removes a field the agency's format requires, gets the reason
// its delivery would be dead-lettered.
func (s *Server) encodeShared(table *routes.Table, ex routes.Explanation) routes.Explanation {
	set := s.adapters()
	for i := range ex.Deliveries {
		d := &ex.Deliveries[i]
		if d.Message == nil || d.Error != "" || set == nil {
			continue
		}
		dest, ok := table.Destination(d.Destination)
		if !ok {
			continue
		}
		adapter, ok := set.Adapter(dest.Agency)
		if !ok {
			d.Error = fmt.Sprintf("no adapter for agency %q", dest.Agency)
			continue
		}
		if _, err := adapter.Encode(d.Message); err != nil {
			d.Error = "encoding failed: " + err.Error()
		}
	}
	return ex
}

func sameDecisions(ds []routes.Decision, js []journal.RouteDecision) bool {
	if len(ds) != len(js) {
		return false
	}
	for i := range ds {
		if ds[i].Route != js[i].Route || ds[i].Matched != js[i].Matched ||
			fmt.Sprint(ds[i].Destinations) != fmt.Sprint(js[i].Destinations) {
			return false
		}
	}
	return true
}

func (s *Server) explainBody(w http.ResponseWriter, r *http.Request, req ExplainRequest) {
	if _, ok := s.Adapters.Adapter(req.Agency); !ok {
		problem.Write(w, problem.New(problem.UnknownAgency, "unknown agency "+req.Agency))
		return
	}
	if s.Routes != nil && !s.Routes().AcceptsAgency(req.Agency) {
		// Posting the body would get the same response.
		problem.Write(w, problem.New(problem.UnknownAgency, fmt.Sprintf(
			"agency %q is not listed in the routes in force", req.Agency)))
		return
	}
	if limit := s.maxInboundBody(); int64(len(req.Body)) > limit {
		// Posting the body would get the same response.
		problem.Write(w, problem.New(problem.TooLarge, "body: the agency's body exceeds the "+
			"inbound limit of "+humanBytes(limit)))
		return
	}
	// As Accept would prepare the body: decoded, checked, masked and
	// enriched, such as with the police station a passport request goes to.
	msgs, err := s.Ingest.Prepare(r.Context(), req.Agency, []byte(req.Body), req.ContentType)
	var (
		conflict *ingest.ConflictError
		reused   *journal.ConflictError
	)
	switch {
	case err == nil:
	case errors.As(err, &conflict):
		p := problem.New(problem.Conflict, conflictDetail(conflict, "the hub would reject it"))
		p.Errors = conflict.Invalid.Violations
		p.Retryable = conflict.Retryable
		problem.Write(w, p)
		return
	case errors.As(err, &reused):
		problem.Write(w, reusedIDProblem(reused, "the hub would reject the message"))
		return
	case ingest.IsInvalid(err):
		s.invalid(w, err)
		return
	case s.clientGone(r, "preparing a body to explain", err):
		return
	case errors.Is(err, ingest.ErrBusy):
		w.Header().Set("Retry-After", "2")
		problem.Write(w, problem.New(problem.Busy, "the hub is busy; explain the body again later"))
		return
	default:
		s.Log.Error("preparing a body to explain failed", "agency", req.Agency, "error", err)
		w.Header().Set("Retry-After", "1")
		problem.Write(w, problem.New(problem.Unavailable, "the body could not be prepared; try again later"))
		return
	}
	table := s.Routes()
	out := make([]ExplainResponse, 0, len(msgs))
	for i := range msgs {
		if id := msgs[i].DuplicateOf; id != "" {
			res, err := s.storedExplanation(r, id)
			if err != nil {
				s.storeProblem(w, r, "reading the journey of a duplicate's original", err)
				return
			}
			res.DuplicateOf = id
			out = append(out, res)
			continue
		}
		noteMatches(r, &msgs[i].Message)
		ex := s.encodeShared(table, table.Explain(&msgs[i].Message))
		out = append(out, ExplainResponse{Explanation: ex})
	}
	WriteJSON(w, http.StatusOK, map[string]any{"explanations": out})
}

func (s *Server) invalid(w http.ResponseWriter, err error) {
	p := problem.New(problem.Invalid, "the message is invalid")
	p.Errors = schemas.Violations(err)
	if p.Errors == nil {
		p = problem.New(problem.Malformed, err.Error())
	}
	problem.Write(w, p)
}

// maxJSONBody is the largest JSON body the admin endpoints read, except
// an explain request with an agency's body (see maxExplainBody).
const maxJSONBody = 2 << 20

// maxInboundBody returns MaxBody, or DefaultMaxBody when it is zero.
func (s *Server) maxInboundBody() int64 {
	if s.MaxBody == 0 {
		return DefaultMaxBody
	}
	return s.MaxBody
}

// maxExplainBody returns the largest request that explain reads. An
// agency's body arrives in it as a JSON string, and escaping quotes,
// backslashes and line breaks can make that twice as long as the body.
// The limit fits an inbound body of the largest size so escaped, and
// maxJSONBody more for the other members, but is never more than the
// inbound budget, from which explain reserves the request.
func (s *Server) maxExplainBody() int64 {
	return min(2*s.maxInboundBody()+maxJSONBody, s.inboundBudget())
}

// readExplainRequest reads an explain request as readInbound reads an
// inbound body, reserving it from the inbound budget, so that concurrent
// explain requests and inbound posts share one bound on memory. When the
// request cannot be read, it writes a problem and returns false. The
// problem is 503 with Retry-After when the budget or the caller's share of
// it is spent, 413 for a request over maxExplainBody, and 400 for a
// request that fails to arrive. The caller must call release once it no
// longer holds the request.
func (s *Server) readExplainRequest(w http.ResponseWriter, r *http.Request) (
	raw []byte, release func(), ok bool) {
	raw, release, err := s.readInbound(w, r, s.maxExplainBody())
	var tooLarge *http.MaxBytesError
	switch {
	case err == nil:
		s.failures.explainBusy.Succeeded()
		return raw, release, true
	case errors.Is(err, ingest.ErrBusy):
		s.failures.explainBusy.Failed(err)
		w.Header().Set("Retry-After", "1")
		detail := "the hub is busy; send the explain request again in a second"
		if share, ok := isShareError(err); ok {
			detail = fmt.Sprintf("the requests and posts of this caller in flight take its "+
				"share of %s of the hub's inbound memory; send the explain request again "+
				"once one of them is answered", humanBytes(share))
		}
		problem.Write(w, problem.New(problem.Busy, detail))
	case errors.As(err, &tooLarge):
		s.Log.Info("explain request over the size limit rejected", "limit", tooLarge.Limit)
		problem.Write(w, problem.New(problem.TooLarge, "the body exceeds the limit of "+
			humanBytes(tooLarge.Limit)))
	default:
		s.Log.Info("reading an explain request failed", "error", err)
		problem.Write(w, problem.New(problem.BadRequest, "reading body: "+err.Error()))
	}
	noteUnread(r)
	return nil, release, false
}

// readBody reads r's body up to limit bytes. It writes a problem, 413 for
// a longer body, and returns false when the body cannot be read.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		problem.Write(w, problem.New(problem.TooLarge, "the body exceeds the limit of "+
			humanBytes(limit)))
		return nil, false
	}
	if err != nil {
		problem.Write(w, problem.New(problem.BadRequest, "reading body: "+err.Error()))
		return nil, false
	}
	return body, true
}

// readJSON decodes a required JSON body into v, rejecting unknown fields.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	body, ok := readBody(w, r, maxJSONBody)
	return ok && decodeRequiredJSON(w, body, v)
}

// decodeRequiredJSON is readOptionalJSONBytes for a body that must not
// be empty.
func decodeRequiredJSON(w http.ResponseWriter, body []byte, v any) bool {
	if len(body) == 0 {
		problem.Write(w, problem.New(problem.BadRequest, "missing JSON body"))
		return false
	}
	return readOptionalJSONBytes(w, body, v)
}

// readOptionalJSONBytes decodes body into v, ignoring a UTF-8 byte order
// mark before it, as the agencies' JSON endpoints do. It writes a problem
// and returns false when body is not one JSON value that fits v.
func readOptionalJSONBytes(w http.ResponseWriter, body []byte, v any) bool {
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(body) {
		// The decoder would replace the bytes with U+FFFD and store
		// text the caller never sent.
		problem.Write(w, problem.New(problem.BadRequest, "invalid JSON body: it is not valid UTF-8"))
		return false
	}
	dec := json.NewDecoder(bytesReader(body))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, next := dec.Token(); next != io.EOF {
			err = errTrailingData
		}
	}
	if err != nil {
		err = describeJSONError(err, v)
		problem.Write(w, problem.New(problem.BadRequest, "invalid JSON body: "+err.Error()))
		return false
	}
	if err := checkBodyText(v); err != nil {
		problem.Write(w, problem.New(problem.BadRequest, err.Error()))
		return false
	}
	return true
}
