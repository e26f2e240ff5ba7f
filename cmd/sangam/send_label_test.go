package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// problemHub responds to every post with status and the problem body.
func problemHub(t *testing.T, status int, body string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "0")
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestSendLabelsResponseClass checks the label that starts the error of
// each class of response, and that of these only the 400 is called
// invalid input.
func TestSendLabelsResponseClass(t *testing.T) {
	tests := []struct {
		name   string
		status int
		errors string
		want   string
		exit   int
	}{
		{"document outside the token's scope", http.StatusForbidden,
			`[{"pointer":"/fir/police_station","rule":"station-scope","message":"not this station"}]`,
			"sangam send: forbidden: hub responded with HTTP 403", exitInvalid},
		{"token of another agency", http.StatusForbidden, `[]`,
			"sangam send: forbidden: hub responded with HTTP 403", exitSetup},
		{"missing token", http.StatusUnauthorized, `[]`,
			"sangam send: unauthorized: hub responded with HTTP 401", exitSetup},
		{"unknown agency", http.StatusNotFound, `[]`,
			"sangam send: not found: hub responded with HTTP 404", exitSetup},
		{"conflict", http.StatusConflict, `[]`,
			"sangam send: conflict: hub responded with HTTP 409", exitInvalid},
		{"invalid", http.StatusBadRequest, `[]`,
			"sangam send: invalid input: hub responded with HTTP 400", exitInvalid},
		{"busy", http.StatusServiceUnavailable, `[]`,
			"sangam send: busy, not stored: hub responded with HTTP 503", exitNotStored},
		{"proxy error", http.StatusBadGateway, `[]`,
			"sangam send: hub error, not stored: hub responded with HTTP 502", exitNotStored},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			url := problemHub(t, tc.status, `{"type":"urn:sangam:problem:test","title":"Test",`+
				`"detail":"test answer","errors":`+tc.errors+`}`)
			code, out := sendTo(t, url, "--retries", "0")
			if code != tc.exit {
				t.Errorf("exit code %d, want %d: %s", code, tc.exit, out)
			}
			if !strings.Contains(out, tc.want) {
				t.Errorf("output %q, want it to contain %q", out, tc.want)
			}
			if tc.status != http.StatusBadRequest && strings.Contains(out, "invalid input") {
				t.Errorf("HTTP %d called invalid input: %s", tc.status, out)
			}
		})
	}
}

// TestSendPrintsSingleErrorOnce checks that an error that repeats the
// problem's detail is printed once, with its rule.
func TestSendPrintsSingleErrorOnce(t *testing.T) {
	const reused = `sender message id "FIR-1" was used before for other content`
	tests := []struct {
		name, body, sentence, rule string
		status                     int
	}{
		{"reused message id", `{"type":"urn:sangam:problem:conflict","title":"Conflict",` +
			`"detail":"` + strings.ReplaceAll(reused, `"`, `\"`) + `; nothing was stored",` +
			`"errors":[{"pointer":"","rule":"message-id-reused","message":"` +
			strings.ReplaceAll(reused, `"`, `\"`) + `"}]}`,
			reused, "message-id-reused", http.StatusConflict},
		{"malformed body", `{"type":"urn:sangam:problem:malformed-message","title":"Malformed",` +
			`"detail":"unexpected end of JSON input; nothing was stored",` +
			`"errors":[{"pointer":"","rule":"malformed","message":"unexpected end of JSON input"}]}`,
			"unexpected end of JSON input", "malformed", http.StatusBadRequest},
		{"other station", `{"type":"urn:sangam:problem:forbidden","title":"Not allowed",` +
			`"detail":"/fir/police_station: not this station; nothing was stored",` +
			`"errors":[{"pointer":"/fir/police_station","rule":"station-scope","message":"not this station"}]}`,
			"not this station", "station-scope", http.StatusForbidden},
		{"other station, detail without pointer", `{"type":"urn:sangam:problem:forbidden",` +
			`"title":"Not allowed","detail":"not this station; nothing was stored",` +
			`"errors":[{"pointer":"/fir/police_station","rule":"station-scope","message":"not this station"}]}`,
			"not this station", "station-scope", http.StatusForbidden},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, out := sendTo(t, problemHub(t, tc.status, tc.body), "--retries", "0")
			if n := strings.Count(out, tc.sentence); n != 1 {
				t.Errorf("the sentence %q is printed %d times, want once:\n%s", tc.sentence, n, out)
			}
			if !strings.Contains(out, "("+tc.rule+")") {
				t.Errorf("output does not name the rule %s:\n%s", tc.rule, out)
			}
			if tc.status == http.StatusForbidden && !strings.Contains(out, "/fir/police_station: "+tc.sentence) {
				t.Errorf("output does not give the pointer before the sentence:\n%s", out)
			}
		})
	}
}
