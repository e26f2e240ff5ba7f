// Package passport is a mock passport office, for tests and the demo.
// Send files a police verification request with the hub, and the
// handler receives the verification reports the hub delivers. samples/
// holds requests the office sends, one of them invalid on purpose.
//
// Police stations answer requests; that side lives with the mock police
// station.
package passport

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"

	"github.com/sangam-hub/sangam/mocks/inbox"
	"github.com/sangam-hub/sangam/schemas"
)

// reportSchema is the schema a delivered report must pass.
const reportSchema = "passport/verification_report.json"

// maxBody is the largest report the office reads, in bytes.
const maxBody = 8 << 20

// Office is a mock passport office. It serves:
//
//	POST /reports   accept a hub delivery: 200 when recorded or a repeat
//	                of an Idempotency-Key, 400 with a JSON reason when the
//	                key is missing or the body is not a valid verification
//	                report
//	GET  /received  list the distinct deliveries, oldest first
//
// It is safe for concurrent use.
type Office struct {
	inbox *inbox.Inbox
	log   *slog.Logger
	mux   *http.ServeMux
}

// New returns an office with an empty inbox. A nil log means
// slog.Default().
func New(log *slog.Logger) *Office {
	if log == nil {
		log = slog.Default()
	}
	o := &Office{inbox: inbox.New("passport", log), log: log, mux: http.NewServeMux()}
	o.mux.HandleFunc("POST /reports", o.receive)
	o.mux.Handle("GET /received", o.inbox)
	return o
}

// ServeHTTP routes a request to the office's endpoints.
func (o *Office) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	o.mux.ServeHTTP(w, r)
}

// Received returns the distinct deliveries, oldest first.
func (o *Office) Received() []inbox.Item {
	return o.inbox.Items()
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

func (o *Office) receive(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Idempotency-Key") == "" {
		o.reject(w, rejection{Error: "missing Idempotency-Key header"})
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		o.reject(w, rejection{Error: "reading body: " + err.Error()})
		return
	}
	if err := schemas.Validate(reportSchema, body); err != nil {
		o.reject(w, rejection{
			Error:      "body is not a valid verification report",
			Violations: schemas.Violations(err),
		})
		return
	}

	r.Body = io.NopCloser(bytes.NewReader(body))
	item, fresh, err := o.inbox.Receive(r)
	if err != nil {
		o.reject(w, rejection{Error: err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, receipt{IdempotencyKey: item.Key, Repeat: !fresh})
}

func (o *Office) reject(w http.ResponseWriter, reason rejection) {
	o.log.Info("verification report rejected", "mock", "passport", "error", reason.Error,
		"violations", len(reason.Violations))
	writeJSON(w, http.StatusBadRequest, reason)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		slog.Debug("writing response failed", "mock", "passport", "error", err)
	}
}
