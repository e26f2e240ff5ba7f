// Package prison is a mock prison system such as e-Prisons, for tests
// and the demo. Its handler receives the hub's court orders as a prison
// would, and Push reports a prisoner movement to the hub. samples/ holds
// movement events a prison sends, one of them invalid on purpose.
package prison

import (
	"log/slog"
	"net/http"

	"github.com/sangam-hub/sangam/mocks/inbox"
)

// orderSchema is the schema a delivered court order must pass.
const orderSchema = "prisons/court_order.json"

// Prison is a mock prison. It serves:
//
//	POST /orders    accept a hub delivery: 200 when recorded or a repeat
//	                of an Idempotency-Key, 400 with a JSON reason when the
//	                key is missing or the body is not a valid court order
//	GET  /received  list the distinct deliveries, oldest first
//
// It is safe for concurrent use.
type Prison struct {
	inbox *inbox.Inbox
	log   *slog.Logger
	mux   *http.ServeMux
}

// New returns a prison with an empty inbox. A nil log means
// slog.Default().
func New(log *slog.Logger) *Prison {
	if log == nil {
		log = slog.Default()
	}
	p := &Prison{inbox: inbox.New("prison", log), log: log, mux: http.NewServeMux()}
	p.mux.HandleFunc("POST /orders", p.inbox.Validated(orderSchema, "court order"))
	p.mux.Handle("GET /received", p.inbox)
	return p
}

// ServeHTTP routes a request to the prison's endpoints.
func (p *Prison) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mux.ServeHTTP(w, r)
}

// Received returns the distinct deliveries, oldest first.
func (p *Prison) Received() []inbox.Item {
	return p.inbox.Items()
}
