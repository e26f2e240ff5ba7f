package routestoretest

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/routestore"
)

// testInvalidRejected saves invalid changes and checks that each error
// names the problem and its place, and that nothing was stored.
func testInvalidRejected(t *testing.T, h Harness, _ Open) {
	saved := saveN(t, h.Store, 1)
	valid := documentN(2)

	cases := map[string]struct {
		change routestore.Change
		want   []string
		// position matches the position of the error in the document.
		position *regexp.Regexp
	}{
		"CEL syntax error": {
			change:   routestore.Change{Document: document("bad", `message.type ==`)},
			want:     []string{`route "cnr-to-police"`, "Syntax error"},
			position: regexp.MustCompile(`<input>:1:\d+`),
		},
		"CEL unknown field": {
			change:   routestore.Change{Document: document("bad", `message.verdict == "x"`)},
			want:     []string{`route "cnr-to-police"`, "verdict"},
			position: regexp.MustCompile(`<input>:1:\d+`),
		},
		"condition not bool": {
			change: routestore.Change{Document: document("bad", `message.type`)},
			want:   []string{`route "cnr-to-police"`, "want bool"},
		},
		"YAML syntax error": {
			change:   routestore.Change{Document: append(documentN(2), "  - name: [\n"...)},
			want:     []string{"parsing routes"},
			position: regexp.MustCompile(`line \d+`),
		},
		"unknown destination": {
			change: routestore.Change{Document: []byte(strings.Replace(string(valid),
				"to: [cctns]", "to: [nowhere]", 1))},
			want: []string{`route "cnr-to-police"`, `unknown destination "nowhere"`},
		},
		"url with credentials": {
			change: routestore.Change{Document: []byte(strings.Replace(string(valid),
				"http://127.0.0.1:9/ecf", "http://hub:pw@127.0.0.1:9/ecf", 1))},
			want: []string{`destination "ecourts": url must not contain credentials; ` +
				"use bearer_token_file or basic_auth"},
		},
		"missing document": {
			change: routestore.Change{},
			want:   []string{"document: missing"},
		},
		"document too large": {
			change: routestore.Change{Document: make([]byte, routestore.MaxDocumentBytes+1)},
			want:   []string{"document:", "over the maximum"},
		},
		"missing by": {
			change: routestore.Change{Document: valid, By: "-"},
			want:   []string{"by: missing"},
		},
		"control character in by": {
			change: routestore.Change{Document: valid, By: "admin\n"},
			want:   []string{"by: invalid"},
		},
		"line break in comment": {
			change: routestore.Change{Document: valid,
				Comment: "routine\nv99   2026-12-05 13:50:00  op-alice  approved"},
			want: []string{"comment: invalid", "U+000A"},
		},
		"escape in comment": {
			change: routestore.Change{Document: valid, Comment: "ok\x1b[2K\rapproved"},
			want:   []string{"comment: invalid", "U+001B"},
		},
		"reordering character in comment": {
			change: routestore.Change{Document: valid, Comment: "approved\u202eevil"},
			want:   []string{"comment: invalid", "U+202E"},
		},
		"negative expect": {
			change: routestore.Change{Document: valid, Expect: -1},
			want:   []string{"expect: -1 is negative"},
		},
		"negative restored_from": {
			change: routestore.Change{Document: valid, RestoredFrom: -2},
			want:   []string{"restored_from: -2 is negative"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := tc.change
			switch c.By {
			case "":
				c.By = "admin@test"
			case "-":
				c.By = ""
			}
			if c.Expect == 0 {
				c.Expect = 1
			}
			_, err := h.Store.Save(context.Background(), c)
			if !errors.Is(err, routestore.ErrInvalid) {
				t.Fatalf("Save error = %v, want ErrInvalid", err)
			}
			for _, want := range tc.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
			if tc.position != nil && !tc.position.MatchString(err.Error()) {
				t.Errorf("error %q has no position matching %s", err, tc.position)
			}
		})
	}

	if got := numbers(list(t, h.Store, 10)); len(got) != 1 || got[0] != 1 {
		t.Errorf("List after rejected changes = versions %v, want [1]", got)
	}
	if d := diffVersion(current(t, h.Store), saved[0]); d != "" {
		t.Errorf("Current after rejected changes returned %s", d)
	}
}
