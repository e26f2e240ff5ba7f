package api

import (
	"context"
	"net/http"
	"time"

	"github.com/sangam-hub/sangam/internal/auth"
)

// Route is a registered endpoint as tests see it.
type Route struct {
	Method string
	Path   string
	// Access is "public", "agency", "operator", "metrics" or
	// "verification".
	Access string
}

// Routes lists every endpoint that Handler registers, in order.
func Routes() []Route {
	names := map[access]string{
		accessPublic: "public", accessAgency: "agency", accessOperator: "operator",
		accessMetrics: "metrics", accessVerification: "verification",
	}
	var out []Route
	for _, e := range (&Server{}).endpoints() {
		out = append(out, Route{Method: e.method, Path: e.path, Access: names[e.access]})
	}
	return out
}

// Mux returns the ServeMux that Handler wraps, to look up the pattern
// that serves a request.
func (s *Server) Mux() *http.ServeMux { return s.mux() }

// SetClock makes s rate-limit its failure logs by now. Call it before
// Handler.
func (s *Server) SetClock(now func() time.Time) { s.now = now }

// SetDeniedFlushTicks makes RunDeniedFlush flush at each value of ticks
// in place of its ticker.
func (s *Server) SetDeniedFlushTicks(ticks <-chan time.Time) { s.deniedFlushTicks = ticks }

// SenderOf returns the key under which r's body counts against its
// sender's share of the inbound budget.
func SenderOf(r *http.Request) string { return sender(r) }

// WithPrincipal returns r as authenticate passes it on once it has
// identified p.
func WithPrincipal(r *http.Request, p auth.Principal) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), principalKey{}, p))
}
