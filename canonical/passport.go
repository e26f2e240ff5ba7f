package canonical

// VerificationRequest requests the police to verify a passport applicant:
// that the applicant lives at the stated addresses and has no criminal
// case that bars a passport.
type VerificationRequest struct {
	// FileNumber is the passport office's file number for the
	// application. It has no slash, because it is a segment of a case key.
	FileNumber string `json:"file_number"`
	// Kind is one of the VerificationKind constants.
	Kind VerificationKind `json:"kind"`
	// Applicant is the applicant, with a present and a permanent address
	// (Address.Kind "present" and "permanent"), each with its PIN.
	Applicant Person `json:"applicant"`
	// OldPassport is the machine readable zone of the passport a reissue
	// replaces, as parsed fields.
	OldPassport *MRZ `json:"old_passport,omitempty"`
	// DueOn is the date the police report is due, YYYY-MM-DD. When the
	// passport office leaves it out, the hub sets it from its own
	// deadline before routing.
	DueOn string `json:"due_on,omitempty"`
	// PoliceStation is the CCTNS code of the station that must verify
	// the applicant. The passport office leaves it empty and the hub
	// assigns it.
	PoliceStation string `json:"police_station,omitempty"`
	// DistrictOffice is the code of the district police office over
	// PoliceStation, which the hub assigns with it. An escalation goes
	// there.
	DistrictOffice string `json:"district_office,omitempty"`
	// HeldBy are the CCTNS codes of the stations and district police
	// offices that the routes send this request to, from the police_unit
	// of each destination. The hub sets it after routing, so route
	// conditions do not see it, and before delivery, so it includes a
	// unit whose delivery later fails. An escalation starts with the
	// holders of its request, which route conditions do see, and adds
	// its own. Each holder may report on the
	// request, also one that is neither PoliceStation nor DistrictOffice,
	// such as an office that a catch-all route sent it to.
	HeldBy []string `json:"held_by,omitempty"`
	// Matches are the cases the hub found that may name the applicant.
	Matches []CaseMatch `json:"matches,omitempty"`
	// Escalated is true on the hub's escalation of a request whose due
	// date passed with no report: a copy of the request, sent by source
	// "hub" to the district police office.
	Escalated bool `json:"escalated,omitempty"`
	// Replaces is the hub id of the file's earlier request that this one
	// replaces. The hub sets it when the routes sent that request, and its
	// escalation if any, to no destination, so no police unit has it.
	Replaces string `json:"replaces,omitempty"`
}

// CaseKey returns the case key of a verification: "PASSPORT/file number".
func (r VerificationRequest) CaseKey() string { return PassportCaseKey(r.FileNumber) }

// PassportCaseKey returns the case key of the verification of passport
// file fileNumber: "PASSPORT/" and the file number.
func PassportCaseKey(fileNumber string) string { return "PASSPORT/" + fileNumber }

// VerificationKind is the kind of passport application.
type VerificationKind string

// Verification kinds.
const (
	VerificationFresh   VerificationKind = "fresh"
	VerificationReissue VerificationKind = "reissue"
)

// MRZ is the machine readable zone of a travel document, ICAO Doc 9303,
// as parsed fields. Check digits are verified when the zone is parsed and
// are not kept.
type MRZ struct {
	// Format is TD1 (three lines of 30 characters), TD2 (two of 36) or
	// TD3 (two of 44, the passport booklet).
	Format string `json:"format"`
	// DocumentCode is the document's one- or two-letter code, such as P
	// for a passport, without fillers.
	DocumentCode string `json:"document_code"`
	// IssuingState and Nationality are ICAO three-letter codes, such as
	// IND.
	IssuingState   string `json:"issuing_state"`
	DocumentNumber string `json:"document_number"`
	Nationality    string `json:"nationality"`
	// DateOfBirth and ExpiresOn are YYYY-MM-DD, with the century chosen
	// when the zone was parsed.
	DateOfBirth string `json:"date_of_birth"`
	// Sex is M, F, or X when unspecified.
	Sex       string `json:"sex"`
	ExpiresOn string `json:"expires_on"`
	// PrimaryIdentifier is the surname or other primary name, and
	// SecondaryIdentifier the given names, with fillers turned to spaces.
	PrimaryIdentifier   string `json:"primary_identifier"`
	SecondaryIdentifier string `json:"secondary_identifier,omitempty"`
	// OptionalData is the issuing state's optional data without trailing
	// fillers: the personal number on TD3, the line 2 optional data on
	// TD2 and the line 1 optional data on TD1.
	OptionalData string `json:"optional_data,omitempty"`
	// OptionalData2 is the line 2 optional data of a TD1 document.
	OptionalData2 string `json:"optional_data_2,omitempty"`
}

// CaseMatch is a case the hub found that may name a passport applicant.
type CaseMatch struct {
	Case CaseRef `json:"case"`
	// MatchedBy names how the case matched, such as "passport_number",
	// "aadhaar_token" or "name_and_date_of_birth".
	MatchedBy string `json:"matched_by"`
}

// VerificationReport is a police station's report on a verification
// request.
type VerificationReport struct {
	// FileNumber is the passport file number of the request reported on.
	FileNumber string `json:"file_number"`
	// Outcome is one of the VerificationOutcome constants.
	Outcome VerificationOutcome `json:"outcome"`
	// Cases are the cases against the applicant, for an adverse report.
	Cases []CaseRef `json:"cases,omitempty"`
	// Reason is the reason the applicant could not be verified, for a
	// not_verified report, such as "not residing at the present address".
	Reason string `json:"reason,omitempty"`
	// PoliceStation is the CCTNS code of the reporting station.
	PoliceStation string `json:"police_station"`
	// Officer is the officer who verified the applicant.
	Officer Officer `json:"officer"`
	// ReportedOn is the date of the report, YYYY-MM-DD.
	ReportedOn string `json:"reported_on"`
	// Late is set by the hub when the report is dated, or reaches the
	// hub, after the request's due date.
	Late bool `json:"late,omitempty"`
	// RequestSenderMessageID is the passport office's own message id of
	// the request that the report replies to. The hub sets it from the
	// request it links the report to, so that the office can match the
	// report with its request. It is empty on a report that the hub
	// journaled before it kept this id.
	RequestSenderMessageID string `json:"request_sender_message_id,omitempty"`
}

// CaseKey returns the case key of a verification: "PASSPORT/file number".
func (r VerificationReport) CaseKey() string { return PassportCaseKey(r.FileNumber) }

// VerificationOutcome is what a police verification found.
type VerificationOutcome string

// Verification outcomes.
const (
	// VerificationClear finds the applicant at the addresses with no
	// case against them.
	VerificationClear VerificationOutcome = "clear"
	// VerificationAdverse finds a case against the applicant, listed in
	// VerificationReport.Cases.
	VerificationAdverse VerificationOutcome = "adverse"
	// VerificationNotVerified could not verify the applicant, for the
	// reason in VerificationReport.Reason.
	VerificationNotVerified VerificationOutcome = "not_verified"
)
