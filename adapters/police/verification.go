package police

import (
	"fmt"

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

// BodyPointer returns the pointer, in a station's verification report,
// of the report's canonical field at pointer. It implements
// adapters.BodyPointers for reports; the station's other documents are
// not mapped.
func (a *Adapter) BodyPointer(m *canonical.Message, pointer string) (string, bool) {
	if m.Type != canonical.TypeVerificationReport {
		return "", false
	}
	return passport.BodyPointer(m, pointer)
}
