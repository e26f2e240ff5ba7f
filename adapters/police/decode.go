package police

import (
	"fmt"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

// documentSchema is the schema of every document a station sends.
const documentSchema = "police/document.json"

// Decode turns one police document into one canonical message. It reads
// the documents a police station sends, as document_type names them:
// FIRs, arrest memos and final reports. A court registration
// notification is rejected: only the hub sends those, to stations.
//
// A UTF-8 byte order mark before the document is skipped. Input that is
// not one JSON object returns an error wrapping adapters.ErrMalformed
// that gives the byte offset. Otherwise the document is checked in three
// passes. A token scan rejects repeated keys and oversized lists and
// strings. The police schema follows. Last come the rules a schema
// cannot express: acts and their IPC and BNS sections, the code in force
// when the offence occurred, state codes, dates in the future or out of
// order, and Aadhaar numbers. Every violation found is returned at once,
// each with a JSON pointer into body, up to schemas.MaxViolations.
//
// An Aadhaar number never leaves Decode in clear. In an identifier of
// type aadhaar it must be valid, and is replaced by its masked form and
// token. Anywhere else in a string value, a number that passes the
// Aadhaar check is replaced by its masked form, except in the fields
// that identify the message, its FIR and a report's passport file.
// Decoded.Journal is the body with the same replacements and without a
// byte order mark. It is set even on a validation error, and nil when
// the body needed no change.
func (a *Adapter) Decode(body []byte, contentType string) (adapters.Decoded, error) {
	if err := jsondoc.CheckContentType(contentType); err != nil {
		return adapters.Decoded{}, fmt.Errorf("decoding police document: %w", err)
	}
	body, hadBOM := jsondoc.CutBOM(body)
	scan, err := scanDocument(body, a.cfg.AadhaarKey)
	if err != nil {
		return adapters.Decoded{}, fmt.Errorf("decoding police document: %w: %v",
			adapters.ErrMalformed, err)
	}

	d := adapters.Decoded{Journal: apply(body, scan.text, scan.identifiers)}
	if scan.stopped {
		// The scan left the rest of the body unread, so text masking
		// covers it.
		scanned := d.Journal
		if scanned == nil {
			scanned = body
		}
		if masked, ok := canonical.MaskAadhaarInBody(scanned); ok {
			d.Journal = masked
		}
	}
	if d.Journal == nil && hadBOM {
		d.Journal = body
	}
	if len(scan.violations) > 0 {
		return d, fmt.Errorf("decoding police document: %w",
			schemas.Invalid(jsondoc.WithNumbers(scan.violations, scan.numbers)...))
	}
	if masked := apply(body, scan.text); masked != nil {
		body = masked
	}
	m, violations := a.decodeDocument(body, scan.members)
	violations = jsondoc.WithNumbers(violations, scan.numbers)
	if len(violations) > 0 {
		return d, fmt.Errorf("decoding police document: %w", schemas.Invalid(violations...))
	}
	d.Messages = []canonical.Message{m}
	return d, nil
}

// stationTypes lists the document types a station sends: those of kinds
// and the verification report, which Decode reads apart.
var stationTypes = docFIR + ", " + docArrest + ", " + docFinalReport + " or " + docVerificationReport

// kinds maps each document type a station sends, except the
// verification report, to the code that reads it.
var kinds = map[string]jsondoc.Kind[*checker]{
	docFIR:         jsondoc.As((*checker).fir),
	docArrest:      jsondoc.As((*checker).arrest),
	docFinalReport: jsondoc.As((*checker).finalReport),
}

// decodeDocument validates body, whose own members are named members,
// against the police schema, then maps it to canonical form with the
// semantic checks, and rejects the members that only the hub sets (see
// checkHubFields). The message is only meaningful when there are no
// violations.
func (a *Adapter) decodeDocument(body []byte, members []string) (canonical.Message, []schemas.Violation) {
	env := jsondoc.ReadEnvelope(body)
	m, violations := a.decodeAs(env, body)
	if hubSet := checkHubFields(env.DocumentType, members); len(hubSet) > 0 {
		violations = jsondoc.Merge(hubSet, violations)
	}
	return m, violations
}

// decodeAs decodes body as the document type of its envelope env.
func (a *Adapter) decodeAs(env jsondoc.Envelope, body []byte) (canonical.Message, []schemas.Violation) {
	if env.DocumentType == docCourtRegistration {
		return canonical.Message{}, []schemas.Violation{{
			Pointer: "/document_type", Rule: "enum",
			Message: "a court_registration is sent by the hub to police stations, never " +
				"accepted from them: send " + stationTypes,
		}}
	}
	if env.DocumentType == docVerificationReport {
		return a.verificationReport(env, body)
	}
	if _, ok := kinds[env.DocumentType]; !ok && env.DocumentType != "" {
		// The schema's enum would list only the types it validates,
		// without the verification report read above.
		return canonical.Message{}, []schemas.Violation{{
			Pointer: "/document_type", Rule: "enum",
			Message: fmt.Sprintf("document_type %s is not one a station sends: send %s",
				canonical.QuoteMasked(env.DocumentType), stationTypes),
		}}
	}
	schemaViolations, err := jsondoc.ValidateSchema(documentSchema, body)
	if err != nil {
		return canonical.Message{}, []schemas.Violation{{Rule: "schema", Message: err.Error()}}
	}

	kind, ok := kinds[env.DocumentType]
	if !ok {
		return canonical.Message{}, schemaViolations // The schema rejects the document type.
	}
	c := newChecker(a.cfg)
	m, _ := kind(c, body, schemaViolations)
	violations := jsondoc.Replace(jsondoc.Merge(schemaViolations, c.Violations), c.Preferred)
	for i, v := range violations {
		if reason, ok := notAllowedReasons[v.Pointer]; ok && v.Rule == schemas.RuleNotAllowed {
			violations[i].Message = reason
		}
	}
	return m, violations
}

// notAllowedReasons gives the message of a field that another field of
// its document rules out, by the field's pointer, where the schema's
// "field not allowed here" would not say why.
var notAllowedReasons = map[string]string{
	"/supplementary_number": "an original report has no supplementary number: remove it, " +
		"or send the report with report_type supplementary",
	"/relative_informed/name": "a relative is named only when informed: remove the name, " +
		"or set informed to true",
}
