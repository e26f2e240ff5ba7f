package hub

import (
	"net/http"
	"strings"
	"testing"
)

// TestHubLogMasksAadhaar sends requests that put an Aadhaar number in a
// path, a query, a header and a routes document, and checks that the
// hub's log has each line with the number masked.
func TestHubLogMasksAadhaar(t *testing.T) {
	log, logs := capturedLog()
	w := newWorld(t, Config{Log: log}, 3)

	requests := []struct {
		method, path, contentType string
		status                    int
	}{
		{"POST", "/api/v1/inbound/4918%207362%205403", "application/json", http.StatusNotFound},
		{"POST", "/api/v1/inbound/police", "application/json; charset=4918 7362 5403",
			http.StatusUnsupportedMediaType},
		{"GET", "/api/v1/messages/4918%207362%205403", "", http.StatusBadRequest},
		{"GET", "/api/v1/messages?case_key=491873625403", "", http.StatusOK},
		{"GET", "/api/v1/deadletters?4918%207362%205403=1", "", http.StatusBadRequest},
		{"GET", "/api/v1/verifications/491873625403", "", http.StatusNotFound},
		{"PUT", "/api/v1/routes", "application/json", http.StatusBadRequest},
	}
	for _, r := range requests {
		body := `{}`
		if r.method == "PUT" {
			// A routes document with an unknown field that is a number.
			body = `{"expect": 1, "by": "ops",
				"document": "destinations: []\nroutes: []\n4918 7362 5403: 1\n"}`
		}
		req, err := http.NewRequest(r.method, w.url+r.path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if r.contentType != "" {
			req.Header.Set("Content-Type", r.contentType)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != r.status {
			t.Errorf("%s %s: status %d, want %d", r.method, r.path, resp.StatusCode, r.status)
		}
	}

	for _, want := range []string{
		`msg="inbound message for an unknown agency rejected" agency=XXXXXXXX5403`,
		`content_type="application/json; charset=XXXXXXXX5403"`,
		`path=/api/v1/messages/XXXXXXXX5403`,
		`query.case_key=XXXXXXXX5403`,
		`query.XXXXXXXX5403=1`,
		`path=/api/v1/verifications/XXXXXXXX5403`,
		`first="line 3: the key contains XXXXXXXX5403`,
	} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log does not contain %s:\n%s", want, logs.String())
		}
	}
	if strings.Contains(logs.String(), "7362") {
		t.Errorf("log contains an Aadhaar number in clear:\n%s", logs.String())
	}
}
