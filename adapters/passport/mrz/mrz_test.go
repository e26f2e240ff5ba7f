package mrz

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/canonical"
)

// The specimen zones that ICAO Doc 9303 publishes for the fictional state
// Utopia: part 4 for TD3, part 6 for TD2 and part 5 for TD1.
var (
	specimenTD3 = []string{
		"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
		"L898902C36UTO7408122F1204159ZE184226B<<<<<10",
	}
	specimenTD2 = []string{
		"I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
		"D231458907UTO7408122F1204159<<<<<<<6",
	}
	specimenTD1 = []string{
		"I<UTOD231458907<<<<<<<<<<<<<<<",
		"7408122F1204159UTO<<<<<<<<<<<6",
		"ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
	}
)

// testNow is the reference date of the tests.
var testNow = time.Date(2026, time.June, 30, 15, 0, 0, 0, time.UTC)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestParseSpecimens(t *testing.T) {
	anna := Document{
		IssuingState: "UTO", Nationality: "UTO", Sex: "F",
		DateOfBirth: date(1974, time.August, 12), ExpiresOn: date(2012, time.April, 15),
		PrimaryIdentifier: "ERIKSSON", SecondaryIdentifier: "ANNA MARIA",
	}
	td3 := anna
	td3.Format, td3.DocumentCode, td3.DocumentNumber, td3.OptionalData = TD3, "P", "L898902C3", "ZE184226B"
	td2 := anna
	td2.Format, td2.DocumentCode, td2.DocumentNumber = TD2, "I", "D23145890"
	td1 := td2
	td1.Format = TD1

	tests := []struct {
		name  string
		lines []string
		want  Document
	}{
		{"TD3", specimenTD3, td3},
		{"TD2", specimenTD2, td2},
		{"TD1", specimenTD1, td1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.lines, testNow)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse =\n%+v\nwant\n%+v", got, tt.want)
			}
			lines, err := got.Lines()
			if err != nil {
				t.Fatalf("Lines: %v", err)
			}
			if !reflect.DeepEqual(lines, tt.lines) {
				t.Errorf("Lines =\n%s\nwant the specimen\n%s",
					strings.Join(lines, "\n"), strings.Join(tt.lines, "\n"))
			}
		})
	}
}

func TestParseIgnoresSurroundingSpace(t *testing.T) {
	lines := []string{"  " + specimenTD3[0] + "\r\n", "\t" + specimenTD3[1] + " "}
	if _, err := Parse(lines, testNow); err != nil {
		t.Errorf("Parse: %v", err)
	}
}

// mutate returns lines with the character at line and position (from 1)
// replaced by c.
func mutate(lines []string, line, position int, c byte) []string {
	out := append([]string(nil), lines...)
	b := []byte(out[line-1])
	b[position-1] = c
	out[line-1] = string(b)
	return out
}

// wantError checks that err lists a *FieldError for field at line and
// position wrapping target.
func wantError(t *testing.T, err error, target error, field string, line, position int) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error = %v, want %v", err, target)
	}
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("error %T is not Errors", err)
	}
	for _, e := range es {
		if e.Field == field && e.Line == line && e.Position == position && errors.Is(e, target) {
			return
		}
	}
	t.Errorf("error = %v, want %s at line %d, position %d", err, field, line, position)
}

func TestParseCheckDigitMismatch(t *testing.T) {
	tests := []struct {
		name           string
		lines          []string
		field          string
		line, position int
	}{
		{"TD3 document number", specimenTD3, "document number", 2, 10},
		{"TD3 date of birth", specimenTD3, "date of birth", 2, 20},
		{"TD3 date of expiry", specimenTD3, "date of expiry", 2, 28},
		{"TD3 optional data", specimenTD3, "optional data", 2, 43},
		{"TD3 composite", specimenTD3, "composite", 2, 44},
		{"TD2 document number", specimenTD2, "document number", 2, 10},
		{"TD2 date of birth", specimenTD2, "date of birth", 2, 20},
		{"TD2 date of expiry", specimenTD2, "date of expiry", 2, 28},
		{"TD2 composite", specimenTD2, "composite", 2, 36},
		{"TD1 document number", specimenTD1, "document number", 1, 15},
		{"TD1 date of birth", specimenTD1, "date of birth", 2, 7},
		{"TD1 date of expiry", specimenTD1, "date of expiry", 2, 15},
		{"TD1 composite", specimenTD1, "composite", 2, 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := tt.lines[tt.line-1][tt.position-1]
			bad := mutate(tt.lines, tt.line, tt.position, '0'+(old-'0'+1)%10)
			_, err := Parse(bad, testNow)
			wantError(t, err, ErrCheckDigit, tt.field, tt.line, tt.position)
			if !strings.Contains(err.Error(), "check digit is") {
				t.Errorf("error %q does not say which digit", err)
			}
		})
	}
}

func TestParseChangedFieldBreaksItsCheck(t *testing.T) {
	// One letter of the document number changed: its check digit and the
	// composite no longer match, and both are reported.
	bad := mutate(specimenTD3, 2, 1, 'M')
	_, err := Parse(bad, testNow)
	wantError(t, err, ErrCheckDigit, "document number", 2, 10)
	wantError(t, err, ErrCheckDigit, "composite", 2, 44)
}

func TestParseEmptyPersonalNumber(t *testing.T) {
	for _, check := range []byte{'<', '0'} {
		lines := []string{specimenTD3[0], "L898902C36UTO7408122F1204159<<<<<<<<<<<<<<" + string(check) + "?"}
		composite := checkDigit(lines[1][0:10] + lines[1][13:20] + lines[1][21:43])
		lines[1] = lines[1][:43] + string(composite)
		d, err := Parse(lines, testNow)
		if err != nil {
			t.Fatalf("personal number check %q: %v", check, err)
		}
		if d.OptionalData != "" {
			t.Errorf("OptionalData = %q, want empty", d.OptionalData)
		}
	}
}

func TestParseLayoutErrors(t *testing.T) {
	tests := []struct {
		name           string
		lines          []string
		field          string
		line, position int
	}{
		{"one line", specimenTD3[:1], "zone", 1, 0},
		{"short second line", []string{specimenTD3[0], specimenTD3[1][:43]}, "zone", 2, 0},
		{"lower case", mutate(specimenTD3, 1, 7, 'r'), "zone", 1, 7},
		{"space inside", mutate(specimenTD2, 2, 30, ' '), "zone", 2, 30},
		{"digit in name", mutate(specimenTD3, 1, 8, '5'), "name", 1, 8},
		{"no surname", mutate(mutate(specimenTD1, 3, 1, '<'), 3, 2, '<'), "name", 3, 1},
		{"sex", mutate(specimenTD2, 2, 21, 'Q'), "sex", 2, 21},
		{"state", mutate(specimenTD3, 1, 4, '1'), "issuing state", 1, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.lines, testNow)
			wantError(t, err, ErrFormat, tt.field, tt.line, tt.position)
		})
	}
}

func TestParseInvalidDates(t *testing.T) {
	for _, tt := range []struct {
		name, birth string
	}{
		{"month 13", "741312"},
		{"day 32", "740832"},
		{"30 February", "740230"},
		{"29 February 2023", "230229"},
		{"filler", "74<812"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			line := tt.birth + string(checkDigit(tt.birth)) + specimenTD1[1][7:]
			_, err := Parse([]string{specimenTD1[0], line, specimenTD1[2]}, testNow)
			wantError(t, err, ErrDate, "date of birth", 2, 1)
		})
	}
}

func TestParseCentury(t *testing.T) {
	tests := []struct {
		birth, expiry         string
		wantBirth, wantExpiry time.Time
	}{
		{"740812", "120415", date(1974, 8, 12), date(2012, 4, 15)},
		{"260630", "460630", date(2026, 6, 30), date(2046, 6, 30)},
		{"260701", "460701", date(1926, 7, 1), date(1946, 7, 1)},
		{"000229", "340101", date(2000, 2, 29), date(2034, 1, 1)},
	}
	for _, tt := range tests {
		d := Document{
			Format: TD3, DocumentCode: "P", IssuingState: "IND", DocumentNumber: "M1234567",
			Nationality: "IND", Sex: "M", PrimaryIdentifier: "NAIR", SecondaryIdentifier: "ANU",
		}
		lines, err := d.Lines()
		if err != nil {
			t.Fatal(err)
		}
		line := lines[1][:13] + tt.birth + string(checkDigit(tt.birth)) + "M" +
			tt.expiry + string(checkDigit(tt.expiry)) + lines[1][28:43]
		line += string(checkDigit(line[0:10] + line[13:20] + line[21:43]))
		got, err := Parse([]string{lines[0], line}, testNow)
		if err != nil {
			t.Fatalf("%s and %s: %v", tt.birth, tt.expiry, err)
		}
		if !got.DateOfBirth.Equal(tt.wantBirth) {
			t.Errorf("birth %s: DateOfBirth = %s, want %s", tt.birth, got.DateOfBirth, tt.wantBirth)
		}
		if !got.ExpiresOn.Equal(tt.wantExpiry) {
			t.Errorf("expiry %s: ExpiresOn = %s, want %s", tt.expiry, got.ExpiresOn, tt.wantExpiry)
		}
	}
}

func TestLongDocumentNumber(t *testing.T) {
	for _, format := range []Format{TD1, TD2} {
		d := Document{
			Format: format, DocumentCode: "I", IssuingState: "UTO", DocumentNumber: "D23145890734",
			Nationality: "UTO", DateOfBirth: date(1974, 8, 12), ExpiresOn: date(2032, 4, 15), Sex: "F",
			PrimaryIdentifier: "ERIKSSON", SecondaryIdentifier: "ANNA MARIA", OptionalData: "AB",
		}
		lines, err := d.Lines()
		if err != nil {
			t.Fatalf("%s: Lines: %v", format, err)
		}
		l := layouts[format]
		if c := lines[l.numberChk.line][l.numberChk.at]; c != '<' {
			t.Errorf("%s: check digit position holds %q, want <", format, c)
		}
		got, err := Parse(lines, testNow)
		if err != nil {
			t.Fatalf("%s: Parse(%q): %v", format, lines, err)
		}
		if !reflect.DeepEqual(got, d) {
			t.Errorf("%s: Parse =\n%+v\nwant\n%+v", format, got, d)
		}

		// The number's check digit sits after its last character in the
		// optional data.
		index := l.optional.start + len("734")
		old := lines[l.optional.line][index]
		bad := mutate(lines, l.optional.line+1, index+1, '0'+(old-'0'+1)%10)
		_, err = Parse(bad, testNow)
		wantError(t, err, ErrCheckDigit, "document number", l.optional.line+1, index+1)
	}
}

func TestLinesRejectsBadValues(t *testing.T) {
	base := Document{
		Format: TD3, DocumentCode: "P", IssuingState: "IND", DocumentNumber: "M1234567",
		Nationality: "IND", Sex: "F", PrimaryIdentifier: "NAIR",
	}
	for name, spoil := range map[string]func(*Document){
		"unknown format":    func(d *Document) { d.Format = "TD4" },
		"long TD3 number":   func(d *Document) { d.DocumentNumber = "M12345678901" },
		"lower-case number": func(d *Document) { d.DocumentNumber = "m1234567" },
		"long state":        func(d *Document) { d.IssuingState = "INDIA" },
	} {
		d := base
		spoil(&d)
		if _, err := d.Lines(); err == nil {
			t.Errorf("%s: Lines accepted %+v", name, d)
		}
	}
}

func TestLinesCutsLongNames(t *testing.T) {
	d := Document{
		Format: TD1, DocumentCode: "I", IssuingState: "IND", DocumentNumber: "X1",
		Nationality: "IND", Sex: "M", DateOfBirth: date(1990, 1, 2), ExpiresOn: date(2030, 1, 2),
		PrimaryIdentifier: "VADAKKEKKARA PUTHENVEETTIL", SecondaryIdentifier: "SREEKUMARAN NAIR",
	}
	lines, err := d.Lines()
	if err != nil {
		t.Fatal(err)
	}
	if lines[2] != "VADAKKEKKARA<PUTHENVEETTIL<<SR" {
		t.Errorf("name line = %q", lines[2])
	}
	got, err := Parse(lines, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if got.SecondaryIdentifier != "SR" {
		t.Errorf("SecondaryIdentifier = %q, want the cut SR", got.SecondaryIdentifier)
	}
}

func FuzzParse(f *testing.F) {
	for _, lines := range [][]string{specimenTD3, specimenTD2, specimenTD1} {
		f.Add(strings.Join(lines, "\n"))
	}
	f.Fuzz(func(t *testing.T, zone string) {
		d, err := Parse(strings.Split(zone, "\n"), testNow)
		if err != nil {
			return
		}
		lines, err := d.Lines()
		if err != nil {
			t.Fatalf("Lines of a parsed zone: %v", err)
		}
		again, err := Parse(lines, testNow)
		if err != nil {
			t.Fatalf("Parse of written lines %q: %v", lines, err)
		}
		if !reflect.DeepEqual(again, d) {
			t.Fatalf("write and parse changed the document\n%+v\n%+v", d, again)
		}
	})
}

// aadhaarTD3 is a TD3 zone whose personal number, 234567890124, is an
// Aadhaar number: it passes the Verhoeff check.
var aadhaarTD3 = []string{
	"P<INDNAIR<<ANU<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<",
	"Z1234567<1IND9005145M3001019234567890124<<74",
}

// maskAadhaar masks the Aadhaar numbers in an optional data field.
func maskAadhaar(field string) (string, bool) {
	return canonical.MaskAadhaarInText(field)
}

func TestMaskOptionalDataTD3(t *testing.T) {
	lines, masked, err := MaskOptionalData(aadhaarTD3, maskAadhaar)
	if err != nil {
		t.Fatalf("MaskOptionalData: %v", err)
	}
	if !masked {
		t.Fatal("MaskOptionalData reports nothing masked")
	}
	want := "Z1234567<1IND9005145M3001019XXXXXXXX0124<<<<"
	if lines[1] != want {
		t.Errorf("line 2 = %s, want %s, with '<' for both check digits over the optional data", lines[1], want)
	}
	if lines[0] != aadhaarTD3[0] {
		t.Errorf("line 1 = %s, want it unchanged", lines[0])
	}

	d, err := Parse(lines, testNow)
	if err != nil {
		t.Fatalf("Parse of the masked zone: %v", err)
	}
	if d.OptionalData != "XXXXXXXX0124" || d.DocumentNumber != "Z1234567" {
		t.Errorf("Parse = %+v, want the masked optional data and the document number", d)
	}
	written, err := d.Lines()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(written, lines) {
		t.Errorf("Lines = %q, want the masked zone %q", written, lines)
	}
}

func TestMaskOptionalDataUnchanged(t *testing.T) {
	lines, masked, err := MaskOptionalData(specimenTD3, maskAadhaar)
	if err != nil || masked {
		t.Fatalf("MaskOptionalData(specimen) = %v, %v; want nothing masked", masked, err)
	}
	if !reflect.DeepEqual(lines, specimenTD3) {
		t.Errorf("lines = %q, want the specimen", lines)
	}
	if _, _, err := MaskOptionalData(specimenTD3[:1], maskAadhaar); err == nil {
		t.Error("MaskOptionalData accepted one line")
	}
}

// TestMaskOptionalDataSkipsLongNumber masks a TD1 zone whose long
// document number continues in the optional data: only the optional
// data after the rest of the number is passed to mask.
func TestMaskOptionalDataSkipsLongNumber(t *testing.T) {
	d := Document{
		Format: TD1, DocumentCode: "I", IssuingState: "UTO", DocumentNumber: "D23145890734",
		Nationality: "UTO", DateOfBirth: date(1974, 8, 12), ExpiresOn: date(2032, 4, 15), Sex: "F",
		PrimaryIdentifier: "ERIKSSON", OptionalData: "AB",
	}
	lines, err := d.Lines()
	if err != nil {
		t.Fatal(err)
	}
	var fields []string
	_, _, err = MaskOptionalData(lines, func(field string) (string, bool) {
		fields = append(fields, field)
		return field, false
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"AB<<<<<<<<", "<<<<<<<<<<<"}
	if !reflect.DeepEqual(fields, want) {
		t.Errorf("mask got %q, want %q", fields, want)
	}
}

// TestParseMaskedCheckDigits checks that '<' stands for a check digit
// over optional data only when that data contains a masked number.
func TestParseMaskedCheckDigits(t *testing.T) {
	unmasked := mutate(aadhaarTD3, 2, 44, '<')
	_, err := Parse(unmasked, testNow)
	wantError(t, err, ErrCheckDigit, "composite", 2, 44)

	masked, _, err := MaskOptionalData(aadhaarTD3, maskAadhaar)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse(masked, testNow); err != nil {
		t.Errorf("Parse of '<' check digits over a masked number: %v", err)
	}

	// A check digit computed over the masked text is accepted too, and a
	// wrong one is not.
	line := masked[1][:42] + string(checkDigit(masked[1][28:42]))
	line += string(checkDigit(line[0:10] + line[13:20] + line[21:43]))
	if _, err := Parse([]string{masked[0], line}, testNow); err != nil {
		t.Errorf("Parse of check digits over the masked text: %v", err)
	}
	bad := mutate([]string{masked[0], line}, 2, 43, '0'+(line[42]-'0'+1)%10)
	_, err = Parse(bad, testNow)
	wantError(t, err, ErrCheckDigit, "optional data", 2, 43)
}
