package police

import "github.com/sangam-hub/sangam/adapters/internal/jsondoc"

// The types below are the police station's JSON documents, field for
// field as schemas/police describes them. Dates and times stay strings
// here: decoding parses them and reports a value it cannot parse as a
// violation rather than failing the whole document.

// Document types, the values of the document_type field.
const (
	docFIR               = "fir"
	docArrest            = "arrest"
	docFinalReport       = "final_report"
	docCourtRegistration = "court_registration"
)

type section struct {
	Act         string `json:"act"`
	Section     string `json:"section"`
	Description string `json:"description,omitempty"`
	OffenceCode string `json:"offence_code,omitempty"`
}

type occurrence struct {
	From string `json:"from"`
	To   string `json:"to,omitempty"`
}

type property struct {
	Description string  `json:"description"`
	Category    string  `json:"category,omitempty"`
	ValueINR    float64 `json:"value_inr,omitempty"`
}

// firDoc is an FIR, NCRB integrated investigation form 1.
type firDoc struct {
	jsondoc.Envelope
	FIR                 jsondoc.FIRRef      `json:"fir"`
	RegisteredAt        string              `json:"registered_at"`
	Sections            []section           `json:"sections"`
	Occurrence          occurrence          `json:"occurrence"`
	InformationReceived informationReceived `json:"information_received"`
	Place               *place              `json:"place,omitempty"`
	Complainant         jsondoc.Person      `json:"complainant"`
	Accused             []firAccused        `json:"accused"`
	DelayReason         string              `json:"delay_reason,omitempty"`
	Property            []property          `json:"property,omitempty"`
	FirstInformation    string              `json:"first_information"`
	ActionTaken         string              `json:"action_taken,omitempty"`
	SentToCourtAt       string              `json:"sent_to_court_at,omitempty"`
	RegisteredBy        *jsondoc.Officer    `json:"registered_by,omitempty"`
}

type informationReceived struct {
	At              string `json:"at"`
	GeneralDiaryRef string `json:"general_diary_ref,omitempty"`
}

type place struct {
	DistanceKm float64          `json:"distance_km,omitempty"`
	Direction  string           `json:"direction,omitempty"`
	Beat       string           `json:"beat,omitempty"`
	Address    *jsondoc.Address `json:"address,omitempty"`
}

type firAccused struct {
	Status      string          `json:"status"`
	Person      *jsondoc.Person `json:"person,omitempty"`
	Description string          `json:"description,omitempty"`
}

// Memo types of an arrest document.
const (
	memoArrest    = "arrest"
	memoSurrender = "court_surrender"
)

// arrestDoc is an arrest or court surrender memo, NCRB integrated
// investigation form 3.
type arrestDoc struct {
	jsondoc.Envelope
	FIR               jsondoc.FIRRef   `json:"fir"`
	MemoType          string           `json:"memo_type"`
	Accused           jsondoc.Person   `json:"accused"`
	ArrestedAt        string           `json:"arrested_at"`
	Place             string           `json:"place"`
	ArrestedBy        jsondoc.Officer  `json:"arrested_by"`
	Sections          []section        `json:"sections,omitempty"`
	Occurrence        *occurrence      `json:"occurrence,omitempty"`
	RelativeInformed  relativeInformed `json:"relative_informed"`
	PropertyRecovered []property       `json:"property_recovered,omitempty"`
}

type relativeInformed struct {
	Informed bool `json:"informed"`
	// Name names the person informed and their relation.
	Name string `json:"name,omitempty"`
}

// Report types of a final report.
const (
	reportOriginal      = "original"
	reportSupplementary = "supplementary"
)

// finalReportDoc is a final report, NCRB integrated investigation form 5.
type finalReportDoc struct {
	jsondoc.Envelope
	FIR                  jsondoc.FIRRef   `json:"fir"`
	ReportNumber         string           `json:"report_number,omitempty"`
	ReportDate           string           `json:"report_date"`
	ReportType           string           `json:"report_type"`
	SupplementaryNumber  int              `json:"supplementary_number,omitempty"`
	Kind                 string           `json:"kind"`
	CaseTitle            string           `json:"case_title,omitempty"`
	InvestigatingOfficer jsondoc.Officer  `json:"investigating_officer"`
	Court                jsondoc.Court    `json:"court"`
	Occurrence           *occurrence      `json:"occurrence,omitempty"`
	Accused              []reportAccused  `json:"accused"`
	Sections             []section        `json:"sections"`
	Witnesses            []jsondoc.Person `json:"witnesses,omitempty"`
	PropertySeized       []property       `json:"property_seized,omitempty"`
	LabResults           []string         `json:"lab_results,omitempty"`
	BriefFacts           string           `json:"brief_facts"`
}

type reportAccused struct {
	Person              jsondoc.Person `json:"person"`
	Status              string         `json:"status"`
	Charged             bool           `json:"charged"`
	PreviousConvictions []string       `json:"previous_convictions,omitempty"`
	Description         string         `json:"description,omitempty"`
}

// notificationDoc notifies a police station that a court registered a
// case.
type notificationDoc struct {
	jsondoc.Envelope
	// CourtFilingID is the filing id the court quoted when it names no
	// final report the hub filed; in_reply_to is then empty.
	CourtFilingID string          `json:"court_filing_id,omitempty"`
	RegisteredAt  string          `json:"registered_at"`
	CNR           string          `json:"cnr,omitempty"`
	Court         jsondoc.Court   `json:"court"`
	FilingNumber  string          `json:"filing_number,omitempty"`
	FiledOn       string          `json:"filed_on,omitempty"`
	NextHearing   string          `json:"next_hearing,omitempty"`
	FIR           *jsondoc.FIRRef `json:"fir,omitempty"`
	TrackingID    string          `json:"tracking_id,omitempty"`
	CaseTitle     string          `json:"case_title,omitempty"`
	Status        string          `json:"status,omitempty"`
	Reason        string          `json:"reason,omitempty"`
}
