package courts

import (
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/schemas"
)

// TestDateTimeOffsetOutOfRange checks that an offset of ±24:00, which
// time.Parse accepts but time.Time.MarshalJSON rejects, gets one format
// violation at its element in every court document, as +99:00 does.
func TestDateTimeOffsetOutOfRange(t *testing.T) {
	const (
		callback = "kochi_callback.xml"
		posted   = "2024-09-03T15:04:05+05:30"
		filedDay = "<nc:Date>2024-09-03</nc:Date>"
	)
	cases := []struct {
		name, file, old, new string
		adapter              *Adapter
		pointer, rule        string
	}{
		{"order created at +24:00", "order_production_warrant.xml", "2025-10-01T15:40:00+05:30",
			"2025-10-01T15:40:00+24:00", orderAdapter(),
			"/CourtOrderReport/DocumentCreationDate/DateTime", "date-time"},
		{"order issued at -24:00", "order_remand_warrant.xml", "2023-11-02T13:05:00",
			"2023-11-02T13:05:00-24:00", orderAdapter(),
			"/CourtOrderReport/CourtOrder/CourtOrderIssuingDate/DateTime", "date-time"},
		{"order issued at +99:00", "order_remand_warrant.xml", "2023-11-02T13:05:00",
			"2023-11-02T13:05:00+99:00", orderAdapter(),
			"/CourtOrderReport/CourtOrder/CourtOrderIssuingDate/DateTime", "date-time"},
		{"order dated +24:00", "order_production_warrant.xml", "<nc:Date>2025-10-01</nc:Date>",
			"<nc:Date>2025-10-01+24:00</nc:Date>", orderAdapter(),
			"/CourtOrderReport/Warrant/CourtOrderIssuingDate/Date", "date"},
		{"callback posted at +24:00", callback, posted, "2024-09-03T15:04:05+24:00", clockedAdapter(),
			"/RecordDocketingCallbackMessage/DocumentPostDate", "date-time"},
		{"callback posted at -24:00", callback, posted, "2024-09-03T15:04:05-24:00", clockedAdapter(),
			"/RecordDocketingCallbackMessage/DocumentPostDate", "date-time"},
		{"callback posted at minute 60", callback, posted, "2024-09-03T15:04:05+05:60", clockedAdapter(),
			"/RecordDocketingCallbackMessage/DocumentPostDate", "date-time"},
		{"callback filed at +24:00", callback, filedDay,
			"<nc:DateTime>2024-09-03T15:04:05+24:00</nc:DateTime>", clockedAdapter(),
			"/RecordDocketingCallbackMessage/DocumentFiledDate", "date"},
		{"filing posted at +24:00", "kochi_chargesheet.xml", "2024-09-02T11:30:00+05:30",
			"2024-09-02T11:30:00+24:00", clockedAdapter(),
			"/CoreFilingMessage/DocumentPostDate", "date-time"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.adapter.Decode(replaced(t, c.file, c.old, c.new), ContentType)
			vs := schemas.Violations(err)
			if len(vs) != 1 {
				t.Fatalf("Decode error = %v, want one violation", err)
			}
			if vs[0].Pointer != c.pointer || vs[0].Rule != c.rule {
				t.Errorf("violation = %s (%s), want %s (%s)", vs[0].Pointer, vs[0].Rule, c.pointer, c.rule)
			}
		})
	}
}

// TestFiledDateBefore1900 checks the filed date of a docketing callback
// and of a filing's lead document for 1900 in either form, as every
// other date of the hub is.
func TestFiledDateBefore1900(t *testing.T) {
	cases := []struct {
		name, file, old, new, pointer string
	}{
		{"callback date", "kochi_callback.xml", "<nc:Date>2024-09-03</nc:Date>",
			"<nc:Date>1899-12-31</nc:Date>", "/RecordDocketingCallbackMessage/DocumentFiledDate"},
		{"callback date-time", "kochi_callback.xml", "<nc:Date>2024-09-03</nc:Date>",
			"<nc:DateTime>1899-12-31T18:29:59Z</nc:DateTime>", "/RecordDocketingCallbackMessage/DocumentFiledDate"},
		{"filing date", "kochi_chargesheet.xml", "<nc:Date>2024-09-02</nc:Date>",
			"<nc:Date>1899-12-31</nc:Date>", "/CoreFilingMessage/FilingLeadDocument/DocumentFiledDate"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := clockedAdapter().Decode(replaced(t, c.file, c.old, c.new), ContentType)
			vs := schemas.Violations(err)
			if len(vs) != 1 {
				t.Fatalf("Decode error = %v, want one violation", err)
			}
			if vs[0].Pointer != c.pointer || vs[0].Rule != "earliest" {
				t.Errorf("violation = %s (%s), want %s (earliest)", vs[0].Pointer, vs[0].Rule, c.pointer)
			}
		})
	}
}

// TestOrderBirthAfterOrderDate checks that a court order's subject may
// not be born after the order date, which the prison the order goes to
// would reject.
func TestOrderBirthAfterOrderDate(t *testing.T) {
	body := replaced(t, "order_production_warrant.xml", "<nc:Date>1999-02-11</nc:Date>",
		"<nc:Date>2025-10-02</nc:Date>")
	_, err := orderAdapter().Decode(body, ContentType)
	vs := schemas.Violations(err)
	if len(vs) != 1 {
		t.Fatalf("Decode error = %v, want one violation", err)
	}
	const pointer = "/CourtOrderReport/Warrant/CourtOrderDesignatedSubject/RoleOfPerson/PersonBirthDate"
	if vs[0].Pointer != pointer || vs[0].Rule != "date-of-birth" {
		t.Errorf("violation = %s (%s), want %s (date-of-birth)", vs[0].Pointer, vs[0].Rule, pointer)
	}
	if !strings.Contains(vs[0].Message, "2025-10-01") {
		t.Errorf("message %q does not name the order date 2025-10-01", vs[0].Message)
	}
}

// TestOrderBornOnOrderDate accepts a subject born on the day of the order.
func TestOrderBornOnOrderDate(t *testing.T) {
	body := replaced(t, "order_production_warrant.xml", "<nc:Date>1999-02-11</nc:Date>",
		"<nc:Date>2025-10-01</nc:Date>")
	if _, err := orderAdapter().Decode(body, ContentType); err != nil {
		t.Errorf("Decode: %v", err)
	}
}
