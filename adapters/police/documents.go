package police

import (
	"time"

	"github.com/sangam-hub/sangam/canonical"
)

// fir maps an FIR. Its message occurred when the FIR was registered.
func (c *checker) fir(doc *firDoc) canonical.Message {
	sent := c.dateTime("/sent_at", doc.SentAt)
	ref := c.firRef("/fir", doc.FIR)
	registered := c.dateTime("/registered_at", doc.RegisteredAt)
	c.setDocumentTime(registered)
	c.sentNotBefore(sent, "/registered_at", registered)
	w := c.window("/occurrence", &doc.Occurrence, doc.FIR.Year)
	received := c.dateTime("/information_received/at", doc.InformationReceived.At)
	sentToCourt := c.dateTime("/sent_to_court_at", doc.SentToCourtAt)

	c.notBefore("/registered_at", registered, "/occurrence/from", w.earliest)
	c.notBefore("/information_received/at", received, "/occurrence/from", w.earliest)
	c.notBefore("/registered_at", registered, "/information_received/at", received)
	c.notBefore("/sent_to_court_at", sentToCourt, "/registered_at", registered)
	if !registered.IsZero() && doc.FIR.Year != 0 && registered.Year() != doc.FIR.Year {
		c.add("/fir/year", ruleFIRYear, "FIR year %d differs from the year of registered_at, %d",
			doc.FIR.Year, registered.Year())
	}

	fir := &canonical.FIR{
		Ref:                   ref,
		RegisteredAt:          registered,
		Charges:               c.charges("/sections", doc.Sections, w),
		OccurredFrom:          w.earliest,
		OccurredTo:            w.to,
		InformationReceivedAt: received,
		GeneralDiaryRef:       doc.InformationReceived.GeneralDiaryRef,
		Complainant:           c.person("/complainant", doc.Complainant),
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
		fir.Accused = append(fir.Accused, c.firAccused(ptr("accused", i), acc))
	}
	if doc.RegisteredBy != nil {
		fir.Officer = canonicalOfficer(*doc.RegisteredBy)
	}

	m := message(doc.envelope, canonical.TypeFIR, ref.Key())
	m.OccurredAt = registered
	m.FIR = fir
	return m
}

func (c *checker) firAccused(pointer string, a firAccused) canonical.Accused {
	out := canonical.Accused{Status: canonical.AccusedStatus(a.Status), Description: a.Description}
	if a.Person != nil {
		out.Person = c.person(ptr(pointer, "person"), *a.Person)
	}
	return out
}

func canonicalPlace(p place) canonical.Place {
	out := canonical.Place{DistanceKm: p.DistanceKm, Direction: p.Direction, Beat: p.Beat}
	if p.Address != nil {
		out.Address = canonicalAddress(*p.Address)
	}
	return out
}

// arrest maps an arrest or court surrender memo. Its message occurred at
// the arrest.
func (c *checker) arrest(doc *arrestDoc) canonical.Message {
	sent := c.dateTime("/sent_at", doc.SentAt)
	ref := c.firRef("/fir", doc.FIR)
	at := c.dateTime("/arrested_at", doc.ArrestedAt)
	c.setDocumentTime(at)
	c.sentNotBefore(sent, "/arrested_at", at)
	w := c.window("/occurrence", doc.Occurrence, doc.FIR.Year)
	c.notBefore("/arrested_at", at, "/occurrence/from", w.earliest)

	arrest := &canonical.Arrest{
		FIR:               ref,
		Person:            c.person("/accused", doc.Accused),
		Surrender:         doc.MemoType == memoSurrender,
		At:                at,
		Place:             doc.Place,
		By:                canonicalOfficer(doc.ArrestedBy),
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

	m := message(doc.envelope, canonical.TypeArrest, ref.Key())
	m.OccurredAt = at
	m.Arrest = arrest
	return m
}

// finalReport maps a final report. Its message occurred on the report's
// date, at midnight IST.
func (c *checker) finalReport(doc *finalReportDoc) canonical.Message {
	sent := c.dateTime("/sent_at", doc.SentAt)
	ref := c.firRef("/fir", doc.FIR)
	reported := c.date("/report_date", doc.ReportDate)
	c.setDocumentTime(reported)
	c.sentNotBefore(sent, "/report_date", reported)
	w := c.window("/occurrence", doc.Occurrence, doc.FIR.Year)
	if !w.earliest.IsZero() {
		y, mo, d := w.earliest.In(ist).Date()
		c.notBefore("/report_date", reported, "/occurrence/from", time.Date(y, mo, d, 0, 0, 0, 0, ist))
	}
	if !reported.IsZero() && doc.FIR.Year != 0 && reported.Year() < doc.FIR.Year {
		c.add("/report_date", ruleChronology, "report date %s is before the FIR's year, %d",
			doc.ReportDate, doc.FIR.Year)
	}

	sheet := &canonical.Chargesheet{
		FIR:                  &ref,
		Title:                doc.CaseTitle,
		ReportNumber:         doc.ReportNumber,
		FiledOn:              doc.ReportDate,
		Kind:                 canonical.FinalReportKind(doc.Kind),
		InvestigatingOfficer: canonicalOfficer(doc.InvestigatingOfficer),
		Court:                canonicalCourt(doc.Court),
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
	for i, p := range doc.Witnesses {
		sheet.Witnesses = append(sheet.Witnesses, c.person(ptr("witnesses", i), p))
	}

	m := message(doc.envelope, canonical.TypeChargesheet, ref.Key())
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
		out = append(out, canonical.Accused{
			Person:              c.person(ptr("accused", i, "person"), a.Person),
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
		c.add("/accused", ruleCharged, "a final report of kind chargesheet charges no accused: "+
			"set charged to true for at least one")
	}
	return out
}

func canonicalCourt(ct court) canonical.Court {
	return canonical.Court{Code: ct.EstablishmentCode, Name: ct.Name, District: ct.District}
}
