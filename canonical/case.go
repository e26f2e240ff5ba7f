package canonical

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// FIRRef identifies a First Information Report: FIRs are numbered per
// police station and year, and CCTNS also gives each one a national id.
type FIRRef struct {
	// State is the two-letter state code, such as KL.
	State string `json:"state"`
	// District is the CCTNS district code.
	District string `json:"district"`
	// PoliceStation is the CCTNS police station code.
	PoliceStation string `json:"police_station"`
	// Year is the year of registration.
	Year int `json:"year"`
	// Number is the FIR's serial number within station and year.
	Number int `json:"number"`
	// NationalID is the CCTNS national FIR id, when known.
	NationalID string `json:"national_id,omitempty"`
}

// Key returns the case key of the FIR: "FIR/state/district/station/year/number".
func (f FIRRef) Key() string {
	return fmt.Sprintf("FIR/%s/%s/%s/%d/%d",
		f.State, f.District, f.PoliceStation, f.Year, f.Number)
}

// String returns the FIR as police write it: "FIR 123/2024 of station 1234".
func (f FIRRef) String() string {
	return fmt.Sprintf("FIR %d/%d of police station %s, district %s, %s",
		f.Number, f.Year, f.PoliceStation, f.District, f.State)
}

// ParseFIRKey parses a key written by FIRRef.Key.
func ParseFIRKey(key string) (FIRRef, error) {
	parts := strings.Split(key, "/")
	if len(parts) != 6 || parts[0] != "FIR" {
		return FIRRef{}, fmt.Errorf(
			"invalid FIR key %s: want FIR/state/district/station/year/number", QuoteMasked(key))
	}
	// The strconv errors are left out, because they quote the part
	// without masking an Aadhaar number in it.
	year, err := strconv.Atoi(parts[4])
	if err != nil {
		return FIRRef{}, fmt.Errorf("invalid FIR key %s: the year is not a whole number",
			QuoteMasked(key))
	}
	number, err := strconv.Atoi(parts[5])
	if err != nil {
		return FIRRef{}, fmt.Errorf("invalid FIR key %s: the number is not a whole number",
			QuoteMasked(key))
	}
	return FIRRef{
		State: parts[1], District: parts[2], PoliceStation: parts[3],
		Year: year, Number: number,
	}, nil
}

// cnrPattern is the e-Courts Case Number Record: state code (2 letters),
// district code (2 letters), establishment number (2 digits), serial
// number (6 digits) and year of filing (4 digits).
var cnrPattern = regexp.MustCompile(`^([A-Z]{2})([A-Z]{2})([0-9]{2})([0-9]{6})([0-9]{4})$`)

// CNR is the parsed form of an e-Courts Case Number Record.
type CNR struct {
	State         string
	District      string
	Establishment string
	Serial        string
	Year          int
}

// ParseCNR parses a 16-character CNR such as "KLER010001232024".
func ParseCNR(s string) (CNR, error) {
	m := cnrPattern.FindStringSubmatch(s)
	if m == nil && cnrPattern.MatchString(strings.ToUpper(s)) {
		return CNR{}, fmt.Errorf("invalid CNR %s: the state and district letters must be upper case, "+
			"as in %s", QuoteMasked(s), strings.ToUpper(s))
	}
	if m == nil {
		return CNR{}, fmt.Errorf("invalid CNR %s: want 16 characters: state (2 letters), "+
			"district (2 letters), establishment (2 digits), serial (6 digits), year (4 digits)", QuoteMasked(s))
	}
	year, _ := strconv.Atoi(m[5])
	return CNR{State: m[1], District: m[2], Establishment: m[3], Serial: m[4], Year: year}, nil
}

// String returns the 16-character form.
func (c CNR) String() string {
	return c.State + c.District + c.Establishment + c.Serial + fmt.Sprintf("%04d", c.Year)
}

// CNRKey returns the case key for a court case known only by its CNR.
func CNRKey(cnr string) string { return "CNR/" + cnr }

// establishmentCode is an e-Courts establishment code: state (2 letters),
// district (2 letters) and establishment number (2 digits).
var establishmentCode = regexp.MustCompile(`^[A-Z]{4}[0-9]{2}$`)

// IsEstablishmentCode reports whether code is an e-Courts establishment
// code, such as KLER01, the form the agencies' formats require of a
// court's code.
func IsEstablishmentCode(code string) bool { return establishmentCode.MatchString(code) }

// CNRCourt returns the e-Courts establishment code in the first six
// characters of a CNR, such as KLER01 of KLER010001232024, and false when
// cnr is not a CNR.
func CNRCourt(cnr string) (string, bool) {
	if !cnrPattern.MatchString(cnr) {
		return "", false
	}
	return cnr[:6], true
}

// SameCourt reports whether a and b are one court's code: equal but for
// the case of ASCII letters. Other characters must be equal, so that a
// look-alike such as the Kelvin sign (U+212A) is not taken for K, as
// strings.EqualFold would take it.
func SameCourt(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'a' <= x && x <= 'z' {
			x -= 'a' - 'A'
		}
		if 'a' <= y && y <= 'z' {
			y -= 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// OfficeCode is the code of a court, police station or prison as a
// message names it, with the JSON pointer of the field that contains it.
type OfficeCode struct {
	Code    string
	Pointer string
}

// IssuingCourts returns the courts that a court message comes from: a
// court registration's court and the court whose establishment code
// starts its CNR, or the court that issued a court order. A court
// registration whose court and CNR agree names its court once. It
// returns nil for any other message.
func (m *Message) IssuingCourts() []OfficeCode {
	switch {
	case m.Type == TypeCourtRegistration && m.CourtRegistration != nil:
		reg := m.CourtRegistration
		var courts []OfficeCode
		if reg.Court.Code != "" {
			courts = append(courts, OfficeCode{reg.Court.Code, "/court_registration/court/code"})
		}
		if code, ok := CNRCourt(reg.CNR); ok && !SameCourt(code, reg.Court.Code) {
			courts = append(courts, OfficeCode{code, "/court_registration/cnr"})
		}
		return courts
	case m.Type == TypeCourtOrder && m.CourtOrder != nil && m.CourtOrder.Court.Code != "":
		return []OfficeCode{{m.CourtOrder.Court.Code, "/court_order/court/code"}}
	}
	return nil
}

// Court is a court establishment.
type Court struct {
	// Code is the e-Courts establishment code, such as KLER01.
	Code string `json:"code"`
	Name string `json:"name,omitempty"`
	// District is the judicial district.
	District string `json:"district,omitempty"`
}
