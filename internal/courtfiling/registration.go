package courtfiling

import (
	"cmp"
	"context"
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
// the court registered it.
const RuleRegisteredElsewhere = "registered-elsewhere"

// ClaimRegistrationTurn is the kind of journal claim that numbers the
// court's callbacks for one final report of the hub in the order the
// journal took them. Its key is the report's hub message id, a slash and
// the number, as in "0199c3a4-7f1e-7b2a-9c1d-5e6f7a8b9c0d/2".
const ClaimRegistrationTurn = "court-registration-turn"

// Guard implements ingest.Guard for a court's callback that names a
// final report of the hub, which Enrich found. It returns the callback's
// turn claim, numbered one past the report's callbacks that it read, so
// the journal takes one report's callbacks one at a time. Of two
// callbacks checked at the same moment, on one replica or two, the
// second to reach the journal finds its turn taken and is checked again
// against the first.
//
// A callback that does not reject or return the filing, and gives
// another CNR than the one the court registered the filing under before,
// gets an *ingest.ConflictError at /court_registration/cnr naming that
// CNR. Supplementary reports name the case by that CNR, so a second one
// would send them to another case. The check runs after Enrich's court
// checks, so another court learns nothing of this filing's case.
func (e *Callbacks) Guard(ctx context.Context, m *canonical.Message) ([]journal.Claim, error) {
	reg := m.CourtRegistration
	if m.Type != canonical.TypeCourtRegistration || reg == nil || m.CorrelationID == "" ||
		reg.UnknownFiling {
		return nil, nil
	}
	registrations, turns, err := readRegistrations(ctx, e.Journal, m.CorrelationID)
	if err != nil {
		return nil, err
	}
	turn := journal.Claim{Kind: ClaimRegistrationTurn, Key: turnPrefix(m.CorrelationID) + strconv.Itoa(turns+1)}
	if reg.CNR == "" || Rejected(reg.Status) {
		return []journal.Claim{turn}, nil
	}
	earlier := registeredCNR(registrations)
	if earlier == "" || earlier == reg.CNR {
		return []journal.Claim{turn}, nil
	}
	return nil, &ingest.ConflictError{Invalid: &schemas.ValidationError{Violations: []schemas.Violation{{
		Pointer: "/court_registration/cnr", Rule: RuleRegisteredElsewhere,
		Message: fmt.Sprintf("filing %s is registered as case %s already: a filing has one case; "+
			"send the callback with that CNR, or reject the filing first", m.CorrelationID, earlier),
	}}}}
}

// registration is one journaled callback of the court for a filing.
type registration struct {
	status, cnr string
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
		registrations = append(registrations, registration{status: reg.Status, cnr: reg.CNR,
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
