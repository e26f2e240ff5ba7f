package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/hub"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/verification"
	"github.com/sangam-hub/sangam/mocks/passport"
	"github.com/sangam-hub/sangam/mocks/police"
)

// The demo's stations and district offices, by their place in
// demoMocks.stations.
const (
	demoEKM0420 = 1
	demoRural   = 3
)

// startDemoHub starts the demo's mock agencies and a hub on their routes
// whose deadline tracker makes a pass every 50 ms, and returns the
// mocks and the hub's URL. Nothing sends the sample traffic.
func startDemoHub(t *testing.T) (*demoMocks, string) {
	t.Helper()
	mocks, err := listenMocks(0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(mocks.close)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	hubURL := startMocksHub(t, hub.Config{
		Routes:       mocks.routes(),
		AadhaarKey:   []byte("demo routes test key of 32 bytes!!"),
		Verification: hub.VerificationConfig{Interval: 50 * time.Millisecond},
		Log:          log,
	})
	if err := mocks.serve(hubURL, "", mockTokens{}, log); err != nil {
		t.Fatal(err)
	}
	return mocks, hubURL
}

// startMocksHub opens a hub with cfg on a free loopback port and a new
// data folder, runs it until the test ends, and returns its URL.
func startMocksHub(t *testing.T, cfg hub.Config) string {
	t.Helper()
	cfg.Listen = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	h, err := hub.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return "http://" + h.Addr()
}

// TestDemoEscalationsReachOwnOffice sends the demo's passport requests,
// whose due dates have passed, to a hub on the demo's routes with
// station EKM0420 silent, so the hub escalates both. The Aluva request,
// of station EKR0501, which has no destination, and its escalation reach
// the Ernakulam Rural office's mock; the escalation of EKM0420's request
// reaches the Kochi City office's.
func TestDemoEscalationsReachOwnOffice(t *testing.T) {
	mocks, hubURL := startDemoHub(t)
	mocks.stations[demoEKM0420].Answer(police.Answering{Outcome: police.AnswerSilent})
	client := &hubClient{base: hubURL}
	ctx := context.Background()
	for _, s := range passport.Samples() {
		if s.Invalid {
			continue
		}
		res, err := client.send(ctx, "passport", s.Body)
		if err != nil || res.problem != nil {
			t.Fatalf("sending %s: %v %+v", s.Name, err, res.problem)
		}
	}

	for file, want := range map[string]struct {
		station, office string
		unitsOfRequest  []string
	}{
		"CO1075120411325": {"EKM0420", "KOCHI-CITY", []string{"EKM0420"}},
		"CO1075120587125": {"EKR0501", "EKM-RURAL", []string{"EKM-RURAL"}},
	} {
		s := escalatedStatus(t, client, file)
		if s.PoliceStation != want.station || s.DistrictOffice != want.office {
			t.Errorf("%s: assigned to %s of %s, want %s of %s", file, s.PoliceStation,
				s.DistrictOffice, want.station, want.office)
		}
		if got := unitsOf(s, s.RequestID); !slices.Equal(got, want.unitsOfRequest) {
			t.Errorf("%s: request delivered to %v, want %v", file, got, want.unitsOfRequest)
		}
		if got := unitsOf(s, s.EscalationID); !slices.Equal(got, []string{want.office}) {
			t.Errorf("%s: escalation delivered to %v, want [%s]", file, got, want.office)
		}
	}

	if len(mocks.stations) <= demoRural {
		t.Fatal("the demo starts no mock for the Ernakulam Rural office")
	}
	received := mocks.stations[demoRural].Escalations()
	if len(received) != 2 {
		t.Fatalf("the Ernakulam Rural office's mock received %d requests, want 2", len(received))
	}
	for i, r := range received {
		var body struct {
			PoliceStation  string `json:"police_station"`
			DistrictOffice string `json:"district_office"`
			Escalated      bool   `json:"escalated"`
		}
		if err := json.Unmarshal(r.Body, &body); err != nil {
			t.Fatal(err)
		}
		if body.Escalated != (i == 1) || body.PoliceStation != "EKR0501" || body.DistrictOffice != "EKM-RURAL" {
			t.Errorf("the Ernakulam Rural office's request %d is %+v, want EKR0501's request, "+
				"then its escalation", i+1, body)
		}
	}
}

// escalatedStatus waits until the hub has escalated the request for
// file and delivered the escalation, and returns the request's status.
func escalatedStatus(t *testing.T, client *hubClient, file string) verification.Status {
	t.Helper()
	var s verification.Status
	waitUntil(t, "the escalation of "+file+" delivered", func() bool {
		s = verification.Status{}
		if err := client.get(context.Background(), "/api/v1/verifications/"+file, &s); err != nil {
			t.Fatal(err)
		}
		if s.State != verification.StateEscalated || len(s.Deliveries) == 0 {
			return false
		}
		for _, d := range s.Deliveries {
			if d.Status != journal.StatusDelivered {
				return false
			}
		}
		return slices.ContainsFunc(s.Deliveries, func(d verification.Delivery) bool {
			return d.MessageID == s.EscalationID
		})
	})
	return s
}

// unitsOf returns the police units of the deliveries of message id in s.
func unitsOf(s verification.Status, id string) []string {
	var units []string
	for _, d := range s.Deliveries {
		if d.MessageID == id {
			units = append(units, d.PoliceUnit)
		}
	}
	return units
}

// fakeListener is a net.Listener that only has an address.
type fakeListener struct {
	net.Listener
	port int
}

func (l fakeListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: l.port} }

// TestDemoRoutesShiftedByOnePort gives the mocks the ports one past
// their defaults, so that each mock's port is the next one's default:
// every URL and the header's ports move by one, none by two.
func TestDemoRoutesShiftedByOnePort(t *testing.T) {
	m := &demoMocks{}
	for i := range demoAgencies {
		m.listeners = append(m.listeners, fakeListener{port: demoBasePort + 1 + i})
	}
	doc := string(m.routes())
	for _, want := range []string{
		`url: "http://127.0.0.1:8402/ecf"`,
		"e-Courts on 8402, CCTNS station EKM0412\n# on 8403",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("routes lack %q", want)
		}
	}
	if strings.Contains(doc, "127.0.0.1:8401/") || strings.Contains(doc, "127.0.0.1:8403/ecf") {
		t.Errorf("routes still name a default port, or one moved twice:\n%s", doc[:600])
	}
}

// TestDemoPrintsEveryViolationRule sends each invalid sample as the demo
// does and checks that the demo prints every violation that the hub's
// problem lists, each with its rule.
func TestDemoPrintsEveryViolationRule(t *testing.T) {
	_, hubURL := startDemoHub(t)
	client := &hubClient{base: hubURL}
	ctx := context.Background()
	flows := map[string][]namedDoc{
		"police": policeDocs(), "courts": courtDocs(), "prisons": prisonDocs(),
		"passport": passportDocs(),
	}
	invalid := 0
	for agency, docs := range flows {
		for _, d := range docs {
			if !d.invalid {
				continue
			}
			invalid++
			res, err := client.send(ctx, agency, d.body)
			if err != nil || res.problem == nil {
				t.Fatalf("%s %s: err %v, problem %+v, want a problem", agency, d.name, err, res.problem)
			}
			if len(res.problem.Errors) == 0 {
				t.Fatalf("%s %s: the problem lists no violation", agency, d.name)
			}
			var out strings.Builder
			if err := sendOne(ctx, client, agency, d, &out); err != nil {
				t.Fatalf("%s %s: %v", agency, d.name, err)
			}
			lines := strings.Split(out.String(), "\n")
			for _, v := range res.problem.Errors {
				if v.Rule == "" {
					t.Errorf("%s %s: violation %+v has no rule", agency, d.name, v)
				}
				if !slices.Contains(lines, "    "+v.String()) {
					t.Errorf("%s %s: output lacks the line %q:\n%s", agency, d.name, v.String(), out.String())
				}
			}
		}
	}
	if invalid < 4 {
		t.Errorf("found %d invalid samples, want one of each agency at least", invalid)
	}
}

// TestDemoLogLeavesOutJournalReads checks that the demo's log drops the
// audit lines of journal reads, from loggers derived with With too, and
// keeps every other line.
func TestDemoLogLeavesOutJournalReads(t *testing.T) {
	var out strings.Builder
	log := slog.New(demoLogHandler{slog.NewTextHandler(&out, nil)})
	log.Info(api.JournalReadMessage, "path", "/api/v1/messages/m-1")
	log.With("component", "api").Info(api.JournalReadMessage, "path", "/api/v1/messages/m-2")
	log.Info("config read", "path", "/api/v1/routes")
	log.With("component", "delivery").Info("delivered", "delivery_id", "d-1")
	got := out.String()
	if strings.Contains(got, api.JournalReadMessage) {
		t.Errorf("log keeps journal reads:\n%s", got)
	}
	for _, want := range []string{`msg="config read"`, "msg=delivered", "component=delivery"} {
		if !strings.Contains(got, want) {
			t.Errorf("log lacks %s:\n%s", want, got)
		}
	}
}
