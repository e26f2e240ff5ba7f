package hub

import (
	"io"
	"net/http"
	"testing"
)

func TestVerificationStatusNotStored(t *testing.T) {
	w := newVerificationWorld(t, Config{})
	code, _, out := post(t, w.url, "passport", passportSample(t, "request-fresh"))
	if code != http.StatusAccepted {
		t.Fatalf("posting the request: status %d, %s", code, out)
	}
	for _, path := range []string{
		"/api/v1/verifications/CO1075120411325",
		"/api/v1/verifications/CO1075129999999",
		"/api/v1/messages",
	} {
		resp, err := http.Get(w.url + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if path == "/api/v1/verifications/CO1075120411325" && resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: status %d, want 200: %s", path, resp.StatusCode, body)
		}
		if got := resp.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("GET %s (status %d): Cache-Control = %q, want no-store", path, resp.StatusCode, got)
		}
	}
}
