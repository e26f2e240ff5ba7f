package police

import (
	"time"

	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
	"github.com/sangam-hub/sangam/canonical"
)

// fir maps an FIR. Its message occurred when the FIR was registered.
func (c *checker) fir(doc *firDoc) canonical.Message {
	sent := c.DateTime("/sent_at", doc.SentAt)
	ref := c.firRef("/fir", doc.FIR)
	registered := c.DateTime("/registered_at", doc.RegisteredAt)
	c.setDocumentTime(registered)
	c.SentNotBefore(sent, "/registered_at", registered)
	w := c.window("/occurrence", &doc.Occurrence, doc.FIR.Year)
	received := c.DateTime("/information_received/at", doc.InformationReceived.At)
	sentToCourt := c.DateTime("/sent_to_court_at", doc.SentToCourtAt)

	c.NotBefore("/registered_at", registered, "/occurrence/from", w.earliest)
	c.NotBefore("/information_received/at", received, "/occurrence/from", w.earliest)
	c.NotBefore("/registered_at", registered, "/information_received/at", received)
	c.NotBefore("/sent_to_court_at", sentToCourt, "/registered_at", registered)
	// A station numbers its FIRs by the year in India, whatever offset
	// registered_at is written with.
	if year := registered.In(jsondoc.IST).Year(); !registered.IsZero() && doc.FIR.Year != 0 &&
		year != doc.FIR.Year {
		c.Add("/fir/year", ruleFIRYear, "FIR year %d differs from the year of registered_at "+
			"in India Standard Time, %d", doc.FIR.Year, year)
	}

	fir := &canonical.FIR{
		Ref:                   ref,
		RegisteredAt:          registered,
		Charges:               c.charges("/sections", doc.Sections, w),
		OccurredFrom:          w.earliest,
		OccurredTo:            w.to,
		InformationReceivedAt: received,
		GeneralDiaryRef:       c.generalDiaryRef(doc.InformationReceived.GeneralDiaryRef),
		Complainant:           c.person("/complainant", &doc.Complainant),
		DelayReason:           doc.DelayReason,
		Property:              canonicalProperties(doc.Property),
		FirstInformation:      doc.FirstInformation,
		ActionTaken:           doc.ActionTaken,
		SentToCourtAt:         sentToCourt,
	}
	if doc.Place != nil {
		fir.Place = canonicalPlace(*doc.Place)
	}
	for i, acc := range doc.Accused {
		fir.Accused = append(fir.Accused, c.firAccused(jsondoc.Pointer("accused", i), acc))
	}
	if doc.RegisteredBy != nil {
		fir.Officer = c.Officer("/registered_by", *doc.RegisteredBy)
	}

	m := jsondoc.NewMessage(doc.Envelope, sent, canonical.TypeFIR, ref.Key())
	m.OccurredAt = registered
	m.FIR = fir
	return m
}

// generalDiaryRef returns ref, the reference of the general diary entry
// that recorded the information, after checking it with IdentifierText.
func (c *checker) generalDiaryRef(ref string) string {
	c.IdentifierText("/information_received/general_diary_ref", "general diary reference", ref)
	return ref
}

func (c *checker) firAccused(pointer string, a firAccused) canonical.Accused {
	out := canonical.Accused{Status: canonical.AccusedStatus(a.Status), Description: a.Description}
	if a.Person != nil {
		out.Person = c.person(jsondoc.Pointer(pointer, "person"), a.Person)
	}
	return out
}

func canonicalPlace(p place) canonical.Place {
	out := canonical.Place{DistanceKm: p.DistanceKm, Direction: p.Direction, Beat: p.Beat}
	if p.Address != nil {
		out.Address = p.Address.Canonical()
	}
	return out
}

// arrest maps an arrest or court surrender memo. Its message occurred at
// the arrest.
func (c *checker) arrest(doc *arrestDoc) canonical.Message {
	sent := c.DateTime("/sent_at", doc.SentAt)
	ref := c.firRef("/fir", doc.FIR)
	at := c.DateTime("/arrested_at", doc.ArrestedAt)
	c.setDocumentTime(at)
	c.SentNotBefore(sent, "/arrested_at", at)
	w := c.window("/occurrence", doc.Occurrence, doc.FIR.Year)
	c.NotBefore("/arrested_at", at, "/occurrence/from", w.earliest)

	arrest := &canonical.Arrest{
		FIR:               ref,
		Person:            c.person("/accused", &doc.Accused),
		Surrender:         doc.MemoType == memoSurrender,
		At:                at,
		Place:             doc.Place,
		By:                c.Officer("/arrested_by", doc.ArrestedBy),
		PropertyRecovered: canonicalProperties(doc.PropertyRecovered),
		OccurredFrom:      w.earliest,
		OccurredTo:        w.to,
	}
	if len(doc.Sections) > 0 {
		arrest.Charges = c.charges("/sections", doc.Sections, w)
	}
	if doc.RelativeInformed.Informed {
		arrest.RelativeInformed = doc.RelativeInformed.Name
	}

	m := jsondoc.NewMessage(doc.Envelope, sent, canonical.TypeArrest, ref.Key())
	m.OccurredAt = at
	m.Arrest = arrest
	return m
}

// finalReport maps a final report. Its message occurred on the report's
// date, at midnight IST.
func (c *checker) finalReport(doc *finalReportDoc) canonical.Message {
	sent := c.DateTime("/sent_at", doc.SentAt)
	ref := c.firRef("/fir", doc.FIR)
	reported := c.Date("/report_date", doc.ReportDate, true)
	c.setDocumentTime(reported)
	c.SentNotBefore(sent, "/report_date", reported)
	w := c.window("/occurrence", doc.Occurrence, doc.FIR.Year)
	if !w.earliest.IsZero() {
		y, mo, d := w.earliest.In(jsondoc.IST).Date()
		day := time.Date(y, mo, d, 0, 0, 0, 0, jsondoc.IST)
		if !reported.IsZero() && reported.Before(day) {
			c.Add("/report_date", jsondoc.RuleChronology, "report date %s is before the day of "+
				"/occurrence/from, %s", doc.ReportDate, doc.Occurrence.From)
		}
	}
	if !reported.IsZero() && doc.FIR.Year != 0 && reported.Year() < doc.FIR.Year {
		c.Add("/report_date", jsondoc.RuleChronology, "report date %s is before the FIR's year, %d",
			doc.ReportDate, doc.FIR.Year)
	}

	// The court registers the report under this number as written.
	c.RecordNumber("/report_number", "report number", doc.ReportNumber)

	sheet := &canonical.Chargesheet{
		FIR:                  &ref,
		Title:                doc.CaseTitle,
		ReportNumber:         doc.ReportNumber,
		FiledOn:              doc.ReportDate,
		Kind:                 canonical.FinalReportKind(doc.Kind),
		InvestigatingOfficer: c.Officer("/investigating_officer", doc.InvestigatingOfficer),
		Court:                doc.Court.Canonical(),
		Accused:              c.reportAccused(doc),
		Charges:              c.charges("/sections", doc.Sections, w),
		OccurredFrom:         w.earliest,
		OccurredTo:           w.to,
		PropertySeized:       canonicalProperties(doc.PropertySeized),
		LabResults:           doc.LabResults,
		BriefFacts:           doc.BriefFacts,
	}
	if doc.ReportType == reportSupplementary {
		sheet.Supplementary = doc.SupplementaryNumber
	}
	for i := range doc.Witnesses {
		witness := c.person(jsondoc.Pointer("witnesses", i), &doc.Witnesses[i])
		sheet.Witnesses = append(sheet.Witnesses, witness)
	}

	m := jsondoc.NewMessage(doc.Envelope, sent, canonical.TypeChargesheet, ref.Key())
	m.OccurredAt = reported
	m.Chargesheet = sheet
	return m
}

// reportAccused maps a final report's accused and checks that a
// chargesheet charges at least one of them.
func (c *checker) reportAccused(doc *finalReportDoc) []canonical.Accused {
	out := make([]canonical.Accused, 0, len(doc.Accused))
	charged := 0
	for i, a := range doc.Accused {
		at := jsondoc.Pointer("accused", i, "person")
		out = append(out, canonical.Accused{
			Person:              c.person(at, &doc.Accused[i].Person),
			Description:         a.Description,
			Status:              canonical.AccusedStatus(a.Status),
			Charged:             a.Charged,
			PreviousConvictions: a.PreviousConvictions,
		})
		if a.Charged {
			charged++
		}
	}
	if doc.Kind == string(canonical.FinalChargesheet) && len(doc.Accused) > 0 && charged == 0 {
		c.Add("/accused", ruleCharged, "a final report of kind chargesheet charges no accused: "+
			"set charged to true for at least one")
	}
	return out
}
