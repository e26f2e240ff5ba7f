package delivery

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/sangam-hub/sangam/adapters/registry"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/routes"
)

// Worker sends deliveries. Its fields are set once before use; Handle is
// safe for concurrent use.
type Worker struct {
	Store    journal.Store
	Routes   func() *routes.Table
	Adapters *registry.Set
	// Client sends the HTTP requests. Each attempt's deadline comes from
	// the destination's timeout, so Client needs none of its own.
	Client *http.Client
	Log    *slog.Logger
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
}

// ErrRetry is returned by Handle when an attempt failed and the delivery
// is to be tried again; the bus then redelivers the command.
var ErrRetry = errors.New("delivery attempt failed, will retry")

// maxReason is how much of a destination's response body a dead-letter
// reason keeps, in bytes.
const maxReason = 512

// Handle is a watermill handler for delivery commands. It returns nil
// when the delivery is settled (delivered or dead-lettered) or the
// command is unusable, and an error wrapping ErrRetry when the bus
// should deliver the command again.
func (w *Worker) Handle(msg *message.Message) error {
	cmd, err := ParseCommand(msg)
	if err != nil {
		w.Log.Error("dropping unreadable delivery command", "error", err)
		return nil
	}
	ctx := msg.Context()
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
		return nil
	}
	return w.attempt(ctx, d, &m)
}

func (w *Worker) attempt(ctx context.Context, d journal.Delivery, m *canonical.Message) error {
	a := journal.Attempt{DeliveryID: d.ID, Number: len(d.Attempts) + 1, StartedAt: w.now()}
	dest, ok := w.Routes().Destination(d.Destination)
	if !ok {
		return w.settle(ctx, d, a, journal.StatusDead, 0, "destination is no longer configured")
	}
	adapter, ok := w.Adapters.Adapter(dest.Agency)
	if !ok {
		return w.settle(ctx, d, a, journal.StatusDead, 0,
			fmt.Sprintf("no adapter for agency %q", dest.Agency))
	}
	enc, err := adapter.Encode(m)
	if err != nil {
		return w.settle(ctx, d, a, journal.StatusDead, 0, "encoding failed: "+err.Error())
	}

	status, body, err := w.post(ctx, dest, d, a.Number, enc.Body, enc.ContentType)
	if ctx.Err() != nil {
		// The hub is shutting down: the attempt is not the destination's
		// failure, so record nothing and let the bus redeliver later.
		return fmt.Errorf("delivery %s interrupted: %w", d.ID, ctx.Err())
	}
	switch {
	case err == nil && status >= 200 && status < 300:
		return w.settle(ctx, d, a, journal.StatusDelivered, status, "")
	case err == nil && !retryable(status):
		reason := fmt.Sprintf("destination rejected the delivery: HTTP %d: %s", status, body)
		return w.settle(ctx, d, a, journal.StatusDead, status, reason)
	}
	failure := describe(status, body, err)
	if a.Number >= dest.MaxAttempts {
		reason := fmt.Sprintf("gave up after %d attempts: %s", a.Number, failure)
		return w.settle(ctx, d, a, journal.StatusDead, status, reason)
	}
	if err := w.settle(ctx, d, a, journal.StatusPending, status, failure); err != nil {
		return err
	}
	return fmt.Errorf("%w: delivery %s attempt %d: %s", ErrRetry, d.ID, a.Number, failure)
}

// retryable reports whether an HTTP status may succeed on a later try:
// server errors, request timeouts and rate limiting.
func retryable(status int) bool {
	return status >= 500 || status == http.StatusRequestTimeout ||
		status == http.StatusTooEarly || status == http.StatusTooManyRequests
}

func describe(status int, body string, err error) string {
	if err != nil {
		return err.Error()
	}
	return fmt.Sprintf("HTTP %d: %s", status, body)
}

func (w *Worker) post(
	ctx context.Context,
	dest routes.Destination,
	d journal.Delivery,
	attempt int,
	body []byte,
	contentType string,
) (int, string, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(dest.Timeout))
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, dest.URL, bytes.NewReader(body))
	if err != nil {
		return 0, "", fmt.Errorf("building request: %w", err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Idempotency-Key", d.ID)
	req.Header.Set("X-Sangam-Message-Id", d.MessageID)
	req.Header.Set("X-Sangam-Attempt", strconv.Itoa(attempt))
	req.Header.Set("User-Agent", "sangam-hub")
	resp, err := w.Client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	excerpt, _ := io.ReadAll(io.LimitReader(resp.Body, maxReason))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, string(bytes.TrimSpace(excerpt)), nil
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
	err := w.Store.RecordAttempt(ctx, a)
	if errors.Is(err, journal.ErrSettled) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("recording attempt %d of delivery %s: %w", a.Number, d.ID, err)
	}
	w.logAttempt(d, a)
	return nil
}

func (w *Worker) logAttempt(d journal.Delivery, a journal.Attempt) {
	attrs := []any{"delivery_id", d.ID, "message_id", d.MessageID,
		"destination", d.Destination, "route", d.Route, "attempt", a.Number}
	switch a.Result {
	case journal.StatusDelivered:
		w.Log.Info("delivered", attrs...)
	case journal.StatusDead:
		w.Log.Warn("dead-lettered", append(attrs, "error", a.Error)...)
	default:
		w.Log.Warn("attempt failed, will retry", append(attrs, "error", a.Error)...)
	}
}

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}
