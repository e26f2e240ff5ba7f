package police

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/sangam-hub/sangam/mocks/inbox"
	"github.com/sangam-hub/sangam/schemas"
)

// Schemas of the documents the station receives besides notifications.
const (
	requestSchema  = "passport/verification_request.json"
	reportSchema   = "passport/verification_report.json"
	movementSchema = "prisons/movement.json"
)

// Outcome is how the station answers verification requests.
type Outcome string

// Outcomes.
const (
	// AnswerClear reports the applicant verified, with no case.
	AnswerClear Outcome = "clear"
	// AnswerAdverse reports the request's matches as cases against the
	// applicant. A request with no matches gets no report.
	AnswerAdverse Outcome = "adverse"
	// AnswerNotVerified reports the applicant not verified, for
	// Answering.Reason.
	AnswerNotVerified Outcome = "not_verified"
	// AnswerSilent sends no report, so the request's deadline passes.
	AnswerSilent Outcome = "silent"
)

// Answering configures how the station answers the verification requests
// it receives. The zero value is silent.
type Answering struct {
	// HubURL is the hub the station reports to, at
	// HubURL/api/v1/inbound/police. Empty leaves the station silent.
	HubURL string
	// Token is the bearer token the station sends with its reports, for a
	// hub that requires one. Default none.
	Token string
	// Delay is how long after a request arrives the station reports.
	// Default 0.
	Delay time.Duration
	// Outcome is the outcome of every report. Default AnswerSilent.
	Outcome Outcome
	// Reason is a not_verified report's reason. Default "applicant not
	// found residing at the present address".
	Reason string
	// Now returns the time a report is made. Default time.Now.
	Now func() time.Time
}

// defaultReason is Answering.Reason's default.
const defaultReason = "applicant not found residing at the present address"

// sendAttempts is how many times the station posts one report when the
// hub fails with a 5xx status or cannot be reached.
const sendAttempts = 5

// SentReport is one report the station made.
type SentReport struct {
	// InReplyTo is the hub's id of the request the report answers.
	InReplyTo  string `json:"in_reply_to"`
	FileNumber string `json:"file_number"`
	Outcome    string `json:"outcome"`
	// HubMessageID is the hub's id of the report, once it accepted it.
	HubMessageID string `json:"hub_message_id,omitempty"`
	// Error is why the report was not sent or not accepted.
	Error string `json:"error,omitempty"`
}

// Answer sets how the station answers the requests that arrive from now
// on. A request already waiting keeps the answer it was given.
func (s *Station) Answer(a Answering) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answering = a
}

// Close stops the answers still waiting and returns once none is being
// sent. Requests that arrive later get no answer.
func (s *Station) Close() {
	s.stopOnce.Do(func() { close(s.stop) })
	s.pending.Wait()
}

// Verifications returns the distinct verification requests received,
// oldest first.
func (s *Station) Verifications() []inbox.Item { return s.verifications.Items() }

// Escalations returns the distinct escalated requests received, oldest
// first.
func (s *Station) Escalations() []inbox.Item { return s.escalations.Items() }

// Movements returns the distinct prisoner movements received, oldest
// first.
func (s *Station) Movements() []inbox.Item { return s.movements.Items() }

// Reports returns the reports the station made, in the order it made
// them.
func (s *Station) Reports() []SentReport {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SentReport(nil), s.reports...)
}

// receiveInto returns a handler that checks a delivery against schema
// and records it in box.
func (s *Station) receiveInto(box *inbox.Inbox, schema string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.record(w, r, box, schema)
	}
}

// record checks and records one delivery, writes the response, and
// returns the item and whether it is new. It returns false when it
// rejected the delivery.
func (s *Station) record(
	w http.ResponseWriter,
	r *http.Request,
	box *inbox.Inbox,
	schema string,
) (inbox.Item, bool) {
	if r.Header.Get("Idempotency-Key") == "" {
		s.reject(w, rejection{Error: "missing Idempotency-Key header"})
		return inbox.Item{}, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		s.reject(w, rejection{Error: "reading body: " + err.Error()})
		return inbox.Item{}, false
	}
	if err := schemas.Validate(schema, body); err != nil {
		s.reject(w, rejection{Error: "body does not match " + schema,
			Violations: schemas.Violations(err)})
		return inbox.Item{}, false
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	item, fresh, err := box.Receive(r)
	if err != nil {
		s.reject(w, rejection{Error: err.Error()})
		return inbox.Item{}, false
	}
	writeJSON(w, http.StatusOK, receipt{IdempotencyKey: item.Key, Repeat: !fresh})
	return item, fresh
}

func (s *Station) receiveRequest(w http.ResponseWriter, r *http.Request) {
	item, fresh := s.record(w, r, s.verifications, requestSchema)
	if !fresh {
		return
	}
	s.mu.Lock()
	a := s.answering
	s.mu.Unlock()
	if a.HubURL == "" || a.Outcome == AnswerSilent || a.Outcome == "" {
		return
	}
	select {
	case <-s.stop:
		return
	default:
	}
	s.pending.Add(1)
	go s.answer(a, item.Body)
}

// Report reports with outcome on the received request whose hub id is
// hubMessageID, now, as an officer filing a report by hand would, and
// returns the report made. The hub, reason and clock are those Answer
// last set. It returns an error when no such request was received, the
// station has no hub, or the hub did not accept the report.
func (s *Station) Report(hubMessageID string, outcome Outcome) (SentReport, error) {
	s.mu.Lock()
	a := s.answering
	s.mu.Unlock()
	a.Outcome = outcome
	if a.HubURL == "" {
		return SentReport{}, errors.New("reporting: no hub URL; call Answer first")
	}
	for _, item := range s.verifications.Items() {
		var req requestFields
		if json.Unmarshal(item.Body, &req) != nil || req.HubMessageID != hubMessageID {
			continue
		}
		sent := SentReport{Outcome: string(outcome)}
		doc, err := reportOn(a, item.Body, &sent)
		if err == nil {
			sent.HubMessageID, err = s.send(a.HubURL, a.Token, doc)
		}
		if err != nil {
			sent.Error = err.Error()
		}
		s.mu.Lock()
		s.reports = append(s.reports, sent)
		s.mu.Unlock()
		return sent, err
	}
	return SentReport{}, fmt.Errorf("reporting: no request with hub id %q was received", hubMessageID)
}

func (s *Station) listReports(w http.ResponseWriter, r *http.Request) {
	reports := s.Reports()
	if reports == nil {
		// An empty list, as the station's other lists are, not null.
		reports = []SentReport{}
	}
	writeJSON(w, http.StatusOK, reports)
}

// answer waits a.Delay, then reports on request to the hub.
func (s *Station) answer(a Answering, request []byte) {
	defer s.pending.Done()
	timer := time.NewTimer(a.Delay)
	defer timer.Stop()
	select {
	case <-s.stop:
		return
	case <-timer.C:
	}

	sent := SentReport{Outcome: string(a.Outcome)}
	doc, err := reportOn(a, request, &sent)
	if err == nil {
		sent.HubMessageID, err = s.send(a.HubURL, a.Token, doc)
	}
	if err != nil {
		sent.Error = err.Error()
		s.log.Warn("verification report not delivered", "mock", "police",
			"in_reply_to", sent.InReplyTo, "error", err)
	}
	s.mu.Lock()
	s.reports = append(s.reports, sent)
	s.mu.Unlock()
}

// send posts doc to the hub, trying again while the hub fails with a 5xx
// status or cannot be reached, and returns the hub's id for it.
func (s *Station) send(hubURL, token string, doc []byte) (string, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-s.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	wait := 100 * time.Millisecond
	for attempt := 1; ; attempt++ {
		id, err := SendWithToken(ctx, hubURL, token, doc)
		var refused *HubError
		if err == nil || attempt == sendAttempts ||
			(errors.As(err, &refused) && refused.StatusCode < 500) {
			return id, err
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(wait):
		}
		wait *= 2
	}
}

// requestFields are the parts of a verification request a report needs.
type requestFields struct {
	HubMessageID  string `json:"hub_message_id"`
	FileNumber    string `json:"file_number"`
	PoliceStation string `json:"police_station"`
	Matches       []struct {
		Case json.RawMessage `json:"case"`
	} `json:"matches"`
}

// officer is the mock station's verifying officer.
var officer = map[string]string{
	"name": "Anil Kumar P.", "rank": "Sub Inspector", "service_number": "KP-4471",
}

// reportOn writes the report on request that a configures, and fills
// sent with what it reports.
func reportOn(a Answering, request []byte, sent *SentReport) ([]byte, error) {
	var req requestFields
	if err := json.Unmarshal(request, &req); err != nil {
		return nil, fmt.Errorf("reading request: %w", err)
	}
	sent.InReplyTo, sent.FileNumber = req.HubMessageID, req.FileNumber
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	at := now().Format(time.RFC3339)
	doc := map[string]any{
		"message_id": "PVR-" + req.HubMessageID, "document_type": "verification_report",
		"sent_at": at, "in_reply_to": req.HubMessageID, "file_number": req.FileNumber,
		"outcome": string(a.Outcome), "police_station": req.PoliceStation,
		"officer": officer, "reported_at": at,
	}
	switch a.Outcome {
	case AnswerAdverse:
		if len(req.Matches) == 0 {
			return nil, errors.New("adverse outcome, but the request lists no matching case " +
				"to report; nothing sent")
		}
		var cases []json.RawMessage
		for _, m := range req.Matches {
			cases = append(cases, m.Case)
		}
		doc["cases"] = cases
	case AnswerNotVerified:
		doc["reason"] = a.Reason
		if a.Reason == "" {
			doc["reason"] = defaultReason
		}
	}
	body, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	if err := schemas.Validate(reportSchema, body); err != nil {
		return nil, fmt.Errorf("writing report: %w", err)
	}
	return body, nil
}
