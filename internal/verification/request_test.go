package verification

import (
	"testing"
	"time"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/schemas"
)

func TestRequestEnricherCompletesRequest(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		e.loadRecords(t)
		m := e.accept(t, freshRequest(t), e.requestEnricher())
		r := m.VerificationRequest
		if r.PoliceStation != "EKM0420" {
			t.Errorf("station = %q, want EKM0420 for PIN 682024", r.PoliceStation)
		}
		if r.DistrictOffice != "KOCHI-CITY" {
			t.Errorf("district office = %q, want KOCHI-CITY", r.DistrictOffice)
		}
		if r.DueOn != "2025-11-26" {
			t.Errorf("due on = %q, want the sender's 2025-11-26", r.DueOn)
		}
		if len(r.Matches) != 1 || r.Matches[0].Case.Key() != kaloorFIR {
			t.Errorf("matches = %+v, want the Kaloor FIR", r.Matches)
		}
	})
}

func TestRequestEnricherSetsDefaultDueDate(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		req := freshRequest(t)
		req.VerificationRequest.DueOn = ""
		en := e.requestEnricher()
		m := e.accept(t, req, en)
		// The clock reads 5 November 2025, 11:00 IST.
		if got := m.VerificationRequest.DueOn; got != "2025-11-26" {
			t.Errorf("default due date = %q, want 21 days on, 2025-11-26", got)
		}

		req = freshRequest(t)
		req.SenderMessageID += "-2"
		req.VerificationRequest.DueOn = ""
		en.Deadline = 7 * 24 * time.Hour
		m = e.accept(t, req, en)
		if got := m.VerificationRequest.DueOn; got != "2025-11-12" {
			t.Errorf("due date with a 7-day deadline = %q, want 2025-11-12", got)
		}
	})
}

func TestRequestEnricherRejects(t *testing.T) {
	cases := []struct {
		name          string
		edit          func(m *canonical.Message)
		pointer, rule string
	}{
		{"unknown PIN", func(m *canonical.Message) {
			m.VerificationRequest.Applicant.Addresses[0].PIN = "110001"
		}, "/verification_request/applicant/addresses/0/pin", RuleJurisdiction},
		{"present address last", func(m *canonical.Message) {
			a := m.VerificationRequest.Applicant.Addresses
			a[0], a[1] = a[1], a[0]
			a[1].PIN = "999999"
		}, "/verification_request/applicant/addresses/1/pin", RuleJurisdiction},
		{"no present address", func(m *canonical.Message) {
			m.VerificationRequest.Applicant.Addresses = m.VerificationRequest.Applicant.Addresses[1:]
		}, "/verification_request/applicant/addresses", "required"},
		{"escalated by the passport office", func(m *canonical.Message) {
			m.VerificationRequest.Escalated = true
		}, "/verification_request/escalated", RuleHubOnly},
	}
	backends(t, func(t *testing.T, e *env) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				m := freshRequest(t)
				c.edit(&m)
				_, err := e.tryAccept(m, e.requestEnricher())
				vs := schemas.Violations(err)
				if len(vs) != 1 {
					t.Fatalf("err = %v, want one violation", err)
				}
				if vs[0].Pointer != c.pointer || vs[0].Rule != c.rule {
					t.Errorf("violation = %+v, want %s at %s", vs[0], c.rule, c.pointer)
				}
			})
		}
		found, err := e.store.Find(t.Context(), journal.Query{})
		if err != nil {
			t.Fatal(err)
		}
		if len(found) != 0 {
			t.Errorf("journal holds %d messages after rejections, want 0", len(found))
		}
	})
}
