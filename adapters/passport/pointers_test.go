package passport

import (
	"testing"

	"github.com/sangam-hub/sangam/canonical"
)

func TestBodyPointer(t *testing.T) {
	report := &canonical.Message{Type: canonical.TypeVerificationReport}
	request := &canonical.Message{Type: canonical.TypeVerificationRequest,
		VerificationRequest: &canonical.VerificationRequest{Applicant: canonical.Person{
			Addresses: []canonical.Address{{Kind: "present"}, {Kind: "permanent"}},
		}}}
	for _, c := range []struct {
		m        *canonical.Message
		pointer  string
		want     string
		resolved bool
	}{
		{report, "/verification_report/police_station", "/police_station", true},
		{report, "/verification_report/file_number", "/file_number", true},
		{report, "/verification_report/officer/name", "/officer/name", true},
		{report, "/verification_report/reported_on", "/reported_at", true},
		{report, "/verification_report/late", "", false},
		{report, "/verification_request/file_number", "", false},
		{request, "/verification_request/applicant/addresses/0/pin", "/applicant/present_address/pin", true},
		{request, "/verification_request/applicant/addresses/1/pin", "/applicant/permanent_address/pin", true},
		{request, "/verification_request/applicant/addresses/2/pin", "", false},
		{request, "/verification_request/applicant/addresses", "/applicant/present_address", true},
		{request, "/verification_request/escalated", "/escalated", true},
		{request, "/verification_request/held_by", "/held_by", true},
		{request, "/verification_request/held_by/0", "/held_by/0", true},
		{request, "/verification_request/matches", "/matches", true},
		{request, "/verification_request/matches/0/case", "", false},
		{request, "/verification_request/old_passport/document_number", "", false},
		{request, "/type", "/document_type", true},
		{report, "/type", "/document_type", true},
		{request, "/verification_request/file_number", "/file_number", true},
	} {
		got, ok := BodyPointer(c.m, c.pointer)
		if got != c.want || ok != c.resolved {
			t.Errorf("BodyPointer(%s, %s) = %q, %v; want %q, %v", c.m.Type, c.pointer, got, ok, c.want, c.resolved)
		}
	}
}
