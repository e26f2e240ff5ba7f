package court

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/adapters/courts"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/mocks/inbox"
)

// hubRequest is a callback the fake hub received.
type hubRequest struct {
	path, contentType, key string
	body                   []byte
}

// fakeHub records callbacks and responds to them with the queued
// statuses, then with 202. A 409 has problem details whose retryable
// member is conflictRetryable.
type fakeHub struct {
	srv               *httptest.Server
	got               chan hubRequest
	mu                sync.Mutex // guards the fields below
	statuses          []int
	requests          []hubRequest
	conflictRetryable bool
}

func newHub(t *testing.T, statuses ...int) *fakeHub {
	h := &fakeHub{got: make(chan hubRequest, 100), statuses: statuses}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req := hubRequest{r.URL.Path, r.Header.Get("Content-Type"), r.Header.Get("Idempotency-Key"), body}
		h.mu.Lock()
		h.requests = append(h.requests, req)
		status := http.StatusAccepted
		if len(h.statuses) > 0 {
			status, h.statuses = h.statuses[0], h.statuses[1:]
		}
		retryable := h.conflictRetryable
		h.mu.Unlock()
		h.got <- req
		if status == http.StatusConflict {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(status)
			_, _ = fmt.Fprintf(w, `{"status": 409, "retryable": %t}`, retryable)
			return
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *fakeHub) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.requests)
}

// next returns the next callback, failing the test when none comes
// within a generous bound.
func (h *fakeHub) next(t *testing.T) hubRequest {
	t.Helper()
	select {
	case r := <-h.got:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("no callback reached the hub")
		return hubRequest{}
	}
}

var filingTime = time.Date(2024, 9, 2, 10, 0, 0, 0, ist)

var quiet = slog.New(slog.DiscardHandler)

func newCourt(t *testing.T, hub *fakeHub) *Server {
	t.Helper()
	return newCourtWith(t, Config{
		HubURL: hub.srv.URL, Now: func() time.Time { return filingTime },
		RetryBase: time.Millisecond, RetryMax: 4 * time.Millisecond,
	})
}

func newCourtWith(t *testing.T, cfg Config) *Server {
	t.Helper()
	cfg.Logger = quiet
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// settled waits until no callback is pending and returns the
// registrations, failing the test when that takes unreasonably long.
func settled(t *testing.T, s *Server) []Registration {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		regs := s.Registrations()
		pending := false
		for _, r := range regs {
			pending = pending || r.Callback == CallbackPending
		}
		if !pending {
			return regs
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatal("callbacks still pending")
	return nil
}

var testFIR = canonical.FIRRef{State: "KL", District: "EKM", PoliceStation: "1234", Year: 2024, Number: 123}

func filingBody(t *testing.T, id, court string) []byte {
	t.Helper()
	fir := testFIR
	m := canonical.Message{
		ID: id, Type: canonical.TypeChargesheet, CaseKey: fir.Key(),
		OccurredAt: filingTime, SchemaVersion: canonical.SchemaVersion,
		Chargesheet: &canonical.Chargesheet{
			FIR: &fir, Title: "State of Kerala v. Rajan", Kind: canonical.FinalChargesheet,
			Court: canonical.Court{Code: court, Name: "JFCM Court I, Ernakulam"},
			Accused: []canonical.Accused{{
				Person:  canonical.Person{Names: []canonical.Name{{Full: "Rajan"}}},
				Charged: true,
			}},
			Charges: []canonical.Charge{{Sequence: 1, Act: canonical.ActBNS, Section: "103(1)"}},
		},
	}
	enc, err := (&courts.Adapter{}).Encode(&m)
	if err != nil {
		t.Fatal(err)
	}
	return enc.Body
}

func post(t *testing.T, s *Server, key string, body []byte) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/ecf", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/xml")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec
}

func receipt(t *testing.T, rec *httptest.ResponseRecorder) Receipt {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200; body %s", rec.Code, rec.Body)
	}
	var r Receipt
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		t.Fatalf("decoding receipt: %v", err)
	}
	return r
}

func TestFilingGetsCNRAndCallback(t *testing.T) {
	hub := newHub(t)
	s := newCourt(t, hub)

	r := receipt(t, post(t, s, "delivery-1", filingBody(t, "msg-1", "KLER01")))
	if r.CNR != "KLER010000012024" {
		t.Errorf("CNR = %q, want KLER010000012024", r.CNR)
	}
	if _, err := canonical.ParseCNR(r.CNR); err != nil {
		t.Errorf("CNR does not parse: %v", err)
	}
	if r.FilingID != "msg-1" {
		t.Errorf("FilingID = %q, want msg-1", r.FilingID)
	}

	cb := hub.next(t)
	if cb.path != CallbackPath {
		t.Errorf("callback path = %q, want %q", cb.path, CallbackPath)
	}
	if cb.contentType != "application/xml" {
		t.Errorf("callback content type = %q, want application/xml", cb.contentType)
	}
	if cb.key == "" {
		t.Error("callback has no Idempotency-Key")
	}
	d, err := (&courts.Adapter{}).Decode(cb.body, cb.contentType)
	if err != nil {
		t.Fatalf("decoding callback: %v", err)
	}
	m := d.Messages[0]
	reg := m.CourtRegistration
	if reg.CNR != r.CNR {
		t.Errorf("callback CNR = %q, want %q", reg.CNR, r.CNR)
	}
	if m.CorrelationID != "msg-1" {
		t.Errorf("callback CorrelationID = %q, want the filing id msg-1", m.CorrelationID)
	}
	if m.CaseKey != testFIR.Key() {
		t.Errorf("callback CaseKey = %q, want the FIR key %q", m.CaseKey, testFIR.Key())
	}
	if reg.FiledOn != "2024-09-02" {
		t.Errorf("FiledOn = %q, want 2024-09-02", reg.FiledOn)
	}
	if reg.NextHearing != "2024-10-02" {
		t.Errorf("NextHearing = %q, want 30 days on, 2024-10-02", reg.NextHearing)
	}
	if reg.Court.Code != "KLER01" {
		t.Errorf("Court.Code = %q, want KLER01", reg.Court.Code)
	}
}

func TestRepeatKeyGetsSameResponse(t *testing.T) {
	hub := newHub(t)
	s := newCourt(t, hub)
	body := filingBody(t, "msg-1", "KLER01")

	first := post(t, s, "delivery-1", body)
	hub.next(t)
	second := post(t, s, "delivery-1", body)
	settled(t, s)

	if second.Code != first.Code || second.Body.String() != first.Body.String() {
		t.Errorf("repeat response = %d %s, want %d %s", second.Code, second.Body, first.Code, first.Body)
	}
	if n := len(s.Registrations()); n != 1 {
		t.Errorf("got %d registrations, want 1", n)
	}
	if n := hub.count(); n != 1 {
		t.Errorf("hub got %d callbacks, want 1", n)
	}
	items := s.Received()
	if len(items) != 1 || items[0].Repeats != 1 {
		t.Errorf("received = %+v, want one item repeated once", items)
	}
}

func TestSameFilingNewKeyGetsSameCNR(t *testing.T) {
	hub := newHub(t)
	s := newCourt(t, hub)
	body := filingBody(t, "msg-1", "KLER01")

	first := receipt(t, post(t, s, "delivery-1", body))
	hub.next(t)
	second := receipt(t, post(t, s, "replay-1", body))
	settled(t, s)

	if second != first {
		t.Errorf("second receipt = %+v, want %+v", second, first)
	}
	if n := len(s.Registrations()); n != 1 {
		t.Errorf("got %d registrations, want 1", n)
	}
	if n := hub.count(); n != 1 {
		t.Errorf("hub got %d callbacks, want 1", n)
	}
}

func TestNextFilingGetsNextSerial(t *testing.T) {
	hub := newHub(t)
	s := newCourt(t, hub)
	receipt(t, post(t, s, "delivery-1", filingBody(t, "msg-1", "KLER01")))
	r := receipt(t, post(t, s, "delivery-2", filingBody(t, "msg-2", "KLER01")))
	other := receipt(t, post(t, s, "delivery-3", filingBody(t, "msg-3", "KLTV02")))

	if r.CNR != "KLER010000022024" {
		t.Errorf("second CNR = %q, want KLER010000022024", r.CNR)
	}
	if other.CNR != "KLTV020000012024" {
		t.Errorf("CNR in another establishment = %q, want KLTV020000012024", other.CNR)
	}
}

func TestInvalidFilingGets400(t *testing.T) {
	cases := map[string][]byte{
		"not ECF":             []byte(`<a xmlns="urn:example"/>`),
		"not XML":             []byte(`{"chargesheet":{}}`),
		"non e-Courts court":  filingBody(t, "msg-1", "1"),
		"callback not filing": mustCallback(t),
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			hub := newHub(t)
			s := newCourt(t, hub)
			rec := post(t, s, "delivery-1", body)
			settled(t, s)

			if rec.Code != http.StatusBadRequest {
				t.Fatalf("status = %d, want 400", rec.Code)
			}
			var p struct{ Detail string }
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Detail == "" {
				t.Errorf("body %s gives no reason", rec.Body)
			}
			if n := len(s.Registrations()); n != 0 {
				t.Errorf("got %d registrations, want 0", n)
			}
			if n := hub.count(); n != 0 {
				t.Errorf("hub got %d callbacks, want 0", n)
			}
		})
	}
}

func mustCallback(t *testing.T) []byte {
	t.Helper()
	m := canonical.Message{
		Type: canonical.TypeCourtRegistration, SenderMessageID: "cb-1", OccurredAt: filingTime,
		CourtRegistration: &canonical.CourtRegistration{CNR: "KLER010000012024",
			Court: canonical.Court{Code: "KLER01"}, Status: canonical.FilingAccepted},
	}
	body, err := courts.EncodeCallback(&m)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

func TestMissingIdempotencyKeyGets400(t *testing.T) {
	s := newCourt(t, newHub(t))
	rec := post(t, s, "", filingBody(t, "msg-1", "KLER01"))
	if rec.Code != http.StatusBadRequest {
		t.Errorf("status = %d, want 400", rec.Code)
	}
	if n := len(s.Received()); n != 0 {
		t.Errorf("received %d filings, want 0", n)
	}
}

func TestCallbackRetriedAfter503(t *testing.T) {
	hub := newHub(t, http.StatusServiceUnavailable, http.StatusServiceUnavailable)
	s := newCourt(t, hub)
	receipt(t, post(t, s, "delivery-1", filingBody(t, "msg-1", "KLER01")))

	first, second, third := hub.next(t), hub.next(t), hub.next(t)
	reg := settled(t, s)[0]

	if !bytes.Equal(first.body, second.body) || !bytes.Equal(first.body, third.body) {
		t.Error("retries sent a different body")
	}
	if first.key != third.key {
		t.Errorf("retry Idempotency-Key = %q, want %q", third.key, first.key)
	}
	if reg.Callback != CallbackDelivered {
		t.Errorf("callback state = %q, want delivered", reg.Callback)
	}
	if reg.Attempts != 3 {
		t.Errorf("attempts = %d, want 3", reg.Attempts)
	}
}

// TestCallbackOutcomeByStatus checks how many times the court posts a
// callback that the hub rejects, and the state it records. A 409 is sent
// again only when the hub marks it retryable.
func TestCallbackOutcomeByStatus(t *testing.T) {
	for _, c := range []struct {
		name      string
		statuses  []int
		retryable bool
		posts     int
		want      string
	}{
		{"422 not retried", []int{http.StatusUnprocessableEntity}, false, 1, CallbackRejected},
		{"409 not retried", []int{http.StatusConflict}, false, 1, CallbackRejected},
		{"retryable 409 retried", []int{http.StatusConflict, http.StatusConflict}, true, 3, CallbackDelivered},
	} {
		t.Run(c.name, func(t *testing.T) {
			hub := newHub(t, c.statuses...)
			hub.conflictRetryable = c.retryable
			s := newCourt(t, hub)
			receipt(t, post(t, s, "delivery-1", filingBody(t, "msg-1", "KLER01")))
			reg := settled(t, s)[0]

			if n := hub.count(); n != c.posts {
				t.Errorf("hub got %d posts, want %d", n, c.posts)
			}
			if reg.Callback != c.want {
				t.Errorf("callback state = %q, want %q", reg.Callback, c.want)
			}
		})
	}
}

// TestRetryableConflictLoggedAsInfo checks that the race with the hub's
// record of a filing's delivery, which every demo run meets, is not
// logged as a failure.
func TestRetryableConflictLoggedAsInfo(t *testing.T) {
	hub := newHub(t, http.StatusConflict)
	hub.conflictRetryable = true
	var logs bytes.Buffer
	var mu sync.Mutex
	cfg := Config{HubURL: hub.srv.URL, RetryBase: time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(&lockedWriter{&mu, &logs}, nil))}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	receipt(t, post(t, s, "delivery-1", filingBody(t, "msg-1", "KLER01")))
	settled(t, s)

	mu.Lock()
	out := logs.String()
	mu.Unlock()
	if strings.Contains(out, "level=WARN") || strings.Contains(out, "level=ERROR") {
		t.Errorf("log of a retried 409 has a warning or error:\n%s", out)
	}
	if !strings.Contains(out, "has not recorded the filing's delivery yet") {
		t.Errorf("log does not say why the callback is sent again:\n%s", out)
	}
}

// lockedWriter writes to w under mu.
type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestCallbackAbandonedAfterMaxAttempts(t *testing.T) {
	hub := newHub(t, 500, 500, 500, 500)
	s := newCourtWith(t, Config{HubURL: hub.srv.URL, MaxAttempts: 3, RetryBase: time.Millisecond})
	receipt(t, post(t, s, "delivery-1", filingBody(t, "msg-1", "KLER01")))
	reg := settled(t, s)[0]

	if n := hub.count(); n != 3 {
		t.Errorf("hub got %d posts, want 3", n)
	}
	if reg.Attempts != 3 {
		t.Errorf("attempts = %d, want 3", reg.Attempts)
	}
	if got := reg.Callback; got != CallbackAbandoned {
		t.Errorf("callback state = %q, want abandoned", got)
	}
}

func TestCloseStopsRetries(t *testing.T) {
	statuses := make([]int, 1000)
	for i := range statuses {
		statuses[i] = http.StatusServiceUnavailable
	}
	hub := newHub(t, statuses...)
	s := newCourtWith(t, Config{HubURL: hub.srv.URL, MaxAttempts: 1000, RetryBase: time.Hour})
	receipt(t, post(t, s, "delivery-1", filingBody(t, "msg-1", "KLER01")))
	hub.next(t)
	s.Close()

	if got := s.Registrations()[0].Callback; got != CallbackAbandoned {
		t.Errorf("callback state = %q, want abandoned", got)
	}
	rec := post(t, s, "delivery-2", filingBody(t, "msg-2", "KLER01"))
	if rec.Code != http.StatusOK {
		t.Fatalf("filing after Close: status %d", rec.Code)
	}
	if got := s.Registrations()[1].Callback; got != CallbackAbandoned {
		t.Errorf("callback after Close: state = %q, want abandoned", got)
	}
}

func TestFailNext(t *testing.T) {
	s := newCourt(t, newHub(t))
	s.FailNext(2, http.StatusServiceUnavailable)
	body := filingBody(t, "msg-1", "KLER01")

	for i := range 2 {
		if rec := post(t, s, "delivery-1", body); rec.Code != http.StatusServiceUnavailable {
			t.Errorf("request %d: status = %d, want 503", i+1, rec.Code)
		}
	}
	if n := len(s.Received()); n != 0 {
		t.Errorf("failed requests were recorded: %d", n)
	}
	receipt(t, post(t, s, "delivery-1", body))
}

func TestListEndpoints(t *testing.T) {
	s := newCourt(t, newHub(t))
	r := receipt(t, post(t, s, "delivery-1", filingBody(t, "msg-1", "KLER01")))

	var regs []Registration
	getJSON(t, s, "/registrations", &regs)
	if len(regs) != 1 || regs[0].CNR != r.CNR || regs[0].FilingID != "msg-1" {
		t.Errorf("GET /registrations = %+v, want the CNR %s for msg-1", regs, r.CNR)
	}
	var items []inbox.Item
	getJSON(t, s, "/received", &items)
	if len(items) != 1 || items[0].Key != "delivery-1" {
		t.Errorf("GET /received = %+v, want one filing with key delivery-1", items)
	}
}

func getJSON(t *testing.T, s *Server, path string, v any) {
	t.Helper()
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: status %d", path, rec.Code)
	}
	if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

func TestConfigValidate(t *testing.T) {
	for _, c := range []Config{
		{},
		{HubURL: "127.0.0.1:8080"},
		{HubURL: "ftp://127.0.0.1"},
		{HubURL: "http://127.0.0.1", NextHearingDays: -1},
	} {
		c.Logger = quiet
		if _, err := New(c); err == nil {
			t.Errorf("New(%+v) accepted an invalid config", c)
		}
	}
}

// supplementaryBody is filingBody as supplementary report n of the case
// cnr.
func supplementaryBody(t *testing.T, id, court, cnr string, n int) []byte {
	t.Helper()
	d, err := (&courts.Adapter{}).Decode(filingBody(t, id, court), "application/xml")
	if err != nil {
		t.Fatal(err)
	}
	m := d.Messages[0]
	m.ID = id
	m.Chargesheet.Supplementary, m.Chargesheet.CNR = n, cnr
	enc, err := (&courts.Adapter{}).Encode(&m)
	if err != nil {
		t.Fatal(err)
	}
	return enc.Body
}

func TestSupplementaryJoinsItsCase(t *testing.T) {
	hub := newHub(t)
	s := newCourt(t, hub)
	original := receipt(t, post(t, s, "delivery-1", filingBody(t, "msg-1", "KLER01")))
	hub.next(t)

	r := receipt(t, post(t, s, "delivery-2", supplementaryBody(t, "msg-2", "KLER01", original.CNR, 1)))
	if r.CNR != original.CNR {
		t.Errorf("supplementary report's CNR = %q, want its case's %q", r.CNR, original.CNR)
	}
	d, err := (&courts.Adapter{}).Decode(hub.next(t).body, "application/xml")
	if err != nil {
		t.Fatalf("decoding callback: %v", err)
	}
	reg := d.Messages[0].CourtRegistration
	if reg.CNR != original.CNR || !strings.Contains(reg.Reason, "Supplementary report 1 filed in case") {
		t.Errorf("callback CNR %q, reason %q; want %q and the supplementary report filed in it",
			reg.CNR, reg.Reason, original.CNR)
	}

	rec := post(t, s, "delivery-3", supplementaryBody(t, "msg-3", "KLER01", "KLER010000992024", 2))
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "names no case") {
		t.Errorf("a supplementary report of an unknown case: status %d, body %s; want 400", rec.Code, rec.Body)
	}
}

// TestSupplementaryWithoutCNRJoinsByFIR files a supplementary report
// that names no CNR, as one sent before the hub learnt it: the court
// finds the case by the FIR it tracks.
func TestSupplementaryWithoutCNRJoinsByFIR(t *testing.T) {
	hub := newHub(t)
	s := newCourt(t, hub)
	original := receipt(t, post(t, s, "delivery-1", filingBody(t, "msg-1", "KLER01")))
	r := receipt(t, post(t, s, "delivery-2", supplementaryBody(t, "msg-2", "KLER01", "", 1)))
	if r.CNR != original.CNR {
		t.Errorf("supplementary report's CNR = %q, want its case's %q", r.CNR, original.CNR)
	}
	// At another court the FIR has no case yet.
	other := receipt(t, post(t, s, "delivery-3", supplementaryBody(t, "msg-3", "KLER02", "", 2)))
	if other.CNR == original.CNR {
		t.Errorf("a supplementary report to KLER02 joined KLER01's case %s", other.CNR)
	}
}

// TestRestartedCourtKeepsSerials starts a court twice on one serial file,
// as make run does on an earlier run's data: the second court's first
// case gets the next CNR, not the one the first court gave.
func TestRestartedCourtKeepsSerials(t *testing.T) {
	hub := newHub(t)
	cfg := Config{
		HubURL: hub.srv.URL, Now: func() time.Time { return filingTime },
		SerialFile: filepath.Join(t.TempDir(), "serials.json"),
	}
	first := newCourtWith(t, cfg)
	before := receipt(t, post(t, first, "delivery-1", filingBody(t, "msg-1", "KLER01")))
	settled(t, first)
	first.Close()

	second := newCourtWith(t, cfg)
	after := receipt(t, post(t, second, "delivery-2", filingBody(t, "msg-2", "KLER01")))
	settled(t, second)

	if before.CNR != "KLER010000012024" {
		t.Errorf("first run's CNR = %q, want KLER010000012024", before.CNR)
	}
	if after.CNR != "KLER010000022024" {
		t.Errorf("second run's CNR = %q, want KLER010000022024", after.CNR)
	}
}

func TestCorruptSerialFileRejected(t *testing.T) {
	path := filepath.Join(t.TempDir(), "serials.json")
	if err := os.WriteFile(path, []byte("not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := New(Config{HubURL: "http://127.0.0.1:1", SerialFile: path, Logger: quiet})
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("New on a corrupt serial file: error %v, want one naming %s", err, path)
	}
}

func TestInvalidSerialRejected(t *testing.T) {
	for _, serial := range []string{"-3", "1000000"} {
		path := filepath.Join(t.TempDir(), "serials.json")
		body := []byte(`{"KLER01/2024": ` + serial + `}`)
		if err := os.WriteFile(path, body, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := New(Config{HubURL: "http://127.0.0.1:1", SerialFile: path, Logger: quiet})
		if err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("New on serial %s: error %v, want one naming %s", serial, err, path)
		}
	}
}

// TestRefiledSupplementaryNewCallbackID refiles supplementary report 1
// under new filing ids, as a station does after a rejection: each
// callback gets an id of its own, which the hub accepts.
func TestRefiledSupplementaryNewCallbackID(t *testing.T) {
	hub := newHub(t)
	s := newCourt(t, hub)
	original := receipt(t, post(t, s, "delivery-1", filingBody(t, "msg-1", "KLER01")))
	post(t, s, "delivery-2", supplementaryBody(t, "msg-2", "KLER01", original.CNR, 1))
	post(t, s, "delivery-3", supplementaryBody(t, "msg-3", "KLER01", original.CNR, 1))
	post(t, s, "delivery-4", supplementaryBody(t, "msg-4", "KLER01", "", 1))
	regs := settled(t, s)
	if len(regs) != 4 {
		t.Fatalf("%d registrations, want 4", len(regs))
	}

	seen := map[string]string{}
	for _, reg := range regs {
		if reg.Callback != CallbackDelivered {
			t.Errorf("callback of filing %s is %s, want %s", reg.FilingID, reg.Callback, CallbackDelivered)
		}
		if other, ok := seen[reg.CallbackID]; ok {
			t.Errorf("filings %s and %s share callback id %s", other, reg.FilingID, reg.CallbackID)
		}
		seen[reg.CallbackID] = reg.FilingID
	}
}
