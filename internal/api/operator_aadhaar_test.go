package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/problem"
)

// operatorAadhaarSpellings contain the Aadhaar-valid number 491873625403
// in the spellings that canonical.CheckOperatorText reports.
var operatorAadhaarSpellings = []string{
	"ops 4918 7362 5403",
	"ops-4918-7362-5403",
	"ops_491873625403",
}

// wantAadhaarViolation checks that p lists a violation of rule
// aadhaar-like at pointer whose message writes the number masked, and
// that body, the whole response, keeps no part of it in clear.
func wantAadhaarViolation(t *testing.T, p problem.Problem, body []byte, pointer string) {
	t.Helper()
	found := false
	for _, v := range p.Errors {
		if v.Pointer == pointer && v.Rule == canonical.RuleAadhaarLike {
			found = true
			if !strings.Contains(v.Message, "XXXXXXXX5403") {
				t.Errorf("message %q lacks the masked number", v.Message)
			}
		}
	}
	if !found {
		t.Errorf("errors %+v, want one of rule %s at %s", p.Errors, canonical.RuleAadhaarLike, pointer)
	}
	if strings.Contains(string(body), "7362") {
		t.Errorf("response shows the number in clear: %s", body)
	}
}

// wantLogsMasked checks that the log of h keeps no part of the number
// 491873625403 in clear beyond its last four digits, which masking
// keeps. It looks for the digits the masked form hides together with a
// neighbouring group, because four digits alone also turn up in the
// log's timestamps and ports.
func wantLogsMasked(t *testing.T, h *sampleHub) {
	t.Helper()
	h.logs.mu.Lock()
	logs := h.logs.buf.String()
	h.logs.mu.Unlock()
	for _, part := range []string{"49187362", "4918 7362", "4918-7362", "73625403", "7362 5403", "7362-5403"} {
		if strings.Contains(logs, part) {
			t.Errorf("log shows %q of the number in clear:\n%s", part, logs)
		}
	}
}

func TestRoutesChangeRejectsAadhaarInByAndComment(t *testing.T) {
	h := newSampleHub(t, true)
	for _, text := range operatorAadhaarSpellings {
		for _, tc := range []struct {
			pointer string
			change  api.RoutesChange
		}{
			{"/by", api.RoutesChange{Document: arrestRoutes, By: text}},
			{"/comment", api.RoutesChange{Document: arrestRoutes, Comment: "asked by " + text}},
		} {
			for _, dryRun := range []bool{true, false} {
				tc.change.Expect, tc.change.DryRun = 1, dryRun
				r := putRoutes(t, h.url, tc.change)
				p := wantProblem(t, r, problem.Invalid)
				wantAadhaarViolation(t, p, r.body, tc.pointer)
			}
		}
	}
	wantOneVersion(t, h.url)
	wantLogsMasked(t, h)
}

func TestReplayRejectsAadhaarInBy(t *testing.T) {
	h := newSampleHub(t, true)
	for _, text := range operatorAadhaarSpellings {
		body := []byte(`{"by": "` + text + `"}`)
		for _, path := range []string{"/api/v1/deliveries/" + unknownID + "/replay", "/api/v1/deadletters/replay"} {
			if strings.HasPrefix(path, "/api/v1/deadletters") {
				body = []byte(`{"destination": "registry", "by": "` + text + `"}`)
			}
			r := send(t, http.MethodPost, h.url+path, operatorToken, body)
			p := wantProblem(t, r, problem.Invalid)
			wantAadhaarViolation(t, p, r.body, "/by")
		}
	}
	wantLogsMasked(t, h)
}

func TestRoutesChangeRejectsAadhaarInDocument(t *testing.T) {
	h := newSampleHub(t, true)
	for pointer, doc := range map[string]string{
		"/routes/2/name": strings.Replace(arrestRoutes, "name: arrest-to-station",
			"name: arrest-to-station-4918-7362-5403", 1),
		"/routes/2/when": strings.Replace(arrestRoutes, `when: message.type == "arrest"`,
			`when: message.type == "arrest" && message.id != "4918 7362 5403"`, 1),
		// The hub's check of agencies quotes the agency on its own.
		"/destinations/2/agency": strings.Replace(arrestRoutes, "agency: prisons",
			"agency: prisons-491873625403", 1),
	} {
		for _, dryRun := range []bool{true, false} {
			r := putRoutes(t, h.url, api.RoutesChange{Document: doc, Expect: 1, DryRun: dryRun})
			p := wantProblem(t, r, problem.InvalidRoutes)
			wantAadhaarViolation(t, p, r.body, pointer)
		}
	}
	wantOneVersion(t, h.url)
	wantLogsMasked(t, h)
}
