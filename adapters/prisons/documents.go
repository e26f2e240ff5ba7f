package prisons

import "github.com/sangam-hub/sangam/adapters/internal/jsondoc"

// The types below are the prison JSON documents, field for field as
// schemas/prisons describes them. Dates and times stay strings here:
// decoding parses them and reports a value it cannot parse as a violation
// rather than failing the whole document.

// Document types, the values of the document_type field.
const (
	docMovement   = "movement"
	docCourtOrder = "court_order"
)

// movementDoc is a movement event.
type movementDoc struct {
	jsondoc.Envelope
	Prisoner      prisoner  `json:"prisoner"`
	Kind          string    `json:"kind"`
	At            string    `json:"at"`
	From          *location `json:"from,omitempty"`
	To            *location `json:"to,omitempty"`
	Reason        string    `json:"reason,omitempty"`
	ReleaseGround string    `json:"release_ground,omitempty"`
}

// courtOrderDoc is a court order for a prison.
type courtOrderDoc struct {
	jsondoc.Envelope
	Kind          string          `json:"kind"`
	Number        string          `json:"number,omitempty"`
	Court         jsondoc.Court   `json:"court"`
	Prisoner      prisoner        `json:"prisoner"`
	Case          jsondoc.CaseRef `json:"case"`
	AppearOn      string          `json:"appear_on,omitempty"`
	ReleaseGround string          `json:"release_ground,omitempty"`
	OrderedOn     string          `json:"ordered_on"`
	IssuedAt      string          `json:"issued_at,omitempty"`
	Directions    string          `json:"directions,omitempty"`
	Judge         string          `json:"judge,omitempty"`
}

type prisoner struct {
	PrisonCode    string            `json:"prison_code"`
	PrisonName    string            `json:"prison_name,omitempty"`
	Number        string            `json:"number,omitempty"`
	BookingNumber string            `json:"booking_number,omitempty"`
	Person        jsondoc.Person    `json:"person"`
	CustodyStatus string            `json:"custody_status,omitempty"`
	StatusDetail  string            `json:"custody_status_detail,omitempty"`
	AdmittedAt    string            `json:"admitted_at,omitempty"`
	Housing       string            `json:"housing,omitempty"`
	Alerts        []string          `json:"alerts,omitempty"`
	Cases         []jsondoc.CaseRef `json:"cases,omitempty"`
	Charges       []charge          `json:"charges,omitempty"`
}

type charge struct {
	Act         string `json:"act"`
	Section     string `json:"section,omitempty"`
	Description string `json:"description,omitempty"`
	OffenceCode string `json:"offence_code,omitempty"`
}

type location struct {
	Kind string `json:"kind"`
	Code string `json:"code,omitempty"`
	Name string `json:"name,omitempty"`
}
