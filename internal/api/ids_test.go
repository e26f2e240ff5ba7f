package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/problem"
)

// unknownID is a UUID that no message or delivery of a test has.
const unknownID = "0193c9e4-0000-7000-8000-000000000000"

func TestIDsNotUUIDsRejected(t *testing.T) {
	f := newRoutesFixture(t, twoDestinationRoutes)
	tests := []struct {
		name, field string
		send        func() response
	}{
		{"journey", "id", func() response { return f.get(t, "/api/v1/messages/not-a-uuid") }},
		{"replay", "id", func() response {
			return f.post(t, "/api/v1/deliveries/not-a-uuid/replay", nil)
		}},
		{"explain", "message_id", func() response {
			return f.post(t, "/api/v1/routes/explain", []byte(`{"message_id": "not-a-uuid"}`))
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := wantProblem(t, tc.send(), problem.BadRequest)
			if want := tc.field + `: invalid id "not-a-uuid": want a UUID`; !strings.HasPrefix(p.Detail, want) {
				t.Errorf("detail = %q, want it to start with %q", p.Detail, want)
			}
		})
	}
}

func TestIDsReadInUpperCase(t *testing.T) {
	rf := newRoutesFixture(t, twoDestinationRoutes)
	r := rf.post(t, "/api/v1/inbound/police", firBody(t, "EKM0412-FIR-UPPER", nil))
	messageID := decodeInbound(t, r).MessageID
	deliveries := rf.postFIRTo(t, "EKM0412-FIR-UPPER-2")

	r = rf.get(t, "/api/v1/messages/"+strings.ToUpper(messageID))
	if r.status != http.StatusOK {
		t.Errorf("journey in upper case: status %d, want 200; body %s", r.status, r.body)
	}
	r = rf.post(t, "/api/v1/routes/explain",
		[]byte(`{"message_id": "`+strings.ToUpper(messageID)+`"}`))
	if r.status != http.StatusOK {
		t.Errorf("explain in upper case: status %d, want 200; body %s", r.status, r.body)
	}
	// The delivery is pending, so a replay that finds it is a conflict.
	r = rf.post(t, "/api/v1/deliveries/"+strings.ToUpper(deliveries["station"])+"/replay", nil)
	wantProblem(t, r, problem.Conflict)
}
