package hub

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/problem"
	"github.com/sangam-hub/sangam/internal/verification"
	"github.com/sangam-hub/sangam/mocks/police"
)

// TestSecondRequestForOpenFileConflicts posts a request, resends it, and
// posts another request with a new message id for the same passport
// file while the first has no report.
func TestSecondRequestForOpenFileConflicts(t *testing.T) {
	w := newVerificationWorld(t, Config{})
	w.ekm0420.Answer(police.Answering{HubURL: w.url, Outcome: police.AnswerSilent})
	first := freshRequest(t, "RPO-7", "CO1075120400007")
	code, res, body := post(t, w.url, "passport", first)
	if code != http.StatusAccepted {
		t.Fatalf("request: status %d, %s", code, body)
	}

	code, resent, body := post(t, w.url, "passport", first)
	if code != http.StatusOK {
		t.Errorf("resent request: status %d, want 200; %s", code, body)
	}
	if resent.MessageID != res.MessageID {
		t.Errorf("resent request answered as %s, want the original %s", resent.MessageID, res.MessageID)
	}

	code, _, body = post(t, w.url, "passport", freshRequest(t, "RPO-8", "CO1075120400007"))
	if code != http.StatusConflict {
		t.Fatalf("second request: status %d, want 409; %s", code, body)
	}
	var p problem.Problem
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	if !hasViolation(p, "/file_number", verification.RuleOpenRequest) {
		t.Errorf("no %s violation at /file_number in %+v", verification.RuleOpenRequest, p.Errors)
	}
	if !strings.Contains(string(body), "RPO-7") {
		t.Errorf("body %s does not name the open request RPO-7", body)
	}
	if p.Retryable {
		t.Error("409 retryable, want not: a station has the open request, so a post again conflicts too")
	}

	// An explanation of the second request shows the same conflict.
	var explained problem.Problem
	status := sendJSON(t, http.MethodPost, w.url+"/api/v1/routes/explain", api.ExplainRequest{
		Agency: "passport", Body: string(freshRequest(t, "RPO-8", "CO1075120400007")),
		ContentType: "application/json"}, &explained)
	if status != http.StatusConflict {
		t.Fatalf("explaining the second request: status %d, want 409", status)
	}
	if !hasViolation(explained, "/file_number", verification.RuleOpenRequest) {
		t.Errorf("no %s violation at /file_number in the explanation's %+v",
			verification.RuleOpenRequest, explained.Errors)
	}

	// The first request's message id with another file number is a
	// reused id, in an explanation as in a post.
	reused := freshRequest(t, "RPO-7", "CO1075120400008")
	var explainedReuse problem.Problem
	status = sendJSON(t, http.MethodPost, w.url+"/api/v1/routes/explain", api.ExplainRequest{
		Agency: "passport", Body: string(reused), ContentType: "application/json"}, &explainedReuse)
	if status != http.StatusConflict || len(explainedReuse.Errors) != 1 ||
		explainedReuse.Errors[0].Rule != api.RuleMessageIDReused {
		t.Errorf("explaining a reused id: status %d, errors %+v, want 409 with rule %s",
			status, explainedReuse.Errors, api.RuleMessageIDReused)
	}
	if code, _, body := post(t, w.url, "passport", reused); code != http.StatusConflict {
		t.Errorf("posting a reused id: status %d, want 409; %s", code, body)
	}
}
