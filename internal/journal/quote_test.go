package journal_test

import (
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/journal"
)

func TestQuoteIDEscapesHiddenCharacters(t *testing.T) {
	for id, want := range map[string]string{
		"EKM0412-FIR-1":     `"EKM0412-FIR-1"`,
		"FIR-1\u202e2":      `"FIR-1\u202e2"`,
		"FIR\u200b-1":       `"FIR\u200b-1"`,
		"FIR-1\n":           `"FIR-1\n"`,
		`FIR "1" of 2025`:   `"FIR \"1\" of 2025"`,
		"कैदी-12":           `"\u0915\u0948\u0926\u0940-12"`,
		"MV 3876 5432 1095": `"MV XXXXXXXX1095"`,
	} {
		if got := journal.QuoteID(id); got != want {
			t.Errorf("QuoteID(%q) = %s, want %s", id, got, want)
		}
	}
}

// TestQuoteIDMasksAadhaarBeforeEscaping quotes ids that hold an Aadhaar
// number in other scripts or with separators that the quoting escapes:
// the result holds the masked number, and the text masking of error
// responses finds nothing more to mask in it.
func TestQuoteIDMasksAadhaarBeforeEscaping(t *testing.T) {
	for _, id := range []string{
		"MV-३८७६ ५४३२ १०९५",
		"MV-3876\u00a05432\u00a01095",
		"MV-3876\u200b5432\u200b1095",
		"MV-٣٨٧٦٥٤٣٢١٠٩٥",
	} {
		got := journal.QuoteID(id)
		if !strings.Contains(got, "XXXXXXXX1095") {
			t.Errorf("QuoteID(%q) = %s, want the number masked", id, got)
		}
		if masked, ok := canonical.MaskAadhaarInText(got); ok {
			t.Errorf("QuoteID(%q) = %s, which text masking still changes to %s", id, got, masked)
		}
	}
}
