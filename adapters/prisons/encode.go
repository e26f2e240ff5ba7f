package prisons

import (
	"errors"
	"fmt"
	"strings"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
	"github.com/sangam-hub/sangam/canonical"
)

// Encode turns a canonical message into a prison JSON document: a court
// order (schemas/prisons/court_order.json) as the hub sends it to a
// prison, or a movement event (schemas/prisons/movement.json). The
// document is validated against the prisons schema before it is
// returned.
//
// message_id is the message's SenderMessageID, so a prison receives the
// original sender's id; hub_message_id carries the hub's id. sent_at is
// the original sender's time (see jsondoc.NewEnvelope). A court order
// has issued_at only when the court gave the time it made the order.
// Aadhaar numbers leave only in masked form.
func (a *Adapter) Encode(m *canonical.Message) (adapters.Encoded, error) {
	var doc any
	var err error
	switch m.Type {
	case canonical.TypeMovement:
		if err = m.CheckBody(); err == nil {
			doc, err = movementDocument(m)
		}
	case canonical.TypeCourtOrder:
		if err = m.CheckBody(); err == nil {
			doc = courtOrderDocument(m)
		}
	default:
		return adapters.Encoded{}, fmt.Errorf("encoding prison document: %w: %q",
			adapters.ErrUnsupported, m.Type)
	}
	if err != nil {
		return adapters.Encoded{}, fmt.Errorf("encoding prison %s: %w", m.Type, err)
	}

	body, err := jsondoc.Marshal(doc, documentSchema)
	if err != nil {
		return adapters.Encoded{}, fmt.Errorf("encoding prison %s: %w", m.Type, err)
	}
	return adapters.Encoded{Body: body, ContentType: ContentType}, nil
}

func movementDocument(m *canonical.Message) (*movementDoc, error) {
	mv := m.Movement
	if mv.At.IsZero() {
		return nil, errors.New("movement has no time, which the JSON movement event requires")
	}
	return &movementDoc{
		Envelope:      jsondoc.NewEnvelope(m, docMovement),
		Prisoner:      prisonerDocument(mv.Prisoner),
		Kind:          string(mv.Kind),
		At:            canonical.FormatTime(mv.At),
		From:          locationDocument(mv.From),
		To:            locationDocument(mv.To),
		Reason:        mv.Reason,
		ReleaseGround: string(mv.ReleaseGround),
	}, nil
}

func courtOrderDocument(m *canonical.Message) *courtOrderDoc {
	o := m.CourtOrder
	return &courtOrderDoc{
		Envelope:      jsondoc.NewEnvelope(m, docCourtOrder),
		Kind:          string(o.Kind),
		Number:        o.Number,
		Court:         jsondoc.CourtOf(o.Court),
		Prisoner:      prisonerDocument(o.Prisoner),
		Case:          jsondoc.CaseRefOf(o.Case),
		AppearOn:      o.AppearOn,
		ReleaseGround: string(o.ReleaseGround),
		OrderedOn:     o.OrderedOn,
		IssuedAt:      canonical.FormatTime(o.IssuedAt),
		Directions:    o.Directions,
		Judge:         o.Judge,
	}
}

func prisonerDocument(p canonical.Prisoner) prisoner {
	out := prisoner{
		PrisonCode: p.PrisonCode, PrisonName: p.PrisonName, Number: p.Number,
		BookingNumber: p.BookingNumber, Person: jsondoc.PersonOf(p.Person, identifierDocument),
		CustodyStatus: string(p.Status), StatusDetail: p.StatusDetail,
		AdmittedAt: canonical.FormatTime(p.AdmittedAt), Housing: p.Housing, Alerts: p.Alerts,
	}
	for _, c := range p.Cases {
		out.Cases = append(out.Cases, jsondoc.CaseRefOf(c))
	}
	for _, c := range p.Charges {
		out.Charges = append(out.Charges, charge{
			Act: c.Act, Section: c.Section, Description: c.Description, OffenceCode: c.OffenseID,
		})
	}
	return out
}

func locationDocument(l canonical.Location) *location {
	if l == (canonical.Location{}) {
		return nil
	}
	return &location{Kind: string(l.Kind), Code: l.Code, Name: l.Name}
}

// jsonIDTypes are the identifier types the JSON documents name, as
// schemas/police/common.json lists them.
var jsonIDTypes = map[string]bool{
	canonical.IDAadhaar: true, canonical.IDPassport: true, canonical.IDPAN: true,
	canonical.IDVoter: true, canonical.IDDrivingLicence: true, canonical.IDRationCard: true,
	canonical.IDTax: true, canonical.IDCCTNSPerson: true, canonical.IDOther: true,
}

// identifierDocument writes an identifier. A type the JSON documents do
// not name, such as the "fbi_number" of a NIEM report, becomes "other"
// and moves to the front of the issuer, so a reader still sees it.
func identifierDocument(_ int, id canonical.Identifier) jsondoc.Identifier {
	out := jsondoc.IdentifierOf(id)
	if !jsonIDTypes[id.Type] {
		out.Type = canonical.IDOther
		out.Issuer = strings.TrimSuffix(id.Type+", "+id.Issuer, ", ")
	}
	return out
}
