package inbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"

	"github.com/sangam-hub/sangam/schemas"
)

// Rejection is the JSON body of a mock's 400 response.
type Rejection struct {
	Error      string              `json:"error"`
	Violations []schemas.Violation `json:"violations,omitempty"`
}

// Receipt is the JSON body of a mock's 200 response.
type Receipt struct {
	IdempotencyKey string `json:"idempotency_key"`
	// Repeat is true when the key was received before.
	Repeat bool `json:"repeat"`
}

// Validated returns a handler that records a delivery whose body passes
// the named schema. A missing Idempotency-Key or an invalid body gets 400
// with a Rejection naming what, such as "court order", and nothing is
// recorded; a new or repeated key gets 200 with a Receipt.
func (b *Inbox) Validated(schema, what string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Idempotency-Key") == "" {
			b.reject(w, what, Rejection{Error: "missing Idempotency-Key header"})
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			b.reject(w, what, Rejection{Error: "reading body: " + err.Error()})
			return
		}
		if err := schemas.Validate(schema, body); err != nil {
			b.reject(w, what, Rejection{
				Error:      "body is not a valid " + what,
				Violations: schemas.Violations(err),
			})
			return
		}

		r.Body = io.NopCloser(bytes.NewReader(body))
		item, fresh, err := b.Receive(r)
		if err != nil {
			b.reject(w, what, Rejection{Error: err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, Receipt{IdempotencyKey: item.Key, Repeat: !fresh})
	}
}

func (b *Inbox) reject(w http.ResponseWriter, what string, reason Rejection) {
	b.log.Info(what+" rejected", "mock", b.name, "error", reason.Error,
		"violations", len(reason.Violations))
	writeJSON(w, http.StatusBadRequest, reason)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
