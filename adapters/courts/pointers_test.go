package courts

import (
	"bytes"
	"testing"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/schemas"
)

// TestBodyPointerCallbackCase puts a callback's case in an appellate
// case element: the pointers of its CNR and FIR name that element, as
// the decoder's violations of the same fields do.
func TestBodyPointerCallbackCase(t *testing.T) {
	body := readTestdata(t, "kochi_callback.xml")
	body = bytes.Replace(body, []byte("<criminal:CriminalCase>"),
		[]byte(`<appellate:AppellateCase xmlns:appellate="`+nsAppellate+`">`), 1)
	body = bytes.Replace(body, []byte("</criminal:CriminalCase>"), []byte("</appellate:AppellateCase>"), 1)
	decoded, err := (&Adapter{}).Decode(body, ContentType)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	m := &decoded.Messages[0]
	doc := adapters.Document{Body: body, ContentType: ContentType}

	for pointer, c := range map[string]struct{ from, to, rule string }{
		"/court_registration/cnr":         {"KLER010001232024", "KLER01000123202X", "cnr"},
		"/court_registration/fir/number":  {"FIR/KL/EKM/1234/2024/123", "FIR/KL/EKM/1234/2024/0", "fir_key"},
		"/court_registration/fir/station": {"FIR/KL/EKM/1234/2024/123", "FIR/KL/EKM/1234/2024/0", "fir_key"},
	} {
		broken := bytes.Replace(body, []byte(c.from), []byte(c.to), 1)
		_, err := (&Adapter{}).Decode(broken, ContentType)
		want := ""
		for _, v := range schemas.Violations(err) {
			if v.Rule == c.rule {
				want = v.Pointer
			}
		}
		if want == "" {
			t.Fatalf("%s: Decode: %v, want a %s violation", pointer, err, c.rule)
		}
		if got, ok := (&Adapter{}).BodyPointer(doc, m, pointer); got != want || !ok {
			t.Errorf("BodyPointer(%s) = %q, %v; want %q", pointer, got, ok, want)
		}
	}
}

// TestBodyPointerOrderFields places an order's directions at its
// nc:ActivityDescriptionText and the prisoner's names, aliases and
// identifiers at the person element, inline or referred to.
func TestBodyPointerOrderFields(t *testing.T) {
	cases := []struct {
		file, pointer, want string
	}{
		{"order_production_warrant.xml", "/court_order/directions",
			"/CourtOrderReport/Warrant/ActivityDescriptionText"},
		{"order_production_warrant.xml", "/court_order/prisoner/person/names",
			"/CourtOrderReport/Warrant/CourtOrderDesignatedSubject/RoleOfPerson"},
		{"order_production_warrant.xml", "/court_order/prisoner/person/identifiers",
			"/CourtOrderReport/Warrant/CourtOrderDesignatedSubject/RoleOfPerson"},
		{"order_remand_warrant.xml", "/court_order/prisoner/person/aliases", "/CourtOrderReport/Person"},
	}
	for _, c := range cases {
		body := readTestdata(t, c.file)
		decoded, err := orderAdapter().Decode(body, ContentType)
		if err != nil {
			t.Fatalf("Decode %s: %v", c.file, err)
		}
		doc := adapters.Document{Body: body, ContentType: ContentType}
		got, ok := (&Adapter{}).BodyPointer(doc, &decoded.Messages[0], c.pointer)
		if !ok {
			t.Errorf("%s: BodyPointer(%s) found no element", c.file, c.pointer)
		}
		if got != c.want {
			t.Errorf("%s: BodyPointer(%s) = %q, want %q", c.file, c.pointer, got, c.want)
		}
	}
}
