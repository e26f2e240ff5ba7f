package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestBacklogQueryPlan checks the indexes that SQLite's planner picks for
// the backlog on a journal without statistics, as the hub's is. Looking
// up each dead delivery's other deliveries by (destination, status) reads
// every delivered row of the destination, which on a journal of 400,000
// deliveries with 4,000 dead ones made the query run for minutes.
func TestBacklogQueryPlan(t *testing.T) {
	db := openDB(t, filepath.Join(t.TempDir(), "journal.db"))
	if _, err := New(context.Background(), db, Config{}); err != nil {
		t.Fatalf("New: %v", err)
	}
	rows, err := db.Query("EXPLAIN QUERY PLAN " + backlogQuery)
	if err != nil {
		t.Fatalf("EXPLAIN QUERY PLAN: %v", err)
	}
	defer rows.Close()
	var steps []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatalf("reading the plan: %v", err)
		}
		steps = append(steps, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("reading the plan: %v", err)
	}
	plan := strings.Join(steps, "\n")

	for _, want := range []string{
		"deliveries_replay_of (replay_of=?)",
		"deliveries_message_id (message_id=?)",
	} {
		if !strings.Contains(plan, want) {
			t.Errorf("the plan lacks %q:\n%s", want, plan)
		}
	}
	for _, step := range steps {
		if strings.HasPrefix(step, "SCAN d") || strings.HasPrefix(step, "SCAN r") ||
			strings.Contains(step, "deliveries_destination") {
			t.Errorf("the plan has the step %q, which reads deliveries beyond the backlog:\n%s",
				step, plan)
		}
	}
}
