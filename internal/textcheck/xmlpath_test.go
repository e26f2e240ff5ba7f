package textcheck

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/beevik/etree"

	"github.com/sangam-hub/sangam/internal/xmlsafe"
)

// TestXMLPathsMatchXMLSafe checks that the path of a character in each
// element with text of real agency documents is the one the XML
// adapters give that element.
func TestXMLPathsMatchXMLSafe(t *testing.T) {
	for _, file := range []string{
		"../../adapters/courts/testdata/kochi_chargesheet.xml",
		"../../adapters/prisons/testdata/booking_report.xml",
	} {
		body, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := xmlsafe.Parse(body, xmlsafe.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		checked, ordinals := 0, 0
		var walk func(e *etree.Element)
		walk = func(e *etree.Element) {
			for _, c := range e.ChildElements() {
				walk(c)
			}
			if len(e.ChildElements()) > 0 || strings.TrimSpace(e.Text()) == "" {
				return
			}
			e.SetText(e.Text() + "\uFDD0")
			defer e.SetText(strings.TrimSuffix(e.Text(), "\uFDD0"))
			changed, err := doc.WriteToBytes()
			if err != nil {
				t.Fatal(err)
			}
			vs := Check(changed, "application/xml")
			checked++
			if len(vs) != 1 {
				t.Errorf("%s: %d violations for a noncharacter in %s, want 1: %v",
					file, len(vs), xmlsafe.Pointer(e), vs)
				return
			}
			if strings.Contains(vs[0].Pointer, "[") {
				ordinals++
			}
			if want := xmlsafe.Pointer(e); vs[0].Pointer != want {
				t.Errorf("%s: pointer %q, want %q", file, vs[0].Pointer, want)
			}
		}
		walk(doc.Root())
		if checked < 10 || ordinals == 0 || bytes.Contains(body, []byte("\uFDD0")) {
			t.Errorf("%s: checked %d elements, %d with an ordinal; want at least 10 and 1",
				file, checked, ordinals)
		}
	}
}
