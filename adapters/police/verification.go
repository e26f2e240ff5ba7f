package police

import (
	"fmt"
	"strings"

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
// the message's correlation id.
func (a *Adapter) verificationReport(body []byte) (canonical.Message, []schemas.Violation) {
	p, err := passport.New(passport.Config{
		AadhaarKey: a.cfg.AadhaarKey, Now: a.cfg.Now, ClockSkew: a.cfg.ClockSkew,
	})
	if err != nil {
		return canonical.Message{}, []schemas.Violation{{Rule: "config", Message: err.Error()}}
	}
	d, err := p.Decode(body, ContentType)
	if vs := schemas.Violations(err); vs != nil {
		return canonical.Message{}, vs
	}
	if err != nil {
		return canonical.Message{}, []schemas.Violation{{Rule: "json",
			Message: fmt.Sprintf("decoding verification report: %v", err)}}
	}
	return d.Messages[0], nil
}

// BodyPointer returns the pointer, in the station's document that m was
// decoded from, of the canonical field at pointer. It implements
// adapters.BodyPointers for a verification report's fields and for the
// FIR that an FIR, arrest memo or final report names, which every police
// document has as its fir object. Other fields are not mapped.
func (a *Adapter) BodyPointer(m *canonical.Message, pointer string) (string, bool) {
	if m.Type == canonical.TypeVerificationReport {
		return passport.BodyPointer(m, pointer)
	}
	prefix, ok := firRefPointers[m.Type]
	if !ok {
		return "", false
	}
	if rest, ok := strings.CutPrefix(pointer, prefix); ok && (rest == "" || rest[0] == '/') {
		return "/fir" + rest, true
	}
	return "", false
}

// firRefPointers maps each type of a police document with an FIR to the
// pointer of the FIR's canonical.FIRRef in the canonical message.
var firRefPointers = map[canonical.Type]string{
	canonical.TypeFIR:         "/fir/ref",
	canonical.TypeArrest:      "/arrest/fir",
	canonical.TypeChargesheet: "/chargesheet/fir",
}
