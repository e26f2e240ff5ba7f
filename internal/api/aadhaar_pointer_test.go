package api_test

import (
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/problem"
)

// TestInvalidMemberNameAadhaarMasked posts FIRs with a member named by
// an Aadhaar number in several spellings. The 400 names the member with
// the number masked, and neither the response nor the log contains it.
func TestInvalidMemberNameAadhaarMasked(t *testing.T) {
	f := newFixture(t, 0)
	spellings := []string{
		"3876 5432 1095",
		"387654321095",
		"3876-5432-1095",
		"३८७६ ५४३२ १०९५",
		"३८७६-५४३२-१०९५",
	}
	for i, name := range spellings {
		body := firBody(t, "AADHAAR-MEMBER-"+string(rune('A'+i)), func(doc map[string]any) {
			doc[name] = "x"
			doc["fir"].(map[string]any)[name] = "y"
		})
		r := f.post(t, "/api/v1/inbound/police", body)
		p := wantProblem(t, r, problem.Invalid)
		if strings.Contains(string(r.body), name) {
			t.Errorf("%q: response contains the number in clear: %s", name, r.body)
		}
		pointers := map[string]bool{}
		for _, v := range p.Errors {
			pointers[v.Pointer] = true
		}
		for _, want := range []string{"/XXXXXXXX1095", "/fir/XXXXXXXX1095"} {
			if !pointers[want] {
				t.Errorf("%q: errors %v, want one at pointer %s", name, p.Errors, want)
			}
		}
	}
	f.logs.mu.Lock()
	logs := f.logs.buf.String()
	f.logs.mu.Unlock()
	for _, name := range spellings {
		if strings.Contains(logs, name) {
			t.Errorf("log contains %q in clear: %s", name, logs)
		}
	}
	f.wantNothingJournaled(t)
}
