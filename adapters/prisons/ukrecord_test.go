package prisons_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/London on machines without a zone database

	"github.com/sangam-hub/sangam/adapters/prisons"
	"github.com/sangam-hub/sangam/canonical"
)

// ukRecord is a prisoner record of the UK prison service's prisoner
// search (ministryofjustice/prisoner-offender-search), with the fields
// the court-out sample has. Every field is listed so that decoding the
// sample with unknown fields disallowed proves none is overlooked.
type ukRecord struct {
	PrisonerNumber                string    `json:"prisonerNumber"`
	BookingID                     string    `json:"bookingId"`
	BookNumber                    string    `json:"bookNumber"`
	FirstName                     string    `json:"firstName"`
	LastName                      string    `json:"lastName"`
	DateOfBirth                   string    `json:"dateOfBirth"`
	Gender                        string    `json:"gender"`
	YouthOffender                 bool      `json:"youthOffender"`
	Status                        string    `json:"status"`
	LastMovementTypeCode          string    `json:"lastMovementTypeCode"`
	LastMovementReasonCode        string    `json:"lastMovementReasonCode"`
	InOutStatus                   string    `json:"inOutStatus"`
	PrisonID                      string    `json:"prisonId"`
	PrisonName                    string    `json:"prisonName"`
	CellLocation                  string    `json:"cellLocation"`
	Aliases                       []ukAlias `json:"aliases"`
	Alerts                        []ukAlert `json:"alerts"`
	LegalStatus                   string    `json:"legalStatus"`
	ImprisonmentStatus            string    `json:"imprisonmentStatus"`
	ImprisonmentStatusDescription string    `json:"imprisonmentStatusDescription"`
	Recall                        bool      `json:"recall"`
	IndeterminateSentence         bool      `json:"indeterminateSentence"`
	ReceptionDate                 string    `json:"receptionDate"`
	LocationDescription           string    `json:"locationDescription"`
	RestrictedPatient             bool      `json:"restrictedPatient"`
}

type ukAlias struct {
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
}

type ukAlert struct {
	AlertType string `json:"alertType"`
	AlertCode string `json:"alertCode"`
	Active    bool   `json:"active"`
}

// london is the zone of the UK record's dates.
var london = mustLoad("Europe/London")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// ukMovementKinds maps the record's last movement type (NOMIS codes) and
// direction to a movement kind: ADM admission, CRT court, TRN transfer,
// REL release, TAP temporary absence (furlough here).
var ukMovementKinds = map[string]string{
	"ADM IN": "admission", "CRT OUT": "court_production_out", "CRT IN": "court_production_return",
	"TRN OUT": "transfer_out", "TRN IN": "transfer_in", "REL OUT": "release",
	"TAP OUT": "furlough_out", "TAP IN": "furlough_return",
}

// ukCustodyStatus maps the record's legal status to a custody status.
var ukCustodyStatus = map[string]string{
	"REMAND": "undertrial", "SENTENCED": "convict", "RECALL": "convict",
	"INDETERMINATE_SENTENCE": "convict", "CONVICTED_UNSENTENCED": "convict",
	"CIVIL_PRISONER": "civil", "IMMIGRATION_DETAINEE": "detenu",
}

// ukToMovement turns a UK prisoner record, read just after its last
// movement, into a movement event. The transformation is:
//
//	prisonId, prisonName      prisoner.prison_code, prison_name, and from
//	prisonerNumber            prisoner.number
//	bookNumber                prisoner.booking_number
//	bookingId                 left out: the system's own key of the booking
//	firstName, lastName       prisoner.person.names[0] (given, family, full)
//	dateOfBirth, gender       prisoner.person.date_of_birth, sex
//	aliases                   prisoner.person.aliases
//	legalStatus               prisoner.custody_status (ukCustodyStatus)
//	imprisonmentStatus(Desc.) prisoner.custody_status_detail, the wording
//	receptionDate             prisoner.admitted_at, midnight in London
//	cellLocation              prisoner.housing
//	alerts and the flags      prisoner.alerts: "TYPE/CODE" for each active
//	youthOffender, recall,    alert, and the flag's name for each flag that
//	indeterminateSentence,    is true
//	restrictedPatient
//	lastMovementTypeCode and  kind (ukMovementKinds); status ("ACTIVE OUT")
//	inOutStatus               repeats them and is left out
//	lastMovementReasonCode    reason, as the NOMIS code
//	locationDescription       left out: it repeats prisonName while the
//	                          prisoner is away
//
// The record has no movement time and no court: at comes from the event
// that announced the movement, and to names only the kind of place.
func ukToMovement(r ukRecord, at time.Time, messageID string) map[string]any {
	person := map[string]any{
		"names": []any{map[string]any{
			"full": r.FirstName + " " + r.LastName, "given": r.FirstName, "family": r.LastName,
		}},
		"date_of_birth": r.DateOfBirth,
		"sex":           map[string]string{"Male": "male", "Female": "female"}[r.Gender],
	}
	if person["sex"] == "" {
		person["sex"] = "unknown"
	}
	var aliases []any
	for _, a := range r.Aliases {
		aliases = append(aliases, map[string]any{"full": a.FirstName + " " + a.LastName})
	}
	if len(aliases) > 0 {
		person["aliases"] = aliases
	}

	reception, _ := time.ParseInLocation(time.DateOnly, r.ReceptionDate, london)
	prisoner := map[string]any{
		"prison_code": r.PrisonID, "prison_name": r.PrisonName,
		"number": r.PrisonerNumber, "booking_number": r.BookNumber,
		"person":                person,
		"custody_status_detail": r.ImprisonmentStatusDescription,
		"admitted_at":           reception.Format(time.RFC3339),
		"housing":               r.CellLocation,
	}
	if status, ok := ukCustodyStatus[r.LegalStatus]; ok {
		prisoner["custody_status"] = status
	}
	if alerts := ukAlerts(r); len(alerts) > 0 {
		prisoner["alerts"] = alerts
	}

	event := map[string]any{
		"message_id": messageID, "document_type": "movement", "sent_at": at.Format(time.RFC3339),
		"prisoner": prisoner,
		"kind":     ukMovementKinds[r.LastMovementTypeCode+" "+r.InOutStatus],
		"at":       at.Format(time.RFC3339),
		"reason":   "NOMIS movement reason " + r.LastMovementReasonCode,
	}
	here := map[string]any{"kind": "prison", "code": r.PrisonID, "name": r.PrisonName}
	away := map[string]any{"kind": map[string]string{
		"CRT": "court", "TRN": "prison", "TAP": "home", "REL": "other",
	}[r.LastMovementTypeCode]}
	if r.InOutStatus == "OUT" {
		event["from"], event["to"] = here, away
	} else {
		event["from"], event["to"] = away, here
	}
	return event
}

func ukAlerts(r ukRecord) []string {
	var out []string
	for _, a := range r.Alerts {
		if a.Active {
			out = append(out, a.AlertType+"/"+a.AlertCode)
		}
	}
	flags := []struct {
		name string
		set  bool
	}{
		{"youth offender", r.YouthOffender}, {"recall", r.Recall},
		{"indeterminate sentence", r.IndeterminateSentence}, {"restricted patient", r.RestrictedPatient},
	}
	for _, f := range flags {
		if f.set {
			out = append(out, f.name)
		}
	}
	return out
}

func TestUKCourtOutRecord(t *testing.T) {
	dec := json.NewDecoder(bytes.NewReader(readSample(t, "court-out.json")))
	dec.DisallowUnknownFields()
	var record ukRecord
	if err := dec.Decode(&record); err != nil {
		t.Fatalf("reading the UK record: %v", err)
	}
	at := time.Date(2022, 11, 3, 8, 40, 0, 0, london)
	body, err := json.Marshal(ukToMovement(record, at, "WWI-CRT-A9460DY-1"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := newAdapter(t).Decode(body, prisons.ContentType)
	if err != nil {
		t.Fatalf("Decode of the mapped event: %v\n%s", err, body)
	}

	mv := d.Messages[0].Movement
	if mv.Kind != canonical.MoveCourtProductionOut || !mv.At.Equal(at) {
		t.Errorf("Kind, At = %q, %s; want court_production_out at %s", mv.Kind, mv.At, at)
	}
	if mv.From != (canonical.Location{Kind: canonical.LocationPrison, Code: "WWI", Name: "Wandsworth (HMP)"}) {
		t.Errorf("From = %+v, want Wandsworth", mv.From)
	}
	if mv.To != (canonical.Location{Kind: canonical.LocationCourt}) {
		t.Errorf("To = %+v, want a court", mv.To)
	}
	if mv.Reason != "NOMIS movement reason CRT" {
		t.Errorf("Reason = %q", mv.Reason)
	}
	p := mv.Prisoner
	if p.PrisonCode != "WWI" || p.Number != "A9460DY" || p.BookingNumber != "40210A" {
		t.Errorf("PrisonCode, Number, BookingNumber = %q, %q, %q", p.PrisonCode, p.Number, p.BookingNumber)
	}
	if p.Status != canonical.CustodyConvict || p.StatusDetail != "Determinate sentence (reception)" {
		t.Errorf("Status, StatusDetail = %q, %q", p.Status, p.StatusDetail)
	}
	if want := time.Date(2022, 10, 28, 0, 0, 0, 0, london); !p.AdmittedAt.Equal(want) {
		t.Errorf("AdmittedAt = %s, want %s", p.AdmittedAt, want)
	}
	if p.Housing != "COURT" || len(p.Alerts) != 0 {
		t.Errorf("Housing, Alerts = %q, %v; want COURT and none", p.Housing, p.Alerts)
	}
	name := p.Person.Names[0]
	if name.Full != "AKUSEA BOATENG" || name.Given != "AKUSEA" || name.Family != "BOATENG" {
		t.Errorf("name = %+v", name)
	}
	if p.Person.DateOfBirth != "1970-01-01" || p.Person.Sex != canonical.SexFemale {
		t.Errorf("DateOfBirth, Sex = %q, %q", p.Person.DateOfBirth, p.Person.Sex)
	}
	if d.Messages[0].CaseKey != "PRISONER/WWI/A9460DY" {
		t.Errorf("CaseKey = %q", d.Messages[0].CaseKey)
	}
	if strings.Contains(string(body), "1203208\"") {
		t.Error("the internal booking id reached the event")
	}
}
