package delivery_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/journal"
)

func TestHandleDelivered(t *testing.T) {
	dest := newDestination(t, reply{http.StatusCreated, "accepted"})
	f := newFixture(t, target{agency: "police", url: dest.url})
	d := f.acceptFIR(t)

	f.mustHandle(t, d)

	got := f.reload(t, d)
	if got.Status != journal.StatusDelivered {
		t.Errorf("status = %q, want delivered", got.Status)
	}
	if len(got.Attempts) != 1 {
		t.Fatalf("%d attempts, want 1", len(got.Attempts))
	}
	a := got.Attempts[0]
	if a.Number != 1 || a.StatusCode != http.StatusCreated || a.Result != journal.StatusDelivered {
		t.Errorf("attempt = number %d, HTTP %d, result %q; want 1, 201, delivered",
			a.Number, a.StatusCode, a.Result)
	}
	if a.Error != "" {
		t.Errorf("attempt Error = %q, want empty", a.Error)
	}
	if !a.StartedAt.Equal(f.clock) {
		t.Errorf("attempt StartedAt = %v, want the worker's clock %v", a.StartedAt, f.clock)
	}
}

func TestHandleHeaders(t *testing.T) {
	dest := newDestination(t, reply{http.StatusOK, ""})
	f := newFixture(t, target{agency: "police", url: dest.url})
	d := f.acceptFIR(t)
	f.mustHandle(t, d)

	reqs := dest.received()
	if len(reqs) != 1 {
		t.Fatalf("destination received %d requests, want 1", len(reqs))
	}
	for _, h := range []struct{ name, want string }{
		{"Idempotency-Key", d.ID},
		{"X-Sangam-Message-Id", d.MessageID},
		{"X-Sangam-Attempt", "1"},
		{"Content-Type", "application/json"},
	} {
		if got := reqs[0].header.Get(h.name); got != h.want {
			t.Errorf("header %s = %q, want %q", h.name, got, h.want)
		}
	}
	if want := f.encodeFor(t, d); string(reqs[0].body) != string(want) {
		t.Errorf("body =\n%s\nwant the police encoding\n%s", reqs[0].body, want)
	}
}

func TestHandleSameKeyEveryAttempt(t *testing.T) {
	dest := newDestination(t,
		reply{http.StatusServiceUnavailable, "maintenance"},
		reply{http.StatusInternalServerError, "oops"},
		reply{http.StatusOK, "ok"},
	)
	f := newFixture(t, target{agency: "police", url: dest.url, maxAttempts: 5})
	d := f.acceptFIR(t)

	for range 3 {
		f.mustHandle(t, d)
		f.later()
	}

	reqs := dest.received()
	if len(reqs) != 3 {
		t.Fatalf("destination received %d requests, want 3", len(reqs))
	}
	for i, r := range reqs {
		if key := r.header.Get("Idempotency-Key"); key != d.ID {
			t.Errorf("attempt %d Idempotency-Key = %q, want the delivery id %q", i+1, key, d.ID)
		}
		if id := r.header.Get("X-Sangam-Message-Id"); id != d.MessageID {
			t.Errorf("attempt %d X-Sangam-Message-Id = %q, want %q", i+1, id, d.MessageID)
		}
		if n := r.header.Get("X-Sangam-Attempt"); n != strconv.Itoa(i+1) {
			t.Errorf("attempt %d X-Sangam-Attempt = %q, want %d", i+1, n, i+1)
		}
		if string(r.body) != string(reqs[0].body) {
			t.Errorf("attempt %d body differs from the first attempt's", i+1)
		}
	}
	if got := f.reload(t, d); got.Status != journal.StatusDelivered || len(got.Attempts) != 3 {
		t.Errorf("delivery: %q with %d attempts, want delivered with 3", got.Status, len(got.Attempts))
	}
}

func TestHandleRetryableStatus(t *testing.T) {
	for _, status := range []int{408, 425, 429, 500, 502, 503, 504} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			dest := newDestination(t, reply{status, "busy, try later"})
			f := newFixture(t, target{agency: "police", url: dest.url})
			d := f.acceptFIR(t)

			f.mustHandle(t, d)

			a := checkRetried(t, f, d)
			if a.StatusCode != status {
				t.Errorf("attempt StatusCode = %d, want %d", a.StatusCode, status)
			}
			want := "HTTP " + strconv.Itoa(status) + ": busy, try later"
			if a.Error != want {
				t.Errorf("attempt Error = %q, want %q", a.Error, want)
			}
		})
	}
}

// checkRetried checks that d is pending after one failed attempt, due
// again after the first retry wait give or take a fifth, and returns
// the attempt.
func checkRetried(t *testing.T, f *fixture, d journal.Delivery) journal.Attempt {
	t.Helper()
	got := f.reload(t, d)
	if got.Status != journal.StatusPending || len(got.Attempts) != 1 {
		t.Fatalf("delivery: %q with %d attempts, want pending with 1",
			got.Status, len(got.Attempts))
	}
	a := got.Attempts[0]
	if a.Result != journal.StatusPending {
		t.Errorf("attempt Result = %q, want pending", a.Result)
	}
	earliest := f.clock.Add(retryInterval * 8 / 10)
	latest := f.clock.Add(retryInterval * 12 / 10)
	if got.NextAttemptAt.Before(earliest) || got.NextAttemptAt.After(latest) {
		t.Errorf("NextAttemptAt = %v, want between %v and %v",
			got.NextAttemptAt, earliest, latest)
	}
	return a
}

func TestHandleRejectedStatus(t *testing.T) {
	// 401 and 403 are rejections too, with a reason of their own:
	// TestHandleUnauthorizedWithoutCredentials checks it.
	for _, status := range []int{400, 404, 409, 410, 413, 415, 422} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			dest := newDestination(t, reply{status, "bad CNR\n"}, reply{http.StatusOK, ""})
			f := newFixture(t, target{agency: "police", url: dest.url})
			d := f.acceptFIR(t)

			f.mustHandle(t, d)

			got := f.reload(t, d)
			if got.Status != journal.StatusDead {
				t.Errorf("status = %q, want dead", got.Status)
			}
			want := "destination rejected the delivery: HTTP " + strconv.Itoa(status) + ": bad CNR"
			if got.Reason != want {
				t.Errorf("Reason = %q, want %q", got.Reason, want)
			}
			if len(got.Attempts) != 1 || got.Attempts[0].StatusCode != status {
				t.Errorf("attempts = %+v, want one with HTTP %d", got.Attempts, status)
			}
			if n := len(dest.received()); n != 1 {
				t.Errorf("destination received %d requests, want 1", n)
			}
		})
	}
}

func TestHandleTransportError(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	url := closed.URL + "/notifications"
	closed.Close()
	f := newFixture(t, target{agency: "police", url: url})
	d := f.acceptFIR(t)

	f.mustHandle(t, d)

	a := checkRetried(t, f, d)
	if a.StatusCode != 0 {
		t.Errorf("attempt StatusCode = %d, want 0 without a response", a.StatusCode)
	}
	if !strings.Contains(a.Error, "connection refused") {
		t.Errorf("attempt Error = %q, want the connection error", a.Error)
	}
}

func TestHandleTimeout(t *testing.T) {
	slow := newHangingServer(t, nil)
	f := newFixture(t, target{agency: "police", url: slow.URL, timeout: "100ms"})
	d := f.acceptFIR(t)

	f.mustHandle(t, d)

	a := checkRetried(t, f, d)
	if !strings.Contains(a.Error, "no response within the destination's timeout of 100ms") {
		t.Errorf("attempt Error = %q, want it to name the destination's timeout", a.Error)
	}
}

// newHangingServer starts a server on loopback that calls onRequest, when
// not nil, and then sends no response until the client goes away or t
// ends.
func newHangingServer(t *testing.T, onRequest func()) *httptest.Server {
	t.Helper()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The server notices a closed connection only once the body is read.
		_, _ = io.Copy(io.Discard, r.Body)
		if onRequest != nil {
			onRequest()
		}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	// Cleanups run last first: release the handlers, then close.
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	return srv
}

func TestHandleGivesUp(t *testing.T) {
	dest := newDestination(t, reply{http.StatusServiceUnavailable, "down"})
	f := newFixture(t, target{agency: "police", url: dest.url, maxAttempts: 3})
	d := f.acceptFIR(t)

	for range 3 {
		f.mustHandle(t, d)
		f.later()
	}

	got := f.reload(t, d)
	if got.Status != journal.StatusDead {
		t.Errorf("status = %q, want dead", got.Status)
	}
	if want := "gave up after 3 attempts: HTTP 503: down"; got.Reason != want {
		t.Errorf("Reason = %q, want %q", got.Reason, want)
	}
	var results []string
	for _, a := range got.Attempts {
		results = append(results, a.Result)
	}
	if strings.Join(results, ",") != "pending,pending,dead" {
		t.Errorf("attempt results = %v, want [pending pending dead]", results)
	}
	if !got.NextAttemptAt.IsZero() {
		t.Errorf("dead delivery NextAttemptAt = %v, want zero", got.NextAttemptAt)
	}
}

func TestHandleBackoffDoubles(t *testing.T) {
	dest := newDestination(t, reply{http.StatusServiceUnavailable, "down"})
	f := newFixture(t, target{agency: "police", url: dest.url, maxAttempts: 10})
	f.worker.MaxRetryInterval = 4 * retryInterval
	d := f.acceptFIR(t)

	// Five attempts, as the breaker opens after five failures in a row.
	// The wait doubles from the first and stops at the maximum.
	for i, wait := range []time.Duration{1, 2, 4, 4, 4} {
		wait *= retryInterval
		f.mustHandle(t, d)
		next := f.reload(t, d).NextAttemptAt
		earliest, latest := f.clock.Add(wait*8/10), f.clock.Add(wait*12/10)
		if next.Before(earliest) || next.After(latest) {
			t.Errorf("after attempt %d NextAttemptAt = now + %v, want now + %v give or take a fifth",
				i+1, next.Sub(f.clock), wait)
		}
		f.later()
	}
	if n := len(dest.received()); n != 5 {
		t.Errorf("destination received %d requests, want 5", n)
	}
}
