package police

import (
	"errors"
	"fmt"
	"time"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
	"github.com/sangam-hub/sangam/canonical"
)

// Encode turns a canonical message into a police document: an FIR,
// arrest memo or final report as a station would send it, or a court
// registration notification (schemas/police/notification.json), which
// only the hub sends. The document is validated against its police
// schema before it is returned.
//
// message_id is the message's SenderMessageID, so a station receives
// the original sender's id; hub_message_id carries the hub's id. sent_at is
// the original sender's time (see jsondoc.NewEnvelope), except on a
// notification, where it is when the hub received the court's callback.
// Aadhaar numbers leave only in masked form.
func (a *Adapter) Encode(m *canonical.Message) (adapters.Encoded, error) {
	w, ok := writers[m.Type]
	if !ok {
		return adapters.Encoded{}, fmt.Errorf("encoding police document: %w: %q",
			adapters.ErrUnsupported, m.Type)
	}
	if err := m.CheckBody(); err != nil {
		return adapters.Encoded{}, fmt.Errorf("encoding police document: %w", err)
	}

	e := &encoder{key: a.cfg.AadhaarKey}
	doc, err := w.write(e, m)
	if err == nil {
		err = e.err
	}
	if err != nil {
		return adapters.Encoded{}, fmt.Errorf("encoding police %s: %w", m.Type, err)
	}

	body, err := jsondoc.Marshal(doc, w.schema)
	if err != nil {
		return adapters.Encoded{}, fmt.Errorf("encoding police %s: %w", m.Type, err)
	}
	return adapters.Encoded{Body: body, ContentType: ContentType}, nil
}

// writer writes one type of message as a police document, valid against
// schema.
type writer struct {
	write  func(*encoder, *canonical.Message) (any, error)
	schema string
}

// writers maps each message type the adapter encodes to its document.
var writers = map[canonical.Type]writer{
	canonical.TypeFIR:               {(*encoder).fir, "police/fir.json"},
	canonical.TypeArrest:            {(*encoder).arrest, "police/arrest.json"},
	canonical.TypeChargesheet:       {(*encoder).finalReport, "police/final_report.json"},
	canonical.TypeCourtRegistration: {(*encoder).notification, "police/notification.json"},
}

// encoder writes police documents. It keeps the first error it encounters so
// that mapping code reads as a list of fields.
type encoder struct {
	key []byte
	err error
}

func (e *encoder) fir(m *canonical.Message) (any, error) {
	f := m.FIR
	doc := &firDoc{
		Envelope:     jsondoc.NewEnvelope(m, docFIR),
		FIR:          jsondoc.FIRRefOf(f.Ref),
		RegisteredAt: canonical.FormatTime(f.RegisteredAt),
		Sections:     policeSections(f.Charges),
		Occurrence: occurrence{
			From: canonical.FormatTime(f.OccurredFrom), To: canonical.FormatTime(f.OccurredTo),
		},
		InformationReceived: informationReceived{
			At: canonical.FormatTime(f.InformationReceivedAt), GeneralDiaryRef: f.GeneralDiaryRef,
		},
		Complainant:      e.person(f.Complainant),
		DelayReason:      f.DelayReason,
		Property:         policeProperties(f.Property),
		FirstInformation: f.FirstInformation,
		ActionTaken:      f.ActionTaken,
		SentToCourtAt:    canonical.FormatTime(f.SentToCourtAt),
	}
	if f.Place != (canonical.Place{}) {
		doc.Place = policePlace(f.Place)
	}
	for _, a := range f.Accused {
		acc := firAccused{Status: string(a.Status), Description: a.Description}
		if !isZeroPerson(a.Person) {
			p := e.person(a.Person)
			acc.Person = &p
		}
		doc.Accused = append(doc.Accused, acc)
	}
	if f.Officer != (canonical.Officer{}) {
		o := jsondoc.OfficerOf(f.Officer)
		doc.RegisteredBy = &o
	}
	return doc, nil
}

func (e *encoder) arrest(m *canonical.Message) (any, error) {
	a := m.Arrest
	doc := &arrestDoc{
		Envelope:          jsondoc.NewEnvelope(m, docArrest),
		FIR:               jsondoc.FIRRefOf(a.FIR),
		MemoType:          memoArrest,
		Accused:           e.person(a.Person),
		ArrestedAt:        canonical.FormatTime(a.At),
		Place:             a.Place,
		ArrestedBy:        jsondoc.OfficerOf(a.By),
		RelativeInformed:  relativeInformed{Informed: a.RelativeInformed != "", Name: a.RelativeInformed},
		PropertyRecovered: policeProperties(a.PropertyRecovered),
	}
	if a.Surrender {
		doc.MemoType = memoSurrender
	}
	if len(a.Charges) > 0 {
		doc.Sections = policeSections(a.Charges)
	}
	doc.Occurrence = policeOccurrence(a.OccurredFrom, a.OccurredTo)
	return doc, nil
}

func (e *encoder) finalReport(m *canonical.Message) (any, error) {
	s := m.Chargesheet
	if s.FIR == nil {
		return nil, errors.New("chargesheet has no FIR, which a police final report requires")
	}
	doc := &finalReportDoc{
		Envelope:             jsondoc.NewEnvelope(m, docFinalReport),
		FIR:                  jsondoc.FIRRefOf(*s.FIR),
		ReportNumber:         s.ReportNumber,
		ReportDate:           s.FiledOn,
		ReportType:           reportOriginal,
		Kind:                 string(s.Kind),
		CaseTitle:            s.Title,
		InvestigatingOfficer: jsondoc.OfficerOf(s.InvestigatingOfficer),
		Court:                jsondoc.CourtOf(s.Court),
		Accused:              []reportAccused{},
		Sections:             policeSections(s.Charges),
		PropertySeized:       policeProperties(s.PropertySeized),
		LabResults:           s.LabResults,
		BriefFacts:           s.BriefFacts,
		Occurrence:           policeOccurrence(s.OccurredFrom, s.OccurredTo),
	}
	if s.Supplementary > 0 {
		doc.ReportType, doc.SupplementaryNumber = reportSupplementary, s.Supplementary
	}
	for _, a := range s.Accused {
		doc.Accused = append(doc.Accused, reportAccused{
			Person: e.person(a.Person), Status: string(a.Status), Charged: a.Charged,
			PreviousConvictions: a.PreviousConvictions, Description: a.Description,
		})
	}
	for _, w := range s.Witnesses {
		doc.Witnesses = append(doc.Witnesses, e.person(w))
	}
	return doc, nil
}

func (e *encoder) notification(m *canonical.Message) (any, error) {
	r := m.CourtRegistration
	env := jsondoc.NewEnvelope(m, docCourtRegistration)
	// The notification schema defines sent_at as when the hub received
	// the court's callback, whatever time the court gave.
	if !m.ReceivedAt.IsZero() {
		env.SentAt = canonical.FormatTime(m.ReceivedAt)
	}
	doc := &notificationDoc{
		Envelope:     env,
		RegisteredAt: canonical.FormatTime(m.OccurredAt),
		CNR:          r.CNR,
		Court:        jsondoc.CourtOf(r.Court),
		FilingNumber: r.FilingNumber,
		FiledOn:      r.FiledOn,
		NextHearing:  r.NextHearing,
		TrackingID:   r.TrackingID,
		CaseTitle:    r.Title,
		Status:       r.Status,
		Reason:       r.Reason,
	}
	if r.UnknownFiling {
		doc.CourtFilingID, doc.InReplyTo = m.CorrelationID, ""
	}
	if r.FIR != nil {
		ref := jsondoc.FIRRefOf(*r.FIR)
		doc.FIR = &ref
	}
	return doc, nil
}

func policeSections(charges []canonical.Charge) []section {
	out := make([]section, len(charges))
	for i, c := range charges {
		out[i] = section{
			Act: c.Act, Section: c.Section, Description: c.Description, OffenceCode: c.OffenseID,
		}
	}
	return out
}

// policeOccurrence returns the occurrence from and to, or nil when from
// is unknown.
func policeOccurrence(from, to time.Time) *occurrence {
	if from.IsZero() {
		return nil
	}
	return &occurrence{From: canonical.FormatTime(from), To: canonical.FormatTime(to)}
}

func policePlace(p canonical.Place) *place {
	out := &place{DistanceKm: p.DistanceKm, Direction: p.Direction, Beat: p.Beat}
	if p.Address != (canonical.Address{}) {
		a := jsondoc.AddressOf(p.Address)
		out.Address = &a
	}
	return out
}

func policeProperties(ps []canonical.Property) []property {
	if len(ps) == 0 {
		return nil
	}
	out := make([]property, len(ps))
	for i, p := range ps {
		out[i] = property{Description: p.Description, Category: p.Category, ValueINR: p.ValueINR}
	}
	return out
}
