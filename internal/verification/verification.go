// Package verification carries out passport police verification in the
// hub. A request from the passport office goes to the police station
// that serves the applicant's present address, with the cases the hub's
// records hold against the applicant. A request with no report by its
// due date is escalated to the station's district police office, and a
// report that comes after the due date is marked late.
//
// The parts plug into ingest and the HTTP API:
//
//   - RequestEnricher assigns the station and district office, the due
//     date and the matching cases to each verification request before it
//     is routed.
//   - ReportEnricher marks a verification report late and links it to
//     the request it answers.
//   - CaseResolver fills in the FIR of a prisoner movement's case that
//     names only a CNR, from the court registrations in the Index.
//   - Index keeps the persons every journaled message names, the
//     requests still awaiting a report, and the FIR of each registered
//     CNR, in tables of the journal's own database. It observes each
//     message after commit and catches up from the journal at start.
//   - Holders records, after routing, the police units that receive a
//     verification request.
//   - Tracker escalates overdue requests through a Submitter.
//   - RequestStatus returns where a request stands.
//   - UnreachedUnits lists the stations and district offices of a
//     jurisdiction table that the routes give no destination of their
//     own for some requests or escalations.
package verification

import (
	"context"
	"time"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/ingest"
)

// EscalationSource is the Source of the escalations the hub itself
// sends. An escalation's SenderMessageID is EscalationPrefix and the id
// of the request it escalates, so the journal keeps one escalation per
// request whichever replica sends it and however often.
const (
	EscalationSource = "hub"
	EscalationPrefix = "escalation/"
)

// DefaultDeadline is how long after the hub receives a request its
// report is due, when the passport office gives no due date.
const DefaultDeadline = 21 * 24 * time.Hour

// IST is India Standard Time, the zone of due dates and report dates.
var IST = time.FixedZone("IST", 5*3600+1800)

// Submitter journals and routes a message the hub itself originates, as
// ingest does for an agency's message. The implementation keeps
// m.Source, sets the id and received time, validates m against the
// canonical schema and runs the enrichers. A message whose Source and
// SenderMessageID are already journaled is a duplicate: Submit then
// returns the original's result with Duplicate set and routes nothing.
type Submitter interface {
	Submit(ctx context.Context, m canonical.Message) (ingest.Result, error)
}

// Matched-by values of canonical.CaseMatch, strongest first.
const (
	MatchedByAadhaar        = "aadhaar_token"
	MatchedByPassport       = "passport_number"
	MatchedByNameBirth      = "name_and_date_of_birth"
	MatchedByNameFatherName = "name_and_father_name"
)

// matchRank orders the matched-by values, strongest first.
var matchRank = map[string]int{
	MatchedByAadhaar: 0, MatchedByPassport: 1, MatchedByNameBirth: 2, MatchedByNameFatherName: 3,
}

// dateOf returns t's calendar date in zone as YYYY-MM-DD.
func dateOf(t time.Time, zone *time.Location) string {
	return t.In(zone).Format(time.DateOnly)
}
