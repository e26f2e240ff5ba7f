package passport

import (
	"errors"
	"strings"
	"time"

	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
	"github.com/sangam-hub/sangam/adapters/passport/mrz"
	"github.com/sangam-hub/sangam/canonical"
)

// request maps a verification request. Its message occurred when the
// passport office raised it, and its case is the passport file.
func (c *checker) request(doc *requestDoc) canonical.Message {
	sent := c.DateTime("/sent_at", doc.SentAt)
	requested := c.DateTime("/requested_at", doc.RequestedAt)
	c.SentNotBefore(sent, "/requested_at", requested)
	due := c.Date("/due_on", doc.DueOn, false)
	if !requested.IsZero() && !due.IsZero() {
		day := requested.In(jsondoc.IST).Format(time.DateOnly)
		latest := requested.In(jsondoc.IST).AddDate(0, 0, MaxDueDays).Format(time.DateOnly)
		switch {
		case doc.DueOn < day:
			c.Add("/due_on", jsondoc.RuleChronology,
				"due date %s is before the request's date, %s (IST)", doc.DueOn, day)
		case doc.DueOn > latest:
			c.Add("/due_on", ruleDueRange,
				"due date %s is more than %d days after the request's date, %s (IST): "+
					"give a date no later than %s", doc.DueOn, MaxDueDays, day, latest)
		}
	}

	req := &canonical.VerificationRequest{
		FileNumber:     doc.FileNumber,
		Kind:           canonical.VerificationKind(doc.Kind),
		Applicant:      c.applicant(&doc.Applicant, requested),
		DueOn:          doc.DueOn,
		PoliceStation:  doc.PoliceStation,
		DistrictOffice: doc.DistrictOffice,
		HeldBy:         doc.HeldBy,
		Escalated:      doc.Escalated,
	}
	switch {
	case doc.OldPassport != nil && doc.Kind == string(canonical.VerificationFresh):
		c.Add("/old_passport", ruleFresh, "a fresh application has no old passport: "+
			"set kind to reissue or leave out old_passport")
	case doc.OldPassport != nil:
		req.OldPassport = c.oldPassport(doc.OldPassport, &req.Applicant)
	}
	for _, mt := range doc.Matches {
		req.Matches = append(req.Matches, canonical.CaseMatch{
			Case: mt.Case.Canonical(), MatchedBy: mt.MatchedBy,
		})
	}

	c.mapped = req
	m := jsondoc.NewMessage(doc.Envelope, sent, canonical.TypeVerificationRequest, req.CaseKey())
	m.OccurredAt = requested
	m.VerificationRequest = req
	return m
}

// applicant maps the applicant, with the present and permanent addresses
// as canonical addresses of those kinds. requested is the time of the
// request, which the date of birth may not be after, or zero when it is
// unknown.
func (c *checker) applicant(a *applicant, requested time.Time) canonical.Person {
	const at = "/applicant"
	p := canonical.Person{
		Names:       c.Names(jsondoc.Pointer(at, "names"), a.Names),
		Sex:         canonical.Sex(a.Sex),
		DateOfBirth: a.DateOfBirth,
		Nationality: a.Nationality,
		Occupation:  a.Occupation,
		Addresses: []canonical.Address{
			canonicalAddress("present", a.PresentAddress),
			canonicalAddress("permanent", a.PermanentAddress),
		},
	}
	if len(a.Aliases) > 0 {
		p.Aliases = c.Names(jsondoc.Pointer(at, "aliases"), a.Aliases)
	}
	// As in police and prison documents, the date of birth lies from 1900
	// to the day of the request (requested_at) in IST.
	c.BirthDate(jsondoc.Pointer(at, "date_of_birth"), a.DateOfBirth, jsondoc.DayIn(requested),
		"the request's date (requested_at)")
	p.Relatives = c.Relatives(jsondoc.Pointer(at, "relatives"), a.Relatives)
	for i := range a.Identifiers {
		id := c.Identifier(jsondoc.Pointer(at, "identifiers", i), &a.Identifiers[i])
		p.Identifiers = append(p.Identifiers, id)
	}
	return p
}

func canonicalAddress(kind string, a address) canonical.Address {
	return canonical.Address{
		Kind: kind, Line: a.Line, Locality: a.Locality, City: a.City,
		District: a.District, State: a.State, PIN: a.PIN, Country: a.Country,
	}
}

// mrzPointer is the pointer of every violation in the machine readable
// zone. The message names the line and position.
const mrzPointer = "/old_passport/mrz"

// oldPassport parses the old passport's machine readable zone and
// compares it with the applicant (see compareMRZ). An Aadhaar number in
// the optional data is masked, in the canonical zone and in old's lines.
func (c *checker) oldPassport(old *oldPassport, applicant *canonical.Person) *canonical.MRZ {
	d, err := mrz.Parse(old.MRZ, c.Config.Now())
	var problems mrz.Errors
	if errors.As(err, &problems) {
		for _, p := range problems {
			c.Add(mrzPointer, mrzRule(p.Err), "%v", p)
		}
		return nil
	}
	if err != nil {
		c.Add(mrzPointer, ruleMRZFormat, "%v", err)
		return nil
	}

	out := canonicalMRZ(d)
	c.maskOptionalData(old, out)
	c.compareMRZ(out, applicant)
	return out
}

// maskOptionalData masks an Aadhaar number in the optional data of the
// zone z and of its lines in old, where the check digits over it become
// '<' (see mrz.MaskOptionalData). Masking sets c.Masked, so that the
// journal keeps the lines masked.
func (c *checker) maskOptionalData(old *oldPassport, z *canonical.MRZ) {
	lines, masked, err := mrz.MaskOptionalData(old.MRZ, maskZoneText)
	if err != nil {
		// A masked number is never longer than the number, so this is a
		// fault of the hub's. The request is rejected rather than
		// journaled with the number in clear.
		c.Add(mrzPointer, ruleMRZFormat, "masking the Aadhaar number in the optional data failed: %v", err)
		return
	}
	if !masked {
		return
	}
	old.MRZ = lines
	c.Masked = true
	z.OptionalData, _ = maskZoneText(z.OptionalData)
	z.OptionalData2, _ = maskZoneText(z.OptionalData2)
}

// maskZoneText masks the Aadhaar numbers in s, text of a machine
// readable zone, as canonical.MaskAadhaarInText masks them in text. The
// zone writes '<' where text has a space, so a number written in groups,
// such as 5863<0172<9436, is found as 5863 0172 9436 would be.
func maskZoneText(s string) (string, bool) {
	masked, ok := canonical.MaskAadhaarInText(strings.ReplaceAll(s, "<", " "))
	if !ok {
		return s, false
	}
	return strings.ReplaceAll(masked, " ", "<"), true
}

func mrzRule(err error) string {
	switch {
	case errors.Is(err, mrz.ErrCheckDigit):
		return ruleCheckDigit
	case errors.Is(err, mrz.ErrDate):
		return ruleMRZDate
	}
	return ruleMRZFormat
}

func canonicalMRZ(d mrz.Document) *canonical.MRZ {
	return &canonical.MRZ{
		Format: string(d.Format), DocumentCode: d.DocumentCode, IssuingState: d.IssuingState,
		DocumentNumber: d.DocumentNumber, Nationality: d.Nationality,
		DateOfBirth: d.DateOfBirth.Format(time.DateOnly), Sex: d.Sex,
		ExpiresOn:         d.ExpiresOn.Format(time.DateOnly),
		PrimaryIdentifier: d.PrimaryIdentifier, SecondaryIdentifier: d.SecondaryIdentifier,
		OptionalData: d.OptionalData, OptionalData2: d.OptionalData2,
	}
}

// report maps a verification report. Its message occurred when the
// station made the report, and its CorrelationID is in_reply_to, the hub
// message id of the request.
func (c *checker) report(doc *reportDoc) canonical.Message {
	sent := c.DateTime("/sent_at", doc.SentAt)
	reported := c.DateTime("/reported_at", doc.ReportedAt)
	c.SentNotBefore(sent, "/reported_at", reported)
	if len(doc.Cases) > 0 && doc.Outcome != string(canonical.VerificationAdverse) {
		c.Add("/cases", ruleCases, "only an adverse report lists cases, not one with outcome %s",
			doc.Outcome)
	}
	rep := &canonical.VerificationReport{
		FileNumber:    doc.FileNumber,
		Outcome:       canonical.VerificationOutcome(doc.Outcome),
		Cases:         canonicalCases(doc.Cases),
		Reason:        doc.Reason,
		PoliceStation: doc.PoliceStation,
		Officer:       c.Officer("/officer", doc.Officer),
		Late:          doc.Late,
	}
	if !reported.IsZero() {
		// The report's date is its day in India, whatever offset the
		// station wrote, as the request's date and the due date are.
		rep.ReportedOn = reported.In(jsondoc.IST).Format(time.DateOnly)
	}

	m := jsondoc.NewMessage(doc.Envelope, sent, canonical.TypeVerificationReport, rep.CaseKey())
	m.OccurredAt = reported
	m.VerificationReport = rep
	return m
}
