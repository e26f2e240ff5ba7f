package passport_test

import (
	"slices"
	"testing"

	"github.com/sangam-hub/sangam/adapters/internal/jsondoctest"
	"github.com/sangam-hub/sangam/adapters/passport"
)

func TestDecodePostedHubFields(t *testing.T) {
	tests := []struct {
		name  string
		doc   string
		edits map[string]any
		want  []violation
	}{
		{"hub message id", "request_fresh", map[string]any{"/hub_message_id": "01K6H2Q8X7"},
			[]violation{{"/hub_message_id", "hub-only"}}},
		{"source agency", "request_fresh", map[string]any{"/source_agency": "passport"},
			[]violation{{"/source_agency", "hub-only"}}},
		{"envelope and request hub fields", "request_fresh", map[string]any{
			"/hub_message_id": "01K6H2Q8X7", "/source_agency": "passport", "/police_station": "EKM0412",
		}, []violation{
			{"/hub_message_id", "hub-only"}, {"/police_station", "hub-only"}, {"/source_agency", "hub-only"},
		}},
		{"hub fields and due before request", "request_fresh", map[string]any{
			"/source_agency": "passport", "/hub_message_id": "01K6H2Q8X7", "/due_on": "2025-09-29",
		}, []violation{
			{"/due_on", "chronology"}, {"/hub_message_id", "hub-only"}, {"/source_agency", "hub-only"},
		}},
		{"hub message id of the wrong type", "request_fresh", map[string]any{"/hub_message_id": 7},
			[]violation{{"/hub_message_id", "hub-only"}}},
		{"report with source agency", "report_clear", map[string]any{"/source_agency": "police"},
			[]violation{{"/source_agency", "hub-only"}}},
	}
	a := newAdapter(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := a.DecodePosted(edit(t, tt.doc, tt.edits), passport.ContentType)
			if got := jsondoctest.ViolationsOf(t, err); !slices.Equal(got, tt.want) {
				t.Errorf("violations = %v, want %v\n%v", got, tt.want, err)
			}
			if len(d.Messages) != 0 {
				t.Errorf("messages = %+v, want none", d.Messages)
			}
		})
	}
}

// TestDecodeHubSentRequest checks that Decode, which also reads the
// requests that the hub sends on, accepts the envelope members that
// only the hub sets, and that DecodePosted accepts a request without
// them.
func TestDecodeHubSentRequest(t *testing.T) {
	a := newAdapter(t)
	sent := edit(t, "request_fresh", map[string]any{
		"/hub_message_id": "01K6H2Q8X7", "/source_agency": "passport",
	})
	d, err := a.Decode(sent, passport.ContentType)
	if err != nil {
		t.Fatalf("Decode of a request the hub sent: %v", err)
	}
	if len(d.Messages) != 1 {
		t.Errorf("Decode returned %d messages, want 1", len(d.Messages))
	}
	if _, err := a.DecodePosted(inputs(t)["request_fresh"], passport.ContentType); err != nil {
		t.Errorf("DecodePosted of a request without hub fields: %v", err)
	}
}
