package canonical

import (
	"slices"
	"strings"
	"time"
)

// Officer is a police officer acting in a case.
type Officer struct {
	Name string `json:"name"`
	// Rank is the officer's rank, such as "Sub Inspector".
	Rank string `json:"rank,omitempty"`
	// ID is the officer's service number.
	ID string `json:"id,omitempty"`
	// PoliceStation is the code of the officer's station.
	PoliceStation string `json:"police_station,omitempty"`
}

// Place is the place of occurrence of an offence, as the FIR records it.
type Place struct {
	// DistanceKm is the distance from the police station in kilometres.
	DistanceKm float64 `json:"distance_km,omitempty"`
	// Direction is the direction from the police station, such as "NE".
	Direction string  `json:"direction,omitempty"`
	Beat      string  `json:"beat,omitempty"`
	Address   Address `json:"address,omitzero"`
}

// Property is property stolen, involved, recovered or seized.
type Property struct {
	Description string `json:"description"`
	Category    string `json:"category,omitempty"`
	// ValueINR is the estimated value in Indian rupees.
	ValueINR float64 `json:"value_inr,omitempty"`
}

// Accused is a person accused in a case. An unknown accused has no
// names and a Description instead.
type Accused struct {
	Person Person `json:"person"`
	// Description describes an unknown or suspected accused.
	Description string `json:"description,omitempty"`
	// Status is one of the AccusedStatus constants.
	Status AccusedStatus `json:"status,omitempty"`
	// Charged is true when a final report charges this accused.
	Charged bool `json:"charged,omitempty"`
	// PreviousConvictions lists earlier convictions as the report states
	// them.
	PreviousConvictions []string `json:"previous_convictions,omitempty"`
}

// AccusedStatus is an accused's standing at the time of a report.
type AccusedStatus string

// Accused statuses. Known, suspected and unknown apply to an FIR;
// the rest to an arrest or final report.
const (
	AccusedKnown       AccusedStatus = "known"
	AccusedSuspected   AccusedStatus = "suspected"
	AccusedUnknown     AccusedStatus = "unknown"
	AccusedArrested    AccusedStatus = "arrested"
	AccusedOnBail      AccusedStatus = "on_bail"
	AccusedAbsconding  AccusedStatus = "absconding"
	AccusedNotArrested AccusedStatus = "not_arrested"
)

// FIR is a First Information Report (NCRB integrated investigation form 1).
type FIR struct {
	Ref FIRRef `json:"ref"`
	// RegisteredAt is when the FIR was registered.
	RegisteredAt time.Time `json:"registered_at"`
	Charges      []Charge  `json:"charges"`
	// OccurredFrom and OccurredTo bound when the offence occurred.
	OccurredFrom time.Time `json:"occurred_from,omitzero"`
	OccurredTo   time.Time `json:"occurred_to,omitzero"`
	// InformationReceivedAt is when the station received the information.
	InformationReceivedAt time.Time `json:"information_received_at,omitzero"`
	// GeneralDiaryRef is the general diary entry that recorded it.
	GeneralDiaryRef string     `json:"general_diary_ref,omitempty"`
	Place           Place      `json:"place,omitzero"`
	Complainant     Person     `json:"complainant"`
	Accused         []Accused  `json:"accused,omitempty"`
	DelayReason     string     `json:"delay_reason,omitempty"`
	Property        []Property `json:"property,omitempty"`
	// FirstInformation is the informant's statement.
	FirstInformation string `json:"first_information"`
	ActionTaken      string `json:"action_taken,omitempty"`
	// SentToCourtAt is when the FIR was dispatched to the magistrate.
	SentToCourtAt time.Time `json:"sent_to_court_at,omitzero"`
	// Officer is the officer who registered the FIR.
	Officer Officer `json:"officer,omitzero"`
}

// Arrest is an arrest or court surrender memo (NCRB integrated
// investigation form 3).
type Arrest struct {
	FIR    FIRRef `json:"fir"`
	Person Person `json:"person"`
	// Surrender is true for a surrender in court rather than an arrest.
	Surrender bool      `json:"surrender,omitempty"`
	At        time.Time `json:"at"`
	Place     string    `json:"place"`
	By        Officer   `json:"by"`
	Charges   []Charge  `json:"charges,omitempty"`
	// OccurredFrom and OccurredTo bound when the offence occurred, when
	// the memo states it.
	OccurredFrom time.Time `json:"occurred_from,omitzero"`
	OccurredTo   time.Time `json:"occurred_to,omitzero"`
	// RelativeInformed is the person informed of the arrest, empty when
	// no one was informed.
	RelativeInformed  string     `json:"relative_informed,omitempty"`
	PropertyRecovered []Property `json:"property_recovered,omitempty"`
}

// Chargesheet is a final report under section 193 BNSS (section 173 CrPC
// before 1 July 2024): NCRB integrated investigation form 5. When Kind is
// not FinalChargesheet the report charges no one.
type Chargesheet struct {
	// FIR is the case's FIR. Filings from outside India's police may
	// carry only TrackingID.
	FIR *FIRRef `json:"fir,omitempty"`
	// TrackingID is the sender's case id when there is no FIR.
	TrackingID string `json:"tracking_id,omitempty"`
	// Title is the case title, such as "State of Kerala v. Rajan".
	Title string `json:"title,omitempty"`
	// ReportNumber is the police station's number for this report.
	ReportNumber string `json:"report_number,omitempty"`
	// FiledOn is the report's date, YYYY-MM-DD.
	FiledOn string `json:"filed_on,omitempty"`
	// Kind is one of the FinalReportKind constants.
	Kind FinalReportKind `json:"kind"`
	// Supplementary is 0 for the original report and n for the nth
	// supplementary one.
	Supplementary int `json:"supplementary,omitempty"`
	// CNR is the e-Courts case that the FIR's original report opened. The
	// hub adds it to a supplementary report once the court has registered
	// the original, so that the court files the report in that case.
	CNR                  string    `json:"cnr,omitempty"`
	InvestigatingOfficer Officer   `json:"investigating_officer,omitzero"`
	Court                Court     `json:"court,omitzero"`
	Accused              []Accused `json:"accused"`
	Charges              []Charge  `json:"charges"`
	// OccurredFrom and OccurredTo bound when the offence occurred, when
	// the report states it.
	OccurredFrom   time.Time  `json:"occurred_from,omitzero"`
	OccurredTo     time.Time  `json:"occurred_to,omitzero"`
	Witnesses      []Person   `json:"witnesses,omitempty"`
	PropertySeized []Property `json:"property_seized,omitempty"`
	// LabResults are forensic results as the report summarises them.
	LabResults []string `json:"lab_results,omitempty"`
	BriefFacts string   `json:"brief_facts,omitempty"`
}

// FinalReportKind is the outcome an investigation's final report states.
type FinalReportKind string

// Final report kinds.
const (
	FinalChargesheet   FinalReportKind = "chargesheet"
	FinalUndetected    FinalReportKind = "undetected"
	FinalUntraced      FinalReportKind = "untraced"
	FinalFalseCase     FinalReportKind = "false_case"
	FinalMistakeOfFact FinalReportKind = "mistake_of_fact"
	FinalCivilNature   FinalReportKind = "civil_nature"
)

// CourtRegistration is a court's registration of a case: the CNR and
// filing number it assigned, and the first hearing.
type CourtRegistration struct {
	// CNR is the 16-character e-Courts Case Number Record. Courts
	// outside e-Courts have none and set only FilingNumber.
	CNR   string `json:"cnr,omitempty"`
	Court Court  `json:"court"`
	// FilingNumber is the court's filing or docket number.
	FilingNumber string `json:"filing_number,omitempty"`
	// FiledOn is the date of filing, YYYY-MM-DD.
	FiledOn string `json:"filed_on,omitempty"`
	// NextHearing is the next hearing date, YYYY-MM-DD.
	NextHearing string `json:"next_hearing,omitempty"`
	// FIR is the FIR of the registered case, when the court returned it.
	FIR *FIRRef `json:"fir,omitempty"`
	// TrackingID is the sender's case id the court returned, when there is
	// no FIR.
	TrackingID string `json:"tracking_id,omitempty"`
	Title      string `json:"title,omitempty"`
	// Status is the court's status for the filing, one of
	// FilingStatuses in any case, with Reason when it gives one.
	Status string `json:"status,omitempty"`
	Reason string `json:"reason,omitempty"`
	// UnknownFiling is set by the hub when the message's CorrelationID,
	// the filing id the court quoted, names no final report that the hub
	// journaled, as for a filing made on the court's own portal. Courts
	// never set it.
	UnknownFiling bool `json:"unknown_filing,omitempty"`
}

// Filing statuses of a court registration. A court rejects a filing it
// does not take, and returns one to the police to correct its defects.
const (
	FilingAccepted = "accepted"
	FilingRejected = "rejected"
	FilingReturned = "returned"
)

// FilingStatuses lists the filing statuses a court registration may
// have.
var FilingStatuses = []string{FilingAccepted, FilingRejected, FilingReturned}

// IsFilingStatus reports whether status is one of FilingStatuses,
// ignoring case and surrounding white space.
func IsFilingStatus(status string) bool {
	return slices.Contains(FilingStatuses, strings.ToLower(strings.TrimSpace(status)))
}

// FilingStation returns the CCTNS code of the police station that a police
// message comes from, and the JSON pointer of that code in m. An FIR, an
// arrest memo and a final report with an FIR come from the FIR's station,
// and a verification report from the reporting station. ok is false for
// any other message, which names no such station.
func (m *Message) FilingStation() (station, pointer string, ok bool) {
	switch {
	case m.Type == TypeFIR && m.FIR != nil:
		return m.FIR.Ref.PoliceStation, "/fir/ref/police_station", true
	case m.Type == TypeArrest && m.Arrest != nil:
		return m.Arrest.FIR.PoliceStation, "/arrest/fir/police_station", true
	case m.Type == TypeChargesheet && m.Chargesheet != nil && m.Chargesheet.FIR != nil:
		return m.Chargesheet.FIR.PoliceStation, "/chargesheet/fir/police_station", true
	case m.Type == TypeVerificationReport && m.VerificationReport != nil:
		return m.VerificationReport.PoliceStation, "/verification_report/police_station", true
	}
	return "", "", false
}
