package police_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/adapters/internal/jsondoctest"
	"github.com/sangam-hub/sangam/adapters/police"
	"github.com/sangam-hub/sangam/schemas"
)

func TestDecodeDuplicateKeys(t *testing.T) {
	body := inputs(t)["arrest"]
	body = bytes.Replace(body, []byte(`"memo_type": "arrest",`),
		[]byte(`"memo_type": "arrest", "memo_type": "court_surrender",`), 1)
	body = bytes.Replace(body, []byte(`"year": 2025,`), []byte(`"year": 2025, "year": 2024,`), 1)
	_, err := newAdapter(t).Decode(body, police.ContentType)
	got := jsondoctest.Sorted(schemas.Violations(err))
	want := []violation{{"/fir/year", "duplicate-key"}, {"/memo_type", "duplicate-key"}}
	if !slices.Equal(got, want) {
		t.Errorf("violations = %v, want %v (error %v)", got, want, err)
	}
}

func TestDecodeDuplicateKeyEscaped(t *testing.T) {
	body := []byte(`{"document_type": "fir", "a/b": 1, "a\/b": 2}`)
	_, err := newAdapter(t).Decode(body, police.ContentType)
	got := jsondoctest.Sorted(schemas.Violations(err))
	if want := []violation{{"/a~1b", "duplicate-key"}}; !slices.Equal(got, want) {
		t.Errorf("violations = %v, want %v", got, want)
	}
}

func TestDecodeStripsByteOrderMark(t *testing.T) {
	a := newAdapter(t)
	body := append([]byte("\xEF\xBB\xBF"), inputs(t)["final_report_untraced"]...)
	d, err := a.Decode(body, police.ContentType)
	if err != nil {
		t.Fatalf("Decode with a byte order mark: %v", err)
	}
	if len(d.Messages) != 1 {
		t.Fatalf("got %d messages, want 1", len(d.Messages))
	}
	if !json.Valid(d.Journal) {
		t.Errorf("Journal is not valid JSON: %.40q", d.Journal)
	}
}

func TestDecodeSyntaxErrorNamesPlace(t *testing.T) {
	body := inputs(t)["fir"]
	cut := bytes.Index(body, []byte(`"section": "304(2)"`))
	broken := append(bytes.Clone(body[:cut]), []byte(`"section" "304(2)"}]}`)...)
	_, err := newAdapter(t).Decode(broken, police.ContentType)
	if !errors.Is(err, adapters.ErrMalformed) {
		t.Fatalf("Decode error = %v, want ErrMalformed", err)
	}
	msg := err.Error()
	want := fmt.Sprintf("invalid JSON at byte %d, in /sections/0/section: ", cut+len(`"section" `))
	if !strings.Contains(msg, want) {
		t.Errorf("error = %q, want it to contain %q", msg, want)
	}
	if strings.Count(msg, "json") > 1 || strings.Contains(msg, "json: ") {
		t.Errorf("error = %q, want one mention of JSON and no library prefix", msg)
	}
}

func TestDecodeTruncatedNamesEnd(t *testing.T) {
	body := inputs(t)["arrest"]
	_, err := newAdapter(t).Decode(body[:100], police.ContentType)
	want := "invalid JSON at byte 100"
	if !errors.Is(err, adapters.ErrMalformed) || !strings.Contains(err.Error(), want) {
		t.Errorf("Decode error = %v, want ErrMalformed containing %q", err, want)
	}
}

// TestDecodeHugeListRejectedEarly sends the 200,000 charges that once
// took the hub gigabytes to answer. The scan stops them before the
// schema runs, so the answer is short.
func TestDecodeHugeListRejectedEarly(t *testing.T) {
	body := editDocument(t, "final_report_bns", []edit{{"/sections", manySections(200_000)}})
	_, err := newAdapter(t).Decode(body, police.ContentType)
	vs := schemas.Violations(err)
	want := []violation{{"/sections", "maxItems"}}
	if got := jsondoctest.Sorted(vs); !slices.Equal(got, want) {
		t.Errorf("violations = %v, want %v", got, want)
	}
	if len(err.Error()) > 1000 {
		t.Errorf("error has %d bytes, want a short one", len(err.Error()))
	}
}

func TestDecodeScanLimits(t *testing.T) {
	deep := strings.Repeat(`{"a":`, 20) + `1` + strings.Repeat(`}`, 20)
	wide := map[string]any{}
	for i := range 65 {
		wide[fmt.Sprintf("k%d", i)] = i
	}
	tests := []struct {
		name  string
		edits []edit
		want  []violation
	}{
		{"long string", []edit{{"/brief_facts", strings.Repeat("x", 100_001)}},
			[]violation{{"/brief_facts", "maxLength"}}},
		{"deep nesting", []edit{{"/extra", json.RawMessage(deep)}},
			[]violation{{"/extra/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a", "nesting"}}},
		{"wide object", []edit{{"/court", wide}},
			[]violation{{"/court", "maxProperties"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := editDocument(t, "final_report_bns", tt.edits)
			_, err := newAdapter(t).Decode(body, police.ContentType)
			if got := jsondoctest.Sorted(schemas.Violations(err)); !slices.Equal(got, tt.want) {
				t.Errorf("violations = %v, want %v (error %.300v)", got, tt.want, err)
			}
		})
	}
}

func TestDecodeNormalizesActs(t *testing.T) {
	body := editDocument(t, "final_report_ipc", []edit{
		{"/sections/0/act", "Indian Penal Code, 1860"},
		{"/sections/1/act", "ipc "},
	})
	charges := decodeOne(t, newAdapter(t), body).Chargesheet.Charges
	for i, want := range []string{"IPC", "IPC", "ARMS"} {
		if charges[i].Act != want {
			t.Errorf("charge %d act = %q, want %q", i+1, charges[i].Act, want)
		}
	}
	if charges[0].Equivalent == nil {
		t.Error("an IPC section named by the act's full name has no BNS equivalent")
	}
}

func TestCodeInForceMessageInIST(t *testing.T) {
	// 20:00 UTC on 30 June 2024 is 01:30 IST on 1 July, under the BNS.
	body := editDocument(t, "arrest", []edit{
		{"/occurrence/from", "2024-06-30T20:00:00Z"},
		{"/sections/0/act", "IPC"}, {"/sections/0/section", "379"},
		{"/fir/year", 2024},
	})
	_, err := newAdapter(t).Decode(body, police.ContentType)
	for _, v := range schemas.Violations(err) {
		if v.Rule != "code-in-force" {
			continue
		}
		if !strings.Contains(v.Message, "2024-07-01 01:30 IST") {
			t.Errorf("message = %q, want the offence time in IST", v.Message)
		}
		return
	}
	t.Errorf("no code-in-force violation in %v", err)
}

// TestDecodeDeepNestingMemory posts a FIR member nested a million arrays
// deep. The scan stops at the first level past the limit, so the memory
// the decode takes stays near the body's size rather than growing with
// every level.
func TestDecodeDeepNestingMemory(t *testing.T) {
	const levels = 1_000_000
	body := editDocument(t, "final_report_bns", []edit{{"/extra", "deep"}})
	// An Aadhaar number after the deep member, which the scan never
	// reaches, is still masked in the journal copy.
	body = bytes.Replace(body, []byte(`"deep"`), []byte(strings.Repeat("[", levels)+
		strings.Repeat("]", levels)+`, "aside": "UID 4918 7362 5403"`), 1)
	a := newAdapter(t)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	d, err := a.Decode(body, police.ContentType)
	runtime.ReadMemStats(&after)
	got := jsondoctest.Sorted(schemas.Violations(err))
	want := []violation{{"/extra/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0", "nesting"}}
	if !slices.Equal(got, want) {
		t.Errorf("violations = %v, want %v (error %.300v)", got, want, err)
	}
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 16*uint64(len(body)) {
		t.Errorf("decoding a %d-byte body allocated %d bytes, want at most 16 times the body",
			len(body), allocated)
	}
	if bytes.Contains(d.Journal, []byte("4918 7362 5403")) {
		t.Error("journal copy keeps the Aadhaar number after the deep member in clear")
	}
}

// TestDecodeDeepNestingUnclosed holds an unclosed body nested past the
// limit to the nesting violation: the scan stops before it reaches the
// end of the body.
func TestDecodeDeepNestingUnclosed(t *testing.T) {
	body := []byte(`{"document_type": "fir", "a": ` + strings.Repeat("[", 40))
	_, err := newAdapter(t).Decode(body, police.ContentType)
	got := jsondoctest.Sorted(schemas.Violations(err))
	want := []violation{{"/a" + strings.Repeat("/0", 15), "nesting"}}
	if !slices.Equal(got, want) {
		t.Errorf("violations = %v, want %v (error %.300v)", got, want, err)
	}
}
