package journal

import (
	"strconv"
	"testing"
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
