package hub

import (
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/sangam-hub/sangam/internal/api/apitest"
	"github.com/sangam-hub/sangam/internal/auth"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/verification"
	"github.com/sangam-hub/sangam/mocks/police"
	"github.com/sangam-hub/sangam/routes"
)

// statusSchemaPointer is the JSON pointer of the schema of a
// verification status in the OpenAPI document.
const statusSchemaPointer = "/components/schemas/VerificationStatus"

// statusSchema returns the schema of a verification status from the
// OpenAPI document that the world's hub serves, with its objects closed
// so that a member the document does not list fails.
func (w *vworld) statusSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	if w.compiledStatusSchema != nil {
		return w.compiledStatusSchema
	}
	resp, err := http.Get(w.url + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	doc, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the OpenAPI document: %v", err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json: status %d", resp.StatusCode)
	}
	c, err := apitest.NewCompiler(doc)
	if err != nil {
		t.Fatal(err)
	}
	w.compiledStatusSchema, err = c.Compile(apitest.DocumentURL + "#" + statusSchemaPointer)
	if err != nil {
		t.Fatalf("compiling %s: %v", statusSchemaPointer, err)
	}
	return w.compiledStatusSchema
}

// checkStatusBody fails t unless body, the verification status of file,
// matches the OpenAPI document's schema of a status.
func (w *vworld) checkStatusBody(t *testing.T, file string, body []byte) {
	t.Helper()
	if err := apitest.Validate(w.statusSchema(t), body); err != nil {
		t.Fatalf("verification status of %s does not match %s: %v\nbody: %s",
			file, statusSchemaPointer, err, body)
	}
}

// TestVerificationStatusMatchesDocument takes one request through
// pending, escalated, reported late and reported again with another
// outcome. w.statusBody checks that each status matches the OpenAPI
// document. Together with the status of a replacing request, from a
// world whose routes send requests nowhere, the statuses must carry
// every member the document lists. The
// undelivered states are checked by the tests that reach them, which
// read them with w.status and so w.statusBody too.
func TestVerificationStatusMatchesDocument(t *testing.T) {
	// The default routes name the police unit of each station and
	// district office, which the status's deliveries need.
	w := newVerificationWorld(t, Config{Routes: routes.DefaultDocument()})
	const file = "CO1075120499961"
	code, res, body := post(t, w.url, "passport", freshRequest(t, "RPO-61", file))
	if code != http.StatusAccepted {
		t.Fatalf("request: status %d, %s", code, body)
	}
	seen := map[string]bool{}
	// read returns the status of file and records the members of its
	// JSON body in seen.
	read := func() verification.Status {
		body := w.statusBody(t, file)
		var members map[string]json.RawMessage
		if err := json.Unmarshal(body, &members); err != nil {
			t.Fatalf("decoding verification status of %s: %v", file, err)
		}
		for name := range members {
			seen[name] = true
		}
		var s verification.Status
		if err := json.Unmarshal(body, &s); err != nil {
			t.Fatalf("decoding verification status of %s: %v", file, err)
		}
		return s
	}

	var s verification.Status
	waitFor(t, "the request delivered", func() bool {
		s = read()
		return delivered(s.Deliveries, res.MessageID)
	})
	if s.State != verification.StatePending {
		t.Errorf("status before the due date = %s, want %s", s.State, verification.StatePending)
	}

	escalation := w.escalate(t)
	waitFor(t, "the escalation delivered", func() bool {
		s = read()
		return delivered(s.Deliveries, escalation)
	})
	if s.State != verification.StateEscalated {
		t.Errorf("status after the escalation = %s, want %s", s.State, verification.StateEscalated)
	}

	if _, err := w.ekm0420.Report(res.MessageID, police.AnswerClear); err != nil {
		t.Fatalf("station report: %v", err)
	}
	if s = read(); s.State != verification.StateReportedLate {
		t.Errorf("status after a late report = %s, want %s", s.State, verification.StateReportedLate)
	}
	// The mock station gives each of its reports on a request the same
	// message id, so the second report is written here.
	now := time.Now().Format(time.RFC3339)
	second, err := json.Marshal(map[string]any{
		"message_id": "PVR-SECOND-" + res.MessageID, "document_type": "verification_report",
		"sent_at": now, "in_reply_to": res.MessageID, "file_number": file,
		"outcome": "not_verified", "reason": "applicant not found at the present address",
		"police_station": "EKM0420", "reported_at": now,
		"officer": map[string]string{
			"name": "Anil Kumar P.", "rank": "Sub Inspector", "service_number": "KP-4471",
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if code, _, body := post(t, w.url, "police", second); code != http.StatusAccepted {
		t.Fatalf("second station report: status %d, %s", code, body)
	}
	if s = read(); len(s.EarlierReports) != 1 || !s.OutcomesDiffer {
		t.Errorf("after a second report with another outcome: earlier reports %+v, "+
			"outcomes_differ %t; want one, true", s.EarlierReports, s.OutcomesDiffer)
	}

	// A request that replaced one the routes sent to no destination names
	// the replaced one. Another world's routes send EKM0420's requests
	// nowhere.
	nowhere := newVerificationWorld(t, Config{Routes: defaultRoutesWith(t, [2]string{
		`message.verification_request.police_station == "EKM0420"`,
		`message.verification_request.police_station == "NO-SUCH-STATION"`,
	})})
	const strandedFile = "CO1075120499962"
	for _, id := range []string{"RPO-62", "RPO-63"} {
		if code, _, body := post(t, nowhere.url, "passport", freshRequest(t, id, strandedFile)); code != http.StatusAccepted {
			t.Fatalf("request %s: status %d, %s", id, code, body)
		}
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(nowhere.statusBody(t, strandedFile), &members); err != nil {
		t.Fatalf("decoding verification status of %s: %v", strandedFile, err)
	}
	for name := range members {
		seen[name] = true
	}

	documented := w.statusSchema(t).Properties
	var missing []string
	for name := range documented {
		if !seen[name] {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("no status carried the documented members %v", missing)
	}
}

// delivered reports whether ds has deliveries of message id and each of
// them was delivered.
func delivered(ds []verification.Delivery, id string) bool {
	n := 0
	for _, d := range ds {
		if d.MessageID != id {
			continue
		}
		if d.Status != journal.StatusDelivered {
			return false
		}
		n++
	}
	return n > 0
}

// TestVerificationStatusAccess reads a status through a hub with tokens:
// the passport office and an operator may, another agency's token gets
// 403, and no token or an unknown one gets 401.
func TestVerificationStatusAccess(t *testing.T) {
	tokens, err := auth.Parse(stationTokenFile("[EKM0412]"))
	if err != nil {
		t.Fatal(err)
	}
	w := newVerificationWorld(t, Config{Tokens: tokens})
	const file = "CO1075120499962"
	code, body := postAs(t, w.url, "passport", "passport-token", freshRequest(t, "RPO-62", file))
	if code != http.StatusAccepted {
		t.Fatalf("request: status %d, %s", code, body)
	}
	for _, tc := range []struct {
		token string
		want  int
	}{
		{"passport-token", http.StatusOK},
		{"ops-token", http.StatusOK},
		{"bureau-token", http.StatusForbidden},
		{"no-such-token", http.StatusUnauthorized},
		{"", http.StatusUnauthorized},
	} {
		req, err := http.NewRequest(http.MethodGet, w.url+"/api/v1/verifications/"+file, nil)
		if err != nil {
			t.Fatal(err)
		}
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != tc.want {
			t.Errorf("token %q: status %d, want %d; %s", tc.token, resp.StatusCode, tc.want, body)
			continue
		}
		challenge := resp.Header.Get("WWW-Authenticate")
		if tc.want == http.StatusUnauthorized && challenge != `Bearer realm="sangam"` {
			t.Errorf("token %q: WWW-Authenticate %q, want the bearer challenge", tc.token, challenge)
		}
		if tc.want == http.StatusOK {
			w.checkStatusBody(t, file, body)
		}
		if got := resp.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("token %q: Cache-Control %q, want no-store", tc.token, got)
		}
	}
}
