package delivery_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"unicode/utf8"

	"github.com/sangam-hub/sangam/internal/journal"
)

func TestHandleUnknownDestination(t *testing.T) {
	dest := newDestination(t)
	f := newFixture(t, target{agency: "police", url: dest.url})
	d := f.acceptFIR(t)

	// The routes now in force no longer name the destination "station".
	other := otherRoutes(t)
	f.table.Store(other)
	checkDeadUnsent(t, f, d, dest, "destination is no longer configured: routes version "+
		other.Version()+" does not name it")
}

func TestHandleUnknownAgency(t *testing.T) {
	dest := newDestination(t)
	f := newFixture(t, target{agency: "no-such-agency", url: dest.url})
	d := f.acceptFIR(t)
	checkDeadUnsent(t, f, d, dest, `no adapter for agency "no-such-agency"`)
}

// TestDeadLetterLogNamesReplay checks that the log line of a dead
// letter names the command and the API request that replay it.
func TestDeadLetterLogNamesReplay(t *testing.T) {
	dest := newDestination(t)
	f := newFixture(t, target{agency: "no-such-agency", url: dest.url})
	logs := captureLog(f)
	d := f.acceptFIR(t)
	f.mustHandle(t, d)

	var line string
	for l := range strings.Lines(logs.String()) {
		if strings.Contains(l, "dead-lettered") {
			line = l
		}
	}
	if line == "" {
		t.Fatalf("no dead-lettered line in the log:\n%s", logs)
	}
	for _, want := range []string{"delivery_id=" + d.ID, "sangam replay " + d.ID,
		"POST /api/v1/deliveries/" + d.ID + "/replay"} {
		if !strings.Contains(line, want) {
			t.Errorf("dead-lettered line %q does not contain %q", line, want)
		}
	}
}

func TestHandleEncodeFailure(t *testing.T) {
	dest := newDestination(t)
	// The courts adapter encodes only chargesheets, not FIRs.
	f := newFixture(t, target{agency: "courts", url: dest.url})
	d := f.acceptFIR(t)
	checkDeadUnsent(t, f, d, dest, "encoding failed: ")

	if got := f.reload(t, d); !strings.Contains(got.Reason, "unsupported message type") {
		t.Errorf("Reason = %q, want the adapter's error", got.Reason)
	}
}

// checkDeadUnsent handles d and checks that it is dead with a reason
// that starts with reason, after one attempt and without a request to
// dest.
func checkDeadUnsent(t *testing.T, f *fixture, d journal.Delivery, dest *destination, reason string) {
	t.Helper()
	f.mustHandle(t, d)
	got := f.reload(t, d)
	if got.Status != journal.StatusDead {
		t.Errorf("status = %q, want dead", got.Status)
	}
	if !strings.HasPrefix(got.Reason, reason) {
		t.Errorf("Reason = %q, want it to start with %q", got.Reason, reason)
	}
	if len(got.Attempts) != 1 || got.Attempts[0].StatusCode != 0 {
		t.Errorf("attempts = %+v, want one without a status code", got.Attempts)
	}
	if n := len(dest.received()); n != 0 {
		t.Errorf("destination received %d requests, want none", n)
	}
}

func TestHandleRedirectNotFollowed(t *testing.T) {
	for _, status := range []int{301, 302, 303, 307, 308} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			var moved atomic.Int32
			mux := http.NewServeMux()
			mux.HandleFunc("/notifications", func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "/moved", status)
			})
			mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
				moved.Add(1)
			})
			srv := httptest.NewServer(mux)
			t.Cleanup(srv.Close)
			f := newFixture(t, target{agency: "police", url: srv.URL + "/notifications"})
			d := f.acceptFIR(t)

			f.mustHandle(t, d)

			got := f.reload(t, d)
			if got.Status != journal.StatusDead {
				t.Errorf("status = %q, want dead: deliveries do not follow redirects", got.Status)
			}
			if !strings.Contains(got.Reason, "HTTP "+strconv.Itoa(status)) {
				t.Errorf("Reason = %q, want it to name HTTP %d", got.Reason, status)
			}
			if !strings.Contains(got.Reason, "/moved") {
				t.Errorf("Reason = %q, want it to name the redirect target", got.Reason)
			}
			if n := moved.Load(); n != 0 {
				t.Errorf("redirect target received %d requests, want none", n)
			}
		})
	}
}

func TestHandleReasonExcerpt(t *testing.T) {
	// 300 Malayalam letters of 3 bytes each, so the 512-byte limit on
	// the excerpt falls inside a letter.
	body := strings.Repeat("മ", 300)
	dest := newDestination(t, reply{http.StatusUnprocessableEntity, body})
	f := newFixture(t, target{agency: "police", url: dest.url})
	d := f.acceptFIR(t)
	f.mustHandle(t, d)

	reason := f.reload(t, d).Reason
	prefix := "destination rejected the delivery: HTTP 422: "
	if !strings.HasPrefix(reason, prefix+"മമമ") {
		t.Fatalf("Reason = %.80q..., want it to start with %q and the body", reason, prefix)
	}
	if !utf8.ValidString(reason) {
		t.Errorf("Reason is not valid UTF-8, it ends %q", reason[len(reason)-8:])
	}
	if kept := len(reason) - len(prefix); kept > 512 {
		t.Errorf("Reason keeps %d bytes of the body, want at most 512", kept)
	}
}

func TestHandleReasonMasksAadhaar(t *testing.T) {
	// 234567890124 and 586301729436 pass the Aadhaar check digit. The
	// second starts 5 bytes before the excerpt's limit of 512 bytes.
	head := "applicant 2345 6789 0124 does not match; "
	pad := strings.Repeat("x", 512-5-len(head)-1)
	body := head + pad + " 5863-0172-9436 and more text after the limit"
	dest := newDestination(t, reply{http.StatusBadRequest, body})
	f := newFixture(t, target{agency: "police", url: dest.url})
	d := f.acceptFIR(t)
	f.mustHandle(t, d)

	reason := f.reload(t, d).Reason
	if !strings.Contains(reason, "applicant XXXXXXXX0124 does not match") {
		t.Errorf("Reason = %.80q..., want the Aadhaar number masked as XXXXXXXX0124", reason)
	}
	for _, clear := range []string{"2345 6789", "5863", "0172"} {
		if strings.Contains(reason, clear) {
			t.Errorf("Reason contains %q of an Aadhaar number in clear: %q", clear, reason)
		}
	}
	prefix := "destination rejected the delivery: HTTP 400: "
	if excerpt := len(reason) - len(prefix); excerpt > 512 {
		t.Errorf("Reason keeps %d bytes of the body, want at most 512", excerpt)
	}
}

// TestHandleReasonPaddedAadhaar has the destination quote the Aadhaar
// number 491873625403 with zero-width spaces between its digits and
// groups, starting just before the excerpt's limit of 512 bytes and
// ending well past what the worker reads. The excerpt keeps none of its
// digits, written as characters or as JSON escapes.
func TestHandleReasonPaddedAadhaar(t *testing.T) {
	for name, zwsp := range map[string]string{"character": "\u200b", "JSON escape": `\u200b`} {
		t.Run(name, func(t *testing.T) {
			number := strings.Join(strings.Split("4918", ""), zwsp) +
				strings.Repeat(zwsp, 40) + " 7362 5403"
			body := strings.Repeat("x", 500) + " " + number + " and more text"
			dest := newDestination(t, reply{http.StatusBadRequest, body})
			f := newFixture(t, target{agency: "police", url: dest.url})
			d := f.acceptFIR(t)
			f.mustHandle(t, d)

			reason := f.reload(t, d).Reason
			excerpt, found := strings.CutPrefix(reason, "destination rejected the delivery: HTTP 400: ")
			if !found {
				t.Fatalf("Reason = %.80q..., want the HTTP 400 prefix", reason)
			}
			if !strings.HasPrefix(excerpt, "xxxx") {
				t.Errorf("excerpt = %.40q..., want the body's start kept", excerpt)
			}
			if i := strings.IndexAny(excerpt, "0123456789"); i >= 0 {
				t.Errorf("excerpt keeps a digit of the number in clear: ...%q", excerpt[max(i-20, 0):])
			}
		})
	}
}

// TestHandleReasonMasksEscapedAadhaar has the destination quote an
// Aadhaar number, 586301729436, once with JSON escapes and once with XML
// character references. Neither is kept in a form that decodes to it.
func TestHandleReasonMasksEscapedAadhaar(t *testing.T) {
	body := `{"detail": "applicant \u00358630172943\u0036 or &#53;&#x38;6301729436 unknown"}`
	dest := newDestination(t, reply{http.StatusBadRequest, body})
	f := newFixture(t, target{agency: "police", url: dest.url})
	d := f.acceptFIR(t)
	f.mustHandle(t, d)

	reason := f.reload(t, d).Reason
	if strings.Count(reason, "XXXXXXXX9436") != 2 {
		t.Errorf("Reason = %q, want both numbers masked as XXXXXXXX9436", reason)
	}
	for _, clear := range []string{"8630172943", "6301729436"} {
		if strings.Contains(reason, clear) {
			t.Errorf("Reason contains %q of an Aadhaar number: %q", clear, reason)
		}
	}
}

func TestHandleReasonBinaryBody(t *testing.T) {
	dest := newDestination(t, reply{http.StatusBadRequest, "bad\x00field \xff\xfe"})
	f := newFixture(t, target{agency: "police", url: dest.url})
	d := f.acceptFIR(t)
	f.mustHandle(t, d)

	reason := f.reload(t, d).Reason
	if strings.ContainsRune(reason, 0) {
		t.Errorf("Reason = %q contains a NUL byte, which PostgreSQL text rejects", reason)
	}
	if !utf8.ValidString(reason) {
		t.Errorf("Reason = %q is not valid UTF-8, which PostgreSQL text rejects", reason)
	}
	if !strings.Contains(reason, "bad") || !strings.Contains(reason, "field") {
		t.Errorf("Reason = %q, want the readable parts of the body", reason)
	}
}
