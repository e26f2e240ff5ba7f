package api

import (
	"context"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/metrics"
	"github.com/sangam-hub/sangam/internal/throttle"
)

// audit is the kind of log line that each request to an endpoint gets.
type audit int

const (
	// auditNone logs nothing beyond the handler's own lines.
	auditNone audit = iota
	// auditRead logs one Info line per request that passes the access
	// check: who read, what and from where.
	auditRead
	// auditExplain logs the line of auditRead with the number of case
	// matches in the explained messages and how they matched.
	auditExplain
	// auditConfig logs the line of auditRead, with its own message, for
	// a read of the hub's configuration: destinations and routes.
	auditConfig
	// auditReplay logs the line of auditRead, with its own message and
	// the number of replays, for a replay request, rejected ones and
	// ones that matched no dead letter included. Each replay also gets a
	// "delivery replayed" line.
	auditReplay
)

const (
	// JournalReadMessage is the message of the audit line that
	// auditRead and auditExplain log.
	JournalReadMessage = "journal read"
	// auditedConfigMsg is the message of the line that auditConfig logs.
	auditedConfigMsg = "config read"
	// auditedReplayMsg is the message of the line that auditReplay logs.
	auditedReplayMsg = "replay requested"
)

// message returns the message of the line that a logs.
func (a audit) message() string {
	switch a {
	case auditConfig:
		return auditedConfigMsg
	case auditReplay:
		return auditedReplayMsg
	}
	return JournalReadMessage
}

// auditNote collects what a handler found for its request's audit line.
type auditNote struct {
	matches   int
	matchedBy map[string]int
	// attrs are log attributes that the handler added, such as the id
	// of the message that an explain read.
	attrs []any
	// unread is set when the handler could not read the request, as when
	// the inbound memory budget was spent, so that nothing was read from
	// the journal and the request gets no audit line.
	unread bool
}

type auditNoteKey struct{}

// audited wraps next, the handler of e, to log one Info line per request
// when it returns, unless the handler could not read the request (see
// noteUnread). The line names the token holder (when the API has
// tokens), the endpoint, the path, each query parameter (see queryAttr),
// the remote address and the response status, then what the handler noted (see
// noteAttrs), and for explain the case matches. It never names an
// identifier that a case matched by. The hub's logger masks the Aadhaar
// numbers that a path or query contains.
func (s *Server) audited(e endpoint, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		note := &auditNote{}
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next(rec, r.WithContext(context.WithValue(r.Context(), auditNoteKey{}, note)))
		if note.unread {
			return
		}
		attrs := make([]any, 0, 16+len(note.attrs))
		if p, known := principal(r); known {
			attrs = append(attrs, "principal", p.Name)
		}
		attrs = append(attrs, "endpoint", e.method+" "+e.path, "path", r.URL.Path)
		if r.URL.RawQuery != "" {
			attrs = append(attrs, queryAttr(r.URL.RawQuery))
		}
		attrs = append(attrs, "remote", r.RemoteAddr, "status", rec.status)
		attrs = append(attrs, note.attrs...)
		if e.audit == auditExplain {
			attrs = append(attrs, "matches", note.matches, "matched_by", note.matchKinds())
		}
		s.Log.Info(e.audit.message(), attrs...)
	}
}

// queryAttr returns the attribute of raw, a query string, for an audit
// line: the group of its parameters, or malformed_query when it does not
// parse. malformed_query is raw with each valid %XX escape and each +
// decoded, so that the hub's logger masks an Aadhaar number in it as it
// masks one in a parameter's value.
func queryAttr(raw string) slog.Attr {
	query, err := url.ParseQuery(raw)
	if err != nil {
		return slog.String("malformed_query", unescapeValid(raw))
	}
	return queryGroup(query)
}

// unescapeValid returns s with + read as a space and each %XX escape of
// two hex digits read as its byte. It leaves other % signs as they are.
func unescapeValid(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '+':
			b.WriteByte(' ')
		case s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			n, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b.WriteByte(byte(n))
			i += 2
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// queryGroup returns the group "query" of the parameters in query, each
// decoded and sorted by name, as query.case_key=KL/EKM/2026/0042. A
// parameter given more than once logs its values as a list.
func queryGroup(query url.Values) slog.Attr {
	params := make([]slog.Attr, 0, len(query))
	for _, name := range slices.Sorted(maps.Keys(query)) {
		if values := query[name]; len(values) == 1 {
			params = append(params, slog.String(name, values[0]))
		} else {
			params = append(params, slog.Any(name, values))
		}
	}
	return slog.Attr{Key: "query", Value: slog.GroupValue(params...)}
}

// noteAttrs adds attrs to the audit line of r.
func noteAttrs(r *http.Request, attrs ...any) {
	if note, ok := r.Context().Value(auditNoteKey{}).(*auditNote); ok {
		note.attrs = append(note.attrs, attrs...)
	}
}

// noteUnread marks r as a request that its handler could not read.
func noteUnread(r *http.Request) {
	if note, ok := r.Context().Value(auditNoteKey{}).(*auditNote); ok {
		note.unread = true
	}
}

// noteMatches adds the case matches of m, a verification request, to the
// audit line of r. Other messages have none.
func noteMatches(r *http.Request, m *canonical.Message) {
	note, ok := r.Context().Value(auditNoteKey{}).(*auditNote)
	if !ok || m.VerificationRequest == nil || len(m.VerificationRequest.Matches) == 0 {
		return
	}
	if note.matchedBy == nil {
		note.matchedBy = map[string]int{}
	}
	for _, match := range m.VerificationRequest.Matches {
		note.matches++
		note.matchedBy[match.MatchedBy]++
	}
}

// matchKinds returns how the noted matches matched, such as
// "aadhaar_token,passport_number": each way once, sorted.
func (n *auditNote) matchKinds() string {
	kinds := make([]string, 0, len(n.matchedBy))
	for kind := range n.matchedBy {
		kinds = append(kinds, kind)
	}
	slices.Sort(kinds)
	return strings.Join(kinds, ",")
}

// statusRecorder records the status that a handler responds with.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// denial is a kind of denied request.
type denial struct {
	// kind is its kind label in sangam_denied_requests_total, one of the
	// metrics.Denied constants.
	kind string
	// message is the message of its log lines.
	message string
}

// The denials that warnDenied logs.
var (
	deniedManyAuthorization = denial{metrics.DeniedManyAuthorization,
		"request with more than one Authorization header"}
	deniedUnauthenticated         = denial{metrics.DeniedUnauthenticated, "request without a valid token"}
	deniedTokenWithdrawn          = denial{metrics.DeniedTokenWithdrawn, "token withdrawn during a post"}
	deniedOtherAgency             = denial{metrics.DeniedOtherAgency, "token used for another agency"}
	deniedMetricsTokenForOperator = denial{metrics.DeniedOperatorEndpoint,
		"metrics token used for an operator endpoint"}
	deniedAgencyTokenForOperator = denial{metrics.DeniedOperatorEndpoint,
		"agency token used for an operator endpoint"}
	deniedMetrics = denial{metrics.DeniedMetricsEndpoint,
		"token without the metrics grant used for metrics"}
	deniedVerifications = denial{metrics.DeniedVerificationEndpoint,
		"token without passport or operator rights used for passport verifications"}
)

// warnDenied counts in s.Metrics, and logs at Warn with attrs and r's
// remote address, a request that failed authentication or lacks the
// grant it needs. principal is the name of the caller's token, or empty
// when the caller has no valid token. Anyone who reaches the port can
// send such requests, so at most one line of each denial is logged per
// throttle.DefaultLogInterval for each caller, known by principal or
// else by the remote host (see deniedKey). Each line counts in
// suppressed the lines of its denial and caller held back since the last
// one, and names the caller in suppressed_key.
//
// s.denied tracks deniedKeys pairs of denial and caller at once. While
// all are in use, as when an attacker sends from many addresses, the
// lines of other callers share one limit per denial. Such lines have
// rate_limit=shared, and their suppressed_key is "shared".
func (s *Server) warnDenied(r *http.Request, denied denial, principal string, attrs ...any) {
	s.Metrics.CountDenied(denied.kind, principal)
	msg := denied.message
	key := deniedKey(r, principal)
	d := s.denied.Allow(msg, key, s.currentTime())
	for _, held := range d.Expired {
		s.logHeldBack(held)
	}
	if !d.OK {
		return
	}
	if principal != "" {
		attrs = append([]any{"principal", principal}, attrs...)
	}
	attrs = append(attrs, "remote", r.RemoteAddr)
	if d.Shared {
		attrs = append(attrs, "rate_limit", "shared")
		key = sharedKey
	}
	if d.Suppressed > 0 {
		attrs = append(attrs, "suppressed", d.Suppressed, "suppressed_key", key)
	}
	s.Log.Warn(msg, attrs...)
}

// sharedKey is the suppressed_key of the lines held back by the shared
// limit of a message, for callers that s.denied had no room to track.
const sharedKey = "shared"

// deniedKey returns the key by which s.denied limits the denied requests
// of r's caller: "principal:NAME" for a known token, or else
// "remote:HOST" with the host, without the port, of r's remote address.
func deniedKey(r *http.Request, principal string) string {
	if principal != "" {
		return "principal:" + principal
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return "remote:" + host
}

// currentTime returns s.now(), or time.Now() when s.now is nil.
func (s *Server) currentTime() time.Time {
	if s.now != nil {
		return s.now()
	}
	return time.Now()
}

// RunDeniedFlush logs, every throttle.DefaultLogInterval until ctx
// ends, the denied requests of each caller that s.denied held back and
// whose interval has ended (see flushDenied). Without it such a count is
// logged only at the next denied request of any caller. It returns when
// ctx ends.
func (s *Server) RunDeniedFlush(ctx context.Context) {
	s.failuresOnce.Do(s.newFailureLogs)
	ticks := s.deniedFlushTicks
	if ticks == nil {
		ticker := time.NewTicker(s.denied.Interval)
		defer ticker.Stop()
		ticks = ticker.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticks:
			s.flushDenied()
		}
	}
}

// flushDenied logs, as logHeldBack does, the count of each caller and
// of each shared limit whose interval has ended with denied requests
// held back, and logs nothing when none was held back.
func (s *Server) flushDenied() {
	for _, held := range s.denied.Flush(s.currentTime()) {
		s.logHeldBack(held)
	}
}

// logHeldBack logs, at Warn with the message of their kind, the denied
// requests of one caller that s.denied held back since its last line,
// once no line of that caller followed within the interval.
func (s *Server) logHeldBack(held throttle.HeldBack) {
	key := held.Key
	if key == "" {
		key = sharedKey
	}
	s.Log.Warn(held.Kind, "suppressed", held.Suppressed, "suppressed_key", key,
		"suppressed_since", held.Since)
}

// inboundAttrs returns the log attributes of an inbound post of r as
// agency: the agency, and the token holder when the API has tokens.
func inboundAttrs(r *http.Request, agency string, more ...any) []any {
	attrs := make([]any, 0, 4+len(more))
	attrs = append(attrs, "agency", agency)
	if p, known := principal(r); known {
		attrs = append(attrs, "principal", p.Name)
	}
	return append(attrs, more...)
}
