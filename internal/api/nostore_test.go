package api_test

import (
	"net/http"
	"testing"
)

func TestResponsesNotStored(t *testing.T) {
	f := newFixture(t, 0)
	posted := f.post(t, "/api/v1/inbound/police", firBody(t, "EKM0412-FIR-90", nil))
	in := decodeInbound(t, posted)

	responses := map[string]response{
		"POST inbound":        posted,
		"POST invalid body":   f.post(t, "/api/v1/inbound/police", []byte("{")),
		"GET journey":         f.get(t, "/api/v1/messages/"+in.MessageID),
		"GET messages":        f.get(t, "/api/v1/messages?source=police"),
		"GET dead letters":    f.get(t, "/api/v1/deadletters"),
		"GET unknown journey": f.get(t, "/api/v1/messages/"+unknownID),
		"GET no endpoint":     f.get(t, "/api/v1/nothing-here"),
		"GET health":          f.get(t, "/healthz"),
	}
	if r := responses["GET journey"]; r.status != http.StatusOK {
		t.Fatalf("GET journey: status %d, want 200: %s", r.status, r.body)
	}
	for name, r := range responses {
		if got := r.header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s (status %d): Cache-Control = %q, want no-store", name, r.status, got)
		}
	}
}
