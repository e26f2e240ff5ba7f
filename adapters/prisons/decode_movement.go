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
	p := c.prisoner("/prisoner", &doc.Prisoner, at, "the movement's date (at)")
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
	m := jsondoc.NewMessage(doc.Envelope, sent, canonical.TypeMovement, p.CaseKey())
	m.OccurredAt = at
	m.Movement = mv
	return m
}

// holdingPrisonEnd names, for each movement kind that leaves or
// reaches the prison holding the prisoner (prisoner.prison_code), the
// end of the movement that is that prison: "from" or "to". An escort
// out to court or hospital, parole, furlough, a release and a transfer
// out leave it, and an admission, a transfer in and each return reach
// it. An escape and a death have no such end, because they name where
// the prisoner was. For a prisoner who is out, that may be a court, a
// hospital, or another prison where an escort lodged the prisoner.
var holdingPrisonEnd = map[canonical.MovementKind]string{
	canonical.MoveAdmission:             "to",
	canonical.MoveCourtProductionOut:    "from",
	canonical.MoveCourtProductionReturn: "to",
	canonical.MoveTransferOut:           "from",
	canonical.MoveTransferIn:            "to",
	canonical.MoveHospitalOut:           "from",
	canonical.MoveHospitalReturn:        "to",
	canonical.MoveParoleOut:             "from",
	canonical.MoveParoleReturn:          "to",
	canonical.MoveFurloughOut:           "from",
	canonical.MoveFurloughReturn:        "to",
	canonical.MoveRelease:               "from",
}

// otherPrisonEnd names, for a transfer, the end of the movement that is
// the other prison: where a transfer out goes and where a transfer in
// comes from. It may not be the prison holding the prisoner.
var otherPrisonEnd = map[canonical.MovementKind]string{
	canonical.MoveTransferOut: "to",
	canonical.MoveTransferIn:  "from",
}

// communityEnd names, for parole and furlough, the end of the movement
// that is outside prison: where the prisoner goes on the way out and
// comes from on the way back. Parole and furlough release the prisoner
// to the community for a time, so that end may not be a prison. A
// prisoner lodged in another prison meanwhile is moved by a transfer.
var communityEnd = map[canonical.MovementKind]string{
	canonical.MoveParoleOut:      "to",
	canonical.MoveParoleReturn:   "from",
	canonical.MoveFurloughOut:    "to",
	canonical.MoveFurloughReturn: "from",
}

// places checks the codes in movement mv's from and to. No code, of any
// kind of place, may contain a character that canonical.CheckCodeText
// rejects or a number that canonical.CheckCode rejects, because routes
// and receivers compare codes as written. A prison's code is an
// upper-case prison code, without a slash. The end that holdingPrisonEnd names for
// the kind is the prisoner's prison, the end that otherPrisonEnd names
// is another prison, and the end that communityEnd names is no prison.
// An invalid or lower-case prisoner.prison_code gets its own violation,
// so no end is compared with it.
func (c *checker) places(mv *canonical.Movement) {
	ends := []struct {
		name     string
		location canonical.Location
	}{{"from", mv.From}, {"to", mv.To}}
	holding := mv.Prisoner.PrisonCode
	holdingValid := canonical.ValidPrisonCode(holding) && canonical.UpperCasePrisonCode(holding)
	for _, end := range ends {
		l := end.location
		if l.Kind == canonical.LocationPrison && communityEnd[mv.Kind] == end.name {
			c.Add(jsondoc.Pointer("/"+end.name, "kind"), ruleMovementPrison, "%[1]s.kind is "+
				"prison, but a %[2]s lets the prisoner out of prison for a time, so its %[1]s "+
				"is a place outside prison, such as home: correct %[1]s.kind, or report a move "+
				"to another prison as a transfer", end.name, mv.Kind)
			continue
		}
		if l.Code == "" {
			continue
		}
		pointer := jsondoc.Pointer("/"+end.name, "code")
		prison := l.Kind == canonical.LocationPrison
		if !c.Code(pointer, end.name+".code", l.Code, !prison, canonical.CheckCode) || !prison {
			continue
		}
		switch {
		case !canonical.ValidPrisonCode(l.Code):
			// The code has the format of a prison code but is too long,
			// which the schema's maxLength reports.
		case !canonical.UpperCasePrisonCode(l.Code):
			c.Add(pointer, rulePattern, "%v", canonical.CheckPrisonCodeCase(l.Code))
		case holdingPrisonEnd[mv.Kind] == end.name && l.Code != holding && holdingValid:
			c.Add(pointer, ruleMovementPrison, "%[1]s.code is prison %[2]s, but the %[1]s of a "+
				"%[3]s is the prison that holds the prisoner, prisoner.prison_code %[4]s: "+
				"correct %[1]s.code or prisoner.prison_code", end.name, l.Code, mv.Kind, holding)
		case otherPrisonEnd[mv.Kind] == end.name && l.Code == holding:
			c.Add(pointer, ruleMovementPrison, "%[1]s.code is prison %[2]s, which holds the "+
				"prisoner (prisoner.prison_code), but the %[1]s of a %[3]s is the other prison of "+
				"the transfer: correct %[1]s.code or prisoner.prison_code",
				end.name, l.Code, mv.Kind)
		}
	}
}

// courtOrder maps a court order. Its message occurred when the order was
// issued, or at midnight IST of its date when issued_at is absent.
func (c *checker) courtOrder(doc *courtOrderDoc) canonical.Message {
	sent := c.DateTime("/sent_at", doc.SentAt)
	ordered := c.Date("/ordered_on", doc.OrderedOn, true)
	appear := c.Date("/appear_on", doc.AppearOn, false)
	issued := c.DateTime("/issued_at", doc.IssuedAt)
	orderTime, orderTimeName := issued, "the court order's issue date (issued_at)"
	if orderTime.IsZero() {
		orderTime, orderTimeName = ordered, "the court order's date (ordered_on)"
	}
	c.NotBefore("/appear_on", appear, "/ordered_on", ordered)
	c.RecordNumber("/number", "order number", doc.Number)
	if doc.ReleaseGround != "" && doc.Kind != string(canonical.OrderRelease) {
		c.Add("/release_ground", ruleGround, "release_ground is only for kind release_order, "+
			"not %s: leave it out", doc.Kind)
	}

	order := &canonical.CourtOrder{
		Kind:          canonical.CourtOrderKind(doc.Kind),
		Number:        doc.Number,
		Court:         doc.Court.Canonical(),
		Prisoner:      c.prisoner("/prisoner", &doc.Prisoner, orderTime, orderTimeName),
		Case:          doc.Case.Canonical(),
		AppearOn:      doc.AppearOn,
		ReleaseGround: canonical.ReleaseGround(doc.ReleaseGround),
		OrderedOn:     doc.OrderedOn,
		IssuedAt:      issued,
		Directions:    doc.Directions,
		Judge:         doc.Judge,
	}
	m := jsondoc.NewMessage(doc.Envelope, sent, canonical.TypeCourtOrder, order.CaseKey())
	m.OccurredAt = orderTime
	m.CourtOrder = order
	return m
}
