package jsondoc

import "github.com/sangam-hub/sangam/canonical"

// The types below are fir_ref, court and officer of
// schemas/police/common.json and the case of the prisons and passport
// schemas, field for field.

// FIRRef names an FIR by its police station, year and number.
type FIRRef struct {
	State         string `json:"state"`
	District      string `json:"district"`
	PoliceStation string `json:"police_station"`
	Year          int    `json:"year"`
	Number        int    `json:"number"`
	NationalID    string `json:"national_id,omitempty"`
}

// Court is a court establishment.
type Court struct {
	EstablishmentCode string `json:"establishment_code"`
	Name              string `json:"name,omitempty"`
	District          string `json:"district,omitempty"`
}

// Officer is a police officer.
type Officer struct {
	Name          string `json:"name"`
	Rank          string `json:"rank,omitempty"`
	ServiceNumber string `json:"service_number,omitempty"`
	PoliceStation string `json:"police_station,omitempty"`
}

// CaseRef names a case by its FIR, its CNR or both, and its court.
type CaseRef struct {
	FIR   *FIRRef `json:"fir,omitempty"`
	CNR   string  `json:"cnr,omitempty"`
	Court *Court  `json:"court,omitempty"`
}

// Canonical returns f as a canonical FIR reference.
func (f FIRRef) Canonical() canonical.FIRRef {
	return canonical.FIRRef{
		State: f.State, District: f.District, PoliceStation: f.PoliceStation,
		Year: f.Year, Number: f.Number, NationalID: f.NationalID,
	}
}

// Canonical returns ct as a canonical court.
func (ct Court) Canonical() canonical.Court {
	return canonical.Court{Code: ct.EstablishmentCode, Name: ct.Name, District: ct.District}
}

// IdentifierText records a violation of rule pattern at pointer when
// value, the value of field, an identifier that the hub or a receiver
// compares as written, has a character that
// canonical.CheckIdentifierCharacters rejects.
func (c *Checker) IdentifierText(pointer, field, value string) {
	if err := canonical.CheckIdentifierCharacters(field, value); err != nil {
		c.Add(pointer, "pattern", "%v", err)
	}
}

// RecordNumber records the violations at pointer of value, the value of
// field, an identifier that the receiver matches as written, that
// canonical.CheckRecordNumberRules returns. They are preferred (see
// Checker.Prefer): a message that shows the character at fault replaces
// the schema's pattern violation, and a violation of rule aadhaar-like
// is listed beside the schema's violations of the value.
func (c *Checker) RecordNumber(pointer, field, value string) {
	for _, fault := range canonical.CheckRecordNumberRules(field, value) {
		c.Prefer(pointer, fault.Rule, "%v", fault.Err)
	}
}

// Code records the violations at pointer of value, the value of field,
// a code or number that the hub or a receiver compares as written, and
// reports whether there were none. The rule is "pattern" when
// canonical.CheckCodeText rejects value, which allows a slash when
// slash is set, and canonical.RuleAadhaarLike when checkNumber does,
// such as canonical.CheckCode for a code or canonical.CheckRecordNumber
// for a number. They are preferred, as RecordNumber's are, so that the
// pattern violation names the character at fault and the schema's
// maxLength is kept beside it.
func (c *Checker) Code(pointer, field, value string, slash bool, checkNumber func(field, value string) error) bool {
	ok := true
	if err := canonical.CheckCodeText(field, value, slash); err != nil {
		c.Prefer(pointer, "pattern", "%v", err)
		ok = false
	}
	if err := checkNumber(field, value); err != nil {
		c.Prefer(pointer, canonical.RuleAadhaarLike, "%v", err)
		ok = false
	}
	return ok
}

// Officer maps the officer at pointer, whose service number must pass
// IdentifierText.
func (c *Checker) Officer(pointer string, o Officer) canonical.Officer {
	c.IdentifierText(Pointer(pointer, "service_number"), "service number", o.ServiceNumber)
	return o.Canonical()
}

// Canonical returns o as a canonical officer.
func (o Officer) Canonical() canonical.Officer {
	return canonical.Officer{
		Name: o.Name, Rank: o.Rank, ID: o.ServiceNumber, PoliceStation: o.PoliceStation,
	}
}

// Canonical returns k as a canonical case reference.
func (k CaseRef) Canonical() canonical.CaseRef {
	out := canonical.CaseRef{CNR: k.CNR}
	if k.FIR != nil {
		f := k.FIR.Canonical()
		out.FIR = &f
	}
	if k.Court != nil {
		out.Court = k.Court.Canonical()
	}
	return out
}

// FIRRefOf writes a canonical FIR reference as a document's.
func FIRRefOf(f canonical.FIRRef) FIRRef {
	return FIRRef{
		State: f.State, District: f.District, PoliceStation: f.PoliceStation,
		Year: f.Year, Number: f.Number, NationalID: f.NationalID,
	}
}

// CourtOf writes a canonical court as a document's.
func CourtOf(c canonical.Court) Court {
	return Court{EstablishmentCode: c.Code, Name: c.Name, District: c.District}
}

// OfficerOf writes a canonical officer as a document's.
func OfficerOf(o canonical.Officer) Officer {
	return Officer{Name: o.Name, Rank: o.Rank, ServiceNumber: o.ID, PoliceStation: o.PoliceStation}
}

// CaseRefOf writes a canonical case reference as a document's, leaving
// out an FIR or court it lacks. It also leaves out a court whose code is
// not an e-Courts establishment code, such as the code as written of a
// court outside e-Courts that sent a callback. The formats allow no
// other code, and the case is named by its FIR or CNR all the same.
func CaseRefOf(c canonical.CaseRef) CaseRef {
	out := CaseRef{CNR: c.CNR}
	if c.FIR != nil {
		f := FIRRefOf(*c.FIR)
		out.FIR = &f
	}
	if c.Court != (canonical.Court{}) && canonical.IsEstablishmentCode(c.Court.Code) {
		ct := CourtOf(c.Court)
		out.Court = &ct
	}
	return out
}
