package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/problem"
	"github.com/sangam-hub/sangam/internal/routestore"
	"github.com/sangam-hub/sangam/routes"
	"github.com/sangam-hub/sangam/schemas"
)

// putRoutes sends change to PUT /api/v1/routes with the operator's token.
func putRoutes(t *testing.T, base string, change api.RoutesChange) response {
	t.Helper()
	return send(t, http.MethodPut, base+"/api/v1/routes", operatorToken, jsonBody(t, change))
}

// arrestRoutes is sampleRoutes with the route arrest-to-station, which
// sampleRoutesWarnings warns of.
const arrestRoutes = sampleRoutes + `  - name: arrest-to-station
    when: message.type == "arrest"
    to: [station]
`

// changeResult decodes r, the response to an accepted routes change,
// and fails t unless its status is 200 or 201.
func changeResult(t *testing.T, r response) api.RoutesChangeResult {
	t.Helper()
	if r.status != http.StatusOK && r.status != http.StatusCreated {
		t.Fatalf("status %d; body %s", r.status, r.body)
	}
	var res api.RoutesChangeResult
	if err := json.Unmarshal(r.body, &res); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
	return res
}

func TestRoutesChangeCarriesWarnings(t *testing.T) {
	h := newSampleHub(t, true)
	for _, dryRun := range []bool{true, false} {
		res := changeResult(t, putRoutes(t, h.url, api.RoutesChange{Document: arrestRoutes, Expect: 1,
			DryRun: dryRun}))
		if !slices.Equal(res.Warnings, []string{sampleRoutesWarning}) {
			t.Errorf("dry run %v: warnings %q, want the hook's warning about the proposed routes",
				dryRun, res.Warnings)
		}
	}

	restore := h.url + "/api/v1/routes/versions/1/restore"
	res := changeResult(t, send(t, http.MethodPost, restore, operatorToken, []byte(`{"expect": 2}`)))
	if res.Warnings != nil {
		t.Errorf("restoring version 1: warnings %q, want none", res.Warnings)
	}
	res = changeResult(t, send(t, http.MethodPost, h.url+"/api/v1/routes/versions/2/restore",
		operatorToken, []byte(`{"expect": 3, "dry_run": true}`)))
	if !slices.Equal(res.Warnings, []string{sampleRoutesWarning}) {
		t.Errorf("dry run restoring version 2: warnings %q, want the hook's warning", res.Warnings)
	}
}

func TestRoutesChangeWarnsOfExcludedRoute(t *testing.T) {
	h := newSampleHub(t, true)
	// The registry's policy accepts FIRs only.
	doc := arrestRoutes + `  - name: movement-to-registry
    when: message.type == "prisoner_movement"
    to: [registry]
`
	want := []string{`route "movement-to-registry" sends prisoner_movement messages to destination ` +
		`"registry", whose policy "fir-summary" accepts none of them, so the route delivers nothing ` +
		`to it: add the types to the policy's types or remove the destination from the route`,
		sampleRoutesWarning}
	for _, dryRun := range []bool{true, false} {
		r := putRoutes(t, h.url, api.RoutesChange{Document: doc, Expect: 1, DryRun: dryRun})
		if r.status != http.StatusOK && r.status != http.StatusCreated {
			t.Fatalf("dry run %v: status %d; body %s", dryRun, r.status, r.body)
		}
		var res api.RoutesChangeResult
		if err := json.Unmarshal(r.body, &res); err != nil {
			t.Fatalf("decoding %s: %v", r.body, err)
		}
		if !slices.Equal(res.Warnings, want) {
			t.Errorf("dry run %v: warnings %q, want %q", dryRun, res.Warnings, want)
		}
	}
}

func TestRoutesChangeRejectsUnknownAgency(t *testing.T) {
	h := newSampleHub(t, true)
	doc := strings.Replace(sampleRoutes, "name: registry\n    agency: police",
		"name: registry\n    agency: nosuch", 1)
	for _, dryRun := range []bool{true, false} {
		r := putRoutes(t, h.url, api.RoutesChange{Document: doc, Expect: 1, DryRun: dryRun})
		p := wantProblem(t, r, problem.InvalidRoutes)
		want := `destination "registry": agency: unknown agency "nosuch": ` +
			"known agencies are courts, passport, police, prisons"
		var messages []string
		for _, v := range p.Errors {
			messages = append(messages, v.Message)
		}
		if !slices.Contains(messages, want) {
			t.Errorf("dry run %v: errors %q lack %q", dryRun, messages, want)
		}
		wantAt := []string{"/destinations/1/agency unknown-agency"}
		if got := pointersAndRules(p.Errors); !slices.Equal(got, wantAt) {
			t.Errorf("dry run %v: errors at %q, want %q", dryRun, got, wantAt)
		}
	}
	wantOneVersion(t, h.url)
}

func TestRoutesChangeListsEveryProblem(t *testing.T) {
	h := newSampleHub(t, true)
	doc := strings.Replace(sampleRoutes, "name: station\n    agency: police",
		"name: station\n    agency: nosuch\n    max_attempts: 100000000\n    timeout: 1h", 1)
	r := putRoutes(t, h.url, api.RoutesChange{Document: doc, Expect: 1, DryRun: true})
	p := wantProblem(t, r, problem.InvalidRoutes)
	var messages []string
	for _, v := range p.Errors {
		messages = append(messages, v.Message)
	}
	for _, want := range []string{
		`destination "station": max_attempts 100000000 is out of range: want 1 to 100`,
		`destination "station": timeout 1h0m0s is out of range: want more than 0s and at most 5m0s`,
		`destination "station": agency: unknown agency "nosuch"`,
	} {
		if !slices.ContainsFunc(messages, func(m string) bool { return strings.HasPrefix(m, want) }) {
			t.Errorf("no error starts with %q; errors %q", want, messages)
		}
	}
	// Each problem is an entry of its own.
	for _, m := range messages {
		if strings.Contains(m, "\n") {
			t.Errorf("error %q has several lines", m)
		}
	}
	wantAt := []string{"/destinations/0/agency unknown-agency", "/destinations/0/max_attempts range",
		"/destinations/0/timeout range"}
	if got := pointersAndRules(p.Errors); !slices.Equal(got, wantAt) {
		t.Errorf("errors at %q, want %q", got, wantAt)
	}
	wantOneVersion(t, h.url)
}

func TestRoutesChangeListsTextWithOtherProblems(t *testing.T) {
	h := newSampleHub(t, true)
	doc := replaceAll(t, sampleRoutes, "name: station\n    agency: police",
		"name: station\n    agency: nosuch", `when: message.type == "fir"`,
		`when: message.type == "f`+"\u200b"+`ir"`)
	r := putRoutes(t, h.url, api.RoutesChange{Document: doc, Expect: 1, DryRun: true})
	p := wantProblem(t, r, problem.InvalidRoutes)
	want := []string{"/destinations/0/agency unknown-agency", "/routes/0/when text"}
	if got := pointersAndRules(p.Errors); !slices.Equal(got, want) {
		t.Errorf("errors at %q, want %q", got, want)
	}
	wantOneVersion(t, h.url)
}

func TestRoutesChangeSortsProblemsByPointer(t *testing.T) {
	h := newSampleHub(t, true)
	// Loading the document finds the condition's error and the agency
	// check after it finds the unknown agency of an earlier entry.
	doc := replaceAll(t, sampleRoutes,
		"name: registry\n    agency: police", "name: registry\n    agency: nosuch",
		`when: message.type == "prisoner_movement"`, `when: message.type ==`)
	for _, dryRun := range []bool{true, false} {
		r := putRoutes(t, h.url, api.RoutesChange{Document: doc, Expect: 1, DryRun: dryRun})
		p := wantProblem(t, r, problem.InvalidRoutes)
		var got []string
		for _, v := range p.Errors {
			got = append(got, v.Pointer+" "+v.Rule)
		}
		want := []string{"/destinations/1/agency unknown-agency", "/routes/1/when cel-syntax"}
		if !slices.Equal(got, want) {
			t.Errorf("dry run %v: errors at %q, want %q in this order", dryRun, got, want)
		}
	}
	wantOneVersion(t, h.url)
}

// restoreRoutes sends change to POST /api/v1/routes/versions/{n}/restore
// with the operator's token.
func restoreRoutes(t *testing.T, base string, n int, change api.RoutesChange) response {
	t.Helper()
	return send(t, http.MethodPost, fmt.Sprintf("%s/api/v1/routes/versions/%d/restore", base, n),
		operatorToken, jsonBody(t, change))
}

// pointersAndRules returns each violation's pointer and rule, sorted.
func pointersAndRules(vs []schemas.Violation) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Pointer + " " + v.Rule
	}
	slices.Sort(out)
	return out
}

// replaceAll applies each old, new pair of replacements to s once, and
// fails t when s lacks an old string.
func replaceAll(t *testing.T, s string, replacements ...string) string {
	t.Helper()
	for i := 0; i+1 < len(replacements); i += 2 {
		if !strings.Contains(s, replacements[i]) {
			t.Fatalf("the document lacks %q", replacements[i])
		}
		s = strings.Replace(s, replacements[i], replacements[i+1], 1)
	}
	return s
}

func TestRoutesChangeProblemPointers(t *testing.T) {
	h := newSampleHub(t, true)
	token := filepath.Join(t.TempDir(), "missing-token")
	doc := replaceAll(t, sampleRoutes,
		"url: http://127.0.0.1:9/notifications", "url: ftp://x\n    max_attempts: 500",
		"url: http://127.0.0.1:9/registry", "url: http://hub:pw@127.0.0.1:9/registry\n"+
			"    bearer_token_file: "+token,
		"to: [station, registry]", "to: [station, nowhere]",
		`when: message.type == "prisoner_movement"`, `when: message.type ==`,
	)
	want := []string{
		"/destinations/0/max_attempts range",
		"/destinations/0/url url",
		"/destinations/1/bearer_token_file file",
		"/destinations/1/url credentials",
		"/routes/0/to/1 unknown-destination",
		"/routes/1/when cel-syntax",
	}
	for _, dryRun := range []bool{true, false} {
		r := putRoutes(t, h.url, api.RoutesChange{Document: doc, Expect: 1, DryRun: dryRun})
		p := wantProblem(t, r, problem.InvalidRoutes)
		if got := pointersAndRules(p.Errors); !slices.Equal(got, want) {
			t.Errorf("dry run %v: errors at %q, want %q", dryRun, got, want)
		}
		for _, v := range p.Errors {
			if !strings.Contains(v.Message, `destination "`) && !strings.Contains(v.Message, `route "`) {
				t.Errorf("dry run %v: message %q names no destination or route", dryRun, v.Message)
			}
			if strings.Contains(v.Message, "pw@") {
				t.Errorf("dry run %v: message %q repeats the url's password", dryRun, v.Message)
			}
		}
	}
	wantOneVersion(t, h.url)
}

func TestRoutesChangeYAMLProblem(t *testing.T) {
	h := newSampleHub(t, true)
	r := putRoutes(t, h.url, api.RoutesChange{Document: sampleRoutes + "  - name: [\n", Expect: 1})
	p := wantProblem(t, r, problem.InvalidRoutes)
	if got, want := pointersAndRules(p.Errors), []string{" yaml"}; !slices.Equal(got, want) {
		t.Fatalf("errors at %q, want %q", got, want)
	}
	if !strings.Contains(p.Errors[0].Message, "line ") {
		t.Errorf("message %q does not give the line", p.Errors[0].Message)
	}
	wantOneVersion(t, h.url)
}

func TestRoutesChangeFieldProblem(t *testing.T) {
	h := newSampleHub(t, true)
	doc := strings.Replace(sampleRoutes, "version: openapi-samples", "version: changed", 1)
	r := putRoutes(t, h.url, api.RoutesChange{Document: doc, Expect: -1})
	p := wantProblem(t, r, problem.InvalidRoutes)
	if got, want := pointersAndRules(p.Errors), []string{"/expect change"}; !slices.Equal(got, want) {
		t.Fatalf("errors at %q, want %q", got, want)
	}
	if want := "expect: -1 is negative"; p.Errors[0].Message != want {
		t.Errorf("message %q, want %q", p.Errors[0].Message, want)
	}
	wantOneVersion(t, h.url)
}

func TestRoutesRestoreMissingFile(t *testing.T) {
	h := newSampleHub(t, true)
	token := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(token, []byte("registry-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	withToken := replaceAll(t, sampleRoutes, "url: http://127.0.0.1:9/registry",
		"url: http://127.0.0.1:9/registry\n    bearer_token_file: "+token)
	if r := putRoutes(t, h.url, api.RoutesChange{Document: withToken, Expect: 1}); r.status != http.StatusCreated {
		t.Fatalf("saving version 2: status %d, body %s", r.status, r.body)
	}
	if r := putRoutes(t, h.url, api.RoutesChange{Document: sampleRoutes, Expect: 2}); r.status != http.StatusCreated {
		t.Fatalf("saving version 3: status %d, body %s", r.status, r.body)
	}
	if err := os.Remove(token); err != nil {
		t.Fatal(err)
	}

	r := restoreRoutes(t, h.url, 2, api.RoutesChange{Expect: 3})
	p := wantProblem(t, r, problem.InvalidRoutes)
	want := []string{"/destinations/1/bearer_token_file file"}
	if got := pointersAndRules(p.Errors); !slices.Equal(got, want) {
		t.Errorf("errors at %q, want %q", got, want)
	}
}

// wantOneVersion fails t unless the routes store still has only version 1.
func wantOneVersion(t *testing.T, base string) {
	t.Helper()
	r := send(t, http.MethodGet, base+"/api/v1/routes/versions", operatorToken, nil)
	var list struct {
		Versions []json.RawMessage `json:"versions"`
	}
	if err := json.Unmarshal(r.body, &list); err != nil {
		t.Fatalf("decoding versions: %v; body %s", err, r.body)
	}
	if len(list.Versions) != 1 {
		t.Errorf("%d routes versions, want 1: %s", len(list.Versions), r.body)
	}
}

// saveVersion2 saves sampleRoutes with a narrower fir condition as
// version 2 on the hub at base, whose routes store has version 1 only.
func saveVersion2(t *testing.T, base string) {
	t.Helper()
	doc := replaceAll(t, sampleRoutes, `when: message.type == "fir"`,
		`when: message.type == "fir" && message.source == "police"`)
	if r := putRoutes(t, base, api.RoutesChange{Document: doc, Expect: 1}); r.status != http.StatusCreated {
		t.Fatalf("saving version 2: status %d; body %s", r.status, r.body)
	}
}

// TestRoutesVersionsMarkInForce saves version 2 on a hub whose replica
// still routes with version 1, which the listing marks alone.
func TestRoutesVersionsMarkInForce(t *testing.T) {
	h := newSampleHub(t, true)
	saveVersion2(t, h.url)
	r := send(t, http.MethodGet, h.url+"/api/v1/routes/versions", operatorToken, nil)
	var list struct {
		Versions []api.RoutesVersionInfo `json:"versions"`
	}
	if err := json.Unmarshal(r.body, &list); err != nil {
		t.Fatalf("decoding versions: %v; body %s", err, r.body)
	}
	inForce := map[int]bool{}
	for _, v := range list.Versions {
		inForce[v.Number] = v.InForce
	}
	if len(inForce) != 2 {
		t.Fatalf("versions %s, want 1 and 2", r.body)
	}
	if !inForce[1] {
		t.Errorf("version 1, which the replica routes with, is not marked in force: %s", r.body)
	}
	if inForce[2] {
		t.Errorf("version 2, which the replica has not applied, is marked in force: %s", r.body)
	}
}

// TestRoutesVersionsBefore pages back through two versions. A before
// past the newest version is a bound, not a cursor, so it lists from the
// newest, and before=1 lists nothing.
func TestRoutesVersionsBefore(t *testing.T) {
	h := newSampleHub(t, true)
	saveVersion2(t, h.url)
	for _, c := range []struct {
		before string
		want   []int
	}{
		{"99", []int{2, 1}},
		{"3", []int{2, 1}},
		{"2", []int{1}},
		{"1", []int{}},
	} {
		r := send(t, http.MethodGet, h.url+"/api/v1/routes/versions?before="+c.before, operatorToken, nil)
		if r.status != http.StatusOK {
			t.Errorf("before=%s: status %d; body %s", c.before, r.status, r.body)
			continue
		}
		var list struct {
			Versions []api.RoutesVersionInfo `json:"versions"`
		}
		if err := json.Unmarshal(r.body, &list); err != nil {
			t.Fatalf("before=%s: decoding versions: %v; body %s", c.before, err, r.body)
		}
		got := []int{}
		for _, v := range list.Versions {
			got = append(got, v.Number)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("before=%s: versions %v, want %v", c.before, got, c.want)
		}
	}
}

func TestRoutesDryRunRejectsWhatSaveRejects(t *testing.T) {
	h := newSampleHub(t, true)
	// Comment lines keep the document valid while it grows past the
	// store's limit.
	pad := strings.Repeat("# "+strings.Repeat("x", 98)+"\n", routestore.MaxDocumentBytes/100+1)
	doc := sampleRoutes + pad
	for _, dryRun := range []bool{true, false} {
		r := putRoutes(t, h.url, api.RoutesChange{Document: doc, Expect: 1, DryRun: dryRun})
		if r.status != http.StatusBadRequest {
			t.Errorf("dry run %v: status %d, want 400; body %.300s", dryRun, r.status, r.body)
			continue
		}
		if !strings.Contains(string(r.body), "over the maximum") {
			t.Errorf("dry run %v: body %.300s does not name the size limit", dryRun, r.body)
		}
		var p problem.Problem
		if err := json.Unmarshal(r.body, &p); err != nil {
			t.Fatalf("dry run %v: decoding the problem: %v", dryRun, err)
		}
		if got, want := pointersAndRules(p.Errors), []string{"/document change"}; !slices.Equal(got, want) {
			t.Errorf("dry run %v: errors at %q, want %q", dryRun, got, want)
		}
	}
	wantOneVersion(t, h.url)
}

func TestRoutesRejectPolicyTheFormatCannotEncode(t *testing.T) {
	h := newSampleHub(t, true)
	// The registry speaks the police format, whose FIR needs the first
	// information that this policy would withhold.
	doc := replaceAll(t, sampleRoutes, "fir.complainant, fir.accused,\n        fir.first_information,",
		"fir.complainant, fir.accused,")
	for _, dryRun := range []bool{true, false} {
		r := putRoutes(t, h.url, api.RoutesChange{Document: doc, Expect: 1, DryRun: dryRun})
		p := wantProblem(t, r, problem.InvalidRoutes)
		got := pointersAndRules(p.Errors)
		want := []string{"/destinations/1/policy policy-encoding"}
		if !slices.Equal(got, want) {
			t.Errorf("dry run %v: errors at %q, want %q", dryRun, got, want)
			continue
		}
		for _, part := range []string{`policy "fir-summary"`, "fir.first_information, ",
			"/first_information"} {
			if !strings.Contains(p.Errors[0].Message, part) {
				t.Errorf("dry run %v: message lacks %q: %s", dryRun, part, p.Errors[0].Message)
			}
		}
	}
	wantOneVersion(t, h.url)
}

// keyFieldRoutes are the sample routes with a registry policy that
// masks the station code of each FIR's reference, by which a station
// files the FIR. The masked FIR still encodes.
func keyFieldRoutes(t *testing.T) string {
	t.Helper()
	return replaceAll(t, sampleRoutes, "        - {path: fir.complainant.names, kind: initials}\n",
		"        - {path: fir.complainant.names, kind: initials}\n"+
			"        - {path: fir.ref.police_station, kind: redact}\n")
}

// wantKeyFieldProblem fails t unless r rejects the routes of
// keyFieldRoutes for the masked FIR reference alone.
func wantKeyFieldProblem(t *testing.T, r response) {
	t.Helper()
	p := wantProblem(t, r, problem.InvalidRoutes)
	got := pointersAndRules(p.Errors)
	want := []string{"/destinations/1/policy policy-key-field"}
	if !slices.Equal(got, want) {
		t.Fatalf("errors at %q, want %q", got, want)
	}
	for _, part := range []string{`destination "registry"`, `policy "fir-summary"`,
		"in fir messages", "masks fir.ref.police_station (redact) in fir.ref",
		"the station files the FIR under the case's FIR reference"} {
		if !strings.Contains(p.Errors[0].Message, part) {
			t.Errorf("message lacks %q: %s", part, p.Errors[0].Message)
		}
	}
}

func TestRoutesRejectPolicyMaskingKeyField(t *testing.T) {
	h := newSampleHub(t, true)
	doc := keyFieldRoutes(t)
	for _, dryRun := range []bool{true, false} {
		t.Run(fmt.Sprintf("dry run %v", dryRun), func(t *testing.T) {
			wantKeyFieldProblem(t, putRoutes(t, h.url, api.RoutesChange{Document: doc, Expect: 1,
				DryRun: dryRun}))
		})
	}
	wantOneVersion(t, h.url)
	r := send(t, http.MethodGet, h.url+"/api/v1/routes", operatorToken, nil)
	var current struct {
		Number   int    `json:"number"`
		Document string `json:"document"`
	}
	if err := json.Unmarshal(r.body, &current); err != nil {
		t.Fatalf("decoding current routes: %v; body %s", err, r.body)
	}
	if current.Number != 1 || current.Document != sampleRoutes {
		t.Errorf("current routes are version %d, want version 1 with the sample routes", current.Number)
	}
}

func TestRoutesRestoreRejectsPolicyMaskingKeyField(t *testing.T) {
	h := newSampleHub(t, true)
	// Version 2 is as a hub without the key field check could have saved it.
	_, err := h.db.Exec("INSERT INTO route_versions "+
		"(number, document, created_by, comment, created_at, restored_from) VALUES (?, ?, ?, ?, ?, NULL)",
		2, keyFieldRoutes(t), "an older hub", "mask the FIR's station", time.Now().UnixMicro())
	if err != nil {
		t.Fatalf("inserting version 2: %v", err)
	}
	if _, err := h.db.Exec("INSERT INTO route_versions "+
		"(number, document, created_by, comment, created_at, restored_from) VALUES (?, ?, ?, ?, ?, NULL)",
		3, sampleRoutes, "an older hub", "back to version 1", time.Now().UnixMicro()); err != nil {
		t.Fatalf("inserting version 3: %v", err)
	}
	wantKeyFieldProblem(t, restoreRoutes(t, h.url, 2, api.RoutesChange{Expect: 3}))
	r := send(t, http.MethodGet, h.url+"/api/v1/routes/versions", operatorToken, nil)
	if n := strings.Count(string(r.body), `"number"`); n != 3 {
		t.Errorf("%d routes versions after the rejected restore, want 3: %s", n, r.body)
	}
}

func TestJSONKeepsAmpersands(t *testing.T) {
	h := newSampleHub(t, true)
	doc := replaceAll(t, sampleRoutes, `when: message.type == "fir"`,
		`when: message.type == "fir" && message.source != "<hub>"`)
	r := putRoutes(t, h.url, api.RoutesChange{Document: doc, Expect: 1, DryRun: true})
	if r.status != http.StatusOK {
		t.Fatalf("dry run: status %d, body %s", r.status, r.body)
	}
	if !strings.Contains(string(r.body), `&& message.source != \"<hub>\"`) {
		t.Errorf("the difference does not show the condition as written: %s", r.body)
	}
	if got := r.header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
	}
}

func TestRoutesChangeIgnoresByteOrderMark(t *testing.T) {
	h := newSampleHub(t, true)
	body := append([]byte("\xef\xbb\xbf"), jsonBody(t, api.RoutesChange{Document: arrestRoutes,
		Expect: 1, DryRun: true})...)
	if r := send(t, http.MethodPut, h.url+"/api/v1/routes", operatorToken, body); r.status != http.StatusOK {
		t.Errorf("dry run with a byte order mark: status %d, want 200; body %s", r.status, r.body)
	}
}

// TestListsRejectBadQueryParameters checks that each listing names, at
// the start of its 400's detail, a parameter it does not take, one
// given twice or one given without a value.
func TestListsRejectBadQueryParameters(t *testing.T) {
	h := newSampleHub(t, true)
	for path, want := range map[string]string{
		"/api/v1/deadletters?case_key=FIR/KL/EKM/EKM0420/2023/402": "case_key: unknown query parameter",
		"/api/v1/messages?status=dead":                             "status: unknown query parameter",
		"/api/v1/routes/versions?limit=5&page=2":                   "page: unknown query parameter",
		"/api/v1/deadletters?destination=a&destination=b":          "destination: query parameter given 2 times",
		"/api/v1/messages?source=police&source=courts":             "source: query parameter given 2 times",
		"/api/v1/routes/versions?limit=5&limit=6":                  "limit: query parameter given 2 times",
		"/api/v1/verifications?overdue=":                           "overdue: empty value",
		"/api/v1/deadletters?destination=":                         "destination: empty value",
		"/api/v1/messages?limit=&source=police":                    "limit: empty value",
		"/api/v1/routes/versions?before=":                          "before: empty value",
	} {
		r := send(t, http.MethodGet, h.url+path, operatorToken, nil)
		p := wantProblem(t, r, problem.BadRequest)
		if !strings.HasPrefix(p.Detail, want) {
			t.Errorf("GET %s: detail %q, want it to start with %q", path, p.Detail, want)
		}
	}
}

func TestReplayManyRejectsBadFilter(t *testing.T) {
	h := newSampleHub(t, true)
	for body, want := range map[string]string{
		`{"from": "bad"}`: `invalid JSON body: from: invalid time "bad": want RFC 3339`,
		`{"from": "2025-12-01T00:00:00Z", "to": "tomorrow"}`:  `invalid JSON body: to: invalid time "tomorrow"`,
		`{"destination": "registry"} {"force": true}`:         "invalid JSON body: unexpected data after the JSON value",
		`{"destination": "registry"},`:                        "invalid JSON body: unexpected data after the JSON value",
		`{"destination": "regi\u0000stry"}`:                   "destination: contains a NUL character",
		"{\"destination\": \"registry\", \"by\": \"a\xffb\"}": "invalid JSON body: it is not valid UTF-8",
	} {
		r := send(t, http.MethodPost, h.url+"/api/v1/deadletters/replay", operatorToken,
			[]byte(body))
		p := wantProblem(t, r, problem.BadRequest)
		if !strings.HasPrefix(p.Detail, want) {
			t.Errorf("POST %s: detail %q, want it to start with %q", body, p.Detail, want)
		}
	}
}

// TestReplayManyRejectsInvalidFields sends replay requests that parse but
// break a field's rule: each gets invalid-message with one error of rule
// request that names the field and points at it.
func TestReplayManyRejectsInvalidFields(t *testing.T) {
	h := newSampleHub(t, true)
	for body, want := range map[string]struct{ pointer, message string }{
		`{"destination": "registry", "by": "` + strings.Repeat("x", 201) + `"}`: {"/by",
			"by: 201 characters, at most 200"},
		`{"destination": "registry", "by": " bad"}`: {"/by", "by: invalid"},
		`{"all": true, "destination": "registry"}`: {"/all", "all: true replays every dead letter, " +
			"so it may not be set with destination"},
		`{"from": "2025-12-02T00:00:00Z", "to": "2025-12-01T00:00:00Z"}`: {"/to",
			"from, to: invalid range"},
		`{"from": "2025-12-01T00:00:00Z", "to": "2025-12-01T00:00:00Z"}`: {"/to",
			"from, to: invalid range"},
		`{"force": true}`:                          {"", "filter: missing"},
		`{"destination": "registry", "limit": -1}`: {"/limit", "limit: invalid value -1"},
		`{"destination": "registry", "limit": 0}`:  {"/limit", "limit: invalid value 0"},
	} {
		r := send(t, http.MethodPost, h.url+"/api/v1/deadletters/replay", operatorToken,
			[]byte(body))
		p := wantProblem(t, r, problem.Invalid)
		if len(p.Errors) != 1 {
			t.Errorf("POST %s: errors %+v, want one", body, p.Errors)
			continue
		}
		if p.Errors[0].Rule != "request" {
			t.Errorf("POST %s: rule %q, want request", body, p.Errors[0].Rule)
		}
		if p.Errors[0].Pointer != want.pointer {
			t.Errorf("POST %s: pointer %q, want %q", body, p.Errors[0].Pointer, want.pointer)
		}
		if !strings.HasPrefix(p.Errors[0].Message, want.message) {
			t.Errorf("POST %s: message %q, want it to start with %q", body, p.Errors[0].Message,
				want.message)
		}
	}
}

func TestOperatorInputRejectsUnstorableText(t *testing.T) {
	h := newSampleHub(t, true)
	for _, path := range []string{
		"/api/v1/deadletters?reason=a%00b",
		"/api/v1/deadletters?destination=%ff",
		"/api/v1/messages?source=a%00",
		"/api/v1/messages/a%00",
	} {
		r := send(t, http.MethodGet, h.url+path, operatorToken, nil)
		p := wantProblem(t, r, problem.BadRequest)
		if !strings.Contains(p.Detail, "NUL character") && !strings.Contains(p.Detail, "not valid UTF-8") {
			t.Errorf("GET %s: detail %q, want it to name the NUL or the invalid UTF-8", path, p.Detail)
		}
	}
	r := send(t, http.MethodPost, h.url+"/api/v1/deliveries/"+unknownID+"/replay", operatorToken,
		[]byte(`{"by": "a\u0000b"}`))
	if p := wantProblem(t, r, problem.BadRequest); p.Detail != "by: contains a NUL character" {
		t.Errorf("replay with a NUL in by: detail %q", p.Detail)
	}
}

func TestDeadLettersRejectFromAfterTo(t *testing.T) {
	h := newSampleHub(t, true)
	r := send(t, http.MethodGet, h.url+"/api/v1/deadletters?from=2025-12-02T00:00:00Z&to=2025-12-01T00:00:00Z",
		operatorToken, nil)
	p := wantProblem(t, r, problem.BadRequest)
	if !strings.HasPrefix(p.Detail, "from, to: invalid range") {
		t.Errorf("detail %q, want it to name from and to", p.Detail)
	}
}

func TestExplainShowsEncodingFailure(t *testing.T) {
	// These routes, saved before the hub checked what a route sends, send
	// prisoner movements to the station. Its police format has no
	// movements, so those deliveries never encode, while its FIRs do.
	h := newSampleHubWith(t, true, strings.Replace(sampleRoutes, "to: [station-movements]", "to: [station]", 1))
	movement := string(readTestdata(t, "../../adapters/prisons/testdata/court_production.json"))
	fir := string(firBody(t, "EXPLAIN-FIR-1", nil))
	for agency, want := range map[string]struct{ body, errPrefix string }{
		"prisons": {movement, "encoding failed: encoding police document: unsupported message type"},
		"police":  {fir, ""},
	} {
		body := jsonBody(t, map[string]string{"agency": agency, "body": want.body,
			"content_type": "application/json"})
		r := send(t, http.MethodPost, h.url+"/api/v1/routes/explain", operatorToken, body)
		if r.status != http.StatusOK {
			t.Fatalf("explain %s: status %d; body %s", agency, r.status, r.body)
		}
		var out struct {
			Explanations []routes.Explanation `json:"explanations"`
		}
		if err := json.Unmarshal(r.body, &out); err != nil {
			t.Fatalf("decoding explanation: %v; body %s", err, r.body)
		}
		var station *routes.SharedMessage
		for i, d := range out.Explanations[0].Deliveries {
			if d.Destination == "station" {
				station = &out.Explanations[0].Deliveries[i]
			}
		}
		switch {
		case station == nil:
			t.Errorf("explain %s: no delivery to the station; body %s", agency, r.body)
		case want.errPrefix == "" && station.Error != "":
			t.Errorf("explain %s: station error %q, want none", agency, station.Error)
		case !strings.HasPrefix(station.Error, want.errPrefix):
			t.Errorf("explain %s: station error %q, want it to start with %q",
				agency, station.Error, want.errPrefix)
		}
	}
}

func TestExplainBodyNamesDuplicate(t *testing.T) {
	h := newSampleHub(t, true)
	fir := firBody(t, "EXPLAIN-FIR-3", nil)
	posted := send(t, http.MethodPost, h.url+"/api/v1/inbound/police", policeToken, fir)
	if posted.status != http.StatusAccepted {
		t.Fatalf("posting the FIR: status %d; body %s", posted.status, posted.body)
	}
	var in api.InboundResponse
	if err := json.Unmarshal(posted.body, &in); err != nil {
		t.Fatalf("decoding %s: %v", posted.body, err)
	}

	explain := func(body []byte) []api.ExplainResponse {
		t.Helper()
		req := jsonBody(t, map[string]string{"agency": "police", "body": string(body)})
		r := send(t, http.MethodPost, h.url+"/api/v1/routes/explain", operatorToken, req)
		if r.status != http.StatusOK {
			t.Fatalf("explain: status %d; body %s", r.status, r.body)
		}
		var out struct {
			Explanations []api.ExplainResponse `json:"explanations"`
		}
		if err := json.Unmarshal(r.body, &out); err != nil {
			t.Fatalf("decoding %s: %v", r.body, err)
		}
		if len(out.Explanations) != 1 {
			t.Fatalf("%d explanations, want 1; body %s", len(out.Explanations), r.body)
		}
		return out.Explanations
	}

	dup := explain(fir)[0]
	if dup.DuplicateOf != in.MessageID {
		t.Errorf("duplicate_of %q, want the posted message's id %q", dup.DuplicateOf, in.MessageID)
	}
	if len(dup.Journaled) == 0 {
		t.Error("the duplicate's explanation lacks the original's journaled routing")
	}
	if dup.SameAsJournal == nil || !*dup.SameAsJournal {
		t.Errorf("same_as_journal %v, want true for the original's own routes", dup.SameAsJournal)
	}

	reused := firBody(t, "EXPLAIN-FIR-3", func(doc map[string]any) {
		doc["delay_reason"] = "The complainant was in hospital."
	})
	req := jsonBody(t, map[string]string{"agency": "police", "body": string(reused)})
	r := send(t, http.MethodPost, h.url+"/api/v1/routes/explain", operatorToken, req)
	p := wantProblem(t, r, problem.Conflict)
	if len(p.Errors) != 1 || p.Errors[0].Rule != api.RuleMessageIDReused {
		t.Errorf("reused id with other content: errors %+v, want one with rule %s",
			p.Errors, api.RuleMessageIDReused)
	}

	fresh := explain(firBody(t, "EXPLAIN-FIR-4", nil))[0]
	if fresh.DuplicateOf != "" || fresh.Journaled != nil {
		t.Errorf("new FIR: duplicate_of %q, journaled %v, want neither", fresh.DuplicateOf, fresh.Journaled)
	}
	if len(fresh.Deliveries) == 0 {
		t.Error("new FIR: no deliveries explained")
	}
}

func TestExplainTakesEscapedInboundBody(t *testing.T) {
	h := newSampleHubLimited(t, true, sampleRoutes, api.DefaultMaxBody)
	fir := firBody(t, "EXPLAIN-FIR-2", nil)
	// Each line break of the padding takes two bytes as a JSON string, so
	// the request is twice as long as the body, which fits the inbound
	// limit exactly.
	padded := string(fir) + strings.Repeat("\n", api.DefaultMaxBody-len(fir))
	body := jsonBody(t, map[string]string{"agency": "police", "body": padded,
		"content_type": "application/json"})
	r := send(t, http.MethodPost, h.url+"/api/v1/routes/explain", operatorToken, body)
	if r.status != http.StatusOK {
		t.Fatalf("explain of a %d-byte body in a %d-byte request: status %d; body %.500s",
			len(padded), len(body), r.status, r.body)
	}

	body = jsonBody(t, map[string]string{"agency": "police", "body": padded + "\n",
		"content_type": "application/json"})
	r = send(t, http.MethodPost, h.url+"/api/v1/routes/explain", operatorToken, body)
	p := wantProblem(t, r, problem.TooLarge)
	if !strings.Contains(p.Detail, "inbound limit of 8 MiB") {
		t.Errorf("detail %q, want it to name the inbound limit", p.Detail)
	}
}
