package passport

import (
	"strconv"
	"strings"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/canonical"
)

// BodyPointer returns the JSON pointer, in the passport office's
// document that m was decoded from, of the canonical field at pointer,
// for the message type, the correlation id (in_reply_to) and the fields
// of a verification request or report that the document holds under
// another pointer. It implements adapters.BodyPointers.
func (a *Adapter) BodyPointer(_ adapters.Document, m *canonical.Message, pointer string) (string, bool) {
	return BodyPointer(m, pointer)
}

// reportFields are the members of a canonical verification report that
// a report document holds at its top level under the same name.
var reportFields = []string{"file_number", "outcome", "cases", "reason", "police_station", "officer"}

// BodyPointer is Adapter.BodyPointer, for the police adapter too, whose
// stations report in this package's document.
func BodyPointer(m *canonical.Message, pointer string) (string, bool) {
	switch pointer {
	case "/type":
		return "/document_type", true
	case "/correlation_id":
		return "/in_reply_to", true
	}
	switch m.Type {
	case canonical.TypeVerificationReport:
		rest, ok := strings.CutPrefix(pointer, "/verification_report/")
		if !ok {
			return "", false
		}
		if rest == "reported_on" {
			// The document dates the report with a time.
			return "/reported_at", true
		}
		field, _, _ := strings.Cut(rest, "/")
		for _, f := range reportFields {
			if f == field {
				return "/" + rest, true
			}
		}
	case canonical.TypeVerificationRequest:
		return requestPointer(m.VerificationRequest, pointer)
	}
	return "", false
}

// requestPointer maps the pointers of a request's canonical fields that
// differ in the document: the top-level ones, and the applicant's
// addresses, which the document keeps as present_address and
// permanent_address.
func requestPointer(r *canonical.VerificationRequest, pointer string) (string, bool) {
	rest, ok := strings.CutPrefix(pointer, "/verification_request/")
	if !ok || r == nil {
		return "", false
	}
	if rest == "matches" {
		// Only the list as a whole: its cases' members are named as
		// the canonical form names them.
		return "/matches", true
	}
	if rest == "applicant/addresses" {
		return "/applicant/present_address", true
	}
	if after, ok := strings.CutPrefix(rest, "applicant/addresses/"); ok {
		index, field, _ := strings.Cut(after, "/")
		i, err := strconv.Atoi(index)
		if err != nil || i < 0 || i >= len(r.Applicant.Addresses) {
			return "", false
		}
		p := "/applicant/" + r.Applicant.Addresses[i].Kind + "_address"
		if field != "" {
			p += "/" + field
		}
		return p, true
	}
	field, _, _ := strings.Cut(rest, "/")
	switch field {
	case "file_number", "kind", "due_on", "police_station", "district_office", "escalated",
		"held_by":
		return "/" + rest, true
	}
	return "", false
}
