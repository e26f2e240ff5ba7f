package police

import (
	"fmt"
	"strings"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
	"github.com/sangam-hub/sangam/adapters/passport"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

// docVerificationReport is a station's report on a passport verification
// request.
const docVerificationReport = "verification_report"

// verificationReport decodes a station's verification report. A station
// reports in the passport office's own document (schemas/passport,
// verification_report), so the passport adapter, configured as this one
// is, reads it with the same rules. The station's in_reply_to becomes
// the message's correlation id. Its message_id and in_reply_to must
// also pass jsondoc.CheckStationIDs, because the passport schema allows
// spaces in ids, which a station's other documents do not. A violation
// of those replaces the passport adapter's of the same rule at its
// pointer, and is listed beside any other there, such as maxLength.
func (a *Adapter) verificationReport(env jsondoc.Envelope, body []byte) (canonical.Message, []schemas.Violation) {
	p, err := passport.New(passport.Config{
		AadhaarKey: a.cfg.AadhaarKey, Now: a.cfg.Now, ClockSkew: a.cfg.ClockSkew,
	})
	if err != nil {
		return canonical.Message{}, []schemas.Violation{{Rule: "config", Message: err.Error()}}
	}
	d, err := p.Decode(body, ContentType)
	ids := jsondoc.CheckStationIDs(env)
	if vs := schemas.Violations(err); vs != nil {
		return canonical.Message{}, jsondoc.Replace(vs, ids)
	}
	if err != nil {
		return canonical.Message{}, []schemas.Violation{{Rule: "json",
			Message: fmt.Sprintf("decoding verification report: %v", err)}}
	}
	if len(ids) > 0 {
		return canonical.Message{}, ids
	}
	return d.Messages[0], nil
}

// BodyPointer returns the pointer, in the station's document that m was
// decoded from, of the canonical field at pointer. It implements
// adapters.BodyPointers for a verification report's fields, for the
// message type, and for the fields of an FIR, arrest memo or final
// report that the document holds whole under another pointer, such as
// the FIR that every police document has as its fir object. Other
// fields, such as people and charges, are not mapped.
func (a *Adapter) BodyPointer(_ adapters.Document, m *canonical.Message, pointer string) (string, bool) {
	if pointer == "/type" {
		return "/document_type", true
	}
	if m.Type == canonical.TypeVerificationReport {
		return passport.BodyPointer(m, pointer)
	}
	for _, f := range documentFields[m.Type] {
		if rest, ok := strings.CutPrefix(pointer, f.canonical); ok && (rest == "" || rest[0] == '/') {
			return f.document + rest, true
		}
	}
	return "", false
}

// fieldPointers pairs the pointer of a canonical field with the pointer
// of the document member that holds the same value.
type fieldPointers struct{ canonical, document string }

// documentFields lists, for each type of a police document with an FIR,
// the canonical fields that its document holds whole.
var documentFields = map[canonical.Type][]fieldPointers{
	canonical.TypeFIR: {
		{"/fir/ref", "/fir"},
		{"/fir/registered_at", "/registered_at"},
		{"/fir/general_diary_ref", "/information_received/general_diary_ref"},
		{"/fir/delay_reason", "/delay_reason"},
		{"/fir/first_information", "/first_information"},
		{"/fir/action_taken", "/action_taken"},
	},
	canonical.TypeArrest: {
		{"/arrest/fir", "/fir"},
		{"/arrest/at", "/arrested_at"},
		{"/arrest/place", "/place"},
		{"/arrest/relative_informed", "/relative_informed/name"},
	},
	canonical.TypeChargesheet: {
		{"/chargesheet/fir", "/fir"},
		{"/chargesheet/title", "/case_title"},
		{"/chargesheet/report_number", "/report_number"},
		{"/chargesheet/supplementary", "/supplementary_number"},
		{"/chargesheet/filed_on", "/report_date"},
		{"/chargesheet/lab_results", "/lab_results"},
		{"/chargesheet/brief_facts", "/brief_facts"},
	},
}
