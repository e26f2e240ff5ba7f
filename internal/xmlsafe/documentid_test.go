package xmlsafe

import (
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/canonical"
)

// TestCheckDocumentIDMasksAadhaar checks an id with an Aadhaar number
// that zero-width spaces split. The error escapes them, which text
// masking does not read, so the number must be masked before quoting.
func TestCheckDocumentIDMasksAadhaar(t *testing.T) {
	err := CheckDocumentID("PVR-4918\u200b7362\u200b5403")
	if err == nil {
		t.Fatal("CheckDocumentID = nil, want an error")
	}
	shown, _ := canonical.MaskAadhaarInText(err.Error())
	if !strings.Contains(shown, "XXXXXXXX5403") {
		t.Errorf("error %q, want the number masked", shown)
	}
	if strings.Contains(shown, "7362") {
		t.Errorf("error %q shows digits of the number", shown)
	}
}
