package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/problem"
	"github.com/sangam-hub/sangam/internal/routestore"
)

func TestRoutesChangeNamesInvalidByAndComment(t *testing.T) {
	h := newSampleHub(t, true)
	const rtl = "\u202e" // reorders the text after it, so textcheck rejects it
	invalidDoc := strings.Replace(arrestRoutes, "to: [station]", "to: [no-such-destination]", 1)
	for _, tc := range []struct {
		name   string
		change api.RoutesChange
		kind   problem.Kind
		detail string
		errors []string // pointer and rule of each error, sorted
	}{
		{"by", api.RoutesChange{Document: arrestRoutes, By: "ops" + rtl + "bob"},
			problem.Invalid, "by is invalid; nothing changed", []string{"/by change"}},
		{"comment", api.RoutesChange{Document: arrestRoutes, Comment: "first\nsecond"},
			problem.Invalid, "comment is invalid; nothing changed", []string{"/comment change"}},
		{"by and comment", api.RoutesChange{Document: arrestRoutes, By: rtl, Comment: "a\nb"},
			problem.Invalid, "by and comment are invalid; nothing changed",
			[]string{"/by change", "/comment change"}},
		{"document and comment", api.RoutesChange{Document: invalidDoc, Comment: "a\nb"},
			problem.InvalidRoutes, "the routes document and comment are invalid; nothing changed",
			[]string{"/comment change", "/routes/2/to/0 unknown-destination"}},
		{"document", api.RoutesChange{Document: invalidDoc},
			problem.InvalidRoutes, "the routes document is invalid; nothing changed",
			[]string{"/routes/2/to/0 unknown-destination"}},
	} {
		for _, dryRun := range []bool{true, false} {
			tc.change.Expect, tc.change.DryRun = 1, dryRun
			p := wantProblem(t, putRoutes(t, h.url, tc.change), tc.kind)
			if p.Detail != tc.detail {
				t.Errorf("%s, dry run %v: detail %q, want %q", tc.name, dryRun, p.Detail, tc.detail)
			}
			if got := pointersAndRules(p.Errors); !slices.Equal(got, tc.errors) {
				t.Errorf("%s, dry run %v: errors at %q, want %q", tc.name, dryRun, got, tc.errors)
			}
		}
	}
	wantOneVersion(t, h.url)
}

func TestRoutesDryRunOfCurrentVersionConflicts(t *testing.T) {
	h := newSampleHub(t, true)
	restore := h.url + "/api/v1/routes/versions/1/restore"
	for _, dryRun := range []bool{true, false} {
		for name, r := range map[string]response{
			"PUT of the current document": putRoutes(t, h.url,
				api.RoutesChange{Document: sampleRoutes, Expect: 1, DryRun: dryRun}),
			"restore of the current version": send(t, http.MethodPost, restore, operatorToken,
				jsonBody(t, api.RoutesChange{Expect: 1, DryRun: dryRun})),
		} {
			p := wantProblem(t, r, problem.Conflict)
			if p.Detail != api.UnchangedDetail {
				t.Errorf("%s, dry run %v: detail %q, want %q", name, dryRun, p.Detail, api.UnchangedDetail)
			}
		}
	}
	wantOneVersion(t, h.url)
}

// TestRoutesStaleChangeDetail changes the routes based on a version
// that is not the current one: the real change and its dry run get the
// same 409 detail, without the store's own context.
func TestRoutesStaleChangeDetail(t *testing.T) {
	h := newSampleHub(t, true)
	const want = "routes changed concurrently: the change is based on version 7, which does not " +
		"exist: the current version is 1; review it and apply the change again with that number"
	for _, dryRun := range []bool{true, false} {
		change := api.RoutesChange{Document: sampleRoutes + "\n# edited\n", Expect: 7, DryRun: dryRun}
		p := wantProblem(t, putRoutes(t, h.url, change), problem.Conflict)
		if p.Detail != want {
			t.Errorf("dry run %v: detail %q, want %q", dryRun, p.Detail, want)
		}
	}
	wantOneVersion(t, h.url)
}

// TestRoutesMissingVersionDetail reads and restores a version that was
// never saved: both get 404 naming the version alone.
func TestRoutesMissingVersionDetail(t *testing.T) {
	h := newSampleHub(t, true)
	const want = "routes version 99 does not exist"
	for name, r := range map[string]response{
		"GET": send(t, http.MethodGet, h.url+"/api/v1/routes/versions/99", operatorToken, nil),
		"restore": send(t, http.MethodPost, h.url+"/api/v1/routes/versions/99/restore", operatorToken,
			jsonBody(t, api.RoutesChange{Expect: 1})),
	} {
		if p := wantProblem(t, r, problem.NotFound); p.Detail != want {
			t.Errorf("%s: detail %q, want %q", name, p.Detail, want)
		}
	}
	wantOneVersion(t, h.url)
}

// stalledVersions is a routes store whose Current waits until its
// context ends, and then returns the context's error.
type stalledVersions struct {
	routestore.Store
	entered chan struct{}
}

func (s *stalledVersions) Current(ctx context.Context) (routestore.Version, error) {
	close(s.entered)
	<-ctx.Done()
	return routestore.Version{}, ctx.Err()
}

func TestRoutesChangeClientGoneIsNoError(t *testing.T) {
	logs := &lockedBuffer{}
	versions := &stalledVersions{entered: make(chan struct{})}
	server := &api.Server{Versions: versions, Log: slog.New(slog.NewJSONHandler(logs, nil))}
	srv := httptest.NewServer(server.Handler())
	t.Cleanup(srv.Close)

	ctx, cancel := context.WithCancel(context.Background())
	body, err := json.Marshal(api.RoutesChange{Document: testRoutes, Expect: 1, By: "test"})
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, srv.URL+"/api/v1/routes",
		bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	sent := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		sent <- err
	}()
	<-versions.entered
	cancel()
	if err := <-sent; !errors.Is(err, context.Canceled) {
		t.Fatalf("request error %v, want the client's cancellation", err)
	}

	const canceledLine = "client closed the connection before the hub answered"
	deadline := time.Now().Add(10 * time.Second)
	for len(logs.lines(t, canceledLine)) == 0 && len(logs.lines(t, "reading routes failed")) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the handler logged neither line after 10 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got := logs.lines(t, "reading routes failed"); len(got) != 0 {
		t.Errorf("the client's cancellation was logged as a failure of the hub: %v", got)
	}
	lines := logs.lines(t, canceledLine)
	if len(lines) != 1 || lines[0]["level"] != "INFO" || lines[0]["request"] != "reading routes" {
		t.Errorf("log lines %v, want one at INFO for reading routes", lines)
	}
}

// TestRoutesChangeNormalizesLineBreaks sends the current document, then
// a changed one, with a byte order mark and CRLF line breaks: the first
// is unchanged, and the second gets the diff and is saved as without
// them.
func TestRoutesChangeNormalizesLineBreaks(t *testing.T) {
	h := newSampleHub(t, true)
	windows := func(doc string) string { return "\uFEFF" + strings.ReplaceAll(doc, "\n", "\r\n") }
	p := wantProblem(t, putRoutes(t, h.url, api.RoutesChange{Document: windows(sampleRoutes),
		Expect: 1, DryRun: true}), problem.Conflict)
	if p.Detail != api.UnchangedDetail {
		t.Errorf("current document with CRLF: detail %q, want %q", p.Detail, api.UnchangedDetail)
	}

	plain := changeResult(t, putRoutes(t, h.url,
		api.RoutesChange{Document: arrestRoutes, Expect: 1, DryRun: true}))
	saved := changeResult(t, putRoutes(t, h.url,
		api.RoutesChange{Document: windows(arrestRoutes), Expect: 1}))
	if saved.Diff != plain.Diff {
		t.Errorf("diff with CRLF:\n%s\nwant the diff without:\n%s", saved.Diff, plain.Diff)
	}
	if saved.Saved == nil || saved.Saved.Document != arrestRoutes {
		t.Errorf("saved %+v, want the document without the byte order mark and CRs", saved.Saved)
	}
}
