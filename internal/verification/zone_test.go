package verification

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Asia/Kolkata even without the host's zone database

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

func TestCheckDateNamesZoneIST(t *testing.T) {
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Fatal(err)
	}
	req := canonical.Message{OccurredAt: time.Date(2025, 9, 1, 10, 0, 0, 0, kolkata)}
	rep := &canonical.VerificationReport{FileNumber: "KC1234567890125", ReportedOn: "2025-08-31"}
	vs := schemas.Violations(checkDate(rep, req, kolkata))
	if len(vs) != 1 {
		t.Fatalf("got %d violations, want 1: %v", len(vs), vs)
	}
	if !strings.Contains(vs[0].Message, "2025-09-01 (IST)") {
		t.Errorf("message %q does not name the request's date in IST", vs[0].Message)
	}
	if strings.Contains(vs[0].Message, "Kolkata") {
		t.Errorf("message %q names the zone by its location, not IST", vs[0].Message)
	}
}
