package passport

import (
	"errors"
	"fmt"
	"time"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
	"github.com/sangam-hub/sangam/adapters/passport/mrz"
	"github.com/sangam-hub/sangam/canonical"
)

// Encode turns a verification request into the request a police station
// receives, or a verification report into the report the passport office
// receives. The document is validated against the passport schema before
// it is returned.
//
// message_id is the message's SenderMessageID, the original sender's id.
// hub_message_id carries the hub's id, which a station's report repeats
// in in_reply_to. When the hub linked a report to its request, the
// report's in_reply_to is the passport office's own id of that request.
// sent_at is the original sender's time (see jsondoc.NewEnvelope). The
// old passport's machine-readable zone is written back as lines with
// fresh check digits. A check digit over a masked Aadhaar number is
// written as '<' (see mrz.Document.Lines).
func (a *Adapter) Encode(m *canonical.Message) (adapters.Encoded, error) {
	var doc any
	var err error
	switch m.Type {
	case canonical.TypeVerificationRequest:
		if err = m.CheckBody(); err == nil {
			doc, err = requestDocument(m)
		}
	case canonical.TypeVerificationReport:
		if err = m.CheckBody(); err == nil {
			doc = reportDocument(m)
		}
	default:
		return adapters.Encoded{}, fmt.Errorf("encoding passport document: %w: %q",
			adapters.ErrUnsupported, m.Type)
	}
	if err != nil {
		return adapters.Encoded{}, fmt.Errorf("encoding passport %s: %w", m.Type, err)
	}

	body, err := jsondoc.Marshal(doc, documentSchema)
	if err != nil {
		return adapters.Encoded{}, fmt.Errorf("encoding passport %s: %w", m.Type, err)
	}
	return adapters.Encoded{Body: body, ContentType: ContentType}, nil
}

func requestDocument(m *canonical.Message) (*requestDoc, error) {
	r := m.VerificationRequest
	doc := &requestDoc{
		Envelope:       jsondoc.NewEnvelope(m, docRequest),
		FileNumber:     r.FileNumber,
		Kind:           string(r.Kind),
		RequestedAt:    canonical.FormatTime(m.OccurredAt),
		DueOn:          r.DueOn,
		Applicant:      applicantDocument(r.Applicant),
		PoliceStation:  r.PoliceStation,
		DistrictOffice: r.DistrictOffice,
		HeldBy:         r.HeldBy,
		Escalated:      r.Escalated,
	}
	if r.OldPassport != nil {
		lines, err := mrzLines(*r.OldPassport)
		if err != nil {
			return nil, err
		}
		doc.OldPassport = &oldPassport{MRZ: lines}
	}
	for _, mt := range r.Matches {
		doc.Matches = append(doc.Matches, match{
			Case: jsondoc.CaseRefOf(mt.Case), MatchedBy: mt.MatchedBy,
		})
	}
	return doc, nil
}

// applicantDocument writes the applicant. The first present and the first
// permanent address fill their fields; addresses of other kinds have no
// place in the request.
func applicantDocument(p canonical.Person) applicant {
	out := applicant{
		Names: jsondoc.NamesOf(p.Names), Aliases: jsondoc.NamesOf(p.Aliases),
		Sex: string(p.Sex), DateOfBirth: p.DateOfBirth,
		Nationality: p.Nationality, Occupation: p.Occupation,
		Relatives: jsondoc.RelativesOf(p.Relatives),
	}
	for _, id := range p.Identifiers {
		out.Identifiers = append(out.Identifiers, jsondoc.IdentifierOf(id))
	}
	var present, permanent bool
	for _, a := range p.Addresses {
		switch {
		case a.Kind == "present" && !present:
			out.PresentAddress, present = addressDocument(a), true
		case a.Kind == "permanent" && !permanent:
			out.PermanentAddress, permanent = addressDocument(a), true
		}
	}
	return out
}

func addressDocument(a canonical.Address) address {
	return address{
		Line: a.Line, Locality: a.Locality, City: a.City, District: a.District,
		State: a.State, PIN: a.PIN, Country: a.Country,
	}
}

// mrzLines writes the zone of a parsed old passport back as its lines.
func mrzLines(z canonical.MRZ) ([]string, error) {
	birth, err1 := time.Parse(time.DateOnly, z.DateOfBirth)
	expiry, err2 := time.Parse(time.DateOnly, z.ExpiresOn)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("old passport: %w", err)
	}
	d := mrz.Document{
		Format: mrz.Format(z.Format), DocumentCode: z.DocumentCode, IssuingState: z.IssuingState,
		DocumentNumber: z.DocumentNumber, Nationality: z.Nationality, DateOfBirth: birth,
		ExpiresOn: expiry, Sex: z.Sex, PrimaryIdentifier: z.PrimaryIdentifier,
		SecondaryIdentifier: z.SecondaryIdentifier, OptionalData: z.OptionalData,
		OptionalData2: z.OptionalData2,
	}
	lines, err := d.Lines()
	if err != nil {
		return nil, fmt.Errorf("old passport: %w", err)
	}
	return lines, nil
}

func reportDocument(m *canonical.Message) *reportDoc {
	r := m.VerificationReport
	reported := m.OccurredAt
	if reported.IsZero() {
		reported, _ = time.ParseInLocation(time.DateOnly, r.ReportedOn, jsondoc.IST)
	}
	doc := &reportDoc{
		Envelope:      jsondoc.NewEnvelope(m, docReport),
		FileNumber:    r.FileNumber,
		Outcome:       string(r.Outcome),
		Reason:        r.Reason,
		PoliceStation: r.PoliceStation,
		Officer:       jsondoc.OfficerOf(r.Officer),
		ReportedAt:    canonical.FormatTime(reported),
		Late:          r.Late,
	}
	// The passport office matches a report with its request by the id
	// it gave the request. A report journaled without that id keeps the
	// hub's id of the request, its correlation id.
	if r.RequestSenderMessageID != "" {
		doc.InReplyTo = r.RequestSenderMessageID
	}
	for _, c := range r.Cases {
		doc.Cases = append(doc.Cases, jsondoc.CaseRefOf(c))
	}
	return doc
}
