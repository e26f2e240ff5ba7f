package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/journal"
)

// oneRecord returns the attributes of the only record with message msg,
// or fails t.
func oneRecord(t *testing.T, rf *routesFixture, msg string) map[string]string {
	t.Helper()
	records := rf.logs.withMessage(msg)
	if len(records) != 1 {
		t.Fatalf("%d records %q, want 1: %v", len(records), msg, records)
	}
	return records[0]
}

// wantLoopback fails t unless attrs name the client's loopback address
// as remote.
func wantLoopback(t *testing.T, attrs map[string]string) {
	t.Helper()
	if !strings.HasPrefix(attrs["remote"], "127.0.0.1:") {
		t.Errorf("remote %q, want the client's loopback address", attrs["remote"])
	}
}

func TestListingReadLogsQuery(t *testing.T) {
	for _, tc := range []struct{ path, query string }{
		{"/api/v1/messages?limit=5&case_key=FIR%2F1", "[case_key=FIR/1 limit=5]"},
		{"/api/v1/deadletters?destination=station&reason=a&reason=b",
			"[destination=station reason=[a b]]"},
		{"/api/v1/messages/" + unknownID, ""},
	} {
		rf := newRoutesFixture(t, twoDestinationRoutes)
		rf.get(t, tc.path)
		line := oneRecord(t, rf, "journal read")
		if line["query"] != tc.query {
			t.Errorf("GET %s: query %q, want %q", tc.path, line["query"], tc.query)
		}
	}
}

func TestExplainStoredLogsMessageID(t *testing.T) {
	rf := newRoutesFixture(t, twoDestinationRoutes)
	r := rf.post(t, "/api/v1/inbound/police", firBody(t, "EKM0412-FIR-980", nil))
	if r.status != http.StatusAccepted {
		t.Fatalf("posting a FIR: status %d, want 202; body %s", r.status, r.body)
	}
	messageID := decodeInbound(t, r).MessageID

	r = rf.post(t, "/api/v1/routes/explain", []byte(`{"message_id": "`+messageID+`"}`))
	if r.status != http.StatusOK {
		t.Fatalf("explain: status %d, want 200; body %s", r.status, r.body)
	}
	if line := oneRecord(t, rf, "journal read"); line["message_id"] != messageID {
		t.Errorf("message_id %q, want %q", line["message_id"], messageID)
	}
}

func TestReplayRejectedLogged(t *testing.T) {
	rf := newRoutesFixture(t, twoDestinationRoutes)
	r := rf.post(t, "/api/v1/deadletters/replay", []byte(`{"destination": "station", "limit": 0}`))
	if r.status != http.StatusBadRequest {
		t.Fatalf("status %d, want 400; body %s", r.status, r.body)
	}
	line := oneRecord(t, rf, "replay requested")
	if line["status"] != "400" {
		t.Errorf("status %q, want 400", line["status"])
	}
	if line["filter"] != "[destination=station limit=0]" {
		t.Errorf("filter %q, want [destination=station limit=0]", line["filter"])
	}
	if !strings.HasPrefix(line["error"], "limit: invalid value 0") {
		t.Errorf("error %q, want the limit's rule", line["error"])
	}
	wantLoopback(t, line)
}

func TestReplayMatchingNothingLogged(t *testing.T) {
	rf := newRoutesFixture(t, twoDestinationRoutes)
	r := rf.post(t, "/api/v1/deadletters/replay", []byte(`{"destination": "station", "route": "fir-to-station"}`))
	if r.status != http.StatusOK {
		t.Fatalf("status %d, want 200; body %s", r.status, r.body)
	}
	line := oneRecord(t, rf, "replay requested")
	if line["replays"] != "0" {
		t.Errorf("replays %q, want 0", line["replays"])
	}
	if line["filter"] != "[destination=station route=fir-to-station]" {
		t.Errorf("filter %q, want [destination=station route=fir-to-station]", line["filter"])
	}
	wantLoopback(t, line)
}

func TestReplayLogsRemote(t *testing.T) {
	rf := newRoutesFixture(t, twoDestinationRoutes)
	ids := rf.postFIRTo(t, "EKM0412-FIR-981")
	rf.settle(t, ids["station"], journal.StatusDead)

	r := rf.post(t, "/api/v1/deliveries/"+ids["station"]+"/replay", nil)
	if r.status != http.StatusCreated {
		t.Fatalf("status %d, want 201; body %s", r.status, r.body)
	}
	wantLoopback(t, oneRecord(t, rf, "delivery replayed"))
	line := oneRecord(t, rf, "replay requested")
	if line["replays"] != "1" || line["status"] != "201" {
		t.Errorf("replays %q status %q, want 1 and 201", line["replays"], line["status"])
	}
	wantLoopback(t, line)
}
