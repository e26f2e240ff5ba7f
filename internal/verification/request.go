package verification

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sangam-hub/sangam/adapters/passport"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/jurisdiction"
	"github.com/sangam-hub/sangam/schemas"
)

// RuleJurisdiction is the violation rule of a present address whose PIN
// no station in the jurisdiction table serves.
const RuleJurisdiction = "jurisdiction"

// RuleHubOnly is the violation rule of a field only the hub may set.
const RuleHubOnly = passport.RuleHubOnly

// RequestEnricher completes each verification request before it is
// routed: it assigns the police station that serves the applicant's
// present address and that station's district office, sets the due date
// when the passport office gave none, and attaches the cases the Index
// matches. It leaves the hub's escalations, which carry their request's
// data, and other messages alone, and rejects an escalated request from
// any other source. Its fields are set once before use.
type RequestEnricher struct {
	// Index matches the applicant against the hub's records. Required.
	Index *Index
	// Jurisdiction maps the present address to a station. Required.
	Jurisdiction *jurisdiction.Table
	// Deadline is how long after the hub receives a request the report is
	// due, when the request has no due date. Default DefaultDeadline.
	Deadline time.Duration
	// Zone is the zone of due dates. Default IST.
	Zone *time.Location
}

// Enrich implements ingest.Enricher. A request that sets a field only
// the hub sets (see passport.HubOnlyViolations), has no present address,
// or has a present PIN that no station serves returns an error wrapping
// a *schemas.ValidationError that lists each of these violations, sorted
// by pointer. An index failure returns an error of another kind.
func (e *RequestEnricher) Enrich(ctx context.Context, m *canonical.Message) error {
	r := m.VerificationRequest
	if m.Type != canonical.TypeVerificationRequest || r == nil {
		return nil
	}
	if r.Escalated && m.Source == EscalationSource {
		return nil
	}
	violations := passport.HubOnlyViolations(r)
	station, err := e.station(&r.Applicant)
	if vs := schemas.Violations(err); vs != nil {
		violations = append(violations, vs...)
	} else if err != nil {
		return err
	}
	if len(violations) > 0 {
		schemas.SortByPointer(violations)
		return schemas.Invalid(violations...)
	}
	r.PoliceStation = station.Code
	r.DistrictOffice = station.DistrictOffice.Code
	// Holders sets the units that receive the request once it is routed.
	r.HeldBy = nil
	if r.DueOn == "" {
		r.DueOn = dateOf(m.ReceivedAt.Add(e.deadline()), e.zone())
	}
	matches, err := e.Index.Match(ctx, r)
	if err != nil {
		return err
	}
	r.Matches = matches
	return nil
}

// station returns the station that serves the applicant's first present
// address.
func (e *RequestEnricher) station(p *canonical.Person) (jurisdiction.Station, error) {
	const at = "/verification_request/applicant/addresses"
	for i, a := range p.Addresses {
		if a.Kind != "present" {
			continue
		}
		pointer := fmt.Sprintf("%s/%d/pin", at, i)
		if a.PIN == "" {
			return jurisdiction.Station{}, schemas.Invalid(schemas.Violation{
				Pointer: pointer, Rule: "required",
				Message: "missing PIN of the present address, which chooses the police station"})
		}
		s, err := e.Jurisdiction.Lookup(a)
		if errors.Is(err, jurisdiction.ErrNotFound) {
			return jurisdiction.Station{}, schemas.Invalid(schemas.Violation{
				Pointer: pointer, Rule: RuleJurisdiction,
				Message: err.Error()})
		}
		return s, err
	}
	return jurisdiction.Station{}, schemas.Invalid(schemas.Violation{
		Pointer: at, Rule: "required",
		Message: "missing present address, whose PIN chooses the police station"})
}

func (e *RequestEnricher) deadline() time.Duration {
	if e.Deadline > 0 {
		return e.Deadline
	}
	return DefaultDeadline
}

func (e *RequestEnricher) zone() *time.Location {
	if e.Zone != nil {
		return e.Zone
	}
	return IST
}
