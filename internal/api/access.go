package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/sangam-hub/sangam/adapters/passport"
	"github.com/sangam-hub/sangam/adapters/registry"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/auth"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/problem"
	"github.com/sangam-hub/sangam/schemas"
)

type principalKey struct{}

// principal returns the authenticated caller of r, and false when the
// API runs without tokens.
func principal(r *http.Request) (auth.Principal, bool) {
	p, ok := r.Context().Value(principalKey{}).(auth.Principal)
	return p, ok
}

// authenticate identifies r's caller, or writes 400 or 401 and returns
// false.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (*http.Request, bool) {
	if s.Tokens == nil {
		return r, true
	}
	p, err := s.Tokens.Identify(r)
	if errors.Is(err, auth.ErrManyAuthorization) {
		problem.Write(w, problem.New(problem.BadRequest, "the request has more than one "+
			"Authorization header: send one, Authorization: Bearer TOKEN"))
		s.warnDenied(r, deniedManyAuthorization, "", "path", r.URL.Path)
		return r, false
	}
	if err != nil {
		detail := "send the token your administrator issued as Authorization: Bearer TOKEN"
		if errors.Is(err, auth.ErrUnknownToken) {
			detail = "the bearer token is not known to this hub"
		}
		writeUnauthenticated(w, detail)
		s.warnDenied(r, deniedUnauthenticated, "", "path", r.URL.Path, "error", err)
		return r, false
	}
	return r.WithContext(context.WithValue(r.Context(), principalKey{}, p)), true
}

// writeUnauthenticated responds 401 with detail and the challenge for a
// bearer token.
func writeUnauthenticated(w http.ResponseWriter, detail string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="sangam"`)
	problem.Write(w, problem.New(problem.Unauthenticated, detail))
}

// forbidOtherAgency responds 403 and returns true when p, the caller of
// r known by its token, belongs to an agency other than agency.
func (s *Server) forbidOtherAgency(w http.ResponseWriter, r *http.Request, p auth.Principal, agency string) bool {
	if p.Agency == agency {
		return false
	}
	s.warnDenied(r, deniedOtherAgency, p.Name, "agency", agency)
	problem.Write(w, problem.New(problem.Forbidden,
		"this token may not post messages as agency "+agency+"; nothing was stored"))
	return true
}

// agencyOnly lets through callers whose token belongs to the agency in
// the path. An agency without an adapter gets 404 before the token's
// grant is checked, because the names of the hub's agencies are not secret.
func (s *Server) agencyOnly(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r, ok := s.authenticate(w, r)
		if !ok {
			return
		}
		if !s.knownAgency(w, r, r.PathValue("agency")) {
			return
		}
		if p, known := principal(r); known && s.forbidOtherAgency(w, r, p, r.PathValue("agency")) {
			return
		}
		next(w, r)
	}
}

// identifyAgain identifies r's caller by the tokens in force once r's
// body has been read. A body can take as long as the server's read
// timeout to arrive, and a token reload in the meantime may revoke the
// token or narrow its stations. It writes 401 or 403 and returns false
// when the caller may no longer post as agency.
func (s *Server) identifyAgain(w http.ResponseWriter, r *http.Request, agency string) (auth.Principal, bool) {
	p, err := s.Tokens.Identify(r)
	if err != nil {
		writeUnauthenticated(w, "the bearer token was withdrawn while the body was being sent")
		s.warnDenied(r, deniedTokenWithdrawn, "", "agency", agency, "error", err)
		return auth.Principal{}, false
	}
	if s.forbidOtherAgency(w, r, p, agency) {
		return auth.Principal{}, false
	}
	return p, true
}

// RuleStationScope is the rule of the violation that rejects, with 403, a
// police document from a station that the sender's token does not list.
const RuleStationScope = "station-scope"

// RuleCourtScope is the rule of the violations that reject, with 403, a
// court's message that names a court the sender's token does not list.
const RuleCourtScope = "court-scope"

// RulePrisonScope is the rule of the violation that rejects, with 403, a
// movement of a prisoner that no prison the sender's token lists holds.
const RulePrisonScope = "prison-scope"

// scopeCheck returns the check that lets p post only the messages of the
// stations, courts or prisons that p's token lists, or nil when it lists
// none.
//
// NOTE: the journal deduplicates by agency and message id, not by
// office, so a scoped token can take a message id that another office's
// message will carry later, which then gets 409.
func scopeCheck(p auth.Principal) ingest.Check {
	switch {
	case len(p.Stations) > 0:
		return scope{rule: RuleStationScope, noun: "police station", listed: p.Stations,
			lacks: "names no police station", may: p.MayPostForStation,
			offices: func(m *canonical.Message) []canonical.OfficeCode {
				return single(m.FilingStation())
			}}.check
	case len(p.Courts) > 0:
		return scope{rule: RuleCourtScope, noun: "court", listed: p.Courts,
			lacks: "names no court", may: p.MayPostForCourt,
			offices: (*canonical.Message).IssuingCourts}.check
	case len(p.Prisons) > 0:
		return scope{rule: RulePrisonScope, noun: "prison", listed: p.Prisons,
			lacks: "names no prison that holds its prisoner", may: p.MayPostForPrison,
			offices: func(m *canonical.Message) []canonical.OfficeCode {
				return single(m.HoldingPrison())
			}}.check
	}
	return nil
}

// scope is what a token that lists its offices may post: messages whose
// every office, as offices finds them, is one that may accept.
type scope struct {
	rule    string   // the rule of the violations
	noun    string   // the kind of office, such as "police station"
	listed  []string // the token's offices
	lacks   string   // what a message without an office lacks, such as "names no court"
	may     func(code string) bool
	offices func(m *canonical.Message) []canonical.OfficeCode
}

// check implements ingest.Check: a ForbiddenError with one violation for
// each office of m that the token does not list, or for m when it names
// none (see canonical.Message.FilingStation, IssuingCourts and
// HoldingPrison).
func (sc scope) check(m *canonical.Message) error {
	allowed := strings.Join(sc.listed, ", ")
	offices := sc.offices(m)
	if len(offices) == 0 {
		return &ingest.ForbiddenError{Violations: []schemas.Violation{{
			Rule: sc.rule,
			Message: fmt.Sprintf("a %s %s, and this token may post only for %ss %s",
				m.Type, sc.lacks, strings.TrimPrefix(sc.noun, "police "), allowed),
		}}}
	}
	var violations []schemas.Violation
	for _, o := range offices {
		if !sc.may(o.Code) {
			violations = append(violations, schemas.Violation{
				Pointer: o.Pointer, Rule: sc.rule,
				Message: fmt.Sprintf("this token may not post for %s %+q, only for %s",
					sc.noun, o.Code, allowed),
			})
		}
	}
	if violations != nil {
		return &ingest.ForbiddenError{Violations: violations}
	}
	return nil
}

// single returns the one office that a message names, as FilingStation
// and HoldingPrison return it, or none.
func single(code, pointer string, ok bool) []canonical.OfficeCode {
	if !ok {
		return nil
	}
	return []canonical.OfficeCode{{Code: code, Pointer: pointer}}
}

// operatorOnly lets through callers whose token is an operator's. An
// agency's or a metrics scraper's token gets 403.
func (s *Server) operatorOnly(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r, ok := s.authenticate(w, r)
		if !ok {
			return
		}
		if p, known := principal(r); known && !p.Operator {
			if p.MetricsOnly() {
				s.warnDenied(r, deniedMetricsTokenForOperator, p.Name,
					"method", r.Method, "path", r.URL.Path)
			} else {
				s.warnDenied(r, deniedAgencyTokenForOperator, p.Name,
					"agency", p.Agency, "method", r.Method, "path", r.URL.Path)
			}
			problem.Write(w, problem.New(problem.Forbidden,
				"this endpoint needs an operator's token"))
			return
		}
		if !checkRequestText(w, r) {
			return
		}
		next(w, r)
	}
}

// metricsReaders lets through callers whose token is an operator's or a
// metrics scraper's.
func (s *Server) metricsReaders(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r, ok := s.authenticate(w, r)
		if !ok {
			return
		}
		if p, known := principal(r); known && !p.MayReadMetrics() {
			s.warnDenied(r, deniedMetrics, p.Name, "path", r.URL.Path)
			problem.Write(w, problem.New(problem.Forbidden,
				"this endpoint needs an operator's or a metrics token"))
			return
		}
		next(w, r)
	}
}

// verificationReaders lets through callers whose token is an operator's
// or the passport office's, to a file's verification status or the
// listing of files. Other agencies' tokens and metrics tokens get 403,
// because a status names the police units that hold the file.
func (s *Server) verificationReaders(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r, ok := s.authenticate(w, r)
		if !ok {
			return
		}
		if p, known := principal(r); known && !p.Operator && p.Agency != passport.Agency {
			s.warnDenied(r, deniedVerifications, p.Name, "agency", p.Agency, "path", r.URL.Path)
			problem.Write(w, problem.New(problem.Forbidden,
				"passport verification statuses and their listing need an operator's or "+
					"the passport office's token"))
			return
		}
		next(w, r)
	}
}

// knownAgency reports whether the hub has an adapter for agency, the
// agency in the path of r, or writes a 404 problem that lists the known
// agencies and returns false.
func (s *Server) knownAgency(w http.ResponseWriter, r *http.Request, agency string) bool {
	set := s.adapters()
	if set == nil {
		return true
	}
	if _, ok := set.Adapter(agency); ok {
		return true
	}
	s.Log.Info("inbound message for an unknown agency rejected",
		inboundAttrs(r, agency, "remote", r.RemoteAddr)...)
	problem.Write(w, problem.New(problem.UnknownAgency, fmt.Sprintf(
		"unknown agency %q: no adapter of that name: known agencies are %s",
		agency, strings.Join(set.Agencies(), ", "))))
	return false
}

// adapters returns the hub's adapters: Adapters, else the ingest
// service's, else nil.
func (s *Server) adapters() *registry.Set {
	if s.Adapters == nil && s.Ingest != nil {
		return s.Ingest.Adapters
	}
	return s.Adapters
}
