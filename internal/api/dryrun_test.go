package api_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/problem"
)

// postDryRun posts body to path and returns the dry run's response.
func (rf *routesFixture) postDryRun(t *testing.T, path, body string) api.ReplayResponse {
	t.Helper()
	r := rf.post(t, path, []byte(body))
	if r.status != http.StatusOK {
		t.Fatalf("%s %s: status %d, want 200; body %s", path, body, r.status, r.body)
	}
	var out api.ReplayResponse
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
	if !out.DryRun {
		t.Errorf("%s %s: dry_run false in the response %s", path, body, r.body)
	}
	return out
}

// replayDead replays the dead delivery id and settles its replay as
// result, and returns the replay's id.
func (rf *routesFixture) replayDead(t *testing.T, id, result string) string {
	t.Helper()
	r := rf.post(t, "/api/v1/deliveries/"+id+"/replay", nil)
	if r.status != http.StatusCreated {
		t.Fatalf("replaying %s: status %d, want 201; body %s", id, r.status, r.body)
	}
	var out api.ReplayResponse
	if err := json.Unmarshal(r.body, &out); err != nil || len(out.Replays) != 1 {
		t.Fatalf("decoding replay %s: %v", r.body, err)
	}
	replay := out.Replays[0].Delivery.ID
	rf.settle(t, replay, result)
	return replay
}

func TestReplayDryRunListsWhatRunReplays(t *testing.T) {
	rf := newRoutesFixture(t, stationOnlyRoutes)
	first := rf.postFIRTo(t, "EKM0412-FIR-981")["station"]
	rf.settle(t, first, journal.StatusDead)
	// The second message's replay died too, so only that replay is
	// replayable.
	second := rf.postFIRTo(t, "EKM0412-FIR-982")["station"]
	rf.settle(t, second, journal.StatusDead)
	secondReplay := rf.replayDead(t, second, journal.StatusDead)
	// The third message reached the station by its replay.
	third := rf.postFIRTo(t, "EKM0412-FIR-983")["station"]
	rf.settle(t, third, journal.StatusDead)
	rf.replayDead(t, third, journal.StatusDelivered)
	// The fourth is beyond the limit of 2.
	fourth := rf.postFIRTo(t, "EKM0412-FIR-984")["station"]
	rf.settle(t, fourth, journal.StatusDead)
	// The fifth's replay is still pending, so only a forced run would
	// replay it again.
	fifth := rf.postFIRTo(t, "EKM0412-FIR-985")["station"]
	rf.settle(t, fifth, journal.StatusDead)
	rf.replayDead(t, fifth, journal.StatusPending)
	before := rf.countDeliveries(t)

	const filter = `"destination": "station", "limit": 2`
	out := rf.postDryRun(t, "/api/v1/deadletters/replay", `{`+filter+`, "dry_run": true}`)
	if got := rf.countDeliveries(t); got != before {
		t.Errorf("deliveries after the dry run: %d, want %d", got, before)
	}
	if len(out.Replays) != 0 {
		t.Errorf("replays of the dry run: %+v, want none", out.Replays)
	}
	would := deadLetterIDs(out.WouldReplay)
	if want := []string{first, secondReplay}; !slices.Equal(would, want) {
		t.Errorf("would_replay %v, want %v", would, want)
	}
	skipped := map[string]int{}
	for _, sk := range out.Skipped {
		if sk.Destination != "station" {
			t.Errorf("skipped %+v, want destination station", sk)
		}
		skipped[sk.Reason] += sk.DeadLetters
	}
	if len(skipped) != 3 {
		t.Errorf("skipped %+v, want three reasons", out.Skipped)
	}
	if n := skipped[api.SkippedBeyondLimit]; n != 1 {
		t.Errorf("skipped beyond the limit: %d, want 1 (the fourth)", n)
	}
	// Of those replayed before, only the fifth would be replayed by a
	// forced run: the second's replay and the third's delivery stand in
	// for them.
	if n := skipped[api.SkippedReplayedBefore]; n != 1 {
		t.Errorf("skipped as replayed before: %d, want 1 (the fifth)", n)
	}
	other := 0
	for reason, n := range skipped {
		if reason != api.SkippedBeyondLimit && reason != api.SkippedReplayedBefore {
			other += n
		}
	}
	if other != 2 {
		t.Errorf("skipped for another reason: %d, want 2 (the second and third)", other)
	}

	r := rf.post(t, "/api/v1/deadletters/replay", []byte(`{`+filter+`}`))
	if r.status != http.StatusOK {
		t.Fatalf("the run: status %d, want 200; body %s", r.status, r.body)
	}
	var run api.ReplayResponse
	if err := json.Unmarshal(r.body, &run); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
	replayed := make([]string, 0, len(run.Replays))
	for _, res := range run.Replays {
		replayed = append(replayed, res.Of)
	}
	slices.Sort(replayed)
	slices.Sort(would)
	if !slices.Equal(replayed, would) {
		t.Errorf("the run replayed %v, want %v as its dry run listed", replayed, would)
	}
	// The run leaves out what its dry run listed as left out, and reports it.
	if !slices.Equal(run.Skipped, out.Skipped) {
		t.Errorf("skipped of the run %+v, want %+v as its dry run listed", run.Skipped, out.Skipped)
	}
}

func TestReplayOneDryRun(t *testing.T) {
	rf := newRoutesFixture(t, stationOnlyRoutes)
	dead := rf.postFIRTo(t, "EKM0412-FIR-985")["station"]
	rf.settle(t, dead, journal.StatusDead)
	replayed := rf.postFIRTo(t, "EKM0412-FIR-986")["station"]
	rf.settle(t, replayed, journal.StatusDead)
	replay := rf.replayDead(t, replayed, journal.StatusDead)
	pending := rf.postFIRTo(t, "EKM0412-FIR-987")["station"]
	before := rf.countDeliveries(t)
	path := func(id string) string { return "/api/v1/deliveries/" + id + "/replay" }

	out := rf.postDryRun(t, path(dead), `{"dry_run": true}`)
	if got := deadLetterIDs(out.WouldReplay); !slices.Equal(got, []string{dead}) {
		t.Errorf("would_replay of a dead letter: %v, want [%s]", got, dead)
	}
	if len(out.Replays) != 0 {
		t.Errorf("replays of a dead letter's dry run: %+v, want none", out.Replays)
	}

	out = rf.postDryRun(t, path(replayed), `{"dry_run": true}`)
	if len(out.WouldReplay) != 0 {
		t.Errorf("would_replay of a replayed dead letter: %v, want none", deadLetterIDs(out.WouldReplay))
	}
	if len(out.Replays) != 1 || !out.Replays[0].Existing || out.Replays[0].Delivery.ID != replay {
		t.Errorf("replays of a replayed dead letter: %+v, want its replay %s as existing",
			out.Replays, replay)
	}
	out = rf.postDryRun(t, path(replayed), `{"dry_run": true, "force": true}`)
	if got := deadLetterIDs(out.WouldReplay); !slices.Equal(got, []string{replayed}) {
		t.Errorf("would_replay of a forced dry run: %v, want [%s]", got, replayed)
	}

	wantProblem(t, rf.post(t, path(pending), []byte(`{"dry_run": true}`)), problem.Conflict)
	wantProblem(t, rf.post(t, path(unknownID), []byte(`{"dry_run": true}`)), problem.NotFound)
	if got := rf.countDeliveries(t); got != before {
		t.Errorf("deliveries after the dry runs: %d, want %d", got, before)
	}
}

// TestReplayAlreadyReplayedFollowsChain replays a dead letter whose
// replay died and was replayed in turn and delivered. The response, and
// that of its dry run, returns the first replay as existing with the
// delivered one as latest.
func TestReplayAlreadyReplayedFollowsChain(t *testing.T) {
	rf := newRoutesFixture(t, stationOnlyRoutes)
	dead := rf.postFIRTo(t, "EKM0412-FIR-988")["station"]
	rf.settle(t, dead, journal.StatusDead)
	first := rf.replayDead(t, dead, journal.StatusDead)
	second := rf.replayDead(t, first, journal.StatusDead)
	third := rf.replayDead(t, second, journal.StatusDelivered)
	path := "/api/v1/deliveries/" + dead + "/replay"

	r := rf.post(t, path, nil)
	if r.status != http.StatusOK {
		t.Fatalf("replaying %s again: status %d, want 200; body %s", dead, r.status, r.body)
	}
	var real api.ReplayResponse
	if err := json.Unmarshal(r.body, &real); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
	dry := rf.postDryRun(t, path, `{"dry_run": true}`)
	for name, out := range map[string]api.ReplayResponse{"replay": real, "dry run": dry} {
		if len(out.Replays) != 1 {
			t.Fatalf("%s: replays %+v, want one", name, out.Replays)
		}
		got := out.Replays[0]
		if !got.Existing || got.Delivery.ID != first {
			t.Errorf("%s: replay %+v, want %s as existing", name, got, first)
		}
		if got.Latest == nil || got.Latest.ID != third {
			t.Errorf("%s: latest %+v, want %s", name, got.Latest, third)
			continue
		}
		if got.Latest.Status != journal.StatusDelivered {
			t.Errorf("%s: latest status %q, want %q", name, got.Latest.Status, journal.StatusDelivered)
		}
	}
}
