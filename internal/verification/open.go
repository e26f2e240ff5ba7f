package verification

import (
	"context"
	"fmt"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/schemas"
)

// RuleOpenRequest is the violation rule of a verification request for a
// passport file whose earlier request has no report yet.
const RuleOpenRequest = "open-request"

// ClaimOpenRequest is the kind of journal claim that a passport file's
// open verification request holds, keyed by the file number.
const ClaimOpenRequest = "open-verification-request"

// OpenRequestCheck rejects a second verification request for a passport
// file while the first is open: journaled, and with no report yet.
// The station already has the first, so a second would send it the same
// verification twice. A resend of the open request itself, with its
// message id, passes, and the journal returns it as a duplicate. A
// request for a file whose newest request has a report passes too,
// because that verification is over. The request format has no field
// that marks a deliberate re-verification, so none is let through.
//
// The open request holds a journal claim on its file, which the first
// report on it ends, so of two requests for one file that arrive at
// once, on one replica or two, one is journaled.
type OpenRequestCheck struct {
	// Journal contains the requests and reports. Required.
	Journal journal.Store
	// Units maps the open request's destinations to police units, so
	// that the rejection can name the units that never received the
	// request. With Units nil it names none.
	Units UnitLookup
}

// Claims implements ingest.Claimer. A request from the passport office
// claims its file; the hub's escalations claim nothing. A report ends
// the claim of the request it replies to, whose id the ReportEnricher
// set as the report's correlation id.
func (c *OpenRequestCheck) Claims(m *canonical.Message) ([]journal.Claim, []journal.Release) {
	switch {
	case m.Type == canonical.TypeVerificationRequest && m.VerificationRequest != nil &&
		!m.VerificationRequest.Escalated:
		return []journal.Claim{{Kind: ClaimOpenRequest, Key: m.VerificationRequest.FileNumber}}, nil
	case m.Type == canonical.TypeVerificationReport && m.VerificationReport != nil && m.CorrelationID != "":
		return nil, []journal.Release{{
			Claim:  journal.Claim{Kind: ClaimOpenRequest, Key: m.VerificationReport.FileNumber},
			Holder: m.CorrelationID,
		}}
	}
	return nil, nil
}

// Reject implements ingest.Claimer. It returns an *ingest.ConflictError
// at the request's file number that names the open request and what
// moves it on: a police report, and an operator's replay of each dead
// letter of its deliveries to police units.
func (c *OpenRequestCheck) Reject(ctx context.Context, m *canonical.Message, claimed *journal.ClaimedError) error {
	open, err := c.Journal.Journey(ctx, claimed.Holder)
	if err != nil {
		return fmt.Errorf("reading the open request %s: %w", claimed.Holder, err)
	}
	ds, err := deliveries(ctx, c.Journal, c.Units, open)
	if err != nil {
		return fmt.Errorf("reading the deliveries of the open request %s: %w", claimed.Holder, err)
	}
	step := nextStep(ds)
	if len(open.Deliveries) == 0 && len(ds) == 0 {
		step = "No police unit received it, because the hub's routes send it to no destination. " +
			"The hub escalates it after its due date, to the district police office if the routes " +
			"send escalations there; ask the hub's operator to route requests for its station. " +
			"Resending the request does not deliver it, because the hub answers a resend as a " +
			"duplicate"
	}
	return &ingest.ConflictError{Invalid: &schemas.ValidationError{Violations: []schemas.Violation{{
		Pointer: "/verification_request/file_number", Rule: RuleOpenRequest,
		Message: fmt.Sprintf("passport file %s has an open verification request, message id %q "+
			"(hub message %s), which no police report has answered yet. %s",
			claimed.Claim.Key, open.SenderMessageID, open.MessageID, step),
	}}}}
}

// nextStep returns what the passport office can do about an open
// request, given the request's deliveries ds. Resending the request does
// not help, because the hub takes a resend for a duplicate and delivers
// nothing.
func nextStep(ds []Delivery) string {
	dead := deadLetters(ds)
	switch {
	case undelivered(ds):
		return "No police unit received it, because its delivery failed: " + dead + ". " +
			"Ask the hub's operator to replay each dead letter named. Resending the request does not " +
			"deliver it, because the hub answers a resend as a duplicate"
	case dead != "":
		return "Wait for its report. Its delivery to " + dead + " failed, and the hub's operator " +
			"can replay each dead letter named"
	}
	return "Wait for its report"
}
