package hub

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/journal"
)

// logLine returns the first line of logs that contains msg, or "".
func logLine(logs, msg string) string {
	for line := range strings.Lines(logs) {
		if strings.Contains(line, msg) {
			return line
		}
	}
	return ""
}

// TestPendingDeliveriesLogged stops a hub while a delivery waits for its
// retry and starts it again. The stop's last line and the next start
// both count the pending delivery by destination.
func TestPendingDeliveriesLogged(t *testing.T) {
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "court system down", http.StatusServiceUnavailable)
	}))
	t.Cleanup(failing.Close)
	ag := &agencies{courtURL: failing.URL, stationURL: "http://127.0.0.1:9"}
	firstLog, firstLogs := capturedLog()
	cfg := Config{Routes: ag.routesFor(10), DataDir: t.TempDir(), Log: firstLog,
		RetryInterval: time.Hour, MaxRetryInterval: time.Hour}

	h, stop, done := runHub(t, cfg)
	url := "http://" + h.Addr()
	_, res, _ := post(t, url, "police", sample(t, "chargesheet-2023-ipc"))
	waitFor(t, "the first attempt to fail", func() bool {
		var j journal.Journey
		return getJSON(t, url, "/api/v1/messages/"+res.MessageID, &j) == http.StatusOK &&
			len(j.Deliveries) == 1 && len(j.Deliveries[0].Attempts) == 1
	})
	if line := logLine(firstLogs.String(), "deliveries pending in the journal at start"); line != "" {
		t.Errorf("a start with an empty journal logged %q", line)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	stopped := logLine(firstLogs.String(), "hub stopped")
	for _, want := range []string{"pending_deliveries=1", `by_destination="ecourts-kerala=1"`} {
		if !strings.Contains(stopped, want) {
			t.Errorf("stop line %q does not contain %q", stopped, want)
		}
	}

	secondLog, secondLogs := capturedLog()
	cfg.Log = secondLog
	startHub(t, cfg)
	var resumed string
	waitFor(t, "the second start to log the pending delivery", func() bool {
		resumed = logLine(secondLogs.String(), "deliveries pending in the journal at start")
		return resumed != ""
	})
	if !strings.Contains(resumed, "level=INFO") {
		t.Errorf("resume line %q, want one at INFO", resumed)
	}
	for _, want := range []string{"pending_deliveries=1", `by_destination="ecourts-kerala=1"`} {
		if !strings.Contains(resumed, want) {
			t.Errorf("resume line %q does not contain %q", resumed, want)
		}
	}
}
