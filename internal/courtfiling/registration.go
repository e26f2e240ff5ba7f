package courtfiling

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/schemas"
)

// RuleRegisteredElsewhere is the violation rule of a court's callback
// that registers a filing under another CNR than an earlier callback of
// the court registered it. It is also the rule of a callback that ties a
// CNR to another FIR than the first accepted registration of that CNR.
const RuleRegisteredElsewhere = "registered-elsewhere"

// ClaimRegistrationTurn is the kind of journal claim that numbers the
// court's callbacks for one final report of the hub in the order the
// journal took them. Its key is the report's hub message id, a slash and
// the number, as in "0199c3a4-7f1e-7b2a-9c1d-5e6f7a8b9c0d/2".
const ClaimRegistrationTurn = "court-registration-turn"

// RuleFilingRejected is the violation rule of a court's callback that
// accepts a filing that an earlier callback of the court rejected or
// returned. That callback ended the report's claim, so the station may
// have filed a corrected report with the same number in its place.
const RuleFilingRejected = "filing-rejected"

// ClaimCaseFIR is the kind of journal claim, keyed by a CNR, that the
// first accepted court registration of the CNR with a FIR takes. A CNR is
// one case, and a case comes from one FIR.
const ClaimCaseFIR = "court-case-fir"

// Guard implements ingest.Guard for a court's callback. It runs
// guardFiling for a callback that names a final report of the hub, which
// Enrich found, and guardCase for every callback.
func (e *Callbacks) Guard(ctx context.Context, m *canonical.Message) ([]journal.Claim, error) {
	reg := m.CourtRegistration
	if m.Type != canonical.TypeCourtRegistration || reg == nil {
		return nil, nil
	}
	var claims []journal.Claim
	if m.CorrelationID != "" && !reg.UnknownFiling {
		turn, err := e.guardFiling(ctx, m)
		if err != nil {
			return nil, err
		}
		claims = append(claims, turn)
	}
	caseClaims, err := e.guardCase(ctx, m)
	if err != nil {
		return nil, err
	}
	return append(claims, caseClaims...), nil
}

// guardFiling returns the callback's turn claim, numbered one past the
// report's callbacks that it read, so the journal takes one report's
// callbacks one at a time. Of two callbacks checked at the same moment,
// on one replica or two, the second to reach the journal finds its turn
// taken and is checked again against the first.
//
// A callback that does not reject or return the filing gets an
// *ingest.ConflictError at /court_registration/status when an earlier
// callback rejected or returned it, because the report's claim has ended.
// Otherwise, when it gives another CNR than the one the court
// registered the filing under before, it gets an *ingest.ConflictError
// at /court_registration/cnr naming that CNR. Supplementary reports name
// the case by that CNR, so a second one would send them to another case.
// The check runs after Enrich's court checks, so another court learns
// nothing of this filing's case.
func (e *Callbacks) guardFiling(ctx context.Context, m *canonical.Message) (journal.Claim, error) {
	reg := m.CourtRegistration
	registrations, turns, err := readRegistrations(ctx, e.Journal, m.CorrelationID)
	if err != nil {
		return journal.Claim{}, err
	}
	turn := journal.Claim{Kind: ClaimRegistrationTurn, Key: turnPrefix(m.CorrelationID) + strconv.Itoa(turns+1)}
	if Rejected(reg.Status) {
		return turn, nil
	}
	if r, ok := rejection(registrations); ok {
		return journal.Claim{}, &ingest.ConflictError{Invalid: &schemas.ValidationError{Violations: []schemas.Violation{{
			Pointer: "/court_registration/status", Rule: RuleFilingRejected,
			Message: fmt.Sprintf("filing %s has the status %s from the court's callback %s, hub "+
				"message %s: the station files a corrected report in place of a rejected or "+
				"returned one, so docket that report's filing instead",
				journal.QuoteID(m.CorrelationID), FilingStatus(r.status),
				journal.QuoteID(r.senderMessageID), r.messageID),
		}}}}
	}
	earlier := registeredCNR(registrations)
	if reg.CNR == "" || earlier == "" || earlier == reg.CNR {
		return turn, nil
	}
	return journal.Claim{}, &ingest.ConflictError{Invalid: &schemas.ValidationError{Violations: []schemas.Violation{{
		Pointer: "/court_registration/cnr", Rule: RuleRegisteredElsewhere,
		Message: fmt.Sprintf("filing %s is registered as case %s already: a filing has one case, "+
			"so send the callback with that CNR", journal.QuoteID(m.CorrelationID), earlier),
	}}}}
}

// rejection returns the first of registrations that rejected or returned
// the filing.
func rejection(registrations []registration) (registration, bool) {
	for _, r := range registrations {
		if Rejected(r.status) {
			return r, true
		}
	}
	return registration{}, false
}

// guardCase checks a callback that accepts a filing as a case with a CNR
// and a FIR against the first accepted registration of that CNR. One
// that names another FIR gets an *ingest.ConflictError at
// /court_registration/cnr, so an order that names the case by CNR alone
// reaches the station of the case's FIR. For the first registration of a
// CNR, guardCase returns the claim, which that registration then holds.
// Registrations that reject or return a filing neither take nor read the
// claim. Nor do they release it when they return a filing that the
// holder registered: a CNR stays the number of one case, so the station's
// corrected report may be registered under it only with the same FIR.
//
// NOTE: registrations journaled before the hub kept this claim hold
// none, so the first registration of such a CNR after it takes the claim
// whatever FIR the older ones name.
func (e *Callbacks) guardCase(ctx context.Context, m *canonical.Message) ([]journal.Claim, error) {
	reg := m.CourtRegistration
	if reg.CNR == "" || reg.FIR == nil || Rejected(reg.Status) {
		return nil, nil
	}
	claim := journal.Claim{Kind: ClaimCaseFIR, Key: reg.CNR}
	holder, err := e.Journal.ClaimHolder(ctx, claim)
	if errors.Is(err, journal.ErrNotFound) {
		return []journal.Claim{claim}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the registration of case %s: %w", reg.CNR, err)
	}
	j, err := e.Journal.Journey(ctx, holder)
	if err != nil {
		return nil, fmt.Errorf("reading registration %s of case %s: %w", holder, reg.CNR, err)
	}
	first := j.Message.CourtRegistration
	if first == nil || first.FIR == nil || sameFIR(*first.FIR, *reg.FIR) {
		return nil, nil
	}
	return nil, &ingest.ConflictError{Invalid: &schemas.ValidationError{Violations: []schemas.Violation{{
		Pointer: "/court_registration/cnr", Rule: RuleRegisteredElsewhere,
		Message: fmt.Sprintf("case %s is registered to %s already, by the court's callback %s, hub "+
			"message %s, but this callback names %s: a CNR belongs to one FIR, so correct the CNR, "+
			"the FIR or the filing id", reg.CNR, first.FIR, journal.QuoteID(j.SenderMessageID), holder,
			reg.FIR),
	}}}}
}

// registration is one journaled callback of the court for a filing.
type registration struct {
	messageID, senderMessageID string
	status, cnr                string
	// turn is the number of the callback's turn claim, or 0 for a
	// callback journaled without one.
	turn       int
	receivedAt time.Time
}

func turnPrefix(filingID string) string { return filingID + "/" }

// readRegistrations returns the court's journaled callbacks for the final
// report filingID in the order the journal took them, and the number of
// turn claims of that report. Callbacks without a turn claim, which the
// hub journaled before it numbered them, come first, by the time the hub
// received them.
//
// It reads the turn claims before the callbacks, so a callback journaled
// between the two reads holds the turn numbered one past the claims read.
func readRegistrations(ctx context.Context, store journal.Store, filingID string) ([]registration, int, error) {
	turns, err := store.ClaimsUnder(ctx, ClaimRegistrationTurn, turnPrefix(filingID))
	if err != nil {
		return nil, 0, fmt.Errorf("reading the turns of the court's registrations of %s: %w", filingID, err)
	}
	turnOf := make(map[string]int, len(turns))
	for _, c := range turns {
		if n, err := strconv.Atoi(strings.TrimPrefix(c.Key, turnPrefix(filingID))); err == nil {
			turnOf[c.Holder] = n
		}
	}

	// Find returns the newest callbacks, which decide registeredCNR, when
	// a filing has more than journal.MaxLimit of them.
	found, err := store.Find(ctx, journal.Query{CorrelationID: filingID,
		Type: canonical.TypeCourtRegistration, Limit: journal.MaxLimit})
	if err != nil {
		return nil, 0, fmt.Errorf("reading the court's registrations of %s: %w", filingID, err)
	}
	var registrations []registration
	for _, s := range found {
		j, err := store.Journey(ctx, s.MessageID)
		if err != nil {
			return nil, 0, fmt.Errorf("reading registration %s: %w", s.MessageID, err)
		}
		reg := j.Message.CourtRegistration
		if reg == nil {
			continue
		}
		registrations = append(registrations, registration{messageID: s.MessageID,
			senderMessageID: s.SenderMessageID, status: reg.Status, cnr: reg.CNR,
			turn: turnOf[s.MessageID], receivedAt: s.ReceivedAt})
	}
	slices.SortFunc(registrations, func(a, b registration) int {
		return cmp.Or(cmp.Compare(a.turn, b.turn), a.receivedAt.Compare(b.receivedAt))
	})
	return registrations, len(turns), nil
}

// registeredCNR returns the CNR of the latest of registrations, in
// journal order, that gives one, or "" when there is none or a later
// callback rejected or returned the filing.
func registeredCNR(registrations []registration) string {
	cnr := ""
	for _, r := range registrations {
		switch {
		case Rejected(r.status):
			cnr = ""
		case r.cnr != "":
			cnr = r.cnr
		}
	}
	return cnr
}
