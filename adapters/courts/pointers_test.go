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
