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
	Kind          string   `json:"kind"`
	Number        string   `json:"number,omitempty"`
	Court         court    `json:"court"`
	Prisoner      prisoner `json:"prisoner"`
	Case          caseRef  `json:"case"`
	AppearOn      string   `json:"appear_on,omitempty"`
	ReleaseGround string   `json:"release_ground,omitempty"`
	OrderedOn     string   `json:"ordered_on"`
	IssuedAt      string   `json:"issued_at,omitempty"`
	Judge         string   `json:"judge,omitempty"`
}

type prisoner struct {
	PrisonCode    string    `json:"prison_code"`
	PrisonName    string    `json:"prison_name,omitempty"`
	Number        string    `json:"number,omitempty"`
	BookingNumber string    `json:"booking_number,omitempty"`
	Person        person    `json:"person"`
	CustodyStatus string    `json:"custody_status,omitempty"`
	StatusDetail  string    `json:"custody_status_detail,omitempty"`
	AdmittedAt    string    `json:"admitted_at,omitempty"`
	Housing       string    `json:"housing,omitempty"`
	Alerts        []string  `json:"alerts,omitempty"`
	Cases         []caseRef `json:"cases,omitempty"`
	Charges       []charge  `json:"charges,omitempty"`
}

type caseRef struct {
	FIR   *firRef `json:"fir,omitempty"`
	CNR   string  `json:"cnr,omitempty"`
	Court *court  `json:"court,omitempty"`
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

// The types below have the police documents' shape.

type firRef struct {
	State         string `json:"state"`
	District      string `json:"district"`
	PoliceStation string `json:"police_station"`
	Year          int    `json:"year"`
	Number        int    `json:"number"`
	NationalID    string `json:"national_id,omitempty"`
}

type court struct {
	EstablishmentCode string `json:"establishment_code"`
	Name              string `json:"name,omitempty"`
	District          string `json:"district,omitempty"`
}

type person struct {
	Names       []name       `json:"names"`
	Aliases     []name       `json:"aliases,omitempty"`
	Sex         string       `json:"sex,omitempty"`
	DateOfBirth string       `json:"date_of_birth,omitempty"`
	BirthYear   int          `json:"birth_year,omitempty"`
	Age         *age         `json:"age,omitempty"`
	Relatives   []relative   `json:"relatives,omitempty"`
	Addresses   []address    `json:"addresses,omitempty"`
	Identifiers []identifier `json:"identifiers,omitempty"`
	Nationality string       `json:"nationality,omitempty"`
	Occupation  string       `json:"occupation,omitempty"`
}

type name struct {
	Full     string `json:"full"`
	Given    string `json:"given,omitempty"`
	Middle   string `json:"middle,omitempty"`
	Family   string `json:"family,omitempty"`
	Initials string `json:"initials,omitempty"`
	Script   string `json:"script,omitempty"`
}

type age struct {
	Years int    `json:"years"`
	AsOf  string `json:"as_of,omitempty"`
}

type relative struct {
	Relation string `json:"relation"`
	Name     string `json:"name"`
}

type address struct {
	Kind     string `json:"kind,omitempty"`
	Line     string `json:"line,omitempty"`
	Locality string `json:"locality,omitempty"`
	City     string `json:"city,omitempty"`
	District string `json:"district,omitempty"`
	State    string `json:"state,omitempty"`
	PIN      string `json:"pin,omitempty"`
	Country  string `json:"country,omitempty"`
}

type identifier struct {
	Type   string `json:"type"`
	Number string `json:"number"`
	Issuer string `json:"issuer,omitempty"`
	Token  string `json:"token,omitempty"`
}
