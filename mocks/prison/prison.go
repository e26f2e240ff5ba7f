// Package prison is a mock prison system such as e-Prisons, for tests
// and the demo. Its handler receives the hub's court orders as a prison
// would, and Push reports a prisoner movement to the hub. samples/ holds
// movement events a prison sends, one of them invalid on purpose.
package prison

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"

	"github.com/sangam-hub/sangam/mocks/inbox"
)

// orderSchema is the schema a delivered court order must pass.
const orderSchema = "prisons/court_order.json"

// maxOrder is the largest court order the mock reads, in bytes.
const maxOrder = 8 << 20

// Prison is a mock prison system that serves every prison of a state,
// as e-Prisons does. It serves:
//
//	POST /orders                accept a hub delivery for any prison: 200 when
//	                            recorded or a repeat of an Idempotency-Key, 400
//	                            with a JSON reason when the key is missing or
//	                            the body is not a valid court order
//	POST /prisons/{code}/orders the same for the prison whose code is {code};
//	                            an order for another prison also gets 400
//	GET  /received              list the distinct deliveries, oldest first
//
// Deliveries to every path share one record, deduplicated by
// Idempotency-Key. It is safe for concurrent use.
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
	validated := p.inbox.Validated(orderSchema, "court order")
	p.mux.HandleFunc("POST /orders", validated)
	p.mux.HandleFunc("POST /prisons/{code}/orders", p.addressed(validated))
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

// OrdersFor returns the distinct deliveries whose prisoner.prison_code
// is code, oldest first.
func (p *Prison) OrdersFor(code string) []inbox.Item {
	var out []inbox.Item
	for _, item := range p.inbox.Items() {
		if prisonCode(item.Body) == code {
			out = append(out, item)
		}
	}
	return out
}

// prisonCode returns the prisoner.prison_code of a court order, or ""
// when body is not a JSON object that has one.
func prisonCode(body []byte) string {
	var doc struct {
		Prisoner struct {
			PrisonCode string `json:"prison_code"`
		} `json:"prisoner"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return ""
	}
	return doc.Prisoner.PrisonCode
}

// addressed returns a handler that passes to next only a court order for
// the prison that the path names, as a prison system rejects an order
// addressed to another prison. A body that is not JSON passes, so that
// next rejects it with the schema's reason.
func (p *Prison) addressed(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxOrder))
		if err != nil {
			p.rejectOrder(w, inbox.Rejection{Error: "reading body: " + err.Error()})
			return
		}
		want := r.PathValue("code")
		if got := prisonCode(body); got != "" && got != want {
			p.rejectOrder(w, inbox.Rejection{Error: fmt.Sprintf(
				"court order for prison %q delivered to prison %q: send it to /prisons/%s/orders",
				got, want, got)})
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next(w, r)
	}
}

func (p *Prison) rejectOrder(w http.ResponseWriter, reason inbox.Rejection) {
	p.log.Info("court order rejected", "mock", "prison", "error", reason.Error)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(reason)
}
