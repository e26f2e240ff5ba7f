package journaltest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/journal"
)

// findFixture contains the messages that the Find tests journal, by
// letter. Each one is received an hour after the one before, so newest
// first is d, c, b, a.
type findFixture struct {
	a, b, c, d journal.Entry
}

// newFindFixture journals four messages that differ in source, sender
// message id, case key, correlation id and delivery status:
//
//	a: kerala-police, fir-find-a, case one, one pending delivery (in_progress)
//	b: kerala-police, fir-find-b, case two, no delivery (unrouted)
//	c: kerala-courts, fir-find-a, case one, one delivered delivery (delivered)
//	d: kerala-police, fir-find-d, case one, one dead and one delivered (dead)
func newFindFixture(t *testing.T, h Harness) findFixture {
	t.Helper()
	const caseOne, caseTwo = "KL/EKM/0412/2025/1187", "KL/TVM/0042/2026/0117"
	base := time.Date(2026, time.April, 2, 10, 0, 0, 0, ist)
	entry := func(source, sender, caseKey string, hours int, dests ...string) journal.Entry {
		e := newEntry(t, h, sender, dests...)
		e.Message.Source = source
		e.Message.CaseKey = caseKey
		e.Message.ReceivedAt = base.Add(time.Duration(hours) * time.Hour)
		accept(t, h, e)
		return e
	}

	f := findFixture{
		a: entry("kerala-police", "fir-find-a", caseOne, 0, "court"),
		b: entry("kerala-police", "fir-find-b", caseTwo, 1),
		c: entry("kerala-courts", "fir-find-a", caseOne, 2, "court"),
		d: entry("kerala-police", "fir-find-d", caseOne, 3, "court", "prison"),
	}

	recordAttempt(t, h, attemptAt(f.c.Deliveries[0].ID, 1, base, journal.StatusDelivered))
	dead := attemptAt(f.d.Deliveries[0].ID, 1, base, journal.StatusDead)
	dead.StatusCode, dead.Error = 422, "destination rejected the delivery: HTTP 422: bad CNR"
	recordAttempt(t, h, dead)
	recordAttempt(t, h, attemptAt(f.d.Deliveries[1].ID, 1, base, journal.StatusDelivered))
	return f
}

func testFindFilters(t *testing.T, h Harness) {
	f := newFindFixture(t, h)
	names := map[string]string{
		f.a.Message.ID: "a", f.b.Message.ID: "b", f.c.Message.ID: "c", f.d.Message.ID: "d",
	}
	const a, b, c, d = "a", "b", "c", "d"

	tests := []struct {
		name string
		q    journal.Query
		want []string
	}{
		{"every message", journal.Query{}, []string{d, c, b, a}},
		{"source", journal.Query{Source: "kerala-police"}, []string{d, b, a}},
		{"sender message id", journal.Query{SenderMessageID: "fir-find-a"}, []string{c, a}},
		{"source and sender message id",
			journal.Query{Source: "kerala-courts", SenderMessageID: "fir-find-a"}, []string{c}},
		{"case key", journal.Query{CaseKey: f.a.Message.CaseKey}, []string{d, c, a}},
		{"correlation id", journal.Query{CorrelationID: f.b.Message.CorrelationID}, []string{b}},
		{"case key and source",
			journal.Query{CaseKey: f.a.Message.CaseKey, Source: "kerala-police"}, []string{d, a}},
		{"limit", journal.Query{Limit: 2}, []string{d, c}},
		{"limit with filter", journal.Query{CaseKey: f.a.Message.CaseKey, Limit: 1}, []string{d}},
		{"negative limit is the default", journal.Query{Limit: -5}, []string{d, c, b, a}},
	}
	for _, tc := range tests {
		got := findNames(t, h, tc.q, names)
		if !slices.Equal(got, tc.want) {
			t.Errorf("Find by %s = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func testFindSummary(t *testing.T, h Harness) {
	f := newFindFixture(t, h)
	found, err := h.Store.Find(context.Background(), journal.Query{})
	if err != nil {
		t.Fatalf("Find: %v", err)
	}
	if len(found) != 4 {
		t.Fatalf("Find returned %d messages, want 4", len(found))
	}

	wantStatus := []struct {
		entry  journal.Entry
		status string
	}{
		{f.d, "dead"}, {f.c, "delivered"}, {f.b, "unrouted"}, {f.a, "in_progress"},
	}
	for i, w := range wantStatus {
		checkSummary(t, found[i], w.entry, w.status)
	}
}

// checkSummary checks s against the message of e and the status it
// should have.
func checkSummary(t *testing.T, s journal.Summary, e journal.Entry, status string) {
	t.Helper()
	m := e.Message
	for _, f := range []struct{ name, got, want string }{
		{"MessageID", s.MessageID, m.ID},
		{"Source", s.Source, m.Source},
		{"SenderMessageID", s.SenderMessageID, m.SenderMessageID},
		{"Type", string(s.Type), string(m.Type)},
		{"CaseKey", s.CaseKey, m.CaseKey},
		{"CorrelationID", s.CorrelationID, m.CorrelationID},
		{"Status", s.Status, status},
	} {
		if f.got != f.want {
			t.Errorf("Summary of %s: %s = %q, want %q", m.SenderMessageID, f.name, f.got, f.want)
		}
	}
	if !s.ReceivedAt.Equal(m.ReceivedAt) {
		t.Errorf("Summary of %s: ReceivedAt = %v, want %v",
			m.SenderMessageID, s.ReceivedAt, m.ReceivedAt)
	}
	if s.ReceivedAt.Location() != time.UTC {
		t.Errorf("Summary of %s: ReceivedAt location = %v, want UTC",
			m.SenderMessageID, s.ReceivedAt.Location())
	}
}

func testFindNothing(t *testing.T, h Harness) {
	ctx := context.Background()
	found, err := h.Store.Find(ctx, journal.Query{})
	if err != nil {
		t.Fatalf("Find in an empty journal: %v", err)
	}
	if len(found) != 0 {
		t.Errorf("Find in an empty journal returned %d messages, want none", len(found))
	}

	accept(t, h, newEntry(t, h, "fir-find-present", "court"))
	found, err = h.Store.Find(ctx, journal.Query{Source: "no-such-agency"})
	if err != nil {
		t.Fatalf("Find by an unknown source: %v", err)
	}
	if len(found) != 0 {
		t.Errorf("Find by an unknown source returned %v, want none", found)
	}
}

func testFindPages(t *testing.T, h Harness) {
	const caseOne, caseTwo = "KL/EKM/0412/2025/1187", "KL/TVM/0042/2026/0117"
	base := time.Date(2026, time.April, 3, 10, 0, 0, 0, ist)
	type journaled struct {
		id, caseKey string
		received    time.Time
	}
	var all []journaled
	// Seven messages of case one, three of them received at the same
	// microsecond so that their ids order them, and as many of case two,
	// received at the same times, that the filter leaves out.
	for i, minutes := range []int{0, 5, 5, 5, 9, 12, 20} {
		for j, caseKey := range []string{caseOne, caseTwo} {
			e := newEntry(t, h, fmt.Sprintf("fir-page-%d-%d", i, j), "court")
			e.Message.CaseKey = caseKey
			e.Message.ReceivedAt = base.Add(time.Duration(minutes) * time.Minute)
			accept(t, h, e)
			all = append(all, journaled{e.Message.ID, caseKey, e.Message.ReceivedAt})
		}
	}
	slices.SortFunc(all, func(x, y journaled) int {
		if c := y.received.Compare(x.received); c != 0 {
			return c
		}
		return strings.Compare(y.id, x.id)
	})
	var want []string
	for _, m := range all {
		if m.caseKey == caseOne {
			want = append(want, m.id)
		}
	}

	q := journal.Query{CaseKey: caseOne, Limit: 3}
	var got [][]string
	for range 5 {
		page := findIDs(t, h, q)
		got = append(got, page)
		if len(page) == 0 {
			break
		}
		q.After = page[len(page)-1]
	}
	wantPages := [][]string{want[0:3], want[3:6], want[6:], nil}
	if !slices.EqualFunc(got, wantPages, slices.Equal) {
		t.Errorf("Find pages of case %s = %v, want %v", caseOne, got, wantPages)
	}

	// An after that the filter leaves out still marks a position: a case
	// two message that has case one messages on both sides.
	other := 4 + slices.IndexFunc(all[4:], func(m journaled) bool { return m.caseKey == caseTwo })
	var wantAfterOther []string
	for _, m := range all[other+1:] {
		if m.caseKey == caseOne && len(wantAfterOther) < 2 {
			wantAfterOther = append(wantAfterOther, m.id)
		}
	}
	q = journal.Query{CaseKey: caseOne, After: all[other].id, Limit: 2}
	if got := findIDs(t, h, q); !slices.Equal(got, wantAfterOther) {
		t.Errorf("Find of case %s after a case %s message = %v, want %v",
			caseOne, caseTwo, got, wantAfterOther)
	}

	_, err := h.Store.Find(context.Background(), journal.Query{After: "no-such-message"})
	if !errors.Is(err, journal.ErrInvalid) {
		t.Errorf("Find after an unknown message id: error = %v, want ErrInvalid", err)
	}
}

// findIDs returns the ids of the messages that Find returns for q, in
// order, or nil when it returns none.
func findIDs(t *testing.T, h Harness, q journal.Query) []string {
	t.Helper()
	found, err := h.Store.Find(context.Background(), q)
	if err != nil {
		t.Fatalf("Find(%+v): %v", q, err)
	}
	var ids []string
	for _, s := range found {
		ids = append(ids, s.MessageID)
	}
	return ids
}

// findNames returns the names of the messages that Find returns for q, in
// order, looked up by message id in names.
func findNames(t *testing.T, h Harness, q journal.Query, names map[string]string) []string {
	t.Helper()
	found, err := h.Store.Find(context.Background(), q)
	if err != nil {
		t.Fatalf("Find(%+v): %v", q, err)
	}
	out := []string{}
	for _, s := range found {
		name, ok := names[s.MessageID]
		if !ok {
			name = "unknown message " + s.MessageID
		}
		out = append(out, name)
	}
	return out
}
