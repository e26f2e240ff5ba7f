package jsondoc

import (
	"strings"
	"testing"
)

func TestCheckMessageIDsMessage(t *testing.T) {
	for _, id := range []string{"MV-2026\u200b-1", "MV-2026\u2060-1", "MV-2026\t1"} {
		vs := CheckMessageIDs(Envelope{MessageID: id})
		if len(vs) != 1 {
			t.Fatalf("CheckMessageIDs(%q) = %v, want one violation", id, vs)
		}
		msg := vs[0].Message
		if strings.Contains(msg, "control characters") {
			t.Errorf("message %q says control characters, which %q need not contain", msg, id)
		}
		if !strings.Contains(msg, "U+0020 to U+007E") {
			t.Errorf("message %q does not name the allowed range", msg)
		}
		if !strings.Contains(msg, "spaces allowed inside but not at either end") {
			t.Errorf("message %q does not say where spaces are allowed", msg)
		}
	}
}
