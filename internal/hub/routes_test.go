package hub

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/problem"
	"github.com/sangam-hub/sangam/routes"
)

// sendJSON sends v to url with method and decodes the response into out.
func sendJSON(t *testing.T, method, url string, v, out any) int {
	t.Helper()
	body, _ := json.Marshal(v)
	req, _ := http.NewRequest(method, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		_ = json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}

func TestRouteChangeAppliesOnTwoReplicas(t *testing.T) {
	dsn := postgresDSN(t)
	var hubURL atomicString
	ag := startAgencies(t, hubURL.Load)
	cfg := Config{PostgresDSN: dsn, Routes: ag.routesFor(5), RoutesInterval: 50 * time.Millisecond}
	replicas := []*Hub{startHub(t, cfg), startHub(t, cfg)}
	urls := []string{"http://" + replicas[0].Addr(), "http://" + replicas[1].Addr()}
	hubURL.Store(urls[0])

	var mu sync.Mutex
	var accepted []string
	send := func(i int) {
		doc := withMessageID(t, "chargesheet-2023-ipc", fmt.Sprintf("traffic-%03d", i))
		doc = editJSON(t, doc, func(m map[string]any) {
			m["fir"].(map[string]any)["number"] = 3000 + i
		})
		status, res, body := post(t, urls[i%2], "police", doc)
		if status != http.StatusAccepted {
			t.Errorf("message %d: status %d: %s", i, status, body)
			return
		}
		mu.Lock()
		accepted = append(accepted, res.MessageID)
		mu.Unlock()
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			send(i)
			time.Sleep(10 * time.Millisecond)
		}
	}()

	time.Sleep(200 * time.Millisecond)
	var current api.RoutesVersion
	getJSON(t, urls[0], "/api/v1/routes", &current)
	// Version 2 adds a destination, a second e-Courts endpoint on the same
	// mock court, and copies every chargesheet to it.
	changed := strings.Replace(current.Document, "    to: [ecourts-kerala]",
		"    to: [ecourts-kerala, ecourts-copy]", 1)
	changed = strings.Replace(changed, "routes:\n", fmt.Sprintf(
		"  - {name: ecourts-copy, agency: courts, url: %s/ecf, timeout: 2s}\nroutes:\n",
		ag.courtURL), 1)
	var res api.RoutesChangeResult
	status := sendJSON(t, http.MethodPut, urls[1]+"/api/v1/routes", api.RoutesChange{
		Document: changed, Comment: "copy chargesheets to the police", Expect: current.Number,
		By: "test",
	}, &res)
	if status != http.StatusCreated || res.Saved == nil {
		t.Fatalf("PUT /api/v1/routes: status %d %+v", status, res)
	}
	if len(res.Summary) == 0 || !strings.Contains(strings.Join(res.Summary, "\n"), "final-report-to-court") {
		t.Errorf("summary %v does not name the changed route", res.Summary)
	}
	waitFor(t, "both replicas to apply v2", func() bool {
		for _, u := range urls {
			var v api.RoutesVersion
			getJSON(t, u, "/api/v1/routes", &v)
			if !v.InForce {
				return false
			}
		}
		return true
	})
	time.Sleep(200 * time.Millisecond)
	close(stop)
	<-done

	mu.Lock()
	defer mu.Unlock()
	before, after := 0, 0
	for _, id := range accepted {
		j := settledJourney(t, urls[0], id)
		if j.Status != "delivered" {
			t.Errorf("message %s: status %s", id, j.Status)
		}
		want := map[string]int{"v1": 1, "v2": 2}[j.RoutesVersion]
		if len(j.Deliveries) != want {
			t.Errorf("message %s routed by %s has %d deliveries, want %d",
				id, j.RoutesVersion, len(j.Deliveries), want)
		}
		if j.RoutesVersion == "v1" {
			before++
		} else {
			after++
		}
	}
	if before == 0 || after == 0 {
		t.Fatalf("%d messages before the change and %d after; want some of each", before, after)
	}
	if n := len(ag.court.Received()); n != len(accepted)+after {
		t.Errorf("court received %d distinct filings, want %d: one per message and a copy "+
			"of each routed by v2", n, len(accepted)+after)
	}
	for _, it := range ag.court.Received() {
		if it.Repeats != 0 {
			t.Errorf("filing %s was delivered %d extra times", it.Key, it.Repeats)
		}
	}
	t.Logf("%d messages routed by v1, %d by v2", before, after)
}

func TestExplainMatchesJournal(t *testing.T) {
	w := newWorld(t, Config{}, 5)
	_, res, _ := post(t, w.url, "police", sample(t, "chargesheet-2023-ipc"))
	settledJourney(t, w.url, res.MessageID)
	var ex api.ExplainResponse
	status := sendJSON(t, http.MethodPost, w.url+"/api/v1/routes/explain",
		api.ExplainRequest{MessageID: res.MessageID}, &ex)
	if status != http.StatusOK {
		t.Fatalf("explain status %d", status)
	}
	if ex.SameAsJournal == nil || !*ex.SameAsJournal {
		t.Errorf("explain disagrees with the journal: %+v vs %+v", ex.Decisions, ex.Journaled)
	}
	if len(ex.Deliveries) != 1 || ex.Deliveries[0].Destination != "ecourts-kerala" ||
		ex.Deliveries[0].Message == nil {
		t.Errorf("deliveries = %+v", ex.Deliveries)
	}
	var bad struct {
		Errors []journal.RouteDecision `json:"errors"`
	}
	status = sendJSON(t, http.MethodPut, w.url+"/api/v1/routes", api.RoutesChange{
		Document: "destinations: []\nroutes:\n  - {name: x, when: 'message.nope', to: []}\n",
	}, &bad)
	if status != http.StatusBadRequest {
		t.Errorf("invalid routes document: status %d, want 400", status)
	}
}

func TestAgencyListGuardsInbound(t *testing.T) {
	w := newWorld(t, Config{RoutesInterval: 20 * time.Millisecond}, 3)
	var current api.RoutesVersion
	getJSON(t, w.url, "/api/v1/routes", &current)
	doc := "agencies:\n  - {name: police}\n" + current.Document
	status := sendJSON(t, http.MethodPut, w.url+"/api/v1/routes", api.RoutesChange{
		Document: doc, Expect: current.Number, Comment: "only the police may send",
	}, nil)
	if status != http.StatusCreated {
		t.Fatalf("PUT /api/v1/routes: status %d", status)
	}
	waitFor(t, "v2 in force", func() bool {
		var v api.RoutesVersion
		getJSON(t, w.url, "/api/v1/routes", &v)
		return v.InForce && v.Number == 2
	})
	status, _, body := post(t, w.url, "courts", []byte("<x/>"))
	if status != http.StatusNotFound || !strings.Contains(string(body), "not listed") {
		t.Errorf("courts after the change: status %d %s, want 404 naming the list", status, body)
	}
	explain := api.ExplainRequest{Agency: "courts", Body: "<x/>", ContentType: "application/xml"}
	var explained problem.Problem
	if status := sendJSON(t, http.MethodPost, w.url+"/api/v1/routes/explain", explain, &explained); status != http.StatusNotFound ||
		!strings.Contains(explained.Detail, "not listed") {
		t.Errorf("explaining a courts body after the change: status %d %+v, want 404 naming the list",
			status, explained)
	}
	if status, _, body := post(t, w.url, "police", sample(t, "chargesheet-2023-ipc")); status != http.StatusAccepted {
		t.Errorf("police after the change: status %d %s", status, body)
	}
}

func TestReplaceRoutesSavesThisStartsRoutes(t *testing.T) {
	dsn := postgresDSN(t)
	first := credentialRoutes("http://127.0.0.1:18401/ecf", "")
	if v := startHub(t, Config{PostgresDSN: dsn, Routes: first}).Routes().Version(); v != "v1" {
		t.Fatalf("first start: routes %s in force, want v1", v)
	}

	// Later starts on the same store, with routes for other ports.
	second := credentialRoutes("http://127.0.0.1:18441/ecf", "")
	withoutReplace := startHub(t, Config{PostgresDSN: dsn, Routes: second})
	if d, _ := withoutReplace.Routes().Destination("ecourts-kerala"); d.URL != "http://127.0.0.1:18401/ecf" {
		t.Errorf("without ReplaceRoutes the court's url is %q, want the stored one", d.URL)
	}
	replaced := startHub(t, Config{PostgresDSN: dsn, Routes: second, ReplaceRoutes: true})
	if v := replaced.Routes().Version(); v != "v2" {
		t.Errorf("routes in force %s, want v2, the replacing version", v)
	}
	if d, _ := replaced.Routes().Destination("ecourts-kerala"); d.URL != "http://127.0.0.1:18441/ecf" {
		t.Errorf("with ReplaceRoutes the court's url is %q, want this start's", d.URL)
	}
}

func TestInvalidRoutesFileNamedAtStart(t *testing.T) {
	doc := []byte(`destinations:
  - {name: court, agency: courts, url: "http://127.0.0.1:18401/ecf"}
routes:
  - {name: to-court, when: 'message.typo == "x"', to: [court]}
  - {name: to-nowhere, when: 'true', to: [nowhere]}
`)
	dir := t.TempDir()
	_, err := Open(context.Background(), Config{DataDir: dir, Listen: "127.0.0.1:0", Log: quietLog(),
		Routes: doc, RoutesFile: "/etc/sangam/routes.yaml"})
	if err == nil {
		t.Fatal("Open started on an invalid routes file")
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "routes file /etc/sangam/routes.yaml is invalid") {
		t.Errorf("error %q does not start with the file's name", msg)
	}
	for _, pointer := range []string{"\n  /routes/0/when: ", "\n  /routes/1/to/0: "} {
		if !strings.Contains(msg, pointer) {
			t.Errorf("error %q has no indented line starting %q", msg, pointer)
		}
	}
	if problems := routes.Problems(err); len(problems) != 2 {
		t.Errorf("routes.Problems of the error returned %d problems, want 2", len(problems))
	}
	if _, statErr := os.Stat(filepath.Join(dir, journalFile)); !errors.Is(statErr, os.ErrNotExist) {
		t.Errorf("the journal file: Stat error = %v, want none created", statErr)
	}
}

// TestRoutesFileLineBreaksNormalized starts a hub on a routes file with a
// byte order mark and CRLF line breaks: the store's first version is the
// file without them.
func TestRoutesFileLineBreaksNormalized(t *testing.T) {
	doc := credentialRoutes("http://127.0.0.1:20101/ecf", "")
	windows := append([]byte("\uFEFF"), bytes.ReplaceAll(doc, []byte("\n"), []byte("\r\n"))...)
	cfg := Config{DataDir: t.TempDir(), Listen: "127.0.0.1:0", Log: quietLog(),
		AadhaarKey: testKey, Routes: windows}
	h, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer stop(t, h)
	v, err := h.backend.routes.Current(context.Background())
	if err != nil {
		t.Fatalf("reading the stored routes: %v", err)
	}
	if !bytes.Equal(v.Document, doc) {
		t.Errorf("stored document %q, want %q", v.Document, doc)
	}
}

// TestRoutesSaveInForceWhenSaved saves and restores routes on a hub that
// reads the routes store only once an hour, so only the save itself can
// put each version in force. The save response and the listing read
// right after it must both mark the saved version in force.
func TestRoutesSaveInForceWhenSaved(t *testing.T) {
	w := newWorld(t, Config{RoutesInterval: time.Hour}, 3)
	var current api.RoutesVersion
	getJSON(t, w.url, "/api/v1/routes", &current)
	var res api.RoutesChangeResult
	status := sendJSON(t, http.MethodPut, w.url+"/api/v1/routes", api.RoutesChange{
		Document: "agencies:\n  - {name: police}\n" + current.Document, Expect: current.Number,
	}, &res)
	if status != http.StatusCreated {
		t.Fatalf("PUT /api/v1/routes: status %d", status)
	}
	checkSavedInForce(t, w.url, res, current.Number+1)

	res = api.RoutesChangeResult{}
	status = sendJSON(t, http.MethodPost, fmt.Sprintf("%s/api/v1/routes/versions/%d/restore", w.url,
		current.Number), api.RoutesChange{Expect: current.Number + 1}, &res)
	if status != http.StatusCreated {
		t.Fatalf("restoring version %d: status %d", current.Number, status)
	}
	checkSavedInForce(t, w.url, res, current.Number+2)
}

// checkSavedInForce fails t unless res saved version number in force and
// the hub's listing marks that version alone.
func checkSavedInForce(t *testing.T, hubURL string, res api.RoutesChangeResult, number int) {
	t.Helper()
	if res.Saved == nil || res.Saved.Number != number {
		t.Fatalf("save response %+v, want version %d saved", res.Saved, number)
	}
	if !res.Saved.InForce {
		t.Errorf("save response: version %d not in force", number)
	}
	var list struct {
		Versions []api.RoutesVersionInfo `json:"versions"`
	}
	getJSON(t, hubURL, "/api/v1/routes/versions", &list)
	for _, v := range list.Versions {
		if v.InForce != (v.Number == number) {
			t.Errorf("listing after saving version %d: version %d in_force %v", number, v.Number, v.InForce)
		}
	}
}

// TestRoutesFileDiffersLogged restarts a hub on its routes file after a
// routes change: the line states at info level that the file is version 1
// and the newer version is in force. A restart on a file that matches no
// stored version gets a warning, because its changes are not in force.
func TestRoutesFileDiffersLogged(t *testing.T) {
	dir := t.TempDir()
	file := credentialRoutes("http://127.0.0.1:18401/ecf", "")
	cfg := Config{DataDir: dir, Routes: file, RoutesFile: "/etc/sangam/routes.yaml"}
	h, stopHub, done := runHub(t, cfg)
	status := sendJSON(t, http.MethodPut, "http://"+h.Addr()+"/api/v1/routes", api.RoutesChange{
		Document: string(credentialRoutes("http://127.0.0.1:18402/ecf", "")), Expect: 1, By: "test"}, nil)
	stopHub()
	if err := <-done; err != nil {
		t.Fatalf("first hub: %v", err)
	}
	if status != http.StatusCreated {
		t.Fatalf("PUT routes: status %d, want 201", status)
	}

	log, logs := capturedLog()
	cfg.Log = log
	_, stopHub, done = runHub(t, cfg)
	stopHub()
	if err := <-done; err != nil {
		t.Fatalf("second hub: %v", err)
	}
	want := `level=INFO msg="the routes file is an earlier stored routes version, so the hub uses ` +
		`the newer version in force, because the file only seeds an empty routes store; to use the ` +
		`file's routes again, restore its version with sangam routes restore, or to drop this line, ` +
		`write the version in force to the file with sangam routes export" routes_version=2 ` +
		`file=/etc/sangam/routes.yaml file_version=1`
	if !strings.Contains(logs.String(), want) {
		t.Errorf("restart on the first version's file: log lacks %q:\n%s", want, logs)
	}
	if strings.Contains(logs.String(), "level=WARN msg=\"the routes file") {
		t.Errorf("restart on the first version's file: log has a warning:\n%s", logs)
	}

	log, logs = capturedLog()
	cfg.Log = log
	cfg.Routes = credentialRoutes("http://127.0.0.1:18403/ecf", "")
	startHub(t, cfg)
	want = `level=WARN msg="the routes file matches no stored routes version, so its changes are ` +
		`not in force: the hub uses the stored version in force, because the file only seeds an ` +
		`empty routes store; to use the file, apply it with sangam routes apply, or to keep the ` +
		`stored routes, write them to the file with sangam routes export" routes_version=2 ` +
		`file=/etc/sangam/routes.yaml`
	if !strings.Contains(logs.String(), want) {
		t.Errorf("restart on an edited file: log lacks %q:\n%s", want, logs)
	}
}
