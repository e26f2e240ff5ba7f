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

// OpenRequestCheck rejects a second verification request for a passport
// file while the first is open: journaled, and with no report yet.
// The station already has the first, so a second would send it the same
// verification twice. A resend of the open request itself, with its
// message id, passes, and the journal returns it as a duplicate. A
// request for a file whose newest request has a report passes too,
// because that verification is over. The request format has no field
// that marks a deliberate re-verification, so none is let through.
//
// NOTE: two requests for one file that arrive at the same moment, on
// one replica or two, may both pass, because the check reads the
// journal before either is journaled.
type OpenRequestCheck struct {
	// Journal contains the requests and reports. Required.
	Journal journal.Store
}

// Enrich implements ingest.Enricher. It returns an *ingest.ConflictError
// at the request's file number when the file has an open request with
// another message id, and leaves other messages, the hub's escalations
// included, alone.
func (c *OpenRequestCheck) Enrich(ctx context.Context, m *canonical.Message) error {
	r := m.VerificationRequest
	if m.Type != canonical.TypeVerificationRequest || r == nil || r.Escalated {
		return nil
	}
	open, found, err := openRequest(ctx, c.Journal, r.FileNumber)
	if err != nil {
		return err
	}
	if !found || (open.Source == m.Source && open.SenderMessageID == m.SenderMessageID) {
		return nil
	}
	return &ingest.ConflictError{Invalid: &schemas.ValidationError{Violations: []schemas.Violation{{
		Pointer: "/verification_request/file_number", Rule: RuleOpenRequest,
		Message: fmt.Sprintf("passport file %s has an open verification request, message id %q "+
			"(hub message %s), which no police report has answered yet: wait for its report, "+
			"or resend that request with its own message id",
			r.FileNumber, open.SenderMessageID, open.MessageID),
	}}}}
}

// openRequest returns the newest request that the passport office sent
// for fileNumber when no report is correlated with it.
func openRequest(ctx context.Context, store journal.Store, fileNumber string) (journal.Summary, bool, error) {
	found, err := store.Find(ctx, journal.Query{
		CaseKey: canonical.PassportCaseKey(fileNumber), Limit: journal.MaxLimit,
	})
	if err != nil {
		return journal.Summary{}, false, fmt.Errorf("reading the requests for file %s: %w", fileNumber, err)
	}
	request, ok := newestRequest(found)
	if !ok {
		return journal.Summary{}, false, nil
	}
	for _, m := range found {
		if m.Type == canonical.TypeVerificationReport && m.CorrelationID == request.MessageID {
			return journal.Summary{}, false, nil
		}
	}
	return request, true, nil
}
