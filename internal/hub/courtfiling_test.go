package hub

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/courtfiling"
	"github.com/sangam-hub/sangam/internal/problem"
)

// postCourtXML sends body to the hub as agency in application/xml and returns
// the status and the response body.
func postCourtXML(t *testing.T, hubURL, agency string, body []byte) (int, []byte) {
	t.Helper()
	resp, err := http.Post(hubURL+"/api/v1/inbound/"+agency, "application/xml", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

// kochiCallback returns the courts adapter's test callback with its
// document id set to id and every old replaced by new.
func kochiCallback(t *testing.T, id string, replacements ...string) []byte {
	t.Helper()
	body, err := os.ReadFile("../../adapters/courts/testdata/kochi_callback.xml")
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(body), "KLER01-CB-000123", id, 1)
	for i := 0; i+1 < len(replacements); i += 2 {
		if !strings.Contains(s, replacements[i]) {
			t.Fatalf("callback lacks %q", replacements[i])
		}
		s = strings.ReplaceAll(s, replacements[i], replacements[i+1])
	}
	return []byte(s)
}

func TestCourtCallbacksReachPolice(t *testing.T) {
	w := newWorld(t, Config{}, 3)
	lineage := regexp.MustCompile(`(?s)<j:CaseLineageCase>.*</j:CaseLineageCase>`)
	cases := map[string][]byte{
		"no CNR": kochiCallback(t, "CB-1", "<nc:CaseTrackingID>KLER010001232024</nc:CaseTrackingID>", ""),
		"court code as written": kochiCallback(t, "CB-2",
			"<nc:IdentificationID>KLER01</nc:IdentificationID>\n        </nc:OrganizationIdentification>",
			"<nc:IdentificationID>JFCM-1 Ernakulam</nc:IdentificationID>\n        </nc:OrganizationIdentification>"),
		"long docket id": kochiCallback(t, "CB-3", "CC 123/2024", strings.Repeat("CC 123/2024 ", 8)),
		"long title": kochiCallback(t, "CB-4", "State of Kerala v. Rajan K. Pillai",
			strings.Repeat("State of Kerala v. Rajan K. Pillai and others; ", 15)),
		"long reason": kochiCallback(t, "CB-5", "Registered as calendar case",
			strings.Repeat("Returned: the seizure mahazar is illegible. ", 60)),
		"no lineage": lineage.ReplaceAll(kochiCallback(t, "CB-6"), nil),
	}
	for name, body := range cases {
		status, reply := postCourtXML(t, w.url, "courts", body)
		if status != http.StatusAccepted {
			t.Errorf("%s: status %d, want 202; body %s", name, status, reply)
			continue
		}
		var res struct {
			MessageID string `json:"message_id"`
		}
		if err := json.Unmarshal(reply, &res); err != nil {
			t.Fatal(err)
		}
		if j := settledJourney(t, w.url, res.MessageID); j.Status != "delivered" {
			t.Errorf("%s: journey status %s, want delivered: %+v", name, j.Status, j.Deliveries)
		}
	}
	if n := len(w.agency.station.Received()); n != len(cases) {
		t.Errorf("station received %d notifications, want %d", n, len(cases))
	}
}

func TestMalformedCourtCallbacksRejected(t *testing.T) {
	w := newWorld(t, Config{}, 3)
	cases := []struct {
		name    string
		body    []byte
		pointer string
	}{
		{"CNR of the wrong form", kochiCallback(t, "CB-1", "KLER010001232024", "KLER01-BAD"),
			"/RecordDocketingCallbackMessage/CriminalCase/CaseTrackingID"},
		{"lineage naming no case", kochiCallback(t, "CB-2",
			"<nc:CaseTrackingID>FIR/KL/EKM/1234/2024/123</nc:CaseTrackingID>", ""),
			"/RecordDocketingCallbackMessage/CriminalCase/CaseAugmentation/CaseLineageCase/CaseTrackingID"},
	}
	for _, c := range cases {
		status, reply := postCourtXML(t, w.url, "courts", c.body)
		if status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400; body %s", c.name, status, reply)
			continue
		}
		if !bytes.Contains(reply, []byte(`"`+c.pointer+`"`)) {
			t.Errorf("%s: errors do not point at %s: %s", c.name, c.pointer, reply)
		}
	}
	var found struct {
		Messages []json.RawMessage `json:"messages"`
	}
	getJSON(t, w.url, "/api/v1/messages?source=courts", &found)
	if len(found.Messages) != 0 {
		t.Errorf("journal holds %d court messages after rejected ones", len(found.Messages))
	}
}

func TestSecondOriginalReportConflicts(t *testing.T) {
	w := newWorld(t, Config{}, 3)
	doc := sample(t, "chargesheet-2023-ipc")
	status, first, body := post(t, w.url, "police", doc)
	if status != http.StatusAccepted {
		t.Fatalf("first report: status %d, body %s", status, body)
	}

	second := editJSON(t, doc, func(m map[string]any) { m["message_id"] = "second-original" })
	status, _, body = post(t, w.url, "police", second)
	if status != http.StatusConflict {
		t.Fatalf("second original: status %d, want 409; body %s", status, body)
	}
	var p problem.Problem
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	if !hasViolation(p, "/fir", courtfiling.RuleOriginalReportExists) {
		t.Errorf("errors = %+v, want %s at /fir", p.Errors, courtfiling.RuleOriginalReportExists)
	}
	if !strings.Contains(string(body), first.MessageID) {
		t.Errorf("problem does not name the original report %s: %s", first.MessageID, body)
	}

	supplementary := editJSON(t, doc, func(m map[string]any) {
		m["message_id"], m["report_type"], m["supplementary_number"] = "supplementary-1", "supplementary", 1
	})
	if status, _, body = post(t, w.url, "police", supplementary); status != http.StatusAccepted {
		t.Errorf("supplementary report: status %d, want 202; body %s", status, body)
	}
}

// registrationRoutes sends court registrations to the mock station and
// final reports nowhere, so that the mock court sends no callback of
// its own.
func registrationRoutes(a *agencies) []byte {
	return []byte(fmt.Sprintf(`
version: test
destinations:
  - name: ecourts-kerala
    agency: courts
    url: %s/ecf
    timeout: 2s
  - name: cctns-kerala
    agency: police
    url: %s/notifications
    timeout: 2s
routes:
  - name: court-registration-to-police
    when: message.type == "court_registration" && message.source == "courts"
    to: [cctns-kerala]
`, a.courtURL, a.stationURL))
}

// reportCallback is kochiCallback from court KLER10 that registers
// filing, the hub's id of the police sample
// chargesheet-2025-bns-malayalam with FIR number fir, as case cnr.
func reportCallback(t *testing.T, id, filing string, fir int, cnr string) []byte {
	t.Helper()
	return kochiCallback(t, id,
		"01J6ZK8Q5V3S7T9X1Y4B6N8M0A", filing,
		"<nc:Date>2024-09-03</nc:Date>", "<nc:Date>2025-12-03</nc:Date>",
		"<nc:Date>2024-10-01</nc:Date>", "<nc:Date>2026-01-05</nc:Date>",
		">KLER01<", ">KLER10<",
		">KLER010001232024<", ">"+cnr+"<",
		"FIR/KL/EKM/1234/2024/123", fmt.Sprintf("FIR/KL/EKM/EKM0412/2025/%d", fir))
}

// fileReport posts the police sample chargesheet-2025-bns-malayalam
// with message id id and FIR number fir, and returns its hub id.
func fileReport(t *testing.T, hubURL, id string, fir int) string {
	t.Helper()
	report := editJSON(t, sample(t, "chargesheet-2025-bns-malayalam"), func(m map[string]any) {
		m["message_id"] = id
		m["fir"].(map[string]any)["number"] = fir
	})
	status, filed, body := post(t, hubURL, "police", report)
	if status != http.StatusAccepted {
		t.Fatalf("final report %s: status %d, body %s", id, status, body)
	}
	return filed.MessageID
}

// postAtOnce posts each body to the hub as the courts at the same
// moment and returns the statuses and response bodies.
func postAtOnce(t *testing.T, hubURL string, bodies [][]byte) ([]int, [][]byte) {
	t.Helper()
	statuses := make([]int, len(bodies))
	replies := make([][]byte, len(bodies))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, body := range bodies {
		wg.Go(func() {
			<-start
			resp, err := http.Post(hubURL+"/api/v1/inbound/courts", "application/xml",
				bytes.NewReader(body))
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			replies[i], _ = io.ReadAll(resp.Body)
			statuses[i] = resp.StatusCode
		})
	}
	close(start)
	wg.Wait()
	return statuses, replies
}

// startRegistrationHub starts the mock agencies and a hub with cfg and
// registrationRoutes, and returns the hub's URL and the agencies.
func startRegistrationHub(t *testing.T, cfg Config) (string, *agencies) {
	t.Helper()
	var hubURL atomic.Value
	hubURL.Store("")
	ag := startAgencies(t, func() string { return hubURL.Load().(string) })
	cfg.Routes = registrationRoutes(ag)
	cfg.DataDir = t.TempDir()
	h := startHub(t, cfg)
	url := "http://" + h.Addr()
	hubURL.Store(url)
	return url, ag
}

func TestSimultaneousRegistrationsSQLite(t *testing.T) {
	testSimultaneousRegistrations(t, Config{})
}

func TestSimultaneousRegistrationsPostgres(t *testing.T) {
	testSimultaneousRegistrations(t, Config{PostgresDSN: postgresDSN(t)})
}

// testSimultaneousRegistrations files final reports and posts callbacks
// that register each under its own CNR, all at once: one callback per
// report is accepted and the others get 409 registered-elsewhere naming
// the accepted one's CNR. Callbacks that give one report a single CNR,
// posted at once, are all accepted.
func testSimultaneousRegistrations(t *testing.T, cfg Config) {
	url, ag := startRegistrationHub(t, cfg)

	const rounds, callbacks = 5, 4
	notices := 0
	for round := range rounds {
		fir := 1187 + round
		filing := fileReport(t, url, fmt.Sprintf("EKM0412-FR-RACE-%d", round), fir)
		var bodies [][]byte
		for i := range callbacks {
			cnr := fmt.Sprintf("KLER1000%04d2026", 11+round*callbacks+i)
			bodies = append(bodies, reportCallback(t, fmt.Sprintf("KLER10-CB-RACE-%d-%d", round, i),
				filing, fir, cnr))
		}
		statuses, replies := postAtOnce(t, url, bodies)

		winner := -1
		for i, status := range statuses {
			if status == http.StatusAccepted {
				if winner >= 0 {
					t.Errorf("round %d: callbacks %d and %d both accepted", round, winner, i)
				}
				winner = i
			}
		}
		if winner < 0 {
			t.Errorf("round %d: no callback accepted: statuses %v", round, statuses)
			continue
		}
		notices++
		cnr := fmt.Sprintf("KLER1000%04d2026", 11+round*callbacks+winner)
		for i, status := range statuses {
			if i == winner {
				continue
			}
			if status != http.StatusConflict {
				t.Errorf("round %d: callback %d: status %d, want 409; body %s", round, i, status, replies[i])
				continue
			}
			var p problem.Problem
			if err := json.Unmarshal(replies[i], &p); err != nil {
				t.Fatal(err)
			}
			if !hasViolation(p, "/RecordDocketingCallbackMessage/CriminalCase/CaseTrackingID",
				courtfiling.RuleRegisteredElsewhere) {
				t.Errorf("round %d: callback %d: errors %+v, want %s", round, i, p.Errors,
					courtfiling.RuleRegisteredElsewhere)
			}
			if !bytes.Contains(replies[i], []byte(cnr)) {
				t.Errorf("round %d: callback %d: conflict does not name the accepted CNR %s: %s",
					round, i, cnr, replies[i])
			}
		}
	}

	// One report's callbacks with one CNR are all taken.
	filing := fileReport(t, url, "EKM0412-FR-RACE-SAME", 1187+rounds)
	var bodies [][]byte
	for i := range callbacks {
		bodies = append(bodies, reportCallback(t, fmt.Sprintf("KLER10-CB-SAME-%d", i),
			filing, 1187+rounds, "KLER100000992026"))
	}
	statuses, replies := postAtOnce(t, url, bodies)
	for i, status := range statuses {
		if status != http.StatusAccepted {
			t.Errorf("callback %d with the same CNR: status %d, want 202; body %s", i, status, replies[i])
			continue
		}
		notices++
	}

	waitFor(t, "the station's notices", func() bool {
		return len(ag.station.Received()) >= notices
	})
	time.Sleep(200 * time.Millisecond)
	if n := len(ag.station.Received()); n != notices {
		t.Errorf("station received %d notices, want %d, one per accepted callback", n, notices)
	}
}

func TestReturnAfterRegistrationSQLite(t *testing.T) {
	testReturnAfterRegistration(t, Config{})
}

func TestReturnAfterRegistrationPostgres(t *testing.T) {
	testReturnAfterRegistration(t, Config{PostgresDSN: postgresDSN(t)})
}

// testReturnAfterRegistration has the court register a final report
// under the CNR of the prisons' release report and return it after
// that. The return is accepted and reaches the station, and the release
// that names the case by that CNR alone then gets no FIR, with a reason
// that names the return.
func testReturnAfterRegistration(t *testing.T, cfg Config) {
	url, ag := startRegistrationHub(t, cfg)

	filing := fileReport(t, url, "EKM0412-FR-RETURN-1", 1187)
	code, reg, body := postXML(t, url, "courts", reportCallback(t, "KLER10-CB-R1", filing, 1187, releaseCNR))
	if code != http.StatusAccepted {
		t.Fatalf("registration: status %d, %s", code, body)
	}
	returned := bytes.Replace(reportCallback(t, "KLER10-CB-R2", filing, 1187, releaseCNR),
		[]byte(">accepted<"), []byte(">RETURNED<"), 1)
	code, ret, body := postXML(t, url, "courts", returned)
	if code != http.StatusAccepted {
		t.Fatalf("return after registration: status %d, want 202; %s", code, body)
	}
	waitFor(t, "both notifications at the station", func() bool { return len(ag.station.Received()) == 2 })
	notice := document(t, ag.station.Received()[1].Body)
	if status, _ := notice["status"].(string); !strings.EqualFold(status, "returned") {
		t.Errorf("second notification status %v, want returned: %v", notice["status"], notice)
	}

	code, res, body := postXML(t, url, "prisons",
		readTestdata(t, "../../adapters/prisons/testdata/release_report.xml"))
	if code != http.StatusAccepted {
		t.Fatalf("release: status %d, %s", code, body)
	}
	c := settledJourney(t, url, res.MessageID).Message.Movement.Prisoner.Cases[0]
	if c.FIR != nil || c.FIRResolvedFrom != "" {
		t.Errorf("release case FIR %+v from %q, want none after the return", c.FIR, c.FIRResolvedFrom)
	}
	for _, want := range []string{"after registering it", reg.MessageID, ret.MessageID} {
		if !strings.Contains(c.FIRUnresolved, want) {
			t.Errorf("unresolved reason %q does not contain %q", c.FIRUnresolved, want)
		}
	}
}
