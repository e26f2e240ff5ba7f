package routes

import (
	"strings"
	"testing"
)

func TestLoadListsEveryProblem(t *testing.T) {
	doc := `
destinations:
  - name: court
    agency: courts
    url: http://127.0.0.1:9/ecf
    max_attempts: 100000000
routes:
  - name: broken
    when: message.type ==
    to: [court]
  - name: unknown-field
    when: message.nosuch == "x"
    to: [court]
`
	_, err := Load([]byte(doc))
	if err == nil {
		t.Fatal("Load accepted a document with three problems")
	}
	for _, want := range []string{"max_attempts", `route "broken"`, `route "unknown-field"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s:\n%v", want, err)
		}
	}
}
