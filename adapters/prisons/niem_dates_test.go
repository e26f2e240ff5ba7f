package prisons_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/adapters/internal/jsondoctest"
	"github.com/sangam-hub/sangam/adapters/prisons"
)

// TestNIEMDatesChecked changes one date of a NIEM booking or release
// report and expects exactly one violation at its element.
func TestNIEMDatesChecked(t *testing.T) {
	const (
		booked   = "<core:DateTime>2025-09-21T19:10:00+05:30</core:DateTime>"
		arrested = "<core:DateTime>2025-09-20T16:30:00+05:30</core:DateTime>"
		born     = "<core:Date>2001-06-30</core:Date>"
		released = "<n:DateTime>2025-10-18T17:45:00+05:30</n:DateTime>"
		created  = "<n:DateTime>2025-10-18T18:00:00+05:30</n:DateTime>"
	)
	reports := inputs(t, ".xml")
	tests := []struct {
		name, report, old, new string
		want                   violation
	}{
		{"booking at +24:00", "booking_report", booked,
			"<core:DateTime>2025-09-21T19:10:00+24:00</core:DateTime>",
			violation{"/BookingReport/Booking/ActivityDate/DateTime", "date-time"}},
		{"booking at -24:00", "booking_report", booked,
			"<core:DateTime>2025-09-21T19:10:00-24:00</core:DateTime>",
			violation{"/BookingReport/Booking/ActivityDate/DateTime", "date-time"}},
		{"birth date at +24:00", "booking_report", born, "<core:Date>2001-06-30+24:00</core:Date>",
			violation{"/BookingReport/Person/PersonBirthDate/Date", "date"}},
		{"born after the booking", "booking_report", born, "<core:Date>2025-10-19</core:Date>",
			violation{"/BookingReport/Person/PersonBirthDate", "date-of-birth"}},
		{"arrest at +24:00", "booking_report", arrested,
			"<core:DateTime>2025-09-20T16:30:00+24:00</core:DateTime>",
			violation{"/BookingReport/Arrest/ActivityDate/DateTime", "date-time"}},
		{"arrest before 1900", "booking_report", arrested,
			"<core:DateTime>1899-12-31T18:29:59Z</core:DateTime>",
			violation{"/BookingReport/Arrest/ActivityDate/DateTime", "earliest"}},
		{"arrest in the future", "booking_report", arrested,
			"<core:DateTime>2099-09-20T16:30:00+05:30</core:DateTime>",
			violation{"/BookingReport/Arrest/ActivityDate", "future"}},
		{"arrest after the booking", "booking_report", arrested,
			"<core:DateTime>2025-09-21T19:10:01+05:30</core:DateTime>",
			violation{"/BookingReport/Arrest/ActivityDate", "chronology"}},
		{"release at +24:00", "release_report", released,
			"<n:DateTime>2025-10-18T17:45:00+24:00</n:DateTime>",
			violation{"/CustodyReleaseReport/Custody/Release/ActivityDate/DateTime", "date-time"}},
		{"release at -24:00", "release_report", released,
			"<n:DateTime>2025-10-18T17:45:00-24:00</n:DateTime>",
			violation{"/CustodyReleaseReport/Custody/Release/ActivityDate/DateTime", "date-time"}},
		{"report created at +24:00", "release_report", created,
			"<n:DateTime>2025-10-18T18:00:00+24:00</n:DateTime>",
			violation{"/CustodyReleaseReport/DocumentCreationDate/DateTime", "date-time"}},
		{"report created before 1900", "release_report", created,
			"<n:DateTime>1899-12-31T18:29:59Z</n:DateTime>",
			violation{"/CustodyReleaseReport/DocumentCreationDate/DateTime", "earliest"}},
		{"report created in the future", "release_report", created,
			"<n:DateTime>2099-10-18T18:00:00+05:30</n:DateTime>",
			violation{"/CustodyReleaseReport/DocumentCreationDate", "future"}},
	}
	a := newAdapter(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := string(reports[tt.report])
			if !strings.Contains(body, tt.old) {
				t.Fatalf("%s has no %q", tt.report, tt.old)
			}
			body = strings.Replace(body, tt.old, tt.new, 1)
			_, err := a.Decode([]byte(body), prisons.XMLContentType)
			if got := jsondoctest.ViolationsOf(t, err); !slices.Equal(got, []violation{tt.want}) {
				t.Errorf("violations = %v, want %v\n%v", got, tt.want, err)
			}
		})
	}
}
