package journal

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/canonical"
)

func TestSummarize(t *testing.T) {
	tests := []struct {
		name     string
		statuses []string
		want     string
	}{
		{"none", nil, "unrouted"},
		{"one pending", []string{StatusPending}, "in_progress"},
		{"pending beside dead", []string{StatusDead, StatusPending, StatusDelivered}, "in_progress"},
		{"dead beside delivered", []string{StatusDelivered, StatusDead}, "dead"},
		{"all delivered", []string{StatusDelivered, StatusDelivered}, "delivered"},
	}
	for _, tc := range tests {
		var ds []Delivery
		for i, s := range tc.statuses {
			ds = append(ds, Delivery{ID: "d" + strconv.Itoa(i), Status: s})
		}
		if got := Summarize(ds); got != tc.want {
			t.Errorf("Summarize(%s) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestSummarizeReplays(t *testing.T) {
	dead := Delivery{ID: "d1", Status: StatusDead}
	tests := []struct {
		name string
		ds   []Delivery
		want string
	}{
		{"replay delivered", []Delivery{dead, {ID: "d2", Status: StatusDelivered, ReplayOf: "d1"}}, "delivered"},
		{"replay pending", []Delivery{dead, {ID: "d2", Status: StatusPending, ReplayOf: "d1"}}, "in_progress"},
		{"replay dead", []Delivery{dead, {ID: "d2", Status: StatusDead, ReplayOf: "d1"}}, "dead"},
		{"replay of a dead replay delivered", []Delivery{dead,
			{ID: "d2", Status: StatusDead, ReplayOf: "d1"},
			{ID: "d3", Status: StatusDelivered, ReplayOf: "d2"}}, "delivered"},
		{"forced replay dead after a delivered one", []Delivery{dead,
			{ID: "d2", Status: StatusDelivered, ReplayOf: "d1"},
			{ID: "d3", Status: StatusDead, ReplayOf: "d1"}}, "delivered"},
		{"forced replay pending after a delivered one", []Delivery{dead,
			{ID: "d2", Status: StatusDelivered, ReplayOf: "d1"},
			{ID: "d3", Status: StatusPending, ReplayOf: "d1"}}, "in_progress"},
		{"replay without its original", []Delivery{
			{ID: "d2", Status: StatusDead, ReplayOf: "gone"}}, "dead"},
		{"another delivery dead", []Delivery{dead,
			{ID: "d2", Status: StatusDelivered, ReplayOf: "d1"},
			{ID: "d3", Status: StatusDead}}, "dead"},
	}
	for _, tc := range tests {
		if got := Summarize(tc.ds); got != tc.want {
			t.Errorf("Summarize(%s) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestEffectiveLimit(t *testing.T) {
	tests := []struct{ limit, want int }{
		{-1, DefaultLimit},
		{0, DefaultLimit},
		{1, 1},
		{250, 250},
		{MaxLimit, MaxLimit},
		{MaxLimit + 1, MaxLimit},
	}
	for _, tc := range tests {
		if got := (Query{Limit: tc.limit}).EffectiveLimit(); got != tc.want {
			t.Errorf("Query{Limit: %d}.EffectiveLimit() = %d, want %d", tc.limit, got, tc.want)
		}
	}
}

func TestValidateClaims(t *testing.T) {
	base := Entry{Message: canonical.Message{ID: "m1", Source: "police",
		SenderMessageID: "s1", Type: canonical.TypeChargesheet}}
	claim := Claim{Kind: "original-final-report", Key: "FIR/KL/TVM/0042/2026/117"}
	tests := []struct {
		name  string
		edit  func(e *Entry)
		field string
	}{
		{"claim without kind", func(e *Entry) { e.Claims = []Claim{{Key: claim.Key}} }, "claims[0].kind"},
		{"claim without key", func(e *Entry) { e.Claims = []Claim{claim, {Kind: claim.Kind}} }, "claims[1].key"},
		{"release without holder", func(e *Entry) { e.Releases = []Release{{Claim: claim}} }, "releases[0].holder"},
		{"release without kind", func(e *Entry) {
			e.Releases = []Release{{Claim: Claim{Key: claim.Key}, Holder: "m0"}}
		}, "releases[0].kind"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := base
			tc.edit(&e)
			err := e.Validate()
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.field) {
				t.Errorf("Validate() = %v, want ErrInvalid naming %s", err, tc.field)
			}
		})
	}
	ok := base
	ok.Claims = []Claim{claim}
	ok.Releases = []Release{{Claim: claim, Holder: "m0"}, {Claim: Claim{Kind: claim.Kind}, Holder: "m0"}}
	if err := ok.Validate(); err != nil {
		t.Errorf("Validate(entry with a claim and a release) = %v", err)
	}
}

func TestChains(t *testing.T) {
	ds := []Delivery{
		{ID: "d1", Status: StatusDead},
		{ID: "d2", Status: StatusDelivered},
		{ID: "d3", Status: StatusDead, ReplayOf: "d1"},
		{ID: "d4", Status: StatusDead, ReplayOf: "d3"},
		{ID: "d5", Status: StatusDead, ReplayOf: "gone"},
	}
	var got []string
	for _, chain := range Chains(ds) {
		var ids []string
		for _, d := range chain {
			ids = append(ids, d.ID)
		}
		got = append(got, strings.Join(ids, ",")+" "+ChainStatus(chain))
	}
	want := []string{"d1,d3,d4 dead", "d2 delivered", "d5 dead"}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("Chains = %q, want %q", got, want)
	}
}

func TestReleaseEnds(t *testing.T) {
	claim := Claim{Kind: "open-verification-request", Key: "CO1075120411325"}
	for _, c := range []struct {
		name    string
		release Release
		holder  string
		want    bool
	}{
		{"same claim and holder", Release{Claim: claim, Holder: "m1"}, "m1", true},
		{"every key of the kind", Release{Claim: Claim{Kind: claim.Kind}, Holder: "m1"}, "m1", true},
		{"another holder", Release{Claim: claim, Holder: "m2"}, "m1", false},
		{"another key", Release{Claim: Claim{Kind: claim.Kind, Key: "X"}, Holder: "m1"}, "m1", false},
		{"another kind", Release{Claim: Claim{Kind: "other", Key: claim.Key}, Holder: "m1"}, "m1", false},
	} {
		if got := c.release.Ends(claim, c.holder); got != c.want {
			t.Errorf("%s: Ends = %t, want %t", c.name, got, c.want)
		}
	}
}
