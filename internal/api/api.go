// Package api is the hub's HTTP interface: agencies post messages to it
// and people and tools read message journeys from it.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/adapters/registry"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/auth"
	"github.com/sangam-hub/sangam/internal/delivery"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/metrics"
	"github.com/sangam-hub/sangam/internal/outbound"
	"github.com/sangam-hub/sangam/internal/problem"
	"github.com/sangam-hub/sangam/internal/routestore"
	"github.com/sangam-hub/sangam/internal/throttle"
	"github.com/sangam-hub/sangam/routes"
	"github.com/sangam-hub/sangam/schemas"
)

// RuleMessageIDReused is the violation rule of a message whose sender
// message id the agency used before for a message with other content.
const RuleMessageIDReused = "message-id-reused"

// reusedIDProblem returns the 409 for reused, with outcome, such as
// "nothing was stored", after its detail.
func reusedIDProblem(reused *journal.ConflictError, outcome string) problem.Problem {
	p := problem.New(problem.Conflict, reused.Error()+"; "+outcome)
	p.Errors = []schemas.Violation{{Rule: RuleMessageIDReused, Message: reused.Error()}}
	return p
}

// conflictDetail returns the problem detail of conflict, with outcome,
// such as "nothing was stored", after it. A retryable conflict depends
// on messages the hub is still handling, such as a filing it has yet to
// deliver, so its detail ends with a request to send the message again later.
func conflictDetail(conflict *ingest.ConflictError, outcome string) string {
	if conflict.Retryable {
		return "the message depends on messages the hub has not finished handling, as errors " +
			"list; " + outcome + ", so send it again later"
	}
	return "the message contradicts messages the hub has journaled, as errors list; " + outcome
}

// DefaultMaxBody is the largest inbound body accepted when
// Server.MaxBody is zero, in bytes.
const DefaultMaxBody = 8 << 20

// Server serves the hub's HTTP API. Its fields are set once before use.
type Server struct {
	Ingest   *ingest.Service
	Store    journal.Store
	Routes   func() *routes.Table
	Breakers *delivery.Breakers
	// Versions stores the routes versions the admin API edits.
	Versions routestore.Store
	// Adapters decode bodies for explain.
	Adapters *registry.Set
	Log      *slog.Logger
	// MaxBody is the largest inbound body in bytes; DefaultMaxBody when 0.
	MaxBody int64
	// InboundBudget is the memory, in bytes, that the bodies of inbound
	// posts being read, waiting for their decode turn or being decoded,
	// checked and journaled may take together; DefaultInboundBudget when
	// 0. A post beyond it gets 503 with Retry-After and stores nothing. The bodies of one
	// sender, a token holder or, without Tokens, a remote address, may
	// take at most a quarter of it, or one largest body when that is more.
	InboundBudget int64
	// BodyStall is the longest time that the body of a request to any
	// endpoint may go without a byte arriving while the endpoint reads
	// it; DefaultBodyStall when 0. A body that stalls longer gets 400 and
	// stores nothing, and its connection is closed.
	BodyStall time.Duration
	// BacklogTimeout is the longest that GET /api/v1/destinations and a
	// routes change that removes destinations wait for the journal's
	// backlog, and GET /api/v1/deadletters for its page;
	// DefaultBacklogTimeout when 0. Past it the first two respond without
	// the backlog, and the list of dead letters with 503.
	BacklogTimeout time.Duration
	// ReadTimeout is the http.Server's ReadTimeout, zero for none. The
	// read deadlines that cut off a stalled body are never later than
	// ReadTimeout after the handler starts.
	ReadTimeout time.Duration
	// Tokens authenticates callers. Nil leaves the API open to anyone who
	// can reach it, for development on loopback only.
	Tokens *auth.Tokens
	// Metrics counts inbound messages and is served at GET /metrics. Nil
	// counts nothing, and GET /metrics responds 404.
	Metrics *metrics.Metrics
	// Reserved is the hub's own secret files, which a routes version
	// saved through the API may not name as a destination's credentials.
	Reserved *outbound.Reserved
	// RoutesWarnings returns warnings about a valid routes table that a
	// change proposes, such as police units that no destination receives
	// verification requests for. The response to the change, a dry run
	// included, lists them, and they do not stop the change. Nil gives
	// none.
	RoutesWarnings func(*routes.Table) []string
	// ApplyRoutes, when set, puts the newest saved routes version in force
	// on this replica and returns once it has tried, or when ctx ends. A
	// save calls it before it responds, so that the saved version's
	// in_force and a listing read after the response agree on this
	// replica. Without it the replica applies a save at its next read of
	// the store.
	ApplyRoutes func(ctx context.Context) error
	// VerificationStatus serves GET /api/v1/verifications/{file_number},
	// a passport file's verification status, to the callers that
	// accessVerification admits. Nil responds 404 to every such request.
	VerificationStatus http.HandlerFunc
	// VerificationRequests serves GET /api/v1/verifications, the passport
	// files whose newest verification request a filter selects, to the
	// callers that accessVerification admits. Nil responds 404 to every
	// such request.
	VerificationRequests VerificationLister

	// now returns the current time for the failure logs. Nil means
	// time.Now.
	now          func() time.Time
	failuresOnce sync.Once
	failures     failureLogs
	// denied rate-limits the lines of requests that fail authentication
	// or lack a grant, by message and caller (see warnDenied).
	denied throttle.KeyedSampler
	// deniedFlushTicks, when set, replaces the ticker of RunDeniedFlush.
	deniedFlushTicks <-chan time.Time
	// metricsHandler serves Metrics; mux sets it.
	metricsHandler http.Handler
	// reservations is the memory that inbound bodies in flight have
	// reserved from InboundBudget, in all and by sender.
	reservations inboundLedger
}

// access is the kind of caller an endpoint admits when the API has tokens.
type access int

const (
	// accessPublic endpoints need no token.
	accessPublic access = iota
	// accessAgency endpoints need the token of the agency named in the path.
	accessAgency
	// accessOperator endpoints need an operator's token.
	accessOperator
	// accessMetrics endpoints need an operator's or a metrics token.
	accessMetrics
	// accessVerification endpoints need an operator's token or the
	// passport office's.
	accessVerification
)

// endpoint is one route of the API.
type endpoint struct {
	method  string
	path    string
	access  access
	handler http.HandlerFunc
	audit   audit
}

// endpoints lists every route of the API. The OpenAPI document in
// openapi.yaml describes the same routes, as its test checks.
func (s *Server) endpoints() []endpoint {
	return []endpoint{
		{"POST", "/api/v1/inbound/{agency}", accessAgency, s.inbound, auditNone},
		{"GET", "/api/v1/messages/{id}", accessOperator, s.journey, auditRead},
		{"GET", "/api/v1/messages", accessOperator, s.find, auditRead},
		{"GET", "/api/v1/deadletters", accessOperator, s.deadLetters, auditRead},
		{"POST", "/api/v1/deadletters/replay", accessOperator, s.replayMany, auditReplay},
		{"POST", "/api/v1/deliveries/{id}/replay", accessOperator, s.replayOne, auditReplay},
		{"GET", "/api/v1/destinations", accessOperator, s.destinations, auditConfig},
		{"GET", "/api/v1/routes", accessOperator, s.currentRoutes, auditConfig},
		{"PUT", "/api/v1/routes", accessOperator, s.putRoutes, auditNone},
		{"GET", "/api/v1/routes/versions", accessOperator, s.listRoutes, auditConfig},
		{"GET", "/api/v1/routes/versions/{n}", accessOperator, s.getRoutes, auditConfig},
		{"POST", "/api/v1/routes/versions/{n}/restore", accessOperator, s.restoreRoutes, auditNone},
		{"POST", "/api/v1/routes/explain", accessOperator, s.explain, auditExplain},
		{"GET", "/api/v1/verifications", accessVerification, s.verificationRequests, auditRead},
		{"GET", "/api/v1/verifications/{file_number}", accessVerification, s.verificationStatus,
			auditRead},
		{"GET", "/api/v1/openapi.json", accessPublic, serveOpenAPIJSON, auditNone},
		{"GET", "/api/v1/openapi.yaml", accessPublic, serveOpenAPIYAML, auditNone},
		{"GET", "/healthz", accessPublic, health, auditNone},
		{"GET", "/readyz", accessPublic, s.ready, auditNone},
		{"GET", "/metrics", accessMetrics, s.serveMetrics, auditNone},
	}
}

// Handler returns the API's routes. No response may be cached.
func (s *Server) Handler() http.Handler {
	return NoStore(s.withBodyDeadlines(problemForUnmatched(s.mux())))
}

// mux registers every endpoint, each behind the check of its access.
func (s *Server) mux() *http.ServeMux {
	s.failuresOnce.Do(s.newFailureLogs)
	if s.Metrics != nil {
		s.metricsHandler = s.Metrics.Handler()
	}
	mux := http.NewServeMux()
	for _, e := range s.endpoints() {
		h := e.handler
		if e.audit != auditNone {
			h = s.audited(e, h)
		}
		switch e.access {
		case accessAgency:
			h = s.agencyOnly(h)
		case accessOperator:
			h = s.operatorOnly(h)
		case accessMetrics:
			h = s.metricsReaders(h)
		case accessVerification:
			h = s.verificationReaders(h)
		}
		mux.HandleFunc(e.method+" "+e.path, h)
	}
	return mux
}

func health(w http.ResponseWriter, r *http.Request) {
	WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// Pinger is the part of a journal store that checks that its database
// responds. Both stores implement it.
type Pinger interface {
	Ping(ctx context.Context) error
}

// WriteProber is the part of a journal store that checks that its
// database accepts writes, without changing anything. Both stores
// implement it.
type WriteProber interface {
	ProbeWrite(ctx context.Context) error
}

// readyTimeout bounds the readiness check's queries.
const readyTimeout = 2 * time.Second

// ready responds 200 when, within readyTimeout, the journal responds to a
// query and accepts a write that is rolled back, and 503 otherwise. A hub
// whose journal cannot be written can store no message, so a load
// balancer should send posts to another replica.
func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	if p, ok := s.Store.(Pinger); ok {
		if err := p.Ping(ctx); err != nil {
			s.notReady(w, "the journal does not answer", err)
			return
		}
	}
	if p, ok := s.Store.(WriteProber); ok {
		err := p.ProbeWrite(ctx)
		switch {
		case errors.Is(err, journal.ErrLowSpace):
			s.notReady(w, "the journal's disk has less free space than the hub keeps for a "+
				"message; the log names the free bytes", err)
			return
		case err != nil:
			s.notReady(w, "the journal cannot be written", err)
			return
		}
	}
	WriteJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// notReady responds 503 with reason as the problem's detail.
func (s *Server) notReady(w http.ResponseWriter, reason string, err error) {
	// Load balancers probe often, and the requeuer already logs the
	// outage, so this line is for debugging only.
	s.Log.Debug("not ready: "+reason, "error", err)
	w.Header().Set("Retry-After", "1")
	problem.Write(w, problem.New(problem.Unavailable, reason))
}

// serveMetrics serves the hub's metrics in the Prometheus text format.
func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	if s.metricsHandler == nil {
		problem.Write(w, problem.New(problem.NotFound, "this server exports no metrics"))
		return
	}
	// The exposition quotes label values, such as destination names, as
	// written, so no browser may read it as HTML.
	w.Header().Set("X-Content-Type-Options", "nosniff")
	s.metricsHandler.ServeHTTP(w, r)
}

// verificationStatus serves a passport file's verification status with
// VerificationStatus.
func (s *Server) verificationStatus(w http.ResponseWriter, r *http.Request) {
	if s.VerificationStatus == nil {
		problem.Write(w, problem.New(problem.NotFound,
			"this server does not serve passport verification"))
		return
	}
	s.VerificationStatus(w, r)
}

// problemForUnmatched responds to requests that match no route, which
// ServeMux would respond to in plain text, with problem details instead.
func problemForUnmatched(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		mux.ServeHTTP(&unmatchedWriter{ResponseWriter: w, r: r}, r)
	})
}

// unmatchedWriter replaces ServeMux's plain-text 404 and 405 responses.
type unmatchedWriter struct {
	http.ResponseWriter
	r        *http.Request
	replaced bool
}

func (u *unmatchedWriter) WriteHeader(code int) {
	switch code {
	case http.StatusNotFound:
		u.replaced = true
		problem.Write(u.ResponseWriter, problem.New(problem.NotFound,
			"no such endpoint: "+u.r.Method+" "+u.r.URL.Path))
	case http.StatusMethodNotAllowed:
		u.replaced = true
		p := problem.New(problem.MethodNotAllowed, u.r.Method+" is not allowed on "+
			u.r.URL.Path+"; allowed: "+u.Header().Get("Allow"))
		problem.Write(u.ResponseWriter, p)
	default:
		u.ResponseWriter.WriteHeader(code)
	}
}

func (u *unmatchedWriter) Write(b []byte) (int, error) {
	if u.replaced {
		return len(b), nil
	}
	return u.ResponseWriter.Write(b)
}

// contentEncoding returns the first coding other than identity that the
// Content-Encoding header lines of h name, or "" when there is none.
func contentEncoding(h http.Header) string {
	for _, line := range h.Values("Content-Encoding") {
		for _, coding := range strings.Split(line, ",") {
			if c := strings.TrimSpace(coding); c != "" && !strings.EqualFold(c, "identity") {
				return c
			}
		}
	}
	return ""
}

// maskedText returns s with every Aadhaar number in it masked, for a log
// line that quotes what a sender wrote.
func maskedText(s string) string {
	if masked, ok := canonical.MaskAadhaarInText(s); ok {
		return masked
	}
	return s
}

// InboundResponse is the body of a 202 or 200 response to an inbound post.
// MessageID is the first message's id, for the common one-message body.
type InboundResponse struct {
	MessageID string          `json:"message_id"`
	Messages  []ingest.Result `json:"messages"`
}

func (s *Server) inbound(w http.ResponseWriter, r *http.Request) {
	agency := r.PathValue("agency")
	if s.Routes != nil && !s.Routes().AcceptsAgency(agency) {
		s.Metrics.CountInbound(agency, metrics.InboundUnknownAgency)
		problem.Write(w, problem.New(problem.UnknownAgency, fmt.Sprintf(
			"agency %q is not listed in the routes in force", agency)))
		return
	}
	if enc := contentEncoding(r.Header); enc != "" {
		// The body would be read as if it were not encoded, and its
		// compressed bytes reported as invalid text.
		s.Metrics.CountInbound(agency, metrics.InboundUnreadable)
		s.Log.Info("compressed message rejected", inboundAttrs(r, agency,
			"content_encoding", enc)...)
		problem.Write(w, problem.New(problem.Encoded, fmt.Sprintf(
			"Content-Encoding: %q is not accepted: send the body uncompressed; nothing was stored", enc)))
		return
	}
	body, release, err := s.readInbound(w, r, s.maxInboundBody())
	defer release()
	if errors.Is(err, ingest.ErrBusy) {
		s.inboundError(w, r, agency, err)
		return
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		s.Metrics.CountInbound(agency, metrics.InboundTooLarge)
		problem.Write(w, problem.New(problem.TooLarge, "the body exceeds the limit of "+
			humanBytes(tooLarge.Limit)))
		return
	}
	if err != nil {
		s.Metrics.CountInbound(agency, metrics.InboundUnreadable)
		s.Log.Info("reading an inbound body failed", inboundAttrs(r, agency, "error", err)...)
		problem.Write(w, problem.New(problem.BadRequest, "reading body: "+err.Error()))
		return
	}
	var check ingest.Check
	ctx := r.Context()
	if s.Tokens != nil {
		p, ok := s.identifyAgain(w, r, agency)
		if !ok {
			return
		}
		check = scopeCheck(p)
		ctx = ingest.WithPoster(ctx, p.Name)
	}
	results, err := s.Ingest.AcceptChecked(ctx, agency, body, r.Header.Get("Content-Type"), check)
	if err != nil {
		s.inboundError(w, r, agency, err)
		return
	}
	s.failures.store.Succeeded()
	s.failures.busy.Succeeded()
	status := http.StatusOK
	for _, res := range results {
		if res.Duplicate {
			s.Metrics.CountInbound(agency, metrics.InboundDuplicate)
		} else {
			s.Metrics.CountInbound(agency, metrics.InboundAccepted)
			status = http.StatusAccepted
		}
	}
	WriteJSON(w, status, InboundResponse{MessageID: results[0].MessageID, Messages: results})
}

func (s *Server) inboundError(w http.ResponseWriter, r *http.Request, agency string, err error) {
	if errors.Is(err, ingest.ErrUnknownAgency) {
		s.Metrics.CountInbound(agency, metrics.InboundUnknownAgency)
		problem.Write(w, problem.New(problem.UnknownAgency, err.Error()))
		return
	}
	if forbidden := (*ingest.ForbiddenError)(nil); errors.As(err, &forbidden) {
		s.Metrics.CountInbound(agency, metrics.InboundForbidden)
		s.Log.Warn("message outside the token's stations, courts or prisons rejected",
			inboundAttrs(r, agency, "error", maskedText(forbidden.Error()))...)
		// The detail is the first violation's sentence, without its
		// pointer, which errors carries.
		p := problem.New(problem.Forbidden, forbidden.Violations[0].Message+"; nothing was stored")
		p.Errors = forbidden.Violations
		problem.Write(w, p)
		return
	}
	if conflict := (*ingest.ConflictError)(nil); errors.As(err, &conflict) {
		s.Metrics.CountInbound(agency, metrics.InboundConflict)
		v := conflict.Invalid.Violations[0].MaskAadhaar()
		s.Log.Info("message that contradicts the journal rejected", inboundAttrs(r, agency,
			"rule", v.Rule, "pointer", v.Pointer, "error", v.Message)...)
		p := problem.New(problem.Conflict, conflictDetail(conflict, "nothing was stored"))
		p.Errors = conflict.Invalid.Violations
		p.Retryable = conflict.Retryable
		problem.Write(w, p)
		return
	}
	if vs := schemas.Violations(err); vs != nil {
		s.Metrics.CountInbound(agency, metrics.InboundInvalid)
		p := problem.New(problem.Invalid, "the message breaks the rules listed in errors; "+
			"nothing was stored")
		p.Errors = vs
		s.Log.Info("invalid message rejected", inboundAttrs(r, agency, "violations", len(vs))...)
		problem.Write(w, p)
		return
	}
	if conflict := (*journal.ConflictError)(nil); errors.As(err, &conflict) {
		s.Metrics.CountInbound(agency, metrics.InboundConflict)
		s.Log.Info("reused sender message id rejected", inboundAttrs(r, agency,
			"sender_message_id", maskedText(conflict.SenderMessageID), "message_id", conflict.MessageID)...)
		problem.Write(w, reusedIDProblem(conflict, "nothing was stored"))
		return
	}
	if errors.Is(err, ingest.ErrBusy) {
		s.Metrics.CountInbound(agency, metrics.InboundBusy)
		s.failures.busy.Failed(err, inboundAttrs(r, agency)...)
		w.Header().Set("Retry-After", "1")
		detail := "the hub is busy and the message was not stored; send it again in a second"
		if share, ok := isShareError(err); ok {
			detail = fmt.Sprintf("the bodies of this sender's own posts in flight take its "+
				"share of %s of the hub's inbound memory, and the message was not stored; "+
				"send it again once one of them is answered", humanBytes(share))
		}
		problem.Write(w, problem.New(problem.Busy, detail))
		return
	}
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		s.Metrics.CountInbound(agency, metrics.InboundCanceled)
		s.Log.Info("sender closed the connection before its message was stored",
			inboundAttrs(r, agency)...)
		return
	}
	if charset := (*ingest.CharsetError)(nil); errors.As(err, &charset) {
		s.Metrics.CountInbound(agency, metrics.InboundUnreadable)
		s.Log.Info("message in a charset other than UTF-8 rejected", inboundAttrs(r, agency,
			"content_type", charset.ContentType)...)
		problem.Write(w, problem.New(problem.Charset, charset.Error()+"; nothing was stored"))
		return
	}
	if mediaType := (*adapters.MediaTypeError)(nil); errors.As(err, &mediaType) {
		s.Metrics.CountInbound(agency, metrics.InboundUnreadable)
		s.Log.Info("message of a media type the agency does not send rejected",
			inboundAttrs(r, agency, "content_type", mediaType.ContentType)...)
		problem.Write(w, problem.New(problem.MediaType, mediaType.Error()+"; nothing was stored"))
		return
	}
	if ingest.IsInvalid(err) {
		s.Metrics.CountInbound(agency, metrics.InboundMalformed)
		s.Log.Info("malformed message rejected", inboundAttrs(r, agency)...)
		reason := ingest.MalformedReason(err)
		p := problem.New(problem.Malformed, reason+"; nothing was stored")
		// One entry in errors, as an invalid body has, so that a client
		// reads every 400 the same way.
		p.Errors = []schemas.Violation{{Rule: ingest.RuleMalformed, Message: reason}}
		problem.Write(w, p)
		return
	}
	if encoding := (*ingest.EncodingError)(nil); errors.As(err, &encoding) {
		// A resend fails alike, and the journal is not at fault.
		// NOTE: no test reaches this branch, because no adapter is known
		// to decode a value that JSON cannot encode.
		s.Metrics.CountInbound(agency, metrics.InboundInternal)
		s.Log.Error("encoding a decoded message failed", inboundAttrs(r, agency,
			"error", maskedText(err.Error()))...)
		problem.Write(w, problem.New(problem.Internal,
			"the hub cannot encode the decoded message; nothing was stored"))
		return
	}
	s.Metrics.CountInbound(agency, metrics.InboundUnavailable)
	s.failures.store.Failed(err, inboundAttrs(r, agency)...)
	w.Header().Set("Retry-After", "1")
	problem.Write(w, problem.New(problem.Unavailable,
		"the message was not stored; send it again later"))
}

func (s *Server) journey(w http.ResponseWriter, r *http.Request) {
	id, ok := parseID(w, r, "id", r.PathValue("id"), wantMessageID)
	if !ok {
		return
	}
	j, err := s.Store.Journey(r.Context(), id)
	if s.clientGone(r, "reading journey", err) {
		return
	}
	if err != nil && !errors.Is(err, journal.ErrNotFound) {
		s.failures.journey.Failed(err, "message_id", id)
		problem.Write(w, problem.New(problem.Unavailable, "reading the journal failed"))
		return
	}
	// A not-found result shows that the journal responds.
	s.failures.journey.Succeeded()
	if err != nil {
		problem.Write(w, problem.New(problem.NotFound, "no message with id "+id))
		return
	}
	WriteJSON(w, http.StatusOK, j)
}

// FindResponse is the body of GET /api/v1/messages.
type FindResponse struct {
	Messages []journal.Summary `json:"messages"`
	// Next is the after parameter of the next page: the id of the last
	// message of this page. It is empty on the last page.
	Next string `json:"next,omitempty"`
}

func (s *Server) find(w http.ResponseWriter, r *http.Request) {
	v, err := queryParams(r, "source", "sender_message_id", "case_key", "correlation_id",
		"after", "limit")
	if err != nil {
		problem.Write(w, problem.New(problem.BadRequest, err.Error()))
		return
	}
	q := journal.Query{
		Source: v.Get("source"), SenderMessageID: v.Get("sender_message_id"),
		CaseKey: v.Get("case_key"), CorrelationID: v.Get("correlation_id"), After: v.Get("after"),
	}
	if q.Limit, err = parseLimit(v); err != nil {
		problem.Write(w, problem.New(problem.BadRequest, err.Error()))
		return
	}
	page, err := s.findPage(r, q)
	if s.clientGone(r, "finding messages", err) {
		return
	}
	if errors.Is(err, journal.ErrInvalid) {
		problem.Write(w, problem.New(problem.BadRequest, fmt.Sprintf(
			"after: invalid value %q: want the next of the previous page, the id of a message",
			q.After)))
		return
	}
	if err != nil {
		s.failures.find.Failed(err)
		problem.Write(w, problem.New(problem.Unavailable, "reading the journal failed"))
		return
	}
	s.failures.find.Succeeded()
	WriteJSON(w, http.StatusOK, page)
}

// findPage returns the messages q selects and, when more follow, the
// cursor of the next page.
func (s *Server) findPage(r *http.Request, q journal.Query) (FindResponse, error) {
	found, err := s.Store.Find(r.Context(), q)
	if err != nil {
		return FindResponse{}, err
	}
	page := FindResponse{Messages: found}
	if page.Messages == nil {
		page.Messages = []journal.Summary{}
	}
	page.Next, err = nextAfter(found, q.EffectiveLimit(),
		func(m journal.Summary) string { return m.MessageID },
		func(after string) (bool, error) {
			probe := q
			probe.After, probe.Limit = after, 1
			more, err := s.Store.Find(r.Context(), probe)
			return len(more) > 0, err
		})
	return page, err
}

// The ends of the 400 details of ids that are not UUIDs, saying what the
// id should be.
const (
	wantMessageID  = "the hub's message id, as the inbound response gave it"
	wantDeadLetter = "the id of a dead delivery, as GET /api/v1/deadletters lists it"
)

// parseID returns id, the value of field in r, as journal.ParseID returns
// it. Unless id is a UUID, parseID writes a 400 problem whose detail
// starts with field and ends with want, and returns false.
func parseID(w http.ResponseWriter, r *http.Request, field, id, want string) (string, bool) {
	parsed, err := journal.ParseID(field, id)
	if err != nil {
		noteAttrs(r, "error", err)
		problem.Write(w, problem.New(problem.BadRequest, err.Error()+", "+want))
		return "", false
	}
	return parsed, true
}

// WriteJSON sends v as indented application/json with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	// Browsers must not read a response as HTML, so the encoder need not
	// escape <, > and &, which route conditions and messages contain.
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
