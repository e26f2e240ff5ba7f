package court

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/sangam-hub/sangam/adapters/courts"
	"github.com/sangam-hub/sangam/canonical"
)

// startCallback builds the docketing callback for a new registration and
// posts it to the hub in the background.
func (s *Server) startCallback(filing canonical.Message, reg Registration) {
	cs := filing.Chargesheet
	m := canonical.Message{
		Type: canonical.TypeCourtRegistration, SenderMessageID: reg.CallbackID,
		CorrelationID: reg.FilingID, OccurredAt: s.cfg.Now().In(ist),
		SchemaVersion: canonical.SchemaVersion,
		CourtRegistration: &canonical.CourtRegistration{
			CNR: reg.CNR, Court: canonical.Court{Code: cs.Court.Code, Name: cs.Court.Name},
			FilingNumber: reg.FilingNumber, FiledOn: reg.FiledOn, NextHearing: reg.NextHearing,
			FIR: cs.FIR, TrackingID: cs.TrackingID, Title: cs.Title,
			Status: canonical.FilingAccepted, Reason: reg.Reason,
		},
	}
	body, err := courts.EncodeCallback(&m)
	if err != nil {
		s.log.Error("building callback failed", "message_id", reg.FilingID, "error", err)
		s.settle(reg.FilingID, CallbackAbandoned)
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		s.log.Warn("server closed; callback not sent", "message_id", reg.FilingID)
		s.byFiling[reg.FilingID].Callback = CallbackAbandoned
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.deliver(reg, body)
	}()
}

// errNotRecorded is the failure of a callback that the hub responded to
// with 409 and "retryable": true.
var errNotRecorded = errors.New("hub responded with HTTP 409 and retryable set: " +
	"it has not recorded the filing's delivery yet")

// deliver posts a callback until the hub responds with 2xx or with a
// 4xx other than a retryable 409, MaxAttempts posts have failed, or
// Close is called. Waits between posts start at RetryBase and double up
// to RetryMax. The hub responds with 409 and "retryable": true to a
// callback that arrives before it has recorded the filing's delivery to
// the court, which the court's 200 to the filing precedes.
func (s *Server) deliver(reg Registration, body []byte) {
	log := s.log.With("message_id", reg.FilingID, "case_id", reg.CaseKey, "cnr", reg.CNR)
	wait := s.cfg.RetryBase
	for attempt := 1; attempt <= s.cfg.MaxAttempts; attempt++ {
		s.countAttempt(reg.FilingID)
		status, retryable, err := s.post(reg, body)
		switch {
		case err == nil && status/100 == 2:
			log.Info("callback delivered", "attempt", attempt)
			s.settle(reg.FilingID, CallbackDelivered)
			return
		case err == nil && status == http.StatusConflict && retryable:
			err = errNotRecorded
		case err == nil && status/100 == 4:
			log.Warn("callback rejected by the hub; not retrying", "attempt", attempt, "status", status)
			s.settle(reg.FilingID, CallbackRejected)
			return
		case err == nil:
			err = fmt.Errorf("hub responded with HTTP %d", status)
		}
		if attempt == s.cfg.MaxAttempts {
			log.Warn("callback failed", "attempt", attempt, "error", err)
			break
		}
		if errors.Is(err, errNotRecorded) {
			// The usual race with the hub's record of the delivery, not a fault.
			log.Info("hub has not recorded the filing's delivery yet; will retry", "attempt", attempt)
		} else {
			log.Warn("callback failed, will retry", "attempt", attempt, "error", err)
		}
		if !s.sleep(wait) {
			break
		}
		wait = min(2*wait, s.cfg.RetryMax)
	}
	log.Error("callback abandoned", "attempts", s.attempts(reg.FilingID))
	s.settle(reg.FilingID, CallbackAbandoned)
}

// post sends the callback once and returns the hub's status and the
// retryable member of its problem details, false when the response has
// none.
func (s *Server) post(reg Registration, body []byte) (int, bool, error) {
	url := strings.TrimSuffix(s.cfg.HubURL, "/") + CallbackPath
	req, err := http.NewRequestWithContext(s.ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, false, fmt.Errorf("building callback request: %w", err)
	}
	req.Header.Set("Content-Type", courts.ContentType)
	req.Header.Set("Idempotency-Key", reg.CallbackID)
	if s.cfg.Token != "" {
		req.Header.Set("Authorization", "Bearer "+s.cfg.Token)
	}
	resp, err := s.cfg.Client.Do(req)
	if err != nil {
		return 0, false, err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var problem struct {
		Retryable bool `json:"retryable"`
	}
	// A body that is not problem details JSON, such as a proxy's error
	// page, counts as not retryable.
	_ = json.Unmarshal(data, &problem)
	return resp.StatusCode, problem.Retryable, nil
}

// sleep waits for d and reports false when Close cut the wait short.
func (s *Server) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.ctx.Done():
		return false
	}
}

func (s *Server) countAttempt(filingID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byFiling[filingID].Attempts++
}

func (s *Server) attempts(filingID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byFiling[filingID].Attempts
}

func (s *Server) settle(filingID, state string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byFiling[filingID].Callback = state
}
