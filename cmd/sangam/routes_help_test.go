package main

import (
	"strings"
	"testing"
)

// TestRoutesHelpSaysStoredRoutesStay checks that the help of --routes
// states that the file only seeds an empty store, as the hub does.
func TestRoutesHelpSaysStoredRoutesStay(t *testing.T) {
	for _, command := range []string{"serve", "demo"} {
		code, _, errOut := runCLI(t, command, "--help")
		if code != exitOK {
			t.Fatalf("%s --help: exit %d", command, code)
		}
		for _, want := range []string{"seeds an empty routes store", "stay in force",
			"only compares the file with them"} {
			if !strings.Contains(errOut, want) {
				t.Errorf("%s --help does not say %q:\n%s", command, want, errOut)
			}
		}
	}
}
