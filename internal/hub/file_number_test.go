package hub

import (
	"net/http"
	"testing"

	"github.com/sangam-hub/sangam/internal/verification"
	"github.com/sangam-hub/sangam/mocks/police"
)

// TestNumericFileNumberNeverMasked sends a request whose 12-digit file
// number passes the Aadhaar check digit. The station receives the
// number as sent, and its report reaches the passport office and ends
// the request. A request for another file with the same last four
// digits is accepted.
func TestNumericFileNumberNeverMasked(t *testing.T) {
	const file, sameLastFour = "987654321106", "876540081106"
	w := newVerificationWorld(t, Config{})
	code, res, body := post(t, w.url, "passport", freshRequest(t, "RPO-21", file))
	if code != http.StatusAccepted {
		t.Fatalf("request: status %d, %s", code, body)
	}
	waitFor(t, "the request at station EKM0420", func() bool { return len(w.ekm0420.Verifications()) == 1 })
	if got := document(t, w.ekm0420.Verifications()[0].Body)["file_number"]; got != file {
		t.Errorf("station received file number %v, want %s", got, file)
	}

	code, _, body = post(t, w.url, "passport", freshRequest(t, "RPO-22", sameLastFour))
	if code != http.StatusAccepted {
		t.Errorf("request for file %s: status %d, want 202; %s", sameLastFour, code, body)
	}

	if _, err := w.ekm0420.Report(res.MessageID, police.AnswerClear); err != nil {
		t.Fatalf("station report: %v", err)
	}
	waitFor(t, "the report at the passport office", func() bool { return len(w.passport.Received()) == 1 })
	if got := document(t, w.passport.Received()[0].Body)["file_number"]; got != file {
		t.Errorf("passport office received file number %v, want %s", got, file)
	}
	if s := w.status(t, file); s.State != verification.StateReported {
		t.Errorf("status of %s = %s, want reported", file, s.State)
	}
}
