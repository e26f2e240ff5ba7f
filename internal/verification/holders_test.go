package verification

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/routes"
	"github.com/sangam-hub/sangam/schemas"
)

// routedBy is an enricher that routes a message with table and records
// its holders, as ingest does after its enrichers.
type routedBy struct{ table *routes.Table }

func (r routedBy) Enrich(_ context.Context, m *canonical.Message) error {
	Holders{}.EnrichRouted(m, r.table, routes.Targets(r.table.Decide(m)))
	return nil
}

func defaultRoutes(t *testing.T) *routes.Table {
	t.Helper()
	table, err := routes.Load(routes.DefaultDocument())
	if err != nil {
		t.Fatalf("loading the default routes: %v", err)
	}
	return table
}

// reissueRequest is the passport office's reissue request for an
// applicant at Aluva, PIN 683101, which station EKR0501 of district
// office EKM-RURAL serves.
func reissueRequest(t *testing.T) canonical.Message {
	return withSource(decode(t, "passport", "request-reissue"), "passport")
}

// reportOn returns a clear report on req's file from unit, dated by the
// clock and correlated with req.
func (e *env) reportOn(req canonical.Message, unit string) canonical.Message {
	rep := e.stationReport(req.ID)
	rep.SenderMessageID = unit + "-PVR-" + req.VerificationRequest.FileNumber
	rep.CaseKey = req.CaseKey
	rep.VerificationReport.FileNumber = req.VerificationRequest.FileNumber
	rep.VerificationReport.PoliceStation = unit
	return rep
}

func TestHoldersAreDestinationsPoliceUnits(t *testing.T) {
	e := sqliteEnv(t)
	table := defaultRoutes(t)
	cases := []struct {
		name    string
		request canonical.Message
		station string
		want    []string
	}{
		{"station with a destination", freshRequest(t), "EKM0420", []string{"EKM0420"}},
		{"station without a destination", reissueRequest(t), "EKR0501", []string{"EKM-RURAL"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := e.accept(t, c.request, e.requestEnricher(), routedBy{table})
			r := req.VerificationRequest
			if r.PoliceStation != c.station {
				t.Errorf("police station = %q, want %q", r.PoliceStation, c.station)
			}
			if !slices.Equal(r.HeldBy, c.want) {
				t.Errorf("held by %v, want %v", r.HeldBy, c.want)
			}
			status, err := RequestStatus(context.Background(), e.store, nil, r.FileNumber)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(status.HeldBy, c.want) {
				t.Errorf("status held by %v, want %v", status.HeldBy, c.want)
			}
		})
	}
}

// TestReportFromHolderAccepted routes a request for station EKR0501 of
// Ernakulam Rural to the Kochi City office, which then holds it with the
// two units the request was assigned to.
func TestReportFromHolderAccepted(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		req := e.accept(t, reissueRequest(t), e.requestEnricher(), routedBy{loadRoutes(t, kochiCityOnly)})
		if r := req.VerificationRequest; r.PoliceStation != "EKR0501" || r.DistrictOffice != "EKM-RURAL" {
			t.Fatalf("request assigned to %q of %q, want EKR0501 of EKM-RURAL",
				r.PoliceStation, r.DistrictOffice)
		}
		e.clock.Advance(2 * day) // after the request, made on 6 November

		// Another station may not report, even when the office that
		// holds the request is its own district office.
		_, err := e.tryAccept(e.reportOn(req, "EKM0420"), e.reportEnricher())
		vs := schemas.Violations(err)
		if len(vs) != 1 || vs[0].Rule != RuleOtherStation {
			t.Errorf("report from EKM0420: err = %v, want %s", err, RuleOtherStation)
		} else {
			// The message names no unit that holds the request, the
			// office that the routes chose among them.
			for _, unit := range []string{"KOCHI-CITY", "EKR0501", "EKM-RURAL"} {
				if strings.Contains(vs[0].Message, unit) {
					t.Errorf("report from EKM0420: message %q names holder %s", vs[0].Message, unit)
				}
			}
		}
		for _, unit := range []string{"KOCHI-CITY", "EKR0501", "EKM-RURAL"} {
			if _, err := e.tryAccept(e.reportOn(req, unit), e.reportEnricher()); err != nil {
				t.Errorf("report from %s: %v", unit, err)
			}
		}
	})
}

func TestReportFromEscalationHolderAccepted(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		// The request reaches its station, and the escalation, routed
		// elsewhere, an office that is not its district office.
		unrouted, err := routes.Load([]byte(`
destinations:
  - {name: ekm0420, agency: passport, url: "http://127.0.0.1:8404/v", police_unit: EKM0420}
  - {name: state-office, agency: passport, url: "http://127.0.0.1:8405/e", police_unit: SCRB}
routes:
  - name: request
    when: message.type == "verification_request" && !message.verification_request.escalated
    to: [ekm0420]
  - name: escalation
    when: message.type == "verification_request" && message.verification_request.escalated
    to: [state-office]
`))
		if err != nil {
			t.Fatal(err)
		}
		req := e.accept(t, freshRequest(t), e.requestEnricher(), routedBy{unrouted})
		_, err = e.tryAccept(e.reportOn(req, "SCRB"), e.reportEnricher())
		if vs := schemas.Violations(err); len(vs) != 1 || vs[0].Rule != RuleOtherStation {
			t.Errorf("report from SCRB before the escalation: err = %v, want %s", err, RuleOtherStation)
		}

		e.clock.Advance(22 * day)
		esc := e.accept(t, Escalation(req, e.clock.Now()), e.requestEnricher(), routedBy{unrouted})
		status, err := RequestStatus(context.Background(), e.store, nil, "CO1075120411325")
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"EKM0420", "SCRB"}
		if !slices.Equal(status.HeldBy, want) {
			t.Errorf("status held by %v, want %v", status.HeldBy, want)
		}
		// The escalation's copy names the station, which holds the
		// request too, as the status does.
		if held := esc.VerificationRequest.HeldBy; !slices.Equal(held, want) {
			t.Errorf("escalation held by %v, want %v", held, want)
		}
		rep := e.reportOn(req, "SCRB")
		rep.SenderMessageID += "-escalated"
		if _, err := e.tryAccept(rep, e.reportEnricher()); err != nil {
			t.Errorf("report from SCRB after the escalation: %v", err)
		}
	})
}

// TestSenderMayNotSetHubFields posts requests that set the fields the
// hub sets: each is rejected with rule hub-only at the field.
func TestSenderMayNotSetHubFields(t *testing.T) {
	e := sqliteEnv(t)
	for field, set := range map[string]func(r *canonical.VerificationRequest){
		"police_station":  func(r *canonical.VerificationRequest) { r.PoliceStation = "EKM0412" },
		"district_office": func(r *canonical.VerificationRequest) { r.DistrictOffice = "KOCHI-CITY" },
		"held_by":         func(r *canonical.VerificationRequest) { r.HeldBy = []string{"EKM0412"} },
		"matches": func(r *canonical.VerificationRequest) {
			r.Matches = []canonical.CaseMatch{{Case: canonical.CaseRef{CNR: "KLER100011872025"},
				MatchedBy: "name_and_date_of_birth"}}
		},
	} {
		m := freshRequest(t)
		set(m.VerificationRequest)
		_, err := e.tryAccept(m, e.requestEnricher())
		vs := schemas.Violations(err)
		if len(vs) != 1 || vs[0].Rule != RuleHubOnly || vs[0].Pointer != "/verification_request/"+field {
			t.Errorf("%s set by the sender: error %v, want hub-only at it", field, err)
		}
	}
}

// TestHubFieldsListedTogether sets several fields that only the hub sets,
// escalated among them, on a request whose PIN no station serves: every
// violation comes back in one error, sorted by pointer.
func TestHubFieldsListedTogether(t *testing.T) {
	e := sqliteEnv(t)
	m := freshRequest(t)
	r := m.VerificationRequest
	r.PoliceStation, r.HeldBy, r.DistrictOffice = "EKM0412", []string{"EKM0412"}, "KOCHI-CITY"
	r.Escalated = true
	r.Applicant.Addresses[0].PIN = "110001"
	_, err := e.tryAccept(m, e.requestEnricher())
	var got []string
	for _, v := range schemas.Violations(err) {
		got = append(got, v.Pointer+" "+v.Rule)
	}
	want := []string{
		"/verification_request/applicant/addresses/0/pin " + RuleJurisdiction,
		"/verification_request/district_office " + RuleHubOnly,
		"/verification_request/escalated " + RuleHubOnly,
		"/verification_request/held_by " + RuleHubOnly,
		"/verification_request/police_station " + RuleHubOnly,
	}
	if !slices.Equal(got, want) {
		t.Errorf("violations = %q, want %q", got, want)
	}
}
