package verification

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/journal"
)

// DefaultInterval is the pause between a Tracker's passes.
const DefaultInterval = time.Minute

// passLimit is the most overdue requests one pass escalates; the next
// pass takes the rest.
const passLimit = 100

// Tracker escalates verification requests whose due date has passed with
// no report. Its fields are set once before use. Several replicas may
// run trackers on one journal: the journal keeps one escalation per
// request.
type Tracker struct {
	// Index lists the open requests. Required.
	Index *Index
	// Journal is read for reports and for the requests' data. Required.
	Journal journal.Store
	// Submitter journals and routes each escalation. Required.
	Submitter Submitter
	// Now returns the current time. Default time.Now.
	Now func() time.Time
	// Zone is the zone of due dates. Default IST.
	Zone *time.Location
	// Interval is the pause between passes. Default DefaultInterval.
	Interval time.Duration
	// Log receives the tracker's logs. Default slog.Default().
	Log *slog.Logger
}

// Run makes a pass at once and then one every Interval, until ctx ends.
// A failed pass is logged and the next one tries again.
func (t *Tracker) Run(ctx context.Context) {
	interval := t.Interval
	if interval <= 0 {
		interval = DefaultInterval
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		if _, err := t.Pass(ctx); err != nil && ctx.Err() == nil {
			t.log().Error("verification deadline pass failed", "error", err)
		}
		timer.Reset(interval)
	}
}

// Pass escalates the open requests due before today, up to passLimit,
// and returns how many escalations it submitted. A request with a report
// correlated to it in the journal is marked reported instead, and one
// that a later request replaced is marked replaced.
func (t *Tracker) Pass(ctx context.Context) (int, error) {
	today := dateOf(t.now(), t.zone())
	due, err := t.Index.overdue(ctx, today, passLimit)
	if err != nil {
		return 0, err
	}
	escalated := 0
	var errs []error
	for _, r := range due {
		sent, err := t.settle(ctx, r)
		if err != nil {
			errs = append(errs, fmt.Errorf("request %s: %w", r.messageID, err))
		}
		if sent {
			escalated++
		}
	}
	return escalated, errors.Join(errs...)
}

// settle marks r reported when the journal has its report, replaced
// when another request holds its file, and else submits its escalation
// and marks it escalated. It reports whether it submitted an escalation.
// A report on r, or a request that replaces r, journaled after the
// checks takes r's ClaimEscalation first, so the journal rejects the
// escalation and settle marks r reported or replaced (see
// settleClaimed).
func (t *Tracker) settle(ctx context.Context, r overdueRequest) (bool, error) {
	reported, err := hasReport(ctx, t.Journal, r.messageID)
	if err != nil {
		return false, err
	}
	if reported {
		return false, t.Index.setState(ctx, r.messageID, RequestReported, "")
	}
	replaced, err := t.replaced(ctx, r)
	if err != nil || replaced {
		return false, err
	}
	j, err := t.Journal.Journey(ctx, r.messageID)
	if err != nil {
		return false, fmt.Errorf("reading request: %w", err)
	}
	if j.Message.VerificationRequest == nil {
		return false, errors.New("message is not a verification request")
	}
	res, err := t.Submitter.Submit(ctx, Escalation(j.Message, t.now()))
	var claimed *journal.ClaimedError
	if errors.As(err, &claimed) && claimed.Claim.Kind == ClaimEscalation {
		return false, t.settleClaimed(ctx, r, claimed.Holder)
	}
	if err != nil {
		return false, fmt.Errorf("submitting escalation: %w", err)
	}
	var logErr error
	if !res.Duplicate {
		logErr = t.logEscalation(ctx, r, j, res.MessageID)
	}
	return !res.Duplicate, errors.Join(logErr,
		t.Index.setState(ctx, r.messageID, RequestEscalated, res.MessageID))
}

// settleClaimed marks r reported when the message holder, which holds
// r's ClaimEscalation, is a report, and else replaced by holder.
func (t *Tracker) settleClaimed(ctx context.Context, r overdueRequest, holder string) error {
	j, err := t.Journal.Journey(ctx, holder)
	if err != nil {
		return fmt.Errorf("reading message %s, the holder of the escalation claim of request %s: %w",
			holder, r.messageID, err)
	}
	if j.Message.Type == canonical.TypeVerificationReport {
		t.log().Info("verification request reported while being escalated, so not escalated",
			"message_id", r.messageID, "report_id", holder, "due_on", r.dueOn)
		return t.Index.setState(ctx, r.messageID, RequestReported, "")
	}
	return t.markReplaced(ctx, r, holder)
}

// replaced reports whether another request holds the claim on r's file,
// which with no report on r means that a request replaced r, and then
// marks r replaced. The index does not mark r itself when it adds the
// replacement, because Rebuild may add the replacement before r.
func (t *Tracker) replaced(ctx context.Context, r overdueRequest) (bool, error) {
	holder, err := t.Journal.ClaimHolder(ctx, journal.Claim{Kind: ClaimOpenRequest, Key: r.fileNumber})
	if errors.Is(err, journal.ErrNotFound) || (err == nil && holder == r.messageID) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading the open request of passport file %s: %w", r.fileNumber, err)
	}
	return true, t.markReplaced(ctx, r, holder)
}

// markReplaced marks r replaced by the request with hub id by.
func (t *Tracker) markReplaced(ctx context.Context, r overdueRequest, by string) error {
	t.log().Info("verification request replaced, so not escalated", "message_id", r.messageID,
		"replaced_by", by, "due_on", r.dueOn)
	return t.Index.setState(ctx, r.messageID, RequestReplaced, "")
}

// logEscalation logs the escalation escalationID of request r, whose
// journey is j. The line is a warning when the routes sent the
// escalation to no destination, because then no district office has it
// and the request's status is StateEscalationUndelivered.
func (t *Tracker) logEscalation(
	ctx context.Context,
	r overdueRequest,
	j journal.Journey,
	escalationID string,
) error {
	esc, err := t.Journal.Journey(ctx, escalationID)
	if err != nil {
		return fmt.Errorf("reading escalation %s: %w", escalationID, err)
	}
	args := []any{"message_id", r.messageID, "case_id", j.CaseKey, "escalation_id", escalationID,
		"due_on", r.dueOn}
	if len(esc.Deliveries) > 0 {
		t.log().Info("verification request escalated", args...)
		return nil
	}
	t.log().Warn("verification request escalated to no destination: no route matches the "+
		"escalation, so no district police office received it. Add a route for the office, "+
		"which delivers later escalations, and give the office this one another way",
		append(args, "district_office", j.Message.VerificationRequest.DistrictOffice)...)
	return nil
}

// Escalation returns the hub's escalation of request at time now: a copy
// of the request with Escalated set, from EscalationSource, correlated
// with the request. It keeps the request's holders, which route
// conditions therefore see.
func Escalation(request canonical.Message, now time.Time) canonical.Message {
	r := *request.VerificationRequest
	r.Escalated = true
	// Holders adds the units the routes send the escalation to.
	r.HeldBy = slices.Clone(r.HeldBy)
	return canonical.Message{
		Type:                canonical.TypeVerificationRequest,
		Source:              EscalationSource,
		SenderMessageID:     EscalationPrefix + request.ID,
		CorrelationID:       request.ID,
		CaseKey:             request.CaseKey,
		OccurredAt:          now,
		SchemaVersion:       canonical.SchemaVersion,
		VerificationRequest: &r,
	}
}

func (t *Tracker) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

func (t *Tracker) zone() *time.Location {
	if t.Zone != nil {
		return t.Zone
	}
	return IST
}

func (t *Tracker) log() *slog.Logger {
	if t.Log != nil {
		return t.Log
	}
	return slog.Default()
}
