// Package arrestclaim keeps one arrest memo of each arrest in the
// journal, as an ingest claimer. A police station that sends a memo
// again under a new message id, such as one re-entered after its system
// restarted, would otherwise give the court and the prison a second
// notice of the same arrest.
//
// Two memos are of one arrest when they name the same FIR, the same
// accused and the same arrest time to the second. The station's CCTNS
// person id, an identifier of type cctns_person, names the accused when
// the memo has one. Otherwise the primary name does, compared in NFC,
// in lower case and without the characters that show as nothing,
// together with the date of birth, or the birth year when the memo has
// no date.
//
// The journal's migrations give the arrest memos journaled before this
// claimer was installed their claims when their accused has a CCTNS
// person id. NOTE: older memos without one hold no claim, since their
// keys need a digest that the migrations do not compute, so a new copy
// of one of them is accepted.
package arrestclaim

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/schemas"
)

// RuleArrestExists is the violation rule of an arrest memo that the
// journal holds another memo of: the same FIR, accused and second.
const RuleArrestExists = "arrest-exists"

// ClaimArrest is the kind of journal claim that an arrest memo holds,
// keyed as KeyOf makes it.
const ClaimArrest = "arrest-memo"

// Arrests rejects a second memo of one arrest. Its field is set once
// before use.
type Arrests struct {
	// Journal contains the arrest memos already journaled. Required.
	Journal journal.Store
}

// Claims implements ingest.Claimer: an arrest memo with a time claims
// its arrest.
func (a *Arrests) Claims(m *canonical.Message) ([]journal.Claim, []journal.Release) {
	key, ok := KeyOf(m)
	if !ok {
		return nil, nil
	}
	return []journal.Claim{{Kind: ClaimArrest, Key: key}}, nil
}

// KeyOf returns the claim key of arrest memo m, and false when m is no
// arrest memo with a time. The key is the FIR's case key, the arrest
// time in whole seconds since the Unix epoch, rounded down, and the
// accused: "cctns_person/" and the station's person id, or "person/"
// and a digest of the person's name and birth. Only the accused part
// may contain a slash.
func KeyOf(m *canonical.Message) (string, bool) {
	a := m.Arrest
	if m.Type != canonical.TypeArrest || a == nil || a.At.IsZero() {
		return "", false
	}
	return a.FIR.Key() + "/" + strconv.FormatInt(a.At.Unix(), 10) + "/" + personKey(&a.Person), true
}

// personKey returns the accused part of an arrest's claim key.
func personKey(p *canonical.Person) string {
	for _, id := range p.Identifiers {
		if id.Type == canonical.IDCCTNSPerson && id.Value != "" {
			return canonical.IDCCTNSPerson + "/" + id.Value
		}
	}
	born := p.DateOfBirth
	if born == "" && p.BirthYear > 0 {
		born = strconv.Itoa(p.BirthYear)
	}
	person := struct {
		Name string `json:"name"`
		Born string `json:"born"`
	}{nameKey(p.PrimaryName()), born}
	data, err := json.Marshal(person)
	if err != nil {
		panic(fmt.Sprintf("arrestclaim: encoding a person: %v", err))
	}
	sum := sha256.Sum256(data)
	return "person/" + hex.EncodeToString(sum[:])
}

// nameKey returns name as the key compares it: in NFC with its white
// space collapsed, in lower case, without the characters that show as
// nothing.
func nameKey(name string) string {
	return strings.ToLower(strings.Map(func(r rune) rune {
		if canonical.ShowsAsNothing(r) {
			return -1
		}
		return r
	}, canonical.NormalizeText(name)))
}

// Reject implements ingest.Claimer. It returns an *ingest.ConflictError
// at /arrest/at that names the memo journaled before. The claim key
// starts with the FIR's case key, which names the police station, so
// that memo is one of a case of the same station. A token that lists
// stations posts only their documents (see internal/api), so its ids
// reveal no other station's memo to such a token.
func (a *Arrests) Reject(ctx context.Context, m *canonical.Message, claimed *journal.ClaimedError) error {
	j, err := a.Journal.Journey(ctx, claimed.Holder)
	if err != nil {
		return fmt.Errorf("reading arrest memo %s: %w", claimed.Holder, err)
	}
	arrest := m.Arrest
	return &ingest.ConflictError{Invalid: &schemas.ValidationError{Violations: []schemas.Violation{{
		Pointer: "/arrest/at", Rule: RuleArrestExists,
		Message: fmt.Sprintf("the arrest at %s of this accused, %s, in %s was reported before, as "+
			"hub message %s (sender message id %s), and memos of one accused in one FIR in the "+
			"same second are one arrest: resend that memo with its own message id, or correct "+
			"the time", arrest.At.Format(time.RFC3339), accusedBy(&arrest.Person), arrest.FIR,
			j.MessageID, journal.QuoteID(j.SenderMessageID)),
	}}}}
}

// accusedBy returns what identified the accused in the claim key,
// without the person's name or birth, which the hub does not log.
func accusedBy(p *canonical.Person) string {
	for _, id := range p.Identifiers {
		if id.Type == canonical.IDCCTNSPerson && id.Value != "" {
			return "CCTNS person id " + journal.QuoteID(id.Value)
		}
	}
	return "by name and birth"
}
