package delivery

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/sony/gobreaker/v2"

	"github.com/sangam-hub/sangam/adapters/registry"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/outbound"
	"github.com/sangam-hub/sangam/routes"
)

// Worker sends deliveries. Its fields are set once before use; Handle is
// safe for concurrent use.
//
// Handle never waits between attempts. A failed attempt records when the
// delivery is due again and returns; the Requeuer publishes a new command
// when that time comes. A destination that keeps failing therefore holds
// no bus partition and no handler.
type Worker struct {
	Store    journal.Store
	Routes   func() *routes.Table
	Adapters *registry.Set
	Breakers *Breakers
	// Client sends the HTTP requests. Each attempt's deadline comes from
	// the destination's timeout, so Client needs none of its own. Its
	// CheckRedirect is not used: an attempt never follows a redirect. A
	// destination with tls settings uses its endpoint's transport in
	// place of Client's.
	Client *http.Client
	// Endpoints returns the endpoints built from the routes in force: each
	// destination's credentials and TLS transport. Nil, or a set without
	// a destination, sends to it without either, unless its routes entry
	// has such settings: then the attempt fails without being sent. The
	// hub puts a new set in force before the table it was built from, so
	// a worker that reads Routes first and Endpoints second never gets a
	// set older than its table.
	Endpoints func() *outbound.Set
	Log       *slog.Logger
	// RetryInterval is the wait after the first failed attempt; each
	// later wait doubles, up to MaxRetryInterval. Waits vary by up to a
	// fifth either way so that failed deliveries do not return in step.
	RetryInterval    time.Duration
	MaxRetryInterval time.Duration
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
	// Drain, when set, is the context of every attempt instead of the bus
	// message's. The Kafka bus cancels a message's context as soon as the
	// hub starts to shut down. Drain ends later, so an attempt in flight
	// can finish within the shutdown deadline. Without it, another replica
	// or the restarted hub would send the attempt again.
	Drain context.Context
	// Observe, when set, is called with each attempt once the journal has
	// recorded it, such as to count attempts by result. An attempt that
	// finds its delivery already settled is not recorded and not observed.
	Observe func(d journal.Delivery, a journal.Attempt)

	// unrecorded holds attempts made but not recorded, because the
	// journal failed, so that the command's redelivery records them
	// instead of sending the delivery again.
	unrecorded unrecordedAttempts
}

// maxReason is how much of a destination's response body a dead-letter
// reason keeps, in bytes.
const maxReason = 512

// Handle is a watermill handler for delivery commands. It returns nil
// once it has acted on the command. It returns an error only when the
// journal cannot be read or written, or when shutdown cut an attempt
// short, so that the bus hands the command out again.
func (w *Worker) Handle(msg *message.Message) error {
	cmd, err := ParseCommand(msg)
	if err != nil {
		w.Log.Error("dropping unreadable delivery command", "error", err)
		return nil
	}
	ctx := msg.Context()
	if w.Drain != nil {
		ctx = w.Drain
	}
	d, m, err := w.Store.Delivery(ctx, cmd.DeliveryID)
	if errors.Is(err, journal.ErrNotFound) {
		w.Log.Error("dropping command for unknown delivery", "delivery_id", cmd.DeliveryID,
			"message_id", cmd.MessageID)
		return nil
	}
	if err != nil {
		return fmt.Errorf("loading delivery %s: %w", cmd.DeliveryID, err)
	}
	if d.Status != journal.StatusPending {
		w.unrecorded.take(d.ID)
		return nil
	}
	if a, ok := w.unrecorded.take(d.ID); ok && a.Number == len(d.Attempts)+1 {
		// The destination has had this attempt; record it rather than
		// send the delivery again.
		return w.record(ctx, d, a, true)
	}
	wait, err := w.mustWait(ctx, d)
	if err != nil || wait {
		return err
	}
	if off := w.Routes().RetriesOff(d.Destination, d.Route); off != "" && len(d.Attempts) > 0 {
		a := journal.Attempt{DeliveryID: d.ID, Number: len(d.Attempts) + 1, StartedAt: w.now(),
			NotSent: true}
		return w.settle(ctx, d, a, journal.StatusDead, 0, retriesOffReason(off, d.Attempts))
	}
	return w.attempt(ctx, d, &m)
}

// retriesOffReason returns the dead-letter reason of a delivery that
// waited for a retry when retries were switched off: off, why they are
// off, and the error of the last of attempts, the failure that left the
// delivery waiting. The journal keeps that error masked already, and it
// is masked again in case an older hub recorded it.
func retriesOffReason(off string, attempts []journal.Attempt) string {
	reason := notSentPrefix + off
	if last := attempts[len(attempts)-1].Error; last != "" {
		reason += "; last attempt: " + maskAadhaar(last)
	}
	return reason
}

// mustWait defers d instead of sending it when it is not due yet or an
// earlier delivery of its case to the same destination is pending
// (d.BlockedBy, read with d). The Requeuer sends a new command once d is
// due and unblocked.
func (w *Worker) mustWait(ctx context.Context, d journal.Delivery) (bool, error) {
	now := w.now()
	if d.NextAttemptAt.After(now) {
		return true, w.deferUntil(ctx, d, d.NextAttemptAt)
	}
	if d.BlockedBy != "" {
		w.Log.Debug("delivery waits for an earlier one of its case", "delivery_id", d.ID,
			"case_id", d.CaseKey, "destination", d.Destination, "blocked_by", d.BlockedBy)
		return true, w.deferUntil(ctx, d, now)
	}
	return false, nil
}

func (w *Worker) deferUntil(ctx context.Context, d journal.Delivery, at time.Time) error {
	err := w.Store.Defer(ctx, d.ID, at)
	if err != nil && !errors.Is(err, journal.ErrSettled) {
		return fmt.Errorf("deferring delivery %s: %w", d.ID, err)
	}
	return nil
}

func (w *Worker) attempt(ctx context.Context, d journal.Delivery, m *canonical.Message) error {
	a := journal.Attempt{DeliveryID: d.ID, Number: len(d.Attempts) + 1, StartedAt: w.now()}
	table := w.Routes()
	dest, ok := table.Destination(d.Destination)
	if !ok {
		return w.settle(ctx, d, a, journal.StatusDead, 0, fmt.Sprintf(
			"destination is no longer configured: routes version %s does not name it", table.Version()))
	}
	adapter, ok := w.Adapters.Adapter(dest.Agency)
	if !ok {
		return w.settle(ctx, d, a, journal.StatusDead, 0,
			fmt.Sprintf("no adapter for agency %q", dest.Agency))
	}
	shared, reason := share(table, d, m)
	if reason != "" {
		return w.settle(ctx, d, a, journal.StatusDead, 0, reason)
	}
	if p, ok := table.Policy(d.Destination); ok {
		a.Policy = table.Version() + "/" + p.Name()
	}
	enc, err := adapter.Encode(&shared)
	if err != nil {
		return w.settle(ctx, d, a, journal.StatusDead, 0, "encoding failed: "+err.Error())
	}

	endpoint, endpointErr := w.endpoint(dest)
	breaker := w.Breakers.get(dest.Name)
	var out outcome
	// A half-open breaker lets this attempt through to find out whether
	// the destination is back.
	trial := breaker.State() == gobreaker.StateHalfOpen
	_, err = breaker.Execute(func() (outcome, error) {
		if endpointErr != nil {
			out = outcome{err: endpointErr, notSent: true}
		} else {
			out = w.post(ctx, dest, endpoint, d, a.Number, enc.Body, enc.ContentType)
		}
		err := out.breakerError()
		if errors.Is(err, errFailed) {
			// Recorded before Execute returns, so that the log line of
			// the breaker opening on this failure can name it.
			w.Breakers.failed(dest.Name, out.describe(), w.now())
		}
		return out, err
	})
	if errors.Is(err, gobreaker.ErrOpenState) || errors.Is(err, gobreaker.ErrTooManyRequests) {
		if off := table.RetriesOff(d.Destination, d.Route); off != "" {
			// Waiting would give the delivery its one attempt at the
			// breaker's pace, one per replica per open time, while
			// retries are off to end the backlog.
			a.NotSent = true
			return w.settle(ctx, d, a, journal.StatusDead, 0, w.breakerOpenReason(dest.Name, off, err))
		}
		w.Log.Debug("breaker open, delivery deferred", "delivery_id", d.ID,
			"destination", d.Destination)
		// Due when this replica's breaker lets a probe through. Another
		// replica's breaker may have closed already and made it due.
		if err := w.deferUntil(ctx, d, w.now().Add(w.Breakers.openLeft(dest.Name))); err != nil {
			return err
		}
		// The breaker's OnClose makes the put-off deliveries due. When the
		// breaker closed between its refusal and the deferral above, that
		// may have run before the deferral, so make this one due itself.
		if w.Breakers.closed(dest.Name) {
			return w.deferUntil(ctx, d, w.now())
		}
		return nil
	}
	if ctx.Err() != nil {
		// The hub is shutting down: the attempt is not the destination's
		// failure, so record nothing and let the bus redeliver later.
		return fmt.Errorf("delivery %s interrupted: %w", d.ID, ctx.Err())
	}
	return w.conclude(ctx, d, dest, endpoint, a, out, trial)
}

// breakerOpenReason returns the dead-letter reason of a delivery to
// destination that its breaker rejected with err while retries are off.
// off states why they are off. The reason ends with the last failure
// that the breaker counted.
func (w *Worker) breakerOpenReason(destination, off string, err error) string {
	state := "open for destination " + strconv.Quote(destination)
	if errors.Is(err, gobreaker.ErrTooManyRequests) {
		state = "half-open for destination " + strconv.Quote(destination) + " with its probe in flight,"
	}
	reason := notSentPrefix + "circuit breaker " + state + " and " + off
	if last := w.Breakers.lastFailureOf(destination); last != "" {
		reason += "; last failure: " + last
	}
	return reason
}

// endpoint returns dest's endpoint in the set in force, nil when dest
// needs none, or an error when dest needs one that the set lacks.
func (w *Worker) endpoint(dest routes.Destination) (*outbound.Endpoint, error) {
	if w.Endpoints != nil {
		if set := w.Endpoints(); set != nil {
			if e, ok := set.Endpoint(dest.Name); ok {
				return e, nil
			}
		}
	}
	if outbound.Needed(dest) {
		return nil, fmt.Errorf(notSentPrefix+"the credentials and TLS settings of destination %q "+
			"are not loaded yet", dest.Name)
	}
	return nil, nil
}

// share applies the destination's policy in table to m and returns what
// the destination may receive, or the reason it may receive nothing.
func share(table *routes.Table, d journal.Delivery, m *canonical.Message) (canonical.Message, string) {
	p, ok := table.Policy(d.Destination)
	if !ok {
		return canonical.Message{}, "destination has no compiled policy"
	}
	out, decision, err := p.Apply(m)
	if err != nil {
		return canonical.Message{}, fmt.Sprintf("policy %q failed: %v", p.Name(), err)
	}
	if !decision.Allowed {
		return canonical.Message{}, fmt.Sprintf("policy %q does not accept %s messages",
			p.Name(), m.Type)
	}
	return out, ""
}

// conclude records an attempt's outcome: delivered, dead, or pending
// with the time of the next attempt. trial is set for an attempt that a
// half-open breaker let through. Such an attempt that fails leaves the
// delivery pending even after max_attempts, because its destination is
// still down and the delivery would have been parked had another one
// been picked for the trial. An attempt that was not sent, because the
// destination's files could not be used, leaves it pending too, and
// max_attempts counts only the attempts that were sent.
func (w *Worker) conclude(
	ctx context.Context,
	d journal.Delivery,
	dest routes.Destination,
	endpoint *outbound.Endpoint,
	a journal.Attempt,
	o outcome,
	trial bool,
) error {
	a.NotSent = o.notSent
	switch {
	case o.err == nil && o.status >= 200 && o.status < 300:
		return w.settle(ctx, d, a, journal.StatusDelivered, o.status, "")
	case o.err == nil && o.status >= 300 && o.status < 400:
		reason := fmt.Sprintf("destination redirected the delivery with HTTP %d to %q. "+
			"Deliveries do not follow redirects, so set the destination's url to the final address",
			o.status, o.location)
		return w.settle(ctx, d, a, journal.StatusDead, o.status, reason)
	case o.err == nil && (o.status == http.StatusUnauthorized || o.status == http.StatusForbidden):
		return w.settle(ctx, d, a, journal.StatusDead, o.status, unauthorizedReason(endpoint, o))
	case o.err == nil && !retryable(o.status):
		reason := fmt.Sprintf("destination rejected the delivery: HTTP %d: %s", o.status, o.body)
		return w.settle(ctx, d, a, journal.StatusDead, o.status, reason)
	}
	failure := o.describe()
	sent := sentAttempts(d.Attempts) + 1
	if !o.notSent && sent >= dest.MaxAttempts && !trial {
		count := plural(sent, "attempt")
		if unsent := a.Number - sent; unsent > 0 {
			count += fmt.Sprintf(" (and %d not sent)", unsent)
		}
		reason := fmt.Sprintf("gave up after %s: %s", count, failure)
		return w.settle(ctx, d, a, journal.StatusDead, o.status, reason)
	}
	if off := w.Routes().RetriesOff(d.Destination, d.Route); off != "" {
		reason := fmt.Sprintf("%s, so not retried: %s", off, failure)
		return w.settle(ctx, d, a, journal.StatusDead, o.status, reason)
	}
	a.NextAttemptAt = w.now().Add(w.backoff(a.Number))
	return w.settle(ctx, d, a, journal.StatusPending, o.status, failure)
}

// notSentPrefix starts the error of every attempt that was not sent, so
// that the error text shows it. Attempt.NotSent marks such an attempt in
// the journal.
const notSentPrefix = "not sent: "

// sentAttempts returns how many of attempts were sent to the destination:
// all but those that failed because its files could not be used.
func sentAttempts(attempts []journal.Attempt) int {
	n := 0
	for _, a := range attempts {
		if !a.NotSent {
			n++
		}
	}
	return n
}

// unauthorizedReason returns the dead-letter reason of a 401 or 403
// response. It names the credentials the hub sent, or states that the
// request carried none.
func unauthorizedReason(endpoint *outbound.Endpoint, o outcome) string {
	if sent := endpoint.Credentials(); sent != "" {
		return fmt.Sprintf("destination rejected the hub's credentials (%s): HTTP %d: %s",
			sent, o.status, o.body)
	}
	return fmt.Sprintf("destination rejected the delivery, which carried no credentials: "+
		"give the destination bearer_token_file, basic_auth or a tls client certificate "+
		"in the routes: HTTP %d: %s", o.status, o.body)
}

// backoff returns the wait after the given failed attempt.
func (w *Worker) backoff(attempt int) time.Duration {
	wait := w.RetryInterval
	for i := 1; i < attempt && wait < w.MaxRetryInterval; i++ {
		wait *= 2
	}
	wait = min(wait, w.MaxRetryInterval)
	jitter := 0.8 + 0.4*rand.Float64()
	return time.Duration(float64(wait) * jitter)
}

// outcome is the result of one HTTP attempt.
type outcome struct {
	status int
	// body is the start of the response body, as journalText makes it.
	body string
	// location is the Location header of a redirect, as journalText
	// makes it.
	location string
	err      error
	// notSent is true when the destination's credentials or TLS files
	// cannot be used, so nothing was sent. The breaker counts it as a
	// failure, which parks the destination's deliveries until the files
	// are fixed, and max_attempts does not count it.
	notSent bool
}

// breakerError returns the error the circuit breaker counts: errFailed
// for failures of the destination, unusable files of it included, the
// context's error when the hub cut the attempt short, and nil otherwise,
// 4xx responses included.
func (o outcome) breakerError() error {
	switch {
	case o.notSent:
		return errFailed
	case errors.Is(o.err, context.Canceled):
		return o.err
	case o.err != nil, retryable(o.status):
		return errFailed
	}
	return nil
}

func (o outcome) describe() string {
	if o.err != nil {
		return o.err.Error()
	}
	return fmt.Sprintf("HTTP %d: %s", o.status, o.body)
}

// retryable reports whether an HTTP status may succeed on a later try:
// server errors, request timeouts and rate limiting.
func retryable(status int) bool {
	return status >= 500 || status == http.StatusRequestTimeout ||
		status == http.StatusTooEarly || status == http.StatusTooManyRequests
}

func (w *Worker) post(
	ctx context.Context,
	dest routes.Destination,
	endpoint *outbound.Endpoint,
	d journal.Delivery,
	attempt int,
	body []byte,
	contentType string,
) outcome {
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, time.Duration(dest.Timeout))
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, dest.URL, bytes.NewReader(body))
	if err != nil {
		return outcome{err: fmt.Errorf("building request: %w", err)}
	}
	req.Header.Set("Content-Type", contentType)
	key := d.IdempotencyKey
	if key == "" {
		key = d.ID
	}
	req.Header.Set("Idempotency-Key", key)
	req.Header.Set("X-Sangam-Message-Id", d.MessageID)
	req.Header.Set("X-Sangam-Attempt", strconv.Itoa(attempt))
	req.Header.Set("User-Agent", "sangam-hub")
	redact, err := endpoint.Authorize(req)
	if err != nil {
		return outcome{err: fmt.Errorf(notSentPrefix+"destination %q: %w", dest.Name, err), notSent: true}
	}
	// The worker records a redirect and does not follow it: on 301, 302
	// and 303 the client would resend the request as a GET without the
	// body, and any redirect could take the body to a host that the
	// routes never named.
	client := *w.Client
	client.CheckRedirect = func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}
	if t := endpoint.Transport(); t != nil {
		client.Transport = t
	}
	resp, err := client.Do(req)
	if err != nil && errors.Is(err, context.DeadlineExceeded) && parent.Err() == nil {
		err = fmt.Errorf("no response within the destination's timeout of %s: %w",
			time.Duration(dest.Timeout), err)
	}
	if err != nil {
		// Some transport errors quote what the destination sent, such as
		// a malformed header line that repeats the request's token.
		return outcome{err: redactedError{text: shownText([]byte(err.Error()), redact), err: err}}
	}
	defer resp.Body.Close()
	excerpt, _ := io.ReadAll(io.LimitReader(resp.Body, maxReason+aadhaarSlack+1))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	// A destination may repeat the request's headers in its response, and
	// the journal must not keep the secrets among them.
	return outcome{
		status:   resp.StatusCode,
		body:     reasonExcerpt(excerpt, redact),
		location: shownText([]byte(resp.Header.Get("Location")), redact),
	}
}

// aadhaarSlack is how many bytes past maxReason the worker reads of a
// response body, so that an Aadhaar number that straddles the limit is
// masked whole before the excerpt is cut.
const aadhaarSlack = 32

// reasonExcerpt returns at most maxReason bytes of a response body as
// journal text, without secrets and with every Aadhaar number masked.
// body is the start of the response, up to maxReason+aadhaarSlack+1
// bytes, so that one of that length shows that more followed. Then the
// run of digits, separators and hidden characters at its end is dropped
// (see canonical.TrimUnfinishedNumber), because it may start a number
// that ends unread, and hidden characters let a number run on for any
// number of bytes. Secrets are redacted before Aadhaar numbers are
// masked, so that a secret with twelve digits in it is still found
// whole, and again after the cut, which may leave the start of a secret
// at the end.
func reasonExcerpt(body []byte, redact func(string) string) string {
	unread := len(body) > maxReason+aadhaarSlack
	if unread {
		body = body[:maxReason+aadhaarSlack]
	}
	text := redact(journalText(bytes.TrimSpace(dropPartialRune(body))))
	if unread {
		text = canonical.TrimUnfinishedNumber(text)
	}
	text = maskAadhaar(text)
	if len(text) > maxReason {
		text = string(bytes.TrimSpace(dropPartialRune([]byte(text[:maxReason]))))
	}
	return redact(text)
}

// shownText returns what a destination sent as journal text without
// secrets, which redact removes, and with every Aadhaar number masked.
// The journal, the logs and the API show only such text.
func shownText(b []byte, redact func(string) string) string {
	return maskAadhaar(redact(journalText(b)))
}

// maskAadhaar returns s with every Aadhaar number in it masked, because
// a destination's response or error may quote one, and the journal, the
// logs and the API keep none in clear. A response is JSON or XML as often
// as not, so numbers written with JSON escapes or XML character
// references are masked too.
func maskAadhaar(s string) string {
	masked, _ := canonical.MaskAadhaarInBody([]byte(s))
	return string(masked)
}

// redactedError is err with the text that the journal, logs and API may
// show. Unwrap keeps err for errors.Is, but its text is for no one.
type redactedError struct {
	text string
	err  error
}

func (e redactedError) Error() string { return e.text }
func (e redactedError) Unwrap() error { return e.err }

// journalText returns b as text that every journal store accepts:
// invalid UTF-8 becomes U+FFFD and NUL bytes are dropped, because
// PostgreSQL text columns reject both.
func journalText(b []byte) string {
	return strings.ReplaceAll(strings.ToValidUTF8(string(b), "\uFFFD"), "\x00", "")
}

// dropPartialRune returns b without a UTF-8 sequence cut short at its end,
// such as a letter that a length limit split.
func dropPartialRune(b []byte) []byte {
	// Only the last UTFMax-1 bytes can start a sequence that is cut short.
	for i := len(b) - 1; i >= 0 && i > len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return b[:i]
			}
			break
		}
	}
	return b
}

func (w *Worker) settle(
	ctx context.Context,
	d journal.Delivery,
	a journal.Attempt,
	result string,
	status int,
	failure string,
) error {
	a.FinishedAt, a.StatusCode, a.Error, a.Result = w.now(), status, failure, result
	return w.record(ctx, d, a, false)
}

// record records the finished attempt a of d. When the journal fails, it
// keeps a for the command's redelivery and returns the error. It also
// logs the failure, unless keptBefore is set because a failed to record
// before, since the bus limits its line for the returned error to one
// per message text.
func (w *Worker) record(ctx context.Context, d journal.Delivery, a journal.Attempt, keptBefore bool) error {
	err := w.Store.RecordAttempt(ctx, a)
	if errors.Is(err, journal.ErrSettled) || errors.Is(err, journal.ErrAttemptTaken) {
		// Another handler recorded an attempt meanwhile, as when two
		// replicas got one command after a bus connection broke. The
		// journal keeps that one, so this line is the only record of
		// this one.
		w.Log.Warn("attempt not recorded: another attempt of the delivery was recorded meanwhile",
			"delivery_id", d.ID, "message_id", d.MessageID, "case_id", d.CaseKey,
			"destination", d.Destination, "route", d.Route, "attempt", a.Number,
			"result", a.Result, "status_code", a.StatusCode, "error", a.Error, "journal", err)
		return nil
	}
	if err != nil {
		keptForRedelivery := w.unrecorded.keep(d.ID, a)
		if !keptBefore {
			w.logUnrecorded(d, a, keptForRedelivery, err)
		}
		return fmt.Errorf("recording attempt %d of delivery %s: %w", a.Number, d.ID, err)
	}
	w.logAttempt(d, a)
	if w.Observe != nil {
		w.Observe(d, a)
	}
	return nil
}

// logUnrecorded logs that the journal failed with err to record attempt
// a of d, and whether a is kept for the command's redelivery.
func (w *Worker) logUnrecorded(d journal.Delivery, a journal.Attempt, keptForRedelivery bool, err error) {
	w.Log.Error("recording a delivery attempt failed: unless this replica records it when the bus "+
		"hands the command out again (kept_for_redelivery), another replica or this one after a "+
		"restart makes the attempt again, with the same Idempotency-Key",
		"delivery_id", d.ID, "message_id", d.MessageID, "case_id", d.CaseKey,
		"destination", d.Destination, "route", d.Route, "attempt", a.Number,
		"result", a.Result, "status_code", a.StatusCode, "attempt_error", a.Error,
		"kept_for_redelivery", keptForRedelivery, "error", err)
}

func (w *Worker) logAttempt(d journal.Delivery, a journal.Attempt) {
	attrs := []any{"delivery_id", d.ID, "message_id", d.MessageID, "case_id", d.CaseKey,
		"destination", d.Destination, "route", d.Route, "attempt", a.Number}
	switch a.Result {
	case journal.StatusDelivered:
		w.Log.Info("delivered", attrs...)
	case journal.StatusDead:
		w.Log.Warn("dead-lettered: replay it once the cause is fixed", append(attrs, "error", a.Error,
			"replay", replayHint(d.ID))...)
	default:
		w.Log.Warn("attempt failed, will retry", append(attrs, "error", a.Error,
			"next_attempt_at", a.NextAttemptAt)...)
	}
}

// replayHint returns the command and the API request that replay the
// dead delivery id.
func replayHint(id string) string {
	return "sangam replay " + id + " or POST /api/v1/deliveries/" + id + "/replay"
}

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

// plural returns n and noun, with an s when n is not 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
