package canonical

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Prisoner is a person held in a prison, as the prison records them.
type Prisoner struct {
	// PrisonCode is the prison's code, such as an e-Prisons prison id.
	// It has no slash, because it is a segment of a case key.
	PrisonCode string `json:"prison_code"`
	PrisonName string `json:"prison_name,omitempty"`
	// Number is the prisoner number the prison assigned. It has no slash.
	// A committal order names a person the prison has not yet numbered,
	// so it may be empty there.
	Number string `json:"number,omitempty"`
	// BookingNumber is the prison's number for the current period of
	// custody, when it numbers those apart from the prisoner.
	BookingNumber string `json:"booking_number,omitempty"`
	Person        Person `json:"person"`
	// Status is one of the CustodyStatus constants, empty when unknown.
	Status CustodyStatus `json:"custody_status,omitempty"`
	// StatusDetail is the prison's own wording of the legal status, such
	// as "remanded till 14 October" or "Determinate sentence (reception)".
	StatusDetail string `json:"custody_status_detail,omitempty"`
	// AdmittedAt is when the current period of custody began: the booking
	// or reception time.
	AdmittedAt time.Time `json:"admitted_at,omitzero"`
	// Housing is where in the prison the prisoner is held, such as a
	// block and cell.
	Housing string `json:"housing,omitempty"`
	// Alerts are the prison's warnings about the prisoner, such as
	// "escape risk".
	Alerts []string `json:"alerts,omitempty"`
	// Cases are the cases the prisoner is held in.
	Cases []CaseRef `json:"cases,omitempty"`
	// Charges are the charges the prisoner is held on, as the prison
	// records them.
	Charges []Charge `json:"charges,omitempty"`
}

// Key returns the case key of a prisoner known by no case:
// "PRISONER/prison/number".
func (p Prisoner) Key() string {
	return "PRISONER/" + p.PrisonCode + "/" + p.Number
}

// CaseKey returns the case key of a message about p: the FIR key of the
// first linked case that has an FIR, else the CNR key of the first that
// has a CNR, else p.Key().
func (p Prisoner) CaseKey() string {
	for _, c := range p.Cases {
		if c.FIR != nil {
			return c.FIR.Key()
		}
	}
	for _, c := range p.Cases {
		if c.CNR != "" {
			return CNRKey(c.CNR)
		}
	}
	return p.Key()
}

// CaseRef names a case by its FIR, its e-Courts CNR, or both, with the
// court that tries it.
type CaseRef struct {
	FIR *FIRRef `json:"fir,omitempty"`
	// CNR is the 16-character e-Courts Case Number Record.
	CNR   string `json:"cnr,omitempty"`
	Court Court  `json:"court,omitzero"`
	// FIRResolvedFrom is the hub id of the court registration from which
	// the hub took FIR, for a case that its sender named by CNR alone.
	FIRResolvedFrom string `json:"fir_resolved_from,omitempty"`
	// FIRUnresolved is the reason the hub found no FIR for a case that
	// its sender named by CNR alone.
	FIRUnresolved string `json:"fir_unresolved,omitempty"`
}

// Key returns the case key of c: the FIR key, else the CNR key, else "".
func (c CaseRef) Key() string {
	switch {
	case c.FIR != nil:
		return c.FIR.Key()
	case c.CNR != "":
		return CNRKey(c.CNR)
	}
	return ""
}

// CustodyStatus is why a prisoner is held.
type CustodyStatus string

// Custody statuses.
const (
	// CustodyUndertrial is held in judicial custody while on trial.
	CustodyUndertrial CustodyStatus = "undertrial"
	// CustodyConvict is held under a sentence.
	CustodyConvict CustodyStatus = "convict"
	// CustodyDetenu is held under preventive detention, without trial.
	CustodyDetenu CustodyStatus = "detenu"
	// CustodyCivil is a civil prisoner, such as a judgment debtor.
	CustodyCivil CustodyStatus = "civil"
)

// Movement is a prisoner's admission, release or other movement, as a
// prison system reports it.
type Movement struct {
	Prisoner Prisoner `json:"prisoner"`
	// Kind is one of the MovementKind constants.
	Kind MovementKind `json:"kind"`
	// At is when the movement happened, in the prison's offset. It is
	// zero only in a movement journaled before the hub required it, from
	// a NIEM custody release report without nc:Release.
	At time.Time `json:"at,omitzero"`
	// From and To are where the prisoner moved from and to, when known.
	From Location `json:"from,omitzero"`
	To   Location `json:"to,omitzero"`
	// Reason is the reason the prison gives, such as the order that
	// authorised the movement.
	Reason string `json:"reason,omitempty"`
	// ReleaseGround is set on releases.
	ReleaseGround ReleaseGround `json:"release_ground,omitempty"`
	// HomePoliceStation is the police station of the prisoner's home
	// address, which the hub fills on releases and escapes so that station
	// learns of them too.
	HomePoliceStation string `json:"home_police_station,omitempty"`
}

// MovementKind names what happened to a prisoner. Kinds ending in _out
// take the prisoner out of the prison for a while; the matching _return
// or _in brings them back.
type MovementKind string

// Movement kinds.
const (
	MoveAdmission             MovementKind = "admission"
	MoveCourtProductionOut    MovementKind = "court_production_out"
	MoveCourtProductionReturn MovementKind = "court_production_return"
	MoveTransferOut           MovementKind = "transfer_out"
	MoveTransferIn            MovementKind = "transfer_in"
	MoveHospitalOut           MovementKind = "hospital_out"
	MoveHospitalReturn        MovementKind = "hospital_return"
	MoveParoleOut             MovementKind = "parole_out"
	MoveParoleReturn          MovementKind = "parole_return"
	MoveFurloughOut           MovementKind = "furlough_out"
	MoveFurloughReturn        MovementKind = "furlough_return"
	MoveRelease               MovementKind = "release"
	MoveEscape                MovementKind = "escape"
	MoveDeath                 MovementKind = "death"
)

// MovementKinds lists every movement kind in a stable order.
var MovementKinds = []MovementKind{
	MoveAdmission, MoveCourtProductionOut, MoveCourtProductionReturn,
	MoveTransferOut, MoveTransferIn, MoveHospitalOut, MoveHospitalReturn,
	MoveParoleOut, MoveParoleReturn, MoveFurloughOut, MoveFurloughReturn,
	MoveRelease, MoveEscape, MoveDeath,
}

// Location is where a prisoner moves from or to.
type Location struct {
	// Kind is one of the LocationKind constants.
	Kind LocationKind `json:"kind"`
	// Code is the place's code: a prison code, an e-Courts establishment
	// code, or the sender's own code for a hospital.
	Code string `json:"code,omitempty"`
	Name string `json:"name,omitempty"`
}

// LocationKind is the kind of place a prisoner moves between.
type LocationKind string

// Location kinds.
const (
	LocationPrison   LocationKind = "prison"
	LocationCourt    LocationKind = "court"
	LocationHospital LocationKind = "hospital"
	LocationHome     LocationKind = "home"
	LocationOther    LocationKind = "other"
)

// ReleaseGround is the legal ground of a release.
type ReleaseGround string

// Release grounds.
const (
	ReleaseBail           ReleaseGround = "bail"
	ReleaseAcquittal      ReleaseGround = "acquittal"
	ReleaseDischarge      ReleaseGround = "discharge"
	ReleaseSentenceServed ReleaseGround = "sentence_served"
	ReleaseFinePaid       ReleaseGround = "fine_paid"
	ReleaseRemission      ReleaseGround = "remission"
	ReleaseParole         ReleaseGround = "parole"
	// ReleaseDeportation hands a foreign national to the authorities
	// that remove them from India.
	ReleaseDeportation ReleaseGround = "deportation"
	ReleaseOther       ReleaseGround = "other"
)

// CourtOrder is a court's order about a prisoner.
type CourtOrder struct {
	// Kind is one of the CourtOrderKind constants.
	Kind CourtOrderKind `json:"kind"`
	// Number is the court's number for the order, such as "PW 45/2025".
	Number string `json:"number,omitempty"`
	Court  Court  `json:"court"`
	// Prisoner is the person the order concerns. A committal order names
	// the prison to hold them; the others name the prison that holds them.
	Prisoner Prisoner `json:"prisoner"`
	// Case is the case the order is made in.
	Case CaseRef `json:"case"`
	// AppearOn is the date a production warrant requires the prisoner in
	// court, YYYY-MM-DD.
	AppearOn string `json:"appear_on,omitempty"`
	// ReleaseGround is set on release orders.
	ReleaseGround ReleaseGround `json:"release_ground,omitempty"`
	// OrderedOn is the date of the order, YYYY-MM-DD.
	OrderedOn string `json:"ordered_on"`
	// IssuedAt is when the order was made, when the court gave the time
	// and not only the date.
	IssuedAt time.Time `json:"issued_at,omitzero"`
	// Directions are the court's directions to the prison as the order
	// words them, such as "release the prisoner unless required in any
	// other case".
	Directions string `json:"directions,omitempty"`
	// Judge is the judge or judicial officer who signed the order, with
	// their designation, such as "Judicial First Class Magistrate II".
	Judge string `json:"judge,omitempty"`
}

// CaseKey returns the case key of a message carrying o: the order's case
// when it names an FIR or a CNR, else the prisoner's.
func (o CourtOrder) CaseKey() string {
	if k := o.Case.Key(); k != "" {
		return k
	}
	return o.Prisoner.CaseKey()
}

// CourtOrderKind names what a court orders a prison to do.
type CourtOrderKind string

// Court order kinds.
const (
	// OrderProductionWarrant requires the prison to produce the prisoner
	// in court on a date.
	OrderProductionWarrant CourtOrderKind = "production_warrant"
	// OrderRelease requires the prison to release the prisoner.
	OrderRelease CourtOrderKind = "release_order"
	// OrderCommittal commits a person to the prison's custody, on remand
	// or under a sentence.
	OrderCommittal CourtOrderKind = "committal_order"
)

// HoldingPrison returns the code of the prison that holds the prisoner
// of a movement, and the JSON pointer of that code in m. ok is false for
// any other message.
func (m *Message) HoldingPrison() (prison, pointer string, ok bool) {
	if m.Type != TypeMovement || m.Movement == nil {
		return "", "", false
	}
	return m.Movement.Prisoner.PrisonCode, "/prisoner_movement/prisoner/prison_code", true
}

// PrisonCodePattern is the format of a prison's code and of a prisoner
// number apart from their length: characters without a slash, which a
// case key cannot contain, and without surrounding white space. Control
// and format characters (a line break, a zero-width space) and spaces
// other than U+0020 (a no-break space) are excluded too, because two
// codes that look alike would then differ. $defs/code of
// schemas/prisons/common.json has it too, beside a maxLength of
// MaxPrisonCodeLength, so that a code too long and one with a fault of
// format each get their own violation.
const PrisonCodePattern = `^[^/\s\p{Z}\p{Cc}\p{Cf}]((?:[^/\p{Z}\p{Cc}\p{Cf}]| )*` +
	`[^/\s\p{Z}\p{Cc}\p{Cf}])?$`

// RecordNumberPattern is the format of a booking number and of the code
// of a place that a prisoner moves from or to: PrisonCodePattern with
// slashes allowed. $defs/record_number of schemas/prisons/common.json
// has it, beside a maxLength of MaxPrisonCodeLength.
const RecordNumberPattern = `^[^\s\p{Z}\p{Cc}\p{Cf}]((?:[^\p{Z}\p{Cc}\p{Cf}]| )*` +
	`[^\s\p{Z}\p{Cc}\p{Cf}])?$`

// MaxPrisonCodeLength is the maximum length, in characters, of a prison
// code, a prisoner number, a booking number and a place's code.
const MaxPrisonCodeLength = 64

var prisonCode = regexp.MustCompile(PrisonCodePattern)

// ValidPrisonCode reports whether s has the format of PrisonCodePattern
// and at most MaxPrisonCodeLength characters.
func ValidPrisonCode(s string) bool {
	return prisonCode.MatchString(s) && utf8.RuneCountInString(s) <= MaxPrisonCodeLength
}

// CheckCodeText returns an error that names the first character of
// code, the value of field, that PrisonCodePattern rejects, or that
// RecordNumberPattern rejects when slash is set. Those are the
// characters that CheckIdentifierCharacters reports, white space at
// either end, a space other than U+0020 and, unless slash is set, a
// slash. It returns nil for an empty code, which the schema's minLength
// or required reports, and does not check the length.
func CheckCodeText(field, code string, slash bool) error {
	if err := CheckIdentifierCharacters(field, code); err != nil {
		return err
	}
	if code == "" {
		return nil
	}
	first, _ := utf8.DecodeRuneInString(code)
	last, size := utf8.DecodeLastRuneInString(code)
	switch {
	case unicode.IsSpace(first) || unicode.Is(unicode.Z, first):
		return fmt.Errorf("%s %s starts with a space, U+%04X: send the %s without "+
			"surrounding space", field, QuoteMasked(code), first, field)
	case unicode.IsSpace(last) || unicode.Is(unicode.Z, last):
		return fmt.Errorf("%s %s ends with a space, U+%04X at byte %d: send the %s without "+
			"surrounding space", field, QuoteMasked(code), last, len(code)-size, field)
	}
	if i := strings.IndexFunc(code, func(r rune) bool { return r != ' ' && unicode.Is(unicode.Z, r) }); i >= 0 {
		r, _ := utf8.DecodeRuneInString(code[i:])
		return fmt.Errorf("%s %s has U+%04X at byte %d, a space other than U+0020, which "+
			"looks like U+0020 but compares as another character: write U+0020 or leave it out",
			field, QuoteMasked(code), r, i)
	}
	if i := strings.IndexByte(code, '/'); i >= 0 && !slash {
		return fmt.Errorf("%s %s has a slash at byte %d, which the hub's case keys cannot "+
			"hold: send the %s without it", field, QuoteMasked(code), i, field)
	}
	return nil
}

// UpperCasePrisonCode reports whether s is written in upper case: no
// letter of it changes when upper-cased. PrisonCodePattern also matches
// lower case, which a prisoner number may have. Routes, tokens and the
// hub's checks compare prison codes as written, so klsjekm would name
// another prison than KLSJEKM.
func UpperCasePrisonCode(s string) bool { return s == strings.ToUpper(s) }

// CheckPrisonCodeCase returns an error naming code unless
// UpperCasePrisonCode accepts it.
func CheckPrisonCodeCase(code string) error {
	if UpperCasePrisonCode(code) {
		return nil
	}
	return fmt.Errorf("invalid prison code %s: prison codes are upper case, such as KLSJEKM, "+
		"and routes compare them as written, so a lower-case letter would name another prison", QuoteMasked(code))
}
