package verification

import (
	"context"
	"errors"
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

// ClaimEscalation is the kind of journal claim, keyed by the hub id of a
// verification request, that the request's escalation holds. When the
// journal takes the first report on the request, or a request that
// replaced it, before an escalation, that message holds it instead. The
// journal thus keeps the tracker from escalating a request that a report
// or a replacement reached at the same moment.
const ClaimEscalation = "verification-escalation"

// OpenRequestCheck rejects a second verification request for a passport
// file while the first is open: journaled, and with no report yet.
// The station already has the first, so a second would send it the same
// verification twice. A resend of the open request itself, with its
// message id, passes, and the journal returns it as a duplicate. A
// request for a file whose newest request has a report passes too,
// because that verification is over. The request format has no field
// that marks a deliberate re-verification, so none is let through.
//
// A new request also passes when the open one is stranded: the routes
// sent it, and its escalation if the hub escalated it, to no
// destination. No police unit has it then, and nothing the hub holds
// can deliver it, since the hub routes each message once. Enrich marks
// such a request as replacing the stranded one, and the tracker no
// longer escalates the stranded one. A request with a dead-lettered
// delivery is not stranded, because an operator's replay delivers it.
// The replacement and the tracker's escalation of the stranded request
// take its ClaimEscalation, so the journal takes only the first of them
// (see Guard). The first report on a request that has no escalation
// takes the claim too, so the tracker does not escalate a request whose
// report arrived while the tracker checked it.
//
// The open request holds a journal claim on its file, which the first
// report on it ends, or a request that replaces it takes over, so of two
// requests for one file that arrive at once, on one replica or two, one
// is journaled.
type OpenRequestCheck struct {
	// Journal contains the requests and reports. Required.
	Journal journal.Store
	// Units maps the open request's destinations to police units, so
	// that the rejection can name the units that never received the
	// request. With Units nil it names none.
	Units UnitLookup
}

// Enrich implements ingest.Enricher. It sets Replaces on a request from
// the passport office when another request holds the file's claim and
// is stranded (see OpenRequestCheck). Run it after the RequestEnricher,
// which rejects a Replaces that the sender set.
func (c *OpenRequestCheck) Enrich(ctx context.Context, m *canonical.Message) error {
	r := m.VerificationRequest
	if m.Type != canonical.TypeVerificationRequest || r == nil || r.Escalated {
		return nil
	}
	holder, err := c.Journal.ClaimHolder(ctx, journal.Claim{Kind: ClaimOpenRequest, Key: r.FileNumber})
	if errors.Is(err, journal.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading the open request of passport file %s: %w", r.FileNumber, err)
	}
	open, err := c.Journal.Journey(ctx, holder)
	if err != nil {
		return fmt.Errorf("reading the open request %s: %w", holder, err)
	}
	if open.Source == m.Source && open.SenderMessageID == m.SenderMessageID {
		// A resend, which the journal returns as a duplicate.
		return nil
	}
	esc, escalated, err := escalationJourney(ctx, c.Journal, holder)
	if err != nil {
		return err
	}
	if stranded(open, esc, escalated) {
		r.Replaces = holder
	}
	return nil
}

// stranded reports whether the routes sent request, and its escalation
// esc when escalated is set, to no destination.
func stranded(request, esc journal.Journey, escalated bool) bool {
	return len(request.Deliveries) == 0 && (!escalated || len(esc.Deliveries) == 0)
}

// Claims implements ingest.Claimer. A request from the passport office
// claims its file, and a request that replaces a stranded one ends that
// one's claim. The hub's escalation of a request takes the request's
// ClaimEscalation. A report ends the claim of the request it replies to,
// whose id the ReportEnricher set as the report's correlation id. The
// ClaimEscalation of a replacement or a report depends on what the
// journal contains when it arrives, so Guard returns it.
func (c *OpenRequestCheck) Claims(m *canonical.Message) ([]journal.Claim, []journal.Release) {
	switch {
	case m.Type == canonical.TypeVerificationRequest && m.VerificationRequest != nil &&
		m.VerificationRequest.Escalated:
		return []journal.Claim{{Kind: ClaimEscalation, Key: m.CorrelationID}}, nil
	case m.Type == canonical.TypeVerificationRequest && m.VerificationRequest != nil &&
		!m.VerificationRequest.Escalated:
		r := m.VerificationRequest
		claim := journal.Claim{Kind: ClaimOpenRequest, Key: r.FileNumber}
		if r.Replaces == "" {
			return []journal.Claim{claim}, nil
		}
		return []journal.Claim{claim}, []journal.Release{{Claim: claim, Holder: r.Replaces}}
	case m.Type == canonical.TypeVerificationReport && m.VerificationReport != nil && m.CorrelationID != "":
		return nil, []journal.Release{{
			Claim:  journal.Claim{Kind: ClaimOpenRequest, Key: m.VerificationReport.FileNumber},
			Holder: m.CorrelationID,
		}}
	}
	return nil, nil
}

// Reject implements ingest.Claimer. For a request it returns an
// *ingest.ConflictError at the request's file number that names the open
// request and what moves it on: a police report, and an operator's replay
// of each dead letter of its deliveries to police units. The error is
// retryable when the open request is stranded, because a new post then
// replaces it. For the hub's escalation of a request with a report, or
// one that another request replaced, it returns an error wrapping
// claimed that names the holder.
func (c *OpenRequestCheck) Reject(ctx context.Context, m *canonical.Message, claimed *journal.ClaimedError) error {
	if claimed.Claim.Kind == ClaimEscalation {
		return c.rejectEscalation(ctx, claimed)
	}
	return c.openConflict(ctx, claimed.Claim.Key, claimed.Holder)
}

// rejectEscalation returns the error of an escalation whose request's
// ClaimEscalation another message holds, as claimed names it.
func (c *OpenRequestCheck) rejectEscalation(ctx context.Context, claimed *journal.ClaimedError) error {
	holder, err := c.Journal.Journey(ctx, claimed.Holder)
	if err != nil {
		return fmt.Errorf("escalating request %s: reading message %s, the holder of its escalation claim: %w: %w",
			claimed.Claim.Key, claimed.Holder, err, claimed)
	}
	if holder.Message.Type == canonical.TypeVerificationReport {
		return fmt.Errorf("escalating request %s: report %s on it was journaled first: %w",
			claimed.Claim.Key, claimed.Holder, claimed)
	}
	return fmt.Errorf("escalating request %s: request %s replaced it first: %w",
		claimed.Claim.Key, claimed.Holder, claimed)
}

// Guard implements ingest.Guard for a report (see guardReport) and for a
// request that Enrich marked as replacing a stranded one (see
// guardReplacement).
func (c *OpenRequestCheck) Guard(ctx context.Context, m *canonical.Message) ([]journal.Claim, error) {
	r := m.VerificationRequest
	switch {
	case m.Type == canonical.TypeVerificationReport && m.VerificationReport != nil:
		return c.guardReport(ctx, m)
	case m.Type == canonical.TypeVerificationRequest && r != nil && !r.Escalated && r.Replaces != "":
		return c.guardReplacement(ctx, r)
	}
	return nil, nil
}

// guardReplacement returns, while the stranded request that r replaces
// has no escalation and no report, the stranded request's
// ClaimEscalation, which the tracker's escalation of that request and a
// report on it take too. When the tracker journals the escalation first,
// the journal rejects the replacement's claim and the Service runs Guard
// again, which then finds the escalation. A replacement of a request
// whose escalation went to no destination passes. Otherwise a police
// unit may have the escalation, and guardReplacement returns the
// open-request conflict that Reject returns. A replacement of a request
// whose report the journal took first passes without the claim, because
// the report holds it and the tracker no longer escalates that request.
//
// NOTE: such a replacement is journaled with Replaces naming the
// reported request, so a later report on that request is rejected as
// one on a replaced request.
func (c *OpenRequestCheck) guardReplacement(
	ctx context.Context,
	r *canonical.VerificationRequest,
) ([]journal.Claim, error) {
	open, err := c.Journal.Journey(ctx, r.Replaces)
	if err != nil {
		return nil, fmt.Errorf("reading the replaced request %s: %w", r.Replaces, err)
	}
	esc, escalated, err := escalationJourney(ctx, c.Journal, r.Replaces)
	if err != nil {
		return nil, err
	}
	reported, err := hasReport(ctx, c.Journal, r.Replaces)
	if err != nil {
		return nil, err
	}
	switch {
	case reported:
		return nil, nil
	case !escalated:
		return []journal.Claim{{Kind: ClaimEscalation, Key: r.Replaces}}, nil
	case stranded(open, esc, escalated):
		return nil, nil
	}
	return nil, c.openConflict(ctx, r.FileNumber, r.Replaces)
}

// guardReport returns, for report m on a request with no escalation and
// no earlier report, the request's ClaimEscalation, which the tracker's
// escalation of the request takes too. The ReportEnricher has set m's
// correlation id to the request's hub id. When the journal takes the
// escalation first, or an earlier report, the Service runs Guard again,
// which finds it and returns no claim, so the report is accepted as one
// on an escalated or reported request. When a request that replaced m's
// request holds the claim, guardReport returns the error that the
// ReportEnricher returns for a report on a replaced request.
//
// NOTE: that error names m's correlation id as the report's in_reply_to
// even when the report had none and so replied to the file's newest
// request.
func (c *OpenRequestCheck) guardReport(ctx context.Context, m *canonical.Message) ([]journal.Claim, error) {
	id := m.CorrelationID
	if id == "" {
		return nil, nil
	}
	_, escalated, err := escalationJourney(ctx, c.Journal, id)
	if err != nil || escalated {
		return nil, err
	}
	reported, err := hasReport(ctx, c.Journal, id)
	if err != nil || reported {
		return nil, err
	}

	claim := journal.Claim{Kind: ClaimEscalation, Key: id}
	holder, err := c.Journal.ClaimHolder(ctx, claim)
	if errors.Is(err, journal.ErrNotFound) {
		return []journal.Claim{claim}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the escalation claim of request %s: %w", id, err)
	}
	claimant, err := c.Journal.Journey(ctx, holder)
	if err != nil {
		return nil, fmt.Errorf("reading message %s, the holder of the escalation claim of request %s: %w",
			holder, id, err)
	}
	if r := claimant.Message.VerificationRequest; r == nil || r.Escalated {
		// An escalation or report journaled since the reads above.
		return nil, nil
	}

	req, err := c.Journal.Journey(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("reading request %s: %w", id, err)
	}
	return nil, checkReplaced(ctx, c.Journal, id, req.Message)
}

// hasReport reports whether the journal has a report correlated with
// request requestID.
func hasReport(ctx context.Context, store journal.Store, requestID string) (bool, error) {
	found, err := store.Find(ctx, journal.Query{
		CorrelationID: requestID, Type: canonical.TypeVerificationReport, Limit: 1,
	})
	if err != nil {
		return false, fmt.Errorf("finding the reports on request %s: %w", requestID, err)
	}
	return len(found) > 0, nil
}

// openConflict returns the *ingest.ConflictError of a request for
// passport file fileNumber, whose open request is the message holder.
func (c *OpenRequestCheck) openConflict(ctx context.Context, fileNumber, holder string) error {
	open, err := c.Journal.Journey(ctx, holder)
	if err != nil {
		return fmt.Errorf("reading the open request %s: %w", holder, err)
	}
	esc, escalated, err := escalationJourney(ctx, c.Journal, holder)
	if err != nil {
		return err
	}
	ds, err := deliveries(ctx, c.Journal, c.Units, open)
	if err != nil {
		return fmt.Errorf("reading the deliveries of the open request %s: %w", holder, err)
	}
	step := nextStep(open, esc, escalated, ds)
	return &ingest.ConflictError{Invalid: &schemas.ValidationError{Violations: []schemas.Violation{{
		Pointer: "/verification_request/file_number", Rule: RuleOpenRequest,
		Message: fmt.Sprintf("passport file %s has an open verification request, message id %s "+
			"(hub message %s), which no police report has answered yet. %s",
			fileNumber, journal.QuoteID(open.SenderMessageID), open.MessageID, step),
	}}}, Retryable: stranded(open, esc, escalated)}
}

// nextStep returns what the passport office can do about an open
// request, given its escalation esc when escalated is set and the
// deliveries ds of both to police units. Resending the request does not
// help, because the hub takes a resend for a duplicate and delivers
// nothing.
func nextStep(request, esc journal.Journey, escalated bool, ds []Delivery) string {
	requestDead := deadLettersOf(ds, request.MessageID)
	escalationDead := deadLettersOf(ds, esc.MessageID)
	switch {
	case stranded(request, esc, escalated):
		// The open request reached the hub after Enrich read the file's
		// claim, as the file's first request or as another replacement
		// of the request that Enrich read.
		return "No police unit received it, because the hub's routes sent it to no destination, " +
			"so a new request replaces it. It reached the hub while the hub checked yours: " +
			"post yours again"
	case undelivered(ds):
		return "No police unit received it, because " + failedDeliveries(requestDead, escalationDead) +
			". Ask the hub's operator to replay each dead letter named. Resending the request does not " +
			"deliver it, because the hub answers a resend as a duplicate"
	}
	step := "Wait for its report"
	switch {
	case escalated && len(esc.Deliveries) == 0:
		step += ". Its due date passed and the hub escalated it, but the routes send the " +
			"escalation to no destination, so only the request's own destinations get it"
	case escalated:
		step += ". Its due date passed, and the hub escalated it"
	}
	if requestDead != "" {
		step += ". Its delivery to " + requestDead + " failed"
	}
	if escalationDead != "" {
		step += ". The escalation's delivery to " + escalationDead + " failed"
	}
	if requestDead != "" || escalationDead != "" {
		step += ", and the hub's operator can replay each dead letter named"
	}
	return step
}

// failedDeliveries describes why no police unit received a request, given
// the dead letters of its deliveries to police units, requestDead, and of
// its escalation's, escalationDead, as deadLetters lists them. With
// requestDead empty, the routes sent the request itself to no police unit.
func failedDeliveries(requestDead, escalationDead string) string {
	escalation := "the hub escalated it, but the escalation's delivery failed: " + escalationDead
	switch {
	case escalationDead == "":
		return "its delivery failed: " + requestDead
	case requestDead == "":
		return "the hub's routes sent it to no police unit, and " + escalation
	}
	return "its delivery failed: " + requestDead + ", and " + escalation
}
