package policy

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/canonical"
)

func TestNormalPath(t *testing.T) {
	for in, want := range map[string]string{
		"chargesheet.court.code":               "chargesheet.court.code",
		"chargesheet.accused[]":                "chargesheet.accused",
		"chargesheet.accused[].person.names[]": "chargesheet.accused[].person.names",
	} {
		got, err := NormalPath(in)
		if err != nil {
			t.Errorf("NormalPath(%q): %v", in, err)
			continue
		}
		if got != want {
			t.Errorf("NormalPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalPathInvalid(t *testing.T) {
	_, err := NormalPath("chargesheet.accused.person")
	if err == nil {
		t.Fatal("NormalPath accepted a path that steps into an array without []")
	}
	if !strings.Contains(err.Error(), `"chargesheet.accused.person"`) {
		t.Errorf("error does not name the path: %v", err)
	}
}

func valuesMessage() canonical.Message {
	m := envelope(canonical.TypeVerificationRequest)
	m.VerificationRequest = &canonical.VerificationRequest{
		FileNumber: "CO1075118204525",
		Matches: []canonical.CaseMatch{
			{Case: canonical.CaseRef{CNR: "KLER120004022023"}, MatchedBy: "passport_number"},
			{Case: canonical.CaseRef{FIR: &canonical.FIRRef{State: "KL", District: "EKM",
				PoliceStation: "EKM0420", Year: 2023, Number: 402}}, MatchedBy: "name_and_father_name"},
		},
	}
	return m
}

func TestValues(t *testing.T) {
	m := valuesMessage()
	tests := []struct {
		path string
		want string // the values as JSON
	}{
		{"verification_request.file_number", `["CO1075118204525"]`},
		{"verification_request.matches[].matched_by", `["passport_number","name_and_father_name"]`},
		{"verification_request.matches[].case.fir.number", `[402]`},
		{"verification_request.matches[].case.cnr", `["KLER120004022023"]`},
		{"verification_request.police_station", `null`},
		{"verification_request.old_passport.document_number", `null`},
		{"chargesheet.court.code", `null`},
	}
	for _, tt := range tests {
		got, err := Values(&m, tt.path)
		if err != nil {
			t.Errorf("Values(%q): %v", tt.path, err)
			continue
		}
		data, _ := json.Marshal(got)
		if string(data) != tt.want {
			t.Errorf("Values(%q) = %s, want %s", tt.path, data, tt.want)
		}
	}
}

func TestValuesOfLastArrayAsOne(t *testing.T) {
	m := valuesMessage()
	whole, err := Values(&m, "verification_request.matches")
	if err != nil {
		t.Fatal(err)
	}
	trailing, err := Values(&m, "verification_request.matches[]")
	if err != nil {
		t.Fatal(err)
	}
	if len(whole) != 1 {
		t.Errorf("Values of the array = %d values, want the array as one", len(whole))
	}
	if !reflect.DeepEqual(whole, trailing) {
		t.Errorf("a trailing [] changed the values: %v and %v", whole, trailing)
	}
}

func TestValuesShowsMask(t *testing.T) {
	p := Policy{Name: "p", Types: []string{"verification_request"},
		Allow: []string{"verification_request"},
		Mask:  []MaskRule{{Path: "verification_request.file_number", Kind: MaskLast4}}}
	c, err := Compile(p)
	if err != nil {
		t.Fatal(err)
	}
	m := valuesMessage()
	shared, _, err := c.Apply(&m)
	if err != nil {
		t.Fatal(err)
	}
	original, _ := Values(&m, "verification_request.file_number")
	sent, _ := Values(&shared, "verification_request.file_number")
	if reflect.DeepEqual(original, sent) {
		t.Errorf("masked value %v equals the original value %v", sent, original)
	}
	originalMatches, _ := Values(&m, "verification_request.matches")
	sentMatches, _ := Values(&shared, "verification_request.matches")
	if !reflect.DeepEqual(originalMatches, sentMatches) {
		t.Errorf("unmasked matches changed: %v, want %v", sentMatches, originalMatches)
	}
}

func TestValuesInvalidPath(t *testing.T) {
	m := valuesMessage()
	if _, err := Values(&m, "verification_request.nope"); err == nil {
		t.Error("Values accepted a member the model does not have")
	}
}
