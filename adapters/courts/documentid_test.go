package courts

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/xmlsafe"
	"github.com/sangam-hub/sangam/schemas"
)

func TestDecodeRejectsUnprintableDocumentIDs(t *testing.T) {
	const (
		callbackID = "/RecordDocketingCallbackMessage/DocumentIdentification[1]/IdentificationID"
		filingID   = "/RecordDocketingCallbackMessage/DocumentIdentification[2]/IdentificationID"
		reportID   = "/CoreFilingMessage/DocumentIdentification/IdentificationID"
		orderID    = "/CourtOrderReport/DocumentIdentification/IdentificationID"
	)
	cases := []struct {
		name, file, old, new, pointer string
	}{
		{"callback id with a zero-width space", "kochi_callback.xml", "KLER01-CB-000123",
			"KLER01-CB-\u200b000123", callbackID},
		{"callback id with an inner space", "kochi_callback.xml", "KLER01-CB-000123",
			"KLER01-CB 000123", callbackID},
		{"filing id with a direction override", "kochi_callback.xml",
			"<nc:IdentificationID>01J6ZK8Q5V3S7T9X1Y4B6N8M0A",
			"<nc:IdentificationID>01J6ZK8Q5V3S7T9\u202eX1Y4B6N8M0A", filingID},
		{"report id with a tab", "kochi_chargesheet.xml", "<nc:IdentificationID>01J6ZK8Q5V3S7T9X1Y4B6N8M0A",
			"<nc:IdentificationID>01J6ZK8Q5V3S7T9\tX1Y4B6N8M0A", reportID},
		{"order id with a zero-width space", "order_remand_warrant.xml", "KLER12-ORD-2023-000902",
			"KLER12-ORD-\u200b2023-000902", orderID},
		{"order id with a direction override", "order_remand_warrant.xml", "KLER12-ORD-2023-000902",
			"KLER12-ORD-2023-\u202e000902", orderID},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := clockedAdapter().Decode(replaced(t, c.file, c.old, c.new), ContentType)
			vs := schemas.Violations(err)
			if !hasViolation(vs, c.pointer, RulePattern) {
				t.Fatalf("Decode error = %v, want a %s violation at %s", err, RulePattern, c.pointer)
			}
			for _, v := range vs {
				if v.Pointer == c.pointer && !strings.Contains(v.Message, "printable ASCII characters without spaces") {
					t.Errorf("message %q does not say what an id may contain", v.Message)
				}
			}
		})
	}
}

func TestDecodeAcceptsPrintableDocumentIDs(t *testing.T) {
	for _, file := range []string{"kochi_callback.xml", "kochi_chargesheet.xml", "order_remand_warrant.xml"} {
		if _, err := clockedAdapter().Decode(readTestdata(t, file), ContentType); err != nil {
			t.Errorf("%s: Decode: %v", file, err)
		}
	}
}

// TestDocumentIDPatternMatchesPolice keeps the courts' document ids in
// the format of a police document's message_id.
func TestDocumentIDPatternMatchesPolice(t *testing.T) {
	src, err := schemas.Source("police/common.json")
	if err != nil {
		t.Fatal(err)
	}
	var common struct {
		Defs struct {
			MessageID struct {
				Pattern string `json:"pattern"`
			} `json:"message_id"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(src, &common); err != nil {
		t.Fatal(err)
	}
	if got := xmlsafe.DocumentIDPattern.String(); got != common.Defs.MessageID.Pattern {
		t.Errorf("xmlsafe.DocumentIDPattern %q, want police $defs/message_id pattern %q", got, common.Defs.MessageID.Pattern)
	}
}

func TestCallbackRejectsAadhaarLikeNationalID(t *testing.T) {
	const pointer = "/RecordDocketingCallbackMessage/CriminalCase/CaseAugmentation/CaseLineageCase/" +
		"ActivityIdentification/IdentificationID"
	for _, id := range []string{"491873625403", "4918 7362 5403", "4918-7362-5403",
		"KL/4918/7362/5403", "32/491873625403", "491873625403/2025", "KL4918-7362-5403"} {
		body := replaced(t, "kochi_callback.xml", "KL-EKM-1234-2024-000123", id)
		_, err := clockedAdapter().Decode(body, ContentType)
		vs := schemas.Violations(err)
		if !hasViolation(vs, pointer, canonical.RuleAadhaarLike) {
			t.Errorf("national id %q: Decode error = %v, want %s at %s", id, err, canonical.RuleAadhaarLike, pointer)
		}
		for _, v := range vs {
			if strings.Contains(v.Message, "7362") {
				t.Errorf("national id %q: message %q repeats the number in clear", id, v.Message)
			}
		}
	}
}

func TestDocumentIDErrorEscapesInvisible(t *testing.T) {
	const pointer = "/RecordDocketingCallbackMessage/DocumentIdentification[1]/IdentificationID"
	for _, c := range []struct{ id, escaped string }{
		{"KLER01-CB-000123\ufe0f", `\ufe0f`},
		{"KLER01-CB-\u2800000123", `\u2800`},
	} {
		body := replaced(t, "kochi_callback.xml", "KLER01-CB-000123", c.id)
		_, err := clockedAdapter().Decode(body, ContentType)
		vs := schemas.Violations(err)
		if !hasViolation(vs, pointer, RulePattern) {
			t.Errorf("id %+q: Decode error = %v, want %s at %s", c.id, err, RulePattern, pointer)
		}
		for _, v := range vs {
			if v.Pointer == pointer && !strings.Contains(v.Message, c.escaped) {
				t.Errorf("id %+q: message %q lacks %s", c.id, v.Message, c.escaped)
			}
		}
	}
}
