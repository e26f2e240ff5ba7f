package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/problem"
)

// listDeadLetters gets path, a dead letter listing, and decodes its 200.
func listDeadLetters(t *testing.T, rf *routesFixture, path string) api.DeadLettersResponse {
	t.Helper()
	r := rf.get(t, path)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: status %d, want 200; body %s", path, r.status, r.body)
	}
	var out api.DeadLettersResponse
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatalf("GET %s: decoding %s: %v", path, r.body, err)
	}
	return out
}

func deadLetterIDs(letters []journal.DeadLetter) []string {
	ids := []string{}
	for _, l := range letters {
		ids = append(ids, l.ID)
	}
	return ids
}

func TestDeadLettersPages(t *testing.T) {
	rf := newRoutesFixture(t, twoDestinationRoutes)
	for i := range 5 {
		ids := rf.postFIRTo(t, fmt.Sprintf("EKM0412-FIR-95%d", i))
		rf.settle(t, ids["station"], journal.StatusDead)
	}
	checkPages(t, "/api/v1/deadletters?destination=station", func(t *testing.T, path string) ([]string, string) {
		page := listDeadLetters(t, rf, path)
		return deadLetterIDs(page.DeadLetters), page.Next
	})
}

func TestDeadLettersRejectInvalidAfter(t *testing.T) {
	rf := newRoutesFixture(t, twoDestinationRoutes)
	ids := rf.postFIRTo(t, "EKM0412-FIR-960")
	for _, after := range []string{"no-such-delivery", ids["station"]} {
		p := wantProblem(t, rf.get(t, "/api/v1/deadletters?after="+after), problem.BadRequest)
		if !strings.HasPrefix(p.Detail, "after: invalid value") {
			t.Errorf("after=%s: detail %q, want it to start with after: invalid value", after, p.Detail)
		}
	}
}

func TestDeadLettersLimitZero(t *testing.T) {
	rf := newRoutesFixture(t, twoDestinationRoutes)
	ids := rf.postFIRTo(t, "EKM0412-FIR-961")
	rf.settle(t, ids["station"], journal.StatusDead)
	before := rf.countDeliveries(t)

	p := wantProblem(t, rf.get(t, "/api/v1/deadletters?limit=0"), problem.BadRequest)
	want := "limit: invalid value \"0\": want a whole number from 1 to 1000, or leave limit out for 100"
	if p.Detail != want {
		t.Errorf("GET limit=0: detail %q, want %q", p.Detail, want)
	}

	p = wantProblem(t, rf.post(t, "/api/v1/deadletters/replay",
		[]byte(`{"destination": "station", "limit": 0}`)), problem.Invalid)
	want = "limit: invalid value 0: want a whole number from 1 to 1000, or leave limit out for 100"
	if len(p.Errors) != 1 || p.Errors[0].Message != want {
		t.Errorf("POST limit 0: errors %+v, want one with message %q", p.Errors, want)
	}
	if after := rf.countDeliveries(t); after != before {
		t.Errorf("deliveries = %d after a replay with limit 0, want %d", after, before)
	}

	r := rf.post(t, "/api/v1/deadletters/replay", []byte(`{"destination": "station"}`))
	if r.status != http.StatusOK {
		t.Fatalf("POST without limit: status %d, want 200; body %s", r.status, r.body)
	}
	var out api.ReplayResponse
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
	if len(out.Replays) != 1 {
		t.Errorf("POST without limit replayed %d, want 1", len(out.Replays))
	}
}

func TestReplayManyLimitNotWholeNumber(t *testing.T) {
	rf := newRoutesFixture(t, twoDestinationRoutes)
	for _, limit := range []string{"1.5", `"5"`, "1e3", "true"} {
		body := `{"destination": "station", "limit": ` + limit + `}`
		p := wantProblem(t, rf.post(t, "/api/v1/deadletters/replay", []byte(body)), problem.BadRequest)
		want := "invalid JSON body: limit: invalid value " + limit +
			": want a whole number from 1 to 1000, or leave limit out for 100"
		if p.Detail != want {
			t.Errorf("POST %s: detail %q, want %q", body, p.Detail, want)
		}
	}
}

// TestJSONBodiesNameFieldAndRule sends bodies of the wrong JSON types to
// each endpoint that decodes a JSON body: each error names the field and
// what it takes, in JSON terms instead of Go's.
func TestJSONBodiesNameFieldAndRule(t *testing.T) {
	rf := newRoutesFixture(t, twoDestinationRoutes)
	for _, tc := range []struct {
		method, path, body, want string
	}{
		{http.MethodPost, "/api/v1/deadletters/replay", `{"destination": "station", "force": "yes"}`,
			"invalid JSON body: force: invalid value: got a JSON string, want true or false"},
		{http.MethodPost, "/api/v1/deadletters/replay", `{"destination": ["station"]}`,
			"invalid JSON body: destination: invalid value: got a JSON array, want a string"},
		{http.MethodPost, "/api/v1/deadletters/replay", `{"destination": "station", "nope": 1}`,
			"invalid JSON body: nope: unknown field: this body takes force, by, dry_run, destination, " +
				"route, reason, from, to, limit, all"},
		{http.MethodPost, "/api/v1/deadletters/replay", `["station"]`,
			"invalid JSON body: got a JSON array, want an object"},
		{http.MethodPost, "/api/v1/deadletters/replay", `{"destination": "station"`,
			"invalid JSON body: the body ends inside a JSON value"},
		{http.MethodPost, "/api/v1/deliveries/" + unknownID + "/replay", `{"by": 5}`,
			"invalid JSON body: by: invalid value: got a JSON number, want a string"},
		{http.MethodPost, "/api/v1/deliveries/" + unknownID + "/replay", `{"limit": 5}`,
			"invalid JSON body: limit: unknown field: this body takes force, by"},
		{http.MethodPut, "/api/v1/routes", `{"document": "x", "expect": "1"}`,
			"invalid JSON body: expect: invalid value: got a JSON string, want a whole number"},
	} {
		r := send(t, tc.method, rf.url+tc.path, "", []byte(tc.body))
		p := wantProblem(t, r, problem.BadRequest)
		if !strings.HasPrefix(p.Detail, tc.want) {
			t.Errorf("%s %s %s: detail %q, want it to start with %q", tc.method, tc.path, tc.body,
				p.Detail, tc.want)
		}
		if strings.Contains(p.Detail, "Go ") || strings.Contains(p.Detail, "json:") {
			t.Errorf("%s %s %s: detail %q names Go's types", tc.method, tc.path, tc.body, p.Detail)
		}
	}
}

func TestDeadLettersUnknownNames(t *testing.T) {
	rf := newRoutesFixture(t, twoDestinationRoutes)
	records, _ := killRecords(t, rf)

	for _, tc := range []struct{ path, want string }{
		{"/api/v1/deadletters?destination=nope",
			`destination: "nope" is not a destination of the routes in force and no dead letter`},
		{"/api/v1/deadletters?route=fir-to-statoin",
			`route: "fir-to-statoin" is not a route of the routes in force and no dead letter`},
	} {
		p := wantProblem(t, rf.get(t, tc.path), problem.BadRequest)
		if !strings.HasPrefix(p.Detail, tc.want) {
			t.Errorf("GET %s: detail %q, want it to start with %q", tc.path, p.Detail, tc.want)
		}
	}

	// The records office is no longer in the routes, but its dead letters
	// stay listable, by destination and by route.
	for _, path := range []string{"/api/v1/deadletters?destination=records",
		"/api/v1/deadletters?route=fir-to-records"} {
		got := deadLetterIDs(listDeadLetters(t, rf, path).DeadLetters)
		if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(records))) {
			t.Errorf("GET %s = %v, want %v", path, got, records)
		}
	}
	// A known destination with nothing matching lists nothing.
	got := listDeadLetters(t, rf, "/api/v1/deadletters?destination=station&reason=no-such-reason")
	if len(got.DeadLetters) != 0 {
		t.Errorf("GET station with an unmatched reason = %v, want none", deadLetterIDs(got.DeadLetters))
	}
}

func TestDeadLettersTimeWithUnencodedPlus(t *testing.T) {
	rf := newRoutesFixture(t, twoDestinationRoutes)
	p := wantProblem(t, rf.get(t, "/api/v1/deadletters?from=2026-12-06T09:51:30+05:30"),
		problem.BadRequest)
	for _, want := range []string{`from: invalid time "2026-12-06T09:51:30 05:30"`, "%2B",
		"from=2026-12-06T09:51:30%2B05:30"} {
		if !strings.Contains(p.Detail, want) {
			t.Errorf("detail %q, want it to contain %q", p.Detail, want)
		}
	}
	p = wantProblem(t, rf.get(t, "/api/v1/deadletters?to=yesterday"), problem.BadRequest)
	if strings.Contains(p.Detail, "%2B") {
		t.Errorf("detail %q for a time without a space, want no word on %%2B", p.Detail)
	}
	listDeadLetters(t, rf, "/api/v1/deadletters?from=2026-12-06T09:51:30%2B05:30")
}

func TestReplayOfMessageIDListsDeadDeliveries(t *testing.T) {
	rf := newRoutesFixture(t, twoDestinationRoutes)
	r := rf.post(t, "/api/v1/inbound/police", firBody(t, "EKM0412-FIR-970", nil))
	if r.status != http.StatusAccepted {
		t.Fatalf("posting a FIR: status %d, want 202; body %s", r.status, r.body)
	}
	messageID := decodeInbound(t, r).MessageID

	p := wantProblem(t, rf.post(t, "/api/v1/deliveries/"+messageID+"/replay", nil), problem.NotFound)
	for _, want := range []string{"no delivery with id " + messageID, "journaled message",
		"none of its 2 deliveries is dead", "/api/v1/messages/" + messageID} {
		if !strings.Contains(p.Detail, want) {
			t.Errorf("detail with nothing dead %q, want it to contain %q", p.Detail, want)
		}
	}

	j, err := rf.store.Journey(t.Context(), messageID)
	if err != nil {
		t.Fatalf("reading journey: %v", err)
	}
	var station string
	for _, d := range j.Deliveries {
		if d.Destination == "station" {
			station = d.ID
		}
	}
	rf.settle(t, station, journal.StatusDead)
	p = wantProblem(t, rf.post(t, "/api/v1/deliveries/"+messageID+"/replay", nil), problem.NotFound)
	if want := "replay its dead deliveries by their ids: " + station; !strings.HasSuffix(p.Detail, want) {
		t.Errorf("detail %q, want it to end with %q", p.Detail, want)
	}

	p = wantProblem(t, rf.post(t, "/api/v1/deliveries/"+unknownID+"/replay", nil), problem.NotFound)
	if p.Detail != "no delivery with id "+unknownID {
		t.Errorf("detail for an unknown id %q, want only that no delivery has it", p.Detail)
	}
}
