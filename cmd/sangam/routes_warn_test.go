package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/api"
)

func TestPrintChangeWarnsOfRemovedDestination(t *testing.T) {
	var out bytes.Buffer
	printChange(&out, api.RoutesChangeResult{
		Summary: []string{"destination records: removed"},
		RemovedDestinations: []api.RemovedDestination{{Name: "records", Pending: 4,
			Warning: `destination "records" is removed: its 4 pending deliveries will be dead-lettered`}},
	})
	want := `warning: destination "records" is removed: its 4 pending deliveries will be dead-lettered`
	if !strings.Contains(out.String(), want) {
		t.Errorf("output = %q, want it to contain %q", out.String(), want)
	}
}
