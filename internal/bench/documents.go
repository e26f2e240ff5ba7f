package bench

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/sangam-hub/sangam/mocks/police"
)

// Kinds of generated document, by the hub's expected response.
const (
	kindValid     = "valid"
	kindInvalid   = "invalid"
	kindDuplicate = "duplicate"
)

// document is one body the bench posts to the hub.
type document struct {
	kind string
	body []byte
}

// template is a police sample the generator varies.
type template struct {
	name string
	doc  map[string]any
}

// generator produces police documents from the mock station's samples:
// FIRs, arrest memos and chargesheets, each with its own message id and
// FIR number and padded to about targetBytes with investigation text.
// Every invalidEvery-th document is the invalid sample, and one in every
// dupEvery, half-way between, repeats a document sent a few positions
// before. It is safe for concurrent use.
type generator struct {
	run          string
	targetBytes  int
	invalidEvery int
	dupEvery     int
	valid        []template
	invalid      template

	mu     sync.Mutex // guards seq and recent
	seq    int
	recent [][]byte // the last valid bodies, oldest first
}

// recentValid is how many valid bodies a duplicate may be chosen from.
const recentValid = 8

func newGenerator(run string, targetBytes, invalidEvery, dupEvery int) (*generator, error) {
	g := &generator{run: run, targetBytes: targetBytes,
		invalidEvery: invalidEvery, dupEvery: dupEvery}
	for _, s := range police.Samples() {
		var doc map[string]any
		if err := json.Unmarshal(s.Body, &doc); err != nil {
			return nil, fmt.Errorf("reading police sample %s: %w", s.Name, err)
		}
		if doc["report_type"] == "supplementary" {
			// Each document has a FIR of its own, with no original report
			// for a supplementary one to follow.
			continue
		}
		t := template{name: s.Name, doc: doc}
		if s.Invalid {
			g.invalid = t
			continue
		}
		g.valid = append(g.valid, t)
	}
	if len(g.valid) == 0 || g.invalid.doc == nil {
		return nil, fmt.Errorf("reading police samples: expected valid and invalid samples, got %d valid",
			len(g.valid))
	}
	return g, nil
}

// next returns the next document of the mix.
func (g *generator) next() document {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.seq++
	n := g.seq
	switch {
	case g.invalidEvery > 0 && n%g.invalidEvery == 0:
		return document{kind: kindInvalid, body: g.render(g.invalid, n)}
	case g.dupEvery > 0 && n%g.dupEvery == g.dupEvery/2 && len(g.recent) > 0:
		return document{kind: kindDuplicate, body: g.recent[0]}
	}
	body := g.render(g.valid[n%len(g.valid)], n)
	g.recent = append(g.recent, body)
	if len(g.recent) > recentValid {
		g.recent = g.recent[1:]
	}
	return document{kind: kindValid, body: body}
}

// render returns t with the message id and FIR number of document n,
// padded to the target size.
func (g *generator) render(t template, n int) []byte {
	doc := cloneJSON(t.doc)
	docType, _ := doc["document_type"].(string)
	doc["message_id"] = fmt.Sprintf("BENCH-%s-%s-%07d", g.run, strings.ToUpper(docType), n)
	if fir, ok := doc["fir"].(map[string]any); ok {
		number := 100000 + n
		fir["number"] = number
		if _, has := fir["national_id"]; has {
			fir["national_id"] = fmt.Sprintf("32%s%v%06d", fir["police_station"], fir["year"], number)
		}
	}
	body, _ := json.Marshal(doc)
	if docType == "" || len(body) >= g.targetBytes {
		return body
	}
	pad(doc, docType, g.targetBytes-len(body), n)
	body, _ = json.Marshal(doc)
	return body
}

// pad grows doc by about missing bytes in the field where a station
// writes most: the first information of an FIR, the brief facts of a
// final report, and the property recovered on an arrest.
func pad(doc map[string]any, docType string, missing, n int) {
	switch docType {
	case "fir":
		doc["first_information"] = fmt.Sprint(doc["first_information"]) + " " + narrative(missing, n)
	case "final_report":
		doc["brief_facts"] = fmt.Sprint(doc["brief_facts"]) + " " + narrative(missing, n)
	case "arrest":
		items, _ := doc["property_recovered"].([]any)
		for i := 0; missing > 0; i++ {
			item := recoveredItems[(n+i)%len(recoveredItems)]
			items = append(items, map[string]any{
				"description": fmt.Sprintf("%s, seizure list item %d", item, len(items)+1),
				"category":    "other",
			})
			missing -= len(item) + 70
		}
		doc["property_recovered"] = items
	}
}

// narrative returns investigation text of at least size bytes. The
// sentences rotate with n so that bodies differ.
func narrative(size, n int) string {
	var b strings.Builder
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(diarySentences[(n+i)%len(diarySentences)])
	}
	return b.String()
}

var diarySentences = []string{
	"The place of occurrence was inspected at 21:10 and a scene mahazar was prepared " +
		"in the presence of two independent witnesses.",
	"CCTV footage from three shops facing the bus stand was seized under a seizure " +
		"mahazar and sent to the Cyber Cell for enhancement.",
	"The call detail records of the mobile numbers seen near the place between 19:00 " +
		"and 20:00 were requested from the service providers.",
	"The complainant identified the motorcycle from photographs shown to her at the " +
		"police station on the following morning.",
	"Statements of the shopkeepers, the autorickshaw driver and the bus conductor were " +
		"recorded under section 180 BNSS.",
	"A general diary entry was made on the return of the investigating team and the " +
		"Station House Officer was informed.",
	"The jeweller who bought the chain identified the accused at a test identification " +
		"parade conducted by the Magistrate.",
	"The injury certificate from the General Hospital, Ernakulam, records abrasions on " +
		"the left side of the neck of the complainant.",
}

var recoveredItems = []string{
	"Mobile phone, Redmi Note 12, black, with a cracked screen",
	"Black helmet with a tinted visor",
	"Cash of Rs. 4,500 in 500 and 100 rupee notes",
	"Pawn ticket No. 2231 of a jewellery shop at Edappally",
	"Blue denim jacket worn at the time of the offence",
	"Motorcycle key with a red key ring",
}

// cloneJSON copies a decoded JSON value, so renders never share maps.
func cloneJSON[T any](v T) T {
	return any(cloneValue(v)).(T)
}

func cloneValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = cloneValue(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = cloneValue(e)
		}
		return out
	}
	return v
}
