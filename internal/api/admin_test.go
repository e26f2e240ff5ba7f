package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/problem"
)

// putRoutes sends change to PUT /api/v1/routes with the operator's token.
func putRoutes(t *testing.T, base string, change api.RoutesChange) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, base+"/api/v1/routes",
		bytes.NewReader(jsonBody(t, change)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+operatorToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("PUT /api/v1/routes: %v", err)
	}
	return readResponse(t, resp)
}

func TestRoutesChangeRejectsUnknownAgency(t *testing.T) {
	h := newSampleHub(t, true)
	doc := strings.Replace(sampleRoutes, "name: registry\n    agency: police",
		"name: registry\n    agency: nosuch", 1)
	for _, dryRun := range []bool{true, false} {
		r := putRoutes(t, h.url, api.RoutesChange{Document: doc, Expect: 1, DryRun: dryRun})
		p := wantProblem(t, r, problem.Invalid)
		want := `destination "registry": agency: unknown agency "nosuch": ` +
			"known agencies are courts, passport, police, prisons"
		var messages []string
		for _, v := range p.Errors {
			messages = append(messages, v.Message)
		}
		if !strings.Contains(strings.Join(messages, "\n"), want) {
			t.Errorf("dry run %v: errors %q lack %q", dryRun, messages, want)
		}
	}
	wantOneVersion(t, h.url)
}

func TestRoutesChangeListsEveryProblem(t *testing.T) {
	h := newSampleHub(t, true)
	doc := strings.Replace(sampleRoutes, "name: station\n    agency: police",
		"name: station\n    agency: nosuch\n    max_attempts: 100000000\n    timeout: 1h", 1)
	r := putRoutes(t, h.url, api.RoutesChange{Document: doc, Expect: 1, DryRun: true})
	p := wantProblem(t, r, problem.Invalid)
	var messages []string
	for _, v := range p.Errors {
		messages = append(messages, v.Message)
	}
	for _, want := range []string{
		`destination "station": max_attempts 100000000 is out of range: want 1 to 100`,
		`destination "station": timeout 1h0m0s is out of range: want more than 0s and at most 5m0s`,
		`destination "station": agency: unknown agency "nosuch"`,
	} {
		if !strings.Contains(strings.Join(messages, "\n"), want) {
			t.Errorf("errors %q lack %q", messages, want)
		}
	}
	wantOneVersion(t, h.url)
}

// wantOneVersion fails t unless the routes store still has only version 1.
func wantOneVersion(t *testing.T, base string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+"/api/v1/routes/versions", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+operatorToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET /api/v1/routes/versions: %v", err)
	}
	r := readResponse(t, resp)
	var list struct {
		Versions []json.RawMessage `json:"versions"`
	}
	if err := json.Unmarshal(r.body, &list); err != nil {
		t.Fatalf("decoding versions: %v; body %s", err, r.body)
	}
	if len(list.Versions) != 1 {
		t.Errorf("%d routes versions, want 1: %s", len(list.Versions), r.body)
	}
}
