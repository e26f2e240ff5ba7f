package courtfiling_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/courtfiling"
	"github.com/sangam-hub/sangam/internal/firclaim"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/ingest/ingesttest"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/schemas"
)

// testRoutes sends final reports to the court and registrations to the
// station, as the default routes do.
const testRoutes = `
version: courtfiling-test
destinations:
  - {name: court, agency: courts, concurrency: 1, url: "http://127.0.0.1:9/ecf"}
  - {name: station, agency: police, concurrency: 1, url: "http://127.0.0.1:9/notifications"}
routes:
  - name: final-report-to-court
    when: message.type == "chargesheet"
    to: [court]
  - name: court-registration-to-police
    when: message.type == "court_registration"
    to: [station]
`

// newService returns an ingest service over a SQLite journal in a
// temporary folder, with the shipped adapters and the package's checks.
func newService(t *testing.T) *ingest.Service {
	t.Helper()
	s, _ := newServiceAndStore(t)
	return s
}

// newServiceAndStore returns newService's service and its journal.
func newServiceAndStore(t *testing.T) (*ingest.Service, journal.Store) {
	t.Helper()
	s, store := ingesttest.Service(t, testRoutes)
	reports := &courtfiling.FinalReports{Journal: store}
	callbacks := &courtfiling.Callbacks{Journal: store, Agencies: routeAgencies(s)}
	s.Enrichers = []ingest.Enricher{callbacks, reports}
	s.Claimers = []ingest.Claimer{reports}
	s.Guards = []ingest.Guard{callbacks}
	return s, store
}

// routeAgencies returns the agency of a destination of s's routes,
// whatever routes version is asked for.
func routeAgencies(s *ingest.Service) courtfiling.AgencyLookup {
	return func(_ context.Context, _, destination string) (string, error) {
		for _, d := range s.Routes().Config().Destinations {
			if d.Name == destination {
				return d.Agency, nil
			}
		}
		return "", nil
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// finalReport is a police station's original final report on FIR
// KL/EKM/EKM0412/2025/1187, with its message id set to id.
func finalReport(t *testing.T, id string) []byte {
	t.Helper()
	body := readFile(t, "../../adapters/police/testdata/final_report_bns.json")
	return replace(t, body, `"EKM0412-FR-2025-000089"`, `"`+id+`"`)
}

// replace returns body with the first old replaced by new, failing t
// when body lacks old.
func replace(t *testing.T, body []byte, old, new string) []byte {
	t.Helper()
	if !bytes.Contains(body, []byte(old)) {
		t.Fatalf("body lacks %q", old)
	}
	return bytes.Replace(body, []byte(old), []byte(new), 1)
}

// reportFIR is the FIR key of finalReport.
const reportFIR = "FIR/KL/EKM/EKM0412/2025/1187"

// callbackCNR is the CNR that callback gives, a case of court KLER10.
const callbackCNR = "KLER100001232024"

// filingIDOfCallback is the filing id that kochi_callback.xml quotes.
const filingIDOfCallback = "01J6ZK8Q5V3S7T9X1Y4B6N8M0A"

// callback is kochi_callback.xml with its id set to id, quoting filing
// id filing and naming the FIR key fir in its lineage case.
func callback(t *testing.T, id, filing, fir string) []byte {
	t.Helper()
	body := readFile(t, "../../adapters/courts/testdata/kochi_callback.xml")
	body = replace(t, body, "KLER01-CB-000123", id)
	body = replace(t, body, filingIDOfCallback, filing)
	// The court files after the final report's date, 2025-12-01, sets a
	// hearing after that, and is the court the report was filed with,
	// KLER10.
	body = replace(t, body, "<nc:Date>2024-09-03</nc:Date>", "<nc:Date>2025-12-03</nc:Date>")
	body = replace(t, body, "<nc:Date>2024-10-01</nc:Date>", "<nc:Date>2026-01-05</nc:Date>")
	body = replace(t, body, "<nc:OrganizationIdentification>\n          <nc:IdentificationID>KLER01<",
		"<nc:OrganizationIdentification>\n          <nc:IdentificationID>KLER10<")
	body = replace(t, body, ">KLER010001232024<", ">"+callbackCNR+"<")
	return replace(t, body, "FIR/KL/EKM/1234/2024/123", fir)
}

// fileReport accepts a police station's final report and records its
// delivery to the court as done, as the hub does once the court received
// it, so that the court's callbacks for it are taken.
func fileReport(t *testing.T, s *ingest.Service, body []byte) ingest.Result {
	t.Helper()
	r := accept(t, s, "police", body)
	markDelivered(t, s.Store, r.MessageID, "court")
	return r
}

// markDelivered records one successful attempt of each pending delivery
// of message id to destination, and fails t when there is none.
func markDelivered(t *testing.T, store journal.Store, id, destination string) {
	t.Helper()
	ctx := context.Background()
	j, err := store.Journey(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	marked := 0
	for _, d := range j.Deliveries {
		if d.Destination != destination || d.Status != journal.StatusPending {
			continue
		}
		now := time.Now()
		err := store.RecordAttempt(ctx, journal.Attempt{DeliveryID: d.ID, StartedAt: now,
			FinishedAt: now, StatusCode: 200, Result: journal.StatusDelivered})
		if err != nil {
			t.Fatalf("recording the delivery of %s to %s: %v", id, destination, err)
		}
		marked++
	}
	if marked == 0 {
		t.Fatalf("message %s has no pending delivery to %s", id, destination)
	}
}

func accept(t *testing.T, s *ingest.Service, agency string, body []byte) ingest.Result {
	t.Helper()
	results, err := s.Accept(context.Background(), agency, body, "")
	if err != nil {
		t.Fatalf("Accept: %v", err)
	}
	return results[0]
}

func journaled(t *testing.T, s *ingest.Service, q journal.Query) []journal.Summary {
	t.Helper()
	found, err := s.Store.Find(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return found
}

func hasViolation(vs []schemas.Violation, pointer, rule string) bool {
	for _, v := range vs {
		if v.Pointer == pointer && v.Rule == rule {
			return true
		}
	}
	return false
}

func TestSecondOriginalReportRejected(t *testing.T) {
	s := newService(t)
	first := fileReport(t, s, finalReport(t, "EKM0412-FR-1"))

	_, err := s.Accept(context.Background(), "police", finalReport(t, "EKM0412-FR-2"), "")
	var conflict *ingest.ConflictError
	if !errors.As(err, &conflict) {
		t.Fatalf("Accept error = %v, want an *ingest.ConflictError", err)
	}
	if !hasViolation(conflict.Invalid.Violations, "/fir", courtfiling.RuleOriginalReportExists) {
		t.Errorf("violations = %v, want %s at the document's /fir", conflict.Invalid.Violations,
			courtfiling.RuleOriginalReportExists)
	}
	if !bytes.Contains([]byte(err.Error()), []byte(first.MessageID)) {
		t.Errorf("error %q does not name the original report %s", err, first.MessageID)
	}
	if !strings.Contains(err.Error(), "the next supplementary number, 1") {
		t.Errorf("error %q does not give the next supplementary number, 1", err)
	}
	if got := journaled(t, s, journal.Query{CaseKey: reportFIR}); len(got) != 1 {
		t.Errorf("journal holds %d messages of the FIR, want the first report only", len(got))
	}
}

// TestConcurrentOriginalReports posts originals for one FIR at once,
// each with its own message id: one is journaled and the others get 409.
func TestConcurrentOriginalReports(t *testing.T) {
	s := newService(t)
	const reports = 8
	results := make([][]ingest.Result, reports)
	errs := make([]error, reports)
	var wg sync.WaitGroup
	for i := range reports {
		wg.Go(func() {
			body := finalReport(t, fmt.Sprintf("EKM0412-FR-%d", i))
			results[i], errs[i] = s.Accept(context.Background(), "police", body, "")
		})
	}
	wg.Wait()

	var accepted []string
	for i, err := range errs {
		var conflict *ingest.ConflictError
		switch {
		case err == nil:
			accepted = append(accepted, results[i][0].MessageID)
		case !errors.As(err, &conflict):
			t.Errorf("report %d: error = %v, want an *ingest.ConflictError", i, err)
		}
	}
	if len(accepted) != 1 {
		t.Fatalf("%d of %d originals accepted, want 1", len(accepted), reports)
	}
	for i, err := range errs {
		if err != nil && !strings.Contains(err.Error(), accepted[0]) {
			t.Errorf("report %d: error %q does not name the original %s", i, err, accepted[0])
		}
	}
	if got := journaled(t, s, journal.Query{CaseKey: reportFIR}); len(got) != 1 {
		t.Errorf("journal holds %d reports of the FIR, want 1", len(got))
	}
}

// TestPrepareReportsConflict checks what an explanation of a body
// returns: the conflict with the journaled original, and none for its
// resend.
func TestPrepareReportsConflict(t *testing.T) {
	s := newService(t)
	accept(t, s, "police", finalReport(t, "EKM0412-FR-1"))

	_, err := s.Prepare(context.Background(), "police", finalReport(t, "EKM0412-FR-2"), "")
	var conflict *ingest.ConflictError
	if !errors.As(err, &conflict) {
		t.Fatalf("Prepare(second original) error = %v, want an *ingest.ConflictError", err)
	}
	if !hasViolation(conflict.Invalid.Violations, "/fir", courtfiling.RuleOriginalReportExists) {
		t.Errorf("violations = %v, want %s at /fir", conflict.Invalid.Violations,
			courtfiling.RuleOriginalReportExists)
	}
	if _, err := s.Prepare(context.Background(), "police", finalReport(t, "EKM0412-FR-1"), ""); err != nil {
		t.Errorf("Prepare(resend of the original): %v", err)
	}
	changed := replace(t, finalReport(t, "EKM0412-FR-1"), `"report_number": "FR 89/2025"`,
		`"report_number": "FR 90/2025"`)
	var reused *journal.ConflictError
	if _, err := s.Prepare(context.Background(), "police", changed, ""); !errors.As(err, &reused) {
		t.Errorf("Prepare(original's id with other content) error = %v, want a *journal.ConflictError", err)
	}
	if got := journaled(t, s, journal.Query{CaseKey: reportFIR}); len(got) != 1 {
		t.Errorf("journal holds %d reports of the FIR, want 1", len(got))
	}
}

func TestSupplementaryReportAccepted(t *testing.T) {
	s := newService(t)
	accept(t, s, "police", finalReport(t, "EKM0412-FR-1"))
	supplementary := replace(t, finalReport(t, "EKM0412-FR-2"),
		`"report_type": "original"`, `"report_type": "supplementary", "supplementary_number": 1`)
	if r := accept(t, s, "police", supplementary); r.Duplicate {
		t.Error("supplementary report taken as a duplicate")
	}
	if got := journaled(t, s, journal.Query{CaseKey: reportFIR}); len(got) != 2 {
		t.Errorf("journal holds %d reports of the FIR, want 2", len(got))
	}
}

func TestRepeatedSupplementaryNumberRejected(t *testing.T) {
	s := newService(t)
	accept(t, s, "police", finalReport(t, "EKM0412-FR-1"))
	supplementary := func(id string, number int) []byte {
		return replace(t, finalReport(t, id), `"report_type": "original"`,
			fmt.Sprintf(`"report_type": "supplementary", "supplementary_number": %d`, number))
	}
	first := accept(t, s, "police", supplementary("EKM0412-FR-2", 1))

	_, err := s.Accept(context.Background(), "police", supplementary("EKM0412-FR-3", 1), "")
	var conflict *ingest.ConflictError
	if !errors.As(err, &conflict) {
		t.Fatalf("Accept error = %v, want an *ingest.ConflictError", err)
	}
	if !hasViolation(conflict.Invalid.Violations, "/supplementary_number",
		courtfiling.RuleSupplementaryReportExists) {
		t.Errorf("violations = %v, want %s at the document's /supplementary_number",
			conflict.Invalid.Violations, courtfiling.RuleSupplementaryReportExists)
	}
	if !strings.Contains(err.Error(), first.MessageID) {
		t.Errorf("error %q does not name supplementary report %s", err, first.MessageID)
	}
	if !strings.Contains(err.Error(), "the next supplementary number, 2") {
		t.Errorf("error %q does not give the next supplementary number, 2", err)
	}

	if r := accept(t, s, "police", supplementary("EKM0412-FR-3", 2)); r.Duplicate {
		t.Error("supplementary report 2 taken as a duplicate")
	}
	if got := journaled(t, s, journal.Query{CaseKey: reportFIR}); len(got) != 3 {
		t.Errorf("journal holds %d reports of the FIR, want 3", len(got))
	}
}

// TestReusedIDBeatsSupplementaryOrder sends supplementary report 1
// again under its message id, renumbered 3: the error is the reuse of
// the id, not the missing number 2.
func TestReusedIDBeatsSupplementaryOrder(t *testing.T) {
	s := newService(t)
	accept(t, s, "police", finalReport(t, "EKM0412-FR-1"))
	first := fileReport(t, s, supplementaryReport(t, "EKM0412-FR-2", 1))

	_, err := s.Accept(context.Background(), "police", supplementaryReport(t, "EKM0412-FR-2", 3), "")
	var reused *journal.ConflictError
	if !errors.As(err, &reused) {
		t.Fatalf("Accept error = %v, want a *journal.ConflictError", err)
	}
	if reused.MessageID != first.MessageID {
		t.Errorf("conflict names %s, want supplementary report %s", reused.MessageID, first.MessageID)
	}
}

func TestResentOriginalIsDuplicate(t *testing.T) {
	s := newService(t)
	first := fileReport(t, s, finalReport(t, "EKM0412-FR-1"))
	again := accept(t, s, "police", finalReport(t, "EKM0412-FR-1"))
	if !again.Duplicate || again.MessageID != first.MessageID {
		t.Errorf("resend = %+v, want a duplicate of %s", again, first.MessageID)
	}
}

func TestOriginalReportsOfTwoFIRs(t *testing.T) {
	s := newService(t)
	accept(t, s, "police", finalReport(t, "EKM0412-FR-1"))
	other := replace(t, finalReport(t, "EKM0412-FR-2"), `"number": 1187`, `"number": 1188`)
	accept(t, s, "police", other)
}

func TestCallbackNamingOtherFIRRejected(t *testing.T) {
	s := newService(t)
	report := fileReport(t, s, finalReport(t, "EKM0412-FR-1"))

	_, err := s.Accept(context.Background(), "courts",
		callback(t, "KLER10-CB-1", report.MessageID, "FIR/KL/EKM/EKM0412/2025/1190"), "")
	vs := schemas.Violations(err)
	const lineage = "/RecordDocketingCallbackMessage/CriminalCase/CaseAugmentation/CaseLineageCase/CaseTrackingID"
	if !hasViolation(vs, lineage, courtfiling.RuleFilingFIR) {
		t.Errorf("Accept error = %v, want %s at %s", err, courtfiling.RuleFilingFIR, lineage)
	}
	if got := journaled(t, s, journal.Query{Source: "courts"}); len(got) != 0 {
		t.Errorf("journal holds %d court messages after a rejected one", len(got))
	}
}

func TestCallbackNamingItsFIRLinked(t *testing.T) {
	s := newService(t)
	report := fileReport(t, s, finalReport(t, "EKM0412-FR-1"))
	r := accept(t, s, "courts", callback(t, "KLER10-CB-1", report.MessageID, reportFIR))
	reg := journey(t, s, r.MessageID).Message.CourtRegistration
	if reg.UnknownFiling {
		t.Error("UnknownFiling is set for a filing the hub sent")
	}
}

// TestCourtRejectionFreesOriginal files an original report, has the
// court reject it, and files a corrected original with a new message
// id. A callback that accepts a filing frees nothing.
func TestCourtRejectionFreesOriginal(t *testing.T) {
	s := newService(t)
	first := fileReport(t, s, finalReport(t, "EKM0412-FR-1"))
	accept(t, s, "courts", callback(t, "KLER10-CB-1", first.MessageID, reportFIR))
	if _, err := s.Accept(context.Background(), "police", finalReport(t, "EKM0412-FR-2"), ""); err == nil {
		t.Fatal("a second original after the court accepted the first was accepted")
	}

	rejected := replace(t, callback(t, "KLER10-CB-2", first.MessageID, reportFIR),
		"<ecf:FilingStatusCode>accepted</ecf:FilingStatusCode>",
		"<ecf:FilingStatusCode>Rejected</ecf:FilingStatusCode>")
	accept(t, s, "courts", rejected)
	corrected := fileReport(t, s, finalReport(t, "EKM0412-FR-3"))
	if corrected.Duplicate {
		t.Fatal("the corrected original was taken as a duplicate")
	}

	// A resend of the rejected original is a duplicate, so an
	// explanation returns no error, as posting returns 200.
	if _, err := s.Prepare(context.Background(), "police", finalReport(t, "EKM0412-FR-1"), ""); err != nil {
		t.Errorf("Prepare(resend of the rejected original): %v", err)
	}
	if r := accept(t, s, "police", finalReport(t, "EKM0412-FR-1")); !r.Duplicate {
		t.Errorf("resend of the rejected original = %+v, want a duplicate", r)
	}

	// The corrected original holds the FIR in turn.
	_, err := s.Accept(context.Background(), "police", finalReport(t, "EKM0412-FR-4"), "")
	if err == nil || !strings.Contains(err.Error(), corrected.MessageID) {
		t.Errorf("another original after the corrected one: error = %v, want one naming %s",
			err, corrected.MessageID)
	}
}

// TestCallbackFromOtherCourtRejected has a court reject a filing made
// with another court, which must not free the report's claim.
func TestCallbackFromOtherCourtRejected(t *testing.T) {
	s := newService(t)
	report := fileReport(t, s, finalReport(t, "EKM0412-FR-1"))
	body := replace(t, callback(t, "KLER12-CB-1", report.MessageID, reportFIR),
		"<nc:IdentificationID>KLER10<", "<nc:IdentificationID>KLER12<")
	body = replace(t, body, "<ecf:FilingStatusCode>accepted</ecf:FilingStatusCode>",
		"<ecf:FilingStatusCode>rejected</ecf:FilingStatusCode>")

	_, err := s.Accept(context.Background(), "courts", body, "")
	vs := schemas.Violations(err)
	if len(vs) != 1 || vs[0].Rule != courtfiling.RuleFilingCourt {
		t.Fatalf("callback from another court: error = %v, want one %s violation", err,
			courtfiling.RuleFilingCourt)
	}
	const court = "/RecordDocketingCallbackMessage/CriminalCase/CaseAugmentation/CaseCourt/" +
		"OrganizationIdentification/IdentificationID"
	if vs[0].Pointer != court {
		t.Errorf("filing-court at %q, want the case's court at %s", vs[0].Pointer, court)
	}
	if _, err := s.Accept(context.Background(), "police", finalReport(t, "EKM0412-FR-2"), ""); err == nil {
		t.Error("a second original was accepted after another court's rejection")
	}

	// The report's own court, in lower case, is the same court.
	ownCourt := replace(t, body, "<nc:IdentificationID>KLER12<", "<nc:IdentificationID>kler10<")
	ownCourt = replace(t, ownCourt, "KLER12-CB-1", "KLER10-CB-1")
	accept(t, s, "courts", ownCourt)
	if r := fileReport(t, s, finalReport(t, "EKM0412-FR-2")); r.Duplicate {
		t.Error("the corrected original after the court's rejection was taken as a duplicate")
	}
}

// TestResendOfCallbackJournaledUncheckedIsDuplicate journals a callback
// from another court through a service without the callback check, as a
// hub without it did, and resends it through one with the check: the
// resend is the journaled message's duplicate, not a 400.
func TestResendOfCallbackJournaledUncheckedIsDuplicate(t *testing.T) {
	s := newService(t)
	report := fileReport(t, s, finalReport(t, "EKM0412-FR-1"))
	body := replace(t, callback(t, "KLER12-CB-1", report.MessageID, reportFIR),
		"<nc:IdentificationID>KLER10<", "<nc:IdentificationID>KLER12<")
	unchecked := *s
	unchecked.Enrichers = nil
	first := accept(t, &unchecked, "courts", body)

	again := accept(t, s, "courts", body)
	if !again.Duplicate || again.MessageID != first.MessageID {
		t.Errorf("resend = %+v, want a duplicate of %s", again, first.MessageID)
	}
	other := replace(t, body, "KLER12-CB-1", "KLER12-CB-2")
	if _, err := s.Accept(context.Background(), "courts", other, ""); err == nil {
		t.Error("a new callback from another court was accepted")
	}
}

func TestCallbackFiledBeforeReportRejected(t *testing.T) {
	s := newService(t)
	report := fileReport(t, s, finalReport(t, "EKM0412-FR-1"))
	body := replace(t, callback(t, "KLER10-CB-1", report.MessageID, reportFIR),
		"<nc:Date>2025-12-03</nc:Date>", "<nc:Date>2025-11-30</nc:Date>")

	_, err := s.Accept(context.Background(), "courts", body, "")
	if !hasViolation(schemas.Violations(err), "/RecordDocketingCallbackMessage/DocumentFiledDate",
		courtfiling.RuleChronology) {
		t.Fatalf("Accept error = %v, want %s at the callback's DocumentFiledDate", err, courtfiling.RuleChronology)
	}
	if got := journaled(t, s, journal.Query{Type: canonical.TypeCourtRegistration}); len(got) != 0 {
		t.Errorf("journal holds %d court registrations, want none", len(got))
	}

	// With the wrong FIR too, both faults are listed.
	wrongFIR := replace(t, body, reportFIR, "FIR/KL/EKM/EKM0412/2025/1188")
	_, err = s.Accept(context.Background(), "courts", wrongFIR, "")
	if vs := schemas.Violations(err); len(vs) != 2 || !hasViolation(vs, "/RecordDocketingCallbackMessage/DocumentFiledDate",
		courtfiling.RuleChronology) || vs[1].Rule != courtfiling.RuleFilingFIR {
		t.Errorf("early filing for the wrong FIR: violations %v, want chronology and %s", vs,
			courtfiling.RuleFilingFIR)
	}

	// A filing on the report's own date is in order.
	sameDay := replace(t, callback(t, "KLER10-CB-2", report.MessageID, reportFIR),
		"<nc:Date>2025-12-03</nc:Date>", "<nc:Date>2025-12-01</nc:Date>")
	accept(t, s, "courts", sameDay)
}

func TestCallbackWithoutLineageGetsFIR(t *testing.T) {
	s := newService(t)
	report := fileReport(t, s, finalReport(t, "EKM0412-FR-1"))
	body := callback(t, "KLER10-CB-1", report.MessageID, reportFIR)
	body = regexp.MustCompile(`(?s)<j:CaseLineageCase>.*</j:CaseLineageCase>`).ReplaceAll(body, nil)

	j := journey(t, s, accept(t, s, "courts", body).MessageID)
	reg := j.Message.CourtRegistration
	if reg.FIR == nil || reg.FIR.Key() != reportFIR {
		t.Errorf("FIR = %v, want the final report's %s", reg.FIR, reportFIR)
	}
	if j.CaseKey != reportFIR {
		t.Errorf("case key = %q, want the final report's %s", j.CaseKey, reportFIR)
	}
}

func TestCallbackForUnknownFilingAccepted(t *testing.T) {
	s := newService(t)
	r := accept(t, s, "courts", callback(t, "KLER10-CB-1", "EF-KLER01-2024-0099", "FIR/KL/EKM/1234/2024/123"))
	j := journey(t, s, r.MessageID)
	if !j.Message.CourtRegistration.UnknownFiling {
		t.Error("UnknownFiling is not set for a filing the hub never sent")
	}
	if j.CorrelationID != "EF-KLER01-2024-0099" {
		t.Errorf("correlation id = %q, want the filing id as the court quoted it", j.CorrelationID)
	}

	station, _ := s.Adapters.Adapter("police")
	enc, err := station.Encode(&j.Message)
	if err != nil {
		t.Fatalf("police notification: %v", err)
	}
	var note map[string]any
	if err := json.Unmarshal(enc.Body, &note); err != nil {
		t.Fatal(err)
	}
	if note["court_filing_id"] != "EF-KLER01-2024-0099" {
		t.Errorf("court_filing_id = %v, want the filing id as the court quoted it", note["court_filing_id"])
	}
	if v, ok := note["in_reply_to"]; ok {
		t.Errorf("in_reply_to = %v, want it absent for a filing the hub never sent", v)
	}
}

// TestCallbackNamingAnFIRMessage quotes the hub id of a FIR as the filing
// id. That id is not a filing, so the hub rejects the callback at the
// filing id's element and journals nothing.
func TestCallbackNamingAnFIRMessage(t *testing.T) {
	s := newService(t)
	fir := accept(t, s, "police", readFile(t, "../../adapters/police/testdata/fir.json"))
	_, err := s.Accept(context.Background(), "courts",
		callback(t, "KLER10-CB-1", fir.MessageID, "FIR/KL/EKM/1234/2024/123"), "")
	var conflict *ingest.ConflictError
	if errors.As(err, &conflict) {
		t.Errorf("Accept error = %v, want a validation error, not a conflict", err)
	}
	vs := schemas.Violations(err)
	if !hasViolation(vs, filingIDPointer, courtfiling.RuleFilingID) {
		t.Errorf("Accept error = %v, want %s at %s", err, courtfiling.RuleFilingID, filingIDPointer)
	}
	if !strings.Contains(err.Error(), fir.MessageID) {
		t.Errorf("error %q does not name the FIR's hub id %s", err, fir.MessageID)
	}
	if !strings.Contains(err.Error(), "fir message") {
		t.Errorf("error %q does not name the message type fir", err)
	}
	if got := journaled(t, s, journal.Query{Type: canonical.TypeCourtRegistration}); len(got) != 0 {
		t.Errorf("journal holds %d court registrations, want none", len(got))
	}
}

// filingIDPointer is the path of the nc:DocumentIdentification that
// gives the filing id in the callbacks of callback.
const filingIDPointer = "/RecordDocketingCallbackMessage/DocumentIdentification[2]"

func journey(t *testing.T, s *ingest.Service, id string) journal.Journey {
	t.Helper()
	j, err := s.Store.Journey(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if j.Message.CourtRegistration == nil && j.Type == canonical.TypeCourtRegistration {
		t.Fatalf("journey of %s has no court registration", id)
	}
	return j
}

// supplementaryReport is finalReport filed as supplementary report n.
func supplementaryReport(t *testing.T, id string, n int) []byte {
	t.Helper()
	return replace(t, finalReport(t, id), `"report_type": "original"`,
		fmt.Sprintf(`"report_type": "supplementary", "supplementary_number": %d`, n))
}

// wantConflict checks that err is an *ingest.ConflictError with rule at
// the document's /supplementary_number whose message contains each of
// want, and that the journal contains reports reports of the FIR.
func wantConflict(t *testing.T, s *ingest.Service, err error, rule string, reports int, want ...string) {
	t.Helper()
	var conflict *ingest.ConflictError
	if !errors.As(err, &conflict) {
		t.Fatalf("Accept error = %v, want an *ingest.ConflictError", err)
	}
	if !hasViolation(conflict.Invalid.Violations, "/supplementary_number", rule) {
		t.Errorf("violations = %v, want %s at /supplementary_number", conflict.Invalid.Violations, rule)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
	q := journal.Query{CaseKey: reportFIR, Type: canonical.TypeChargesheet}
	if got := journaled(t, s, q); len(got) != reports {
		t.Errorf("journal holds %d reports of the FIR, want %d", len(got), reports)
	}
}

func TestSupplementaryWithoutOriginalRejected(t *testing.T) {
	s := newService(t)
	_, err := s.Accept(context.Background(), "police", supplementaryReport(t, "EKM0412-FR-2", 1), "")
	wantConflict(t, s, err, courtfiling.RuleOriginalReportMissing, 0, "file the original report first")
}

func TestSupplementaryAfterRejectedOriginalRejected(t *testing.T) {
	s := newService(t)
	report := fileReport(t, s, finalReport(t, "EKM0412-FR-1"))
	rejection := replace(t, callback(t, "KLER10-CB-1", report.MessageID, reportFIR),
		"<ecf:FilingStatusCode>accepted<", "<ecf:FilingStatusCode>rejected<")
	accept(t, s, "courts", rejection)

	_, err := s.Accept(context.Background(), "police", supplementaryReport(t, "EKM0412-FR-2", 1), "")
	wantConflict(t, s, err, courtfiling.RuleOriginalReportMissing, 1)
}

func TestSupplementaryOutOfOrderRejected(t *testing.T) {
	s := newService(t)
	accept(t, s, "police", finalReport(t, "EKM0412-FR-1"))
	_, err := s.Accept(context.Background(), "police", supplementaryReport(t, "EKM0412-FR-3", 2), "")
	wantConflict(t, s, err, courtfiling.RuleSupplementaryOrder, 1,
		"no supplementary report 1", "the next supplementary number, 1")
}

func TestSupplementaryBeforeOriginalRejected(t *testing.T) {
	s := newService(t)
	accept(t, s, "police", finalReport(t, "EKM0412-FR-1"))
	early := replace(t, supplementaryReport(t, "EKM0412-FR-2", 1),
		`"report_date": "2025-12-01"`, `"report_date": "2025-11-20"`)
	_, err := s.Accept(context.Background(), "police", early, "")
	if vs := schemas.Violations(err); !hasViolation(vs, "/report_date", courtfiling.RuleChronology) {
		t.Errorf("Accept error = %v, want %s at /report_date", err, courtfiling.RuleChronology)
	}
	if got := journaled(t, s, journal.Query{CaseKey: reportFIR}); len(got) != 1 {
		t.Errorf("journal holds %d reports of the FIR, want the original only", len(got))
	}
}

// TestSupplementaryNamesRegisteredCase files a supplementary report
// before and after the court registers the original: only the second
// carries the case's CNR, which the court filing then names.
func TestSupplementaryNamesRegisteredCase(t *testing.T) {
	s := newService(t)
	report := fileReport(t, s, finalReport(t, "EKM0412-FR-1"))
	first := fileReport(t, s, supplementaryReport(t, "EKM0412-FR-2", 1))
	if cnr := journey(t, s, first.MessageID).Message.Chargesheet.CNR; cnr != "" {
		t.Errorf("supplementary report before the registration has CNR %q, want none", cnr)
	}

	accept(t, s, "courts", callback(t, "KLER10-CB-1", report.MessageID, reportFIR))
	second := fileReport(t, s, supplementaryReport(t, "EKM0412-FR-3", 2))
	m := journey(t, s, second.MessageID).Message
	if m.Chargesheet.CNR != callbackCNR {
		t.Errorf("supplementary report after the registration has CNR %q, want %s",
			m.Chargesheet.CNR, callbackCNR)
	}
	a, _ := s.Adapters.Adapter("courts")
	enc, err := a.Encode(&m)
	if err != nil {
		t.Fatalf("encoding the filing: %v", err)
	}
	if !bytes.Contains(enc.Body, []byte("<nc:CaseDocketID>"+callbackCNR+"</nc:CaseDocketID>")) {
		t.Errorf("the court filing does not name the case's CNR:\n%s", enc.Body)
	}
}

func TestCallbackWithOtherCourtsCNRRejected(t *testing.T) {
	s := newService(t)
	report := fileReport(t, s, finalReport(t, "EKM0412-FR-1"))
	// CaseCourt is KLER10, the report's court, but the CNR is a case of
	// KLER12.
	body := replace(t, callback(t, "KLER10-CB-1", report.MessageID, reportFIR),
		">"+callbackCNR+"<", ">KLER120000992026<")
	_, err := s.Accept(context.Background(), "courts", body, "")
	const cnr = "/RecordDocketingCallbackMessage/CriminalCase/CaseTrackingID"
	found := false
	for _, v := range schemas.Violations(err) {
		found = found || (v.Rule == courtfiling.RuleFilingCourt && strings.Contains(v.Message, "KLER12") &&
			v.Pointer == cnr)
	}
	if !found {
		t.Errorf("Accept error = %v, want filing-court at %s naming the CNR's court KLER12", err, cnr)
	}
}

func TestSecondCNRForOneFilingRejected(t *testing.T) {
	s := newService(t)
	report := fileReport(t, s, finalReport(t, "EKM0412-FR-1"))
	accept(t, s, "courts", callback(t, "KLER10-CB-1", report.MessageID, reportFIR))

	other := replace(t, callback(t, "KLER10-CB-2", report.MessageID, reportFIR),
		">"+callbackCNR+"<", ">KLER100000992026<")
	_, err := s.Accept(context.Background(), "courts", other, "")
	var conflict *ingest.ConflictError
	if !errors.As(err, &conflict) || conflict.Invalid.Violations[0].Rule != courtfiling.RuleRegisteredElsewhere {
		t.Fatalf("Accept error = %v, want a %s conflict", err, courtfiling.RuleRegisteredElsewhere)
	}
	if !strings.Contains(err.Error(), callbackCNR) {
		t.Errorf("error %q does not name the case the filing has, %s", err, callbackCNR)
	}
	// The same CNR again, in a callback of its own, is taken.
	accept(t, s, "courts", callback(t, "KLER10-CB-3", report.MessageID, reportFIR))
}

// TestSupplementaryToOtherCourtNamesNoCase files a supplementary report
// with another court than the original's, as after a committal: its
// filing names no case of the first court.
func TestSupplementaryToOtherCourtNamesNoCase(t *testing.T) {
	s := newService(t)
	report := fileReport(t, s, finalReport(t, "EKM0412-FR-1"))
	accept(t, s, "courts", callback(t, "KLER10-CB-1", report.MessageID, reportFIR))
	body := replace(t, supplementaryReport(t, "EKM0412-FR-2", 1),
		`"establishment_code": "KLER10"`, `"establishment_code": "KLER12"`)
	r := accept(t, s, "police", body)
	if cnr := journey(t, s, r.MessageID).Message.Chargesheet.CNR; cnr != "" {
		t.Errorf("supplementary report to KLER12 names case %s of KLER10, want none", cnr)
	}
}

// TestRegistrationAfterRejectionRejected registers a filing, rejects it,
// and registers it again under another CNR: the rejection ended the
// report's claim, so the court dockets the station's corrected report
// instead.
func TestRegistrationAfterRejectionRejected(t *testing.T) {
	s := newService(t)
	report := fileReport(t, s, finalReport(t, "EKM0412-FR-1"))
	accept(t, s, "courts", callback(t, "KLER10-CB-1", report.MessageID, reportFIR))
	rejection := replace(t, callback(t, "KLER10-CB-2", report.MessageID, reportFIR),
		"<ecf:FilingStatusCode>accepted<", "<ecf:FilingStatusCode>rejected<")
	rejected := accept(t, s, "courts", rejection)
	again := replace(t, callback(t, "KLER10-CB-3", report.MessageID, reportFIR),
		">"+callbackCNR+"<", ">KLER100000992026<")
	_, err := s.Accept(context.Background(), "courts", again, "")
	wantFilingRejected(t, err, rejected.MessageID)
}

// wantFilingRejected fails t unless err is a filing-rejected conflict
// naming the rejecting callback, hub message rejection.
func wantFilingRejected(t *testing.T, err error, rejection string) {
	t.Helper()
	var conflict *ingest.ConflictError
	if !errors.As(err, &conflict) {
		t.Fatalf("Accept error = %v, want an *ingest.ConflictError", err)
	}
	const statusPointer = "/RecordDocketingCallbackMessage/FilingStatus/FilingStatusCode"
	if !hasViolation(conflict.Invalid.Violations, statusPointer, courtfiling.RuleFilingRejected) {
		t.Errorf("violations = %v, want %s at %s", conflict.Invalid.Violations,
			courtfiling.RuleFilingRejected, statusPointer)
	}
	if !strings.Contains(err.Error(), rejection) {
		t.Errorf("error %q does not name the rejecting callback %s", err, rejection)
	}
}

// TestAcceptanceAfterRejectionKeepsNumberFree has the court reject a
// supplementary report and accept it again, as a court that changed its
// mind would: the acceptance gets filing-rejected, and a corrected report
// with the number is filed once, so a second one gets
// supplementary-report-exists.
func TestAcceptanceAfterRejectionKeepsNumberFree(t *testing.T) {
	s := newService(t)
	original := fileReport(t, s, finalReport(t, "EKM0412-FR-1"))
	accept(t, s, "courts", callback(t, "KLER10-CB-1", original.MessageID, reportFIR))
	first := fileReport(t, s, supplementaryReport(t, "EKM0412-FR-2", 1))
	rejection := replace(t, callback(t, "KLER10-CB-2", first.MessageID, reportFIR),
		"<ecf:FilingStatusCode>accepted<", "<ecf:FilingStatusCode>Returned<")
	rejected := accept(t, s, "courts", rejection)

	_, err := s.Accept(context.Background(), "courts", callback(t, "KLER10-CB-3", first.MessageID, reportFIR), "")
	wantFilingRejected(t, err, rejected.MessageID)

	accept(t, s, "police", supplementaryReport(t, "EKM0412-FR-3", 1))
	_, err = s.Accept(context.Background(), "police", supplementaryReport(t, "EKM0412-FR-4", 1), "")
	wantConflict(t, s, err, courtfiling.RuleSupplementaryReportExists, 3)
}

// TestCNROfOtherFIRRejected has a court register, for a filing the hub
// never sent, a CNR that an accepted registration tied to another FIR.
func TestCNROfOtherFIRRejected(t *testing.T) {
	s := newService(t)
	report := fileReport(t, s, finalReport(t, "EKM0412-FR-1"))
	first := accept(t, s, "courts", callback(t, "KLER10-CB-1", report.MessageID, reportFIR))

	const otherFIR = "FIR/KL/EKM/EKM0420/2025/9"
	_, err := s.Accept(context.Background(), "courts",
		callback(t, "KLER10-CB-2", "EF-KLER10-2025-0099", otherFIR), "")
	var conflict *ingest.ConflictError
	if !errors.As(err, &conflict) {
		t.Fatalf("Accept error = %v, want an *ingest.ConflictError", err)
	}
	if !hasViolationRule(conflict.Invalid.Violations, courtfiling.RuleRegisteredElsewhere) {
		t.Errorf("violations = %v, want %s", conflict.Invalid.Violations, courtfiling.RuleRegisteredElsewhere)
	}
	for _, want := range []string{callbackCNR, "FIR 1187/2025 of police station EKM0412", first.MessageID} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	q := journal.Query{Type: canonical.TypeCourtRegistration}
	if got := journaled(t, s, q); len(got) != 1 {
		t.Errorf("journal holds %d registrations, want 1", len(got))
	}

	// The case's own FIR, by a filing the hub never sent, is taken.
	accept(t, s, "courts", callback(t, "KLER10-CB-3", "EF-KLER10-2025-0100", reportFIR))
}

// TestReturnAfterRegistrationKeepsCNRClaim has the court return a filing
// it registered: the callback is accepted, the corrected report is
// registered under the same CNR, and the CNR stays with its FIR.
func TestReturnAfterRegistrationKeepsCNRClaim(t *testing.T) {
	s := newService(t)
	report := fileReport(t, s, finalReport(t, "EKM0412-FR-1"))
	first := accept(t, s, "courts", callback(t, "KLER10-CB-1", report.MessageID, reportFIR))
	returned := replace(t, callback(t, "KLER10-CB-2", report.MessageID, reportFIR),
		"<ecf:FilingStatusCode>accepted<", "<ecf:FilingStatusCode>RETURNED<")
	if r := accept(t, s, "courts", returned); r.Duplicate {
		t.Fatalf("the return was taken as a duplicate: %+v", r)
	}

	corrected := fileReport(t, s, finalReport(t, "EKM0412-FR-2"))
	accept(t, s, "courts", callback(t, "KLER10-CB-3", corrected.MessageID, reportFIR))

	_, err := s.Accept(context.Background(), "courts",
		callback(t, "KLER10-CB-4", "EF-KLER10-2025-0099", "FIR/KL/EKM/EKM0420/2025/9"), "")
	var conflict *ingest.ConflictError
	if !errors.As(err, &conflict) || !hasViolationRule(conflict.Invalid.Violations, courtfiling.RuleRegisteredElsewhere) {
		t.Fatalf("another FIR under the CNR: error %v, want a %s conflict", err, courtfiling.RuleRegisteredElsewhere)
	}
	if !strings.Contains(err.Error(), first.MessageID) {
		t.Errorf("error %q does not name the registration that claimed the CNR, %s", err, first.MessageID)
	}
}

// TestRejectedCNRTiesNoFIR has a court decline a filing of one FIR under
// a CNR and then register that CNR to another FIR: the declining
// registration does not hold the CNR.
func TestRejectedCNRTiesNoFIR(t *testing.T) {
	s := newService(t)
	report := fileReport(t, s, finalReport(t, "EKM0412-FR-1"))
	rejection := replace(t, callback(t, "KLER10-CB-1", report.MessageID, reportFIR),
		"<ecf:FilingStatusCode>accepted<", "<ecf:FilingStatusCode>rejected<")
	accept(t, s, "courts", rejection)
	accept(t, s, "courts", callback(t, "KLER10-CB-2", "EF-KLER10-2025-0099", "FIR/KL/EKM/EKM0420/2025/9"))
}

// TestOtherCourtLearnsNoCase has another court's callback, with its own
// CNR, name a registered filing: it gets filing-court, not a conflict
// that would tell it the filing's case.
func TestOtherCourtLearnsNoCase(t *testing.T) {
	s := newService(t)
	report := fileReport(t, s, finalReport(t, "EKM0412-FR-1"))
	accept(t, s, "courts", callback(t, "KLER10-CB-1", report.MessageID, reportFIR))
	other := replace(t, callback(t, "KLER12-CB-1", report.MessageID, reportFIR),
		">"+callbackCNR+"<", ">KLER120000992026<")
	_, err := s.Accept(context.Background(), "courts", other, "")
	if vs := schemas.Violations(err); !hasViolationRule(vs, courtfiling.RuleFilingCourt) ||
		strings.Contains(err.Error(), callbackCNR) {
		t.Errorf("Accept error = %v, want filing-court without the filing's CNR %s", err, callbackCNR)
	}
}

func hasViolationRule(vs []schemas.Violation, rule string) bool {
	for _, v := range vs {
		if v.Rule == rule {
			return true
		}
	}
	return false
}

// TestCallbackWithoutCourtNamesCNROnce has a callback that names no
// court, so the hub takes its court from its CNR, of KLER12, for a
// filing made with KLER10: one filing-court violation, at the CNR.
func TestCallbackWithoutCourtNamesCNROnce(t *testing.T) {
	s := newService(t)
	report := fileReport(t, s, finalReport(t, "EKM0412-FR-1"))
	body := replace(t, callback(t, "KLER10-CB-1", report.MessageID, reportFIR),
		">"+callbackCNR+"<", ">KLER120000992026<")
	body = regexp.MustCompile(`(?s)<j:CaseCourt>.*?</j:CaseCourt>`).ReplaceAll(body, nil)
	_, err := s.Accept(context.Background(), "courts", body, "")
	vs := schemas.Violations(err)
	if len(vs) != 1 || vs[0].Rule != courtfiling.RuleFilingCourt ||
		vs[0].Pointer != "/RecordDocketingCallbackMessage/CriminalCase/CaseTrackingID" {
		t.Errorf("violations %+v, want one filing-court at the CNR", vs)
	}
}

// meetingStore is a journal whose first n reads of a filing's
// registrations wait for each other, so that n callbacks are checked
// against the same registrations before any is journaled.
type meetingStore struct {
	journal.Store
	n     int32
	met   chan struct{} // closed by the nth read
	reads atomic.Int32
}

func newMeetingStore(store journal.Store, n int) *meetingStore {
	return &meetingStore{Store: store, n: int32(n), met: make(chan struct{})}
}

func (s *meetingStore) Find(ctx context.Context, q journal.Query) ([]journal.Summary, error) {
	found, err := s.Store.Find(ctx, q)
	if q.Type != canonical.TypeCourtRegistration {
		return found, err
	}
	switch read := s.reads.Add(1); {
	case read < s.n:
		select {
		case <-s.met:
		case <-time.After(10 * time.Second):
			return nil, errors.New("the other callbacks were not checked within 10 s")
		}
	case read == s.n:
		close(s.met)
	}
	return found, err
}

// acceptAtOnce checks the courts' bodies against the same registrations
// of the filing, then journals them, and returns their results, their
// errors and the number of reads of the registrations.
func acceptAtOnce(t *testing.T, s *ingest.Service, store journal.Store, bodies [][]byte) (
	[][]ingest.Result, []error, int) {
	t.Helper()
	meeting := newMeetingStore(store, len(bodies))
	callbacks := &courtfiling.Callbacks{Journal: meeting, Agencies: routeAgencies(s)}
	s.Enrichers = []ingest.Enricher{callbacks, &courtfiling.FinalReports{Journal: store}}
	s.Guards = []ingest.Guard{callbacks}
	results := make([][]ingest.Result, len(bodies))
	errs := make([]error, len(bodies))
	var wg sync.WaitGroup
	for i, body := range bodies {
		wg.Go(func() { results[i], errs[i] = s.Accept(context.Background(), "courts", body, "") })
	}
	wg.Wait()
	return results, errs, int(meeting.reads.Load())
}

// wantReadAgain fails t unless the registrations were read more than
// once for each of n callbacks, as they are when the journal took one
// before the others and those were checked again.
func wantReadAgain(t *testing.T, reads, n int) {
	t.Helper()
	if reads <= n {
		t.Errorf("the registrations were read %d times, want more than %d: once for each "+
			"callback and again for those journaled later", reads, n)
	}
}

// TestCallbacksWithOtherCNRsAtOnce checks callbacks that register one
// filing under four CNRs against the same registrations: the journal
// takes one, and the others, checked again, get registered-elsewhere
// naming its CNR.
func TestCallbacksWithOtherCNRsAtOnce(t *testing.T) {
	s, store := newServiceAndStore(t)
	report := fileReport(t, s, finalReport(t, "EKM0412-FR-1"))
	var bodies [][]byte
	cnrs := []string{"KLER100000112026", "KLER100000122026", "KLER100000132026", "KLER100000142026"}
	for i, cnr := range cnrs {
		bodies = append(bodies, replace(t, callback(t, fmt.Sprintf("KLER10-CB-%d", i), report.MessageID, reportFIR),
			">"+callbackCNR+"<", ">"+cnr+"<"))
	}
	_, errs, reads := acceptAtOnce(t, s, store, bodies)
	wantReadAgain(t, reads, len(bodies))

	winner := ""
	for i, err := range errs {
		if err == nil {
			if winner != "" {
				t.Errorf("callbacks with %s and %s both accepted", winner, cnrs[i])
			}
			winner = cnrs[i]
		}
	}
	if winner == "" {
		t.Fatalf("no callback accepted: %v", errs)
	}
	for i, err := range errs {
		if err == nil {
			continue
		}
		var conflict *ingest.ConflictError
		if !errors.As(err, &conflict) || conflict.Invalid.Violations[0].Rule != courtfiling.RuleRegisteredElsewhere {
			t.Errorf("callback with %s: error %v, want a %s conflict", cnrs[i], err,
				courtfiling.RuleRegisteredElsewhere)
			continue
		}
		if !strings.Contains(err.Error(), winner) {
			t.Errorf("callback with %s: error %q does not name the accepted CNR %s", cnrs[i], err, winner)
		}
	}
	q := journal.Query{CorrelationID: report.MessageID, Type: canonical.TypeCourtRegistration}
	if got := journaled(t, s, q); len(got) != 1 {
		t.Errorf("journal holds %d registrations of the filing, want 1", len(got))
	}
}

// TestCallbacksWithOneCNRAtOnce checks callbacks that register one
// filing under one CNR against the same registrations: each, checked
// again after those the journal took before it, is accepted.
func TestCallbacksWithOneCNRAtOnce(t *testing.T) {
	s, store := newServiceAndStore(t)
	report := fileReport(t, s, finalReport(t, "EKM0412-FR-1"))
	var bodies [][]byte
	for i := range ingest.MaxGuardRuns {
		bodies = append(bodies, callback(t, fmt.Sprintf("KLER10-CB-%d", i), report.MessageID, reportFIR))
	}
	_, errs, reads := acceptAtOnce(t, s, store, bodies)
	wantReadAgain(t, reads, len(bodies))
	for i, err := range errs {
		if err != nil {
			t.Errorf("callback %d: %v", i, err)
		}
	}
	q := journal.Query{CorrelationID: report.MessageID, Type: canonical.TypeCourtRegistration}
	if got := journaled(t, s, q); len(got) != len(bodies) {
		t.Errorf("journal holds %d registrations of the filing, want %d", len(got), len(bodies))
	}
}

// TestRejectionAndOtherCNRAtOnce checks a rejection of a registered
// filing and a callback that registers it under another CNR against the
// same registration. The second CNR fails at once, as if it came before
// the rejection, and the rejection frees the FIR for a corrected original
// report but not the filing for a third CNR.
func TestRejectionAndOtherCNRAtOnce(t *testing.T) {
	s, store := newServiceAndStore(t)
	report := fileReport(t, s, finalReport(t, "EKM0412-FR-1"))
	accept(t, s, "courts", callback(t, "KLER10-CB-1", report.MessageID, reportFIR))
	rejection := replace(t, callback(t, "KLER10-CB-2", report.MessageID, reportFIR),
		"<ecf:FilingStatusCode>accepted<", "<ecf:FilingStatusCode>rejected<")
	other := replace(t, callback(t, "KLER10-CB-3", report.MessageID, reportFIR),
		">"+callbackCNR+"<", ">KLER100000992026<")
	results, errs, _ := acceptAtOnce(t, s, store, [][]byte{rejection, other})
	if errs[0] != nil {
		t.Fatalf("rejection: %v", errs[0])
	}
	var conflict *ingest.ConflictError
	if !errors.As(errs[1], &conflict) || conflict.Invalid.Violations[0].Rule != courtfiling.RuleRegisteredElsewhere {
		t.Errorf("other CNR: error %v, want a %s conflict", errs[1], courtfiling.RuleRegisteredElsewhere)
	}

	third := replace(t, callback(t, "KLER10-CB-4", report.MessageID, reportFIR),
		">"+callbackCNR+"<", ">KLER100000982026<")
	_, err := s.Accept(context.Background(), "courts", third, "")
	wantFilingRejected(t, err, results[0][0].MessageID)
	accept(t, s, "police", finalReport(t, "EKM0412-FR-2"))
}

// TestRejectionAndSameCNRAtOnce checks a rejection of a registered
// filing and a callback that registers it again under its CNR against
// the same registration. The rejection is accepted. The second
// registration is accepted when the journal took it before the
// rejection, and gets filing-rejected when the journal took it after.
// Either way the filing has no case afterwards.
func TestRejectionAndSameCNRAtOnce(t *testing.T) {
	for range 5 {
		s, store := newServiceAndStore(t)
		report := fileReport(t, s, finalReport(t, "EKM0412-FR-1"))
		accept(t, s, "courts", callback(t, "KLER10-CB-1", report.MessageID, reportFIR))
		rejection := replace(t, callback(t, "KLER10-CB-2", report.MessageID, reportFIR),
			"<ecf:FilingStatusCode>accepted<", "<ecf:FilingStatusCode>rejected<")
		again := callback(t, "KLER10-CB-3", report.MessageID, reportFIR)
		results, errs, _ := acceptAtOnce(t, s, store, [][]byte{rejection, again})
		if errs[0] != nil {
			t.Fatalf("rejection: %v", errs[0])
		}
		second, err := store.ClaimHolder(context.Background(),
			journal.Claim{Kind: courtfiling.ClaimRegistrationTurn, Key: report.MessageID + "/2"})
		if err != nil {
			t.Fatalf("reading the holder of the second turn: %v", err)
		}
		if rejectedFirst := second == results[0][0].MessageID; rejectedFirst {
			wantFilingRejected(t, errs[1], results[0][0].MessageID)
		} else if errs[1] != nil {
			t.Errorf("registration journaled before the rejection: %v", errs[1])
		}

		other := replace(t, callback(t, "KLER10-CB-4", report.MessageID, reportFIR),
			">"+callbackCNR+"<", ">KLER100000982026<")
		_, err = s.Accept(context.Background(), "courts", other, "")
		wantFilingRejected(t, err, results[0][0].MessageID)
	}
}

// newServiceWithFIRs returns newService's service that also journals
// each FIR document with its firclaim claim, as the hub does.
func newServiceWithFIRs(t *testing.T) *ingest.Service {
	t.Helper()
	s, store := newServiceAndStore(t)
	s.Claimers = append(s.Claimers, &firclaim.FIRs{Journal: store})
	return s
}

// firDocument is the FIR document of finalReport's FIR, registered at
// registeredAt, and received at receivedAt, both after the offence on
// 2025-09-13 at 19:45 IST.
func firDocument(t *testing.T, receivedAt, registeredAt string) []byte {
	t.Helper()
	body := readFile(t, "../../adapters/police/testdata/fir.json")
	body = replace(t, body, `"at": "2025-09-14T10:20:00+05:30"`, `"at": "`+receivedAt+`"`)
	return replace(t, body, `"registered_at": "2025-09-14T10:45:00+05:30"`,
		`"registered_at": "`+registeredAt+`"`)
}

// TestOriginalBeforeFIRRejected files original reports on a FIR
// registered at 2025-09-13T20:00:00Z, which is 14 September in IST. A
// report dated the 13th is before it, and one dated the 14th is not,
// although the FIR's instant is still the 13th in UTC.
func TestOriginalBeforeFIRRejected(t *testing.T) {
	s := newServiceWithFIRs(t)
	fir := accept(t, s, "police", firDocument(t, "2025-09-13T19:50:00Z", "2025-09-13T20:00:00Z"))

	early := replace(t, finalReport(t, "EKM0412-FR-1"),
		`"report_date": "2025-12-01"`, `"report_date": "2025-09-13"`)
	_, err := s.Accept(context.Background(), "police", early, "")
	vs := schemas.Violations(err)
	if !hasViolation(vs, "/report_date", courtfiling.RuleChronology) {
		t.Fatalf("Accept error = %v, want %s at /report_date", err, courtfiling.RuleChronology)
	}
	var conflict *ingest.ConflictError
	if errors.As(err, &conflict) {
		t.Errorf("Accept error = %v, want a validation error, not a conflict", err)
	}
	if !strings.Contains(vs[0].Message, "2025-09-14") || !strings.Contains(vs[0].Message, fir.MessageID) {
		t.Errorf("message %q, want it to name the FIR's date 2025-09-14 and its hub id %s",
			vs[0].Message, fir.MessageID)
	}
	if got := journaled(t, s, journal.Query{Type: canonical.TypeChargesheet}); len(got) != 0 {
		t.Errorf("journal holds %d reports, want none", len(got))
	}

	sameDay := replace(t, finalReport(t, "EKM0412-FR-2"),
		`"report_date": "2025-12-01"`, `"report_date": "2025-09-14"`)
	accept(t, s, "police", sameDay)
}

// TestOriginalWithoutFIRDocumentAccepted files an original report dated
// before its FIR's registration on a hub that never received the FIR:
// the hub cannot know the date, so the report is taken.
func TestOriginalWithoutFIRDocumentAccepted(t *testing.T) {
	s := newServiceWithFIRs(t)
	early := replace(t, finalReport(t, "EKM0412-FR-1"),
		`"report_date": "2025-12-01"`, `"report_date": "2025-09-13"`)
	accept(t, s, "police", early)
}

// wantUndelivered fails t unless err is a retryable filing-undelivered
// conflict whose message contains each of want.
func wantUndelivered(t *testing.T, err error, want ...string) {
	t.Helper()
	var conflict *ingest.ConflictError
	if !errors.As(err, &conflict) {
		t.Fatalf("Accept error = %v, want an *ingest.ConflictError", err)
	}
	if !hasViolation(conflict.Invalid.Violations, filingIDPointer, courtfiling.RuleFilingUndelivered) {
		t.Errorf("violations = %v, want %s at %s", conflict.Invalid.Violations,
			courtfiling.RuleFilingUndelivered, filingIDPointer)
	}
	if !conflict.Retryable {
		t.Error("the conflict is not retryable")
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
}

// TestCallbackBeforeDeliveryRejected posts a callback for a final report
// whose delivery to the court is pending: it gets a retryable conflict
// and is taken once the delivery is recorded.
func TestCallbackBeforeDeliveryRejected(t *testing.T) {
	s := newService(t)
	report := accept(t, s, "police", finalReport(t, "EKM0412-FR-1"))
	body := callback(t, "KLER10-CB-1", report.MessageID, reportFIR)

	_, err := s.Accept(context.Background(), "courts", body, "")
	wantUndelivered(t, err, report.MessageID, "EKM0412-FR-1", "is pending", "has not delivered")
	if got := journaled(t, s, journal.Query{Type: canonical.TypeCourtRegistration}); len(got) != 0 {
		t.Errorf("journal holds %d court registrations, want none", len(got))
	}

	markDelivered(t, s.Store, report.MessageID, "court")
	if r := accept(t, s, "courts", body); r.Duplicate {
		t.Error("the callback sent again after the delivery was taken as a duplicate")
	}
}

// TestInvalidCallbackBeforeDeliveryRejected posts a callback from
// another court for an undelivered report: it gets the validation error,
// which sending again cannot cure, not the retryable conflict.
func TestInvalidCallbackBeforeDeliveryRejected(t *testing.T) {
	s := newService(t)
	report := accept(t, s, "police", finalReport(t, "EKM0412-FR-1"))
	body := replace(t, callback(t, "KLER12-CB-1", report.MessageID, reportFIR),
		"<nc:IdentificationID>KLER10<", "<nc:IdentificationID>KLER12<")

	_, err := s.Accept(context.Background(), "courts", body, "")
	var conflict *ingest.ConflictError
	if errors.As(err, &conflict) {
		t.Errorf("Accept error = %v, want a validation error, not a conflict", err)
	}
	if !hasViolationRule(schemas.Violations(err), courtfiling.RuleFilingCourt) {
		t.Errorf("Accept error = %v, want %s", err, courtfiling.RuleFilingCourt)
	}
}

// TestCallbackAfterDeadLetterRejected posts a callback for a final
// report whose delivery to the court was dead-lettered: the conflict
// names the dead letter.
func TestCallbackAfterDeadLetterRejected(t *testing.T) {
	s := newService(t)
	ctx := context.Background()
	report := accept(t, s, "police", finalReport(t, "EKM0412-FR-1"))
	j, err := s.Store.Journey(ctx, report.MessageID)
	if err != nil {
		t.Fatal(err)
	}
	if len(j.Deliveries) != 1 {
		t.Fatalf("report has %d deliveries, want 1 to the court", len(j.Deliveries))
	}
	dead := j.Deliveries[0].ID
	now := time.Now()
	if err := s.Store.RecordAttempt(ctx, journal.Attempt{DeliveryID: dead, StartedAt: now,
		FinishedAt: now, StatusCode: 422, Error: "rejected", Result: journal.StatusDead}); err != nil {
		t.Fatal(err)
	}

	_, err = s.Accept(ctx, "courts", callback(t, "KLER10-CB-1", report.MessageID, reportFIR), "")
	wantUndelivered(t, err, report.MessageID, dead, "dead-lettered")
}

// serviceRoutingReportsTo returns newService's service with routes that
// send final reports to the destinations reportTo lists, such as
// "court, station".
func serviceRoutingReportsTo(t *testing.T, reportTo string) *ingest.Service {
	t.Helper()
	doc := strings.Replace(testRoutes, "    to: [court]\n", "    to: ["+reportTo+"]\n", 1)
	if doc == testRoutes {
		t.Fatal("testRoutes has no route of final reports to the court")
	}
	s, store := ingesttest.Service(t, doc)
	callbacks := &courtfiling.Callbacks{Journal: store, Agencies: routeAgencies(s)}
	s.Enrichers = []ingest.Enricher{callbacks, &courtfiling.FinalReports{Journal: store}}
	s.Guards = []ingest.Guard{callbacks}
	return s
}

// TestCallbackWaitsForCourtDelivery delivers a final report to the
// station but not yet to the court: only the court's delivery lets the
// callback in.
func TestCallbackWaitsForCourtDelivery(t *testing.T) {
	s := serviceRoutingReportsTo(t, "court, station")
	report := accept(t, s, "police", finalReport(t, "EKM0412-FR-1"))
	markDelivered(t, s.Store, report.MessageID, "station")
	body := callback(t, "KLER10-CB-1", report.MessageID, reportFIR)

	_, err := s.Accept(context.Background(), "courts", body, "")
	wantUndelivered(t, err, "to court is pending")
	if strings.Contains(err.Error(), "to station") {
		t.Errorf("error %q names the station's delivery", err)
	}

	markDelivered(t, s.Store, report.MessageID, "court")
	accept(t, s, "courts", body)
}

// TestCallbackForReportSentToNoCourtAccepted posts a callback for a
// final report that the routes sent to no court, so the hub cannot tell
// how the court received it: the callback is taken.
func TestCallbackForReportSentToNoCourtAccepted(t *testing.T) {
	s := serviceRoutingReportsTo(t, "station")
	report := accept(t, s, "police", finalReport(t, "EKM0412-FR-1"))
	accept(t, s, "courts", callback(t, "KLER10-CB-1", report.MessageID, reportFIR))
}
