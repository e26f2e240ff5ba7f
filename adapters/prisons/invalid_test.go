package prisons_test

import (
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/adapters/internal/jsondoctest"
	"github.com/sangam-hub/sangam/adapters/prisons"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/schemas"
)

// edit returns the testdata document name with each pointer set to its
// value, or removed when the value is nil.
func edit(t *testing.T, name string, edits map[string]any) []byte {
	t.Helper()
	return jsondoctest.ApplyEdits(t, inputs(t, ".json")[name], edits)
}

type violation = jsondoctest.Violation

func TestDecodeViolations(t *testing.T) {
	tests := []struct {
		name  string
		doc   string
		edits map[string]any
		want  []violation
	}{
		{"production to a prison", "court_production", map[string]any{"/to/kind": "prison"},
			[]violation{{"/to/kind", "const"}}},
		{"return without origin", "court_production", map[string]any{
			"/kind": "court_production_return", "/from": nil,
		}, []violation{{"/from", "required"}}},
		{"ground of an escape", "release_bail", map[string]any{"/kind": "escape"},
			[]violation{{"/release_ground", "ground"}}},
		{"place without kind", "release_bail", map[string]any{"/from/kind": nil},
			[]violation{{"/from/kind", "required"}}},
		{"release before admission", "release_bail", map[string]any{"/at": "2025-09-20T10:00:00+05:30"},
			[]violation{{"/at", "chronology"}}},
		{"sent before the movement", "release_bail", map[string]any{"/sent_at": "2025-10-18T17:30:00+05:30"},
			[]violation{{"/sent_at", "chronology"}}},
		{"movement at offset +24:00", "release_bail", map[string]any{"/at": "0001-01-01T00:00:00+24:00"},
			[]violation{{"/at", "format"}}},
		{"admission at offset +24:00 after the release", "release_bail",
			map[string]any{"/prisoner/admitted_at": "2025-10-19T23:00:00+24:00"},
			[]violation{{"/prisoner/admitted_at", "format"}}},
		{"movement in the future", "release_bail", map[string]any{"/at": "2026-07-01T10:00:00+05:30"},
			[]violation{{"/at", "future"}}},
		{"born after the movement", "release_bail",
			map[string]any{"/prisoner/person/date_of_birth": "2025-10-19"},
			[]violation{{"/prisoner/person/date_of_birth", "date-of-birth"}}},
		{"born in year 9999", "release_bail",
			map[string]any{"/prisoner/person/date_of_birth": "9999-12-31"},
			[]violation{{"/prisoner/person/date_of_birth", "date-of-birth"}}},
		{"born tomorrow, order of today", "court_order_production", map[string]any{
			"/issued_at": "2026-06-30T10:00:00+05:30", "/ordered_on": "2026-06-30",
			"/appear_on": "2026-07-02", "/sent_at": "2026-06-30T10:05:00+05:30",
			"/prisoner/person/date_of_birth": "2026-07-01",
		}, []violation{{"/prisoner/person/date_of_birth", "date-of-birth"}}},
		{"born after the admission", "release_bail", map[string]any{
			"/kind": "admission", "/at": "2025-09-21T19:10:00+05:30",
			"/from":           map[string]any{"kind": "court", "code": "KLER10"},
			"/to":             map[string]any{"kind": "prison", "code": "KLSJEKM"},
			"/release_ground": nil, "/prisoner/person/date_of_birth": "2025-09-22",
		}, []violation{{"/prisoner/person/date_of_birth", "date-of-birth"}}},
		{"born after the admission, before the movement", "release_bail",
			map[string]any{"/prisoner/person/date_of_birth": "2025-10-01"},
			[]violation{{"/prisoner/person/date_of_birth", "date-of-birth"}}},
		{"order's prisoner born after the admission", "court_order_production", map[string]any{
			"/prisoner/admitted_at": "2025-09-21T19:10:00+05:30", "/prisoner/person/date_of_birth": "2025-09-30",
		}, []violation{{"/prisoner/person/date_of_birth", "date-of-birth"}}},
		{"born before 1900", "release_bail",
			map[string]any{"/prisoner/person/date_of_birth": "1800-01-01"},
			[]violation{{"/prisoner/person/date_of_birth", "date-of-birth"}}},
		{"born after the order", "court_order_production",
			map[string]any{"/prisoner/person/date_of_birth": "2025-10-02"},
			[]violation{{"/prisoner/person/date_of_birth", "date-of-birth"}}},
		{"times of year 1", "release_bail", map[string]any{
			"/sent_at": "0001-01-01T00:00:00+05:30", "/at": "0001-01-01T00:00:00+05:30",
			"/prisoner/admitted_at": "0001-01-01T00:00:00+05:30",
		}, []violation{{"/at", "earliest"}, {"/prisoner/admitted_at", "earliest"}, {"/sent_at", "earliest"}}},
		{"times at the zero instant", "release_bail", map[string]any{
			"/sent_at": "0001-01-01T00:00:00Z", "/at": "0001-01-01T05:30:00+05:30",
			"/prisoner/admitted_at": "0001-01-01T00:00:00Z",
		}, []violation{{"/at", "earliest"}, {"/prisoner/admitted_at", "earliest"}, {"/sent_at", "earliest"}}},
		{"admission at the zero instant", "release_bail", map[string]any{
			"/kind": "admission", "/at": "0001-01-01T00:00:00Z",
			"/from":           map[string]any{"kind": "court", "code": "KLER10"},
			"/to":             map[string]any{"kind": "prison", "code": "KLSJEKM"},
			"/release_ground": nil,
		}, []violation{{"/at", "earliest"}}},
		{"zero instant with a birth after today", "release_bail", map[string]any{
			"/at": "0001-01-01T00:00:00Z", "/prisoner/person/date_of_birth": "2026-07-01",
		}, []violation{{"/at", "earliest"}, {"/prisoner/person/date_of_birth", "future"}}},
		{"movement a second before 1900", "release_bail", map[string]any{
			"/at": "1899-12-31T23:59:59+05:30", "/prisoner/admitted_at": "1899-06-01T10:00:00Z",
		}, []violation{{"/at", "earliest"}, {"/prisoner/admitted_at", "earliest"}}},
		{"order issued before 1900", "court_order_production", map[string]any{
			"/issued_at": "1899-12-31T23:00:00+05:30", "/prisoner/person/date_of_birth": nil,
		}, []violation{{"/issued_at", "earliest"}}},
		{"invalid Aadhaar", "court_production", map[string]any{
			"/prisoner/person/identifiers/0/number": "5863-0172-9437",
		}, []violation{{"/prisoner/person/identifiers/0/number", "aadhaar"}}},
		{"unknown BNS section", "court_production", map[string]any{"/prisoner/charges/0/section": "999"},
			[]violation{{"/prisoner/charges/0/section", "section"}}},
		{"number with a slash", "release_bail", map[string]any{"/prisoner/number": "UT/2231/2025"},
			[]violation{{"/prisoner/number", "pattern"}}},
		{"prisoner number with a word joiner", "release_bail",
			map[string]any{"/prisoner/number": "UT-2231\u2060-2025"},
			[]violation{{"/prisoner/number", "pattern"}}},
		{"booking number with a right-to-left override", "release_bail",
			map[string]any{"/prisoner/booking_number": "B-2025\u202e-1822"},
			[]violation{{"/prisoner/booking_number", "pattern"}}},
		{"prisoner number like an Aadhaar number", "release_bail",
			map[string]any{"/prisoner/number": "491873625403"},
			[]violation{{"/prisoner/number", "aadhaar-like"}}},
		{"booking number grouped like an Aadhaar number", "release_bail",
			map[string]any{"/prisoner/booking_number": "4918\u20137362\u20135403"},
			[]violation{{"/prisoner/booking_number", "aadhaar-like"}}},
		{"prisoner number like an Aadhaar number after a word joiner", "release_bail",
			map[string]any{"/prisoner/number": "UT\u2060491873625403"},
			[]violation{{"/prisoner/number", "pattern"}, {"/prisoner/number", "aadhaar-like"}}},
		{"booking number like an Aadhaar number after a word joiner", "release_bail",
			map[string]any{"/prisoner/booking_number": "B\u2060491873625403"},
			[]violation{{"/prisoner/booking_number", "pattern"}, {"/prisoner/booking_number", "aadhaar-like"}}},
		{"court order's prisoner number like an Aadhaar number after a word joiner", "court_order_production",
			map[string]any{"/prisoner/number": "UTP\u2060491873625403"},
			[]violation{{"/prisoner/number", "pattern"}, {"/prisoner/number", "aadhaar-like"}}},
		{"order number like an Aadhaar number after a word joiner", "court_order_production",
			map[string]any{"/number": "PW\u2060491873625403"},
			[]violation{{"/number", "pattern"}, {"/number", "aadhaar-like"}}},
		{"court order's prisoner number like an Aadhaar number", "court_order_production",
			map[string]any{"/prisoner/number": "UTP491873625403"},
			[]violation{{"/prisoner/number", "aadhaar-like"}}},
		{"order number like an Aadhaar number", "court_order_production",
			map[string]any{"/number": "PW 4918 7362 5403"},
			[]violation{{"/number", "aadhaar-like"}}},
		{"number with a line break", "release_bail", map[string]any{"/prisoner/number": "UT\n2231"},
			[]violation{{"/prisoner/number", "pattern"}}},
		{"number with a zero-width space", "release_bail", map[string]any{"/prisoner/number": "UT\u200b2231"},
			[]violation{{"/prisoner/number", "pattern"}}},
		{"message id with a zero-width space", "release_bail",
			map[string]any{"/message_id": "KLDJEKM-MV-2026-000001\u200b"},
			[]violation{{"/message_id", "pattern"}}},
		{"message id with a direction override", "release_bail",
			map[string]any{"/message_id": "KLDJEKM-MV-\u202e2026-000001"},
			[]violation{{"/message_id", "pattern"}}},
		{"message id with a tab", "court_production",
			map[string]any{"/message_id": "KLDJEKM-MV-2026\t000001"},
			[]violation{{"/message_id", "pattern"}}},
		{"message id of 129 characters ending in a space", "release_bail",
			map[string]any{"/message_id": strings.Repeat("m", 128) + " "},
			[]violation{{"/message_id", "maxLength"}, {"/message_id", "pattern"}}},
		{"in_reply_to of 129 characters with a tab", "court_production",
			map[string]any{"/in_reply_to": strings.Repeat("m", 128) + "\t"},
			[]violation{{"/in_reply_to", "maxLength"}, {"/in_reply_to", "pattern"}}},
		{"message id ending in a space", "court_production", map[string]any{"/message_id": "KLDJEKM-MV-2026-000001 "},
			[]violation{{"/message_id", "pattern"}}},
		{"other place's code with a zero-width space", "release_bail",
			map[string]any{"/to": map[string]any{"kind": "other", "code": "EKM04\u200b12"}},
			[]violation{{"/to/code", "pattern"}}},
		{"prison code with a tab", "release_bail", map[string]any{"/prisoner/prison_code": "KLSJ\tEKM"},
			[]violation{{"/prisoner/prison_code", "pattern"}}},
		{"prison code with a tab on a production", "court_production",
			map[string]any{"/prisoner/prison_code": "KLSJ\tEKM"},
			[]violation{{"/prisoner/prison_code", "pattern"}}},
		{"lower-case prison code", "release_bail", map[string]any{"/prisoner/prison_code": "klsjekm"},
			[]violation{{"/prisoner/prison_code", "pattern"}}},
		{"prison code with one lower-case letter", "release_bail",
			map[string]any{"/prisoner/prison_code": "KLSJEKm"},
			[]violation{{"/prisoner/prison_code", "pattern"}}},
		{"lower-case prison of an order", "court_order_production",
			map[string]any{"/prisoner/prison_code": "klsjekm"},
			[]violation{{"/prisoner/prison_code", "pattern"}}},
		{"lower-case prison in from", "court_production", map[string]any{"/from/code": "klsjekm"},
			[]violation{{"/from/code", "pattern"}}},
		{"lower-case prison in to", "release_bail", map[string]any{
			"/to": map[string]any{"kind": "prison", "code": "KLcjviy"},
		}, []violation{{"/to/code", "pattern"}}},
		{"prison code with a slash in to", "court_production", map[string]any{
			"/kind": "transfer_out", "/to": map[string]any{"kind": "prison", "code": "KL/CJVIY"},
		}, []violation{{"/to/code", "pattern"}}},
		{"production out from another prison", "court_production", map[string]any{"/from/code": "KLCJVIY"},
			[]violation{{"/from/code", "movement-prison"}}},
		{"production return to another prison", "court_production", map[string]any{
			"/kind": "court_production_return", "/from": map[string]any{"kind": "court", "code": "KLER10"},
			"/to": map[string]any{"kind": "prison", "code": "KLCJVIY"},
		}, []violation{{"/to/code", "movement-prison"}}},
		{"transfer out from another prison", "court_production", map[string]any{
			"/kind": "transfer_out", "/from": map[string]any{"kind": "prison", "code": "KLCJVIY"},
			"/to": map[string]any{"kind": "prison", "code": "KLCJTVM"},
		}, []violation{{"/from/code", "movement-prison"}}},
		{"movement without number", "release_bail", map[string]any{"/prisoner/number": nil},
			[]violation{{"/prisoner/number", "required"}}},
		{"case without FIR or CNR", "death_in_custody", map[string]any{"/prisoner/cases/0/cnr": nil},
			[]violation{{"/prisoner/cases/0/cnr", "required"}, {"/prisoner/cases/0/fir", "required"}}},
		{"warrant without date", "court_order_production", map[string]any{"/appear_on": nil},
			[]violation{{"/appear_on", "required"}}},
		{"appearance before order", "court_order_production", map[string]any{"/appear_on": "2025-09-30"},
			[]violation{{"/appear_on", "chronology"}}},
		{"warrant without number", "court_order_production", map[string]any{"/prisoner/number": nil},
			[]violation{{"/prisoner/number", "required"}}},
		{"committal with ground", "court_order_committal", map[string]any{"/release_ground": "bail"},
			[]violation{{"/release_ground", "ground"}}},
		{"unknown field", "death_in_custody", map[string]any{"/cause": "cardiac arrest"},
			[]violation{{"/cause", "not-allowed"}}},
		{"hub fields on a movement", "release_bail", map[string]any{
			"/hub_message_id": "01K6H2Q8X7", "/source_agency": "courts",
		}, []violation{{"/hub_message_id", "hub-only"}, {"/source_agency", "hub-only"}}},
		{"empty hub_message_id", "court_production", map[string]any{"/hub_message_id": ""},
			[]violation{{"/hub_message_id", "hub-only"}}},
		{"source_agency of the prison", "death_in_custody", map[string]any{"/source_agency": "prisons"},
			[]violation{{"/source_agency", "hub-only"}}},
		{"in_reply_to on a death", "death_in_custody", map[string]any{"/in_reply_to": "01K6H2Q8X7"},
			[]violation{{"/in_reply_to", "in-reply-to"}}},
		{"empty in_reply_to on a hospital visit", "court_production", map[string]any{
			"/kind": "hospital_out", "/to": map[string]any{"kind": "hospital", "name": "General Hospital"},
			"/in_reply_to": "",
		}, []violation{{"/in_reply_to", "in-reply-to"}}},
	}
	a := newAdapter(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := a.Decode(edit(t, tt.doc, tt.edits), prisons.ContentType)
			if got := jsondoctest.ViolationsOf(t, err); !slices.Equal(got, tt.want) {
				t.Errorf("violations = %v, want %v\n%v", got, tt.want, err)
			}
		})
	}
}

// TestProductionReturnToOtherPrison checks that a court production
// return of a prisoner of the Central Prison, Viyyur, to the Sub Jail,
// Ernakulam, gets a message naming both fields and both prisons, and
// that the return to Viyyur passes.
func TestProductionReturnToOtherPrison(t *testing.T) {
	a := newAdapter(t)
	returned := map[string]any{
		"/kind": "court_production_return", "/prisoner/prison_code": "KLCJVIY",
		"/from": map[string]any{"kind": "court", "code": "KLER10"},
		"/to":   map[string]any{"kind": "prison", "code": "KLSJEKM"},
	}
	_, err := a.Decode(edit(t, "court_production", returned), prisons.ContentType)
	vs := schemas.Violations(err)
	if len(vs) != 1 {
		t.Fatalf("violations %v, want one", vs)
	}
	for _, want := range []string{"to.code is prison KLSJEKM", "prisoner.prison_code KLCJVIY"} {
		if !strings.Contains(vs[0].Message, want) {
			t.Errorf("message %q does not contain %q", vs[0].Message, want)
		}
	}

	returned["/to"] = map[string]any{"kind": "prison", "code": "KLCJVIY"}
	if _, err := a.Decode(edit(t, "court_production", returned), prisons.ContentType); err != nil {
		t.Errorf("return to the prisoner's prison: %v", err)
	}
}

// TestMovementPrisonByKind checks, for each movement kind that leaves
// or reaches the prison holding the prisoner, that the end of that
// prison passes with prisoner.prison_code KLSJEKM and gets rule
// movement-prison there with another prison's code.
func TestMovementPrisonByKind(t *testing.T) {
	court := map[string]any{"kind": "court", "code": "KLER10"}
	hospital := map[string]any{"kind": "hospital", "name": "General Hospital, Ernakulam"}
	home := map[string]any{"kind": "home"}
	trivandrum := map[string]any{"kind": "prison", "code": "KLCJTVM"}
	tests := []struct {
		kind  string
		end   string         // the end that is the holding prison
		other map[string]any // the place at the other end
	}{
		{"admission", "to", court},
		{"court_production_out", "from", court},
		{"court_production_return", "to", court},
		{"transfer_out", "from", trivandrum},
		{"transfer_in", "to", trivandrum},
		{"hospital_out", "from", hospital},
		{"hospital_return", "to", hospital},
		{"parole_out", "from", home},
		{"parole_return", "to", home},
		{"furlough_out", "from", home},
		{"furlough_return", "to", home},
		{"release", "from", home},
	}
	a := newAdapter(t)
	for _, tt := range tests {
		otherEnd := map[string]string{"from": "to", "to": "from"}[tt.end]
		doc := func(prison string) []byte {
			return edit(t, "court_production", map[string]any{
				"/kind":                 tt.kind,
				"/" + tt.end:            map[string]any{"kind": "prison", "code": prison},
				"/" + otherEnd:          tt.other,
				"/prisoner/prison_code": "KLSJEKM",
			})
		}
		t.Run(tt.kind, func(t *testing.T) {
			if _, err := a.Decode(doc("KLSJEKM"), prisons.ContentType); err != nil {
				t.Errorf("%s the prisoner's prison: %v", tt.end, err)
			}
			_, err := a.Decode(doc("KLCJVIY"), prisons.ContentType)
			want := []violation{{"/" + tt.end + "/code", "movement-prison"}}
			if got := jsondoctest.ViolationsOf(t, err); !slices.Equal(got, want) {
				t.Errorf("%s another prison: violations = %v, want %v\n%v", tt.end, got, want, err)
			}
		})
	}
}

// TestTransferToOwnPrisonRejected checks that a transfer's other prison
// may not be the prison holding the prisoner.
func TestTransferToOwnPrisonRejected(t *testing.T) {
	a := newAdapter(t)
	own := map[string]any{"kind": "prison", "code": "KLSJEKM"}
	tests := []struct {
		kind, pointer string
	}{
		{"transfer_out", "/to/code"},
		{"transfer_in", "/from/code"},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			body := edit(t, "court_production", map[string]any{"/kind": tt.kind, "/from": own, "/to": own})
			_, err := a.Decode(body, prisons.ContentType)
			want := []violation{{tt.pointer, "movement-prison"}}
			if got := jsondoctest.ViolationsOf(t, err); !slices.Equal(got, want) {
				t.Fatalf("violations = %v, want %v\n%v", got, want, err)
			}
			if msg := schemas.Violations(err)[0].Message; !strings.Contains(msg, "other prison of the transfer") {
				t.Errorf("message %q does not say the end is the other prison", msg)
			}
		})
	}
}

// TestParoleEndOutsidePrison checks the end of a parole or furlough
// outside prison: the to of a movement out and the from of a return.
// That end gets rule movement-prison at its kind when it is a prison,
// with or without a code. It passes when it is a home.
func TestParoleEndOutsidePrison(t *testing.T) {
	a := newAdapter(t)
	own := map[string]any{"kind": "prison", "code": "KLSJEKM"}
	tests := []struct {
		kind, end string // end is the end outside prison
	}{
		{"parole_out", "to"},
		{"parole_return", "from"},
		{"furlough_out", "to"},
		{"furlough_return", "from"},
	}
	for _, tt := range tests {
		holdingEnd := map[string]string{"from": "to", "to": "from"}[tt.end]
		doc := func(place map[string]any) []byte {
			return edit(t, "court_production", map[string]any{
				"/kind": tt.kind, "/" + holdingEnd: own, "/" + tt.end: place,
			})
		}
		t.Run(tt.kind, func(t *testing.T) {
			if _, err := a.Decode(doc(map[string]any{"kind": "home"}), prisons.ContentType); err != nil {
				t.Errorf("%s home: %v", tt.end, err)
			}
			places := []map[string]any{
				{"kind": "prison", "code": "KLCJVIY"},
				{"kind": "prison", "code": "KLSJEKM"},
				{"kind": "prison", "name": "Central Prison, Viyyur"},
			}
			want := []violation{{"/" + tt.end + "/kind", "movement-prison"}}
			for _, place := range places {
				_, err := a.Decode(doc(place), prisons.ContentType)
				if got := jsondoctest.ViolationsOf(t, err); !slices.Equal(got, want) {
					t.Fatalf("%s %v: violations = %v, want %v\n%v", tt.end, place, got, want, err)
				}
				msg := schemas.Violations(err)[0].Message
				if !strings.Contains(msg, tt.end+".kind is prison") {
					t.Errorf("message %q does not name %s.kind", msg, tt.end)
				}
			}
		})
	}
}

// TestMovementMayNameAnotherPrison checks the ends that may name a
// prison other than the one holding the prisoner. These are where an
// escape or a death happened, where a released prisoner was handed
// over, and where an admitted person came from.
func TestMovementMayNameAnotherPrison(t *testing.T) {
	a := newAdapter(t)
	viyyur := map[string]any{"kind": "prison", "code": "KLCJVIY"}
	tests := []struct {
		name  string
		edits map[string]any
	}{
		{"escape", map[string]any{"/kind": "escape", "/from": viyyur, "/to": nil}},
		{"death", map[string]any{"/kind": "death", "/from": viyyur, "/to": nil}},
		{"release to another prison", map[string]any{"/kind": "release", "/to": viyyur}},
		{"admission from another prison", map[string]any{"/kind": "admission", "/from": viyyur,
			"/to": map[string]any{"kind": "prison", "code": "KLSJEKM"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := a.Decode(edit(t, "court_production", tt.edits), prisons.ContentType); err != nil {
				t.Errorf("Decode: %v", err)
			}
		})
	}
}

// TestLowerCasePrisonCodeRejected checks that a JSON movement's
// lower-case prison code gets a message saying that codes are upper
// case, and that a lower-case prisoner number passes.
func TestLowerCasePrisonCodeRejected(t *testing.T) {
	a := newAdapter(t)
	_, err := a.Decode(edit(t, "release_bail", map[string]any{"/prisoner/prison_code": "klsjekm"}),
		prisons.ContentType)
	vs := schemas.Violations(err)
	if len(vs) != 1 {
		t.Fatalf("violations %v, want one pattern at /prisoner/prison_code", vs)
	}
	if vs[0].Rule != "pattern" {
		t.Errorf("rule %q, want pattern", vs[0].Rule)
	}
	if vs[0].Pointer != "/prisoner/prison_code" {
		t.Errorf("pointer %q, want /prisoner/prison_code", vs[0].Pointer)
	}
	if !strings.Contains(vs[0].Message, "upper case") {
		t.Errorf("message %q, want it to state that prison codes are upper case", vs[0].Message)
	}

	number := edit(t, "release_bail", map[string]any{"/prisoner/number": "ut-2231-2025"})
	if _, err := a.Decode(number, prisons.ContentType); err != nil {
		t.Errorf("lower-case prisoner number: %v", err)
	}
}

// TestDecodeInReplyToOrder checks that a movement that carries out a
// court order keeps the order's hub_message_id as its correlation id,
// and that a court order, which the hub sends to prisons with its
// hub_message_id and source_agency, keeps its in_reply_to too.
func TestDecodeInReplyToOrder(t *testing.T) {
	tests := []struct {
		doc   string
		edits map[string]any
	}{
		{"court_production", map[string]any{}},
		{"court_production", map[string]any{
			"/kind": "court_production_return", "/from": map[string]any{"kind": "court", "code": "KLER10"},
			"/to": map[string]any{"kind": "prison", "code": "KLSJEKM"},
		}},
		{"release_bail", map[string]any{}},
		{"release_bail", map[string]any{"/kind": "admission", "/release_ground": nil, "/from": nil,
			"/to": map[string]any{"kind": "prison", "code": "KLSJEKM"}}},
		{"court_order_production", map[string]any{}},
	}
	a := newAdapter(t)
	for _, tt := range tests {
		tt.edits["/in_reply_to"] = "01K6H2Q8X7"
		kind, _ := tt.edits["/kind"].(string)
		t.Run(tt.doc+" "+kind, func(t *testing.T) {
			d, err := a.Decode(edit(t, tt.doc, tt.edits), prisons.ContentType)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if got := d.Messages[0].CorrelationID; got != "01K6H2Q8X7" {
				t.Errorf("CorrelationID = %q, want 01K6H2Q8X7", got)
			}
		})
	}
}

func TestDecodeSentWithinClockSkew(t *testing.T) {
	// Sent 5 minutes before the movement, within the 10 minutes of
	// clock skew that the adapter allows by default.
	body := edit(t, "release_bail", map[string]any{"/sent_at": "2025-10-18T17:40:00+05:30"})
	if _, err := newAdapter(t).Decode(body, prisons.ContentType); err != nil {
		t.Errorf("Decode: %v", err)
	}
}

func TestDecodeNIEMViolations(t *testing.T) {
	booking := string(inputs(t, ".xml")["booking_report"])
	tests := []struct {
		name, old, new string
		want           []violation
	}{
		{"no booking time", "<core:DateTime>2025-09-21T19:10:00+05:30</core:DateTime>", "",
			[]violation{{"/BookingReport/Booking/ActivityDate", "required"}}},
		{"bad booking time", "2025-09-21T19:10:00+05:30", "21/09/2025 19:10",
			[]violation{{"/BookingReport/Booking/ActivityDate/DateTime", "date-time"}}},
		{"booking before 1900", "2025-09-21T19:10:00+05:30", "1899-09-21T19:10:00+05:30",
			[]violation{{"/BookingReport/Booking/ActivityDate/DateTime", "earliest"}}},
		{"booking at the zero instant", "2025-09-21T19:10:00+05:30", "0001-01-01T00:00:00Z",
			[]violation{{"/BookingReport/Booking/ActivityDate/DateTime", "earliest"}}},
		{"born before 1900", "2001-06-30", "1899-06-30",
			[]violation{{"/BookingReport/Person/PersonBirthDate/Date", "earliest"}}},
		{"invalid Aadhaar", "2345 6789 0124", "2345 6789 0125",
			[]violation{{"/BookingReport/Person/PersonOtherIdentification/IdentificationID", "aadhaar"}}},
		{"prisoner number like an Aadhaar number", ">UT-2240-2025<", ">491873625403<",
			[]violation{{"/BookingReport/Booking/BookingSubject/SubjectIdentification/IdentificationID", "aadhaar-like"}}},
		{"booking number with a word joiner", ">B-2025-1822<", ">B-2025\u2060-1822<",
			[]violation{{"/BookingReport/Booking/BookingAgencyRecordIdentification/IdentificationID", "pattern"}}},
		{"booking number like an Aadhaar number", ">B-2025-1822<", ">4918 7362 5403<",
			[]violation{{"/BookingReport/Booking/BookingAgencyRecordIdentification/IdentificationID", "aadhaar-like"}}},
		{"prisoner number like an Aadhaar number after a word joiner", ">UT-2240-2025<", ">UT\u2060491873625403<",
			[]violation{
				{"/BookingReport/Booking/BookingSubject/SubjectIdentification/IdentificationID", "pattern"},
				{"/BookingReport/Booking/BookingSubject/SubjectIdentification/IdentificationID", "aadhaar-like"},
			}},
		{"prisoner number like an Aadhaar number after a slash", ">UT-2240-2025<", ">UT/491873625403<",
			[]violation{
				{"/BookingReport/Booking/BookingSubject/SubjectIdentification/IdentificationID", "pattern"},
				{"/BookingReport/Booking/BookingSubject/SubjectIdentification/IdentificationID", "aadhaar-like"},
			}},
		{"prisoner number of 71 characters with a zero-width space", ">UT-2240-2025<",
			">" + strings.Repeat("U", 70) + "\u200b<",
			[]violation{
				{"/BookingReport/Booking/BookingSubject/SubjectIdentification/IdentificationID", "maxLength"},
				{"/BookingReport/Booking/BookingSubject/SubjectIdentification/IdentificationID", "pattern"},
			}},
		{"prisoner number of 65 characters", ">UT-2240-2025<", ">" + strings.Repeat("U", 65) + "<",
			[]violation{{"/BookingReport/Booking/BookingSubject/SubjectIdentification/IdentificationID", "maxLength"}}},
		{"booking number of 70 characters", ">B-2025-1822<", ">" + strings.Repeat("B", 70) + "<",
			[]violation{{"/BookingReport/Booking/BookingAgencyRecordIdentification/IdentificationID", "maxLength"}}},
		{"document id of 129 characters", ">KLDJEKM-BKG-2025-1822<", ">" + strings.Repeat("D", 129) + "<",
			[]violation{{"/BookingReport/DocumentIdentification/IdentificationID", "maxLength"}}},
		{"booking number like an Aadhaar number after a word joiner", ">B-2025-1822<", ">B\u2060491873625403<",
			[]violation{
				{"/BookingReport/Booking/BookingAgencyRecordIdentification/IdentificationID", "pattern"},
				{"/BookingReport/Booking/BookingAgencyRecordIdentification/IdentificationID", "aadhaar-like"},
			}},
		{"dangling subject", `s:ref="subject"`, `s:ref="nobody"`,
			[]violation{{"/BookingReport/Booking/BookingSubject/RoleOfPerson", "reference"}}},
		{"unknown section", "317(2)", "999",
			[]violation{{"/BookingReport/Charge[2]/ChargeStatute/StatuteCodeSectionIdentification", "section"}}},
		{"dangling facility", "<jx:BookingDetentionFacility>", `<jx:BookingDetentionFacility s:ref="jail">`,
			[]violation{{"/BookingReport/Booking/BookingDetentionFacility", "reference"}}},
	}
	a := newAdapter(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(booking, tt.old) {
				t.Fatalf("booking report has no %q", tt.old)
			}
			body := strings.Replace(booking, tt.old, tt.new, 1)
			_, err := a.Decode([]byte(body), prisons.XMLContentType)
			if got := jsondoctest.ViolationsOf(t, err); !slices.Equal(got, tt.want) {
				t.Errorf("violations = %v, want %v\n%v", got, tt.want, err)
			}
		})
	}
}

func TestDecodeNIEMFacilityRef(t *testing.T) {
	booking := string(inputs(t, ".xml")["booking_report"])
	facility := regexp.MustCompile(`(?s)<jx:BookingDetentionFacility>.*</jx:BookingDetentionFacility>`)
	if !facility.MatchString(booking) {
		t.Fatal("booking report has no detention facility")
	}
	body := facility.ReplaceAllString(booking, `<jx:BookingDetentionFacility s:ref="jail"/>`)
	body = strings.Replace(body, "</BookingReport>", `  <core:Facility s:id="jail">
    <core:FacilityIdentification><core:IdentificationID>KLCJVIY</core:IdentificationID></core:FacilityIdentification>
    <core:FacilityName>Central Prison, Viyyur</core:FacilityName>
  </core:Facility>
</BookingReport>`, 1)
	d, err := newAdapter(t).Decode([]byte(body), prisons.XMLContentType)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	p := d.Messages[0].Movement.Prisoner
	if p.PrisonCode != "KLCJVIY" || p.PrisonName != "Central Prison, Viyyur" {
		t.Errorf("prison = %q %q, want KLCJVIY from the referenced facility", p.PrisonCode, p.PrisonName)
	}
}

// TestNIEMFacilityCodeUpperCased checks that a NIEM report's facility
// code in lower or mixed case becomes upper case in the prisoner, the
// movement's prison end and the sender id built from it.
func TestNIEMFacilityCodeUpperCased(t *testing.T) {
	a := newAdapter(t)
	booking := string(inputs(t, ".xml")["booking_report"])
	if !strings.Contains(booking, "KLDJEKM") {
		t.Fatal("booking report lacks facility KLDJEKM")
	}
	admission := decodeOneNIEM(t, a, strings.ReplaceAll(booking, "KLDJEKM", "kldjEKM"))
	mv := admission.Movement
	if mv.Prisoner.PrisonCode != "KLDJEKM" {
		t.Errorf("booking: PrisonCode = %q, want KLDJEKM", mv.Prisoner.PrisonCode)
	}
	if mv.To.Kind != canonical.LocationPrison || mv.To.Code != "KLDJEKM" {
		t.Errorf("booking: To = %+v, want prison KLDJEKM", mv.To)
	}

	// The release report has no document id, so the hub builds one.
	release := string(inputs(t, ".xml")["release_report"])
	if strings.Contains(release, "DocumentIdentification") {
		t.Fatal("release report has a document id")
	}
	released := decodeOneNIEM(t, a, strings.ReplaceAll(release, "KLDJEKM", "Kldjekm"))
	mv = released.Movement
	if mv.Prisoner.PrisonCode != "KLDJEKM" {
		t.Errorf("release: PrisonCode = %q, want KLDJEKM", mv.Prisoner.PrisonCode)
	}
	if mv.From.Kind != canonical.LocationPrison || mv.From.Code != "KLDJEKM" {
		t.Errorf("release: From = %+v, want prison KLDJEKM", mv.From)
	}
	if !strings.HasPrefix(released.SenderMessageID, "CustodyReleaseReport/KLDJEKM/") {
		t.Errorf("release: SenderMessageID = %q, want the upper-case code in it", released.SenderMessageID)
	}
}

func TestDecodeContentTypes(t *testing.T) {
	a := newAdapter(t)
	booking := inputs(t, ".xml")["booking_report"]
	for _, ct := range []string{"", "text/xml; charset=utf-8", "application/niem+xml"} {
		if _, err := a.Decode(booking, ct); err != nil {
			t.Errorf("content type %q: %v", ct, err)
		}
	}
	_, err := a.Decode(booking, "text/csv")
	if !errors.Is(err, adapters.ErrMalformed) {
		t.Errorf("text/csv: error = %v, want ErrMalformed", err)
	}
}

// TestDecodeJSONSentAsXML decodes a JSON movement sent with an XML
// Content-Type: the error states that the body is not XML and names the
// Content-Type.
func TestDecodeJSONSentAsXML(t *testing.T) {
	_, err := newAdapter(t).Decode(inputs(t, ".json")["release_bail"], prisons.XMLContentType)
	if !errors.Is(err, adapters.ErrMalformed) {
		t.Fatalf("error = %v, want ErrMalformed", err)
	}
	for _, want := range []string{"the body is not XML: it starts with '{'",
		"but the Content-Type is application/xml", "as application/json"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q, want it to contain %q", err, want)
		}
	}
}

func TestJournalMasksAadhaar(t *testing.T) {
	a := newAdapter(t)
	tests := []struct{ name, ext, clear string }{
		{"court_production", ".json", "5863-0172-9436"},
		{"booking_report", ".xml", "2345 6789 0124"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := a.Decode(inputs(t, tt.ext)[tt.name], "")
			if err != nil {
				t.Fatal(err)
			}
			if d.Journal == nil {
				t.Fatal("Journal is nil for a body with a clear Aadhaar number")
			}
			if strings.Contains(string(d.Journal), tt.clear) {
				t.Errorf("Journal keeps the clear number %s", tt.clear)
			}
			masked := d.Messages[0].Movement.Prisoner.Person.Identifiers[0].Value
			if !strings.Contains(string(d.Journal), masked) {
				t.Errorf("Journal does not have the masked number %s", masked)
			}
			again, err := a.Decode(d.Journal, "")
			if err != nil {
				t.Fatalf("decoding the journal copy: %v", err)
			}
			if again.Journal != nil {
				t.Error("the journal copy still has a clear Aadhaar number")
			}
			// The JSON copy keeps the token as well; NIEM has no element
			// for it, so only the masked value survives there.
			got := jsondoctest.Comparable(again.Messages[0])
			want := jsondoctest.Comparable(d.Messages[0])
			if tt.ext == ".json" && !jsonEqual(got, want) {
				t.Errorf("journal copy decodes to another message")
			}
		})
	}
	d, err := a.Decode(inputs(t, ".json")["release_bail"], prisons.ContentType)
	if err != nil {
		t.Fatal(err)
	}
	if d.Journal != nil {
		t.Error("Journal is set for a body without an Aadhaar number")
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// TestNIEMTimesChecked gives a NIEM release report a release before its
// booking, a booking in the future and a release at the zero instant,
// which a JSON movement may not have either.
func TestNIEMTimesChecked(t *testing.T) {
	a := newAdapter(t)
	body := inputs(t, ".xml")["release_report"]
	const release = "<n:ActivityDate><n:DateTime>2025-10-18T17:45:00+05:30</n:DateTime></n:ActivityDate>"
	const booking = "<n:ActivityDate><n:DateTime>2025-09-21T19:10:00+05:30</n:DateTime></n:ActivityDate>"
	for name, c := range map[string]struct{ old, new, rule string }{
		"release before booking": {release, strings.Replace(release, "2025-10-18", "2025-09-01", 1), "chronology"},
		"booking in the future":  {booking, strings.Replace(booking, "2025-09-21", "2099-09-21", 1), "future"},
		"release at the zero instant": {release, strings.Replace(release, "2025-10-18T17:45:00+05:30",
			"0001-01-01T00:00:00Z", 1), "earliest"},
	} {
		if !strings.Contains(string(body), c.old) {
			t.Fatalf("%s: the release report lacks %s", name, c.old)
		}
		_, err := a.Decode([]byte(strings.Replace(string(body), c.old, c.new, 1)), prisons.XMLContentType)
		found := false
		for _, v := range schemas.Violations(err) {
			found = found || v.Rule == c.rule
		}
		if !found {
			t.Errorf("%s: %v, want a %s violation", name, err, c.rule)
		}
	}
}

// TestPrisonerNumberFaultsMasked checks that both violations of a
// prisoner number with a word joiner before an Aadhaar number write the
// number masked.
func TestPrisonerNumberFaultsMasked(t *testing.T) {
	body := edit(t, "release_bail", map[string]any{"/prisoner/number": "UT\u2060491873625403"})
	_, err := newAdapter(t).Decode(body, prisons.ContentType)
	vs := schemas.Violations(err)
	if len(vs) != 2 {
		t.Fatalf("violations = %v, want pattern and aadhaar-like", vs)
	}
	for _, v := range vs {
		if v.Pointer != "/prisoner/number" {
			t.Errorf("violation %v, want it at /prisoner/number", v)
		}
		if strings.Contains(v.Message, "49187362") {
			t.Errorf("%s message %q shows the number in clear", v.Rule, v.Message)
		}
		if !strings.Contains(v.Message, "XXXXXXXX5403") {
			t.Errorf("%s message %q lacks the masked number", v.Rule, v.Message)
		}
	}
}

// TestNIEMChronologyMessageShowsNanoseconds gives a NIEM release report
// a release a nanosecond before its booking.
func TestNIEMChronologyMessageShowsNanoseconds(t *testing.T) {
	body := string(inputs(t, ".xml")["release_report"])
	const booking = "<n:ActivityDate><n:DateTime>2025-09-21T19:10:00+05:30</n:DateTime></n:ActivityDate>"
	const release = "<n:ActivityDate><n:DateTime>2025-10-18T17:45:00+05:30</n:DateTime></n:ActivityDate>"
	if !strings.Contains(body, booking) || !strings.Contains(body, release) {
		t.Fatalf("the release report lacks %s or %s", booking, release)
	}
	body = strings.Replace(body, booking, strings.Replace(booking, "19:10:00", "19:10:00.000000001", 1), 1)
	body = strings.Replace(body, release, strings.Replace(release, "2025-10-18T17:45", "2025-09-21T19:10", 1), 1)
	_, err := newAdapter(t).Decode([]byte(body), prisons.XMLContentType)
	const want = "the release, 2025-09-21T19:10:00+05:30, is before the booking, " +
		"2025-09-21T19:10:00.000000001+05:30"
	var chronology []schemas.Violation
	for _, v := range schemas.Violations(err) {
		if v.Rule == "chronology" {
			chronology = append(chronology, v)
		}
	}
	if len(chronology) != 1 {
		t.Fatalf("chronology violations = %v, want one\n%v", chronology, err)
	}
	if chronology[0].Message != want {
		t.Errorf("message %q, want %q", chronology[0].Message, want)
	}
}

// TestNIEMChronologyMessageInOneOffset checks that a chronology message
// writes the booking in the offset of the time it compares with it.
func TestNIEMChronologyMessageInOneOffset(t *testing.T) {
	a := newAdapter(t)
	tests := []struct {
		sample, old, new, want string
	}{
		{"release_report", "2025-10-18T17:45:00+05:30", "2025-09-21T06:00:00-07:00",
			"the release, 2025-09-21T06:00:00-07:00, is before the booking, 2025-09-21T06:40:00-07:00"},
		{"booking_report", "2025-09-20T16:30:00+05:30", "2025-09-21T14:00:00Z",
			"the arrest, 2025-09-21T14:00:00Z, is after the booking, 2025-09-21T13:40:00Z"},
	}
	for _, tt := range tests {
		body := string(inputs(t, ".xml")[tt.sample])
		if !strings.Contains(body, tt.old) {
			t.Fatalf("%s lacks %s", tt.sample, tt.old)
		}
		_, err := a.Decode([]byte(strings.Replace(body, tt.old, tt.new, 1)), prisons.XMLContentType)
		vs := schemas.Violations(err)
		if len(vs) != 1 || vs[0].Rule != "chronology" {
			t.Errorf("%s at %s: violations %v, want one of rule chronology", tt.sample, tt.new, vs)
			continue
		}
		if vs[0].Message != tt.want {
			t.Errorf("%s at %s: message %q, want %q", tt.sample, tt.new, vs[0].Message, tt.want)
		}
	}
}

// TestNIEMDateWithoutTime gives a NIEM release and booking a date
// without a time, which would be read as midnight.
func TestNIEMDateWithoutTime(t *testing.T) {
	a := newAdapter(t)
	body := string(inputs(t, ".xml")["release_report"])
	const release = "<n:ActivityDate><n:DateTime>2025-10-18T17:45:00+05:30</n:DateTime></n:ActivityDate>"
	if !strings.Contains(body, release) {
		t.Fatalf("the release report lacks %s", release)
	}
	_, err := a.Decode([]byte(strings.Replace(body, release,
		"<n:ActivityDate><n:Date>2025-10-18</n:Date></n:ActivityDate>", 1)), prisons.XMLContentType)
	found := false
	for _, v := range schemas.Violations(err) {
		found = found || (v.Rule == "date-time" && strings.HasSuffix(v.Pointer, "Release/ActivityDate"))
	}
	if !found {
		t.Errorf("a release with a date only: %v, want date-time at Release/ActivityDate", err)
	}
}

// TestNIEMReadmissionGetsItsOwnID decodes two releases of one prisoner,
// on different days, from reports without a document id: each gets a
// sender id of its own, so the second is no reuse of the first's.
func TestNIEMReadmissionGetsItsOwnID(t *testing.T) {
	a := newAdapter(t)
	body := string(inputs(t, ".xml")["release_report"])
	ids := map[string]bool{}
	for _, day := range []string{"2025-10-18", "2025-11-02"} {
		doc := strings.Replace(body, "2025-10-18T17:45", day+"T17:45", 1)
		m := decodeOneNIEM(t, a, doc)
		ids[m.SenderMessageID] = true
	}
	if len(ids) != 2 {
		t.Errorf("sender ids %v, want one for each release", ids)
	}
}

// TestNIEMAadhaarBookingNumberRejected decodes a booking report without
// a document id whose booking number passes the Aadhaar check. The prison
// matches the number as written, so the report is rejected, with the
// number masked in the message, rather than journaled with it masked.
func TestNIEMAadhaarBookingNumberRejected(t *testing.T) {
	a := newAdapter(t)
	body := string(inputs(t, ".xml")["booking_report"])
	docID := "<core:DocumentIdentification>\n    <core:IdentificationID>KLDJEKM-BKG-2025-1822</core:IdentificationID>\n  </core:DocumentIdentification>"
	if !strings.Contains(body, docID) || !strings.Contains(body, ">B-2025-1822<") {
		t.Fatal("booking_report.xml lacks its document id or booking number")
	}
	body = strings.Replace(body, docID, "", 1)
	body = strings.Replace(body, ">B-2025-1822<", ">586301729436<", 1)

	_, err := a.Decode([]byte(body), prisons.XMLContentType)
	want := []violation{{"/BookingReport/Booking/BookingAgencyRecordIdentification/IdentificationID", "aadhaar-like"}}
	if got := jsondoctest.ViolationsOf(t, err); !slices.Equal(got, want) {
		t.Errorf("violations = %v, want %v\n%v", got, want, err)
	}
	if err != nil && !strings.Contains(err.Error(), "XXXXXXXX9436") {
		t.Errorf("error %q lacks the masked number", err)
	}
	if err != nil && strings.Contains(err.Error(), "58630172") {
		t.Errorf("error %q shows the number in clear", err)
	}
}

func decodeOneNIEM(t *testing.T, a *prisons.Adapter, body string) canonical.Message {
	t.Helper()
	d, err := a.Decode([]byte(body), prisons.XMLContentType)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	return d.Messages[0]
}

// TestNIEMViolationsInDocumentOrder breaks a booking report in several
// places and expects its violations in the order of their elements in
// the document, whatever the order the decoder checks them in.
func TestNIEMViolationsInDocumentOrder(t *testing.T) {
	body := string(inputs(t, ".xml")["booking_report"])
	for old, replacement := range map[string]string{
		"2025-09-21T19:10:00+05:30": "21/09/2025 19:10",
		"2345 6789 0124":            "2345 6789 0125",
		"<jx:PersonSexCode>M<":      "<jx:PersonSexCode>X<",
		"317(2)":                    "999",
	} {
		if !strings.Contains(body, old) {
			t.Fatalf("booking report has no %q", old)
		}
		body = strings.Replace(body, old, replacement, 1)
	}
	want := []violation{
		{"/BookingReport/Booking/ActivityDate/DateTime", "date-time"},
		{"/BookingReport/Person/PersonOtherIdentification/IdentificationID", "aadhaar"},
		{"/BookingReport/Person/PersonSexCode", "enum"},
		{"/BookingReport/Charge[2]/ChargeStatute/StatuteCodeSectionIdentification", "section"},
	}

	_, err := newAdapter(t).Decode([]byte(body), prisons.XMLContentType)
	if got := jsondoctest.ViolationsOf(t, err); !slices.Equal(got, want) {
		t.Errorf("violations = %v, want %v\n%v", got, want, err)
	}
}

// TestNIEMRejectsUnprintableDocumentID checks that a booking report's
// document id, which the hub takes as the sender message id, gets rule
// pattern for a character outside printable ASCII, escaped in the message.
func TestNIEMRejectsUnprintableDocumentID(t *testing.T) {
	const pointer = "/BookingReport/DocumentIdentification/IdentificationID"
	a := newAdapter(t)
	body := string(inputs(t, ".xml")["booking_report"])
	for replacement, escaped := range map[string]string{
		"KLDJEKM-BKG-\u200b2025-1822": `\u200b`,
		"KLDJEKM-BKG-2025-1822\ufe0f": `\ufe0f`,
		"KLDJEKM-BKG-\u28002025-1822": `\u2800`,
		"KLDJEKM-BKG 2025-1822":       `"KLDJEKM-BKG 2025-1822"`,
	} {
		doc := strings.Replace(body, ">KLDJEKM-BKG-2025-1822<", ">"+replacement+"<", 1)
		if doc == body {
			t.Fatal("booking_report.xml lacks its document id")
		}
		_, err := a.Decode([]byte(doc), prisons.XMLContentType)
		vs := schemas.Violations(err)
		if len(vs) != 1 || vs[0].Rule != "pattern" || vs[0].Pointer != pointer {
			t.Errorf("document id %+q: violations %v, want one of rule pattern at %s", replacement, vs, pointer)
			continue
		}
		if !strings.Contains(vs[0].Message, escaped) {
			t.Errorf("document id %+q: message %q lacks %s", replacement, vs[0].Message, escaped)
		}
	}
}

func TestPrisonerNumberMessageShowsCharacter(t *testing.T) {
	for number, shows := range map[string]string{
		"UT-1\u2060": `"UT-1\u2060" has U+2060 at byte 4, which shows as nothing`,
		"UT-\u202e1": `"UT-\u202e1" has U+202E at byte 3, which reorders the text`,
		"UT-1\n2":    `"UT-1\n2" has U+000A at byte 4, which is a control character`,
	} {
		body := edit(t, "release_bail", map[string]any{"/prisoner/number": number})
		_, err := newAdapter(t).Decode(body, prisons.ContentType)
		vs := schemas.Violations(err)
		if len(vs) != 1 || vs[0].Pointer != "/prisoner/number" || vs[0].Rule != "pattern" {
			t.Fatalf("Decode(number %q) violations = %v, want one pattern at /prisoner/number", number, vs)
		}
		if !strings.Contains(vs[0].Message, shows) {
			t.Errorf("message %q does not contain %q", vs[0].Message, shows)
		}
	}
}

// TestBirthDateMessages checks that a date of birth after the movement
// or court order, or before 1900, gets a message naming the date, the
// bound and the field the bound comes from. A prisoner born on the day
// of the movement passes.
func TestBirthDateMessages(t *testing.T) {
	a := newAdapter(t)
	tests := []struct {
		doc   string
		edits map[string]any
		want  string
	}{
		{"release_bail", map[string]any{"/prisoner/person/date_of_birth": "2025-10-19"},
			"date of birth 2025-10-19 is after the movement's date (at), 2025-10-18"},
		{"release_bail", map[string]any{"/prisoner/person/date_of_birth": "1899-12-31"},
			"date of birth 1899-12-31 is before 1900"},
		{"release_bail", map[string]any{"/prisoner/person/date_of_birth": "2025-10-01"},
			"date of birth 2025-10-01 is after the prisoner's admission date (prisoner.admitted_at), 2025-09-21"},
		{"court_order_production", map[string]any{"/prisoner/person/date_of_birth": "2025-10-02"},
			"date of birth 2025-10-02 is after the court order's issue date (issued_at), 2025-10-01"},
		{"court_order_production", map[string]any{
			"/prisoner/person/date_of_birth": "2025-10-02", "/issued_at": nil,
		}, "date of birth 2025-10-02 is after the court order's date (ordered_on), 2025-10-01"},
	}
	for _, tt := range tests {
		body := edit(t, tt.doc, tt.edits)
		_, err := a.Decode(body, prisons.ContentType)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s with %v: error = %v, want it to contain %q", tt.doc, tt.edits, err, tt.want)
		}
	}
	body := edit(t, "release_bail", map[string]any{
		"/prisoner/person/date_of_birth": "2025-10-18", "/prisoner/admitted_at": nil,
	})
	if _, err := a.Decode(body, prisons.ContentType); err != nil {
		t.Errorf("born on the day of the movement: %v", err)
	}
}

// TestNIEMBuiltIDFitsMessageID decodes booking reports without a
// document id whose prison code has 64 characters. With a booking number
// of 32 characters the built id has 128, the maximum of a prison's
// message_id, so the report is accepted and encodes as a prison's JSON
// movement. With one of 64 characters the report is rejected at the
// missing document id.
func TestNIEMBuiltIDFitsMessageID(t *testing.T) {
	a := newAdapter(t)
	body := string(inputs(t, ".xml")["booking_report"])
	docID := "<core:DocumentIdentification>\n    <core:IdentificationID>KLDJEKM-BKG-2025-1822</core:IdentificationID>\n  </core:DocumentIdentification>"
	for _, old := range []string{docID, "\n        KLDJEKM\n", ">B-2025-1822<"} {
		if !strings.Contains(body, old) {
			t.Fatalf("booking_report.xml lacks %q", old)
		}
	}
	body = strings.Replace(body, docID, "", 1)
	body = strings.Replace(body, "\n        KLDJEKM\n", strings.Repeat("K", 64), 1)
	withNumber := func(length int) string {
		return strings.Replace(body, ">B-2025-1822<", ">"+strings.Repeat("B", length)+"<", 1)
	}

	m := decodeOneNIEM(t, a, withNumber(32))
	if got := len(m.SenderMessageID); got != 128 {
		t.Errorf("built id %q has %d characters, want 128", m.SenderMessageID, got)
	}
	if _, err := a.Encode(&m); err != nil {
		t.Errorf("Encode: %v", err)
	}

	_, err := a.Decode([]byte(withNumber(64)), prisons.XMLContentType)
	want := []violation{{"/BookingReport/DocumentIdentification", "required"}}
	if got := jsondoctest.ViolationsOf(t, err); !slices.Equal(got, want) {
		t.Errorf("violations = %v, want %v\n%v", got, want, err)
	}
}
