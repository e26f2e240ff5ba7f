package prisons

import (
	"github.com/sangam-hub/sangam/adapters/internal/jsondoc"
	"github.com/sangam-hub/sangam/canonical"
)

// movement maps a movement event. Its message occurred at the movement,
// and its case is the prisoner's (see canonical.Prisoner.CaseKey).
func (c *checker) movement(doc *movementDoc) canonical.Message {
	sent := c.DateTime("/sent_at", doc.SentAt)
	at := c.DateTime("/at", doc.At)
	c.SentNotBefore(sent, "/at", at)
	p := c.prisoner("/prisoner", &doc.Prisoner)
	c.NotBefore("/at", at, "/prisoner/admitted_at", p.AdmittedAt)
	if doc.ReleaseGround != "" && doc.Kind != string(canonical.MoveRelease) {
		c.Add("/release_ground", ruleGround, "release_ground is only for kind release, "+
			"not %s: leave it out", doc.Kind)
	}

	mv := &canonical.Movement{
		Prisoner:      p,
		Kind:          canonical.MovementKind(doc.Kind),
		At:            at,
		From:          canonicalLocation(doc.From),
		To:            canonicalLocation(doc.To),
		Reason:        doc.Reason,
		ReleaseGround: canonical.ReleaseGround(doc.ReleaseGround),
	}
	m := jsondoc.NewMessage(doc.Envelope, canonical.TypeMovement, p.CaseKey())
	m.OccurredAt = at
	m.Movement = mv
	return m
}

// courtOrder maps a court order. Its message occurred when the order was
// issued, or at midnight IST of its date when issued_at is absent.
func (c *checker) courtOrder(doc *courtOrderDoc) canonical.Message {
	c.DateTime("/sent_at", doc.SentAt)
	ordered := c.Date("/ordered_on", doc.OrderedOn, true)
	appear := c.Date("/appear_on", doc.AppearOn, false)
	issued := c.DateTime("/issued_at", doc.IssuedAt)
	c.NotBefore("/appear_on", appear, "/ordered_on", ordered)
	if doc.ReleaseGround != "" && doc.Kind != string(canonical.OrderRelease) {
		c.Add("/release_ground", ruleGround, "release_ground is only for kind release_order, "+
			"not %s: leave it out", doc.Kind)
	}

	order := &canonical.CourtOrder{
		Kind:          canonical.CourtOrderKind(doc.Kind),
		Number:        doc.Number,
		Court:         doc.Court.Canonical(),
		Prisoner:      c.prisoner("/prisoner", &doc.Prisoner),
		Case:          doc.Case.Canonical(),
		AppearOn:      doc.AppearOn,
		ReleaseGround: canonical.ReleaseGround(doc.ReleaseGround),
		OrderedOn:     doc.OrderedOn,
		IssuedAt:      issued,
		Directions:    doc.Directions,
		Judge:         doc.Judge,
	}
	m := jsondoc.NewMessage(doc.Envelope, canonical.TypeCourtOrder, order.CaseKey())
	m.OccurredAt = issued
	if issued.IsZero() {
		m.OccurredAt = ordered
	}
	m.CourtOrder = order
	return m
}
