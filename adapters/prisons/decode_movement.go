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
	c.places(mv)
	m := jsondoc.NewMessage(doc.Envelope, canonical.TypeMovement, p.CaseKey())
	m.OccurredAt = at
	m.Movement = mv
	return m
}

// prisonerPrisonEnd names, for each movement kind that leaves or
// reaches the prison holding the prisoner, the end of the movement that
// is that prison: "from" or "to".
var prisonerPrisonEnd = map[canonical.MovementKind]string{
	canonical.MoveCourtProductionOut:    "from",
	canonical.MoveCourtProductionReturn: "to",
	canonical.MoveTransferOut:           "from",
}

// places checks the prison codes in movement mv's from and to. Each is
// an upper-case prison code, and the end that prisonerPrisonEnd names
// for the kind is the prisoner's prison. A lower-case
// prisoner.prison_code gets its own violation, so no end is compared
// with it.
func (c *checker) places(mv *canonical.Movement) {
	ends := []struct {
		name     string
		location canonical.Location
	}{{"from", mv.From}, {"to", mv.To}}
	for _, end := range ends {
		l := end.location
		if l.Kind != canonical.LocationPrison || l.Code == "" {
			continue
		}
		pointer := jsondoc.Pointer("/"+end.name, "code")
		switch {
		case !canonical.ValidPrisonCode(l.Code):
			c.Add(pointer, rulePattern, "invalid prison code %q: a prison code is 1 to 64 "+
				"characters without a slash, a control character or surrounding white space, "+
				"such as KLSJEKM", l.Code)
		case !canonical.UpperCasePrisonCode(l.Code):
			c.Add(pointer, rulePattern, "%v", canonical.CheckPrisonCodeCase(l.Code))
		case prisonerPrisonEnd[mv.Kind] == end.name && l.Code != mv.Prisoner.PrisonCode &&
			canonical.UpperCasePrisonCode(mv.Prisoner.PrisonCode):
			c.Add(pointer, ruleMovementPrison, "%[1]s.code is prison %[2]s, but the %[1]s of a "+
				"%[3]s is the prison that holds the prisoner, prisoner.prison_code %[4]s: "+
				"correct %[1]s.code or prisoner.prison_code", end.name, l.Code, mv.Kind,
				mv.Prisoner.PrisonCode)
		}
	}
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
