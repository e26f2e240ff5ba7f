package main

import (
	"bytes"
	"os"
	"path/filepath"
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

// TestRoutesApplyPrintsHubWarnings applies the default routes without
// the routes to the Ernakulam Rural district office, a dry run and then
// a save, and expects the hub's warnings about station EKR0501 and
// office EKM-RURAL on stderr.
func TestRoutesApplyPrintsHubWarnings(t *testing.T) {
	url := startTestHub(t)
	_, doc, _ := runCLI(t, "routes", "export", "--hub", url)
	const from = "  - name: verification-escalation-to-ekm-rural\n"
	const to = "  - name: verification-request-without-station-route\n"
	i, j := strings.Index(doc, from), strings.Index(doc, to)
	if i < 0 || j < i {
		t.Fatalf("the exported routes lack %q followed by %q:\n%s", from, to, doc)
	}
	file := filepath.Join(t.TempDir(), "routes.yaml")
	if err := os.WriteFile(file, []byte(doc[:i]+doc[j:]), 0o600); err != nil {
		t.Fatal(err)
	}
	wants := []string{
		"warning: stations=EKR0501: verification requests for these stations of the jurisdiction " +
			"table reach no destination whose police_unit is the station nor any other with a " +
			"police_unit, so no police unit holds them",
		"warning: district_office=EKM-RURAL stations=EKR0501: escalations of requests for these " +
			"stations reach no destination whose police_unit is their district office nor any other",
	}
	for _, args := range [][]string{{"--dry-run"}, {}} {
		code, out, errOut := runCLI(t, append([]string{"routes", "apply", "--hub", url, "--expect", "1",
			file}, args...)...)
		if code != exitOK {
			t.Fatalf("apply %q: exit %d, stderr %s\n%s", args, code, errOut, out)
		}
		for _, want := range wants {
			if !strings.Contains(errOut, want) {
				t.Errorf("apply %q: stderr lacks %q:\n%s", args, want, errOut)
			}
			if strings.Contains(out, want) {
				t.Errorf("apply %q: stdout has the warning %q", args, want)
			}
		}
	}
}
