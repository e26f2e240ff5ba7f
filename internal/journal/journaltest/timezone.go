package journaltest

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // America/New_York even without the host's zoneinfo

	"github.com/google/uuid"

	"github.com/sangam-hub/sangam/internal/journal"
)

// Environment of the TimeZones subtest's child processes.
const (
	// envRole is "write" or "read".
	envRole      = "JOURNALTEST_TZ_ROLE"
	envStorage   = "JOURNALTEST_TZ_STORAGE"
	envMessageID = "JOURNALTEST_TZ_MESSAGE_ID"
)

// zoneOccurredAt is the instant the TimeZones message reports: 01:00:00.25
// in New York (UTC-05:00), an hour before the 2026 switch to daylight
// saving time.
var zoneOccurredAt = time.Date(2026, time.March, 8, 6, 0, 0, 250000000, time.UTC)

// testTimeZones runs this subtest again in two child processes: one with
// TZ=America/New_York journals a message with times in time.Local, and
// one with TZ=UTC reads it back and checks the instants and offsets. The
// parent checks them once more in its own time zone.
func testTimeZones(t *testing.T, open Open) {
	switch os.Getenv(envRole) {
	case "write":
		writeInLocalTime(t, open(t, os.Getenv(envStorage)), os.Getenv(envMessageID))
		return
	case "read":
		checkLocalOffset(t, "UTC", 0)
		checkTimeZoneJourney(t, open(t, os.Getenv(envStorage)), os.Getenv(envMessageID))
		return
	}

	h := open(t, "")
	id := uuid.NewString()
	runChild(t, "write", "America/New_York", h.Storage, id)
	runChild(t, "read", "UTC", h.Storage, id)
	checkTimeZoneJourney(t, h, id)
}

// writeInLocalTime journals message id with its times, and an attempt's,
// built in time.Local, which must be New York's.
func writeInLocalTime(t *testing.T, h Harness, id string) {
	checkLocalOffset(t, "America/New_York", -5*3600)
	occurred := time.Date(2026, time.March, 8, 1, 0, 0, 250000000, time.Local)

	e := newEntry(t, h, "fir-time-zones", "court")
	e.Message.ID = id
	e.Message.OccurredAt = occurred
	e.Message.ReceivedAt = occurred.Add(30 * time.Minute)
	for i := range e.Outbox {
		e.Outbox[i].Message = command(e.Deliveries[i], id)
	}
	accept(t, h, e)

	a := attemptAt(e.Deliveries[0].ID, 1, occurred.Add(time.Hour), journal.StatusDelivered)
	recordAttempt(t, h, a)
}

// checkTimeZoneJourney checks the instants and offsets of the message
// that writeInLocalTime journaled.
func checkTimeZoneJourney(t *testing.T, h Harness, id string) {
	j := journey(t, h, id)
	wantReceived := zoneOccurredAt.Add(30 * time.Minute)
	if !j.ReceivedAt.Equal(wantReceived) || j.ReceivedAt.Location() != time.UTC {
		t.Errorf("Journey.ReceivedAt = %v, want %v", j.ReceivedAt, wantReceived)
	}
	if got := j.Message.OccurredAt; !got.Equal(zoneOccurredAt) || offset(got) != -5*3600 {
		t.Errorf("Journey.Message.OccurredAt = %v, want %v at offset -05:00",
			got, zoneOccurredAt.In(time.FixedZone("", -5*3600)))
	}
	if got := j.Message.ReceivedAt; !got.Equal(wantReceived) || offset(got) != -5*3600 {
		t.Errorf("Journey.Message.ReceivedAt = %v, want %v at offset -05:00", got, wantReceived)
	}

	if len(j.Deliveries) != 1 || len(j.Deliveries[0].Attempts) != 1 {
		t.Fatalf("journey has %d deliveries, want 1 with 1 attempt", len(j.Deliveries))
	}
	a := j.Deliveries[0].Attempts[0]
	wantStart := zoneOccurredAt.Add(time.Hour)
	if !a.StartedAt.Equal(wantStart) || a.StartedAt.Location() != time.UTC {
		t.Errorf("attempt StartedAt = %v, want %v", a.StartedAt, wantStart)
	}
	if want := wantStart.Add(250 * time.Millisecond); !a.FinishedAt.Equal(want) {
		t.Errorf("attempt FinishedAt = %v, want %v", a.FinishedAt, want)
	}
}

// checkLocalOffset fails t unless time.Local has offset seconds east of
// UTC at zoneOccurredAt, as the zone named tz does.
func checkLocalOffset(t *testing.T, tz string, seconds int) {
	t.Helper()
	if got := offset(zoneOccurredAt.In(time.Local)); got != seconds {
		t.Fatalf("child process started with TZ=%s has time.Local %s at offset %d s, want %d s",
			tz, time.Local, got, seconds)
	}
}

// runChild runs the current subtest in a new process of the test binary
// with TZ=tz and the role, and fails t unless that subtest passed there.
func runChild(t *testing.T, role, tz, storage, messageID string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run="+runPattern(t.Name()),
		"-test.count=1", "-test.v", "-test.timeout=2m")
	cmd.Env = append(os.Environ(), "TZ="+tz, envRole+"="+role,
		envStorage+"="+storage, envMessageID+"="+messageID)

	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s in a child process with TZ=%s: %v\n%s", role, tz, err, out)
	}
	if !strings.Contains(string(out), "--- PASS: "+t.Name()) {
		t.Fatalf("%s in a child process with TZ=%s did not run %s:\n%s", role, tz, t.Name(), out)
	}
}

// runPattern returns a -test.run pattern that matches only the test named
// name, such as "TestConformance/TimeZones".
func runPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}
