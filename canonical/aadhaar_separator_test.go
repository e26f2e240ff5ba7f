package canonical

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf16"
)

// showsAsNothingSamples are characters that ShowsAsNothing names, from
// each of its kinds, format characters such as a tag character and the
// isolates included.
var showsAsNothingSamples = []rune{
	0x034F,  // combining grapheme joiner
	0xFE00,  // variation selector-1
	0xFE0F,  // variation selector-16
	0xE0100, // variation selector-17
	0x180B,  // Mongolian free variation selector one
	0x180E,  // Mongolian vowel separator
	0x17B4,  // Khmer vowel inherent aq
	0x3164,  // Hangul filler
	0x115F,  // Hangul choseong filler
	0xFFA0,  // halfwidth Hangul filler
	0x2800,  // Braille pattern blank
	0x200B,  // zero-width space
	0x2060,  // word joiner
	0xFEFF,  // byte order mark
	0x00AD,  // soft hyphen
	0x2066,  // left-to-right isolate
	0x2069,  // pop directional isolate
	0xE0041, // tag latin capital letter A
}

// jsonEscape returns r as a JSON string escape, with a surrogate pair
// for a character outside the Basic Multilingual Plane.
func jsonEscape(r rune) string {
	if r > 0xFFFF {
		hi, lo := utf16.EncodeRune(r)
		return fmt.Sprintf(`\u%04x\u%04X`, hi, lo)
	}
	return fmt.Sprintf(`\u%04x`, r)
}

func TestMaskAadhaarSplitByInvisible(t *testing.T) {
	// 586301729436 passes the Verhoeff check.
	for _, r := range showsAsNothingSamples {
		if !ShowsAsNothing(r) {
			t.Errorf("ShowsAsNothing(%U) = false, want true", r)
		}
		x := string(r)
		text := "A 5863" + x + "0172" + x + "9436 B"
		if got, masked := MaskAadhaarInText(text); got != "A XXXXXXXX9436 B" || !masked {
			t.Errorf("MaskAadhaarInText(%+q) = %+q, %v; want \"A XXXXXXXX9436 B\", true", text, got, masked)
		}

		bodies := map[string]string{
			"JSON":           `{"first_information":"` + text + `"}`,
			"JSON escape":    `{"first_information":"A 5863` + jsonEscape(r) + "0172" + jsonEscape(r) + `9436 B"}`,
			"XML":            "<r>" + text + "</r>",
			"XML hex":        fmt.Sprintf("<r>A 5863&#x%X;0172&#x%x;9436 B</r>", r, r),
			"XML decimal":    fmt.Sprintf(`<r a="A 5863&#%d;0172&#%d;9436 B"/>`, r, r),
			"JSON and plain": `{"a":"5863` + x + `0172\n9436"}`,
		}
		for kind, body := range bodies {
			got, masked := MaskAadhaarInBody([]byte(body))
			if !masked {
				t.Errorf("%s %U: MaskAadhaarInBody(%+q) masked nothing", kind, r, body)
			}
			if !strings.Contains(string(got), "XXXXXXXX9436") {
				t.Errorf("%s %U: MaskAadhaarInBody(%+q) = %+q, want XXXXXXXX9436 in it", kind, r, body, got)
			}
			if strings.Contains(string(got), "0172") {
				t.Errorf("%s %U: MaskAadhaarInBody(%+q) = %+q, keeps the digits 0172", kind, r, body, got)
			}
		}
	}
}

func TestMaskAadhaarSplitByEveryInvisible(t *testing.T) {
	count := 0
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !ShowsAsNothing(r) {
			continue
		}
		count++
		text := "5863" + string(r) + "0172" + string(r) + "9436"
		if got, masked := MaskAadhaarInText(text); got != "XXXXXXXX9436" || !masked {
			t.Errorf("MaskAadhaarInText(%+q) = %+q, %v; want XXXXXXXX9436, true", text, got, masked)
		}
	}
	if count < 100 {
		t.Errorf("ShowsAsNothing names %d characters, want the format characters among them", count)
	}
}

// TestMaskAadhaarHiddenInsideGroup puts a character that shows as
// nothing between the digits of a group, where it still leaves the
// number showing in clear.
func TestMaskAadhaarHiddenInsideGroup(t *testing.T) {
	for _, r := range showsAsNothingSamples {
		x := string(r)
		for _, text := range []string{
			"A 58" + x + "63 0172 9436 B",
			"A 5863 01" + x + x + "72 94" + x + "36 B",
		} {
			if got, masked := MaskAadhaarInText(text); got != "A XXXXXXXX9436 B" || !masked {
				t.Errorf("MaskAadhaarInText(%+q) = %+q, %v; want \"A XXXXXXXX9436 B\", true",
					text, got, masked)
			}
		}
		body := `{"first_information":"A 58` + jsonEscape(r) + `63 0172 9436 B"}`
		got, masked := MaskAadhaarInBody([]byte(body))
		if want := `{"first_information":"A XXXXXXXX9436 B"}`; string(got) != want || !masked {
			t.Errorf("MaskAadhaarInBody(%s) = %s, %v; want %s, true", body, got, masked, want)
		}
	}
}

// TestMaskAadhaarHiddenDoNotCountAsMarks joins groups by more hidden
// characters than the marks a separator may have, alone and beside
// dashes: the number shows in clear either way.
func TestMaskAadhaarHiddenDoNotCountAsMarks(t *testing.T) {
	for _, r := range showsAsNothingSamples {
		x := string(r)
		for _, text := range []string{
			"A 5863" + strings.Repeat(x, 4) + "0172 9436 B",
			"A 5863 0172" + strings.Repeat(x, 7) + "9436 B",
			"A 5863" + x + x + "--0172" + x + "-" + x + "9436 B",
		} {
			if got, masked := MaskAadhaarInText(text); got != "A XXXXXXXX9436 B" || !masked {
				t.Errorf("MaskAadhaarInText(%+q) = %+q, %v; want \"A XXXXXXXX9436 B\", true",
					text, got, masked)
			}
		}
	}
	// Four marks are still too many: such digits are not read as one
	// number.
	if got, masked := MaskAadhaarInText("A 5863----0172 9436 B"); masked {
		t.Errorf("four dashes: masked as %+q, want left alone", got)
	}
}

func TestAadhaarLike(t *testing.T) {
	for id, want := range map[string]bool{
		"491873625403":       true,
		"4918 7362 5403":     true,
		"4918-7362-5403":     true,
		"4918/7362/5403":     true,
		"4918.7362.5403":     true,
		"4918_7362_5403":     true,
		"491873625404":       false, // wrong check digit
		"32241012250001187":  false, // 17 digits, as CCTNS national ids are
		"4918736254031":      false,
		"KL-4918-7362-5403":  true,
		"KL/4918/7362/5403":  true,
		"32/491873625403":    true,
		"491873625403/2025":  true,
		"KL4918-7362-5403":   true,
		"४९१८७३६२५४०३":       true, // Devanagari digits
		"32/4918/2025/00123": false,
		"32/491873625404":    false,
		"4918736254039/2025": false,
		"32EKM0412202501187": false,
		"":                   false,
	} {
		if got := AadhaarLike(id); got != want {
			t.Errorf("AadhaarLike(%q) = %v, want %v", id, got, want)
		}
		if err := CheckNationalID(id); (err != nil) != want {
			t.Errorf("CheckNationalID(%q) = %v, want an error: %v", id, err, want)
		}
		if err := CheckIdentification(id); (err != nil) != want {
			t.Errorf("CheckIdentification(%q) = %v, want an error: %v", id, err, want)
		}
	}
}

func TestCheckIdentificationMasksNumber(t *testing.T) {
	err := CheckIdentification("RC4918736/25403")
	if err == nil {
		t.Fatal("CheckIdentification returned no error")
	}
	if !strings.Contains(err.Error(), "XXXXXXXX5403") {
		t.Errorf("error %q lacks the masked number XXXXXXXX5403", err)
	}
	if strings.Contains(err.Error(), "7362") {
		t.Errorf("error %q shows the number in clear", err)
	}
}

func TestCheckNationalIDTextMaskedNumber(t *testing.T) {
	const id = "4918\u20137362\u20135403" // en dashes, which AadhaarLike misses
	err := CheckNationalID(id)
	if err == nil {
		t.Fatalf("CheckNationalID(%q) = nil, want an error", id)
	}
	if !strings.Contains(err.Error(), "national FIR id contains XXXXXXXX5403") {
		t.Errorf("CheckNationalID(%q) = %q, want the field and XXXXXXXX5403", id, err)
	}
}

func TestCheckRecordNumber(t *testing.T) {
	for id, want := range map[string]string{
		"491873625403":                "XXXXXXXX5403",
		"UTP491873625403":             "XXXXXXXX5403", // AadhaarLike, which text masking misses
		"PW 4918\u20137362\u20135403": "XXXXXXXX5403", // text masking, which AadhaarLike misses
		"KL 4918,7362,5403 / 2025":    "XXXXXXXX5403",
		"UT-2231-2025":                "",
		"PW 45/2025":                  "",
		"491873625404":                "",
		"":                            "",
	} {
		err := CheckRecordNumber("prisoner number", id)
		if want == "" {
			if err != nil {
				t.Errorf("CheckRecordNumber(%q) = %v, want nil", id, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("CheckRecordNumber(%q) = nil, want an error", id)
			continue
		}
		if !strings.Contains(err.Error(), "prisoner number contains "+want) {
			t.Errorf("CheckRecordNumber(%q) = %q, want the field and %s", id, err, want)
		}
		if strings.Contains(err.Error(), "7362") {
			t.Errorf("CheckRecordNumber(%q) = %q shows the number in clear", id, err)
		}
	}
}

func TestCheckRecordNumberRules(t *testing.T) {
	for id, want := range map[string][]string{
		"UT\u2060491873625403": {"pattern", RuleAadhaarLike},
		"UT\u20602231-2025":    {"pattern"},
		"UTP491873625403":      {RuleAadhaarLike},
		"UT-2231-2025":         nil,
	} {
		var got []string
		for _, fault := range CheckRecordNumberRules("prisoner number", id) {
			got = append(got, fault.Rule)
			if fault.Err == nil {
				t.Errorf("CheckRecordNumberRules(%q): rule %s without an error", id, fault.Rule)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("CheckRecordNumberRules(%q) rules = %v, want %v", id, got, want)
		}
	}
}

func TestMaskAadhaarInMessageKeepsRecordNumbers(t *testing.T) {
	m := &Message{Type: TypeCourtOrder, CourtOrder: &CourtOrder{
		Number:   "PW 4918 7362 5403",
		Prisoner: Prisoner{Number: "4918 7362 5403", Housing: "4918 7362 5403"},
	}}
	MaskAadhaarInMessage(m)
	if m.CourtOrder.Number != "PW 4918 7362 5403" {
		t.Errorf("order number = %q, want it as sent", m.CourtOrder.Number)
	}
	if m.CourtOrder.Prisoner.Number != "4918 7362 5403" {
		t.Errorf("prisoner number = %q, want it as sent", m.CourtOrder.Prisoner.Number)
	}
	if m.CourtOrder.Prisoner.Housing != "XXXXXXXX5403" {
		t.Errorf("housing = %q, want the number masked", m.CourtOrder.Prisoner.Housing)
	}
	var pointers []string
	CheckRecordNumbers(m, func(pointer string, _ error) { pointers = append(pointers, pointer) })
	slices.Sort(pointers)
	want := []string{"/court_order/number", "/court_order/prisoner/number"}
	if !slices.Equal(pointers, want) {
		t.Errorf("CheckRecordNumbers reported %v, want %v", pointers, want)
	}
}

// TestCheckRecordNumbersCodes checks each code that routes and token
// scopes compare. A code that contains a number with a valid Aadhaar
// check digit is reported, and masking leaves it as sent. A name and an
// address district beside it are masked.
func TestCheckRecordNumbersCodes(t *testing.T) {
	const number = "4918 7362 5403"
	fir := &FIRRef{State: "KL", District: "EKM-" + number, PoliceStation: number, Year: 2025, Number: 1}
	court := Court{Code: "KL" + "-" + number, Name: "Court " + number}
	messages := map[string]*Message{
		"movement": {Type: TypeMovement, Movement: &Movement{
			Prisoner: Prisoner{PrisonCode: "KL " + number, Cases: []CaseRef{{FIR: fir, Court: court}}},
			From:     Location{Kind: LocationPrison, Code: number},
			To:       Location{Kind: LocationCourt, Code: number},
		}},
		"FIR":                 {Type: TypeFIR, FIR: &FIR{Ref: *fir}},
		"verification report": {Type: TypeVerificationReport, VerificationReport: &VerificationReport{PoliceStation: number}},
		"court registration":  {Type: TypeCourtRegistration, CourtRegistration: &CourtRegistration{Court: court}},
	}
	want := map[string][]string{
		"movement": {
			"/prisoner_movement/from/code",
			"/prisoner_movement/prisoner/cases/0/court/code",
			"/prisoner_movement/prisoner/cases/0/fir/district",
			"/prisoner_movement/prisoner/cases/0/fir/police_station",
			"/prisoner_movement/prisoner/prison_code",
			"/prisoner_movement/to/code",
		},
		"FIR":                 {"/fir/ref/district", "/fir/ref/police_station"},
		"verification report": {"/verification_report/police_station"},
		"court registration":  {"/court_registration/court/code"},
	}
	for name, m := range messages {
		t.Run(name, func(t *testing.T) {
			var pointers []string
			CheckRecordNumbers(m, func(pointer string, err error) {
				pointers = append(pointers, pointer)
				if strings.Contains(err.Error(), "7362") {
					t.Errorf("error at %s shows the number in clear: %v", pointer, err)
				}
				if !strings.Contains(err.Error(), "code contains XXXXXXXX5403") {
					t.Errorf("error at %s = %q, want the code's name and the masked number", pointer, err)
				}
			})
			slices.Sort(pointers)
			if !slices.Equal(pointers, want[name]) {
				t.Errorf("CheckRecordNumbers reported %v, want %v", pointers, want[name])
			}

			masked := map[string]string{}
			EachString(m, func(pointer, s string) (string, bool) {
				masked[pointer] = s
				return "", false
			})
			MaskAadhaarInMessage(m)
			EachString(m, func(pointer, s string) (string, bool) {
				code := slices.Contains(want[name], pointer)
				switch {
				case code && s != masked[pointer]:
					t.Errorf("%s = %q after masking, want %q as sent", pointer, s, masked[pointer])
				case !code && strings.Contains(s, "7362"):
					t.Errorf("%s = %q after masking, want the number masked", pointer, s)
				}
				return "", false
			})
		})
	}
}
