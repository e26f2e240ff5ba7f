package api_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/problem"
)

// postAs posts body to the inbound endpoint of agency with token.
func postAs(t *testing.T, base, agency, token string, body []byte) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+"/api/v1/inbound/"+agency,
		bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST inbound/%s: %v", agency, err)
	}
	return readResponse(t, resp)
}

func TestInboundUnknownAgencyBeforeGrant(t *testing.T) {
	h := newSampleHub(t, true)
	fir := firBody(t, "ACCESS-FIR-1", nil)
	for _, token := range []string{operatorToken, policeToken, strangerToken} {
		r := postAs(t, h.url, "nosuch", token, fir)
		p := wantProblem(t, r, problem.UnknownAgency)
		for _, want := range []string{`unknown agency "nosuch"`,
			"known agencies are courts, passport, police, prisons"} {
			if !strings.Contains(p.Detail, want) {
				t.Errorf("token %s: detail %q lacks %q", token, p.Detail, want)
			}
		}
	}
}

func TestInboundKnownAgencyWrongToken(t *testing.T) {
	h := newSampleHub(t, true)
	fir := firBody(t, "ACCESS-FIR-2", nil)
	for _, token := range []string{operatorToken, prisonsToken} {
		r := postAs(t, h.url, "police", token, fir)
		p := wantProblem(t, r, problem.Forbidden)
		if want := "may not post messages as agency police"; !strings.Contains(p.Detail, want) {
			t.Errorf("token %s: detail %q lacks %q", token, p.Detail, want)
		}
	}
}

func TestInboundUnknownAgencyNeedsToken(t *testing.T) {
	h := newSampleHub(t, true)
	r := postAs(t, h.url, "nosuch", "", firBody(t, "ACCESS-FIR-3", nil))
	wantProblem(t, r, problem.Unauthenticated)
}
