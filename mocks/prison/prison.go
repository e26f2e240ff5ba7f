// Package prison is a mock prison system such as e-Prisons, for tests
// and the demo. Its handler receives the hub's court orders as a prison
// would, and Push reports a prisoner movement to the hub. samples/ holds
// movement events a prison sends, one of them invalid on purpose.
package prison

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"

	"github.com/sangam-hub/sangam/mocks/inbox"
	"github.com/sangam-hub/sangam/schemas"
)

// orderSchema is the schema a delivered court order must pass.
const orderSchema = "prisons/court_order.json"

// maxBody is the largest court order the prison reads, in bytes.
const maxBody = 8 << 20

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
	p.mux.HandleFunc("POST /orders", p.receive)
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

// rejection is the JSON body of a 400 response.
type rejection struct {
	Error      string              `json:"error"`
	Violations []schemas.Violation `json:"violations,omitempty"`
}

// receipt is the JSON body of a 200 response.
type receipt struct {
	IdempotencyKey string `json:"idempotency_key"`
	// Repeat is true when the key was received before.
	Repeat bool `json:"repeat"`
}

func (p *Prison) receive(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Idempotency-Key") == "" {
		p.reject(w, rejection{Error: "missing Idempotency-Key header"})
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		p.reject(w, rejection{Error: "reading body: " + err.Error()})
		return
	}
	if err := schemas.Validate(orderSchema, body); err != nil {
		p.reject(w, rejection{
			Error:      "body is not a valid court order",
			Violations: schemas.Violations(err),
		})
		return
	}

	r.Body = io.NopCloser(bytes.NewReader(body))
	item, fresh, err := p.inbox.Receive(r)
	if err != nil {
		p.reject(w, rejection{Error: err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, receipt{IdempotencyKey: item.Key, Repeat: !fresh})
}

func (p *Prison) reject(w http.ResponseWriter, reason rejection) {
	p.log.Info("court order rejected", "mock", "prison", "error", reason.Error,
		"violations", len(reason.Violations))
	writeJSON(w, http.StatusBadRequest, reason)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		slog.Debug("writing response failed", "mock", "prison", "error", err)
	}
}
