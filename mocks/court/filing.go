package court

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/problem"
	"github.com/sangam-hub/sangam/schemas"
)

// establishment matches an e-Courts establishment code: state (2
// letters), district (2 letters) and establishment number (2 digits).
var establishment = regexp.MustCompile(`^[A-Z]{4}[0-9]{2}$`)

// file handles POST /ecf.
func (s *Server) file(w http.ResponseWriter, r *http.Request) {
	if status := s.takeFailure(); status != 0 {
		s.log.Info("failing filing as configured", "status", status)
		problem.Write(w, problem.Problem{Type: "about:blank", Title: http.StatusText(status),
			Status: status, Detail: "the mock court was told to fail this request",
			Retryable: status >= 500})
		return
	}
	if !s.screen(w, r) {
		return
	}

	s.filing.Lock()
	defer s.filing.Unlock()
	item, fresh, err := s.inbox.Receive(r)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		s.log.Info("filing rejected", "error", err)
		problem.Write(w, problem.New(problem.TooLarge, err.Error()))
		return
	}
	if err != nil {
		s.log.Info("filing rejected", "error", err)
		problem.Write(w, problem.New(problem.BadRequest, err.Error()))
		return
	}
	if !fresh {
		s.replay(w, item.Key)
		return
	}
	a := s.register(item.Body, item.ContentType)
	s.mu.Lock()
	s.responses[item.Key] = a
	s.mu.Unlock()
	a.write(w)
}

// replay writes the response recorded for an Idempotency-Key.
func (s *Server) replay(w http.ResponseWriter, key string) {
	s.mu.Lock()
	a, ok := s.responses[key]
	s.mu.Unlock()
	if !ok {
		// Receive recorded the key but the response was not stored, which
		// happens only when an earlier handler panicked.
		problem.Write(w, problem.New(problem.Unavailable, "no response recorded for this key; send again"))
		return
	}
	a.write(w)
}

func (a response) write(w http.ResponseWriter) {
	w.Header().Set("Content-Type", a.header)
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body)
}

// register decodes a filing and, when it is new and valid, assigns it a
// CNR and starts its callback.
func (s *Server) register(body []byte, contentType string) response {
	d, err := s.adapter.Decode(body, contentType)
	if err == nil && d.Messages[0].Type != canonical.TypeChargesheet {
		err = fmt.Errorf("got a %s message: want a CoreFilingMessage", d.Messages[0].Type)
	}
	if err != nil {
		return s.invalid(err)
	}
	m := d.Messages[0]
	code := m.Chargesheet.Court.Code
	if !establishment.MatchString(code) {
		return s.invalid(fmt.Errorf("court code %q is not an e-Courts establishment code "+
			"such as KLER01 (state, district, establishment number)", code))
	}

	s.mu.Lock()
	reg, seen := s.byFiling[m.SenderMessageID]
	if !seen && m.Chargesheet.CNR != "" && !s.hasCase(m.Chargesheet.CNR) {
		s.mu.Unlock()
		return s.invalid(fmt.Errorf("CNR %s names no case of this court: a supplementary "+
			"report names the CNR of its original report's case", m.Chargesheet.CNR))
	}
	if !seen {
		reg = s.assign(m)
	}
	snapshot := *reg
	s.mu.Unlock()

	if seen {
		s.log.Info("filing already registered", "message_id", m.SenderMessageID, "cnr", snapshot.CNR)
	} else {
		s.startCallback(m, snapshot)
	}
	receipt := Receipt{FilingID: snapshot.FilingID, CNR: snapshot.CNR,
		FilingNumber: snapshot.FilingNumber, NextHearing: snapshot.NextHearing}
	out, _ := json.Marshal(receipt)
	return response{status: http.StatusOK, body: append(out, '\n'), header: "application/json"}
}

// invalid builds the 400 response, with the reason, to a filing that
// cannot be registered.
func (s *Server) invalid(err error) response {
	s.log.Info("invalid filing", "error", err)
	p := problem.New(problem.Malformed, err.Error())
	if vs := schemas.Violations(err); vs != nil {
		p = problem.New(problem.Invalid, err.Error())
		p.Errors = vs
	}
	body, _ := json.Marshal(p)
	return response{status: p.Status, body: append(body, '\n'), header: "application/problem+json"}
}

// assign gives a filing the next CNR of its establishment and year and
// records its registration. The caller holds s.mu.
func (s *Server) assign(m canonical.Message) *Registration {
	now := s.cfg.Now().In(ist)
	cs := m.Chargesheet
	counter := cs.Court.Code + "/" + strconv.Itoa(now.Year())
	// NOTE: a serial past maxSerial gives a CNR of more than 16
	// characters, but a mock court never files that many cases a year.
	s.serials[counter]++
	serial := s.serials[counter]

	cnr := fmt.Sprintf("%s%06d%04d", cs.Court.Code, serial, now.Year())
	reason, callbackID := "Registered as a new case", "CB-"+cnr
	joins := cs.CNR
	if joins == "" && cs.Supplementary > 0 {
		// Filed before the hub learnt the case's CNR: the court finds
		// the case by the FIR that the filing tracks.
		joins = s.caseOf(cs.Court.Code, m.CaseKey)
	}
	if joins != "" {
		// A supplementary report joins the case of its original.
		cnr = joins
		reason = fmt.Sprintf("Supplementary report %d filed in case %s", cs.Supplementary, cnr)
		// A report refiled after a rejection keeps its supplementary
		// number. The callback id also counts the case's supplementary
		// callbacks, because the hub rejects a reused id with other
		// content.
		callbacks := callbackCounter(cnr)
		s.serials[callbacks]++
		callbackID = fmt.Sprintf("CB-%s-S%d-%d", cnr, cs.Supplementary, s.serials[callbacks])
	}
	if err := s.saveSerials(); err != nil {
		s.log.Error("saving court serials; a restarted court may reuse a CNR or callback id",
			"message_id", m.SenderMessageID, "error", err)
	}
	reg := &Registration{
		CNR: cnr, FilingID: m.SenderMessageID, CourtCode: cs.Court.Code, Reason: reason,
		FilingNumber: fmt.Sprintf("FN/%06d/%d", serial, now.Year()),
		CaseKey:      m.CaseKey,
		FiledOn:      now.Format(time.DateOnly),
		NextHearing:  now.AddDate(0, 0, s.cfg.NextHearingDays).Format(time.DateOnly),
		CallbackID:   callbackID,
		Callback:     CallbackPending,
	}
	s.byFiling[m.SenderMessageID] = reg
	s.registrations = append(s.registrations, reg)
	s.log.Info("filing registered", "message_id", m.SenderMessageID, "case_id", m.CaseKey, "cnr", cnr)
	return reg
}

// callbackCounter returns the key, in the serials, of the number of
// supplementary callbacks that the case cnr has had.
func callbackCounter(cnr string) string {
	return "callbacks/" + cnr
}

// hasCase reports whether the court registered a case with cnr. The
// caller holds s.mu.
func (s *Server) hasCase(cnr string) bool {
	for _, reg := range s.registrations {
		if reg.CNR == cnr {
			return true
		}
	}
	return false
}

// caseOf returns the CNR of the first case that court registered for
// the tracked case key, or "". The caller holds s.mu.
func (s *Server) caseOf(court, caseKey string) string {
	for _, reg := range s.registrations {
		if reg.CourtCode == court && reg.CaseKey == caseKey && caseKey != "" {
			return reg.CNR
		}
	}
	return ""
}

// screen applies RejectWhen's rule to the filing's body. It answers and
// returns false for a rejected filing, and otherwise puts the body back
// for the handler to read.
func (s *Server) screen(w http.ResponseWriter, r *http.Request) bool {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxScreened))
	if err != nil {
		problem.Write(w, problem.New(problem.BadRequest, "reading filing: "+err.Error()))
		return false
	}
	if status := s.rejection(body); status != 0 {
		s.log.Info("rejecting filing as configured", "status", status)
		problem.Write(w, problem.Problem{Type: "about:blank", Title: http.StatusText(status),
			Status: status, Detail: "the mock court rejects this filing as configured",
			Retryable: false})
		return false
	}
	r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), r.Body))
	return true
}

// maxScreened is how much of a filing RejectWhen's rule sees, in bytes.
const maxScreened = 8 << 20
