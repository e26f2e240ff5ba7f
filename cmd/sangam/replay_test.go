package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/api"
)

// replayHub records the replay requests it receives and responds with
// no replays.
type replayHub struct {
	paths  []string
	bodies []api.ReplayManyRequest
}

func (h *replayHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var req api.ReplayManyRequest
	_ = json.Unmarshal(body, &req)
	h.paths = append(h.paths, r.URL.Path)
	h.bodies = append(h.bodies, req)
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"replays": []}`))
}

func TestReplayAllSendsAllFlag(t *testing.T) {
	hub := &replayHub{}
	srv := httptest.NewServer(hub)
	defer srv.Close()

	var stdout, stderr bytes.Buffer
	if code := run([]string{"replay", "--hub", srv.URL, "--all", "--limit", "7"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit code %d, want %d; stderr: %s", code, exitOK, stderr.String())
	}
	if len(hub.bodies) != 1 || hub.paths[0] != "/api/v1/deadletters/replay" {
		t.Fatalf("requests %v, want one to /api/v1/deadletters/replay", hub.paths)
	}
	if got := hub.bodies[0]; !got.All || got.Limit != 7 || got.Destination != "" {
		t.Errorf("request body %+v, want all with limit 7 and no destination", got)
	}
	if !strings.Contains(stdout.String(), "no dead letter to replay: the hub's journal has none") {
		t.Errorf("stdout = %q, want it to say no dead letter matched", stdout.String())
	}
}

// TestReplayUsageErrorSendsNothing checks that replay with flags it
// rejects exits 2 with a one-line error and sends no request.
func TestReplayUsageErrorSendsNothing(t *testing.T) {
	for _, c := range []struct {
		name  string
		flags []string
		want  []string // the error starts with want[0] and contains the rest
	}{
		{"without filter", nil, []string{"missing delivery ids or a filter", "--all"}},
		{"limit zero", []string{"--all", "--limit", "0"}, []string{"--limit: invalid value 0"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			hub := &replayHub{}
			srv := httptest.NewServer(hub)
			defer srv.Close()

			var stdout, stderr bytes.Buffer
			args := append([]string{"replay", "--hub", srv.URL}, c.flags...)
			if code := run(args, &stdout, &stderr); code != exitSetup {
				t.Errorf("exit code %d, want %d", code, exitSetup)
			}
			if len(hub.paths) != 0 {
				t.Errorf("requests %v, want none", hub.paths)
			}
			if prefix := "sangam replay: " + c.want[0]; !strings.HasPrefix(stderr.String(), prefix) {
				t.Errorf("stderr = %q, want it to start with %q", stderr.String(), prefix)
			}
			for _, want := range c.want[1:] {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("stderr = %q, want it to contain %q", stderr.String(), want)
				}
			}
			if strings.Contains(stderr.String(), "Usage:") {
				t.Errorf("stderr = %q, want the error without the usage", stderr.String())
			}
			if !strings.Contains(stderr.String(), "sangam replay -h") {
				t.Errorf("stderr = %q, want it to point to sangam replay -h", stderr.String())
			}
		})
	}
}

func TestReplayWithoutLimitLeavesItOut(t *testing.T) {
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(body))
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"replays": []}`))
	}))
	defer srv.Close()

	var stdout, stderr bytes.Buffer
	if code := run([]string{"replay", "--hub", srv.URL, "--all"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit code %d, want %d; stderr: %s", code, exitOK, stderr.String())
	}
	if len(bodies) != 1 || strings.Contains(bodies[0], "limit") {
		t.Errorf("request bodies %q, want one without limit, which the hub takes as 100", bodies)
	}
}

// replaysHub responds to every replay request with two replays.
func replaysHub(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"replays": [
			{"of": "d1", "delivery": {"id": "r1", "destination": "court"}},
			{"of": "d2", "delivery": {"id": "r2", "destination": "court"}}]}`))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestReplayAtLimitSaysMoreMayMatch(t *testing.T) {
	srv := replaysHub(t)
	cases := []struct {
		name string
		args []string
		want string // in stderr; "" for no warning
	}{
		{"limit reached", []string{"--limit", "2"}, "run the same command again"},
		{"forced at limit", []string{"--limit", "2", "--force"}, "narrow the filter with --from and --to"},
		{"below limit", []string{"--limit", "3"}, ""},
		{"below default limit", nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"replay", "--hub", srv.URL, "--destination", "court"}, c.args...)
			var stdout, stderr bytes.Buffer
			if code := run(args, &stdout, &stderr); code != exitOK {
				t.Fatalf("exit code %d, want %d; stderr: %s", code, exitOK, stderr.String())
			}
			if n := strings.Count(stdout.String(), " replayed as "); n != 2 {
				t.Errorf("stdout lists %d replays, want 2:\n%s", n, stdout.String())
			}
			if c.want == "" {
				if stderr.Len() != 0 {
					t.Errorf("stderr = %q, want nothing below the limit", stderr.String())
				}
				return
			}
			if !strings.Contains(stderr.String(), "more may match") {
				t.Errorf("stderr = %q, want it to say more dead letters may match", stderr.String())
			}
			if !strings.Contains(stderr.String(), c.want) {
				t.Errorf("stderr = %q, want it to say %q", stderr.String(), c.want)
			}
		})
	}
}

func TestReplayRejectsFromAfterTo(t *testing.T) {
	hub := &replayHub{}
	srv := httptest.NewServer(hub)
	defer srv.Close()

	var stdout, stderr bytes.Buffer
	args := []string{"replay", "--hub", srv.URL, "--from", "2025-12-02T00:00:00Z",
		"--to", "2025-12-01T00:00:00Z"}
	if code := run(args, &stdout, &stderr); code == exitOK {
		t.Errorf("exit code %d with --from after --to, want an error", code)
	}
	if len(hub.paths) != 0 {
		t.Errorf("requests %v, want none", hub.paths)
	}
	for _, flag := range []string{"--from", "--to"} {
		if !strings.Contains(stderr.String(), flag) {
			t.Errorf("stderr = %q, want it to name %s", stderr.String(), flag)
		}
	}
}

func TestReplayPrintsSkippedDestinations(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"replays": [], "skipped": [{"destination": "records",
			"dead_letters": 6, "reason": "the routes in force do not name the destination"}]}`))
	}))
	defer srv.Close()

	var stdout, stderr bytes.Buffer
	if code := run([]string{"replay", "--hub", srv.URL, "--all"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit code %d, want %d; stderr: %s", code, exitOK, stderr.String())
	}
	want := "skipped 6 dead letters to records: the routes in force do not name the destination"
	if !strings.Contains(stdout.String(), want) {
		t.Errorf("stdout = %q, want it to contain %q", stdout.String(), want)
	}
	if strings.Contains(stdout.String(), "no dead letters matched") {
		t.Errorf("stdout = %q, want no claim that nothing matched", stdout.String())
	}
}

func TestReplayShowsStatusOfEarlierReplay(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"replays": [{"of": "` + deadID1 + `", "existing": true,
			"delivery": {"id": "r1", "destination": "dpo", "status": "dead",
			"reason": "encoding failed: movement has no time"}}]}`))
	}))
	defer srv.Close()

	var stdout, stderr bytes.Buffer
	if code := run([]string{"replay", "--hub", srv.URL, deadID1}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit code %d; stderr: %s", code, stderr.String())
	}
	want := deadID1 + " already replayed as r1 to dpo (dead: encoding failed: movement has no time); " +
		"to try again, replay r1"
	if !strings.Contains(stdout.String(), want) {
		t.Errorf("stdout = %q, want %q", stdout.String(), want)
	}
}

func TestInvalidHubIsUsageError(t *testing.T) {
	for _, args := range [][]string{
		{"replay", "--hub", "", "--destination", "court"},
		{"routes", "history", "--hub", "127.0.0.1:8400"},
		{"send", "--hub", "ftp://127.0.0.1", "--agency", "police", "-"},
		{"routes", "history", "--hub", "http://127.0.0.1:8400/api"},
		{"routes", "history", "--hub", "http://127.0.0.1:8400?x=1"},
		{"replay", "--hub", "http://127.0.0.1:99999", "--destination", "court"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != exitSetup {
			t.Errorf("%v: exit code %d, want %d", args, code, exitSetup)
		}
		if !strings.Contains(stderr.String(), "--hub: invalid URL") {
			t.Errorf("%v: stderr %q, want it to name --hub", args, stderr.String())
		}
	}
}

// TestReplayGoesOnAfterUnknownID replays three ids of which the middle
// one is unknown to the hub: the third is still replayed, the unknown
// one is named on stderr, and the exit code is a failure.
func TestReplayGoesOnAfterUnknownID(t *testing.T) {
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.URL.Path)
		if r.URL.Path == "/api/v1/deliveries/"+deadID2+"/replay" {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"type": "urn:sangam:problem:not-found", "title": "Not found",
				"status": 404, "detail": "no delivery bad"}`))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"replays": []}`))
	}))
	defer srv.Close()

	var stdout, stderr bytes.Buffer
	code := run([]string{"replay", "--hub", srv.URL, deadID1, deadID2, deadID3}, &stdout, &stderr)
	if code == exitOK {
		t.Errorf("exit code %d, want a failure for the unknown id", code)
	}
	want := []string{"/api/v1/deliveries/" + deadID1 + "/replay",
		"/api/v1/deliveries/" + deadID2 + "/replay", "/api/v1/deliveries/" + deadID3 + "/replay"}
	if strings.Join(paths, " ") != strings.Join(want, " ") {
		t.Errorf("requests %v, want %v", paths, want)
	}
	if !strings.Contains(stderr.String(), deadID2+" not replayed") {
		t.Errorf("stderr = %q, want it to name the id not replayed", stderr.String())
	}
}

// TestReplayChecksByOnce gives replay an invalid --by and two ids: the
// error is printed once and the hub gets no request.
func TestReplayChecksByOnce(t *testing.T) {
	hub := &replayHub{}
	srv := httptest.NewServer(hub)
	defer srv.Close()

	var stdout, stderr bytes.Buffer
	args := []string{"replay", "--hub", srv.URL, "--by", " bad", deadID1, deadID2}
	if code := run(args, &stdout, &stderr); code != exitSetup {
		t.Errorf("exit code %d with an invalid --by, want %d", code, exitSetup)
	}
	if len(hub.paths) != 0 {
		t.Errorf("requests %v, want none", hub.paths)
	}
	if n := strings.Count(stderr.String(), "--by"); n != 1 {
		t.Errorf("stderr = %q, names --by %d times, want once", stderr.String(), n)
	}
}

// TestReplayOneUnknownIDPrintedOnce replays one id that the hub does not
// know: the error is printed once, naming the id.
func TestReplayOneUnknownIDPrintedOnce(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"type": "urn:sangam:problem:not-found", "title": "Not found",
			"status": 404, "detail": "no delivery with id ` + deadID1 + `"}`))
	}))
	defer srv.Close()

	code, _, errOut := runCLI(t, "replay", "--hub", srv.URL, deadID1)
	if code == exitOK {
		t.Errorf("exit code %d, want a failure for the unknown id", code)
	}
	if n := strings.Count(errOut, "no delivery with id "+deadID1); n != 1 {
		t.Errorf("stderr = %q, prints the error %d times, want once", errOut, n)
	}
	if !strings.HasPrefix(errOut, "sangam replay: "+deadID1+" not replayed: ") {
		t.Errorf("stderr = %q, want it to start with the id not replayed", errOut)
	}
}

// TestReplaySummarySingular replays by a filter with --limit 1 on a hub
// that replays one dead letter and skips one. Both output lines read
// "1 dead letter".
func TestReplaySummarySingular(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"replays": [{"of": "d1", "delivery": {"id": "r1",
			"destination": "dpo", "status": "pending"}}], "skipped": [{"destination": "records",
			"dead_letters": 1, "reason": "the routes in force do not name the destination"}]}`))
	}))
	defer srv.Close()

	code, out, errOut := runCLI(t, "replay", "--hub", srv.URL, "--all", "--limit", "1")
	if code != exitOK {
		t.Fatalf("exit code %d, want %d; stderr: %s", code, exitOK, errOut)
	}
	if !strings.Contains(out, "skipped 1 dead letter to records: ") {
		t.Errorf("stdout = %q, want the skipped line in the singular", out)
	}
	if !strings.HasPrefix(errOut, "replayed 1 dead letter, the limit of one command") {
		t.Errorf("stderr = %q, want the limit line in the singular", errOut)
	}
}

// TestReplayRepeatedIDOnce replays deadID1 twice, once in upper case, and
// deadID2: the hub gets one request for each, in the order given.
func TestReplayRepeatedIDOnce(t *testing.T) {
	for _, dryRun := range []bool{false, true} {
		hub := &replayHub{}
		srv := httptest.NewServer(hub)
		args := []string{"replay", "--hub", srv.URL, deadID1, strings.ToUpper(deadID1), deadID2}
		if dryRun {
			args = append(args, "--dry-run")
		}
		code, _, errOut := runCLI(t, args...)
		srv.Close()
		if code != exitOK {
			t.Fatalf("dry run %v: exit code %d; stderr: %s", dryRun, code, errOut)
		}
		want := "/api/v1/deliveries/" + deadID1 + "/replay /api/v1/deliveries/" + deadID2 + "/replay"
		if got := strings.Join(hub.paths, " "); got != want {
			t.Errorf("dry run %v: requests %s, want %s", dryRun, got, want)
		}
	}
}

// TestReplayStopsAtRejectedToken replays three ids on a hub that rejects
// the token: the hub gets one request, and the command exits 2 with the
// error printed once.
func TestReplayStopsAtRejectedToken(t *testing.T) {
	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden} {
		requests := 0
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			requests++
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"type": "about:blank", "title": "Unauthorized", "status": %d, `+
				`"detail": "the token is revoked"}`, status)
		}))
		code, _, errOut := runCLI(t, "replay", "--hub", srv.URL, "--token", "t", deadID1, deadID2, deadID3)
		srv.Close()
		if code != exitSetup {
			t.Errorf("HTTP %d: exit code %d, want %d", status, code, exitSetup)
		}
		if requests != 1 {
			t.Errorf("HTTP %d: %d requests, want 1", status, requests)
		}
		if n := strings.Count(errOut, "the token is revoked"); n != 1 {
			t.Errorf("HTTP %d: stderr %q prints the error %d times, want once", status, errOut, n)
		}
	}
}

// TestReplayShowsNewestReplayOfChain replays a dead letter whose replay
// r1 died and was replayed in turn as r2, which was delivered: the line
// names r2 and its status, and no hint to try again.
func TestReplayShowsNewestReplayOfChain(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"replays": [{"of": "` + deadID1 + `", "existing": true,
			"delivery": {"id": "r1", "destination": "dpo", "status": "dead", "reason": "HTTP 503"},
			"latest": {"id": "r2", "destination": "dpo", "status": "delivered"}}]}`))
	}))
	defer srv.Close()

	for _, dryRun := range []bool{false, true} {
		args := []string{"replay", "--hub", srv.URL, deadID1}
		if dryRun {
			args = append(args, "--dry-run")
		}
		code, out, errOut := runCLI(t, args...)
		if code != exitOK {
			t.Fatalf("dry run %v: exit code %d; stderr: %s", dryRun, code, errOut)
		}
		want := deadID1 + " already replayed as r1 and last as r2 to dpo (delivered)\n"
		if !strings.HasPrefix(out, want) {
			t.Errorf("dry run %v: stdout = %q, want it to start with %q", dryRun, out, want)
		}
	}
}

// TestReplaySkippedNamesFlags prints the hub's reason for dead letters
// beyond the limit in the flags of replay, --limit, --from and --to.
func TestReplaySkippedNamesFlags(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"replays": [{"of": "d1", "delivery": {"id": "r1", "destination": "dpo",
			"status": "pending"}}], "skipped": [{"destination": "dpo", "dead_letters": 3,
			"reason": %q}]}`, api.SkippedBeyondLimit)
	}))
	defer srv.Close()

	code, out, errOut := runCLI(t, "replay", "--hub", srv.URL, "--destination", "dpo", "--limit", "1")
	if code != exitOK {
		t.Fatalf("exit code %d; stderr: %s", code, errOut)
	}
	want := "skipped 3 dead letters to dpo: beyond the limit of the run: raise --limit, or narrow " +
		"the filter with --from and --to\n"
	if !strings.Contains(out, want) {
		t.Errorf("stdout = %q, want it to contain %q", out, want)
	}
}

// TestDryRunOfSeveralIDsNotedOnce checks that replay --dry-run with two
// delivery ids lists both and prints once, at the end, that it replayed
// nothing.
func TestDryRunOfSeveralIDsNotedOnce(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/api/v1/deliveries/"), "/replay")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"replays": [], "dry_run": true, "would_replay": [{"id": "` + id + `",
			"destination": "dpo", "message_id": "m1", "route": "r1",
			"updated_at": "2025-10-18T12:15:00Z", "reason": "refused"}]}`))
	}))
	defer srv.Close()

	code, out, errOut := runCLI(t, "replay", "--hub", srv.URL, "--dry-run", deadID1, deadID2)
	if code != exitOK {
		t.Fatalf("exit code %d, want %d; stderr: %s", code, exitOK, errOut)
	}
	for _, id := range []string{deadID1, deadID2} {
		if !strings.Contains(out, "would replay "+id+" to dpo") {
			t.Errorf("stdout = %q, want a line for %s", out, id)
		}
	}
	if n := strings.Count(out, "dry run: nothing replayed"); n != 1 {
		t.Errorf("stdout = %q says %d times that nothing was replayed, want once", out, n)
	}
	if !strings.HasSuffix(out, "dry run: nothing replayed\n") {
		t.Errorf("stdout = %q, want it to end with the dry-run note", out)
	}
}
