// Package police is a mock police station on CCTNS, for tests and the
// demo. Its handler receives the hub's notifications as a station would,
// and Send files a station's document with the hub. samples/ holds
// documents a station sends, one of them invalid on purpose.
//
// The station also receives passport verification requests and, once
// Answer configures it, reports on each to the hub after a delay. It
// receives escalated requests as the district police office would, and
// prisoner movements.
package police

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"sync"

	"github.com/sangam-hub/sangam/mocks/inbox"
	"github.com/sangam-hub/sangam/schemas"
)

// notificationSchema is the schema a delivered body must pass.
const notificationSchema = "police/notification.json"

// maxBody is the largest notification the station reads, in bytes.
const maxBody = 8 << 20

// Station is a mock police station. It serves:
//
//	POST /notifications  accept a hub delivery: 200 when recorded or a
//	                     repeat of an Idempotency-Key, 400 with a JSON
//	                     reason when the key is missing or the body is
//	                     not a valid police notification
//	GET  /received       list the distinct deliveries, oldest first
//	POST /verifications  accept a verification request, answered as
//	                     Answer configures
//	GET  /verifications  list the distinct requests
//	POST /escalations    accept an escalated request, as the district
//	                     police office
//	GET  /escalations    list the distinct escalations
//	POST /movements      accept a prisoner movement
//	GET  /movements      list the distinct movements
//	GET  /reports        list the reports the station sent the hub
//
// Every POST answers as /notifications does, after checking the body
// against its own schema. It is safe for concurrent use.
type Station struct {
	inbox         *inbox.Inbox
	verifications *inbox.Inbox
	escalations   *inbox.Inbox
	movements     *inbox.Inbox
	log           *slog.Logger
	mux           *http.ServeMux

	// mu guards answering and reports.
	mu        sync.Mutex
	answering Answering
	reports   []SentReport
	// pending counts answers not yet sent; stop ends their waits.
	pending  sync.WaitGroup
	stop     chan struct{}
	stopOnce sync.Once
}

// New returns a station with empty inboxes that answers no verification
// request until Answer is called. A nil log means slog.Default().
func New(log *slog.Logger) *Station {
	if log == nil {
		log = slog.Default()
	}
	s := &Station{
		inbox: inbox.New("police", log), verifications: inbox.New("police-verifications", log),
		escalations: inbox.New("police-escalations", log), movements: inbox.New("police-movements", log),
		log: log, mux: http.NewServeMux(), stop: make(chan struct{}),
		answering: Answering{Outcome: AnswerSilent},
	}
	s.mux.HandleFunc("POST /notifications", s.receive)
	s.mux.Handle("GET /received", s.inbox)
	s.mux.HandleFunc("POST /verifications", s.receiveRequest)
	s.mux.Handle("GET /verifications", s.verifications)
	s.mux.HandleFunc("POST /escalations", s.receiveInto(s.escalations, requestSchema))
	s.mux.Handle("GET /escalations", s.escalations)
	s.mux.HandleFunc("POST /movements", s.receiveInto(s.movements, movementSchema))
	s.mux.Handle("GET /movements", s.movements)
	s.mux.HandleFunc("GET /reports", s.listReports)
	return s
}

// ServeHTTP routes a request to the station's endpoints.
func (s *Station) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}

// Received returns the distinct deliveries, oldest first.
func (s *Station) Received() []inbox.Item {
	return s.inbox.Items()
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

func (s *Station) receive(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Idempotency-Key") == "" {
		s.reject(w, rejection{Error: "missing Idempotency-Key header"})
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		s.reject(w, rejection{Error: "reading body: " + err.Error()})
		return
	}
	if err := schemas.Validate(notificationSchema, body); err != nil {
		s.reject(w, rejection{
			Error:      "body is not a valid police notification",
			Violations: schemas.Violations(err),
		})
		return
	}

	r.Body = io.NopCloser(bytes.NewReader(body))
	item, fresh, err := s.inbox.Receive(r)
	if err != nil {
		s.reject(w, rejection{Error: err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, receipt{IdempotencyKey: item.Key, Repeat: !fresh})
}

func (s *Station) reject(w http.ResponseWriter, reason rejection) {
	s.log.Info("delivery rejected", "mock", "police", "error", reason.Error,
		"violations", len(reason.Violations))
	writeJSON(w, http.StatusBadRequest, reason)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		slog.Debug("writing response failed", "mock", "police", "error", err)
	}
}
