package passport

import "github.com/sangam-hub/sangam/adapters/internal/jsondoc"

// The types below are the verification documents, field for field as
// schemas/passport describes them. Dates and times stay strings here:
// decoding parses them and reports a value it cannot parse as a violation
// rather than failing the whole document.

// Document types, the values of the document_type field.
const (
	docRequest = "verification_request"
	docReport  = "verification_report"
)

// requestDoc is a verification request.
type requestDoc struct {
	jsondoc.Envelope
	FileNumber     string       `json:"file_number"`
	Kind           string       `json:"kind"`
	RequestedAt    string       `json:"requested_at"`
	DueOn          string       `json:"due_on,omitempty"`
	Applicant      applicant    `json:"applicant"`
	OldPassport    *oldPassport `json:"old_passport,omitempty"`
	PoliceStation  string       `json:"police_station,omitempty"`
	DistrictOffice string       `json:"district_office,omitempty"`
	HeldBy         []string     `json:"held_by,omitempty"`
	Matches        []match      `json:"matches,omitempty"`
	Escalated      bool         `json:"escalated,omitempty"`
}

type applicant struct {
	Names            []jsondoc.Name       `json:"names"`
	Aliases          []jsondoc.Name       `json:"aliases,omitempty"`
	Sex              string               `json:"sex"`
	DateOfBirth      string               `json:"date_of_birth"`
	Relatives        []jsondoc.Relative   `json:"relatives,omitempty"`
	Identifiers      []jsondoc.Identifier `json:"identifiers,omitempty"`
	Nationality      string               `json:"nationality,omitempty"`
	Occupation       string               `json:"occupation,omitempty"`
	PresentAddress   address              `json:"present_address"`
	PermanentAddress address              `json:"permanent_address"`
}

type oldPassport struct {
	MRZ []string `json:"mrz"`
}

type match struct {
	Case      jsondoc.CaseRef `json:"case"`
	MatchedBy string          `json:"matched_by"`
}

// reportDoc is a verification report.
type reportDoc struct {
	jsondoc.Envelope
	FileNumber    string            `json:"file_number"`
	Outcome       string            `json:"outcome"`
	Cases         []jsondoc.CaseRef `json:"cases,omitempty"`
	Reason        string            `json:"reason,omitempty"`
	PoliceStation string            `json:"police_station"`
	Officer       jsondoc.Officer   `json:"officer"`
	ReportedAt    string            `json:"reported_at"`
	Late          bool              `json:"late,omitempty"`
}

type address struct {
	Line     string `json:"line"`
	Locality string `json:"locality,omitempty"`
	City     string `json:"city,omitempty"`
	District string `json:"district,omitempty"`
	State    string `json:"state"`
	PIN      string `json:"pin"`
	Country  string `json:"country,omitempty"`
}
