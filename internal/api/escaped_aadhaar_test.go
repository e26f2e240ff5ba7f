package api_test

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// escapedNumber is the valid Aadhaar number 2818 3658 4927 as digits.
const escapedNumber = "281836584927"

// goEscape and percentEscape match an escape that Go's %q or a JSON
// encoder writes, behind any number of backslashes, and a percent-escape
// behind any number of %25, for clearDigits.
var (
	goEscape      = regexp.MustCompile(`\\+(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|x([0-9a-fA-F]{2}))`)
	percentEscape = regexp.MustCompile(`%(?:25)*([0-9a-fA-F]{2})`)
)

// clearDigits returns the ASCII digits of s, each escape read as the
// character it writes, so that a number whose digits escapes part or
// write shows as a run of digits. The hex digits of an escape are not
// digits of the text, so they are dropped.
func clearDigits(s string) string {
	digitOf := func(hex string) string {
		v, err := strconv.ParseUint(hex, 16, 32)
		if err == nil && v >= '0' && v <= '9' {
			return string(rune(v))
		}
		return ""
	}
	s = goEscape.ReplaceAllStringFunc(s, func(escape string) string {
		m := goEscape.FindStringSubmatch(escape)
		return digitOf(m[1] + m[2] + m[3])
	})
	s = percentEscape.ReplaceAllStringFunc(s, func(escape string) string {
		return digitOf(percentEscape.FindStringSubmatch(escape)[1])
	})
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// wantNoEscapedNumber fails the test when a line of text shows
// escapedNumber, whatever escapes or invisible characters part its
// digits.
func wantNoEscapedNumber(t *testing.T, label, text string) {
	t.Helper()
	for _, line := range strings.Split(text, "\n") {
		if strings.Contains(clearDigits(line), escapedNumber) {
			t.Errorf("%s shows %s in clear: %s", label, escapedNumber, line)
		}
	}
}

// TestErrorsMaskEscapedAadhaar checks that responses and log lines mask
// an Aadhaar number whose digits invisible characters part. Quoting the
// value writes them as escapes such as \u200b, whose hex digits touch
// the number's digits.
func TestErrorsMaskEscapedAadhaar(t *testing.T) {
	h := newSampleHub(t, true)
	// The value parts the groups, or each digit, with characters that
	// show as nothing: the zero-width space, the word joiner, the soft
	// hyphen and a tag character, which %q writes as \U000e0020.
	spaced := "2818%E2%80%8B3658%E2%81%A04927"
	digits := "2%C2%AD8%C2%AD1%C2%AD8%F3%A0%80%A03658%E2%80%8B4927"
	for _, tc := range []struct{ method, path, token string }{
		{"GET", "/api/v1/messages?after=" + spaced, operatorToken},
		{"GET", "/api/v1/messages?limit=" + digits, operatorToken},
		{"GET", "/api/v1/deadletters?after=" + spaced, operatorToken},
		{"GET", "/api/v1/deadletters?destination=" + spaced, operatorToken},
		{"GET", "/api/v1/deadletters?route=" + digits, operatorToken},
		{"GET", "/api/v1/deadletters?from=" + spaced, operatorToken},
		{"GET", "/api/v1/verifications?state=" + spaced, operatorToken},
		{"GET", "/api/v1/verifications?after=" + digits, operatorToken},
		{"GET", "/api/v1/verifications?overdue=" + spaced, operatorToken},
		{"GET", "/api/v1/verifications/" + spaced, passportToken},
		{"GET", "/api/v1/routes/versions/" + digits, operatorToken},
		{"GET", "/api/v1/routes/versions?before=" + spaced, operatorToken},
		{"POST", "/api/v1/inbound/" + digits, policeToken},
		{"POST", "/api/v1/inbound/" + spaced, operatorToken},
	} {
		r := send(t, tc.method, h.url+tc.path, tc.token, nil)
		if r.status < 400 {
			t.Errorf("%s %s: status %d, want an error", tc.method, tc.path, r.status)
		}
		wantNoEscapedNumber(t, tc.method+" "+tc.path, string(r.body))
	}
	for _, field := range []string{"destination", "route", "from", "to"} {
		for _, value := range []string{`2818\u200b3658\u200b4927`, `2\u20608\u200b18 3658\u00ad4927`} {
			body := `{"` + field + `": "` + value + `", "limit": 1}`
			r := send(t, http.MethodPost, h.url+"/api/v1/deadletters/replay", operatorToken, []byte(body))
			if r.status < 400 {
				t.Errorf("replay %s: status %d, want an error", body, r.status)
			}
			wantNoEscapedNumber(t, "replay "+body, string(r.body))
		}
	}
	wantNoEscapedNumber(t, "log", h.logText())
}

// TestLogMasksAadhaarLimit checks that a number in a request body that
// the log writes as a number, not as text, is masked too.
func TestLogMasksAadhaarLimit(t *testing.T) {
	h := newSampleHub(t, true)
	body := []byte(`{"all": true, "limit": ` + escapedNumber + `}`)
	r := send(t, http.MethodPost, h.url+"/api/v1/deadletters/replay", operatorToken, body)
	if r.status < 400 {
		t.Errorf("status %d, want an error for the limit", r.status)
	}
	wantNoEscapedNumber(t, "response", string(r.body))
	logs := h.logText()
	if !strings.Contains(logs, "XXXXXXXX4927") {
		t.Errorf("log lacks the masked limit XXXXXXXX4927:\n%s", logs)
	}
	wantNoEscapedNumber(t, "log", logs)
}

// TestErrorsMaskPercentEscapedAadhaar checks that digits written as
// percent-escapes, which the server decodes only once from a doubly
// encoded URL, are masked in the response and the log.
func TestErrorsMaskPercentEscapedAadhaar(t *testing.T) {
	h := newSampleHub(t, true)
	encoded := "%2532%2538%2531%2538%2533%2536%2535%2538%2534%2539%2532%2537"
	for _, path := range []string{
		"/api/v1/messages/" + encoded,
		"/api/v1/messages?case_key=" + encoded,
		"/api/v1/messages?case_key=" + strings.ToLower(encoded) + "&limit=x",
	} {
		r := send(t, http.MethodGet, h.url+path, operatorToken, nil)
		wantNoEscapedNumber(t, "GET "+path, string(r.body))
	}
	wantNoEscapedNumber(t, "log", h.logText())
}

// logText returns the log written so far.
func (h *sampleHub) logText() string {
	h.logs.mu.Lock()
	defer h.logs.mu.Unlock()
	return h.logs.buf.String()
}
