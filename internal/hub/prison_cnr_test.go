package hub

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/movementclaim"
	"github.com/sangam-hub/sangam/internal/problem"
	"github.com/sangam-hub/sangam/routes"
)

// The CNR by which the NIEM custody release report names its case, and
// the FIR of that case, FIR 1187/2025 of station EKM0412.
const (
	releaseCNR = "KLER100011872025"
	releaseFIR = "FIR/KL/EKM/EKM0412/2025/1187"
)

// postXML sends an XML body to the hub as agency and decodes the
// response.
func postXML(t *testing.T, hubURL, agency string, body []byte) (int, api.InboundResponse, []byte) {
	t.Helper()
	resp, err := http.Post(hubURL+"/api/v1/inbound/"+agency, "application/xml", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var out api.InboundResponse
	if resp.StatusCode < 300 {
		if err := json.Unmarshal(data, &out); err != nil {
			t.Fatalf("decoding answer %s: %v", data, err)
		}
	}
	return resp.StatusCode, out, data
}

// readTestdata returns a file of an adapter's testdata with each old
// string of replace replaced by the string after it.
func readTestdata(t *testing.T, path string, replace ...string) []byte {
	t.Helper()
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return []byte(strings.NewReplacer(replace...).Replace(string(body)))
}

// matched returns the routes that matched in j.
func matched(j journal.Journey) []string {
	var out []string
	for _, d := range j.Routing {
		if d.Matched {
			out = append(out, d.Route)
		}
	}
	return out
}

// TestReleaseByCNRReachesFIRStation posts the court's registration of
// FIR 1187/2025 of EKM0412 under a CNR, then a prison's release that
// names the case by that CNR alone. With the default routes the release
// reaches EKM0412, with the FIR that the hub took from the registration.
// A release under a CNR the hub has not seen goes to the district police
// office, with the reason in its case.
func TestReleaseByCNRReachesFIRStation(t *testing.T) {
	w := newVerificationWorld(t, Config{Routes: routes.DefaultDocument()})
	callback := readTestdata(t, "../../adapters/courts/testdata/kochi_callback.xml",
		"KLER010001232024", releaseCNR, "FIR/KL/EKM/1234/2024/123", releaseFIR,
		"KL-EKM-1234-2024-000123", "32EKM0412202501187")
	code, reg, body := postXML(t, w.url, "courts", callback)
	if code != http.StatusAccepted {
		t.Fatalf("court registration: status %d, %s", code, body)
	}

	code, res, body := postXML(t, w.url, "prisons",
		readTestdata(t, "../../adapters/prisons/testdata/release_report.xml"))
	if code != http.StatusAccepted {
		t.Fatalf("release: status %d, %s", code, body)
	}
	j := settledJourney(t, w.url, res.MessageID)
	if got := matched(j); !slices.Contains(got, "release-or-escape-to-ekm0412") {
		t.Errorf("release matched %v, want release-or-escape-to-ekm0412", got)
	}
	if j.Status != "delivered" {
		t.Errorf("release journey %s, deliveries %+v", j.Status, j.Deliveries)
	}
	if j.CaseKey != releaseFIR {
		t.Errorf("release case key %s, want the FIR's %s", j.CaseKey, releaseFIR)
	}
	c := j.Message.Movement.Prisoner.Cases[0]
	if c.FIR == nil || c.FIR.Key() != releaseFIR || c.CNR != releaseCNR {
		t.Errorf("journaled case = %+v, want CNR %s with %s", c, releaseCNR, releaseFIR)
	}
	if c.FIRResolvedFrom != reg.MessageID {
		t.Errorf("FIR resolved from %q, want the registration %s", c.FIRResolvedFrom, reg.MessageID)
	}
	if n := len(w.ekm0412.Movements()); n != 1 {
		t.Fatalf("station EKM0412 received %d movements, want the release", n)
	}
	delivered := document(t, w.ekm0412.Movements()[0].Body)
	cases := delivered["prisoner"].(map[string]any)["cases"].([]any)
	fir, _ := cases[0].(map[string]any)["fir"].(map[string]any)
	if fir["police_station"] != "EKM0412" || fir["number"] != 1187.0 {
		t.Errorf("delivered case = %v, want FIR 1187 of EKM0412", cases[0])
	}
	if n := len(w.district.Movements()); n != 0 {
		t.Errorf("district office received %d movements of a release that reached its station", n)
	}

	unknownCNR := "KLER100055552025"
	code, res, body = postXML(t, w.url, "prisons",
		readTestdata(t, "../../adapters/prisons/testdata/release_report.xml",
			releaseCNR, unknownCNR, "B-2025-1822", "B-2025-1900"))
	if code != http.StatusAccepted {
		t.Fatalf("release under an unknown CNR: status %d, %s", code, body)
	}
	j = settledJourney(t, w.url, res.MessageID)
	if got := matched(j); !slices.Equal(got, []string{"release-or-escape-without-station-route"}) {
		t.Errorf("release under an unknown CNR matched %v, want the catch-all", got)
	}
	c = j.Message.Movement.Prisoner.Cases[0]
	if c.FIR != nil || !strings.Contains(c.FIRUnresolved, unknownCNR) {
		t.Errorf("case = %+v, want no FIR and a reason that names %s", c, unknownCNR)
	}
	waitFor(t, "the release at the district office", func() bool { return len(w.district.Movements()) == 1 })
	if n := len(w.ekm0412.Movements()); n != 1 {
		t.Errorf("station EKM0412 received %d movements, want only the first release", n)
	}
}

// TestReleaseResentAcrossSecondRejected posts the release report, then
// the same release under another booking number with its time 0.4
// seconds earlier, in the second before. The hub's movement guard names
// it the same movement, because the two claim different seconds.
func TestReleaseResentAcrossSecondRejected(t *testing.T) {
	h := startHub(t, Config{Routes: []byte("version: no-routes\ndestinations: []\nroutes: []\n"),
		DataDir: t.TempDir()})
	url := "http://" + h.Addr()
	const path = "../../adapters/prisons/testdata/release_report.xml"
	code, res, body := postXML(t, url, "prisons", readTestdata(t, path))
	if code != http.StatusAccepted {
		t.Fatalf("release: status %d, %s", code, body)
	}
	code, _, body = postXML(t, url, "prisons", readTestdata(t, path, "B-2025-1822", "B-2025-1900",
		"2025-10-18T17:45:00+05:30", "2025-10-18T17:44:59.6+05:30"))
	if code != http.StatusConflict {
		t.Fatalf("release resent 0.4 seconds earlier: status %d, want 409; %s", code, body)
	}
	var p problem.Problem
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Errors) != 1 || p.Errors[0].Rule != movementclaim.RuleMovementExists {
		t.Errorf("errors %+v, want one %s", p.Errors, movementclaim.RuleMovementExists)
	}
	if !strings.Contains(string(body), res.MessageID) {
		t.Errorf("the problem does not name the first release %s: %s", res.MessageID, body)
	}
	var found api.FindResponse
	getJSON(t, url, "/api/v1/messages?source=prisons", &found)
	if len(found.Messages) != 1 {
		t.Errorf("the journal holds %d releases, want 1", len(found.Messages))
	}
}
