// Package orderclaim keeps one copy of each court order in the journal,
// as an ingest claimer. A court system that sends an order again under a
// new document identification, as after a timeout on a post that did
// reach the hub, would otherwise give the prison a second production
// warrant or release order to act on.
//
// Two orders are one when the same court gives the same kind of order
// for the same prisoner under the same order number. Two orders without
// a number are one when they also name the same case, date, time,
// appearance date and release ground.
//
// The journal's migrations give the orders journaled before this
// claimer was installed their claims, when they have an order number and
// a prisoner number. NOTE: older orders without either hold no claim,
// since their keys need a digest that the migrations do not compute, so
// a new copy of one of them is accepted.
package orderclaim

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/schemas"
)

// RuleOrderExists is the violation rule of a court order that the
// journal holds another copy of.
const RuleOrderExists = "order-exists"

// ClaimOrder is the kind of journal claim that a court order holds,
// keyed as KeyOf makes it.
const ClaimOrder = "court-order"

// Orders rejects a second copy of one court order. Its field is set once
// before use.
type Orders struct {
	// Journal contains the court orders already journaled. Required.
	Journal journal.Store
}

// Claims implements ingest.Claimer: a court order claims its identity.
func (o *Orders) Claims(m *canonical.Message) ([]journal.Claim, []journal.Release) {
	key, ok := KeyOf(m)
	if !ok {
		return nil, nil
	}
	return []journal.Claim{{Kind: ClaimOrder, Key: key}}, nil
}

// KeyOf returns the claim key of court order m, and false when m is no
// court order. The key starts with the court's code, the kind, the
// prison's code and the prisoner: the prisoner number, or a digest of
// the person for a committal of a person the prison has not numbered.
// The court's order number ends it, after "number/" and as numberKey
// writes it, because only that part may contain a slash. An order without a number ends instead with
// "made/" and a digest of its case, dates, time, appearance date and
// release ground.
func KeyOf(m *canonical.Message) (string, bool) {
	o := m.CourtOrder
	if m.Type != canonical.TypeCourtOrder || o == nil {
		return "", false
	}
	prisoner := o.Prisoner.Number
	if prisoner == "" {
		prisoner = "person-" + digest(o.Prisoner.Person)
	}
	key := strings.Join([]string{o.Court.Code, string(o.Kind), o.Prisoner.PrisonCode, prisoner}, "/")
	if o.Number != "" {
		return key + "/number/" + numberKey(o.Number), true
	}
	unnumbered := struct {
		Case          string                  `json:"case"`
		OrderedOn     string                  `json:"ordered_on"`
		IssuedAt      string                  `json:"issued_at"`
		AppearOn      string                  `json:"appear_on"`
		ReleaseGround canonical.ReleaseGround `json:"release_ground"`
	}{o.Case.Key(), o.OrderedOn, "", o.AppearOn, o.ReleaseGround}
	if !o.IssuedAt.IsZero() {
		// One instant in any offset is one time of the order.
		unnumbered.IssuedAt = o.IssuedAt.UTC().Format(time.RFC3339Nano)
	}
	return key + "/made/" + digest(unnumbered), true
}

// numberKey returns a court's order number as the key compares it: in
// capitals, without the characters that show as nothing, so that a number
// typed again in other letter case or with a hidden character is the
// same order.
func numberKey(number string) string {
	return strings.ToUpper(strings.Map(func(r rune) rune {
		if canonical.ShowsAsNothing(r) {
			return -1
		}
		return r
	}, number))
}

// digest returns the SHA-256 of v's JSON encoding in hex. v is a struct
// of strings and of slices and structs of them, which encoding/json
// always encodes.
func digest(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("orderclaim: encoding %T: %v", v, err))
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// pointer returns the canonical pointer of the field of o that
// distinguishes it from the court's other orders of its kind for the
// prisoner: its number, else its time, else its date.
func pointer(o *canonical.CourtOrder) string {
	switch {
	case o.Number != "":
		return "/court_order/number"
	case !o.IssuedAt.IsZero():
		return "/court_order/issued_at"
	}
	return "/court_order/ordered_on"
}

// Reject implements ingest.Claimer. It returns an *ingest.ConflictError
// at the field that pointer names, naming the copy journaled before. The
// claim key starts with the court's code, so that copy came from the
// same court. Its ids therefore reveal no other court's order.
func (o *Orders) Reject(ctx context.Context, m *canonical.Message, claimed *journal.ClaimedError) error {
	j, err := o.Journal.Journey(ctx, claimed.Holder)
	if err != nil {
		return fmt.Errorf("reading court order %s: %w", claimed.Holder, err)
	}
	co := m.CourtOrder
	order := fmt.Sprintf("%s of court %s dated %s", co.Kind, co.Court.Code, co.OrderedOn)
	next := "or give a new order its own order number"
	if co.Number != "" {
		order = fmt.Sprintf("%s %s of court %s", co.Kind, journal.QuoteID(co.Number), co.Court.Code)
		next = "or correct the order number"
	}
	prisoner := "for the person committed to " + co.Prisoner.PrisonCode
	if co.Prisoner.Number != "" {
		prisoner = fmt.Sprintf("for prisoner %s of %s", journal.QuoteID(co.Prisoner.Number),
			co.Prisoner.PrisonCode)
	}
	received := "was received before"
	if first := j.Message.CourtOrder; first != nil && first.Number != co.Number {
		received = fmt.Sprintf("was received before, numbered %s, which the hub compares "+
			"in capitals and without invisible characters,", journal.QuoteID(first.Number))
	}
	return &ingest.ConflictError{Invalid: &schemas.ValidationError{Violations: []schemas.Violation{{
		Pointer: pointer(co), Rule: RuleOrderExists,
		Message: fmt.Sprintf("the %s %s %s as hub message %s (sender message id %s): the prison "+
			"acts on each order once, so resend that document with its own document "+
			"identification, %s", order, prisoner, received, j.MessageID,
			journal.QuoteID(j.SenderMessageID), next),
	}}}}
}
